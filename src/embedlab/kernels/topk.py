"""Numba top-k over rows of a score matrix: one pass, a k-sized min-heap per row, rows in parallel."""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True, inline="always")
def _sift_down(hs, hi, k, pos):
    while True:
        left = 2 * pos + 1
        if left >= k:
            return
        small = left
        right = left + 1
        if right < k and (hs[right] < hs[left] or (hs[right] == hs[left] and hi[right] > hi[left])):
            small = right
        if hs[small] < hs[pos] or (hs[small] == hs[pos] and hi[small] > hi[pos]):
            hs[pos], hs[small] = hs[small], hs[pos]
            hi[pos], hi[small] = hi[small], hi[pos]
            pos = small
        else:
            return


@nb.njit(cache=True, parallel=True, nogil=True)
def topk_rows(scores, k, out_i, out_s, row_offset):
    """Best ``k`` columns of every row of ``scores`` into ``out_i``/``out_s`` rows ``row_offset+r``,
    best first; ties go to the lower column. Columns that are -inf are never returned (id -1)."""
    n_rows, n_cols = scores.shape
    for r in nb.prange(n_rows):
        hs = np.full(k, -np.inf, dtype=np.float32)
        hi = np.full(k, -1, dtype=np.int64)
        row = scores[r]
        for c in range(n_cols):
            s = row[c]
            if s > hs[0]:  # strictly better than the worst kept: equal scores keep the earlier column
                hs[0] = s
                hi[0] = c
                _sift_down(hs, hi, k, 0)
        # heap sort, best first
        o = row_offset + r
        for j in range(k - 1, -1, -1):
            out_s[o, j] = hs[0]
            out_i[o, j] = hi[0]
            hs[0] = hs[j]
            hi[0] = hi[j]
            hs[j] = -np.inf
            hi[j] = -1
            _sift_down(hs, hi, j, 0)
