"""Plain numpy references of one Word2Vec update, for testing the numba kernels.

Each function applies, in place and in the kernels' order, the update for one centre
word given its context words and noise words explicitly, with an exact sigmoid
saturated at ±MAX_EXP the way the kernels' tables are.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import EXP_TABLE_SIZE, MAX_EXP, SIGMOID_TABLE


def _sigmoid(f: float) -> float:
    return float(SIGMOID_TABLE[int((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2.0))])


def _gradient(f: float, label: float, alpha: float) -> float:
    if f >= MAX_EXP or f <= -MAX_EXP:
        return 0.0  # saturated pairs carry no update, as in gensim
    return (label - _sigmoid(f)) * alpha


def sgns_step(
    syn0: np.ndarray, syn1: np.ndarray, center: int, contexts: list[int], negatives: list[int], alpha: float
) -> None:
    """Skip-gram: every context word's input vector predicts ``center`` against ``negatives``."""
    targets = [(center, 1.0)] + [(n, 0.0) for n in negatives if n != center]
    for c in contexts:
        neu1e = np.zeros(syn0.shape[1], dtype=np.float32)
        for t, label in targets:
            f = float(np.dot(syn0[c].astype(np.float64), syn1[t].astype(np.float64)))
            g = np.float32(_gradient(f, label, alpha))
            neu1e += g * syn1[t]
            syn1[t] += g * syn0[c]
        syn0[c] += neu1e


def cbow_step(
    syn0: np.ndarray, syn1: np.ndarray, center: int, contexts: list[int], negatives: list[int], alpha: float
) -> None:
    """CBOW: the mean of the context vectors predicts ``center`` against ``negatives``."""
    h = syn0[contexts].mean(axis=0).astype(np.float32)
    neu1e = np.zeros(syn0.shape[1], dtype=np.float32)
    targets = [(center, 1.0)] + [(n, 0.0) for n in negatives if n != center]
    for t, label in targets:
        f = float(np.dot(h.astype(np.float64), syn1[t].astype(np.float64)))
        g = np.float32(_gradient(f, label, alpha))
        neu1e += g * syn1[t]
        syn1[t] += g * h
    for c in contexts:
        syn0[c] += neu1e
