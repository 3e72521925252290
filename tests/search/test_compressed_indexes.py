"""Collections searched through compressed indexes: int8, binary with rescoring, PQ."""

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.index.quantized import QuantizedIndex
from embedlab.search.collection import Collection

pytest.importorskip("faiss")


def planted(n=600, dim=32, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(30, dim))
    return (centres[np.arange(n) % 30] + 0.3 * rng.normal(size=(n, dim))).astype(np.float32)


def recall_at_10(col, x, index):
    exact = col.search_vectors(x[:60], k=10, index="exact")
    approx = col.search_vectors(x[:60], k=10, index=index)
    return np.mean([len({h.id for h in a} & {h.id for h in e}) / 10 for a, e in zip(approx, exact, strict=True)])


@pytest.mark.parametrize("kind,floor", [("int8", 0.95), ("binary", 0.85), ("pq", 0.6)])
def test_compressed_search_finds_what_exact_search_finds(tmp_path, kind, floor):
    x = planted()
    col = Collection.create(tmp_path / "c", dim=32, index=kind)
    col.add([f"d{i}" for i in range(len(x))], vectors=x)
    assert recall_at_10(col, x, kind) >= floor
    assert col.search_vectors(x[5:6], k=1)[0][0].id == "d5"  # the collection's own index by default
    assert col.ann(kind).code_bytes <= x.nbytes / {"int8": 4, "binary": 32, "pq": 16}[kind]


def test_the_index_choice_survives_add_delete_and_reopen(tmp_path):
    x = planted()
    col = Collection.create(tmp_path / "c", dim=32, index="binary")
    col.add([f"d{i}" for i in range(500)], vectors=x[:500])
    assert col.search_vectors(x[7:8], k=1)[0][0].id == "d7"  # builds and saves the index
    col.delete(["d7"])
    col.add(["new"], vectors=x[7:8] * 1.01)
    assert col.search_vectors(x[7:8], k=1)[0][0].id == "new"
    col.close()
    again = Collection(tmp_path / "c")
    assert again.index == "binary"
    assert again.search_vectors(x[7:8], k=1)[0][0].id == "new"
    assert "d7" not in {h.id for h in again.search_vectors(x[7:8], k=20)[0]}


def test_small_collections_search_exactly_until_there_is_enough_to_learn_from(tmp_path):
    col = Collection.create(tmp_path / "c", dim=32, index="pq")
    x = planted(10)
    col.add([f"d{i}" for i in range(10)], vectors=x)
    assert col.search_vectors(x[3:4], k=1)[0][0].id == "d3"
    one = Collection.create(tmp_path / "one", dim=32, index="int8")
    one.add(["only"], vectors=x[:1])
    assert one.search_vectors(x[:1], k=1)[0][0].id == "only"


def test_filters_work_with_compressed_indexes(tmp_path):
    x = planted()
    col = Collection.create(tmp_path / "c", dim=32, index="int8")
    col.add([f"d{i}" for i in range(len(x))], vectors=x, metadata=[{"even": i % 2 == 0} for i in range(len(x))])
    hits = col.search_vectors(x[:5], k=5, filter={"even": True})
    assert all(h.metadata["even"] for row in hits for h in row)


def test_bad_choices_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="cosine"):
        Collection.create(tmp_path / "c", dim=8, metric="l2", index="binary")
    with pytest.raises(ConfigError, match="index"):
        Collection.create(tmp_path / "d", dim=8, index="lsh")
    with pytest.raises(ConfigError, match="at least 2"):
        QuantizedIndex("int8", 8).add(np.ones((1, 8)), np.array([0]))
    with pytest.raises(ConfigError, match="fetch"):
        idx = QuantizedIndex("binary", 8)
        idx.add(np.random.default_rng(0).normal(size=(20, 8)), np.arange(20))
        idx.search(np.ones((1, 8)), k=3)
