"""The index protocol, metrics and the input checks every index shares."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab.errors import ConfigError

__all__ = ["INDEX_KINDS", "METRICS", "VectorIndex", "as_matrix", "prepare"]

METRICS = ("cosine", "ip", "l2")
INDEX_KINDS = ("exact", "hnsw", "ivf", "int8", "binary", "pq")


class VectorIndex(Protocol):
    """What every index does. ``ids`` are int64; scores are similarities (higher is better;
    for ``l2`` the negated squared distance). Missing results have id -1 and score -inf."""

    dim: int
    metric: str

    def __len__(self) -> int: ...

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None: ...

    def remove(self, ids: np.ndarray) -> int: ...

    def search(
        self, queries: np.ndarray, k: int = 10, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...


def as_matrix(x: np.ndarray, dim: int, what: str = "vectors") -> np.ndarray:
    """``x`` as a C-contiguous float32 ``[n, dim]`` matrix, or a ConfigError that says what is wrong."""
    a = np.asarray(x)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != dim:
        raise ConfigError(f"{what} must have shape [n, {dim}], got {list(np.shape(x))}")
    if not np.issubdtype(a.dtype, np.number):
        raise ConfigError(f"{what} must be numeric, got dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=np.float32)
    if not np.isfinite(a).all():
        raise ConfigError(f"{what} contain NaN or infinite values")
    return a


def prepare(x: np.ndarray, dim: int, metric: str, what: str = "vectors") -> np.ndarray:
    """Validated float32 copy; unit rows for cosine."""
    a = as_matrix(x, dim, what)
    if metric == "cosine":
        a = normalize_rows(a.copy() if a is x else a)  # never scale the caller's array
    return a


def prepare_rows(vectors: np.ndarray, ids: np.ndarray, dim: int, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """What ``add`` of every index checks first: the vectors (see :func:`prepare`) and as many int64 ids."""
    v = prepare(vectors, dim, metric)
    ids = np.ascontiguousarray(np.asarray(ids, dtype=np.int64).ravel())
    if len(ids) != v.shape[0]:
        raise ConfigError(f"{v.shape[0]} vectors but {len(ids)} ids")
    return v, ids
