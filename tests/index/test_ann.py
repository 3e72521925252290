"""faiss HNSW and IVF: recall against exact search on clustered data, deletes, filters, save/load."""

import numpy as np
import pytest

from embedlab.index import make_index


def clustered(n, dim, centers=50, seed=0, intrinsic=8):
    """Gaussian clusters whose spread lies in a low-dimensional subspace, as in real embeddings."""
    basis = np.random.default_rng(99).normal(size=(intrinsic, dim))
    c = np.random.default_rng(98).normal(size=(centers, dim))
    rng = np.random.default_rng(seed)
    x = c[rng.integers(0, centers, n)] + 0.35 * rng.normal(size=(n, intrinsic)) @ basis
    return x.astype(np.float32)


def recall(a, b):
    return np.mean([len(set(r1) & set(r2)) / len(r2) for r1, r2 in zip(a, b, strict=True)])


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_recall_against_exact(kind):
    x = clustered(20000, 32)
    q = clustered(200, 32, seed=1)
    exact = make_index("exact", 32)
    exact.add(x, np.arange(len(x)))
    ann = make_index(kind, 32, nprobe=8) if kind == "ivf" else make_index(kind, 32)
    ann.add(x, np.arange(len(x)))
    want, _ = exact.search(q, 10)
    got, scores = ann.search(q, 10)
    assert recall(got, want) >= 0.9
    assert (np.diff(scores, axis=1) <= 1e-6).all()


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_delete_filter_and_save(kind, tmp_path):
    x = clustered(3000, 16)
    ann = make_index(kind, 16)
    ann.add(x, np.arange(3000) + 100)
    top = ann.search(x[:20], 1)[0][:, 0]
    assert ann.remove(top) == len(set(top.tolist())) and len(ann) == 3000 - len(set(top.tolist()))
    assert not np.isin(ann.search(x[:20], 5)[0], top).any()
    allowed = np.arange(100, 3100, 3)
    got = ann.search(x[:5], 5, allowed=allowed)[0]
    assert np.isin(got[got >= 0], allowed).all()
    ann.save(tmp_path / "i.faiss")
    back = make_index(kind, 16)
    back.load_state(tmp_path / "i.faiss", len(ann), getattr(ann, "_deleted", set()))
    np.testing.assert_array_equal(back.search(x[50:60], 5)[0], ann.search(x[50:60], 5)[0])


def test_hnsw_compact_drops_tombstones():
    x = clustered(1000, 8)
    ann = make_index("hnsw", 8)
    ann.add(x, np.arange(1000))
    ann.remove(np.arange(500))
    assert ann.stale_fraction == 0.5
    ann.compact(x[500:], np.arange(500, 1000))
    assert ann.stale_fraction == 0 and len(ann) == 500
    assert (ann.search(x[:10], 3)[0] >= 500).all()
