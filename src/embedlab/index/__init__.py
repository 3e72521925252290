"""Vector search: exact (blocked matrix product + numba top-k) and approximate (faiss HNSW, IVF).

Every index has the same small interface (:class:`~embedlab.index.base.VectorIndex`):
``add(vectors, ids)``, ``remove(ids)``, ``search(queries, k, allowed=None) -> (ids, scores)``.
:func:`make_index` builds one by name.
"""

from __future__ import annotations

from embedlab.index.base import INDEX_KINDS, METRICS, VectorIndex
from embedlab.index.factory import make_index

__all__ = ["INDEX_KINDS", "METRICS", "VectorIndex", "make_index"]
