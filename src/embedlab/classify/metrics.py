"""Classification metrics from predicted probabilities: accuracy, macro-F1, P@k / R@k, per-class report,
confusion matrix, the out-of-scope metrics of intent detection (Larson et al. 2019), and k-fold
cross-validation for sets without a test split.

Every evaluator returns a dict with ``primary_metric`` naming its headline number, like the rest
of :mod:`embedlab.eval`.

>>> import numpy as np
>>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
>>> r = evaluate_predictions(probs, ["a", "b"], ["a", "b", "b"])
>>> r["accuracy"], round(r["macro_f1"], 3)
(0.6667, 0.667)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embedlab.errors import ConfigError

__all__ = [
    "confusion_matrix",
    "cross_validate",
    "evaluate_intents",
    "evaluate_predictions",
    "label_lists",
    "macro_f1",
    "precision_recall_f1",
]


def label_lists(labels: Sequence[str | Sequence[str]]) -> list[list[str]]:
    return [[lab] if isinstance(lab, str) else list(lab) for lab in labels]


def confusion_matrix(truth: Sequence[Any], predicted: Sequence[Any], labels: Sequence[Any]) -> np.ndarray:
    """``[len(labels), len(labels)]`` counts: row = true label, column = predicted (pairs outside ``labels``
    are left out, as scikit-learn's ``confusion_matrix(labels=...)`` does).

    >>> confusion_matrix(["a", "b", "b"], ["a", "a", "b"], ["a", "b"]).tolist()
    [[1, 0], [1, 1]]
    """
    index = {lab: i for i, lab in enumerate(labels)}
    m = np.zeros((len(index), len(index)), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        if t in index and p in index:
            m[index[t], index[p]] += 1
    return m


def precision_recall_f1(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision, recall, F1 and support of a confusion matrix; 0 where a ratio has nothing to
    divide (scikit-learn's ``zero_division=0``)."""
    tp = np.diag(m).astype(np.float64)
    predicted, support = m.sum(axis=0), m.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    return precision, recall, f1, support


def macro_f1(truth: Sequence[Any], predicted: Sequence[Any], labels: Sequence[Any] | None = None) -> float:
    """Mean F1 over ``labels`` (default: every label that is true or predicted somewhere).

    >>> round(macro_f1(["a", "b", "b"], ["a", "a", "b"]), 4)
    0.6667
    """
    names = sorted(set(truth) | set(predicted) | set(labels or ()), key=str)
    wanted = sorted(set(truth) | set(predicted), key=str) if labels is None else list(labels)
    _, _, f1, _ = precision_recall_f1(confusion_matrix(truth, predicted, names))
    index = {lab: i for i, lab in enumerate(names)}
    return float(np.mean([f1[index[lab]] for lab in wanted])) if wanted else 0.0


def evaluate_predictions(
    probs: np.ndarray, classes: Sequence[str], truth: Sequence[str | Sequence[str]], *, k: int = 1
) -> dict[str, Any]:
    """Scores of ``probs`` (``[n, len(classes)]``) against the true label(s) of each example.

    ``precision_at_k``/``recall_at_k`` are fastText's ``test`` numbers: of the k best labels, the
    share that are true, and of the true labels, the share found in the k best. ``accuracy`` is
    "the best label is a true one"; ``macro_f1``, ``per_class`` and ``confusion`` use the first
    true label (single-label data). True labels the model never saw count as misses.
    """
    truth_l = label_lists(truth)
    probs = np.asarray(probs)
    if probs.shape != (len(truth_l), len(classes)):
        raise ConfigError(f"probs is {probs.shape}, expected ({len(truth_l)}, {len(classes)})")
    if not truth_l:
        raise ConfigError("no examples to evaluate")
    k = min(int(k), len(classes))
    order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    names = np.asarray(classes, dtype=object)
    hits = n_true = 0
    for row, labs in zip(order, truth_l, strict=True):
        true = set(labs)
        hits += sum(1 for j in row if names[j] in true)
        n_true += len(true)
    best = names[order[:, 0]].tolist()
    first = [labs[0] if labs else "" for labs in truth_l]
    every = sorted(set(classes) | set(first))
    confusion = confusion_matrix(first, best, every)
    p, r, f, support = precision_recall_f1(confusion)
    unseen = sorted(set(first) - set(classes))
    return {
        "examples": len(truth_l),
        "k": k,
        "precision_at_k": round(hits / (k * len(truth_l)), 4),
        "recall_at_k": round(hits / max(n_true, 1), 4),
        "accuracy": round(float(np.mean([b in set(labs) for b, labs in zip(best, truth_l, strict=True)])), 4),
        "macro_f1": macro_f1(first, best, labels=sorted(set(first))),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
            for i, lab in enumerate(every)
        },
        "confusion": {"labels": every, "matrix": confusion.tolist()},
        "unseen_labels": unseen,
        "primary_metric": "accuracy",
    }


