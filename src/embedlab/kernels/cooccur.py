"""numba kernels for GloVe's co-occurrence counts.

Counts go into an open-addressing hash table keyed by ``i * V + j`` (upper triangle only,
``i <= j``: the matrix is symmetric) with float64 values. When the table fills past its
load limit the caller spills it — sorted by key — to disk and clears it; at the end the
sorted runs are merged, adding up equal keys. Memory therefore stays within the table's
size however large the corpus is.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit

EMPTY = np.int64(-1)


@jit
def _mix(key):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    return h ^ (h >> np.uint64(29))


@jit
def count_pairs(tokens, offsets, s_begin, s_end, window, vocab_size, keys, vals, state, max_fill):
    """Add ``1/distance`` for every pair within ``window`` in sentences ``[s_begin, s_end)``.

    ``state`` = ``[n_filled, next_sentence, next_position]``; returns False (with the
    resume point in ``state``) when the table reached ``max_fill`` entries and must be
    spilled, True when every sentence was counted.
    """
    mask = np.uint64(keys.shape[0] - 1)
    filled = state[0]
    s = state[1]
    start_pos = state[2]
    while s < s_end:
        a = offsets[s]
        b = offsets[s + 1]
        p = a + start_pos if start_pos > 0 else a
        while p < b:
            if filled >= max_fill:
                state[0] = filled
                state[1] = s
                state[2] = p - a
                return False
            wi = np.int64(tokens[p])
            hi = min(b, p + window + 1)
            for q in range(p + 1, hi):
                wj = np.int64(tokens[q])
                inc = 1.0 / (q - p)
                if wi < wj:
                    key = wi * vocab_size + wj
                elif wi > wj:
                    key = wj * vocab_size + wi
                else:  # both X[i, i] updates of the symmetric window land on one cell
                    key = wi * vocab_size + wj
                    inc *= 2.0
                slot = _mix(key) & mask
                while True:
                    k = keys[slot]
                    if k == key:
                        vals[slot] += inc
                        break
                    if k == EMPTY:
                        keys[slot] = key
                        vals[slot] = inc
                        filled += 1
                        break
                    slot = (slot + np.uint64(1)) & mask
            p += 1
        s += 1
        start_pos = 0
    state[0] = filled
    state[1] = s
    state[2] = 0
    return True


@jit
def drain_sorted(keys, vals, out_keys, out_vals):
    """Move the table's entries to ``out_*`` sorted by key and clear the table; returns the count."""
    n = 0
    for slot in range(keys.shape[0]):
        if keys[slot] != EMPTY:
            out_keys[n] = keys[slot]
            out_vals[n] = vals[slot]
            keys[slot] = EMPTY
            vals[slot] = 0.0
            n += 1
    order = np.argsort(out_keys[:n])
    out_keys[:n] = out_keys[:n][order]
    out_vals[:n] = out_vals[:n][order]
    return n


@jit
def merge_runs(run_keys, run_vals, starts, ends, out_keys, out_vals):
    """k-way merge of sorted runs (concatenated in ``run_*``), adding values of equal keys.

    Returns the number of distinct keys written to ``out_*``.
    """
    k = starts.shape[0]
    pos = starts.copy()
    n = 0
    while True:
        best = -1
        best_key = np.int64(0)
        for r in range(k):
            if pos[r] < ends[r]:
                key = run_keys[pos[r]]
                if best < 0 or key < best_key:
                    best = r
                    best_key = key
        if best < 0:
            break
        total = 0.0
        for r in range(k):
            while pos[r] < ends[r] and run_keys[pos[r]] == best_key:
                total += run_vals[pos[r]]
                pos[r] += 1
        out_keys[n] = best_key
        out_vals[n] = total
        n += 1
    return n


@jit
def rehash(old_keys, old_vals, new_keys, new_vals):
    """Insert every entry of the old table into the (empty) new one."""
    mask = np.uint64(new_keys.shape[0] - 1)
    n = 0
    for slot in range(old_keys.shape[0]):
        key = old_keys[slot]
        if key == EMPTY:
            continue
        s = _mix(key) & mask
        while new_keys[s] != EMPTY:
            s = (s + np.uint64(1)) & mask
        new_keys[s] = key
        new_vals[s] = old_vals[slot]
        n += 1
    return n
