"""Vocab: the keys a model knows (words, items, nodes, labels), their counts, and frequency-sorted ids;
``index_names``: ids for raw names (node names, user and item ids) in a given or first-appearance order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from embedlab._files import atomic_file
from embedlab._validation import parse_count
from embedlab.errors import FormatError, UnknownKeyError

__all__ = ["Vocab", "index_names"]


class Vocab:
    """Words with counts; id 0 is the most frequent word.

    >>> v = Vocab(["the", "cat"], [10, 3])
    >>> v["cat"], v.words[0], len(v), "dog" in v
    (1, 'the', 2, False)
    """

    def __init__(self, words: Sequence[str], counts: Sequence[int] | np.ndarray | None = None) -> None:
        self.words: list[str] = list(words)
        if counts is None:
            counts = np.zeros(len(self.words), dtype=np.int64)
        self.counts = np.asarray(counts, dtype=np.int64)
        if self.counts.shape != (len(self.words),):
            raise FormatError(f"vocab has {len(self.words)} words but {self.counts.shape[0]} counts")
        self._index: dict[str, int] | None = None

    @classmethod
    def from_counts(cls, counts: dict[str, int], min_count: int = 1, max_size: int | None = None) -> Vocab:
        """Keep words seen at least ``min_count`` times, most frequent first (ties: first seen)."""
        items = [(w, c) for w, c in counts.items() if c >= min_count]
        items.sort(key=lambda wc: -wc[1])  # stable: insertion order breaks ties
        if max_size is not None:
            items = items[:max_size]
        return cls([w for w, _ in items], [c for _, c in items])

    @property
    def keys(self) -> list[str]:
        """The keys, id order (``words`` is the same list)."""
        return self.words

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.words)}
            if len(self._index) != len(self.words):
                raise FormatError("vocab has duplicate words")
        return self._index

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise UnknownKeyError(word, self.suggest(word)) from None

    def get(self, word: str, default: int = -1) -> int:
        return self.index.get(word, default)

    def __iter__(self):
        return iter(self.words)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} words, {int(self.counts.sum())} tokens)"

    @property
    def total(self) -> int:
        """Sum of the counts of all words kept."""
        return int(self.counts.sum())

    def suggest(self, word: str, n: int = 3) -> list[str]:
        """Close spellings of ``word`` among the most frequent 50,000 words."""
        import difflib

        return difflib.get_close_matches(word, self.words[:50_000], n=n, cutoff=0.75)

    def ids(self, words: Iterable[str]) -> np.ndarray:
        """Ids of ``words``; raises :class:`UnknownWordError` for the first unknown one."""
        return np.array([self[w] for w in words], dtype=np.int64)

    def save_tsv(self, path: str | os.PathLike[str]) -> None:
        """Write ``word<TAB>count`` lines atomically; a word holding a tab or a newline is refused (it
        could not be read back as the same word)."""
        bad = next((w for w in self.words if "\t" in w or "\n" in w), None)
        if bad is not None:
            raise FormatError(f"word {bad!r} holds a tab or newline, which embedlab's folder format cannot store; "
                              "clean the keys first")  # fmt: skip
        with atomic_file(path, "w") as fh:
            for w, c in zip(self.words, self.counts.tolist(), strict=True):
                fh.write(f"{w}\t{c}\n")

    @classmethod
    def load_tsv(cls, path: str | os.PathLike[str]) -> Vocab:
        """Read ``word<TAB>count`` lines, checking every line."""
        p = Path(path)
        words: list[str] = []
        counts: list[int] = []
        try:
            text = p.read_bytes().decode("utf-8")  # no newline translation: a word may hold a '\r'
        except FileNotFoundError:
            raise FormatError(f"{p}: vocab file is missing") from None
        except UnicodeDecodeError as exc:
            raise FormatError(f"{p}: vocab file is not valid UTF-8 ({exc.reason})") from None
        except OSError as exc:  # a folder where the file belongs, no permission
            raise FormatError(f"{p}: vocab file cannot be read ({exc.strerror})") from None
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) == 2 and parts[1].endswith("\r"):  # a file whose lines end in CRLF
                parts[1] = parts[1][:-1]
            if len(parts) != 2:
                raise FormatError(f"{p}, line {lineno}: expected 'word<TAB>count', got {line[:60]!r}")
            words.append(parts[0])
            counts.append(parse_count(parts[1], f"{p}, line {lineno}"))
        return cls(words, counts)


def index_names(
    names: Sequence[str] | np.ndarray, fixed: Sequence[str] | None = None, *, kind: str = "key", source: str = ""
) -> tuple[list[str], np.ndarray]:
    """The distinct names and each entry's int64 id: ids follow ``fixed`` when given (a name outside it is
    a :class:`~embedlab.errors.FormatError` naming it and ``source``), else the order of first appearance.

    >>> index_names(["b", "a", "b"])
    (['b', 'a'], array([0, 1, 0]))
    """
    arr = np.asarray(names, dtype=object).astype(str)
    if fixed is not None:
        keys = [str(k) for k in fixed]
        lookup = {k: i for i, k in enumerate(keys)}
        try:
            return keys, np.fromiter((lookup[x] for x in arr), dtype=np.int64, count=arr.size)
        except KeyError as exc:
            where = f"{source}: " if source else ""
            raise FormatError(f"{where}{kind} {exc.args[0]!r} is not in the given {kind} list") from None
    uniq, first, inv = np.unique(arr, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.size, np.int64)
    rank[order] = np.arange(order.size)
    return uniq[order].tolist(), rank[inv.ravel()]
