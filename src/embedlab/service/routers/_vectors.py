"""A query vector from a request, checked."""

import numpy as np

from embedlab.errors import ConfigError, FormatError


def query_vector(v: list[float], dim: int) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    if a.shape != (dim,):
        raise ConfigError(f"vector must have {dim} numbers, got {a.size}")
    if not np.isfinite(a).all():
        raise FormatError("vector holds NaN or infinite values")
    return a
