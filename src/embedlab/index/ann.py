"""Approximate search with faiss: HNSW graphs and IVF inverted lists behind one class.

HNSW (``M``, ``ef_construction``, ``ef_search``) needs no training and is the default ANN;
it cannot delete in place, so removed ids are hidden from results (an id selector) and
:meth:`FaissIndex.compact` rebuilds it. IVF (``nlist`` lists, ``nprobe`` visited per query)
learns its lists with k-means on the first vectors added and deletes in place.
"""

from __future__ import annotations

import math
import os
import zlib

import numpy as np

from embedlab._threads import faiss_threads_for, limited_threads
from embedlab._validation import check_int
from embedlab.errors import ConfigError, FormatError, MissingDependencyError
from embedlab.index.base import prepare, prepare_rows

__all__ = ["FaissIndex", "read_checked"]


def _faiss():
    try:
        import faiss
    except ImportError:
        raise MissingDependencyError("faiss-cpu", "search") from None
    return faiss


def read_checked(path: str | os.PathLike[str], crc32: int | None) -> np.ndarray:
    """A saved index file's bytes, refused (FormatError) when unreadable or changed since its ``crc32``."""
    try:
        raw = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise FormatError(f"{path} cannot be read: {exc}") from None
    if crc32 is not None and zlib.crc32(raw.data) != crc32:
        raise FormatError(f"{path} has changed since it was saved (checksum mismatch)")
    return raw


