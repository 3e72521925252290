"""Node classification: how well node vectors predict node labels, in two protocols.

One-vs-rest logistic regression on the vectors of a random share of the labelled nodes (the
training ratio), scored on the rest by Micro- and Macro-F1, averaged over repeated random splits:

- **top-k** (DeepWalk's and node2vec's protocol): each test node gets as many labels as it truly
  has, the k highest-scoring ones. It tells the classifier the label count, so it flatters every
  method equally; it is how the papers' numbers are made.
- **threshold** (a realistic one): each test node gets every label whose probability is over 0.5
  (and the best one if none is), with no knowledge of how many it has.

A labels file has one node per line followed by one or more labels (``node label [label ...]``,
whitespace-separated); a node may also appear on several lines, one label each.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import CorpusError, FormatError, MissingDependencyError, UnknownKeyError
from embedlab.text.readers import read_utf8, split_lines
from embedlab.vectors.protocol import ReadableVectors

__all__ = ["evaluate_node_classification", "read_node_labels"]

PathLike = str | os.PathLike[str]
DEFAULT_RATIOS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def read_node_labels(path: PathLike) -> dict[str, list[str]]:
    """``{node: [labels]}`` from a labels file (see the module text); FormatError names a bad line.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "labels.txt"
    >>> _ = f.write_text("a x\\nb y z\\na w\\n")
    >>> read_node_labels(f)
    {'a': ['x', 'w'], 'b': ['y', 'z']}
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"labels file not found: {p}")
    text = read_utf8(p, "labels file")
    labels: dict[str, list[str]] = {}
    for no, line in enumerate(split_lines(text), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) < 2:
            raise FormatError(f"{p}, line {no}: expected 'node label [label ...]', got {line.strip()!r}")
        got = labels.setdefault(parts[0], [])
        got.extend(x for x in parts[1:] if x not in got)
    if not labels:
        raise CorpusError(f"{p}: the labels file has no labelled nodes")
    return labels


def _sklearn() -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.multiclass import OneVsRestClassifier
    except ImportError:
        raise MissingDependencyError("scikit-learn", "graph") from None
    return LogisticRegression, OneVsRestClassifier, f1_score


def _label_matrix(
    vectors: ReadableVectors, labels: Mapping[str, Sequence[str]]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The labelled nodes' vectors, their 0/1 label matrix, the label names."""
    nodes = list(labels)
    unknown = [n for n in nodes if n not in vectors]
    if unknown:
        raise UnknownKeyError(
            unknown[0],
            kind="labelled node",
            detail=f"{len(unknown)} of the {len(nodes)} labelled "
            "nodes have no vector; the labels must name nodes of the graph the vectors came from",
        )
    names = sorted({lab for labs in labels.values() for lab in labs})
    col = {lab: j for j, lab in enumerate(names)}
    y = np.zeros((len(nodes), len(names)), np.int8)
    for i, n in enumerate(nodes):
        y[i, [col[lab] for lab in labels[n]]] = 1
    x = np.stack([vectors.get_vector(n) for n in nodes]).astype(np.float32)
    return x, y, names


def evaluate_node_classification(
    vectors: ReadableVectors,
    labels: Mapping[str, Sequence[str]] | PathLike,
    *,
    train_ratios: Sequence[float] = DEFAULT_RATIOS,
    repeats: int = 10,
    seed: int = 1,
    C: float = 1.0,
    threads: int | None = None,
) -> dict[str, Any]:
    """Micro/Macro-F1 of one-vs-rest logistic regression at each training ratio, both protocols.

    ``labels`` is ``{node: [labels]}`` or a labels file. Returns ``{"primary_metric":
    "macro_f1", "macro_f1", "micro_f1"`` (top-k protocol at the ratio nearest 0.5), ``"rows"``
    (one per ratio: mean and standard deviation over ``repeats`` splits of ``topk_micro_f1``,
    ``topk_macro_f1``, ``threshold_micro_f1``, ``threshold_macro_f1``), ``"nodes"``,
    ``"labels"``, ``"multi_label"}``. A labelled node without a vector is an
    :class:`~embedlab.errors.UnknownKeyError`.
    """
    logistic, one_vs_rest, f1_score = _sklearn()
    data = read_node_labels(labels) if isinstance(labels, (str, os.PathLike)) else labels
    x, y, names = _label_matrix(vectors, data)
    if len(names) < 2:
        raise CorpusError(f"node classification needs at least 2 labels, the labels name {len(names)}")
    for r in train_ratios:
        if not 0.0 < r < 1.0:
            raise ValueError(f"train ratios must be between 0 and 1, got {r}")
    multi = bool((y.sum(axis=1) > 1).any())
    rng = np.random.default_rng(seed)
    rows = []
    for ratio in train_ratios:
        scores: dict[str, list[float]] = {k: [] for k in ("topk_micro", "topk_macro", "thr_micro", "thr_macro")}
        for _ in range(repeats):
            order = rng.permutation(len(y))
            n_train = max(1, min(len(y) - 1, round(ratio * len(y))))
            tr, te = order[:n_train], order[n_train:]
            model = one_vs_rest(logistic(C=C, max_iter=1000), n_jobs=threads)
            with warnings.catch_warnings():  # a label absent from a small training share is expected
                warnings.simplefilter("ignore")
                model.fit(x[tr], y[tr])
                prob = model.predict_proba(x[te])
            truth = y[te]
            topk = _top_k(prob, truth.sum(axis=1))
            thr = (prob > 0.5).astype(np.int8)
            none = thr.sum(axis=1) == 0
            thr[none, prob[none].argmax(axis=1)] = 1
            for name, pred in (("topk", topk), ("thr", thr)):
                scores[f"{name}_micro"].append(f1_score(truth, pred, average="micro", zero_division=0))
                scores[f"{name}_macro"].append(f1_score(truth, pred, average="macro", zero_division=0))
        row: dict[str, Any] = {"train_ratio": ratio}
        for key, out in (("topk_micro", "topk_micro_f1"), ("topk_macro", "topk_macro_f1"),
                         ("thr_micro", "threshold_micro_f1"), ("thr_macro", "threshold_macro_f1")):  # fmt: skip
            row[out] = float(np.mean(scores[key]))
            row[out + "_std"] = float(np.std(scores[key]))
        rows.append(row)
    mid = min(rows, key=lambda r: abs(r["train_ratio"] - 0.5))
    return {
        "primary_metric": "macro_f1",
        "macro_f1": mid["topk_macro_f1"],
        "micro_f1": mid["topk_micro_f1"],
        "train_ratio": mid["train_ratio"],
        "rows": rows,
        "nodes": len(y),
        "labels": len(names),
        "multi_label": multi,
        "repeats": repeats,
    }


def _top_k(prob: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Each row's ``k[i]`` highest-scoring labels as a 0/1 matrix."""
    order = np.argsort(-prob, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(prob.shape[1])[None, :].repeat(len(prob), 0), axis=1)
    return (ranks < k[:, None]).astype(np.int8)
