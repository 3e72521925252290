"""File helpers every layer uses: atomic writes and a streaming ``.npy`` writer.

Atomic writes: a file or folder appears complete under its final name, or not at all.
``NpyStreamWriter`` writes a 1-D ``.npy`` file whose length is known only at the end,
without holding it in memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

__all__ = ["NpyStreamWriter", "atomic_dir", "atomic_file"]


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    On any exception (Ctrl-C included) the temporary file is removed and ``path`` is left
    as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Build a folder under a temporary name and move it to ``path`` on success.

    An existing folder at ``path`` is replaced only once the new one is complete, so a
    crash or Ctrl-C in the middle of a save never leaves a half-written model behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            if not overwrite:
                raise FileExistsError(f"{target} already exists")
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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
