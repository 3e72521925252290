"""Tuning: the search loop, size limits, and each tuner on planted data."""

import numpy as np
import pytest

from embedlab.classify.tune import random_search, tune_head, tune_supervised, tune_word_vectors
from embedlab.errors import ConfigError


def test_search_finds_the_planted_optimum_and_starts_from_the_defaults():
    space = {"x": ("float", 0.0, 10.0), "k": ("choice", ["a", "b"])}
    r = random_search(
        lambda p: -abs(p["x"] - 7.3) + (0.5 if p["k"] == "b" else 0.0),
        space,
        {"x": 1.0, "k": "a"},
        budget=60,
        max_trials=60,
        seed=0,
    )
    assert r.trials[0].params == {"x": 1.0, "k": "a"}
    assert r.best.params["k"] == "b" and abs(r.best.params["x"] - 7.3) < 0.7
    assert r.table()[0]["accuracy"] == pytest.approx(r.best.score, abs=1e-4)


def test_size_limit_skips_big_models_and_says_so_when_nothing_fits():
    space = {"dim": ("int", 1, 100)}
    r = random_search(
        lambda p: p["dim"], space, {"dim": 10}, budget=60, max_trials=30, size_of=lambda p: p["dim"], max_size=50
    )
    assert r.best.params["dim"] <= 50 and any(t.skipped for t in r.trials)
    with pytest.raises(ConfigError, match="size limit"):
        random_search(
            lambda p: 0.0, space, {"dim": 60}, budget=60, max_trials=1, size_of=lambda p: p["dim"], max_size=50
        )


def _bigram_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        neg = rng.random() < 0.5
        good = rng.random() < 0.5
        word = "good" if good else "bad"
        texts.append(f"{'not ' if neg else ''}{word} " + " ".join(rng.choice([f"n{i}" for i in range(20)], 3)))
        labels.append("pos" if good != neg else "neg")
    return texts, labels


# the tests count trials (max_trials) and give a budget far beyond them: a slow machine runs them all


def test_tune_supervised_beats_defaults_that_cannot_see_bigrams():
    texts, labels = _bigram_data()
    valid = _bigram_data(100, seed=1)
    r = tune_supervised(texts, labels, valid, budget=3600, max_trials=12, seed=0, threads=1, epochs=5)
    assert r.trials[0].params["word_ngrams"] == 1
    assert r.best.score > r.trials[0].score and r.best.params["word_ngrams"] >= 2
    assert r.model.predict("not good n1")[0] == ("neg",)


def test_tune_supervised_by_cross_validation():
    texts, labels = _bigram_data(60)
    r = tune_supervised(texts, labels, folds=3, budget=3600, max_trials=3, threads=1)
    assert len(r.trials) == 3 and r.model is not None
    with pytest.raises(ConfigError, match="too few"):
        tune_supervised(texts[:4], labels[:4], folds=3, max_trials=1, threads=1)


def test_tune_head_on_vectors():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1, 1.0, (60, 8)), rng.normal(-1, 1.0, (60, 8))]).astype(np.float32)
    y = ["a"] * 60 + ["b"] * 60
    r = tune_head(x, y, folds=3, budget=3600, max_trials=4, seed=0)
    assert r.best.score >= r.trials[0].score and r.model.classes_ == ["a", "b"]


def test_tune_word_vectors_with_any_score():
    """Three trials, counted (the budget is far off, so a slow machine runs them all); on one thread the
    refit of the best settings is bit-identical to its trial, so its score is the trial's exactly."""
    sents = [["king", "queen", "royal"], ["apple", "banana", "fruit"]] * 100
    r = tune_word_vectors(
        sents,
        lambda kv: kv.similarity("king", "queen"),
        budget=3600,
        max_trials=3,
        threads=1,
        min_count=1,
        space={"dim": ("int", 8, 16), "epochs": ("int", 1, 3)},
    )
    assert len(r.trials) == 3 and r.model.similarity("king", "queen") == r.best.score
