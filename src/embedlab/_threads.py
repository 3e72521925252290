"""Thread counts for a block of work, never for the process: a ``threads=`` given to one index or encoder
must not change how many threads everything else in the process uses (faiss, torch and the E5 engine keep
their OpenMP setting process-wide). ``limited_threads`` sets it around the work and restores it after,
through threadpoolctl, as the service does for BLAS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["faiss_threads_for", "limited_threads", "torch_threads"]

#: searches of fewer queries than this run on the calling thread alone
FEW_QUERIES = 32


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


@contextmanager
def faiss_threads_for(n_queries: int, threads: int | None = None) -> Iterator[None]:
    """faiss's threads for a search of ``n_queries``: ``threads`` when given; one, on the calling thread, for
    a few queries, whose work is too small to share while waking an OpenMP team makes every query wait for
    every core (measured: one binary-code query over 30k rows, 1.5 ms alone against 32 ms with a team of two
    on a busy 2-core machine). faiss's OpenMP thread count is per calling thread, so concurrent searches on
    other threads (the service's requests) keep theirs."""
    if threads is not None:
        with limited_threads(threads):
            yield
        return
    if n_queries >= FEW_QUERIES:
        yield
        return
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
