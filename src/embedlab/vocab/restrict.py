"""Dropping rare words from a corpus that lives on disk, a block at a time.

``EncodedCorpus.restrict`` of a corpus loaded from its folder writes the restricted corpus beside it
(``<folder>.min<k>``, reused by the next run with the same ``min_count``) by reading and writing blocks
of tokens, so a corpus larger than RAM is restricted in memory of one block plus its sentence offsets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedlab._files import atomic_dir
from embedlab.errors import FormatError

if TYPE_CHECKING:
    from embedlab.vocab.encoded import EncodedCorpus

__all__ = ["restrict_on_disk"]

_BLOCK = 1 << 20  # tokens read at a time (4 MB; with its mask and positions about 17 MB in all)


def restrict_on_disk(corpus: EncodedCorpus, keep: int, min_count: int, block: int = _BLOCK) -> EncodedCorpus:
    """``corpus`` (loaded from ``corpus.path``) without the ids from ``keep`` on (the words seen fewer than
    ``min_count`` times: ids are sorted by frequency), written beside it and loaded memory-mapped."""
    from embedlab.vocab.encoded import EncodedCorpus, _write_meta
    from embedlab.vocab.vocab import Vocab

    assert corpus.path is not None
    src = Path(corpus.path)
    out = src.with_name(f"{src.name}.min{min_count}")
    source = {"source_tokens": corpus.n_tokens, "source_vocab": len(corpus.vocab), "min_count": min_count}
    if (out / "meta.json").is_file():
        try:
            done = EncodedCorpus.load(out)
            if {k: done.stats.get(k) for k in source} == source and len(done.vocab) == keep:
                return done
        except (FormatError, OSError, ValueError):
            pass  # damaged or of another source: made again below
    read = corpus.token_reader()
    offsets = np.asarray(corpus.offsets, dtype=np.int64)
    try:
        n = corpus.n_tokens
        n_kept = sum(int(np.count_nonzero(read(a, min(n, a + block)) < keep)) for a in range(0, n, block))
        with atomic_dir(out) as tmp:
            tokens = np.lib.format.open_memmap(tmp / "tokens.npy", mode="w+", dtype=np.int32, shape=(n_kept,))
            ends, written = [], 0
            for a in range(0, n, block):
                b = min(n, a + block)
                t = read(a, b)
                kept_mask = t < keep
                kept = t[kept_mask]
                tokens[written : written + len(kept)] = kept
                inside = offsets[np.searchsorted(offsets, a, "right") : np.searchsorted(offsets, b, "right")]
                # a sentence ending at e (in (a, b]) now ends after the kept tokens before e
                ends.append(written + np.cumsum(kept_mask, dtype=np.int64)[inside - a - 1])
                written += len(kept)
            tokens.flush()
            del tokens
            if written != n_kept:
                raise FormatError(f"{src}/tokens.npy changed while it was read; run again")
            new_ends = np.concatenate(ends) if ends else np.zeros(0, np.int64)
            new_ends = new_ends[np.concatenate([[True], np.diff(new_ends) > 0])] if len(new_ends) else new_ends
            np.save(tmp / "offsets.npy", np.concatenate([[0], new_ends[new_ends > 0]]).astype(np.int64))
            Vocab(corpus.vocab.words[:keep], corpus.vocab.counts[:keep]).save_tsv(tmp / "vocab.tsv")
            _write_meta(tmp, {**{k: v for k, v in corpus.stats.items() if k not in source}, **source,
                              "n_tokens": n_kept})  # fmt: skip
    finally:
        read.close()
    return EncodedCorpus.load(out)