class FaissIndex:
    """An HNSW or IVF index over int64 ids.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 16)).astype(np.float32)
    >>> idx = FaissIndex("hnsw", 16)
    >>> idx.add(x, np.arange(500))
    >>> int(idx.search(x[:1], k=1)[0][0, 0])
    0
    """

    def __init__(
        self,
        kind: str,
        dim: int,
        metric: str = "cosine",
        *,
        M: int = 32,
        ef_construction: int = 80,
        ef_search: int = 128,
        nlist: int | None = None,
        nprobe: int = 16,
        threads: int | None = None,
    ) -> None:
        faiss = _faiss()
        if kind not in ("hnsw", "ivf"):
            raise ConfigError(f"kind must be 'hnsw' or 'ivf', got {kind!r}")
        self.kind, self.dim, self.metric = kind, check_int("dim", dim, 1), metric
        self.M = check_int("M", M, 4)
        self.ef_construction = check_int("ef_construction", ef_construction, 8)
        self.ef_search = check_int("ef_search", ef_search, 1)
        self.nlist = None if nlist is None else check_int("nlist", nlist, 1)
        self.nprobe = check_int("nprobe", nprobe, 1)
        # faiss's OpenMP setting is process-wide: set around this index's own work only
        self.threads = None if threads is None else check_int("threads", threads, 1)
        self._metric = faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT
        self._index = None
        self._deleted: set[int] = set()
        self._n = 0
        if kind == "hnsw":
            self._index = self._new_hnsw()

    def _new_hnsw(self):
        faiss = _faiss()
        base = faiss.IndexHNSWFlat(self.dim, self.M, self._metric)
        base.hnsw.efConstruction = self.ef_construction
        base.hnsw.efSearch = self.ef_search
        return faiss.IndexIDMap2(base)

    def _new_ivf(self, n: int):
        faiss = _faiss()
        nlist = self.nlist or max(1, min(int(math.sqrt(n)), n // 39 or 1))
        quantizer = faiss.IndexFlat(self.dim, self._metric)
        index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, self._metric)
        index.nprobe = min(self.nprobe, nlist)
        self.nlist = nlist
        return index

    @property
    def _lists(self) -> int:
        """IVF lists, known once the first add has learnt them (or a saved index was loaded)."""
        if self.nlist is None:
            raise ConfigError("this IVF index has no lists yet: add vectors first")
        return self.nlist

    def __len__(self) -> int:
        return self._n

    @property
    def trained(self) -> bool:
        return self._index is not None and self._index.is_trained

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        v, ids = prepare_rows(vectors, ids, self.dim, self.metric)
        if not len(ids):
            return
        if self._index is None:  # IVF: learn the lists from the first batch
            self._index = self._new_ivf(len(ids))
            nlist = self._lists
            sample = v
            if len(v) > 64 * nlist:
                pick = np.random.default_rng(0).choice(len(v), 64 * nlist, replace=False)
                sample = v[np.sort(pick)]
            with limited_threads(self.threads):
                self._index.train(sample)
        self._deleted.difference_update(ids.tolist())
        with limited_threads(self.threads):
            self._index.add_with_ids(v, ids)
        self._n += len(ids)

    def remove(self, ids: np.ndarray) -> int:
        """Remove ``ids``; HNSW hides them until :meth:`compact`. Returns how many were removed."""
        ids = np.asarray(ids, dtype=np.int64).ravel()
        if self._index is None or not len(ids):
            return 0
        if self.kind == "ivf":
            n = int(self._index.remove_ids(_faiss().IDSelectorBatch(ids)))
        else:
            new = set(ids.tolist()) - self._deleted
            self._deleted |= new
            n = len(new)
        self._n -= n
        return n

    @property
    def stale_fraction(self) -> float:
        """Share of HNSW entries that are deleted but still in the graph."""
        total = self._n + len(self._deleted)
        return len(self._deleted) / total if total else 0.0

    def compact(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        """Rebuild from the live ``vectors``/``ids`` (drops HNSW tombstones)."""
        self._index = self._new_hnsw() if self.kind == "hnsw" else None
        self._deleted.clear()
        self._n = 0
        self.add(vectors, ids)

    def search(
        self, queries: np.ndarray, k: int = 10, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        faiss = _faiss()
        k = check_int("k", k, 1)
        q = prepare(queries, self.dim, self.metric, "queries")
        if self._index is None or self._n == 0:
            return np.full((len(q), k), -1, dtype=np.int64), np.full((len(q), k), -np.inf, dtype=np.float32)
        sel = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.ascontiguousarray(np.asarray(allowed, dtype=np.int64).ravel()))
        if self._deleted:
            dead = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.fromiter(self._deleted, dtype=np.int64)))
            sel = dead if sel is None else faiss.IDSelectorAnd(sel, dead)
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k), sel=sel)
        else:
            params = faiss.SearchParametersIVF(nprobe=min(self.nprobe, self._lists), sel=sel)
        with faiss_threads_for(len(q), self.threads):
            scores, ids = self._index.search(q, k, params=params)
        if self.metric == "l2":
            scores = -scores
        scores = np.where(ids >= 0, scores, -np.inf).astype(np.float32)
        return ids.astype(np.int64), scores

    def save(self, path: str | os.PathLike[str]) -> int:
        """Write the index to ``path``; returns the file's CRC-32, for :meth:`load_state` to check."""
        from embedlab._files import atomic_file

        if self._index is None:
            raise ConfigError("nothing to save: the index is empty")
        data = _faiss().serialize_index(self._index).tobytes()
        with atomic_file(path) as fh:
            fh.write(data)
        return zlib.crc32(data)

    def load_state(
        self, path: str | os.PathLike[str], n: int, deleted: set[int] | None = None, crc32: int | None = None
    ) -> None:
        """Read a saved faiss index back (``n`` live entries, ``deleted`` HNSW tombstones). With the
        ``crc32`` that :meth:`save` returned, a file changed since is refused before faiss parses it
        (faiss trusts the sizes it reads: a damaged file can ask it for any amount of memory)."""
        faiss = _faiss()
        raw = read_checked(path, crc32)
        try:
            self._index = faiss.deserialize_index(raw)
        except (RuntimeError, MemoryError) as exc:
            raise FormatError(f"{path} is not a readable faiss index: {exc}") from None
        if self._index.d != self.dim:
            raise FormatError(f"{path} holds {self._index.d}-d vectors, expected {self.dim}")
        if self.kind == "ivf":
            self.nlist = int(self._index.nlist)
        self._n = n
        self._deleted = set(deleted or ())
