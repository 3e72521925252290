"""Natural language inference with frozen sentence embeddings: a logistic head on pair features.

The SentEval protocol (Conneau et al., 2017): each sentence is encoded once, a pair (u, v) becomes
``[u, v, |u - v|, u * v]``, and a multinomial logistic regression learnt on the training pairs
predicts entailment, neutral or contradiction; the score is its accuracy on the test pairs. It
measures how much of the relation between two sentences their vectors keep, with the encoder
untouched. Reads the KorNLI / XNLI TSV (``sentence1  sentence2  gold_label``) and MultiNLI-style
JSON lines.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import ConfigError, FormatError

__all__ = ["NLIPairs", "evaluate_nli", "pair_features", "read_nli"]

_LABELS = ("entailment", "neutral", "contradiction")


@dataclass
class NLIPairs:
    """Premise / hypothesis pairs with their gold labels (``entailment``, ``neutral``, ``contradiction``)."""

    premises: list[str]
    hypotheses: list[str]
    labels: list[str]
    name: str = ""

    def __len__(self) -> int:
        return len(self.labels)


def read_nli(path: str | os.PathLike[str]) -> NLIPairs:
    """Read NLI pairs: a TSV with the header ``sentence1 sentence2 gold_label`` (KorNLI, XNLI) or JSON
    lines with those keys. Pairs whose label is not one of the three (MultiNLI's ``-``) are skipped."""
    from embedlab.text.readers import open_text

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "NLI file not found", str(p))
    out = NLIPairs([], [], [], p.name.split(".")[0] if ".jsonl" in p.name else p.stem)
    with open_text(p) as fh:
        rows: Iterator[Any]
        if ".jsonl" in p.name:
            rows = (json.loads(line) for line in fh if line.strip())
        else:
            table = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            rows = iter(table)
            missing = {"sentence1", "sentence2", "gold_label"} - set(table.fieldnames or ())
            if missing:
                raise FormatError(
                    f"{p}: the header lacks {sorted(missing)} (expected sentence1, sentence2, gold_label)"
                )
        try:
            for n, r in enumerate(rows, 2):
                if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("sentence1", "sentence2")):
                    raise FormatError(f"{p}:{n}: a pair needs sentence1 and sentence2 strings")
                label = str(r.get("gold_label") or "").strip()
                if label in _LABELS:
                    out.premises.append(r["sentence1"])
                    out.hypotheses.append(r["sentence2"])
                    out.labels.append(label)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{p}: a line is not JSON ({exc.msg})") from None
    if not out.labels:
        raise FormatError(f"{p}: no labelled pairs (labels must be {', '.join(_LABELS)})")
    return out


def pair_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``[u, v, |u - v|, u * v]`` for each row pair (Conneau et al., 2017).

    >>> pair_features(np.array([[1.0, 0.0]]), np.array([[0.5, 2.0]])).tolist()
    [[1.0, 0.0, 0.5, 2.0, 0.5, 2.0, 0.5, 0.0]]
    """
    return np.hstack([u, v, np.abs(u - v), u * v])


def _encode_pairs(encoder: Any, data: NLIPairs, batch_size: int) -> np.ndarray:
    unique = list(dict.fromkeys(data.premises + data.hypotheses))
    vecs = encoder.encode(unique, batch_size=batch_size, normalize=True, show_progress=False)
    row = {s: i for i, s in enumerate(unique)}
    u = vecs[[row[s] for s in data.premises]]
    v = vecs[[row[s] for s in data.hypotheses]]
    return pair_features(u, v)


def evaluate_nli(
    encoder: Any, train: NLIPairs, test: NLIPairs, *, batch_size: int = 64, c: float = 1.0, seed: int = 0
) -> dict[str, Any]:
    """Accuracy on ``test`` of a logistic regression (inverse regularisation ``c``) learnt on ``train``'s
    pair features, with the majority-class rate beside it. Sentences are encoded once each."""
    from sklearn.linear_model import LogisticRegression

    if len(set(train.labels)) < 2:
        raise ConfigError("the training pairs need at least two different labels")
    t0 = time.perf_counter()
    x_train = _encode_pairs(encoder, train, batch_size)
    x_test = _encode_pairs(encoder, test, batch_size)
    seconds_encode = time.perf_counter() - t0
    head = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit(x_train, train.labels)
    predicted = head.predict(x_test)
    gold = np.asarray(test.labels)
    majority = max(test.labels.count(label) for label in set(test.labels)) / len(test)
    return {
        "dataset": test.name,
        "primary_metric": "accuracy",
        "accuracy": float((predicted == gold).mean()),
        "majority": majority,
        "train_pairs": len(train),
        "test_pairs": len(test),
        "per_label": {lab: float((predicted[gold == lab] == lab).mean()) for lab in _LABELS if (gold == lab).any()},
        "seconds_encode": round(seconds_encode, 3),
    }
