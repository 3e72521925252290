"""numba kernel behind the default tokenizer: Unicode words straight from UTF-8 bytes.

Python's ``str.lower`` plus a regular expression costs about 8 s per 50 MB of mixed
text; this kernel does the same job (letters and digits of any script form words,
everything else separates them, optional lowercasing) at memory speed, using two lookup
tables over code points built once from Python's own Unicode database.
"""

from __future__ import annotations

import functools

import numpy as np

from embedlab.kernels._common import jit

# Tables cover every code point below this bound (all of the BMP, SMP, SIP and TIP,
# which hold every script in use); code points above it separate words.
TABLE_SIZE = 0x32000


@functools.lru_cache(maxsize=1)
def tables() -> tuple[np.ndarray, np.ndarray]:
    """``is_word[cp]`` (letters and digits, no underscore) and ``lower[cp]`` (one-char lowercase)."""
    chars = [chr(i) for i in range(TABLE_SIZE)]
    is_word = np.fromiter((c.isalnum() for c in chars), dtype=np.bool_, count=TABLE_SIZE)
    lower = np.arange(TABLE_SIZE, dtype=np.int32)
    for i in np.flatnonzero(is_word):
        low = chars[i].lower()
        if len(low) == 1:
            lower[i] = ord(low)
    return is_word, lower


@jit
def _put(dst, o, cp):
    if cp < 0x80:
        dst[o] = cp
        return o + 1
    if cp < 0x800:
        dst[o] = 0xC0 | (cp >> 6)
        dst[o + 1] = 0x80 | (cp & 0x3F)
        return o + 2
    if cp < 0x10000:
        dst[o] = 0xE0 | (cp >> 12)
        dst[o + 1] = 0x80 | ((cp >> 6) & 0x3F)
        dst[o + 2] = 0x80 | (cp & 0x3F)
        return o + 3
    dst[o] = 0xF0 | (cp >> 18)
    dst[o + 1] = 0x80 | ((cp >> 12) & 0x3F)
    dst[o + 2] = 0x80 | ((cp >> 6) & 0x3F)
    dst[o + 3] = 0x80 | (cp & 0x3F)
    return o + 4


@jit
def unicode_words(src, dst, is_word, lower, lowercase):
    """Write words of ``src`` (valid UTF-8) to ``dst`` separated by spaces, keeping newlines.

    ``dst`` needs ``len(src) * 3 // 2 + 4`` bytes (lowercasing can lengthen a character).
    Returns the number of bytes written.
    """
    n = src.shape[0]
    size = is_word.shape[0]
    i = 0
    o = 0
    in_word = False
    while i < n:
        b = np.int64(src[i])
        if b < 0x80:
            cp = b
            step = 1
        elif b < 0xE0:
            cp = ((b & 0x1F) << 6) | (np.int64(src[i + 1]) & 0x3F)
            step = 2
        elif b < 0xF0:
            cp = ((b & 0x0F) << 12) | ((np.int64(src[i + 1]) & 0x3F) << 6) | (np.int64(src[i + 2]) & 0x3F)
            step = 3
        else:
            cp = (
                ((b & 0x07) << 18)
                | ((np.int64(src[i + 1]) & 0x3F) << 12)
                | ((np.int64(src[i + 2]) & 0x3F) << 6)
                | (np.int64(src[i + 3]) & 0x3F)
            )
            step = 4
        if cp < size and is_word[cp]:
            if lowercase:
                o = _put(dst, o, np.int64(lower[cp]))
            else:
                for k in range(step):
                    dst[o + k] = src[i + k]
                o += step
            in_word = True
        elif cp == 10:
            dst[o] = 10
            o += 1
            in_word = False
        elif in_word:
            dst[o] = 32
            o += 1
            in_word = False
        i += step
    return o


@jit
def is_valid_utf8(src):
    """True when ``src`` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF)."""
    n = src.shape[0]
    i = 0
    while i < n:
        b = src[i]
        if b < 0x80:
            i += 1
            continue
        if 0xC2 <= b <= 0xDF:
            need, lo, hi = 1, 0x80, 0xBF
        elif b == 0xE0:
            need, lo, hi = 2, 0xA0, 0xBF
        elif 0xE1 <= b <= 0xEC or 0xEE <= b <= 0xEF:
            need, lo, hi = 2, 0x80, 0xBF
        elif b == 0xED:
            need, lo, hi = 2, 0x80, 0x9F
        elif b == 0xF0:
            need, lo, hi = 3, 0x90, 0xBF
        elif 0xF1 <= b <= 0xF3:
            need, lo, hi = 3, 0x80, 0xBF
        elif b == 0xF4:
            need, lo, hi = 3, 0x80, 0x8F
        else:
            return False
        if i + need >= n:  # truncated sequence at the end
            return False
        c = src[i + 1]
        if c < lo or c > hi:
            return False
        for k in range(2, need + 1):
            c = src[i + k]
            if c < 0x80 or c > 0xBF:
                return False
        i += need + 1
    return True
