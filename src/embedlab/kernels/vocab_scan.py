"""numba kernels that count and encode whitespace-separated tokens straight from UTF-8 bytes.

The word table is an open-addressing hash table over flat arrays (as word2vec.c keeps
its vocabulary): ``slots`` maps a hash slot to an entry, and entry ``e`` owns the bytes
``arena[starts[e]:starts[e] + lengths[e]]`` and the count ``counts[e]``. Kernels stop
early and return the position they reached when the table needs to grow, so the Python
side can grow the arrays and call again; nothing here allocates or prints.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
NEWLINE = -2  # sentinel written between sentences in the provisional id stream


@jit
def _is_space(c):
    return c == 32 or c == 10 or c == 9 or c == 13 or c == 11 or c == 12


@jit
def _find(buf, i, j, h, slots, hashes, starts, lengths, arena):
    """Return (slot, entry) for the token buf[i:j]; entry is -1 when absent."""
    mask = slots.shape[0] - 1
    slot = np.int64(h & np.uint64(mask))
    length = j - i
    while True:
        e = slots[slot]
        if e < 0:
            return slot, -1
        if hashes[e] == h and lengths[e] == length:
            s = starts[e]
            same = True
            for k in range(length):
                if arena[s + k] != buf[i + k]:
                    same = False
                    break
            if same:
                return slot, e
        slot = (slot + 1) & mask


@jit
def count_chunk(buf, pos, slots, hashes, starts, lengths, counts, arena, state, entry_limit, out_ids, n_out):
    """Count tokens of ``buf[pos:]`` and append their entry ids (and NEWLINE marks) to ``out_ids``.

    ``state`` is ``[n_entries, arena_used, n_tokens, n_lines]``. Returns ``(pos, n_out)``;
    ``pos < len(buf)`` means the table is full (entries, arena or load factor) and must grow
    or be pruned before the call is repeated from ``pos``.
    """
    n = buf.shape[0]
    max_load = (slots.shape[0] * 7) // 10
    i = pos
    while i < n:
        c = buf[i]
        if _is_space(c):
            if c == 10:
                state[3] += 1
                out_ids[n_out] = NEWLINE
                n_out += 1
            i += 1
            continue
        j = i
        h = FNV_OFFSET
        while j < n and not _is_space(buf[j]):
            h = (h ^ np.uint64(buf[j])) * FNV_PRIME
            j += 1
        slot, e = _find(buf, i, j, h, slots, hashes, starts, lengths, arena)
        if e < 0:
            ne = state[0]
            length = j - i
            if ne >= entry_limit or ne >= hashes.shape[0] or ne >= max_load or state[1] + length > arena.shape[0]:
                return i, n_out
            e = ne
            state[0] = ne + 1
            slots[slot] = e
            hashes[e] = h
            starts[e] = state[1]
            lengths[e] = length
            counts[e] = 0
            a = state[1]
            for k in range(length):
                arena[a + k] = buf[i + k]
            state[1] = a + length
        counts[e] += 1
        state[2] += 1
        out_ids[n_out] = e
        n_out += 1
        i = j
    return i, n_out


@jit
def rebuild_slots(slots, hashes, n_entries):
    """Refill ``slots`` (all -1 on entry) from the first ``n_entries`` entries."""
    mask = slots.shape[0] - 1
    for e in range(n_entries):
        slot = np.int64(hashes[e] & np.uint64(mask))
        while slots[slot] >= 0:
            slot = (slot + 1) & mask
        slots[slot] = e


@jit
def prune_entries(hashes, starts, lengths, counts, arena, n_entries, min_reduce, remap):
    """Drop entries with ``count <= min_reduce`` in place, compacting entries and arena.

    ``remap[old] = new`` (or -1 when dropped). Returns ``(n_entries, arena_used)``.
    """
    new = 0
    used = 0
    for e in range(n_entries):
        if counts[e] <= min_reduce:
            remap[e] = -1
            continue
        remap[e] = new
        s = starts[e]
        length = lengths[e]
        for k in range(length):
            arena[used + k] = arena[s + k]
        hashes[new] = hashes[e]
        starts[new] = used
        lengths[new] = length
        counts[new] = counts[e]
        used += length
        new += 1
    return new, used


@jit
def remap_stream(prov, fmap, out_tokens, out_ends, state, max_len):
    """Turn provisional entry ids into final ids, splitting sentences.

    Drops ids that map to -1 (words under ``min_count``) and ends a sentence at every
    NEWLINE mark and after ``max_len`` kept tokens; empty sentences vanish. ``state`` is
    ``[global_position, current_sentence_length]`` and carries across blocks.
    Returns ``(n_tokens_written, n_ends_written)``.
    """
    nt = 0
    ne = 0
    pos = state[0]
    cur = state[1]
    for x in prov:
        if x < 0:
            if x == NEWLINE and cur > 0:
                out_ends[ne] = pos
                ne += 1
                cur = 0
            continue
        f = fmap[x]
        if f < 0:
            continue
        out_tokens[nt] = f
        nt += 1
        pos += 1
        cur += 1
        if cur == max_len:
            out_ends[ne] = pos
            ne += 1
            cur = 0
    state[0] = pos
    state[1] = cur
    return nt, ne
