"""fastText's dictionary of labelled lines: words and labels, and the input rows of each line of text.

Text is in fastText's format: tokens separated by whitespace, labels are the tokens that start
with the label prefix (``__label__positive``), one example a line. A line's input rows are its
known words' rows (with their character n-gram rows when subwords are on), the rows of
out-of-vocabulary words' n-grams, ``</s>``'s row, then the hashed word n-grams: fastText's
``Dictionary::getLine``. All per-token work runs in :mod:`embedlab.kernels.labelled`.

>>> d = LabelDictionary.build(b"__label__a good film\\n__label__b bad film\\n")
>>> d.words, d.labels
(['film', '</s>', 'good', 'bad'], ['a', 'b'])
>>> lines = d.encode(b"good film\\n")
>>> lines.rows.tolist()
[2, 0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import CorpusError
from embedlab.kernels.labelled import (
    build_word_table,
    intern_tokens,
    line_labels,
    line_rows,
    lookup_entries,
    split_tokens,
    token_hashes,
)
from embedlab.vocab.subwords import fasttext_hash, subword_ids

__all__ = ["EOS", "EncodedLines", "LabelDictionary", "gather_rows"]

EOS = "</s>"


@dataclass
class EncodedLines:
    """Input rows and label ids of each line (CSR); ``unknown_labels`` names labels not in the dictionary."""

    rows: np.ndarray
    row_offsets: np.ndarray
    labels: np.ndarray
    label_offsets: np.ndarray
    unknown_labels: list[str]

    @property
    def n_lines(self) -> int:
        return self.row_offsets.shape[0] - 1

    def label_lists(self) -> list[list[int]]:
        o = self.label_offsets
        return [self.labels[o[i] : o[i + 1]].tolist() for i in range(self.n_lines)]


@dataclass
class _Tokens:
    buf: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    line_ends: np.ndarray
    hashes: np.ndarray
    entry: np.ndarray
    first: np.ndarray  # first token of each entry

    def text(self, e: int) -> str:
        t = self.first[e]
        return self.buf[self.starts[t] : self.ends[t]].tobytes().decode("utf-8", errors="replace")


def _scan(data: bytes) -> _Tokens:
    buf = np.frombuffer(data, dtype=np.uint8)
    n = buf.shape[0]
    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    lines = np.empty(n, np.int64)
    line_ends = np.empty(n + 1, np.int64)
    n_tok, n_lines = split_tokens(buf, starts, ends, lines, line_ends)
    starts, ends, line_ends = starts[:n_tok], ends[:n_tok], line_ends[:n_lines].copy()
    hashes = np.empty(n_tok, np.uint32)
    token_hashes(buf, starts, ends, hashes)
    size = 1 << max(4, int(2 * n_tok).bit_length())
    slots = np.full(size, -1, np.int64)
    first = np.empty(n_tok, np.int64)
    entry = np.empty(n_tok, np.int64)
    n_ent = intern_tokens(buf, starts, ends, hashes, slots, first, entry)
    return _Tokens(buf, starts, ends, line_ends, hashes, entry, first[:n_ent].copy())


def gather_rows(offsets: np.ndarray, ids: np.ndarray, select: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR rows ``select`` of (offsets, ids); a ``-1`` in ``select`` gives an empty row."""
    ok = select >= 0
    safe = np.where(ok, select, 0)
    lengths = np.where(ok, offsets[safe + 1] - offsets[safe], 0)
    out_offsets = np.zeros(select.shape[0] + 1, np.int64)
    np.cumsum(lengths, out=out_offsets[1:])
    total = int(out_offsets[-1])
    src = np.repeat(offsets[safe] - out_offsets[:-1], lengths) + np.arange(total, dtype=np.int64)
    return out_offsets, ids[src]


