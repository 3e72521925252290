"""Shared pieces of every numba kernel: the compile options, the random number generator, alias draws.

Kernels take all their state as arrays and scalars; nothing here prints or allocates
global state at call time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: The decorator of every kernel: compiled once and cached on disk, releases the GIL (threads train
#: in parallel), no bounds checks, numpy's error model (no exceptions in the hot loop).
jit = njit(nogil=True, cache=True, fastmath=True, boundscheck=False, error_model="numpy")


@jit
def splitmix64(x: np.uint64) -> np.uint64:
    """One step of splitmix64; used to derive independent per-job seeds."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@jit
def xorshift(state: np.ndarray) -> np.uint64:
    """xorshift64* step; ``state`` is a length-1 uint64 array (explicit RNG state)."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(2685821657736338717)


@jit
def draw_alias(prob: np.ndarray, alias: np.ndarray, r: np.uint64) -> np.int64:
    """Draw one id from a Vose alias table with one 64-bit random number."""
    n = prob.shape[0]
    i = np.int64((r >> np.uint64(32)) % np.uint64(n))
    if (r & np.uint64(0xFFFFFFFF)) < prob[i]:
        return i
    return np.int64(alias[i])
