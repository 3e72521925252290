"""Lexical search: Okapi BM25 over tokens, through bm25s, with embedlab's tokenizers.

BM25 scores a document for a query by the query terms it contains, each weighted by its
inverse document frequency and saturated in its count (``k1``), with long documents
discounted (``b``). For Korean the terms are Kiwi morphemes (``language="ko"``): 먹었다 and
먹는다 then share the term 먹, which plain eojeol would not. The index keeps embedlab's integer
ids next to bm25s' rows, answers in the same ``(ids, scores)`` shape as the vector indexes
(missing results: id -1, score -inf) and only returns documents that share a term with the query.

>>> idx = BM25Index().fit(["the cat sat", "a dog barked", "the cat and the dog"], ids=[10, 11, 12])
>>> ids, scores = idx.search(["cat"], k=3)
>>> ids[0].tolist()
[10, 12, -1]
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._validation import check_choice, check_float, check_int
from embedlab.errors import ConfigError, FormatError, MissingDependencyError
from embedlab.text.tokenizers import Tokenizer, get_tokenizer, tokenize_batch, tokenizer_for_language

__all__ = ["BM25_METHODS", "BM25Index"]

BM25_METHODS = ("lucene", "robertson", "atire", "bm25l", "bm25+")
_PARAMS = "embedlab-bm25.json"


def _bm25s() -> Any:
    try:
        import bm25s
    except ImportError:
        raise MissingDependencyError("bm25s", "search") from None
    return bm25s


class BM25Index:
    """Okapi BM25 (``method="lucene"`` by default, as Elasticsearch) over the tokens of ``tokenizer``.

    ``language`` picks the tokenizer instead: ``"en"`` (and every language written with spaces
    between words) lowercased Unicode words, ``"ko"`` Kiwi morphemes without particles and
    endings. ``k1`` and ``b`` are BM25's two constants.
    """

    def __init__(
        self,
        tokenizer: str | Tokenizer | None = None,
        *,
        language: str | None = None,
        k1: float = 1.5,
        b: float = 0.75,
        method: str = "lucene",
    ) -> None:
        if tokenizer is not None and language is not None:
            raise ConfigError("give a tokenizer or a language, not both")
        self.language = language
        self.tokenizer = tokenizer_for_language(language) if language is not None else get_tokenizer(tokenizer)
        if not (isinstance(k1, (int, float)) and 0 <= k1 < 100):
            raise ConfigError(f"k1 must be a number in [0, 100), got {k1!r}")
        self.k1, self.b = float(k1), check_float("b", b, 0.0, 1.0)
        self.method = check_choice("method", method, BM25_METHODS)
        self.ids = np.empty(0, dtype=np.int64)
        self._bm25: Any = None

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"BM25Index({len(self)} documents, tokenizer={self.tokenizer.name!r}, k1={self.k1}, b={self.b})"

    def fit(self, texts: Sequence[str], ids: Sequence[int] | np.ndarray | None = None) -> BM25Index:
        """Index ``texts`` (replacing what was indexed); ``ids`` default to 0..n-1."""
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            raise ConfigError("texts must be strings")
        ids_arr = np.arange(len(texts), dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64).ravel()
        if len(ids_arr) != len(texts):
            raise ConfigError(f"{len(ids_arr)} ids for {len(texts)} texts")
        self.ids = ids_arr
        self._bm25 = None
        if texts:
            bm25 = _bm25s().BM25(k1=self.k1, b=self.b, method=self.method)
            bm25.index(tokenize_batch(self.tokenizer, texts), show_progress=False)
            self._bm25 = bm25
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed document for one query (in the order they were indexed)."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(self.tokenizer.tokenize(query)), dtype=np.float32)

    def search(
        self, queries: str | Sequence[str], k: int = 10, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best documents per query: ``(ids [q, k], scores [q, k])``; only documents that
        share a term with the query (and, with ``allowed``, whose id is in it) are returned."""
        qs = [queries] if isinstance(queries, str) else list(queries)
        if not all(isinstance(q, str) for q in qs):
            raise ConfigError("queries must be strings")
        if empty := [i for i, q in enumerate(qs) if not q.strip()]:
            raise ConfigError(f"query {empty[0]} is empty: lexical search needs words to match")
        k = check_int("k", k, 1)
        out_ids = np.full((len(qs), k), -1, dtype=np.int64)
        out_scores = np.full((len(qs), k), -np.inf, dtype=np.float32)
        if self._bm25 is None or not qs:
            return out_ids, out_scores
        mask = None if allowed is None else np.isin(self.ids, np.asarray(allowed, dtype=np.int64)).astype(np.float32)
        kk = min(k, len(self.ids))
        rows, scores = self._bm25.retrieve(
            tokenize_batch(self.tokenizer, qs), k=kk, show_progress=False, weight_mask=mask, n_threads=1
        )
        for i in range(len(qs)):
            keep = scores[i] > 0
            n = int(keep.sum())
            out_ids[i, :n] = self.ids[rows[i][keep]]
            out_scores[i, :n] = scores[i][keep]
        return out_ids, out_scores

    def config(self) -> dict[str, Any]:
        tok = self.tokenizer.config() if hasattr(self.tokenizer, "config") else {"name": self.tokenizer.name}
        return {"k1": self.k1, "b": self.b, "method": self.method, "language": self.language, "tokenizer": tok}

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to the folder ``path`` (bm25s' arrays, the ids and the settings), atomically."""
        from embedlab._files import atomic_dir

        with atomic_dir(path) as tmp:
            if self._bm25 is not None:
                self._bm25.save(str(tmp), show_progress=False)
            np.save(tmp / "ids.npy", self.ids)
            (tmp / _PARAMS).write_text(json.dumps(self.config()))

    @classmethod
    def load(cls, path: str | os.PathLike[str], tokenizer: str | Tokenizer | None = None) -> BM25Index:
        """Read an index saved by :meth:`save`. The tokenizer is rebuilt from the saved settings
        (Kiwi options included) unless one is given."""
        from embedlab._files import load_npy

        root = Path(path)
        try:
            info = json.loads((root / _PARAMS).read_text())
            tok_info = dict(info["tokenizer"])
            ids = load_npy(root / "ids.npy")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FormatError(f"{root} is not a saved BM25 index: {exc}") from None
        if tokenizer is None:
            name = tok_info.pop("name")
            tokenizer = get_tokenizer(name, **tok_info)
        idx = cls(tokenizer, k1=info["k1"], b=info["b"], method=info["method"])
        idx.language = info.get("language")
        idx.ids = np.asarray(ids, dtype=np.int64)
        if len(idx.ids):
            try:
                idx._bm25 = _bm25s().BM25.load(str(root), show_progress=False)
            except (OSError, ValueError, KeyError) as exc:
                raise FormatError(f"{root}: the BM25 arrays cannot be read: {exc}") from None
            if idx._bm25.scores["num_docs"] != len(idx.ids):
                raise FormatError(f"{root}: {idx._bm25.scores['num_docs']} indexed documents for {len(idx.ids)} ids")
        return idx
