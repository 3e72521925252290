"""Exact search equals a brute-force argsort, for every metric, with filters, adds and removals."""

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.index import make_index
from embedlab.index.exact import exact_search


def brute(q, x, k, metric):
    if metric == "cosine":
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        q = q / np.linalg.norm(q, axis=1, keepdims=True)
    s = -((q[:, None, :] - x[None]) ** 2).sum(-1) if metric == "l2" else q @ x.T
    return np.argsort(-s, axis=1, kind="stable")[:, :k]


@pytest.mark.parametrize("metric", ["cosine", "ip", "l2"])
def test_matches_brute_force(metric):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, 24)).astype(np.float32)
    q = rng.normal(size=(50, 24)).astype(np.float32)
    idx = make_index("exact", 24, metric)
    idx.add(x, np.arange(3000) * 10)
    ids, scores = idx.search(q, 7)
    np.testing.assert_array_equal(ids, brute(q, x, 7, metric) * 10)
    assert (np.diff(scores, axis=1) <= 0).all()


def test_topk_ties_go_to_the_lower_row_and_k_larger_than_n():
    x = np.ones((5, 3), dtype=np.float32)
    i, _s = exact_search(np.ones((1, 3), dtype=np.float32), x, 3)
    assert i.tolist() == [[0, 1, 2]]
    idx = make_index("exact", 3, "ip")
    idx.add(x[:2], [5, 6])
    ids, scores = idx.search(np.ones((1, 3)), 4)
    assert ids.tolist() == [[5, 6, -1, -1]] and np.isneginf(scores[0, 2:]).all()


def test_row_blocks_merge_like_one_pass(monkeypatch):
    import embedlab.index.exact as ex

    rng = np.random.default_rng(2)
    x = rng.normal(size=(5000, 8)).astype(np.float32)
    q = rng.normal(size=(3, 8)).astype(np.float32)
    want = exact_search(q, x, 10)
    monkeypatch.setattr(ex, "_SCORE_BUDGET", 1000)  # forces blocks of 1,000 rows
    got = exact_search(q[:1], x, 10)
    np.testing.assert_array_equal(got[0], want[0][:1])


def test_remove_and_filter():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(100, 8)).astype(np.float32)
    idx = make_index("exact", 8)
    idx.add(x, np.arange(100))
    assert idx.remove([0, 5, 999]) == 2 and len(idx) == 98
    ids, _ = idx.search(x[[0, 5]], 1)
    assert 0 not in ids and 5 not in ids
    ids, _ = idx.search(x[:1], 5, allowed=np.array([10, 20, 30]))
    assert set(ids[0][:3]) == {10, 20, 30} and (ids[0][3:] == -1).all()


def test_bad_inputs():
    idx = make_index("exact", 4)
    with pytest.raises(ConfigError, match=r"shape \[n, 4\]"):
        idx.add(np.ones((2, 3)), [1, 2])
    with pytest.raises(ConfigError, match="2 vectors but 1 ids"):
        idx.add(np.ones((2, 4)), [1])
    idx.add(np.ones((1, 4)), [1])
    with pytest.raises(ConfigError, match="already in the index"):
        idx.add(np.ones((1, 4)), [1])
    with pytest.raises(ConfigError, match="NaN"):
        idx.search(np.full((1, 4), np.nan))
    with pytest.raises(ConfigError, match="kind must be one of"):
        make_index("annoy", 4)


def test_from_matrix_shares_without_changing_the_matrix():
    from embedlab.index.exact import ExactIndex

    x = np.eye(4, dtype=np.float32)
    before = x.copy()
    idx = ExactIndex.from_matrix(x, np.array([10, 11, 12, 13]), "ip")
    assert idx.search(x[2:3], 1)[0].tolist() == [[12]]
    idx.remove([10])
    assert idx.search(x[3:4], 1)[0].tolist() == [[13]] and len(idx) == 3
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("metric", ["ip", "l2"])
def test_query_blocks_times_row_tiles_equal_brute_force(monkeypatch, metric):
    import embedlab.index.exact as ex

    rng = np.random.default_rng(5)
    x = rng.normal(size=(3001, 8)).astype(np.float32)
    x[1500] = x[7]  # a tie across two tiles: the lower row must win
    q = np.concatenate([rng.normal(size=(36, 8)).astype(np.float32), x[7:8]])
    monkeypatch.setattr(ex, "_SCORE_BUDGET", 4000)  # 37 queries -> row tiles of 108: 28 tiles merged
    ids, scores = exact_search(q, x, 5, metric)
    brute = q @ x.T if metric == "ip" else -((q[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    want = np.argsort(-brute, axis=1, kind="stable")[:, :5]
    np.testing.assert_array_equal(ids, want)
    np.testing.assert_allclose(scores, np.take_along_axis(brute, want, 1), rtol=1e-4, atol=1e-4)
    if metric == "l2":  # the query equals rows 7 and 1500 (distance 0): both first, the lower row first
        assert ids[-1, 0] == 7 and ids[-1, 1] == 1500
