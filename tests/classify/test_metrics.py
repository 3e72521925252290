"""The classification metrics are numpy (no scikit-learn needed at run time) and give scikit-learn's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.classify.metrics import confusion_matrix, evaluate_predictions, macro_f1, precision_recall_f1


@pytest.mark.parametrize("seed", range(5))
def test_metrics_equal_scikit_learns(seed):
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    names = ["a", "b", "c", "d", "e"]
    truth = rng.choice(names[:4], 200).tolist()  # "e" is predicted but never true
    pred = rng.choice(names, 200, p=[0.4, 0.2, 0.2, 0.1, 0.1]).tolist()
    np.testing.assert_array_equal(confusion_matrix(truth, pred, names), sk.confusion_matrix(truth, pred, labels=names))
    p, r, f, support = precision_recall_f1(confusion_matrix(truth, pred, names))
    ps, rs, fs, ss = sk.precision_recall_fscore_support(truth, pred, labels=names, zero_division=0)
    for ours, theirs in ((p, ps), (r, rs), (f, fs), (support, ss)):
        np.testing.assert_allclose(ours, theirs)
    assert macro_f1(truth, pred) == pytest.approx(sk.f1_score(truth, pred, average="macro", zero_division=0))
    some = ["a", "c"]
    assert macro_f1(truth, pred, some) == pytest.approx(
        sk.f1_score(truth, pred, labels=some, average="macro", zero_division=0)
    )


def test_evaluate_predictions_counts_unseen_labels_as_misses():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    r = evaluate_predictions(probs, ["a", "b"], ["a", "b", "z"])
    assert r["accuracy"] == pytest.approx(0.6667) and r["unseen_labels"] == ["z"]
    assert r["confusion"]["labels"] == ["a", "b", "z"] and r["confusion"]["matrix"][2] == [1, 0, 0]
    assert r["per_class"]["z"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
