"""Weight matrices shared by the trainers: padded, cache-line-aligned, compacted in place after training."""

from __future__ import annotations

import numpy as np

from embedlab.kernels.weights import compact_in_place


def padded_width(dim: int) -> int:
    """Row width rounded up to 16 floats, so kernels' inner loops run as whole SIMD vectors."""
    return -(-dim // 16) * 16


def compact_rows(padded: np.ndarray, dim: int) -> np.ndarray:
    """The first ``dim`` columns of a padded matrix as a contiguous matrix, in place.

    Rows move down inside the same buffer (each destination starts at or before its
    source), so the trained vectors need no second full-size copy.
    """
    rows, width = padded.shape
    if width == dim:
        return padded
    flat = padded.reshape(-1)
    compact_in_place(flat, rows, width, dim)
    return flat[: rows * dim].reshape(rows, dim)


def aligned_zeros(rows: int, cols: int, align: int = 64, dtype: type = np.float32) -> np.ndarray:
    """A zeroed C-contiguous matrix (float32 unless ``dtype``) whose data starts on an ``align``-byte boundary."""
    size = np.dtype(dtype).itemsize
    extra = align // size
    buf: np.ndarray = np.zeros(rows * cols + extra, dtype=dtype)
    start = (-(buf.ctypes.data // size)) % extra
    return buf[start : start + rows * cols].reshape(rows, cols)
