"""fastText's character n-grams and their hashed bucket ids, exactly as fastText computes them.

A word is wrapped as ``<word>``; every run of ``minn..maxn`` characters (UTF-8 aware:
continuation bytes never start an n-gram) is hashed with fastText's 32-bit FNV-1a, in
which each byte is sign-extended first (``uint32(int8(c))``), and taken modulo
``bucket``. Row ``nwords + h`` of the input matrix holds n-gram ``h``; a known word also
has its own row (its id), listed first. With ``jamo=True`` Hangul syllables are split into
jamo before the n-grams are taken (Park et al., 2018).

>>> char_ngrams("where", 3, 3)
['<wh', 'whe', 'her', 'ere', 're>']
>>> fasttext_hash("<wh".encode()) % 2_000_000
167652
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embedlab.kernels.subwords import ngram_ids
from embedlab.text.korean import decompose_jamo

__all__ = ["char_ngrams", "fasttext_hash", "subword_ids", "word_subword_ids"]

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619


def fasttext_hash(data: bytes) -> int:
    """fastText's ``Dictionary::hash`` of a UTF-8 byte string."""
    h = _FNV_OFFSET
    for c in data:
        h ^= c | 0xFFFFFF00 if c >= 0x80 else c  # uint32(int8(c))
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def _wrap(word: str, jamo: bool) -> str:
    return "<" + (decompose_jamo(word) if jamo else word) + ">"


def char_ngrams(word: str, minn: int = 3, maxn: int = 6, *, jamo: bool = False) -> list[str]:
    """The n-gram strings of ``<word>`` in fastText's order (by start, then by length)."""
    data = _wrap(word, jamo).encode("utf-8")
    out = []
    for start, stop in _spans(data, minn, maxn):
        out.append(data[start:stop].decode("utf-8"))
    return out


def _spans(data: bytes, minn: int, maxn: int) -> list[tuple[int, int]]:
    spans = []
    size = len(data)
    for i in range(size):
        if (data[i] & 0xC0) == 0x80:
            continue
        j, n = i, 1
        while j < size and n <= maxn:
            j += 1
            while j < size and (data[j] & 0xC0) == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == size)):
                spans.append((i, j))
            n += 1
    return spans


def subword_ids(
    words: Sequence[str],
    minn: int = 3,
    maxn: int = 6,
    bucket: int = 2_000_000,
    *,
    jamo: bool = False,
    with_word: bool = True,
    nwords: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Input-matrix rows of every word: ``ids[offsets[w]:offsets[w + 1]]``.

    With ``with_word`` (known words) row ``w`` itself comes first; n-gram rows start at
    ``nwords`` (default ``len(words)``). ``maxn=0`` turns n-grams off, as in fastText.
    """
    nwords = len(words) if nwords is None else nwords
    encoded = [_wrap(w, jamo).encode("utf-8") for w in words]
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    buf = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else np.zeros(0, np.uint8)
    # an upper bound: each start position gives at most maxn - minn + 1 n-grams, and no more than
    # the word has characters (so a damaged file's maxn of 2^31 cannot ask for terabytes)
    cap = int((lengths * np.minimum(lengths, max(1, maxn - minn + 1))).sum()) + len(words)
    offsets = np.empty(len(words) + 1, dtype=np.int64)
    ids = np.empty(cap, dtype=np.int64)
    if maxn < minn or maxn == 0:
        minn, maxn = 1, 0  # no n-grams
    k = ngram_ids(buf, starts, ends, minn, maxn, bucket, nwords, with_word, offsets, ids)
    return offsets, ids[:k].copy()


def word_subword_ids(
    word: str, nwords: int, minn: int = 3, maxn: int = 6, bucket: int = 2_000_000, *, jamo: bool = False
) -> np.ndarray:
    """N-gram rows of one out-of-vocabulary word (no word row)."""
    _, ids = subword_ids([word], minn, maxn, bucket, jamo=jamo, with_word=False, nwords=nwords)
    return ids