def evaluate_intents(predicted: Sequence[str | None], truth: Sequence[str | None]) -> dict[str, Any]:
    """In-scope accuracy, out-of-scope recall and precision; ``None`` is "out of scope" on both sides.

    In-scope accuracy counts an in-scope query right only when its intent is predicted (flagging it
    out of scope is wrong); ``in_scope_flagged`` is the share of in-scope queries flagged.
    """
    if len(predicted) != len(truth):
        raise ConfigError(f"predicted and truth differ in length ({len(predicted)} vs {len(truth)})")
    pred = list(predicted)
    true = list(truth)
    ins = [i for i, t in enumerate(true) if t is not None]
    oos = [i for i, t in enumerate(true) if t is None]
    flagged = [i for i, p in enumerate(pred) if p is None]
    correct_flags = sum(1 for i in flagged if true[i] is None)
    return {
        "in_scope_accuracy": round(sum(pred[i] == true[i] for i in ins) / len(ins), 4) if ins else float("nan"),
        "oos_recall": round(sum(pred[i] is None for i in oos) / len(oos), 4) if oos else float("nan"),
        "oos_precision": round(correct_flags / len(flagged), 4) if flagged else float("nan"),
        "in_scope_flagged": round(sum(pred[i] is None for i in ins) / len(ins), 4) if ins else float("nan"),
        "in_scope": len(ins),
        "out_of_scope": len(oos),
        "primary_metric": "in_scope_accuracy",
    }


def cross_validate(
    fit_predict: Callable[[list[str], list[Any], list[str]], Sequence[Any]],
    texts: Sequence[str],
    labels: Sequence[Any],
    *,
    folds: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """k-fold accuracy and macro-F1 (mean and spread) for data without a test split (MR, CR, SUBJ, MPQA).

    ``fit_predict(train_texts, train_labels, test_texts)`` trains a fresh model and returns its
    predicted label for each test text. Folds are a seeded shuffle cut into ``folds`` parts.

    >>> majority = lambda tr, y, te: [max(set(y), key=y.count)] * len(te)
    >>> cross_validate(majority, ["a"] * 6 + ["b"] * 4, ["x"] * 6 + ["y"] * 4, folds=2)["folds"]
    2
    """
    texts, labels = list(texts), list(labels)
    if not 2 <= folds <= len(texts):
        raise ConfigError(f"folds must be between 2 and the number of examples ({len(texts)}), got {folds}")
    order = np.random.default_rng(seed).permutation(len(texts))
    accs, f1s = [], []
    for part in np.array_split(order, folds):
        test = set(part.tolist())
        train = [i for i in order.tolist() if i not in test]
        pred = list(fit_predict([texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in part]))
        truth = [labels[i] for i in part]
        accs.append(float(np.mean([p == t for p, t in zip(pred, truth, strict=True)])))
        f1s.append(macro_f1(truth, pred))
    return {"folds": folds, "accuracy": round(float(np.mean(accs)), 4), "accuracy_sd": round(float(np.std(accs)), 4),
            "macro_f1": round(float(np.mean(f1s)), 4), "fold_accuracies": [round(a, 4) for a in accs],
            "primary_metric": "accuracy"}  # fmt: skip
