"""Compressing key-addressed vectors and measuring what it cost.

>>> import numpy as np
>>> from embedlab.vectors.keyed import KeyedVectors
>>> kv = KeyedVectors([f"w{i}" for i in range(300)], np.random.default_rng(0).normal(size=(300, 16)))
>>> small = compress_vectors(kv, "int8")
>>> small.nbytes * 3 < kv.vectors.nbytes, small.most_similar("w1", k=1)[0][0] == kv.most_similar("w1", k=1)[0][0]
(True, True)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from embedlab._validation import check_choice
from embedlab.errors import ConfigError
from embedlab.vectors.codecs import CODECS
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vectors.quantized import QuantizedVectors
from embedlab.vectors.quantized_subword import QuantizedSubwordVectors
from embedlab.vectors.subword import SubwordVectors

__all__ = ["METHODS", "compress_vectors", "retention"]

METHODS = tuple(CODECS)


def compress_vectors(
    kv: KeyedVectors,
    method: str,
    *,
    calibration: np.ndarray | None = None,
    m: int | None = None,
    max_ngrams: int | None = None,
) -> QuantizedVectors:
    """``kv`` stored with ``method`` (float16, int8, binary, pq).

    int8 learns each dimension's range from ``calibration`` (default: the vectors themselves,
    which is what a word-vector model has); pq learns ``m`` sub-quantizers of 256 centroids from
    the vectors (default ``m = dim / 4``). A FastText model keeps its vectors for unseen words:
    of its n-gram matrix only the buckets a vocabulary word uses are kept (the ``max_ngrams`` most
    used, when given), compressed with the same method.
    """
    method = check_choice("method", method, METHODS)
    if isinstance(kv, QuantizedVectors):
        raise ConfigError(f"these vectors are already compressed ({kv.codec.name}); compress the original model")
    if len(kv) == 0:
        raise ConfigError("nothing to compress: the model has no vectors")
    params: dict[str, Any] = {"m": m} if method == "pq" and m is not None else {}
    if isinstance(kv, SubwordVectors):
        if calibration is not None:
            raise ConfigError("a FastText model is calibrated on its own rows; calibration= does not apply")
        return QuantizedSubwordVectors.from_subword(kv, method, max_ngrams=max_ngrams, **params)
    return QuantizedVectors.from_vectors(kv, method, calibration=calibration, **params)


def _quality(kv: KeyedVectors, pairs: tuple[str, ...], analogies: bool) -> dict[str, float | None]:
    from embedlab.eval.analogy import evaluate_analogies
    from embedlab.eval.word_similarity import evaluate_word_pairs

    out: dict[str, float | None] = {}
    oov = hasattr(kv, "ngram_rows")  # FastText models answer for unseen words too
    for name in pairs:
        try:
            out[name] = float(evaluate_word_pairs(kv, name, answer_oov=oov)["spearman"])
        except (ConfigError, ValueError):
            out[name] = None  # no pair of the set is covered by this vocabulary
    if analogies:
        try:
            out["analogy"] = float(evaluate_analogies(kv)["accuracy"])
        except (ConfigError, ValueError):
            out["analogy"] = None
    return out


def _query_ms(kv: KeyedVectors, n: int = 50) -> float:
    words = kv.words[: min(n, len(kv))]
    t0 = time.perf_counter()
    for w in words:
        kv.most_similar(w, k=10)
    return 1000.0 * (time.perf_counter() - t0) / max(1, len(words))


def retention(
    original: KeyedVectors,
    compressed: QuantizedVectors,
    *,
    pairs: tuple[str, ...] = ("wordsim353", "simlex999"),
    analogies: bool = True,
) -> dict[str, Any]:
    """Quality before and after (Spearman on word-pair sets, analogy accuracy), bytes and query time.

    Returns ``{"method", "rows": [{"metric", "before", "after", "retained"}], "bytes_before",
    "bytes_after", "ratio", "query_ms_before", "query_ms_after", "neighbour_overlap@10"}``;
    ``retained`` is after / before (None where the set covers no word of the model).
    """
    before, after = _quality(original, pairs, analogies), _quality(compressed, pairs, analogies)
    rows = []
    for metric, b in before.items():
        a = after[metric]
        rows.append({"metric": metric, "before": b, "after": a,
                     "retained": (a / b) if (a is not None and b not in (None, 0.0)) else None})  # fmt: skip
    probe = original.words[: min(200, len(original))]
    overlap = np.mean([
        len({w for w, _ in original.most_similar(p, k=10)} & {w for w, _ in compressed.most_similar(p, k=10)})
        / min(10, len(original) - 1)
        for p in probe
    ]) if len(original) > 1 else 1.0  # fmt: skip
    bytes_before = int(np.asarray(original.vectors).nbytes)
    return {
        "method": compressed.codec.name,
        "rows": rows,
        "bytes_before": bytes_before,
        "bytes_after": compressed.nbytes,
        "ratio": bytes_before / max(1, compressed.nbytes),
        "query_ms_before": _query_ms(original),
        "query_ms_after": _query_ms(compressed),
        "neighbour_overlap@10": float(overlap),
    }
