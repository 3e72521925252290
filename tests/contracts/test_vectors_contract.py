"""The ReadableVectors protocol, run for every kind of stored vectors: float32 in memory and memory-mapped,
subword vectors, and each quantized codec (plain and subword). Whatever the storage, a reader sees the same
keys, float32 rows of the same dimension, and unit rows that agree with get_vector."""

import numpy as np
import pytest

import embedlab
from embedlab.compress import compress_vectors
from embedlab.errors import UnknownKeyError
from embedlab.vectors.protocol import ReadableVectors

WORDS = [f"w{i}" for i in range(300)] + ["king", "queen", "über"]


def _plain(tmp_path):
    rng = np.random.default_rng(0)
    return embedlab.KeyedVectors(WORDS, rng.normal(size=(len(WORDS), 16)).astype(np.float32))


def _subword(tmp_path):
    rng = np.random.default_rng(1)
    sentences = [list(rng.choice(WORDS, size=8)) for _ in range(400)]
    return embedlab.FastText(dim=16, min_count=1, epochs=1, bucket=2048, threads=1, seed=1).fit(sentences)


def _memory_mapped(tmp_path):
    _plain(tmp_path).save(tmp_path / "m")
    return embedlab.load(tmp_path / "m")


def _compressed(method, subword=False):
    def make(tmp_path):
        kv = _subword(tmp_path) if subword else _plain(tmp_path)
        return compress_vectors(kv, method, m=4 if method == "pq" else None)

    return make


KINDS = {
    "float32": _plain,
    "memory-mapped": _memory_mapped,
    "subword": _subword,
    **{m: _compressed(m) for m in ("float16", "int8", "binary", "pq")},
    **{f"subword {m}": _compressed(m, subword=True) for m in ("float16", "int8")},
}


@pytest.fixture(params=list(KINDS), ids=list(KINDS))
def vectors(request, tmp_path):
    return KINDS[request.param](tmp_path)


def test_it_is_readable_vectors_with_float32_rows(vectors):
    assert isinstance(vectors, ReadableVectors)
    assert len(vectors) == len(vectors.keys) and vectors.words == vectors.keys
    assert "king" in vectors
    for key in ("no such key", "kinng"):  # 'in' says whether get_vector answers (subword vectors: unseen words too)
        try:
            vectors.get_vector(key)
            answers = True
        except UnknownKeyError:
            answers = False
        assert (key in vectors) == answers, key
    v = vectors.get_vector("king")
    assert v.dtype == np.float32 and v.shape == (vectors.dim,)


def test_unit_rows_agree_with_normalised_get_vector(vectors):
    rows = vectors.unit_rows(0, 5)
    assert rows.dtype == np.float32 and rows.shape == (5, vectors.dim)
    for i, key in enumerate(vectors.keys[:5]):
        assert np.allclose(rows[i], vectors.get_vector(key, norm=True), atol=1e-5)
    assert np.allclose(np.linalg.norm(vectors.unit_rows(), axis=1), 1.0, atol=1e-4)


def test_neighbours_come_from_the_keys_and_an_unknown_key_is_named(vectors):
    found = vectors.most_similar("king", k=3)
    assert len(found) == 3 and all(w in vectors and w != "king" for w, _ in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    if not hasattr(vectors, "ngrams") and not hasattr(vectors, "ngram_codes"):  # subword vectors answer unseen keys
        with pytest.raises(UnknownKeyError, match="kinng"):
            vectors.get_vector("kinng")
