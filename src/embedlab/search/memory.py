"""A collection's RAM: what each way of searching it holds in memory, and exact search within a bound.

The documents (ids, texts, metadata) live in SQLite and the float32 rows in ``vectors.f32`` on disk;
what a search holds in RAM is its index. For N vectors of ``dim`` dimensions (bytes, ids included):

============  ===============================  =========================================================
index         RAM                              search
============  ===============================  =========================================================
exact         ``N·dim·4`` when that fits,      every row scored; past the RAM at hand the rows are read
              else ``block·dim·4 + N·8``       from disk ``block`` (65,536) at a time, never all at once
hnsw          ``N·(dim·4 + M·8 + 56)``         graph walk over float rows (``M`` = 32)
ivf           ``N·(dim·4 + 8)``                the nearest ``nprobe`` lists, float rows and ids
int8          ``N·(dim + 56)``                 one byte a dimension, scored on the codes
binary        ``N·(⌈dim/8⌉ + 56)``             Hamming distance on sign bits, the ``rescore·k`` best
                                               rescored exactly from the rows on disk
pq            ``N·(m + 56)``                   ``m`` bytes a vector (``m`` = dim/4)
============  ===============================  =========================================================

(The 56 bytes a vector are faiss's id map: the id (8) and its entry in the reverse lookup that deletes
use (about 48); IVF keeps ids in its lists.) A 10-million-vector collection of 384-d MiniLM vectors thus
needs about 15.4 GB as float rows (exact in RAM, HNSW, IVF) but about 1 GB with ``binary`` (rescored from
disk) or PQ; building an index that would not fit in the RAM available is refused up front with a line that
says so.

>>> from embedlab._memory import gib
>>> gib(index_bytes("binary", 10_000_000, 384))
'1.0 GiB'
>>> gib(index_bytes("hnsw", 10_000_000, 384))
'17.2 GiB'
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from embedlab._memory import available_memory, check_fits

__all__ = ["check_index_fits", "exact_fits", "index_bytes", "search_streamed"]

_ID_MAP = 8 + 48  # faiss IndexIDMap2: the id, and its reverse-lookup entry
#: rows an exact search reads from disk at a time when the collection is past the RAM at hand
STREAM_BLOCK = 65_536
_HNSW_M = 32


def index_bytes(kind: str, n: int, dim: int, **params: object) -> int:
    """Bytes of RAM an index of ``kind`` over ``n`` vectors of ``dim`` dimensions holds (table above)."""
    if kind == "exact":
        return n * dim * 4
    if kind == "hnsw":
        m = int(params.get("M", _HNSW_M))  # type: ignore[call-overload]
        return n * (dim * 4 + m * 8 + _ID_MAP)
    if kind == "ivf":
        return n * (dim * 4 + 8)
    per_row = {"int8": dim, "binary": (dim + 7) // 8}.get(kind)
    if per_row is None:  # pq
        m = params.get("m")
        per_row = int(m) if m is not None else next(k for k in (dim // 4, dim // 2, dim) if k >= 1 and dim % k == 0)  # type: ignore[call-overload]
    return n * (per_row + _ID_MAP)


def check_index_fits(kind: str, n: int, dim: int, **params: object) -> None:
    """Refuse (ConfigError) to build an index that would not fit in the RAM available now."""
    advice = ("search with index='binary' or 'pq' (--index binary / pq: a few bytes a vector in RAM, binary "
              "rescored from the rows on disk), or 'exact' (rows read from disk block by block)")  # fmt: skip
    check_fits(index_bytes(kind, n, dim, **params), f"a {kind} index of {n:,} {dim}-d vectors", advice)


def exact_fits(n: int, dim: int) -> bool:
    """Whether exact search may hold all ``n`` rows in RAM: when they take at most half of what is available."""
    have = available_memory()
    return have is None or n * dim * 4 <= have // 2


def search_streamed(
    blocks: Iterable[tuple[np.ndarray, np.ndarray]],
    queries: np.ndarray,
    k: int,
    metric: str,
    allowed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact search over ``(ids, rows)`` blocks read one at a time: each block's top ``k`` merged into a running
    top ``k``, so memory is one block, whatever the collection's size. Rows as stored (unit rows for
    cosine); only ids in ``allowed`` when given."""
    from embedlab.index.exact import ExactIndex

    best_i = np.full((len(queries), k), -1, dtype=np.int64)
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    for ids, rows in blocks:
        if allowed is not None:
            keep = np.isin(ids, allowed)
            ids, rows = ids[keep], rows[keep]
        if not len(ids):
            continue
        i, s = ExactIndex.from_matrix(rows, ids, metric).search(queries, k)
        all_i, all_s = np.concatenate([best_i, i], axis=1), np.concatenate([best_s, s], axis=1)
        order = np.argsort(-all_s, axis=1, kind="stable")[:, :k]
        best_i, best_s = np.take_along_axis(all_i, order, axis=1), np.take_along_axis(all_s, order, axis=1)
    return best_i, best_s
