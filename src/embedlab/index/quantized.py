"""Compressed search indexes (faiss): int8 scalar quantization, binary codes with rescoring, and PQ.

Same interface as :class:`~embedlab.index.ann.FaissIndex` (add, remove, search over int64 ids,
save and load), holding codes instead of float32 rows:

- ``int8``: each dimension scaled to one byte with the range faiss learns from the first vectors
  added (its calibration data; at least 2 are needed); scored exactly on the codes.
- ``binary``: the sign bits of the unit rows (cosine only), searched by Hamming distance for
  ``rescore`` × k candidates, which are then scored exactly on their float rows (``fetch``: a
  function from ids to rows, e.g. reading the collection's vector file), so the float rows of the
  whole collection never need to be in memory.
- ``pq``: product quantization, ``m`` bytes a row, learnt from the first add (256 rows or more).

>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(500, 16)).astype(np.float32)
>>> idx = QuantizedIndex("binary", 16, fetch=lambda ids: x[ids])
>>> idx.add(x, np.arange(500))
>>> int(idx.search(x[7:8], k=1)[0][0, 0]), idx.code_bytes < x.nbytes / 20
(7, True)
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from embedlab._threads import faiss_threads_for
from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError, FormatError
from embedlab.index.ann import _faiss, read_checked
from embedlab.index.base import prepare, prepare_rows

__all__ = ["QUANTIZED_KINDS", "QuantizedIndex"]

QUANTIZED_KINDS = ("int8", "binary", "pq")


class QuantizedIndex:
    """An int8, binary (+ rescoring) or PQ index over int64 ids."""

    def __init__(
        self,
        kind: str,
        dim: int,
        metric: str = "cosine",
        *,
        m: int | None = None,
        rescore: int = 4,
        fetch: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self.kind = check_choice("kind", kind, QUANTIZED_KINDS)
        self.dim, self.metric = check_int("dim", dim, 1), metric
        if kind == "binary" and metric != "cosine":
            raise ConfigError("a binary index keeps only signs of unit vectors: it needs the cosine metric")
        self.m = m if m is not None else next(k for k in (dim // 4, dim // 2, dim) if k >= 1 and dim % k == 0)
        if kind == "pq" and dim % check_int("m", self.m, 1, dim):
            raise ConfigError(f"pq needs m to divide the dimension: {dim} is not a multiple of m={self.m}")
        self.rescore = check_int("rescore", rescore, 1)
        self.fetch = fetch
        self._metric = _faiss().METRIC_L2 if metric == "l2" else _faiss().METRIC_INNER_PRODUCT
        self._index: Any = None
        self._n = 0
        self.trained_on = 0  # rows the ranges or centroids were learnt from

    # ------------------------------------------------------------------ building
    def _new(self, first: np.ndarray) -> Any:
        faiss = _faiss()
        if self.kind == "binary":
            return faiss.IndexBinaryIDMap2(faiss.IndexBinaryFlat(self._bit_dim))
        if self.kind == "int8":
            if len(first) < 2:
                raise ConfigError(
                    "an int8 index learns each dimension's range from the first vectors added and needs at least "
                    f"2 of them, got {len(first)}"
                )
            base = faiss.IndexScalarQuantizer(self.dim, faiss.ScalarQuantizer.QT_8bit, self._metric)
        else:
            if len(first) < 256:
                raise ConfigError(
                    f"a pq index learns 256 centroids per sub-vector: it needs at least 256 vectors, got {len(first)}; "
                    "search exact (or int8) until the collection has more"
                )
            base = faiss.IndexPQ(self.dim, self.m, 8, self._metric)
        base.train(first)
        return faiss.IndexIDMap2(base)

    @property
    def _bit_dim(self) -> int:
        return (self.dim + 7) // 8 * 8

    def _bits(self, v: np.ndarray) -> np.ndarray:
        padded = v if self.dim % 8 == 0 else np.pad(v, ((0, 0), (0, 8 - self.dim % 8)))
        return np.packbits(padded > 0, axis=1)

    def __len__(self) -> int:
        return self._n

    @property
    def trained(self) -> bool:
        return self._index is not None

    @property
    def stale_fraction(self) -> float:
        """int8 ranges and PQ centroids learnt from fewer than half of the rows now held count as stale."""
        if self.kind == "binary" or not self._n:
            return 0.0
        return max(0.0, 1.0 - self.trained_on / self._n)

    @property
    def code_bytes(self) -> int:
        """Bytes of the codes held in memory."""
        per_row = {"binary": (self.dim + 7) // 8, "int8": self.dim, "pq": self.m}[self.kind]
        return self._n * per_row

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        v, ids = prepare_rows(vectors, ids, self.dim, self.metric)
        if not len(ids):
            return
        if self._index is None:
            self._index = self._new(v)
            self.trained_on = len(v)
        self._index.add_with_ids(self._bits(v) if self.kind == "binary" else v, ids)
        self._n += len(ids)

    def remove(self, ids: np.ndarray) -> int:
        ids = np.asarray(ids, dtype=np.int64).ravel()
        if self._index is None or not len(ids):
            return 0
        n = int(self._index.remove_ids(_faiss().IDSelectorBatch(ids)))
        self._n -= n
        return n

    def compact(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        """Rebuild from the live vectors (ranges and centroids learnt again)."""
        self._index, self._n = None, 0
        self.add(vectors, ids)

    # ------------------------------------------------------------------ search
    def search(
        self, queries: np.ndarray, k: int = 10, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        k = check_int("k", k, 1)
        q = prepare(queries, self.dim, self.metric, "queries")
        empty = (np.full((len(q), k), -1, dtype=np.int64), np.full((len(q), k), -np.inf, dtype=np.float32))
        if self._index is None or self._n == 0:
            return empty
        if self.kind == "binary":
            return self._search_binary(q, k, allowed)
        faiss = _faiss()
        params = None
        if allowed is not None and self.kind == "pq":  # faiss's IndexPQ takes no id selector
            return self._search_pq_subset(q, k, np.asarray(allowed, dtype=np.int64))
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64)))
        with faiss_threads_for(len(q)):
            scores, ids = self._index.search(q, k, params=params)
        if self.metric == "l2":
            scores = -scores
        return ids.astype(np.int64), np.where(ids >= 0, scores, -np.inf).astype(np.float32)

    def _search_pq_subset(self, q: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """PQ search among ``allowed`` ids: their codes decoded and scored exactly against the queries, which
        is what PQ's own (asymmetric) scoring computes for them."""
        faiss = _faiss()
        assert self._index is not None
        base = faiss.downcast_index(self._index.index)
        ids = faiss.vector_to_array(self._index.id_map)
        positions = np.flatnonzero(np.isin(ids, allowed))
        out_i = np.full((len(q), k), -1, dtype=np.int64)
        out_s = np.full((len(q), k), -np.inf, dtype=np.float32)
        if positions.size == 0:
            return out_i, out_s
        codes = faiss.vector_to_array(base.codes).reshape(-1, base.code_size)[positions]
        rows = base.sa_decode(codes)
        scores = q @ rows.T
        if self.metric == "l2":
            scores = 2 * scores - np.einsum("ij,ij->i", rows, rows)[None, :] - np.einsum("ij,ij->i", q, q)[:, None]
        top = min(k, positions.size)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :top]
        out_i[:, :top] = ids[positions][order]
        out_s[:, :top] = np.take_along_axis(scores, order, axis=1)
        return out_i, out_s

    def _search_binary(self, q: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if self.fetch is None:
            raise ConfigError("a binary index rescores its candidates and needs fetch= (ids -> float rows)")
        want = min(self._n, k * self.rescore)
        # filters are applied to the candidates: ask for more when only part of the index is allowed
        if allowed is not None:
            want = min(self._n, int(want * max(1.0, self._n / max(1, len(allowed)))))
        with faiss_threads_for(len(q)):
            _dist, cand = self._index.search(self._bits(q), want)
        out_i = np.full((len(q), k), -1, dtype=np.int64)
        out_s = np.full((len(q), k), -np.inf, dtype=np.float32)
        allowed_set = None if allowed is None else np.asarray(allowed, dtype=np.int64)
        for row in range(len(q)):
            c = cand[row][cand[row] >= 0]
            if allowed_set is not None:
                c = c[np.isin(c, allowed_set)]
            if not len(c):
                continue
            rows = prepare(self.fetch(c), self.dim, self.metric)
            s = rows @ q[row]
            order = np.lexsort((c, -s))[:k]
            out_i[row, : len(order)], out_s[row, : len(order)] = c[order], s[order]
        return out_i, out_s

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike[str]) -> int:
        """Write the index; returns the file's CRC-32 (checked by :meth:`load_state`)."""
        from embedlab._files import atomic_file

        if self._index is None:
            raise ConfigError("nothing to save: the index is empty")
        faiss = _faiss()
        raw = faiss.serialize_index_binary(self._index) if self.kind == "binary" else faiss.serialize_index(self._index)
        data = raw.tobytes()
        with atomic_file(path) as fh:
            fh.write(data)
        return zlib.crc32(data)

    def load_state(self, path: str | os.PathLike[str], n: int, crc32: int | None = None) -> None:
        faiss = _faiss()
        raw = read_checked(path, crc32)
        try:
            read = faiss.deserialize_index_binary if self.kind == "binary" else faiss.deserialize_index
            self._index = read(raw)
        except (RuntimeError, MemoryError) as exc:
            raise FormatError(f"{path} is not a readable faiss index: {exc}") from None
        expected = self._bit_dim if self.kind == "binary" else self.dim
        if self._index.d != expected:
            raise FormatError(f"{path} holds {self._index.d}-d vectors, expected {expected}")
        self._n = self.trained_on = n
