"""Dropping rare words from a corpus that lives on disk, a block at a time.

``EncodedCorpus.restrict`` of a corpus loaded from its folder writes the restricted corpus beside it
(``<folder>.min<k>``, reused by the next run with the same ``min_count``); :func:`restrict_arrays` writes its
``tokens.npy`` and ``offsets.npy`` by reading and writing blocks of tokens, so a corpus larger than RAM is
restricted in the memory of one block plus its sentence offsets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from embedlab.errors import FormatError

__all__ = ["restrict_arrays"]

_BLOCK = 1 << 20  # tokens read at a time (4 MB; with its mask and positions about 17 MB in all)


def restrict_arrays(
    read: Callable[[int, int], np.ndarray], n_tokens: int, offsets: np.ndarray, keep: int, folder: Path,
    block: int = _BLOCK,
) -> int:  # fmt: skip
    """Write ``folder/tokens.npy`` and ``folder/offsets.npy``: the ``n_tokens`` ids that ``read(start, stop)``
    gives, without those from ``keep`` on (ids are sorted by frequency), cut at the new ends of the sentences
    ``offsets`` bound (sentences left empty dropped). Returns how many tokens were kept."""
    n_kept = sum(int(np.count_nonzero(read(a, min(n_tokens, a + block)) < keep)) for a in range(0, n_tokens, block))
    tokens = np.lib.format.open_memmap(folder / "tokens.npy", mode="w+", dtype=np.int32, shape=(n_kept,))
    ends, written = [], 0
    for a in range(0, n_tokens, block):
        b = min(n_tokens, a + block)
        t = read(a, b)
        kept_mask = t < keep
        kept = t[kept_mask]
        if written + len(kept) > n_kept:
            raise FormatError("the corpus's tokens changed while they were read; run again")
        tokens[written : written + len(kept)] = kept
        inside = offsets[np.searchsorted(offsets, a, "right") : np.searchsorted(offsets, b, "right")]
        # a sentence ending at e (in (a, b]) now ends after the kept tokens before e
        ends.append(written + np.cumsum(kept_mask, dtype=np.int64)[inside - a - 1])
        written += len(kept)
    tokens.flush()
    del tokens
    if written != n_kept:
        raise FormatError("the corpus's tokens changed while they were read; run again")
    new_ends = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    if len(new_ends):
        new_ends = new_ends[np.concatenate([[True], np.diff(new_ends) > 0])]
    np.save(folder / "offsets.npy", np.concatenate([[0], new_ends[new_ends > 0]]).astype(np.int64))
    return n_kept
