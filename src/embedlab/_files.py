"""File helpers every layer uses: atomic writes and a streaming ``.npy`` writer.

Atomic writes: a file or folder appears complete under its final name, or not at all, and a
replaced one is swapped in one step (Linux ``renameat2(RENAME_EXCHANGE)``), so at every instant the
path holds the old version or the new one, never nothing. Temporary entries carry the writer's pid,
so the next save beside them removes those a killed process left behind.
``NpyStreamWriter`` writes a 1-D ``.npy`` file whose length is known only at the end,
without holding it in memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

__all__ = ["NpyStreamWriter", "atomic_dir", "atomic_file", "clean_stale", "exchange", "file_sha256", "load_npy"]


def _umask() -> int:
    """This process's umask (read without changing it where /proc tells it)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def clean_stale(target: Path) -> list[Path]:
    """Remove the temporary entries beside ``target`` that a killed writer left (``.NAME.PID.*.tmp``,
    ``.NAME.old-PID``); entries of a writer still running are kept. Returns what was removed."""
    removed = []
    prefix = f".{target.name}."
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            name = entry.name
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix) :]
            pid_text = rest[4:] if rest.startswith("old-") else rest.split(".", 1)[0]
            if not pid_text.isdigit() or not (rest.startswith("old-") or name.endswith(".tmp")):
                continue
            if not _pid_alive(int(pid_text)):
                _remove(entry)
                removed.append(entry)
    return removed


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot (then nothing moved)."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))


def _replace(tmp: Path, target: Path) -> None:
    """Put ``tmp`` at ``target``: a rename, or an atomic swap (then the old version is removed)."""
    if not os.path.lexists(target):
        os.replace(tmp, target)
        return
    if exchange(tmp, target):
        _remove(tmp)  # tmp now holds the old version
        return
    if not target.is_dir() or target.is_symlink():
        os.replace(tmp, target)  # a file or link: rename replaces it atomically
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")  # no atomic swap here: two renames
    os.replace(target, old)
    os.replace(tmp, target)
    _remove(old)


def load_npy(path: str | os.PathLike[str], *, mmap: bool = False, copy_on_write: bool = False) -> np.ndarray:
    """``np.load`` of a saved array (never a pickle); a missing or damaged file is a ``FormatError``.

    ``mmap`` maps the file read-only; with ``copy_on_write`` too the map is writeable, but writes stay in
    this process (the file never changes). Arrays handed to numba kernels are mapped that way: a
    read-only array is another type to numba, so it would compile (and cache) every kernel a second time.

    numpy's header parser reports a damaged header as OSError, ValueError, SyntaxError or
    tokenize's TokenError; all of them mean the same to a user: the file is not a readable array.
    """
    from embedlab.errors import FormatError

    try:
        return np.load(path, mmap_mode=("c" if copy_on_write else "r") if mmap else None, allow_pickle=False)
    except FileNotFoundError:
        raise FormatError(f"{path} is missing") from None
    except Exception as exc:
        raise FormatError(f"{path} is not a readable .npy array ({type(exc).__name__}: {exc})") from None


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    On any exception (Ctrl-C included) the temporary file is removed and ``path`` is left
    as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a saved file gets the mode any other tool would give it
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _replace(Path(tmp), target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Build a folder under a temporary name and move it to ``path`` on success.

    An existing folder at ``path`` is swapped for the new one in one atomic step once the new one
    is complete, so a crash, a kill or Ctrl-C at any moment leaves the old model or the new one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700
    try:
        yield tmp
        if os.path.lexists(target) and not overwrite:
            raise FileExistsError(f"{target} already exists")
        _replace(tmp, target)
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


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes (hex), read a megabyte at a time."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
