"""Random walks over a graph in CSR form: DeepWalk (first order) and node2vec (second order, p and q).

The graph is ``indptr`` (int64, nodes + 1) and ``indices`` (int32, each row sorted by id), with
``cumw`` (float64, one per edge: the running sum of the row's weights) for a weighted graph or an
empty array for an unweighted one.

node2vec's second-order step is sampled by rejection, with nothing precomputed per edge: from
``v``, having come from ``t``, propose a neighbour ``x`` with probability ∝ w(v, x) and accept it
with probability α(t, x) / max α, where α is 1/p if ``x`` is ``t``, 1 if ``t`` has an edge to ``x``
(a binary search in ``t``'s sorted row) and 1/q otherwise. The accepted ``x`` then has exactly
node2vec's transition probability α(t, x)·w(v, x) / Σ, and memory stays O(edges), where the
reference implementation's per-edge alias tables take O(Σ degree²).

Every walk draws from its own random stream, derived from ``seed`` and the walk's global index,
so the walks do not depend on how they are split among threads: any thread count gives the same
walks, bit for bit.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit, splitmix64, xorshift


@jit
def _uniform(rng) -> float:
    """A float in [0, 1) with 53 random bits."""
    return np.float64(xorshift(rng) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def _neighbour(indptr, indices, cumw, v, rng):
    """A neighbour of ``v`` with probability ∝ edge weight (uniform without weights); -1 at a dead end."""
    a = indptr[v]
    b = indptr[v + 1]
    if b == a:
        return -1
    if cumw.shape[0] == 0:
        return np.int64(indices[a + np.int64(xorshift(rng) % np.uint64(b - a))])
    target = _uniform(rng) * cumw[b - 1]  # running sums restart at every row
    lo = a
    hi = b - 1
    while lo < hi:  # first edge whose running sum exceeds target
        mid = (lo + hi) >> 1
        if cumw[mid] > target:
            hi = mid
        else:
            lo = mid + 1
    return np.int64(indices[lo])


@jit
def has_edge(indptr, indices, t, x) -> bool:
    """Whether ``t`` has an edge to ``x`` (binary search in ``t``'s sorted row)."""
    lo = indptr[t]
    hi = indptr[t + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        m = indices[mid]
        if m < x:
            lo = mid + 1
        elif m > x:
            hi = mid
        else:
            return True
    return False


@jit
def walk_job(indptr, indices, cumw, starts, first_index, walk_length, inv_p, inv_q, seed, out, lengths):
    """Walks from ``starts[i]`` into ``out[i, :]`` (row ``i`` holds ``lengths[i]`` nodes).

    ``first_index + i`` is walk ``i``'s global index, which seeds its random stream.
    ``inv_p = inv_q = 1`` gives DeepWalk's first-order walk. A walk stops early at a node with
    no outgoing edge (directed graphs).
    """
    second_order = inv_p != 1.0 or inv_q != 1.0
    max_alpha = max(1.0, max(inv_p, inv_q))
    rng = np.empty(1, np.uint64)
    for i in range(starts.shape[0]):
        rng[0] = splitmix64(np.uint64(seed) ^ splitmix64(np.uint64(first_index + i))) | np.uint64(1)
        v = np.int64(starts[i])
        out[i, 0] = v
        n = 1
        t = np.int64(-1)
        while n < walk_length:
            if indptr[v + 1] == indptr[v]:
                break  # a dead end (a node with no outgoing edge)
            if t < 0 or not second_order:
                x = _neighbour(indptr, indices, cumw, v, rng)
            else:
                while True:
                    x = _neighbour(indptr, indices, cumw, v, rng)
                    if x == t:
                        alpha = inv_p
                    elif has_edge(indptr, indices, t, x):
                        alpha = 1.0
                    else:
                        alpha = inv_q
                    if alpha >= max_alpha or _uniform(rng) * max_alpha < alpha:
                        break
            out[i, n] = x
            n += 1
            t = v
            v = x
        lengths[i] = n
