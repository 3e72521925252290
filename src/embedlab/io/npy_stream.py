"""Write a 1-D ``.npy`` file whose length is known only at the end, without holding it in RAM."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

_HEADER_LEN = 128  # bytes, a multiple of 64 as the .npy format asks; room for any 1-D shape


def _header(dtype: np.dtype, length: int) -> bytes:
    descr = np.lib.format.dtype_to_descr(np.dtype(dtype))
    body = repr({"descr": descr, "fortran_order": False, "shape": (int(length),)}).encode("latin1")
    prefix = b"\x93NUMPY\x01\x00"
    pad = _HEADER_LEN - len(prefix) - 2 - len(body) - 1
    return prefix + (_HEADER_LEN - len(prefix) - 2).to_bytes(2, "little") + body + b" " * pad + b"\n"


class NpyStreamWriter:
    """Append arrays to a growing 1-D ``.npy`` file; ``close()`` writes the final length.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.npy")
    >>> with NpyStreamWriter(p, np.int32) as w:
    ...     w.write(np.arange(3, dtype=np.int32)); w.write(np.arange(2, dtype=np.int32))
    >>> np.load(p).tolist()
    [0, 1, 2, 0, 1]
    """

    def __init__(self, path: str | os.PathLike[str], dtype: np.dtype | type) -> None:
        self.path = Path(path)
        self.dtype = np.dtype(dtype)
        self.length = 0
        self._fh = open(self.path, "wb")  # noqa: SIM115 -- closed by close() / __exit__
        self._fh.write(_header(self.dtype, 0))

    def write(self, array: np.ndarray) -> None:
        a = np.ascontiguousarray(array, dtype=self.dtype)
        self._fh.write(a.tobytes())
        self.length += a.shape[0]

    def close(self) -> None:
        if self._fh.closed:
            return
        self._fh.seek(0)
        self._fh.write(_header(self.dtype, self.length))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()

    def __enter__(self) -> NpyStreamWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
