"""Thread counts for a block of work, never for the process: a ``threads=`` given to one index or encoder
must not change how many threads everything else in the process uses (faiss, torch and the E5 engine keep
their OpenMP setting process-wide). ``limited_threads`` sets it around the work and restores it after,
through threadpoolctl, as the service does for BLAS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["limited_threads", "torch_threads"]


@contextmanager
def limited_threads(threads: int | None) -> Iterator[None]:
    """Run the block on at most ``threads`` OpenMP threads (faiss, the E5 engine); None: as the process is."""
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="openmp"):
        yield


@contextmanager
def torch_threads(torch: Any, threads: int | None) -> Iterator[None]:
    """Run the block on ``threads`` torch intra-op threads, then give torch back its own setting."""
    if threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
