"""Image-embedding metrics against hand computations and planted structure."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.eval.images import (
    cross_modal_recall,
    knn_accuracy,
    linear_probe_accuracy,
    precision_at_k,
    zero_shot_accuracy,
)


def _clusters(n_per: int = 40, noise: float = 0.3, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = np.eye(4, 8) * 3
    x = np.concatenate([c + noise * rng.standard_normal((n_per, 8)) for c in centres]).astype(np.float32)
    return x, np.repeat(np.arange(4), n_per)


def test_knn_and_probe_find_planted_classes_and_not_shuffled_ones():
    x, y = _clusters()
    assert knn_accuracy(x, y)["accuracy"] > 0.98
    assert linear_probe_accuracy(x, y)["accuracy"] > 0.98
    shuffled = np.random.default_rng(1).permutation(y)
    assert knn_accuracy(x, shuffled)["accuracy"] < 0.5
    assert linear_probe_accuracy(x, shuffled)["accuracy"] < 0.5


def test_knn_on_a_test_split_and_euclidean():
    x, y = _clusters()
    r = knn_accuracy(x[::2], y[::2], test=(x[1::2], y[1::2]), k=1, metric="euclidean")
    assert r["n"] == len(y) // 2 and r["accuracy"] > 0.98 and r["primary_metric"] == "accuracy"


def test_precision_at_k_by_hand():
    x = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], np.float32)
    assert precision_at_k(x, ["a", "a", "b", "b"], k=1)["precision@1"] == 1.0
    assert precision_at_k(x, ["a", "b", "a", "b"], k=1)["precision@1"] == 0.0
    # k = 2: the nearest other is right, the second one wrong: 0.5 for every item
    assert precision_at_k(x, ["a", "a", "b", "b"], k=2)["precision@2"] == 0.5


def test_cross_modal_recall_by_hand():
    images = np.eye(3, dtype=np.float32)
    texts = np.array([[1, 0, 0], [0, 0.2, 1], [0, 1, 0.2]], np.float32)  # text 1 and 2 nearer the other image
    r = cross_modal_recall(images, texts, ks=(1, 2))
    assert r["text_to_image_recall@1"] == pytest.approx(1 / 3)
    assert r["image_to_text_recall@1"] == pytest.approx(1 / 3)
    assert r["text_to_image_recall@2"] == 1.0
    grouped = cross_modal_recall(images, texts, ks=(1,), groups=["x", "y", "y"])
    assert grouped["text_to_image_recall@1"] == 1.0


def test_zero_shot_accuracy():
    x = np.array([[1, 0.1], [0.2, 1], [0.9, 0]], np.float32)
    r = zero_shot_accuracy(x, ["cat", "dog", "dog"], np.array([[1, 0], [0, 1]], np.float32), ["cat", "dog"])
    assert r["accuracy"] == pytest.approx(2 / 3) and r["chance"] == 0.5
    assert r["per_class"] == {"cat": 1.0, "dog": 0.5}


def test_bad_input():
    x, y = _clusters(3)
    with pytest.raises(ConfigError, match="labels"):
        knn_accuracy(x, y[:-1])
    with pytest.raises(ConfigError, match="at least 5"):
        knn_accuracy(x, y)
    with pytest.raises(ConfigError, match="metric"):
        knn_accuracy(x, y, metric="manhattan", folds=2)
    with pytest.raises(ConfigError, match="NaN"):
        knn_accuracy(np.full((4, 2), np.nan), [0, 0, 1, 1], folds=2)
    with pytest.raises(ConfigError, match="matched"):
        cross_modal_recall(np.eye(3), np.eye(2))
    with pytest.raises(ConfigError, match="classes"):
        zero_shot_accuracy(np.eye(2), [0, 1], np.eye(3), [0, 1])