class LabelDictionary:
    """Words (most frequent first, ``</s>`` among them), labels (without their prefix), n-gram settings."""

    def __init__(
        self,
        words: list[str],
        word_counts: np.ndarray,
        labels: list[str],
        label_counts: np.ndarray,
        *,
        word_ngrams: int = 1,
        bucket: int = 0,
        minn: int = 0,
        maxn: int = 0,
        jamo: bool = False,
        label_prefix: str = "__label__",
    ) -> None:
        self.words = list(words)
        self.word_counts = np.asarray(word_counts, dtype=np.int64)
        self.labels = list(labels)
        self.label_counts = np.asarray(label_counts, dtype=np.int64)
        self.word_ngrams, self.bucket = int(word_ngrams), int(bucket)
        self.minn, self.maxn, self.jamo = int(minn), int(maxn), bool(jamo)
        self.label_prefix = label_prefix
        #: a pruned dictionary (fastText's quantized models): the only input rows a line may use, sorted;
        #: the n-grams of other buckets are left out of a line, as fastText's ``pushHash`` does
        self.kept_rows: np.ndarray | None = None
        self._word_index = {w: i for i, w in enumerate(self.words)}
        self._label_index = {lab: i for i, lab in enumerate(self.labels)}
        self._prefix = label_prefix.encode("utf-8")
        self._word_rows: tuple[np.ndarray, np.ndarray] = (
            subword_ids(self.words, self.minn, self.maxn, max(self.bucket, 1), jamo=self.jamo, with_word=True)
            if self.maxn > 0
            else (np.arange(len(self.words) + 1, dtype=np.int64), np.arange(len(self.words), dtype=np.int64))
        )
        if EOS in self._word_index:  # fastText gives </s> no n-grams
            self._word_rows = _only_own_row(*self._word_rows, self._word_index[EOS])
        self._table: tuple[np.ndarray, ...] | None = None

    def _word_table(self) -> tuple[np.ndarray, ...]:
        """The words in a numba hash table (built on first use), so encoding looks words up without Python."""
        if self._table is None:
            encoded = [w.encode("utf-8") for w in self.words]
            lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
            ends = np.cumsum(lengths)
            starts = ends - lengths
            arena = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else np.zeros(1, np.uint8)
            hashes = np.empty(len(encoded), np.uint32)
            token_hashes(arena, starts, ends, hashes)
            slots = np.full(1 << max(4, (2 * len(encoded)).bit_length()), -1, np.int64)
            build_word_table(arena, starts, ends, hashes, slots)
            self._table = (arena, starts, ends, hashes, slots)
        return self._table

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def n_labels(self) -> int:
        return len(self.labels)

    @property
    def n_rows(self) -> int:
        """Rows of the input matrix: the words, then the hash buckets."""
        return self.n_words + self.bucket

    @classmethod
    def build(
        cls,
        data: bytes,
        *,
        min_count: int = 1,
        min_count_label: int = 1,
        word_ngrams: int = 1,
        bucket: int = 0,
        minn: int = 0,
        maxn: int = 0,
        jamo: bool = False,
        label_prefix: str = "__label__",
    ) -> LabelDictionary:
        """Count the words and labels of fastText-format ``data`` (UTF-8 lines)."""
        tok = _scan(data)
        counts = np.bincount(tok.entry, minlength=tok.first.shape[0])
        prefix = label_prefix.encode("utf-8")
        words, wcounts, labels, lcounts = [], [], [], []
        buf, starts, ends, first = tok.buf, tok.starts, tok.ends, tok.first
        for e in np.argsort(-counts, kind="stable").tolist():
            c = int(counts[e])
            if c < min_count and c < min_count_label:
                continue
            t = first[e]
            raw = buf[starts[t] : ends[t]].tobytes()
            if raw.startswith(prefix):
                if c >= min_count_label:
                    labels.append(raw[len(prefix) :].decode("utf-8", errors="replace"))
                    lcounts.append(c)
            elif c >= min_count:
                words.append(raw.decode("utf-8", errors="replace"))
                wcounts.append(c)
        n_lines = int(tok.line_ends.shape[0])
        if EOS not in words and n_lines:
            at = int(np.searchsorted(-np.asarray(wcounts, dtype=np.int64), -n_lines, side="right"))
            words.insert(at, EOS)
            wcounts.insert(at, n_lines)
        if not labels:
            raise CorpusError(
                f"no line has a label: labels are tokens that start with {label_prefix!r} "
                f"(e.g. '{label_prefix}positive great film'); pass label_prefix if your file uses another one"
            )
        return cls(words, np.array(wcounts), labels, np.array(lcounts), word_ngrams=word_ngrams, bucket=bucket,
                   minn=minn, maxn=maxn, jamo=jamo, label_prefix=label_prefix)  # fmt: skip

    def encode(self, data: bytes) -> EncodedLines:
        """Input rows and labels of every line of ``data``."""
        tok = _scan(data)
        n_ent = tok.first.shape[0]
        word_of = np.empty(n_ent, np.int64)
        arena, w_starts, w_ends, w_hashes, slots = self._word_table()
        prefix = np.frombuffer(self._prefix, np.uint8)
        lookup_entries(tok.buf, tok.starts, tok.ends, tok.hashes, tok.first, arena, w_starts, w_ends, w_hashes, slots,
                       prefix, word_of)  # fmt: skip
        label_of = np.full(n_ent, -1, np.int64)
        is_word = (word_of != -2).astype(np.uint8)
        unknown: list[str] = []
        for e in np.flatnonzero(word_of == -2).tolist():  # labels: few entries
            name = tok.text(e)[len(self.label_prefix) :]
            lab = self._label_index.get(name)
            if lab is None:
                unknown.append(name)
            else:
                label_of[e] = lab
        word_of[word_of == -2] = -1
        oov, oov_entries = [], []
        if self.maxn > 0:  # out-of-vocabulary words get their character n-grams
            for e in np.flatnonzero(word_of == -1).tolist():
                if is_word[e]:
                    text = tok.text(e)
                    if text != EOS:
                        oov.append(text)
                        oov_entries.append(e)
        ent_offsets, ent_rows = gather_rows(*self._word_rows, word_of)
        if oov:  # out-of-vocabulary words: their character n-grams only
            o_off, o_ids = subword_ids(oov, self.minn, self.maxn, self.bucket, jamo=self.jamo, with_word=False,
                                       nwords=self.n_words)  # fmt: skip
            ent_offsets, ent_rows = _merge(ent_offsets, ent_rows, np.asarray(oov_entries), o_off, o_ids)
        eos = self._word_index.get(EOS)
        eos_rows = np.array([eos] if eos is not None else [], dtype=np.int64)
        n_lines = tok.line_ends.shape[0]
        n_tok = tok.entry.shape[0]
        lengths = np.diff(ent_offsets)
        cap = int(lengths[tok.entry].sum()) + n_lines * eos_rows.shape[0] + (n_tok + n_lines) * (self.word_ngrams - 1)
        row_offsets = np.empty(n_lines + 1, np.int64)
        rows = np.empty(max(cap, 1), np.int64)
        k = line_rows(tok.entry, tok.hashes, tok.line_ends, is_word, ent_offsets, ent_rows, eos_rows,
                      np.uint32(fasttext_hash(EOS.encode())), self.word_ngrams, self.bucket, self.n_words,
                      row_offsets, rows)  # fmt: skip
        label_offsets = np.empty(n_lines + 1, np.int64)
        labels = np.empty(max(n_tok, 1), np.int64)
        m = line_labels(tok.entry, tok.line_ends, label_of, label_offsets, labels)
        rows = rows[:k].copy()
        if self.kept_rows is not None:
            kept = self.kept_rows
            at = np.minimum(np.searchsorted(kept, rows), max(len(kept) - 1, 0))
            keep = kept[at] == rows if len(kept) else np.zeros(len(rows), dtype=bool)
            row_offsets = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)[row_offsets]
            rows = rows[keep]
        return EncodedLines(rows, row_offsets, labels[:m].copy(), label_offsets, sorted(set(unknown)))

    def settings(self) -> dict[str, object]:
        return {"word_ngrams": self.word_ngrams, "bucket": self.bucket, "minn": self.minn, "maxn": self.maxn,
                "jamo": self.jamo, "label_prefix": self.label_prefix}  # fmt: skip


