"""Collections larger than RAM: exact search reads the rows from disk a block at a time, a binary index
holds codes and rescores from disk, the RAM each index needs is stated, and an index that would not fit
is refused before it is built."""

import tracemalloc

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.search import memory
from embedlab.search.collection import Collection

pytest.importorskip("faiss")


def planted(n, dim, seed=0):
    """``n`` unit rows in groups of 10 around random centres, and 40 queries near group centres: each
    query's 10 nearest rows are its group's."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n // 10, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = np.repeat(centres, 10, axis=0) + 0.3 * rng.normal(size=(n, dim)) / np.sqrt(dim)
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    q = centres[rng.choice(n // 10, 40, replace=False)] + 0.1 * rng.normal(size=(40, dim)) / np.sqrt(dim)
    return x, q.astype(np.float32)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    x, q = planted(120_000, 64)
    col = Collection.create(tmp_path_factory.mktemp("mem") / "c", dim=64)
    col.add([f"d{i}" for i in range(len(x))], vectors=x, metadata=[{"even": i % 2 == 0} for i in range(len(x))])
    yield col, x, q
    col.close()


def exact_ids(x, q, k, allowed=None):
    s = q / np.linalg.norm(q, axis=1, keepdims=True) @ x.T
    if allowed is not None:
        s[:, ~allowed] = -np.inf
    return np.argsort(-s, axis=1, kind="stable")[:, :k]


def ids_of(hits):
    return [[int(h.id[1:]) for h in row] for row in hits]


def peak_during(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_exact_search_past_the_ram_at_hand_reads_blocks_and_finds_the_same(big, monkeypatch):
    col, x, q = big
    monkeypatch.setattr("embedlab.search.collection.exact_fits", lambda n, dim: False)
    monkeypatch.setattr(memory, "STREAM_BLOCK", 16_384)
    want = exact_ids(x, q, 10)
    got = ids_of(col.search_vectors(q, k=10, index="exact", with_text=False))
    assert np.mean([len(set(g) & set(w)) / 10 for g, w in zip(got, want, strict=True)]) > 0.99
    even = np.arange(len(x)) % 2 == 0
    got = ids_of(col.search_vectors(q, k=5, index="exact", filter={"even": True}, with_text=False))
    assert all(i % 2 == 0 for row in got for i in row) and len(got[0]) == 5
    assert got[0][0] == exact_ids(x, q, 1, even)[0][0]
    peak = peak_during(lambda: col.search_vectors(q, k=10, index="exact", with_text=False))
    assert col._cache is None and peak < 0.4 * x.nbytes  # a block of rows, never the whole matrix
    slots = col._live_slots()
    col.search_vectors(q[:1], k=3, index="exact", with_text=False)
    assert col._live_slots() is slots  # read from the database once per generation, not once a query


def test_a_binary_index_holds_codes_and_rescores_from_disk(big):
    col, x, q = big
    col.ann("binary")  # built once (reads blocks), as a collection does on its first binary search
    hits = []
    peak = peak_during(lambda: hits.extend(col.search_vectors(q, k=10, index="binary", with_text=False)))
    want = exact_ids(x, q, 10)
    recall = np.mean([len(set(g) & set(w)) / 10 for g, w in zip(ids_of(hits), want, strict=True)])
    assert recall >= 0.9
    assert col._cache is None and peak < 0.1 * x.nbytes


def test_the_stated_ram_and_the_refusal(tmp_path, monkeypatch):
    assert memory.index_bytes("binary", 10_000_000, 384) == 10_000_000 * (48 + 56)
    assert memory.index_bytes("pq", 1000, 384) == 1000 * (96 + 56)
    assert memory.index_bytes("hnsw", 10, 384, M=16) == 10 * (1536 + 128 + 56)
    col = Collection.create(tmp_path / "c", dim=64)
    x, _ = planted(2000, 64)
    col.add([f"d{i}" for i in range(2000)], vectors=x)
    monkeypatch.setattr("embedlab._memory.available_memory", lambda: 2000 * 100)  # less than float rows need
    with pytest.raises(ConfigError, match=r"hnsw index of 2,000 64-d vectors needs .* index='binary'"):
        col.search_vectors(x[:1], k=3, index="hnsw")
    assert len(col.search_vectors(x[:1], k=3, index="binary")[0]) == 3  # 64 bytes a vector fits
    assert len(col.search_vectors(x[:1], k=3, index="exact")[0]) == 3  # rows from disk
    assert not (tmp_path / "c" / "index-hnsw.faiss").exists()


def test_streamed_blocks_merge_to_one_top_k():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1000, 8)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = rng.normal(size=(5, 8)).astype(np.float32)
    blocks = ((np.arange(a, a + 128), x[a : a + 128]) for a in range(0, 1000, 128))
    ids, scores = memory.search_streamed(blocks, q, 7, "cosine")
    assert ids.tolist() == exact_ids(x, q, 7).tolist()
    assert np.all(np.diff(scores, axis=1) <= 0)


def test_a_collection_keeps_how_many_candidates_binary_rescores(tmp_path):
    x, q = planted(3000, 64)
    col = Collection.create(tmp_path / "c", dim=64, index="binary", settings={"rescore": 25})
    col.add([f"d{i}" for i in range(len(x))], vectors=x)
    assert col.ann("binary").rescore == 25
    again = Collection(tmp_path / "c")
    assert again.ann("binary").rescore == 25 and (tmp_path / "c" / "index-binary.faiss").is_file()
    assert ids_of(again.search_vectors(q[:3], k=10))[0] == exact_ids(x, q[:1], 10)[0].tolist()


def test_a_collection_made_from_a_store_searches_in_bounded_memory(tmp_path):
    pytest.importorskip("pyarrow")
    from embedlab.io.vector_store import VectorStore
    from embedlab.search.from_store import add_store

    x, q = planted(60_000, 64, seed=3)
    store = VectorStore.create(tmp_path / "s", dim=64, model=None, settings={})
    for i, a in enumerate(range(0, len(x), 20_000)):
        store.write_shard(i, [f"d{j}" for j in range(a, a + 20_000)], x[a : a + 20_000], [{}] * 20_000)
    store.finish(rows=len(x))
    col = Collection.create(tmp_path / "c", dim=64, index="binary", settings={"rescore": 8})
    assert add_store(col, tmp_path / "s") == len(x)
    col.ann("binary")
    hits = []
    peak = peak_during(lambda: hits.extend(col.search_vectors(q, k=10, with_text=False)))
    recall = np.mean([len(set(g) & set(w)) / 10 for g, w in zip(ids_of(hits), exact_ids(x, q, 10), strict=True)])
    assert recall >= 0.9 and col._cache is None and peak < 0.1 * x.nbytes
