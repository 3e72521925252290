"""Plain numpy references of one update of every SGD kernel, for testing the numba kernels.

Each function applies, in place and in the kernels' order, the update for one centre word
(Word2Vec, FastText) or one co-occurrence entry (GloVe) given everything explicitly — its
context words, noise words, subword rows — with the same sigmoid table, saturated at
±MAX_EXP as the kernels' is. Written for clarity, not speed.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._sgd import EXP_TABLE_SIZE, MAX_EXP, SIGMOID_TABLE


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


def ft_skipgram_step(
    syn0: np.ndarray,
    syn1: np.ndarray,
    center_rows: list[int],
    contexts: list[int],
    negatives: list[list[int]],
    alpha: float,
) -> None:
    """FastText skip-gram: the mean of the centre's subword rows predicts each context word
    (with that context's own noise words); the summed gradient goes to every centre row once."""
    h = syn0[center_rows].mean(axis=0).astype(np.float32)
    grad = np.zeros(syn0.shape[1], dtype=np.float32)
    for c, noise in zip(contexts, negatives, strict=True):
        for t, label in [(c, 1.0)] + [(n, 0.0) for n in noise if n != c]:
            f = float(np.dot(h.astype(np.float64), syn1[t].astype(np.float64)))
            g = np.float32(_gradient(f, label, alpha))
            grad += g * syn1[t]
            syn1[t] += g * h
    for r in center_rows:
        syn0[r] += grad


def ft_cbow_step(
    syn0: np.ndarray,
    syn1: np.ndarray,
    center: int,
    context_rows: list[list[int]],
    negatives: list[int],
    alpha: float,
) -> None:
    """FastText CBOW: the mean of all the context words' subword rows predicts ``center``."""
    rows = [r for rs in context_rows for r in rs]
    h = syn0[rows].mean(axis=0).astype(np.float32)
    grad = np.zeros(syn0.shape[1], dtype=np.float32)
    for t, label in [(center, 1.0)] + [(n, 0.0) for n in negatives if n != center]:
        f = float(np.dot(h.astype(np.float64), syn1[t].astype(np.float64)))
        g = np.float32(_gradient(f, label, alpha))
        grad += g * syn1[t]
        syn1[t] += g * h
    for r in rows:
        syn0[r] += grad


def glove_step(
    W: np.ndarray,
    Wt: np.ndarray,
    bw: np.ndarray,
    bwt: np.ndarray,
    gW: np.ndarray,
    gWt: np.ndarray,
    gbw: np.ndarray,
    gbwt: np.ndarray,
    i: int,
    j: int,
    x: float,
    x_max: float,
    power: float,
    eta: float,
    bias_eta: float,
) -> float:
    """GloVe, one stored entry ``X[i, j] = x`` of the upper triangle: AdaGrad on
    ``f(x) (w_i·w̃_j + b_i + b̃_j - log x)^2 / 2`` for ``(i, j)``, then for ``(j, i)`` when
    ``i != j`` (the matrix is symmetric), as the C tool: vector gradients clipped to ±100 and
    scaled by ``eta``, bias steps scaled by ``bias_eta``. Returns the summed cost."""
    fx = 1.0 if x >= x_max else (x / x_max) ** power
    cost = 0.0
    for a, b in [(i, j)] if i == j else [(i, j), (j, i)]:
        diff = float(np.dot(W[a].astype(np.float64), Wt[b].astype(np.float64))) + bw[a] + bwt[b] - np.log(x)
        fdiff = fx * diff
        cost += 0.5 * fdiff * diff
        t1 = (np.clip(fdiff * Wt[b], -100.0, 100.0) * eta).astype(W.dtype)  # clipped, then scaled
        t2 = (np.clip(fdiff * W[a], -100.0, 100.0) * eta).astype(W.dtype)
        W[a] -= t1 / np.sqrt(gW[a])
        Wt[b] -= t2 / np.sqrt(gWt[b])
        gW[a] += t1 * t1
        gWt[b] += t2 * t2
        fb = fdiff * bias_eta
        bw[a] -= fb / np.sqrt(gbw[a])
        bwt[b] -= fb / np.sqrt(gbwt[b])
        gbw[a] += fb * fb
        gbwt[b] += fb * fb
    return cost
