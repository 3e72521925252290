"""Classifier heads and intents on a planted static encoder: topics carried by word vectors."""

import numpy as np
import pytest

from embedlab.classify.heads import EmbeddingClassifier, fit_temperature
from embedlab.classify.intents import IntentClassifier
from embedlab.classify.metrics import evaluate_intents
from embedlab.classify.store import load_classifier
from embedlab.encoders.static import StaticEncoder
from embedlab.errors import ConfigError, CorpusError, FormatError
from embedlab.vectors.keyed import KeyedVectors

TOPICS = {
    "food": ["pizza", "restaurant", "table", "dinner", "menu"],
    "travel": ["flight", "paris", "airport", "ticket", "fly"],
    "weather": ["rain", "sunny", "forecast", "cold", "wind"],
}
NEUTRAL = ["yes", "please", "two", "people", "for", "the", "a", "i", "want", "book"]


@pytest.fixture(scope="module")
def encoder():
    rng = np.random.default_rng(0)
    words, vecs = [], []
    for _topic, ws in TOPICS.items():
        center = rng.normal(size=32)
        for w in ws:
            words.append(w)
            vecs.append(center + 0.5 * rng.normal(size=32))
    for w in NEUTRAL:
        words.append(w)
        vecs.append(0.3 * rng.normal(size=32))
    return StaticEncoder(KeyedVectors(words, np.array(vecs, np.float32)))


def _sample(n=40, seed=1):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for topic, ws in TOPICS.items():
        for _ in range(n):
            texts.append(" ".join(rng.choice(ws, 2).tolist() + rng.choice(NEUTRAL, 2).tolist()))
            labels.append(topic)
    return texts, labels


@pytest.mark.parametrize("head", ["logistic", "mlp"])
def test_heads_learn_planted_topics(encoder, head):
    texts, labels = _sample()
    clf = EmbeddingClassifier(encoder, head=head, epochs=60).fit(texts, labels)
    assert clf.predict(["pizza dinner", "flight ticket", "rain cold"]) == ["food", "travel", "weather"]
    p = clf.predict_proba(["menu please"])
    assert p.shape == (1, 3) and abs(p.sum() - 1) < 1e-6
    top = clf.top_k("menu please", k=2)[0]
    assert top[0][0] == "food" and top[0][1] >= top[1][1]
    assert clf.evaluate(*_sample(10, seed=7))["accuracy"] == 1.0


def test_multi_label_head(encoder):
    rng = np.random.default_rng(2)
    texts, labels = [], []
    for _ in range(150):  # one or two topics a text, two words each
        topics = sorted(rng.choice(list(TOPICS), rng.integers(1, 3), replace=False).tolist())
        texts.append(" ".join(w for t in topics for w in rng.choice(TOPICS[t], 2).tolist()))
        labels.append(topics)
    clf = EmbeddingClassifier(encoder, multi_label=True).fit(texts, labels)
    assert sorted(clf.predict(["dinner menu airport ticket"])[0]) == ["food", "travel"]
    assert clf.predict(["rain cold"])[0] == ["weather"]


def test_temperature_scaling_fixes_overconfidence():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    logits = np.zeros((2000, 2))
    logits[np.arange(2000), y] = 1.0  # right label favoured...
    flip = rng.random(2000) < 0.3
    logits[flip] = logits[flip][:, ::-1]  # ...but 30% of the time the other one
    t = fit_temperature(logits * 10, y)  # logits ten times too confident
    p = np.exp(10 / t) / (np.exp(10 / t) + 1)
    assert p == pytest.approx(0.7, abs=0.03)


@pytest.mark.parametrize("head", ["logistic", "mlp"])
def test_save_and_load_give_the_same_probabilities(tmp_path, encoder, head):
    texts, labels = _sample()
    clf = EmbeddingClassifier(encoder, head=head, epochs=20).fit(texts, labels)
    clf.save(tmp_path / "clf")
    assert not list(tmp_path.glob("**/*.pkl"))
    with pytest.raises(ConfigError, match="encoder="):
        load_classifier(tmp_path / "clf")  # a planted encoder object has no name or path to record
    back = load_classifier(tmp_path / "clf", encoder=encoder)
    assert np.array_equal(back.predict_proba(texts), clf.predict_proba(texts))
    (tmp_path / "clf" / "head.safetensors").write_bytes(b"junk")
    with pytest.raises(FormatError):
        load_classifier(tmp_path / "clf", encoder=encoder)


def test_history_decides_an_ambiguous_intent(encoder):
    texts, labels = _sample()
    ic = IntentClassifier(encoder, decay=0.8).fit(texts, labels)
    utterance = "yes for two people please"
    assert ic.predict(utterance, history=["i want a table at the restaurant"]) == ["food"]
    assert ic.predict(utterance, history=["i want a flight to paris"]) == ["travel"]
    assert ic.predict(utterance, history=["rain forecast"]) == ["weather"]


def test_out_of_scope_threshold_hits_the_target_rate(encoder):
    texts, labels = _sample()
    ic = IntentClassifier(encoder, oos_score="prototype").fit(texts, labels)
    val, val_labels = _sample(40, seed=5)
    ic.calibrate_oos(val, target_flag_rate=0.1)
    flagged = sum(p is None for p in ic.predict(val))
    assert flagged <= 0.1 * len(val) + 1
    oos = ["yes please", "two people the", "i want a"]  # neutral words only: none of the intents
    pred = ic.predict(oos)
    assert pred == [None, None, None]
    r = evaluate_intents(ic.predict(val + oos), val_labels + [None] * 3)
    assert r["oos_recall"] == 1.0 and r["in_scope_flagged"] <= 0.11


def test_bad_input(encoder):
    with pytest.raises(CorpusError, match="only one class"):
        EmbeddingClassifier(encoder).fit(["pizza", "menu"], ["food", "food"])
    with pytest.raises(ConfigError, match="multi_label"):
        EmbeddingClassifier(encoder).fit(["pizza", "rain"], [["food", "travel"], ["weather"]])
    with pytest.raises(ConfigError, match="head must be one of"):
        EmbeddingClassifier(encoder, head="svm")
    with pytest.raises(ConfigError, match="not fitted"):
        EmbeddingClassifier(encoder).predict(["pizza"])
    with pytest.raises(ConfigError, match="texts is empty"):
        EmbeddingClassifier(encoder).fit([], [])
    clf = EmbeddingClassifier(encoder).fit(*_sample(10))
    with pytest.raises(ConfigError, match="encoder the head was fitted on"):
        clf.proba_vectors(np.zeros((1, 5), np.float32))
