"""Analogy accuracy (a : b :: c : ?) with 3CosAdd and 3CosMul, in batches.

3CosAdd gives the same numbers as gensim's ``evaluate_word_analogies`` on the same
vectors: only the ``restrict_vocab`` most frequent words (30,000 by default, as
word2vec's compute-accuracy) are candidates and count as known; questions with an
unknown word are skipped and reported as out-of-vocabulary; the three question words
are never an answer. Questions are scored as blocked matrix products, not one by one.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.eval._vocab_view import key, lookup_table
from embedlab.eval.datasets import AnalogySet, bundled_path, read_analogies
from embedlab.vectors.protocol import ReadableVectors

__all__ = ["evaluate_analogies"]

_BLOCK = 512


def evaluate_analogies(
    kv: ReadableVectors,
    analogies: str | os.PathLike[str] | AnalogySet = "questions-words",
    *,
    restrict_vocab: int | None = 30_000,
    case_insensitive: bool = True,
    method: str = "add",
) -> dict[str, Any]:
    """Accuracy overall and per section.

    Returns ``{"name", "method", "primary_metric": "accuracy", "accuracy", "correct", "answered", "oov",
    "coverage", "semantic", "syntactic", "sections": [...]}``. Sections whose name starts
    with ``gram`` (Google's set) or ``syn`` (the Korean set) count as syntactic.
    """
    method = check_choice("method", method, ("add", "mul"))
    if restrict_vocab is not None:
        restrict_vocab = check_int("restrict_vocab", restrict_vocab, 1)  # before the file is read
    if isinstance(analogies, AnalogySet):
        data = analogies
    elif isinstance(analogies, str) and analogies == "questions-words" and not os.path.exists(analogies):
        data = read_analogies(bundled_path("questions-words"))
    else:
        data = read_analogies(analogies)
    table = lookup_table(kv, restrict_vocab, case_insensitive)
    n_cand = min(len(kv), restrict_vocab) if restrict_vocab else len(kv)
    u = np.ascontiguousarray(kv.unit_rows(0, n_cand))
    variants: dict[str, list[int]] = {}
    for i, w in enumerate(kv.words[:n_cand]):
        variants.setdefault(key(w, case_insensitive), []).append(i)

    sections = []
    tot_correct = tot_answered = tot_oov = 0
    sem = [0, 0]
    syn = [0, 0]
    for name, questions in data.sections:
        rows, ignore = [], []
        oov = 0
        for a, b, c, d in questions:
            ks = [key(w, case_insensitive) for w in (a, b, c, d)]
            ids = [table.get(k) for k in ks]
            if any(i is None for i in ids):
                oov += 1
                continue
            rows.append(ids)
            ignore.append([j for k in ks[:3] for j in variants[k]])
        correct = _score(u, np.array(rows, dtype=np.int64).reshape(-1, 4), ignore, method) if rows else 0
        answered = len(rows)
        sections.append(
            {
                "section": name,
                "correct": correct,
                "answered": answered,
                "oov": oov,
                "accuracy": correct / answered if answered else float("nan"),
            }
        )
        tot_correct += correct
        tot_answered += answered
        tot_oov += oov
        bucket = syn if name.lower().startswith(("gram", "syn")) else sem
        bucket[0] += correct
        bucket[1] += answered
    total = tot_answered + tot_oov
    return {
        "name": data.name,
        "method": "3CosAdd" if method == "add" else "3CosMul",
        "primary_metric": "accuracy",
        "accuracy": tot_correct / tot_answered if tot_answered else float("nan"),
        "correct": tot_correct,
        "answered": tot_answered,
        "oov": tot_oov,
        "coverage": tot_answered / total if total else 0.0,
        "semantic": sem[0] / sem[1] if sem[1] else float("nan"),
        "syntactic": syn[0] / syn[1] if syn[1] else float("nan"),
        "restrict_vocab": restrict_vocab,
        "sections": sections,
    }


def _score(u: np.ndarray, rows: np.ndarray, ignore: list[list[int]], method: str) -> int:
    correct = 0
    for start in range(0, rows.shape[0], _BLOCK):
        block = rows[start : start + _BLOCK]
        a, b, c = (u[block[:, k]] for k in range(3))
        if method == "add":
            q = b - a + c
            scores = q @ u.T
        else:
            sa = (1.0 + a @ u.T) / 2.0
            sb = (1.0 + b @ u.T) / 2.0
            sc = (1.0 + c @ u.T) / 2.0
            scores = sb * sc / (sa + 1e-6)
        for r, ids in enumerate(ignore[start : start + _BLOCK]):
            scores[r, ids] = -np.inf
        pred = np.argmax(scores, axis=1)
        correct += int(np.count_nonzero(pred == block[:, 3]))
    return correct
