"""``make_index``: an empty index of any kind."""

from __future__ import annotations

from typing import Any

from embedlab._validation import check_choice, check_int
from embedlab.index.base import INDEX_KINDS, METRICS, VectorIndex

__all__ = ["make_index"]


def make_index(kind: str, dim: int, metric: str = "cosine", **params: Any) -> VectorIndex:
    """An empty index: ``"exact"``, ``"hnsw"`` (M, ef_construction, ef_search), ``"ivf"`` (nlist, nprobe),
    or a compressed one: ``"int8"``, ``"binary"`` (rescore, fetch), ``"pq"`` (m).

    >>> import numpy as np
    >>> idx = make_index("exact", 2)
    >>> idx.add(np.array([[1, 0], [0, 1]], dtype=np.float32), np.array([10, 20]))
    >>> idx.search(np.array([[0.9, 0.1]]), k=1)[0].tolist()
    [[10]]
    """
    check_choice("kind", kind, INDEX_KINDS)
    check_choice("metric", metric, METRICS)
    check_int("dim", dim, 1)
    if kind == "exact":
        from embedlab.index.exact import ExactIndex

        return ExactIndex(dim, metric, **params)
    if kind in ("int8", "binary", "pq"):
        from embedlab.index.quantized import QuantizedIndex

        return QuantizedIndex(kind, dim, metric, **params)
    from embedlab.index.ann import FaissIndex

    return FaissIndex(kind, dim, metric, **params)
