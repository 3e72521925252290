"""Frequent-word subsampling and the negative-sampling noise distribution."""

from __future__ import annotations

import numpy as np

from embedlab.kernels.sampling import vose_fill

__all__ = ["alias_table", "keep_thresholds", "noise_weights"]

_TWO32 = 2**32


def keep_thresholds(counts: np.ndarray, sample: float) -> np.ndarray:
    """Keep probability of each word, scaled to 2**32, by word2vec's subsampling formula.

    A word with frequency ``f = count / total`` is kept with probability
    ``(sqrt(f / sample) + 1) * sample / f`` (capped at 1), as in word2vec.c and gensim.
    ``sample=0`` keeps everything. The kernels keep a word when a 32-bit random number is
    below its threshold; a threshold of 2**32 means "always keep".
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0 or counts.size == 0:
        return np.full(counts.shape, _TWO32, dtype=np.uint64)
    threshold_count = sample * counts.sum()
    with np.errstate(divide="ignore"):
        prob = (np.sqrt(counts / threshold_count) + 1.0) * (threshold_count / counts)
    out = np.full(counts.shape, _TWO32, dtype=np.uint64)
    below = prob < 1.0
    out[below] = (prob[below] * _TWO32).astype(np.uint64)
    return out


def noise_weights(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """Unigram counts raised to ``power`` (0.75 in word2vec), normalized to sum to 1."""
    w = np.asarray(counts, dtype=np.float64) ** power
    return w / w.sum()


def alias_table(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias table for drawing ids with probability ``weights`` in O(1).

    Returns ``(prob, alias)``: draw ``i`` uniformly, keep it if a 32-bit random number is
    below ``prob[i]``, else take ``alias[i]``. Two small arrays instead of word2vec.c's
    1e8-entry unigram table: exact, and it fits in cache.
    """
    w = np.asarray(weights, dtype=np.float64)
    scaled = w * (w.size / w.sum())
    prob = np.empty(w.size, dtype=np.float64)
    alias = np.empty(w.size, dtype=np.int32)
    vose_fill(scaled, prob, alias)
    return np.minimum(prob * _TWO32, _TWO32 - 1).astype(np.uint64), alias