def _only_own_row(offsets: np.ndarray, ids: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.diff(offsets)
    keep = np.ones(ids.shape[0], dtype=bool)
    keep[offsets[w] + 1 : offsets[w + 1]] = False
    lengths[w] = 1
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), ids[keep]


def _merge(
    offsets: np.ndarray, ids: np.ndarray, entries: np.ndarray, o_off: np.ndarray, o_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Give ``entries`` (empty in ``offsets``/``ids``) the rows of the extra CSR ``o_off``/``o_ids``."""
    lengths = np.diff(offsets)
    lengths[entries] = np.diff(o_off)
    new_off = np.zeros(lengths.shape[0] + 1, np.int64)
    np.cumsum(lengths, out=new_off[1:])
    new_ids = np.empty(int(new_off[-1]), np.int64)
    is_extra = np.zeros(lengths.shape[0], bool)
    is_extra[entries] = True
    base = np.flatnonzero(~is_extra)
    b_off, b_ids = gather_rows(offsets, ids, base)
    dst = np.repeat(new_off[base] - b_off[:-1], np.diff(b_off)) + np.arange(b_ids.shape[0])
    new_ids[dst] = b_ids
    dst = np.repeat(new_off[entries] - o_off[:-1], np.diff(o_off)) + np.arange(o_ids.shape[0])
    new_ids[dst] = o_ids
    return new_off, new_ids
