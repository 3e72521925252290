"""Text to ids: the pipeline that turns a corpus on disk (or token lists) into an EncodedCorpus.

Building from files takes a single read of the text:

1. numba kernels tokenize each chunk's UTF-8 bytes, count words in a hash table and
   write each token's provisional entry id to a scratch file. When the table grows past
   ``max_vocab_size`` entries, the rarest words are pruned as word2vec.c does (drop
   counts <= 1, then <= 2, ...), which bounds memory whatever the corpus size.
2. The vocabulary keeps words seen ``min_count`` times or more, most frequent first.
3. A second numba pass over the scratch ids (not the text) maps them to final ids, drops
   rare words and splits sentences longer than 10,000 tokens.

The result is a folder (``meta.json``, ``vocab.tsv``, ``tokens.npy``, ``offsets.npy``)
that loads memory-mapped. With caching on (the default), the folder is keyed by the
corpus files (path, size, mtime) and the reading options, and the next run reuses it
and skips tokenization altogether.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import NpyStreamWriter, atomic_dir
from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_int
from embedlab.errors import CorpusError, FormatError
from embedlab.kernels import vocab_scan as _scan
from embedlab.text.readers import CorpusReader, PathLike, sentences_from_iterable
from embedlab.text.tokenizers import Tokenizer
from embedlab.vocab.encoded import FORMAT_VERSION, MAX_SENTENCE_LEN, EncodedCorpus, _write_meta, default_cache_dir
from embedlab.vocab.vocab import Vocab

__all__ = ["as_encoded_corpus", "build_corpus", "encode_sentences"]


def encode_sentences(
    sentences: Iterable[Sequence[str]], *, min_count: int = 5, max_vocab_size: int | None = None
) -> EncodedCorpus:
    """Encode an in-memory corpus given as token lists (gensim's ``sentences=``).

    >>> c = encode_sentences([["a", "b", "a"], ["b", "c"]], min_count=2)
    >>> c.vocab.words, c.tokens.tolist(), c.offsets.tolist()
    (['a', 'b'], [0, 1, 0, 1], [0, 3, 4])
    """
    min_count = check_int("min_count", min_count, 1)
    sents = list(sentences_from_iterable(sentences))
    counts: Counter[str] = Counter()
    for s in sents:
        counts.update(s)
    n_raw = sum(counts.values())
    if n_raw == 0:
        raise CorpusError("the corpus is empty: it has no tokens")
    vocab = Vocab.from_counts(dict(counts), min_count=min_count, max_size=max_vocab_size)
    _check_vocab(vocab, min_count, n_raw)
    index = vocab.index
    tokens: list[int] = []
    ends: list[int] = []
    for s in sents:
        ids = [index[w] for w in s if w in index]
        for start in range(0, len(ids), MAX_SENTENCE_LEN):
            piece = ids[start : start + MAX_SENTENCE_LEN]
            tokens.extend(piece)
            ends.append(len(tokens))
    stats = {"n_raw_tokens": n_raw, "n_tokens": len(tokens), "n_lines": len(sents), "min_count": min_count}
    return EncodedCorpus(vocab, np.asarray(tokens, np.int32), np.asarray([0, *ends], np.int64), stats)


def build_corpus(
    source: PathLike | Sequence[PathLike],
    *,
    tokenizer: str | Tokenizer | None = None,
    min_count: int = 5,
    max_vocab_size: int | None = 20_000_000,
    skip_doc_tags: bool | None = None,
    jsonl_field: str | None = None,
    cache_dir: PathLike | bool | None = None,
    progress: ProgressArg = False,
) -> EncodedCorpus:
    """Read, tokenize, count and encode a corpus on disk (see the module docstring) into an EncodedCorpus.

    ``cache_dir``: ``None`` uses :func:`default_cache_dir`, ``False`` disables caching
    (the result is then held in memory), a path puts the cache there.
    """
    min_count = check_int("min_count", min_count, 1)
    if max_vocab_size is not None:
        max_vocab_size = check_int("max_vocab_size", max_vocab_size, 1)
    reader = CorpusReader(source, tokenizer=tokenizer, skip_doc_tags=skip_doc_tags, jsonl_field=jsonl_field)
    settings = {"min_count": min_count, "max_vocab_size": max_vocab_size, "max_sentence_len": MAX_SENTENCE_LEN}
    if cache_dir is False:
        with tempfile.TemporaryDirectory(prefix="embedlab-corpus-") as tmp:
            out = Path(tmp) / "corpus"
            _build_folder(reader, out, settings, progress)
            corpus = EncodedCorpus.load(out, mmap=False)
            corpus.path = None
            return corpus
    root = (default_cache_dir() if cache_dir is None or cache_dir is True else Path(cache_dir)) / "corpora"
    key = hashlib.sha256(
        json.dumps({"corpus": reader.fingerprint(), "settings": settings, "v": FORMAT_VERSION}, sort_keys=True).encode()
    ).hexdigest()[:24]
    target = root / key
    if (target / "meta.json").exists():
        try:
            corpus = EncodedCorpus.load(target)
            corpus.stats["cache_hit"] = True
            return corpus
        except FormatError:
            pass  # damaged cache entry: rebuild it
    _build_folder(reader, target, settings, progress)
    corpus = EncodedCorpus.load(target)
    corpus.stats["cache_hit"] = False
    return corpus


def as_encoded_corpus(corpus: Any, **options: Any) -> EncodedCorpus:
    """Accept an EncodedCorpus, a path / list of paths, or an iterable of token lists."""
    if isinstance(corpus, EncodedCorpus):
        return corpus
    if isinstance(corpus, (str, os.PathLike)):
        return build_corpus(corpus, **options)
    if (
        isinstance(corpus, Sequence)
        and corpus
        and all(isinstance(x, os.PathLike) or (isinstance(x, str) and os.path.exists(x)) for x in corpus)
    ):
        return build_corpus(list(corpus), **options)
    if isinstance(corpus, Iterable):
        keep = {k: options[k] for k in ("min_count", "max_vocab_size") if k in options}
        return encode_sentences(corpus, **keep)
    raise CorpusError(
        f"cannot use a {type(corpus).__name__} as a corpus; give a file or folder path, "
        "a list of token lists, or an EncodedCorpus"
    )


# --------------------------------------------------------------------------- internals
class _WordTable:
    """Growable flat arrays behind the numba hash table."""

    def __init__(self, entries: int = 1 << 16, arena: int = 1 << 20) -> None:
        self.slots = np.full(2 * entries, -1, dtype=np.int64)
        self.hashes = np.zeros(entries, dtype=np.uint64)
        self.starts = np.zeros(entries, dtype=np.int64)
        self.lengths = np.zeros(entries, dtype=np.int64)
        self.counts = np.zeros(entries, dtype=np.int64)
        self.arena = np.zeros(arena, dtype=np.uint8)
        self.state = np.zeros(4, dtype=np.int64)  # n_entries, arena_used, n_tokens, n_lines

    @property
    def n_entries(self) -> int:
        return int(self.state[0])

    def grow(self, need_arena: int) -> None:
        n = self.n_entries
        if n >= self.hashes.shape[0] or n >= (self.slots.shape[0] * 7) // 10:
            cap = 2 * self.hashes.shape[0]
            for name in ("hashes", "starts", "lengths", "counts"):
                old = getattr(self, name)
                new = np.zeros(cap, dtype=old.dtype)
                new[:n] = old[:n]
                setattr(self, name, new)
            self.slots = np.full(2 * cap, -1, dtype=np.int64)
            _scan.rebuild_slots(self.slots, self.hashes, n)
        used = int(self.state[1])
        if used + need_arena > self.arena.shape[0]:
            new = np.zeros(max(2 * self.arena.shape[0], used + need_arena), dtype=np.uint8)
            new[:used] = self.arena[:used]
            self.arena = new

    def prune(self, min_reduce: int) -> np.ndarray:
        remap = np.empty(self.n_entries, dtype=np.int64)
        n, used = _scan.prune_entries(
            self.hashes, self.starts, self.lengths, self.counts, self.arena, self.n_entries, min_reduce, remap
        )
        self.state[0] = n
        self.state[1] = used
        self.slots[:] = -1
        _scan.rebuild_slots(self.slots, self.hashes, n)
        return remap

    def word(self, e: int) -> str:
        s = int(self.starts[e])
        return bytes(self.arena[s : s + int(self.lengths[e])]).decode("utf-8")


def _build_folder(reader: CorpusReader, target: Path, settings: dict[str, Any], progress: ProgressArg) -> None:
    t0 = time.perf_counter()
    min_count = settings["min_count"]
    entry_limit = settings["max_vocab_size"] or np.iinfo(np.int64).max
    table = _WordTable()
    prunes: list[tuple[int, np.ndarray]] = []  # (provisional position, old->new entry map)
    min_reduce = 1
    written = 0
    with atomic_dir(target) as tmp:
        scratch = tmp / "provisional.i32"
        with Progress("reading corpus", reader.total_bytes, enabled=progress) as bar, open(scratch, "wb") as fh:
            out = np.empty(0, dtype=np.int32)  # reused across chunks
            for chunk in reader.chunks():
                buf = np.frombuffer(chunk, dtype=np.uint8)
                if out.shape[0] < buf.shape[0] + 1:
                    out = np.empty(buf.shape[0] + 1, dtype=np.int32)
                pos, n_out = 0, 0
                while True:
                    pos, n_out = _scan.count_chunk(
                        buf, pos, table.slots, table.hashes, table.starts, table.lengths, table.counts,
                        table.arena, table.state, entry_limit, out, n_out,
                    )  # fmt: skip
                    if pos >= buf.shape[0]:
                        break
                    if table.n_entries >= entry_limit:
                        prunes.append((written + n_out, table.prune(min_reduce)))
                        min_reduce += 1
                    else:
                        table.grow(need_arena=buf.shape[0] - pos)
                out[:n_out].tofile(fh)
                written += n_out
                bar.update(min(reader.bytes_read, reader.total_bytes), info=f"{int(table.state[2]):,} tokens")
        n_raw = int(table.state[2])
        if n_raw == 0:
            raise CorpusError(f"the corpus is empty: no tokens in {', '.join(map(str, reader.files[:3]))}")
        counts = table.counts[: table.n_entries]
        kept = np.flatnonzero(counts >= min_count)
        if kept.size == 0:
            raise CorpusError(
                f"no word occurs min_count={min_count} times or more (the corpus has {n_raw} tokens, "
                f"{table.n_entries} distinct words); lower min_count or give a larger corpus"
            )
        kept = kept[np.argsort(-counts[kept], kind="stable")]
        vocab = Vocab([table.word(int(e)) for e in kept], counts[kept])
        final_map = np.full(table.n_entries, -1, dtype=np.int64)
        final_map[kept] = np.arange(kept.size)
        n_tokens, n_sentences = _write_final_ids(scratch, written, prunes, final_map, tmp)
        scratch.unlink()
        vocab.save_tsv(tmp / "vocab.tsv")
        stats = {
            "n_raw_tokens": n_raw,
            "n_tokens": n_tokens,
            "n_sentences": n_sentences,
            "n_lines": int(table.state[3]),
            "n_distinct_seen": int(table.n_entries),
            "pruned_below": min_reduce - 1,
            "invalid_utf8": reader.invalid_utf8,
            "build_seconds": round(time.perf_counter() - t0, 3),
            "source": reader.fingerprint(),
            **settings,
        }
        _write_meta(tmp, stats)
    _release_free_memory()


def _release_free_memory() -> None:
    """Give freed heap pages back to the OS (glibc keeps them otherwise), before training starts."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _write_final_ids(
    scratch: Path, written: int, prunes: list[tuple[int, np.ndarray]], final_map: np.ndarray, out_dir: Path
) -> tuple[int, int]:
    # Provisional ids written before prune k live in the entry numbering of that time:
    # compose the later prune maps and the final map for each such segment.
    segments: list[tuple[int, int, np.ndarray]] = []
    mapping = final_map
    end = written
    for pos, remap in reversed(prunes):
        segments.append((pos, end, mapping))
        mapping = np.where(remap >= 0, mapping[np.maximum(remap, 0)], -1)
        end = pos
    segments.append((0, end, mapping))
    segments.reverse()
    state = np.zeros(2, dtype=np.int64)
    block = 1 << 20
    out_tok = np.empty(block, dtype=np.int32)
    out_ends = np.empty(block + 1, dtype=np.int64)
    with (
        NpyStreamWriter(out_dir / "tokens.npy", np.int32) as tok_w,
        NpyStreamWriter(out_dir / "offsets.npy", np.int64) as off_w,
    ):
        off_w.write(np.zeros(1, dtype=np.int64))
        for start, stop, fmap in segments:
            for a in range(start, stop, block):
                b = min(a + block, stop)
                # plain reads, not a memory map: only one block is ever resident
                prov = np.fromfile(scratch, dtype=np.int32, count=b - a, offset=4 * a)
                nt, ne = _scan.remap_stream(prov, fmap, out_tok, out_ends, state, MAX_SENTENCE_LEN)
                tok_w.write(out_tok[:nt])
                off_w.write(out_ends[:ne])
        if state[1] > 0:  # last sentence had no final newline
            off_w.write(np.array([state[0]], dtype=np.int64))
        n_sentences = off_w.length - 1
        n_tokens = tok_w.length
    return n_tokens, n_sentences


def _check_vocab(vocab: Vocab, min_count: int, n_raw: int) -> None:
    if len(vocab) == 0:
        raise CorpusError(
            f"no word occurs min_count={min_count} times or more (the corpus has {n_raw} tokens); "
            "lower min_count or give a larger corpus"
        )
