"""Second-order random walks (node2vec's), made in numba on a graph's CSR arrays: the sentences the
skip-gram engine trains node vectors on. The graph product owns graphs; this is only the walking.

>>> import numpy as np
>>> indptr, indices = np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1], np.int32)   # a - b - c
>>> tokens, offsets = walk_round(indptr, indices, np.array([1.0, 1.0, 2.0, 1.0]), walk_length=4, seed=3)
>>> offsets.tolist(), len(tokens)
([0, 4, 8, 12], 12)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from embedlab.errors import ConfigError
from embedlab.kernels.walks import walk_job

__all__ = ["walk_round"]

_WALKS_PER_TASK = 2048


def walk_round(
    indptr: np.ndarray,
    indices: np.ndarray,
    cumulative_weights: np.ndarray,
    *,
    walk_length: int = 80,
    p: float = 1.0,
    q: float = 1.0,
    round_index: int = 0,
    seed: int = 1,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """One walk from every node, the start nodes in a seeded random order: the node ids of all walks and
    their offsets. ``cumulative_weights``: each node's running sum of its edge weights (CSR order).

    The walks depend on ``seed`` and ``round_index`` only, never on ``threads``. A walk stops early at
    a node with no outgoing edge (directed graphs).
    """
    n = indptr.shape[0] - 1
    if walk_length < 1:
        raise ConfigError(f"walk_length must be >= 1, got {walk_length}")
    if p <= 0 or q <= 0:
        raise ConfigError(f"p and q must be > 0, got p={p}, q={q}")
    starts = np.random.default_rng([seed, round_index]).permutation(n).astype(np.int32)
    out = np.empty((n, walk_length), np.int32)
    lengths = np.empty(n, np.int64)

    def task(a: int) -> None:
        b = min(a + _WALKS_PER_TASK, n)
        walk_job(indptr, indices, cumulative_weights, starts[a:b], round_index * n + a, walk_length, 1.0 / p,
                 1.0 / q, seed, out[a:b], lengths[a:b])  # fmt: skip

    chunks = range(0, n, _WALKS_PER_TASK)
    if threads <= 1 or n <= _WALKS_PER_TASK:
        for a in chunks:
            task(a)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(task, chunks))
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] == n * walk_length:
        return out.ravel(), offsets
    return out[np.arange(walk_length)[None, :] < lengths[:, None]], offsets  # drop the unused tails
