"""numba kernels that turn lines of fastText-format text into the input rows of each line.

fastText's reader splits on ASCII whitespace (space, tab, CR, VT, FF, NUL) and ends a line at
``\\n`` with the end-of-sentence token ``</s>``. Each token is hashed with fastText's 32-bit
FNV-1a (bytes sign-extended), equal tokens are interned into one entry (hash, then bytes), and
a line's input rows are its tokens' rows followed by the hashed word n-grams
(``h = h * 116049371 + hash[j]`` over the sign-extended 32-bit hashes, modulo ``bucket``),
exactly as ``Dictionary::addWordNgrams`` computes them.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit
from embedlab.kernels.subwords import fnv_step

NGRAM_MULT = np.uint64(116049371)


@jit
def _is_blank(c):
    return c == 32 or c == 9 or c == 13 or c == 11 or c == 12 or c == 0


@jit
def split_tokens(buf, starts, ends, lines, line_ends):
    """Token spans of ``buf`` (``starts``/``ends``), the line of each, and where each line's tokens end.

    Every ``\\n`` ends a line; text after the last ``\\n`` is one more line. Returns
    ``(n_tokens, n_lines)``; the arrays must hold one entry per byte (+1 for ``line_ends``).
    """
    n = buf.shape[0]
    t = 0
    line = 0
    i = 0
    while i < n:
        c = buf[i]
        if c == 10:
            line_ends[line] = t
            line += 1
            i += 1
            continue
        if _is_blank(c):
            i += 1
            continue
        j = i
        while j < n and buf[j] != 10 and not _is_blank(buf[j]):
            j += 1
        starts[t] = i
        ends[t] = j
        lines[t] = line
        t += 1
        i = j
    if n > 0 and buf[n - 1] != 10:
        line_ends[line] = t
        line += 1
    return t, line


@jit
def token_hashes(buf, starts, ends, out):
    """fastText's 32-bit hash of every token (``Dictionary::hash``)."""
    for t in range(starts.shape[0]):
        h = np.uint64(2166136261)
        for i in range(starts[t], ends[t]):
            h = fnv_step(h, buf[i])
        out[t] = np.uint32(h)


@jit
def intern_tokens(buf, starts, ends, hashes, slots, first, out):
    """Give equal tokens one entry id (first-appearance order); ``first[e]`` is entry ``e``'s first token.

    ``slots`` (a power of two, more than the distinct tokens, filled with -1) is the open-addressing
    table. Returns the number of entries.
    """
    mask = slots.shape[0] - 1
    n_entries = 0
    for t in range(starts.shape[0]):
        slot = np.int64(hashes[t]) & mask
        length = ends[t] - starts[t]
        while True:
            e = slots[slot]
            if e < 0:
                slots[slot] = n_entries
                first[n_entries] = t
                out[t] = n_entries
                n_entries += 1
                break
            f = first[e]
            if hashes[f] == hashes[t] and ends[f] - starts[f] == length:
                same = True
                a = starts[f]
                b = starts[t]
                for k in range(length):
                    if buf[a + k] != buf[b + k]:
                        same = False
                        break
                if same:
                    out[t] = e
                    break
            slot = (slot + 1) & mask
    return n_entries


@jit
def _push_ngrams(hashes, n_hash, word_ngrams, bucket, nwords, rows, k):
    for i in range(n_hash):
        h = np.uint64(np.int64(np.int32(hashes[i])))  # int32 sign-extended to uint64, as fastText
        for j in range(i + 1, min(n_hash, i + word_ngrams)):
            h = h * NGRAM_MULT + np.uint64(np.int64(np.int32(hashes[j])))
            rows[k] = nwords + np.int64(h % np.uint64(bucket))
            k += 1
    return k


