"""Semantic textual similarity: Spearman correlation between cosine similarity and gold scores.

Reads the STS Benchmark CSV (tab-separated, no header, score in column 5), KorSTS TSV
(header with ``sentence1``, ``sentence2``, ``score``) and JSON lines with those keys.
"""

from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import FormatError
from embedlab.text.readers import split_lines

__all__ = ["STSPairs", "evaluate_sts", "read_sts"]


@dataclass
class STSPairs:
    """Sentence pairs with gold similarity scores."""

    sentences1: list[str]
    sentences2: list[str]
    scores: np.ndarray
    name: str = ""

    def __len__(self) -> int:
        return len(self.scores)


def read_sts(path: str | os.PathLike[str]) -> STSPairs:
    """Read an STS file (STS Benchmark .csv, KorSTS .tsv, or .jsonl with sentence1/sentence2/score)."""
    from embedlab.text.readers import open_text

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "STS file not found", str(p))
    s1: list[str] = []
    s2: list[str] = []
    sc: list[float] = []
    with open_text(p) as fh:
        if ".jsonl" in p.name:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        row = json.loads(line)
                        s1.append(str(row["sentence1"]))
                        s2.append(str(row["sentence2"]))
                        sc.append(float(row.get("score", row.get("label"))))
                    except (ValueError, KeyError, TypeError) as exc:
                        raise FormatError(f"{p}:{n}: expected sentence1, sentence2, score ({exc})") from None
        else:
            lines = split_lines(fh.read())
            header = lines[0].split("\t") if lines else []
            if "sentence1" in header and "sentence2" in header:  # KorSTS / pandas-style TSV
                i1, i2 = header.index("sentence1"), header.index("sentence2")
                isc = header.index("score") if "score" in header else header.index("label")
                rows = [line.split("\t") for line in lines[1:] if line.strip()]
                start = 2
            else:  # STS Benchmark: genre, file, year, id, score, sentence1, sentence2[, source...]
                i1, i2, isc = 5, 6, 4
                rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
                start = 1
            for n, row in enumerate(rows, start):
                if len(row) <= max(i1, i2, isc):
                    raise FormatError(f"{p}:{n}: expected at least {max(i1, i2, isc) + 1} tab-separated columns")
                try:
                    sc.append(float(row[isc]))
                except ValueError:
                    raise FormatError(f"{p}:{n}: score {row[isc]!r} is not a number") from None
                s1.append(row[i1])
                s2.append(row[i2])
    if not sc:
        raise FormatError(f"{p} holds no sentence pairs")
    return STSPairs(s1, s2, np.asarray(sc, dtype=np.float64), p.name)


def evaluate_sts(encoder: Any, pairs: STSPairs, *, batch_size: int = 32, show_progress: Any = None) -> dict[str, Any]:
    """Spearman and Pearson correlation of cosine similarity with the gold scores.

    Each distinct sentence is encoded once. Returns ``{"spearman", "pearson", "pairs", "seconds", ...}``
    with ``"primary_metric": "spearman"`` (×100 is how papers print it).
    """
    from scipy.stats import pearsonr, spearmanr

    t0 = time.perf_counter()
    uniq = list(dict.fromkeys(pairs.sentences1 + pairs.sentences2))
    where = {s: i for i, s in enumerate(uniq)}
    vecs = encoder.encode(uniq, batch_size=batch_size, normalize=True, show_progress=show_progress)
    a = vecs[[where[s] for s in pairs.sentences1]]
    b = vecs[[where[s] for s in pairs.sentences2]]
    cos = np.einsum("ij,ij->i", a, b)
    return {
        "dataset": pairs.name,
        "primary_metric": "spearman",
        "pairs": len(pairs),
        "spearman": float(spearmanr(cos, pairs.scores).statistic),
        "pearson": float(pearsonr(cos, pairs.scores).statistic),
        "seconds": round(time.perf_counter() - t0, 3),
    }
