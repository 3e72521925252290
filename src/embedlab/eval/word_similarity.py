"""Word-pair similarity: Pearson and Spearman correlation of cosine scores with human ratings.

Gives the same numbers as gensim's ``KeyedVectors.evaluate_word_pairs`` on the same
vectors: pairs with a word outside the ``restrict_vocab`` most frequent words are left
out and counted as out-of-vocabulary.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from scipy import stats

from embedlab.eval._vocab_view import key, lookup_table
from embedlab.eval.datasets import WordPairs, bundled_path, read_word_pairs
from embedlab.vectors.protocol import ReadableVectors

__all__ = ["evaluate_word_pairs"]


def evaluate_word_pairs(
    kv: ReadableVectors,
    pairs: str | os.PathLike[str] | WordPairs = "wordsim353",
    *,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    answer_oov: bool = False,
) -> dict[str, Any]:
    """Correlate model cosines with human scores.

    ``pairs`` is a bundled set name (``"wordsim353"``, ``"simlex999"``), a file path or a
    :class:`WordPairs`. Returns ``{"name", "primary_metric": "spearman", "spearman", "pearson", "pairs",
    "oov", "oov_ratio"}``; ``oov_ratio`` is a fraction (gensim prints it in percent).
    ``answer_oov=True`` lets subword models (FastText) answer unknown words from their
    n-grams; ``oov`` then counts only the words they cannot answer either.

    >>> import numpy as np
    >>> from embedlab import KeyedVectors
    >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32))
    >>> wp = WordPairs("toy", [("a", "b", 5.0), ("a", "c", 1.0), ("b", "c", 5.0)])
    >>> evaluate_word_pairs(kv, wp)["spearman"]
    1.0
    """
    if isinstance(pairs, WordPairs):
        data = pairs
    elif isinstance(pairs, str) and not os.path.exists(pairs) and pairs in ("wordsim353", "simlex999"):
        data = read_word_pairs(bundled_path(pairs))
        data.name = pairs
    else:
        data = read_word_pairs(pairs)
    table = lookup_table(kv, restrict_vocab, case_insensitive)
    u = kv.unit_rows()
    gold, model = [], []
    oov = 0
    for a, b, score in data.pairs:
        ia = table.get(key(a, case_insensitive))
        ib = table.get(key(b, case_insensitive))
        if ia is None or ib is None:
            va = u[ia] if ia is not None else _oov_unit(kv, a, case_insensitive) if answer_oov else None
            vb = u[ib] if ib is not None else _oov_unit(kv, b, case_insensitive) if answer_oov else None
            if va is None or vb is None:
                oov += 1
                continue
            gold.append(score)
            model.append(float(np.dot(va, vb)))
            continue
        gold.append(score)
        model.append(float(np.dot(u[ia], u[ib])))
    n = len(gold)
    if n >= 2:
        pearson = float(stats.pearsonr(gold, model)[0])
        spearman = float(stats.spearmanr(gold, model)[0])
    else:
        pearson = spearman = float("nan")
    return {
        "name": data.name,
        "primary_metric": "spearman",
        "spearman": spearman,
        "pearson": pearson,
        "pairs": n,
        "oov": oov,
        "oov_ratio": oov / (n + oov) if n + oov else 0.0,
    }


def _oov_unit(kv: ReadableVectors, word: str, case_insensitive: bool) -> np.ndarray | None:
    w = word.lower() if case_insensitive else word
    if w in kv:
        v = np.asarray(kv.get_vector(w), dtype=np.float32)
        n = np.linalg.norm(v)
        return v / n if n > 0 else None
    return None
