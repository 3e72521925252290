"""KeyedVectors queries agree with gensim's on the same vectors."""

import numpy as np
import pytest

from embedlab import ConfigError, KeyedVectors, UnknownWordError


@pytest.fixture(scope="module")
def pair():
    gensim_models = pytest.importorskip("gensim.models")
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(500)] + ["king", "queen", "man", "woman"]
    vectors = rng.standard_normal((len(words), 24)).astype(np.float32)
    ours = KeyedVectors(words, vectors)
    theirs = gensim_models.KeyedVectors(24)
    theirs.add_vectors(words, vectors)
    return ours, theirs


def same(a, b, tol=1e-5):
    assert [w for w, _ in a] == [w for w, _ in b]
    np.testing.assert_allclose([s for _, s in a], [s for _, s in b], atol=tol)


def test_most_similar_matches_gensim(pair):
    ours, theirs = pair
    same(ours.most_similar("king", topn=7), theirs.most_similar("king", topn=7))
    same(
        ours.most_similar(positive=["king", "woman"], negative=["man"], topn=5),
        theirs.most_similar(positive=["king", "woman"], negative=["man"], topn=5),
    )
    same(ours.most_similar("w3", topn=4, restrict_vocab=100), theirs.most_similar("w3", topn=4, restrict_vocab=100))
    v = ours["w7"] * 2 + 1
    same(ours.similar_by_vector(v, topn=3), theirs.similar_by_vector(v, topn=3))


def test_cosmul_doesnt_match_similarity_match_gensim(pair):
    ours, theirs = pair
    same(
        ours.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5),
        theirs.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5),
    )
    assert ours.doesnt_match(["w1", "w2", "w3", "king"]) == theirs.doesnt_match(["w1", "w2", "w3", "king"])
    assert ours.similarity("w1", "w2") == pytest.approx(float(theirs.similarity("w1", "w2")), abs=1e-6)
    assert ours.distance("w1", "w2") == pytest.approx(float(theirs.distance("w1", "w2")), abs=1e-6)
    assert ours.n_similarity(["w1", "w2"], ["w3"]) == pytest.approx(
        float(theirs.n_similarity(["w1", "w2"], ["w3"])), abs=1e-5
    )


def test_euclidean_distance_and_lookup(pair):
    ours, _ = pair
    assert ours.distance("w1", "w2", metric="euclidean") == pytest.approx(
        float(np.linalg.norm(ours["w1"] - ours["w2"])), rel=1e-6
    )
    assert ours[["w1", "w2"]].shape == (2, 24)
    assert "king" in ours and "emperor" not in ours and len(ours) == 504
    with pytest.raises(ConfigError, match="metric must be one of"):
        ours.distance("w1", "w2", metric="manhattan")


def test_batch_queries_equal_single_queries(pair):
    ours, _ = pair
    words = ["w1", "w50", "king", "w499"]
    batch = ours.most_similar_batch(words, topn=6)
    for w, row in zip(words, batch, strict=True):
        same(row, ours.most_similar(w, topn=6))
    mat = ours[words]
    batch_vec = ours.most_similar_batch(mat, topn=3)
    for i, row in enumerate(batch_vec):
        assert row[0][0] == words[i]  # a vector's own word is its nearest neighbour


def test_unknown_word_is_a_keyerror_with_suggestions(pair):
    ours, _ = pair
    with pytest.raises(KeyError):
        ours["kng"]
    with pytest.raises(UnknownWordError, match="did you mean 'king'"):
        ours.most_similar("kingg")


def test_analogy_api():
    kv = KeyedVectors(
        ["king", "queen", "man", "woman", "apple"],
        np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float32),
    )
    assert kv.analogy("man", "king", "woman") == "queen"
    assert kv.analogy("man", "king", "woman", method="mul") == "queen"
    assert kv.analogy("man", "king", "woman", topn=2)[0][0] == "queen"
    with pytest.raises(ConfigError):
        kv.most_similar()
    with pytest.raises(ConfigError, match="dimension 3"):
        kv.similar_by_vector(np.zeros(3))


def test_keys_are_the_words_under_a_neutral_name():
    from embedlab import UnknownKeyError
    from embedlab.vectors.protocol import ReadableVectors

    kv = KeyedVectors(["item1", "item2"], np.eye(2, dtype=np.float32))
    assert kv.keys == kv.words == kv.vocab.keys == ["item1", "item2"]
    assert isinstance(kv, ReadableVectors)
    assert kv.unit_rows(1, 2).tolist() == [[0.0, 1.0]]
    with pytest.raises(UnknownKeyError) as err:
        kv.get_vector("item3")
    assert err.value.key == "item3" and isinstance(err.value, KeyError)
