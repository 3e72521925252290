"""Exact search: blocked float32 matrix products (BLAS) and a numba top-k."""

from __future__ import annotations

import numpy as np

from embedlab._validation import check_int
from embedlab.errors import ConfigError
from embedlab.index.base import prepare, prepare_rows

__all__ = ["ExactIndex", "best_columns", "exact_search"]

_SCORE_BUDGET = 1 << 25  # floats of scores held at once (128 MB)
_MAX_QUERY_BLOCK = 1024


def best_columns(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` highest scores, best first (ties: the lower column first), as column ids and scores
    (float32 ``scores``, C-contiguous); a column scoring -inf is never returned (id -1 in its place).

    >>> best_columns(np.array([[0.1, 0.9, 0.5]], np.float32), 2)[0].tolist()
    [[1, 2]]
    """
    from embedlab.kernels.topk import topk_rows

    k = min(k, scores.shape[1])
    ids = np.empty((scores.shape[0], k), np.int64)
    best = np.empty((scores.shape[0], k), np.float32)
    topk_rows(scores, k, ids, best, 0)
    return ids, best


def exact_search(
    queries: np.ndarray, matrix: np.ndarray, k: int, metric: str = "ip", sq_norms: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` row positions of ``matrix`` for every query, best first, and their scores.

    ``metric="ip"`` ranks by dot product (cosine when both sides are unit rows); ``"l2"`` by
    negated squared Euclidean distance. Rows and queries are scored in blocks so memory stays
    bounded whatever the sizes.
    """
    from embedlab.kernels.topk import topk_rows

    nq, n = queries.shape[0], matrix.shape[0]
    kk = max(1, min(k, n))
    out_i = np.full((nq, kk), -1, dtype=np.int64)
    out_s = np.full((nq, kk), -np.inf, dtype=np.float32)
    if n == 0 or nq == 0:
        return out_i[:, :k], out_s[:, :k]
    if metric == "l2" and sq_norms is None:
        sq_norms = np.einsum("ij,ij->i", matrix, matrix)
    # Queries in blocks of up to 1,024, rows in tiles sized so one score tile stays within the
    # budget: the matrix is streamed from memory once per query block (not once per few queries),
    # and each tile's top-k is merged into the block's running best.
    q_block = min(nq, _MAX_QUERY_BLOCK)
    r_block = max(kk, min(n, _SCORE_BUDGET // q_block))
    for qs in range(0, nq, q_block):
        q = queries[qs : qs + q_block]
        q_sq = np.einsum("ij,ij->i", q, q)[:, None] if metric == "l2" else None
        best_i, best_s = out_i[qs : qs + q.shape[0]], out_s[qs : qs + q.shape[0]]
        for rs in range(0, n, r_block):
            s = q @ matrix[rs : rs + r_block].T
            if metric == "l2":
                assert sq_norms is not None and q_sq is not None
                s *= 2.0
                s -= sq_norms[None, rs : rs + r_block]
                s -= q_sq
            kt = min(kk, s.shape[1])
            tile_i = np.empty((q.shape[0], kt), dtype=np.int64)
            tile_s = np.empty((q.shape[0], kt), dtype=np.float32)
            topk_rows(s, kt, tile_i, tile_s, 0)
            if rs == 0 and kt == kk:
                best_i[:], best_s[:] = tile_i, tile_s
                continue
            # earlier tiles first, so a stable sort keeps ties on the lower row
            cand_i = np.concatenate([best_i, np.where(tile_i >= 0, tile_i + rs, -1)], axis=1)
            cand_s = np.concatenate([best_s, tile_s], axis=1)
            order = np.argsort(-cand_s, axis=1, kind="stable")[:, :kk]
            best_i[:] = np.take_along_axis(cand_i, order, axis=1)
            best_s[:] = np.take_along_axis(cand_s, order, axis=1)
    return out_i, out_s


class ExactIndex:
    """Brute-force index: always the true top-k. Ids are int64 labels chosen by the caller.

    >>> idx = ExactIndex(3, "l2")
    >>> idx.add(np.eye(3, dtype=np.float32), np.array([7, 8, 9]))
    >>> idx.search(np.array([[0, 0.9, 0]]), k=2)[0].tolist()
    [[8, 7]]
    """

    kind = "exact"

    def __init__(self, dim: int, metric: str = "cosine") -> None:
        self.dim = check_int("dim", dim, 1)
        self.metric = metric
        self._vecs = np.empty((0, self.dim), dtype=np.float32)
        self._ids = np.empty(0, dtype=np.int64)
        self._n = 0
        self._pos_map: dict[int, int] | None = {}
        self._shared = False

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, ids: np.ndarray, metric: str = "cosine") -> ExactIndex:
        """An index over ``matrix`` as it is (no copy, no normalisation: rows must already be
        unit length for cosine); used to search a matrix held elsewhere."""
        idx = cls(matrix.shape[1], metric)
        idx._vecs = matrix
        idx._ids = np.asarray(ids, dtype=np.int64)
        idx._n = len(idx._ids)
        idx._pos_map = None  # built on first use: plain searches never need it
        idx._shared = True  # copied before the first removal, never changed in place
        return idx

    @property
    def _pos(self) -> dict[int, int]:
        if self._pos_map is None:
            self._pos_map = dict(zip(self.ids.tolist(), range(self._n), strict=True))
        return self._pos_map

    def __len__(self) -> int:
        return self._n

    @property
    def vectors(self) -> np.ndarray:
        return self._vecs[: self._n]

    @property
    def ids(self) -> np.ndarray:
        return self._ids[: self._n]

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        v, ids = prepare_rows(vectors, ids, self.dim, self.metric)
        dup = [int(i) for i in ids if int(i) in self._pos]
        if dup or len(set(ids.tolist())) != len(ids):
            raise ConfigError(f"ids already in the index: {dup[:5] or 'repeated within the batch'}")
        need = self._n + len(ids)
        if need > self._vecs.shape[0]:
            cap = max(need, int(self._vecs.shape[0] * 1.5) + 1024)
            grown = np.empty((cap, self.dim), dtype=np.float32)
            grown[: self._n] = self._vecs[: self._n]
            gids = np.empty(cap, dtype=np.int64)
            gids[: self._n] = self._ids[: self._n]
            self._vecs, self._ids = grown, gids
        self._vecs[self._n : need] = v
        self._ids[self._n : need] = ids
        for j, i in enumerate(ids.tolist()):
            self._pos[i] = self._n + j
        self._n = need

    def remove(self, ids: np.ndarray) -> int:
        """Remove ``ids`` (unknown ids are ignored); returns how many were removed."""
        removed = 0
        if self._shared:
            self._vecs, self._ids, self._shared = self._vecs[: self._n].copy(), self._ids[: self._n].copy(), False
        for i in np.asarray(ids, dtype=np.int64).ravel().tolist():
            p = self._pos.pop(i, None)
            if p is None:
                continue
            last = self._n - 1
            if p != last:  # move the last row into the hole
                self._vecs[p] = self._vecs[last]
                moved = int(self._ids[last])
                self._ids[p] = moved
                self._pos[moved] = p
            self._n -= 1
            removed += 1
        return removed

    def search(
        self, queries: np.ndarray, k: int = 10, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores of the ``k`` best vectors per query; ``allowed`` restricts to those ids."""
        k = check_int("k", k, 1)
        q = prepare(queries, self.dim, self.metric, "queries")
        metric = "l2" if self.metric == "l2" else "ip"
        mat, ids = self.vectors, self.ids
        if allowed is not None:
            pos = np.fromiter((self._pos.get(int(i), -1) for i in np.asarray(allowed).ravel()), dtype=np.int64)
            pos = np.unique(pos[pos >= 0])
            mat, ids = mat[pos], ids[pos]
        pi, ps = exact_search(q, mat, k, metric)
        out = np.where(pi >= 0, ids[np.maximum(pi, 0)] if len(ids) else -1, -1)
        if out.shape[1] < k:  # fewer vectors than k
            pad = k - out.shape[1]
            out = np.pad(out, ((0, 0), (0, pad)), constant_values=-1)
            ps = np.pad(ps, ((0, 0), (0, pad)), constant_values=-np.inf)
        return out, ps
