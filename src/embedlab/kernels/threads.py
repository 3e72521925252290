"""How many threads the parallel kernels started from the calling thread use (numba's setting is per thread)."""

from __future__ import annotations

import numba

__all__ = ["set_kernel_threads"]


def set_kernel_threads(n: int) -> None:
    """Parallel kernels (and numba code in libraries, such as UMAP's) started from this thread use at most
    ``n`` threads; other threads keep their own setting."""
    numba.set_num_threads(max(1, min(int(n), numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]
