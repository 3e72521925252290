"""QuantizedVectors answer queries from their codes, survive save/load, and refuse wrong dimensions."""

import numpy as np
import pytest

import embedlab
from embedlab.errors import ConfigError, FormatError
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vectors.quantized import QuantizedVectors

METHODS = ["float16", "int8", "binary", "pq"]


@pytest.fixture(scope="module")
def planted():
    """400 words in 8 tight groups: every word's true neighbours are its own group."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(8, 64))
    group = np.arange(400) % 8
    vectors = centres[group] + 0.15 * rng.normal(size=(400, 64))
    return KeyedVectors([f"w{i}" for i in range(400)], vectors.astype(np.float32)), group


def _needs(method):
    if method == "pq":
        pytest.importorskip("faiss")


@pytest.mark.parametrize("method", METHODS)
def test_neighbours_from_codes_stay_in_the_planted_group(planted, method):
    _needs(method)
    kv, group = planted
    q = QuantizedVectors.from_vectors(kv, method)
    assert q.nbytes < kv.vectors.nbytes
    for i in range(0, 400, 37):
        hits = [int(w[1:]) for w, _ in q.most_similar(f"w{i}", topn=10)]
        assert all(group[h] == group[i] for h in hits), (method, i, hits)
    batch = q.most_similar_batch(["w0", "w1"], topn=5)  # the same scores (binary codes tie often: words may differ)
    assert np.allclose([s for _, s in batch[0]], [s for _, s in q.most_similar("w0", topn=5)], atol=1e-5)


@pytest.mark.parametrize("method", ["float16", "int8"])
def test_fine_codecs_rank_like_the_float_vectors(planted, method):
    kv, _ = planted
    q = QuantizedVectors.from_vectors(kv, method)
    for w in ("w3", "w50", "w399"):
        exact = [x for x, _ in kv.most_similar(w, topn=10)]
        approx = [x for x, _ in q.most_similar(w, topn=10)]
        assert len(set(exact) & set(approx)) >= 9
    assert abs(q.similarity("w1", "w9") - kv.similarity("w1", "w9")) < 0.01
    assert np.allclose(q.get_vector("w5"), kv.get_vector("w5"), atol=0.05)


@pytest.mark.parametrize("method", METHODS)
def test_save_and_load_give_the_same_answers(planted, method, tmp_path):
    _needs(method)
    kv, _ = planted
    q = QuantizedVectors.from_vectors(kv, method)
    q.save(tmp_path / "q")
    back = embedlab.load(tmp_path / "q")
    assert isinstance(back, QuantizedVectors) and back.codec.name == method
    assert np.array_equal(np.asarray(back.codes), q.codes)
    assert back.most_similar("w7", topn=5) == q.most_similar("w7", topn=5)
    assert (tmp_path / "q" / "vectors.npy").stat().st_size < kv.vectors.nbytes


def test_wrong_dimensions_are_refused(planted, tmp_path):
    kv, _ = planted
    q = QuantizedVectors.from_vectors(kv, "int8")
    with pytest.raises(ConfigError, match="dimension"):
        q.most_similar(positive=[np.ones(10, np.float32)])
    with pytest.raises(ConfigError, match="calibration"):
        QuantizedVectors.from_vectors(kv, "int8", calibration=np.ones((50, 10)))
    q.save(tmp_path / "q")
    other = QuantizedVectors.from_vectors(KeyedVectors(kv.words, kv.vectors[:, :32]), "int8")
    np.save(tmp_path / "q" / "vectors.npy", other.codes)  # codes of another width under this config
    with pytest.raises(FormatError, match="mixed-up"):
        embedlab.load(tmp_path / "q")


def test_evaluators_read_compressed_vectors(tmp_path):
    from embedlab.text.demo_corpus import demo_analogies, demo_sentences
    from embedlab.train.word2vec import Word2Vec

    kv = Word2Vec(dim=32, epochs=2, threads=1, min_count=1).fit([s.split() for s in demo_sentences(8000)])
    from embedlab.eval.datasets import AnalogySet

    sections = AnalogySet("demo", demo_analogies())
    before = embedlab.evaluate_analogies(kv, sections)["accuracy"]
    after = embedlab.evaluate_analogies(QuantizedVectors.from_vectors(kv, "int8"), sections)["accuracy"]
    assert before > 0.5 and abs(after - before) <= 0.02


@pytest.mark.parametrize("method", METHODS)
def test_scores_from_the_codes_equal_scores_of_the_decoded_rows(planted, method):
    _needs(method)
    kv, _ = planted
    q = QuantizedVectors.from_vectors(kv, method)
    query = np.random.default_rng(3).normal(size=64).astype(np.float32)
    query /= np.linalg.norm(query)
    assert np.allclose(q._scores(query, None), q.unit_rows() @ query, atol=1e-5)
    assert np.allclose(q._scores(query, 50), (q.unit_rows() @ query)[:50], atol=1e-5)
