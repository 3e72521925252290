"""SubwordVectors: word vectors plus hashed n-gram vectors, so any word gets a vector.

A word in the vocabulary has the vector fastText gives it (the mean of its own row and
its n-gram rows). A word outside it gets the mean of its n-gram rows, exactly as
fastText's ``get_word_vector`` does, so rare words, typos and unseen inflections still
have neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from embedlab.errors import FormatError, UnknownWordError
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.subwords import word_subword_ids
from embedlab.vocab.vocab import Vocab

__all__ = ["SubwordVectors", "UnseenWords"]


class UnseenWords(KeyedVectors):
    """What every artifact with character n-grams shares: a word outside the vocabulary is the mean of
    its n-gram rows (``ngram_rows`` names them, ``_ngram_mean`` averages them however they are stored)."""

    maxn: int

    def ngram_rows(self, word: str) -> np.ndarray:
        raise NotImplementedError

    def _ngram_mean(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

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
        v = self._ngram_mean(rows)
        if norm:
            n = np.linalg.norm(v)
            v = v / n if n > 0 else v
        return v

    def __getitem__(self, key: str | Iterable[str]) -> np.ndarray:
        if isinstance(key, str):
            return self.get_vector(key)
        return np.stack([self.get_vector(w) for w in key])

    def _unit_of(self, word: str) -> tuple[np.ndarray, int | None]:
        if word in self.vocab:
            return super()._unit_of(word)
        return self.get_vector(word, norm=True), None


class SubwordVectors(UnseenWords):
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

    def _native_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        subwords = {"minn": self.minn, "maxn": self.maxn, "bucket": self.bucket, "jamo": self.jamo}
        return {"subwords": subwords}, {"ngrams": np.asarray(self.ngrams, dtype=np.float32)}

    @classmethod
    def _from_native(
        cls, vocab: Vocab, vectors: np.ndarray, config: dict[str, Any], load_array: Any, path: Any
    ) -> SubwordVectors:
        sub = config.get("subwords")
        if not isinstance(sub, dict) or not {"minn", "maxn", "bucket", "jamo"} <= sub.keys():
            raise FormatError(f"{path}/config.json: a subword model needs 'subwords' with minn, maxn, bucket, jamo")
        minn, maxn, bucket, jamo = sub["minn"], sub["maxn"], sub["bucket"], sub["jamo"]
        if not all(type(v) is int for v in (minn, maxn, bucket)) or type(jamo) is not bool:
            raise FormatError(f"{path}/config.json: subwords minn, maxn, bucket must be integers and jamo true/false")
        if bucket < 0 or maxn < 0 or (maxn > 0 and not 0 < minn <= maxn <= 1000):
            raise FormatError(f"{path}/config.json: subwords minn {minn}, maxn {maxn}, bucket {bucket} are not valid "
                              "(bucket >= 0 and 0 < minn <= maxn <= 1000, or maxn 0)")  # fmt: skip
        ngrams = load_array("ngrams")
        expected = (bucket if maxn > 0 else 0, vectors.shape[1])
        if ngrams.shape != expected or ngrams.dtype != np.float32:
            raise FormatError(f"{path}/ngrams.npy should be float32 {expected}, got {ngrams.dtype} {ngrams.shape}")
        return cls(
            vocab.words, vectors, vocab.counts, ngrams=ngrams, minn=minn, maxn=maxn,
            bucket=bucket, jamo=jamo, metadata=config.get("metadata", {}),
        )  # fmt: skip

    def ngram_rows(self, word: str) -> np.ndarray:
        """Rows of ``ngrams`` used by ``word``."""
        ids = word_subword_ids(word, 0, self.minn, self.maxn, self.bucket, jamo=self.jamo)
        return ids

    def _ngram_mean(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.ngrams[rows], dtype=np.float32).mean(axis=0)
