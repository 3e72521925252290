"""Shared pieces of the numba kernels: the random number generator and the sigmoid tables.

Kernels take all their state as arrays and scalars; nothing here prints or allocates
global state at call time. The tables follow word2vec's C tool (``MAX_EXP = 6``,
1000 entries), which is also what gensim uses: a table lookup is several times cheaper
than ``exp`` inside the innermost loop, and saturating beyond ``|f| >= 6`` is what both
reference implementations do.
"""

from __future__ import annotations

import numpy as np
from numba import njit

MAX_EXP = 6.0
EXP_TABLE_SIZE = 1000

_x = (np.arange(EXP_TABLE_SIZE, dtype=np.float64) / EXP_TABLE_SIZE * 2.0 - 1.0) * MAX_EXP
#: sigmoid(x) sampled on [-MAX_EXP, MAX_EXP) like word2vec.c's expTable.
SIGMOID_TABLE = (1.0 / (1.0 + np.exp(-_x))).astype(np.float32)
#: log(sigmoid(x)) on the same grid, for the loss.
LOG_SIGMOID_TABLE = (-np.logaddexp(0.0, -_x)).astype(np.float32)
del _x

JIT = dict(nogil=True, cache=True, fastmath=True, boundscheck=False, error_model="numpy")


@njit(**JIT)
def splitmix64(x: np.uint64) -> np.uint64:
    """One step of splitmix64; used to derive independent per-job seeds."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(**JIT)
def xorshift(state: np.ndarray) -> np.uint64:
    """xorshift64* step; ``state`` is a length-1 uint64 array (explicit RNG state)."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(2685821657736338717)


@njit(**JIT)
def draw_alias(prob: np.ndarray, alias: np.ndarray, r: np.uint64) -> np.int64:
    """Draw one id from a Vose alias table with one 64-bit random number."""
    n = prob.shape[0]
    i = np.int64((r >> np.uint64(32)) % np.uint64(n))
    if (r & np.uint64(0xFFFFFFFF)) < prob[i]:
        return i
    return np.int64(alias[i])


@njit(**JIT)
def sigmoid_lookup(f: float, table: np.ndarray) -> float:
    idx = int((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2.0))
    return table[idx]
