"""SubwordVectors: word vectors plus hashed n-gram vectors, so any word gets a vector.

A word in the vocabulary has the vector fastText gives it (the mean of its own row and
its n-gram rows). A word outside it gets the mean of its n-gram rows, exactly as
fastText's ``get_word_vector`` does, so rare words, typos and unseen inflections still
have neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab.errors import UnknownWordError
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.subwords import word_subword_ids

__all__ = ["SubwordVectors"]


class SubwordVectors(KeyedVectors):
    """:class:`KeyedVectors` that also answer for out-of-vocabulary words from n-grams.

    ``ngrams`` is the ``[bucket, dim]`` n-gram matrix; ``minn``, ``maxn``, ``bucket`` and
    ``jamo`` are how n-grams were cut and hashed.
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        ngrams: np.ndarray,
        minn: int,
        maxn: int,
        bucket: int,
        jamo: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(words, vectors, counts, metadata=metadata)
        self.ngrams = ngrams
        self.minn, self.maxn, self.bucket, self.jamo = int(minn), int(maxn), int(bucket), bool(jamo)

    def ngram_rows(self, word: str) -> np.ndarray:
        """Rows of ``ngrams`` used by ``word``."""
        ids = word_subword_ids(word, 0, self.minn, self.maxn, self.bucket, jamo=self.jamo)
        return ids

    def __contains__(self, word: object) -> bool:
        """True for known words and for any word with at least one n-gram (as gensim's FastText)."""
        if not isinstance(word, str):
            return False
        return word in self.vocab or (self.maxn > 0 and len(self.ngram_rows(word)) > 0)

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        if word in self.vocab:
            return super().get_vector(word, norm)
        rows = self.ngram_rows(word)
        if len(rows) == 0:
            raise UnknownWordError(word, self.vocab.suggest(word))
        v = np.asarray(self.ngrams[rows], dtype=np.float32).mean(axis=0)
        if norm:
            n = np.linalg.norm(v)
            v = v / n if n > 0 else v
        return v

    def __getitem__(self, key: str | Sequence[str]) -> np.ndarray:
        if isinstance(key, str):
            return self.get_vector(key)
        return np.stack([self.get_vector(w) for w in key])

    def _unit_of(self, word: str) -> tuple[np.ndarray, int | None]:
        if word in self.vocab:
            return super()._unit_of(word)
        return self.get_vector(word, norm=True), None
