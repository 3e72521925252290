"""StaticEncoder: mean and SIF pooling of word vectors."""

import numpy as np
import pytest

from embedlab.encoders import load_encoder
from embedlab.encoders.static import StaticEncoder
from embedlab.errors import ConfigError
from embedlab.vectors.keyed import KeyedVectors


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = ["the", "cat", "dog", "sat", "ran", "a"]
    return KeyedVectors(words, rng.normal(size=(6, 8)).astype(np.float32), counts=[1000, 10, 12, 8, 9, 900])


def test_mean_pooling_is_the_mean_of_known_words(kv):
    enc = StaticEncoder(kv)
    v = enc.encode(["The cat sat", "zzz unknown", "cat"])
    np.testing.assert_allclose(v[0], kv[["the", "cat", "sat"]].mean(axis=0), rtol=1e-6)
    assert not v[1].any()  # no known word: zero vector
    np.testing.assert_allclose(v[2], kv["cat"], rtol=1e-6)


def test_sif_weights_and_common_component(kv):
    enc = StaticEncoder(kv, pooling="sif", components=0)
    v = enc.encode(["the cat"])[0]
    p = np.array([1000, 10]) / kv.vocab.counts.sum()
    w = 1e-3 / (1e-3 + p)
    np.testing.assert_allclose(v, (w[0] * kv["the"] + w[1] * kv["cat"]) / w.sum(), rtol=1e-5)
    texts = ["the cat sat", "a dog ran", "the dog sat", "a cat ran"]
    fitted = StaticEncoder(kv, pooling="sif").fit(texts)
    out = fitted.encode(texts)
    np.testing.assert_allclose(out @ fitted._pc.T, 0, atol=1e-5)  # the common direction is removed


def test_sif_needs_counts():
    kv = KeyedVectors(["a"], np.ones((1, 2), dtype=np.float32))
    with pytest.raises(ConfigError, match="SIF pooling needs word counts"):
        StaticEncoder(kv, pooling="sif")


def test_load_encoder_for_a_saved_word_model(tmp_path, kv):
    kv.save(tmp_path / "m")
    enc = load_encoder(tmp_path / "m", pooling="sif")
    assert isinstance(enc, StaticEncoder) and enc.pooling == "sif" and enc.dim == 8


def test_sif_without_fit_does_not_push_a_pair_apart():
    # two related sentences, alone in a batch: removing the batch's own top direction made them opposite
    rng = np.random.default_rng(3)
    words = ["the", "a", "of", "cat", "kitten", "dog", "car", "road"]
    base = rng.normal(size=8)
    vecs = np.stack([base + 0.3 * rng.normal(size=8) for _ in words]).astype(np.float32)  # a shared direction
    vecs[4] = vecs[3] + 0.1 * rng.normal(size=8)  # kitten ≈ cat
    kv = KeyedVectors(words, vecs, counts=[5000, 4000, 3000, 20, 15, 30, 25, 18])
    enc = StaticEncoder(kv, pooling="sif")
    a, b = enc.encode(["the cat", "a kitten"], normalize=True)
    assert a @ b > 0.5
    far = enc.encode(["the car on the road"], normalize=True)[0]
    assert a @ b > a @ far
    assert enc._pc is not None and enc._pc.shape == (1, 8)  # from the vocabulary, kept for later batches
    assert np.array_equal(enc.encode(["the cat"]), enc.encode(["the cat", "a kitten"])[:1])  # batch-independent
