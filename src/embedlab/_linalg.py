"""Small array helpers shared by encoders, indexes and vectors."""

from __future__ import annotations

import numpy as np

__all__ = ["normalize_rows"]


def normalize_rows(m: np.ndarray) -> np.ndarray:
    """Rows of ``m`` scaled to unit length in place (zero rows stay zero); returns ``m``.

    >>> normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    np.divide(m, norms, out=m, where=norms > 0)
    return m
