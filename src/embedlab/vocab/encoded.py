"""EncodedCorpus: a corpus as int32 ids plus int64 sequence offsets, and nothing else.

A neutral container: the sequences may be sentences of words, random walks over graph nodes,
sessions of items or labelled lines; the kernels see only ids. ``tokens[offsets[i]:offsets[i + 1]]``
are the ids of sequence ``i``, and ``vocab`` names the ids (most frequent first).
Build one from integer ids with :meth:`EncodedCorpus.from_ids`; from text with
:func:`~embedlab.vocab.build.build_corpus` (files) or :func:`~embedlab.vocab.build.encode_sentences`
(token lists), the text pipeline, which lives apart in :mod:`embedlab.vocab.build`: this module
imports no text code.

The folder form (``meta.json``, ``vocab.tsv``, ``tokens.npy``, ``offsets.npy``) loads memory-mapped.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab._files import atomic_dir, atomic_file, load_npy
from embedlab.errors import ConfigError, CorpusError, FormatError
from embedlab.kernels._sgd import MAX_SENTENCE_LEN
from embedlab.vocab.vocab import Vocab

if TYPE_CHECKING:
    pass

__all__ = ["MAX_SENTENCE_LEN", "EncodedCorpus", "default_cache_dir"]

PathLike = str | os.PathLike[str]
FORMAT_VERSION = 1
_FORMAT_NAME = "embedlab-encoded-corpus"


def default_cache_dir() -> Path:
    """``$EMBEDLAB_CACHE_DIR``, else ``~/.cache/embedlab``; encoded corpora go in ``corpora/``."""
    base = os.environ.get("EMBEDLAB_CACHE_DIR")
    return Path(base) if base else Path.home() / ".cache" / "embedlab"


class TokenReader:
    """``reader(start, stop)``: ids ``start:stop`` as int32; ``close()`` releases the file it reads."""

    def __init__(self, tokens: np.ndarray) -> None:
        self._fd: int | None = None
        if isinstance(tokens, np.memmap) and tokens.filename is not None:
            self._fd = os.open(tokens.filename, os.O_RDONLY)
            self._base = int(tokens.offset)
        else:
            self._array = np.ascontiguousarray(tokens, dtype=np.int32)

    def __call__(self, start: int, stop: int) -> np.ndarray:
        if self._fd is None:
            return self._array[start:stop]
        # read into a writeable array: numba types a read-only one (np.frombuffer of bytes) apart and would
        # compile every kernel that takes it a second time
        out = np.empty(max(stop - start, 0), dtype=np.int32)
        view, done = memoryview(out.data).cast("B"), 0
        while done < view.nbytes:
            got = os.preadv(self._fd, [view[done:]], self._base + 4 * start + done)
            if got == 0:
                return out[: done // 4]  # past the end of the file: what was there, as pread gave
            done += got
        return out

    def close(self) -> None:
        if self._fd is not None and self._fd >= 0:
            os.close(self._fd)
            self._fd = -1  # a read after close fails like a read of a closed file (EBADF)


class EncodedCorpus:
    """Token ids of a corpus, its sentence boundaries and its vocabulary.

    ``tokens[offsets[i]:offsets[i + 1]]`` are the ids of sentence ``i``.

    >>> c = EncodedCorpus.from_ids([[0, 1, 0], [1, 2]], keys=["a", "b", "c"])
    >>> c.vocab.words, c.tokens.tolist(), c.offsets.tolist()
    (['a', 'b', 'c'], [0, 1, 0, 1, 2], [0, 3, 5])
    """

    def __init__(
        self,
        vocab: Vocab,
        tokens: np.ndarray,
        offsets: np.ndarray,
        stats: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self.vocab = vocab
        self.tokens = tokens
        self.offsets = offsets
        self.stats = dict(stats or {})
        self.path = path

    # ----------------------------------------------------------------- views
    @property
    def n_sentences(self) -> int:
        return int(self.offsets.shape[0] - 1)

    @property
    def n_tokens(self) -> int:
        return int(self.tokens.shape[0])

    def sentence(self, i: int) -> np.ndarray:
        return self.tokens[self.offsets[i] : self.offsets[i + 1]]

    def token_reader(self) -> TokenReader:
        """A thread-safe ``read(start, stop) -> int32 array`` of token ids (``read.close()`` when done).

        For a corpus memory-mapped from disk it reads with ``os.pread`` instead of touching
        the map, so training holds only the jobs in flight in memory, not the whole corpus.
        """
        return TokenReader(self.tokens)

    def iter_sentences(self) -> Iterator[list[str]]:
        """Sentences as lists of words (slow; for inspection and small corpora)."""
        words = self.vocab.words
        for i in range(self.n_sentences):
            yield [words[t] for t in self.sentence(i).tolist()]

    def __repr__(self) -> str:
        return f"EncodedCorpus({self.n_tokens} tokens, {self.n_sentences} sentences, {len(self.vocab)} words)"

    def restrict(self, min_count: int) -> EncodedCorpus:
        """This corpus without words seen fewer than ``min_count`` times (self if none)."""
        keep = int(np.count_nonzero(self.vocab.counts >= min_count))
        if keep == len(self.vocab):
            return self
        if keep == 0:
            raise CorpusError(f"no word occurs min_count={min_count} times or more; lower min_count")
        if self.path is not None and isinstance(self.tokens, np.memmap):  # on disk: restricted block by block
            try:
                return self._restricted_on_disk(keep, min_count)
            except PermissionError:  # a folder this process may not write beside: restricted in memory
                pass
        # ids are sorted by frequency, so the kept words are exactly the ids below `keep`
        tokens = np.asarray(self.tokens)
        mask = tokens < keep
        kept_before = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
        ends = np.unique(kept_before[np.asarray(self.offsets[1:])])  # emptied sentences collapse
        offsets = np.concatenate([[0], ends[ends > 0]]).astype(np.int64)
        vocab = Vocab(self.vocab.words[:keep], self.vocab.counts[:keep])
        stats = {**self.stats, "n_tokens": int(mask.sum()), "min_count": min_count}
        return EncodedCorpus(vocab, tokens[mask].astype(np.int32), offsets, stats)

    def _restricted_on_disk(self, keep: int, min_count: int) -> EncodedCorpus:
        """:meth:`restrict` of a corpus loaded from its folder: written beside it (``<folder>.min<k>``) a block
        at a time (:mod:`embedlab.vocab.restrict`), and reused by the next call with the same ``min_count``."""
        from embedlab.vocab.restrict import restrict_arrays

        assert self.path is not None
        out = self.path.with_name(f"{self.path.name}.min{min_count}")
        source = {"source_tokens": self.n_tokens, "source_vocab": len(self.vocab), "min_count": min_count}
        if (out / "meta.json").is_file():
            try:
                done = EncodedCorpus.load(out)
                if {k: done.stats.get(k) for k in source} == source and len(done.vocab) == keep:
                    return done
            except (FormatError, OSError, ValueError):
                pass  # damaged, or of another source: made again
        read = self.token_reader()
        try:
            with atomic_dir(out) as tmp:
                offsets = np.asarray(self.offsets, dtype=np.int64)
                n_kept = restrict_arrays(read, self.n_tokens, offsets, keep, tmp)
                Vocab(self.vocab.words[:keep], self.vocab.counts[:keep]).save_tsv(tmp / "vocab.tsv")
                kept_stats = {k: v for k, v in self.stats.items() if k not in source}
                _write_meta(tmp, {**kept_stats, **source, "n_tokens": n_kept})
        finally:
            read.close()
        return EncodedCorpus.load(out)

    # ----------------------------------------------------------------- persistence
    def save(self, path: PathLike) -> Path:
        """Write the folder form atomically."""
        with atomic_dir(path) as tmp:
            np.save(tmp / "tokens.npy", np.ascontiguousarray(self.tokens, dtype=np.int32))
            np.save(tmp / "offsets.npy", np.ascontiguousarray(self.offsets, dtype=np.int64))
            self.vocab.save_tsv(tmp / "vocab.tsv")
            _write_meta(tmp, self.stats)
        return Path(path)

    @classmethod
    def load(cls, path: PathLike, *, mmap: bool = True) -> EncodedCorpus:
        """Load and validate a folder written by :meth:`save` or :meth:`build`."""
        p = Path(path)
        try:
            meta = json.loads((p / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FormatError(f"{p}: not an encoded corpus (meta.json is missing)") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FormatError(f"{p}/meta.json is not valid JSON: {exc}") from None
        if meta.get("format") != _FORMAT_NAME or meta.get("version") != FORMAT_VERSION:
            raise FormatError(f"{p}: unsupported encoded-corpus format {meta.get('format')!r} v{meta.get('version')}")
        vocab = Vocab.load_tsv(p / "vocab.tsv")
        tokens = load_npy(p / "tokens.npy", mmap=mmap, copy_on_write=True)
        offsets = load_npy(p / "offsets.npy", mmap=mmap, copy_on_write=True)
        if tokens.dtype != np.int32 or tokens.ndim != 1 or offsets.dtype != np.int64 or offsets.ndim != 1:
            raise FormatError(f"{p}: tokens.npy must be 1-D int32 and offsets.npy 1-D int64")
        if offsets.shape[0] < 1 or offsets[0] != 0 or offsets[-1] != tokens.shape[0]:
            raise FormatError(f"{p}: offsets.npy does not match tokens.npy (truncated or inconsistent)")
        stats = meta.get("stats", {})
        if stats.get("n_tokens", tokens.shape[0]) != tokens.shape[0]:
            raise FormatError(f"{p}: meta.json says {stats['n_tokens']} tokens, tokens.npy has {tokens.shape[0]}")
        return cls(vocab, tokens, offsets, stats, p)

    # ----------------------------------------------------------------- building
    @classmethod
    def from_ids(
        cls,
        sequences: Sequence[Sequence[int]] | np.ndarray,
        offsets: np.ndarray | None = None,
        *,
        keys: Sequence[str] | None = None,
        counts: Sequence[int] | np.ndarray | None = None,
    ) -> EncodedCorpus:
        """A corpus of integer ids, with no text code: walks over nodes, sessions of items, ...

        ``sequences`` is a list of id sequences, or a flat id array with ``offsets``. ``keys``
        names ids ``0..n-1`` (default: the ids as strings); ``counts`` defaults to the counts
        of each id in the sequences. Sequences longer than the kernels' limit are split.

        >>> c = EncodedCorpus.from_ids([[0, 1, 2], [2, 1]], keys=["a", "b", "c"])
        >>> c.n_sentences, c.vocab.counts.tolist()
        (2, [1, 2, 2])
        """
        if offsets is None:
            seqs = [np.asarray(s, dtype=np.int64).ravel() for s in sequences]
            tokens = np.concatenate(seqs) if seqs else np.zeros(0, np.int64)
            offsets = np.concatenate([[0], np.cumsum([len(s) for s in seqs])]).astype(np.int64)
        else:
            tokens = np.asarray(sequences, dtype=np.int64).ravel()
            offsets = np.asarray(offsets, dtype=np.int64)
            if offsets.ndim != 1 or offsets.size < 1 or offsets[0] != 0 or offsets[-1] != tokens.size:
                raise ConfigError("offsets must start at 0 and end at the number of ids")
            if np.any(np.diff(offsets) < 0):
                raise ConfigError("offsets must not decrease")
        if tokens.size == 0:
            raise CorpusError("the corpus is empty: it has no ids")
        if tokens.min() < 0:
            raise ConfigError(f"ids must be >= 0, got {int(tokens.min())}")
        n = int(tokens.max()) + 1 if keys is None else len(keys)
        if tokens.max() >= n:
            raise ConfigError(f"id {int(tokens.max())} has no key ({n} keys given)")
        if counts is None:
            counts = np.bincount(tokens, minlength=n)
        names = [str(i) for i in range(n)] if keys is None else list(keys)
        # split sequences longer than the kernels accept, keeping every id
        lengths = np.diff(offsets)
        if lengths.size and lengths.max() > MAX_SENTENCE_LEN:
            cuts = [np.arange(a, b, MAX_SENTENCE_LEN) for a, b in itertools.pairwise(offsets)]
            offsets = np.concatenate([*cuts, [offsets[-1]]]).astype(np.int64)
        offsets = np.concatenate([[0], offsets[1:][np.diff(offsets) > 0]]).astype(np.int64)
        stats = {"n_tokens": int(tokens.size), "n_lines": int(lengths.size)}
        return cls(Vocab(names, np.asarray(counts)), tokens.astype(np.int32), offsets, stats)


def _write_meta(folder: Path, stats: dict[str, Any]) -> None:
    meta = {"format": _FORMAT_NAME, "version": FORMAT_VERSION, "stats": stats}
    with atomic_file(folder / "meta.json", "w") as fh:
        json.dump(meta, fh, indent=2, ensure_ascii=False)
