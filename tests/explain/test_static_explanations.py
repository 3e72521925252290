"""Static decompositions sum to the cosine exactly and name what carries it."""

import numpy as np
import pytest

from embedlab.encoders.static import StaticEncoder
from embedlab.errors import ConfigError, UnknownWordError
from embedlab.explain import explain_similarity, shared_contributions
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vectors.subword import SubwordVectors
from embedlab.vocab.subwords import char_ngrams


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = ["cat", "dog", "sat", "mat", "the", "on", "car", "road", "fast"]
    return KeyedVectors(words, rng.normal(size=(len(words), 24)).astype(np.float32), counts=np.arange(90, 0, -10))


def test_dimensions_sum_to_the_cosine(kv):
    e = explain_similarity(kv, "cat", "dog")
    assert e.mode == "dimensions"
    assert abs(e.total - kv.similarity("cat", "dog")) < 1e-6
    assert abs(e.residual) < 1e-6
    u, v = kv.get_vector("cat", norm=True), kv.get_vector("dog", norm=True)
    top, value = e.top_dimensions(1)[0]
    assert top == int(np.argmax(u * v)) and value == pytest.approx(float(np.max(u * v)), abs=1e-6)


@pytest.mark.parametrize("pooling", ["mean", "sif"])
def test_pooled_words_sum_to_the_cosine_of_the_sentence_vectors(kv, pooling):
    a, b = "the cat sat on the mat", "the dog on the road"
    e = explain_similarity(kv, a, b, pooling=pooling)
    enc = StaticEncoder(kv, pooling=pooling)
    va, vb = enc.encode([a, b])
    cos = float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
    assert e.mode == "pooled" and e.pairs.shape == (6, 5)
    assert abs(e.total - cos) < 1e-5 and abs(e.score - cos) < 1e-5
    np.testing.assert_allclose(e.a_totals.sum(), e.b_totals.sum(), atol=1e-9)
    assert e.shared == ["the", "on"]


def test_a_shared_word_carries_pooled_similarity():
    rng = np.random.default_rng(1)
    words = ["alpha", "beta", "gamma", "delta", "anchor"]
    kv = KeyedVectors(words, rng.normal(size=(5, 256)).astype(np.float32))  # near-orthogonal rows
    e = explain_similarity(kv, "alpha anchor beta", "gamma anchor delta")
    assert e.top_pairs(1)[0][:2] == ("anchor", "anchor")
    assert e.ranked("a")[0][0] == "anchor" and e.ranked("b")[0][0] == "anchor"


def _subword_model(dim=256, bucket=50_000):
    rng = np.random.default_rng(2)
    words = ["walking", "talking", "house"]
    ngrams = rng.normal(size=(bucket, dim)).astype(np.float32)
    kv = SubwordVectors(words, np.zeros((3, dim), np.float32), ngrams=ngrams, minn=3, maxn=4, bucket=bucket)
    # known words: the mean of their own row and their n-gram rows, as fastText gives them
    own = rng.normal(size=(3, dim)).astype(np.float32)
    for i, w in enumerate(words):
        rows = kv.ngram_rows(w)
        kv.vectors[i] = (own[i] + ngrams[rows].sum(axis=0)) / (len(rows) + 1)
    return kv


def test_ngram_explanation_names_the_shared_ngrams_of_seen_and_unseen_words():
    kv = _subword_model()
    for a, b in (("walking", "talking"), ("walked", "talked"), ("walking", "stalking")):  # seen, unseen, mixed
        e = explain_similarity(kv, a, b)
        assert e.mode == "ngrams"
        assert abs(e.total - kv.similarity(a, b)) < 1e-5
        want = set(char_ngrams(a, 3, 4)) & set(char_ngrams(b, 3, 4))
        assert set(e.shared) == want and want
        contributions = dict(shared_contributions(e))
        assert sum(contributions.values()) > 0.8 * e.score  # random rows: the shared ones carry it
        assert "alk" in contributions and contributions["alk"] > 0
    e = explain_similarity(kv, "walking", "talking")
    assert e.a_parts[0] == "walking (word row)"


def test_ngram_mode_needs_a_subword_model(kv):
    with pytest.raises(ConfigError, match="n-gram"):
        explain_similarity(kv, "cat", "dog", mode="ngrams")


def test_bad_input_is_a_clear_error(kv):
    with pytest.raises(UnknownWordError):
        explain_similarity(kv, "cat", "zebra")
    with pytest.raises(ConfigError, match="empty"):
        explain_similarity(kv, "cat", "  ")
    with pytest.raises(ConfigError, match="no word"):
        explain_similarity(kv, "the cat", "xyzzy plugh")
    with pytest.raises(ConfigError, match="contextual"):
        explain_similarity(kv, "cat", "dog", mode="integrated")
    with pytest.raises(ConfigError, match="mode"):
        explain_similarity(kv, "cat", "dog", mode="magic")
    with pytest.raises(ConfigError, match="cannot explain"):
        explain_similarity(object(), "cat", "dog")
    with pytest.raises(ConfigError, match="pooled"):
        explain_similarity(StaticEncoder(kv), "cat", "dog", mode="dimensions")


def test_to_dict_is_plain_json(kv):
    import json

    d = explain_similarity(kv, "the cat", "the dog").to_dict()
    assert json.loads(json.dumps(d))["mode"] == "pooled"
    assert len(d["pairs"]) == 2 and len(d["pairs"][0]) == 2
