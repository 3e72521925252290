"""fastText's subword hashing over UTF-8 bytes: FNV-1a n-gram ids for many words at once."""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit


@jit
def fnv_step(h, byte):
    """One byte of fastText's FNV-1a: the byte is sign-extended (``uint32(int8(c))``)."""
    c = np.uint64(byte)
    if c >= np.uint64(0x80):
        c |= np.uint64(0xFFFFFF00)
    return ((h ^ c) * np.uint64(16777619)) & np.uint64(0xFFFFFFFF)


@jit
def ngram_ids(buf, starts, ends, minn, maxn, bucket, nwords, with_word, out_offsets, out_ids):
    """CSR of subword ids for every wrapped word ``buf[starts[w]:ends[w]]``; returns ids written."""
    k = 0
    for w in range(starts.shape[0]):
        out_offsets[w] = k
        if with_word:
            out_ids[k] = w
            k += 1
        a = starts[w]
        size = ends[w] - a
        for i in range(size):
            if (buf[a + i] & 0xC0) == 0x80:
                continue
            h = np.uint64(2166136261)  # kept in 64 bits and masked: numba widens uint32 products
            j = i
            n = 1
            while j < size and n <= maxn:
                h = fnv_step(h, buf[a + j])
                j += 1
                while j < size and (buf[a + j] & 0xC0) == 0x80:
                    h = fnv_step(h, buf[a + j])
                    j += 1
                if n >= minn and not (n == 1 and (i == 0 or j == size)):
                    out_ids[k] = nwords + np.int64(h % np.uint64(bucket))
                    k += 1
                n += 1
    out_offsets[starts.shape[0]] = k
    return k
