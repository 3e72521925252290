"""A collection's ``vectors.f32``: raw float32 rows, append-only, row ``slot`` belonging to one document.

Rows are written (and fsynced) before the documents that point at them are committed; rows past
the last committed slot belong to an add that never committed and are written over by the next.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from embedlab.errors import FormatError

__all__ = ["VectorFile"]


class VectorFile:
    def __init__(self, path: Path, dim: int) -> None:
        self.path, self.dim = path, dim
        if self.path.exists() and not self.path.is_file():
            raise FormatError(f"{self.path} should be the collection's vector file, but it is not a file; "
                              "restore the collection from a backup or build it again")  # fmt: skip
        self.path.touch(exist_ok=True)

    def _short(self) -> FormatError:
        return FormatError(f"{self.path} is shorter than the documents that point into it")

    def write_at(self, first: int, rows: np.ndarray) -> None:
        """Write ``rows`` from slot ``first`` on and flush them to disk."""
        row_bytes = 4 * self.dim
        with open(self.path, "r+b") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell() < first * row_bytes:
                raise self._short()
            fh.seek(first * row_bytes)
            fh.write(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
            fh.flush()
            os.fsync(fh.fileno())

    def rows(self, slots: np.ndarray) -> np.ndarray:
        """The float32 rows of ``slots`` (non-negative), read through a memory map."""
        slots = np.asarray(slots, dtype=np.int64)
        if not len(slots):
            return np.empty((0, self.dim), dtype=np.float32)
        row_bytes = 4 * self.dim
        size = self.path.stat().st_size
        if (int(slots.max()) + 1) * row_bytes > size:
            raise self._short()
        mm = np.memmap(self.path, dtype=np.float32, mode="r", shape=(size // row_bytes, self.dim))
        out = np.ascontiguousarray(mm[slots])
        del mm
        return out