@jit
def line_rows(
    entry_of_token, token_hash, line_ends, is_word_entry, ent_offsets, ent_rows, eos_rows, eos_hash,
    word_ngrams, bucket, nwords, out_offsets, out_rows,
):  # fmt: skip
    """Input rows of every line: each word token's rows, ``</s>``'s rows, then the word n-grams.

    ``is_word_entry[e]`` is 0 for labels (they give no rows and no hash). Returns rows written;
    ``out_rows`` must be large enough (see :func:`rows_needed`).
    """
    n_lines = line_ends.shape[0]
    hashes = np.empty(16, np.uint32)
    k = 0
    t = 0
    for s in range(n_lines):
        out_offsets[s] = k
        n_hash = 0
        while t < line_ends[s]:
            e = entry_of_token[t]
            if is_word_entry[e]:
                for r in range(ent_offsets[e], ent_offsets[e + 1]):
                    out_rows[k] = ent_rows[r]
                    k += 1
                if n_hash == hashes.shape[0]:
                    grown = np.empty(2 * n_hash, np.uint32)
                    grown[:n_hash] = hashes
                    hashes = grown
                hashes[n_hash] = token_hash[t]
                n_hash += 1
            t += 1
        for r in range(eos_rows.shape[0]):
            out_rows[k] = eos_rows[r]
            k += 1
        if n_hash == hashes.shape[0]:
            grown = np.empty(2 * n_hash + 1, np.uint32)
            grown[:n_hash] = hashes
            hashes = grown
        hashes[n_hash] = eos_hash
        n_hash += 1
        if word_ngrams > 1 and bucket > 0:
            k = _push_ngrams(hashes, n_hash, word_ngrams, bucket, nwords, out_rows, k)
    out_offsets[n_lines] = k
    return k


@jit
def line_labels(entry_of_token, line_ends, label_of_entry, out_offsets, out_labels):
    """Label ids of every line (``label_of_entry[e]`` is -1 for words and unknown labels), repeats dropped."""
    k = 0
    t = 0
    for s in range(line_ends.shape[0]):
        out_offsets[s] = k
        while t < line_ends[s]:
            lab = label_of_entry[entry_of_token[t]]
            if lab >= 0:
                seen = False
                for q in range(out_offsets[s], k):
                    if out_labels[q] == lab:
                        seen = True
                        break
                if not seen:
                    out_labels[k] = lab
                    k += 1
            t += 1
    out_offsets[line_ends.shape[0]] = k
    return k


@jit
def build_word_table(arena, w_starts, w_ends, w_hashes, slots):
    """Put every word ``arena[w_starts[i]:w_ends[i]]`` in the open-addressing table ``slots`` (filled with -1)."""
    mask = slots.shape[0] - 1
    for i in range(w_starts.shape[0]):
        slot = np.int64(w_hashes[i]) & mask
        while slots[slot] >= 0:
            slot = (slot + 1) & mask
        slots[slot] = i


@jit
def lookup_entries(buf, starts, ends, hashes, first, arena, w_starts, w_ends, w_hashes, slots, prefix, out):
    """Word id of every entry (its first token looked up in the table), -2 for a label-prefixed token, -1 if unknown."""
    mask = slots.shape[0] - 1
    plen = prefix.shape[0]
    for e in range(first.shape[0]):
        t = first[e]
        a = starts[t]
        length = ends[t] - a
        h = hashes[t]
        slot = np.int64(h) & mask
        found = -1
        while True:
            w = slots[slot]
            if w < 0:
                break
            if w_hashes[w] == h and w_ends[w] - w_starts[w] == length:
                same = True
                b = w_starts[w]
                for k in range(length):
                    if arena[b + k] != buf[a + k]:
                        same = False
                        break
                if same:
                    found = w
                    break
            slot = (slot + 1) & mask
        if found < 0 and length >= plen:
            is_label = True
            for k in range(plen):
                if buf[a + k] != prefix[k]:
                    is_label = False
                    break
            if is_label:
                found = -2
        out[e] = found
