"""GloVe kernels: AdaGrad on the weighted least-squares objective, and the epoch shuffle.

For each non-zero ``X[i, j]`` the model fits ``w_i · w̃_j + b_i + b̃_j ≈ log X[i, j]``
with weight ``f(X) = min(1, (X / x_max) ** alpha)``, updating with AdaGrad exactly as
the GloVe C tool does: gradient-squared accumulators start at 1, each vector gradient
component is clipped to ±``GRAD_CLIP`` before it is scaled by ``eta``. The bias steps are
scaled by ``bias_eta``: ``eta`` in the GloVe paper (and the C tool up to release 1.2), 1.0 in
the C tool since it gained gradient clipping (its bias steps lost the ``eta``). The larger bias
steps let the biases, not the vectors, absorb word frequency: on Wikipedia SimLex-999 rises
by about 0.01-0.02 (BENCHMARKS.md), while on tiny corpora whose only signal is the level of
the counts the vectors learn less. Stored entries are the
upper triangle of the symmetric matrix: an off-diagonal entry trains ``(i, j)`` and then
``(j, i)``. Rows of the entries a few steps ahead are prefetched, since the random
access to four weight rows per update, not the arithmetic, sets the speed.
"""

from __future__ import annotations

import math

import numpy as np

from embedlab.kernels._common import jit, splitmix64, xorshift
from embedlab.kernels._prefetch import prefetch_row

_AHEAD = 4  # entries between a prefetch and its use
GRAD_CLIP = 100.0  # the C tool's -grad-clip default


@jit
def _update(i, j, logx, fx, W, Wt, bw, bwt, gW, gWt, gbw, gbwt, eta, bias_eta, hi):
    dim = W.shape[1]
    diff = bw[i] + bwt[j] - logx
    for d in range(dim):
        diff += W[i, d] * Wt[j, d]
    if not math.isfinite(diff):
        return 0.0
    fdiff = fx * diff
    cost = 0.5 * fdiff * diff
    lo = -hi
    for d in range(dim):
        t1 = min(max(fdiff * Wt[j, d], lo), hi) * eta
        t2 = min(max(fdiff * W[i, d], lo), hi) * eta
        W[i, d] -= t1 / math.sqrt(gW[i, d])
        Wt[j, d] -= t2 / math.sqrt(gWt[j, d])
        gW[i, d] += t1 * t1
        gWt[j, d] += t2 * t2
    fb = fdiff * bias_eta
    bw[i] -= fb / math.sqrt(gbw[i])
    bwt[j] -= fb / math.sqrt(gbwt[j])
    gbw[i] += fb * fb
    gbwt[j] += fb * fb
    return cost


@jit
def glove_job(perm, p_begin, p_end, rows, cols, logx, fx, W, Wt, bw, bwt, gW, gWt, gbw, gbwt, rates, stats):
    """Train the entries ``perm[p_begin:p_end]``; ``stats`` gets ``[cost_sum, updates, entries]``.

    ``rates`` is ``[eta, bias_eta, grad_clip]`` in the weights' own dtype (:func:`glove_rates`), so every
    step stays in that precision (float32: single-precision SIMD; float64: the C tool's double)."""
    cost = 0.0
    updates = 0
    eta = rates[0]
    bias_eta = rates[1]
    hi = rates[2]
    for p in range(p_begin, p_end):
        if p + _AHEAD < p_end:
            e2 = perm[p + _AHEAD]
            r2 = rows[e2]
            c2 = cols[e2]
            prefetch_row(W, r2)
            prefetch_row(gW, r2)
            prefetch_row(Wt, c2)
            prefetch_row(gWt, c2)
            if r2 != c2:
                prefetch_row(W, c2)
                prefetch_row(gW, c2)
                prefetch_row(Wt, r2)
                prefetch_row(gWt, r2)
        e = perm[p]
        i = rows[e]
        j = cols[e]
        cost += _update(i, j, logx[e], fx[e], W, Wt, bw, bwt, gW, gWt, gbw, gbwt, eta, bias_eta, hi)
        updates += 1
        if i != j:
            cost += _update(j, i, logx[e], fx[e], W, Wt, bw, bwt, gW, gWt, gbw, gbwt, eta, bias_eta, hi)
            updates += 1
    stats[0] += cost
    stats[1] += updates
    stats[2] += p_end - p_begin


def glove_rates(eta: float, bias_eta: float, dtype: type) -> np.ndarray:
    """The ``rates`` argument of :func:`glove_job`: AdaGrad's rates and the gradient clip in ``dtype``."""
    return np.array([eta, bias_eta, GRAD_CLIP], dtype=dtype)


@jit
def shuffle(perm, seed):
    """Fisher–Yates shuffle of ``perm`` in place, from ``seed``."""
    rng = np.empty(1, np.uint64)
    rng[0] = splitmix64(np.uint64(seed)) | np.uint64(1)
    for k in range(perm.shape[0] - 1, 0, -1):
        r = np.int64(xorshift(rng) % np.uint64(k + 1))
        tmp = perm[k]
        perm[k] = perm[r]
        perm[r] = tmp


@jit
def weights_and_logs(vals, x_max, alpha, fx, logx):
    """``f(X) = min(1, (X/x_max)^alpha)`` and ``log X`` for every entry."""
    for e in range(vals.shape[0]):
        x = np.float64(vals[e])
        fx[e] = 1.0 if x >= x_max else (x / x_max) ** alpha
        logx[e] = math.log(x)
