"""The VectorIndex protocol, run for every index kind and metric: the same answers to the same questions."""

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.index.base import INDEX_KINDS
from embedlab.index.factory import make_index

KINDS = list(INDEX_KINDS)
N, DIM = 400, 16


def _index(kind, metric="cosine", data=None):
    if kind in ("hnsw", "ivf"):
        pytest.importorskip("faiss")
    if kind == "binary":  # sign bits, rescored on the float rows fetched by id
        if metric != "cosine":
            pytest.skip("a binary index is cosine only (it keeps the signs of unit rows)")
        x, ids = data
        return make_index(kind, DIM, metric, fetch=lambda found: x[found - ids[0]])
    return make_index(kind, DIM, metric)


def _expected_first(x, queries, metric):
    if metric == "cosine":
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
    scores = queries @ x.T if metric != "l2" else -((queries[:, None, :] - x[None]) ** 2).sum(-1)
    return scores.argmax(axis=1)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, DIM)).astype(np.float32)
    return x, np.arange(1000, 1000 + N, dtype=np.int64)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("metric", ["cosine", "ip", "l2"])
def test_each_index_finds_each_stored_vector_first(kind, metric, data):
    x, ids = data
    index = _index(kind, metric, data)
    index.add(x, ids)
    assert len(index) == N and index.dim == DIM
    found, scores = index.search(x[:20], k=5)
    assert found.shape == scores.shape == (20, 5)
    assert found.dtype == np.int64 and scores.dtype == np.float32
    assert np.all(np.diff(scores, axis=1) <= 1e-5)  # best first
    best = ids[_expected_first(x, x[:20], metric)]  # itself, except under ip (a longer row may score higher)
    share = np.mean(found[:, 0] == best)  # compressed and approximate kinds may miss a near-tie
    assert share >= {"exact": 1.0, "hnsw": 0.95, "ivf": 0.9}.get(kind, 0.8)


@pytest.mark.parametrize("kind", KINDS)
def test_removed_ids_are_never_returned_and_allowed_restricts(kind, data):
    x, ids = data
    index = _index(kind, data=data)
    index.add(x, ids)
    assert index.remove(ids[:10]) == 10 and len(index) == N - 10
    found, _ = index.search(x[:10], k=10)
    assert not set(found.ravel().tolist()) & set(ids[:10].tolist())
    allowed = ids[50:60]
    found, _ = index.search(x[50:53], k=3, allowed=allowed)
    assert set(found[found >= 0].ravel().tolist()) <= set(allowed.tolist())


@pytest.mark.parametrize("kind", KINDS)
def test_missing_results_are_minus_one_and_minus_inf(kind, data):
    x, ids = data
    index = _index(kind, data=data)
    empty, scores = index.search(x[:2], k=3)
    assert (empty == -1).all() and np.isneginf(scores).all()
    index.add(x, ids)
    found, scores = index.search(x[:2], k=N + 5)
    assert found.shape == (2, N + 5)
    assert (found[:, N:] == -1).all() and np.isneginf(scores[:, N:]).all()
    assert (found[:, : N // 2] >= 0).all()


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_is_a_config_error(kind, data):
    x, ids = data
    index = _index(kind, data=data)
    with pytest.raises(ConfigError):
        index.add(x[:, :3], ids)  # wrong dimension
    with pytest.raises(ConfigError):
        index.add(x[:5], ids[:4])  # ids and vectors differ in number
    with pytest.raises(ConfigError):
        index.search(x[:1], k=0)
