"""Sentence vectors from static word vectors: mean and SIF pooling.

SIF (Arora, Liang & Ma, 2017, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings")
weights each word by ``a / (a + p(w))`` with ``p(w)`` its corpus frequency, then removes the
projection on the first principal component of the sentence vectors. The component is
learnt by :meth:`StaticEncoder.fit`; without a fit it is computed from the texts being
encoded, as in the paper.

>>> import numpy as np
>>> from embedlab.vectors.keyed import KeyedVectors
>>> kv = KeyedVectors(["good", "movie", "bad"], np.eye(3, dtype=np.float32), counts=[5, 3, 2])
>>> StaticEncoder(kv).encode(["Good movie!", "bad"]).round(2).tolist()
[[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from embedlab._progress import ProgressArg
from embedlab._validation import check_choice, check_float, check_int
from embedlab.encoders.base import TextEncoder, check_texts
from embedlab.errors import ConfigError
from embedlab.text.tokenizers import Tokenizer, get_tokenizer
from embedlab.vectors.keyed import KeyedVectors

__all__ = ["StaticEncoder"]


class StaticEncoder(TextEncoder):
    """Pool word vectors into sentence vectors (``pooling="mean"`` or ``"sif"``).

    Words outside the vocabulary are skipped (a :class:`~embedlab.vectors.subword.SubwordVectors`
    model builds them from n-grams instead); a text with no known word gets a zero vector.
    ``tokenizer`` should be the one the vectors were trained with (default: ``"unicode"``).
    """

    modality = "text"

    def __init__(
        self,
        vectors: KeyedVectors,
        *,
        pooling: str = "mean",
        tokenizer: str | Tokenizer | None = None,
        sif_a: float = 1e-3,
        components: int = 1,
    ) -> None:
        self.vectors = vectors
        self.pooling = check_choice("pooling", pooling, ("mean", "sif"))
        self.tokenizer = get_tokenizer(tokenizer)
        self.sif_a = check_float("sif_a", sif_a, 0.0, exclusive_minimum=True)
        self.components = check_int("components", components, 0)
        self._pc: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        if self.pooling == "sif":
            counts = np.asarray(vectors.vocab.counts, dtype=np.float64) if vectors.vocab.counts is not None else None
            if counts is None or counts.sum() <= 0:
                raise ConfigError("SIF pooling needs word counts; this model has none (use pooling='mean')")
            p = counts / counts.sum()
            self._weights = (self.sif_a / (self.sif_a + p)).astype(np.float32)
        self.name = f"{vectors.metadata.get('model', 'static')}-{self.pooling}"

    def __repr__(self) -> str:
        return f"StaticEncoder({self.name!r}, dim={self.dim}, words={len(self.vectors):,})"

    @property
    def dim(self) -> int:
        return self.vectors.dim

    def fit(self, texts: Sequence[str]) -> StaticEncoder:
        """Learn SIF's common component from ``texts`` (a no-op for mean pooling).

        Without ``fit`` the component comes from the model's own vocabulary (its most frequent
        words, weighted by frequency), never from the batch being encoded: a batch of two texts
        would otherwise lose the one direction they share and come out opposite (cosine −1).
        """
        if self.pooling == "sif" and self.components:
            self._pc = _principal_components(self._pool(check_texts(texts)), self.components)
        return self

    def _vectors(self, texts: list[str], batch_size: int, show_progress: ProgressArg) -> np.ndarray:
        out = self._pool(texts)
        if self.pooling == "sif" and self.components:
            if self._pc is None:
                self._pc = self._vocabulary_components()
            out -= (out @ self._pc.T) @ self._pc
        return out

    def contributions(self, text: str) -> tuple[list[str], np.ndarray]:
        """Each counted word of ``text`` and its share of the sentence vector (float64 rows that add up
        to ``encode([text])[0]``: the word's weight over the total weight times its vector, with SIF's
        common component taken out of each row). Words the model cannot place are left out, as in
        :meth:`encode`; a text with none gives no rows.

        >>> import numpy as np
        >>> from embedlab.vectors.keyed import KeyedVectors
        >>> kv = KeyedVectors(["good", "movie"], np.eye(2, dtype=np.float32))
        >>> words, rows = StaticEncoder(kv).contributions("good movie")
        >>> words, rows.tolist()
        (['good', 'movie'], [[0.5, 0.0], [0.0, 0.5]])
        """
        if not isinstance(text, str):
            raise ConfigError(f"text must be a str, got {type(text).__name__}")
        kv = self.vectors
        words: list[str] = []
        rows: list[np.ndarray] = []
        weights: list[float] = []
        for w, i in self._placed(text):
            if i < 0:
                rows.append(np.asarray(kv.get_vector(w), dtype=np.float64))
                weights.append(self._oov_weight)
            else:
                rows.append(np.asarray(kv.vectors[i], dtype=np.float64))
                weights.append(float(self._weights[i]) if self._weights is not None else 1.0)
            words.append(w)
        if not words:
            return [], np.zeros((0, self.dim), dtype=np.float64)
        m = np.stack(rows) * (np.asarray(weights)[:, None] / float(np.sum(np.asarray(weights, dtype=np.float32))))
        if self.pooling == "sif" and self.components:
            if self._pc is None:
                self._pc = self._vocabulary_components()
            pc = self._pc.astype(np.float64)
            m -= (m @ pc.T) @ pc
        return words, m

    def _vocabulary_components(self, top: int = 20_000) -> np.ndarray:
        """SIF's common directions estimated without a corpus: the top singular vectors of the most
        frequent words' weighted vectors, each row scaled by the square root of its frequency (the
        second moment of a random sentence vector under the unigram model)."""
        kv = self.vectors
        n = min(top, len(kv))
        counts = np.asarray(kv.vocab.counts[:n], dtype=np.float64)
        assert self._weights is not None
        rows = np.asarray(kv.vectors[:n], dtype=np.float64) * self._weights[:n, None]
        return _principal_components((rows * np.sqrt(counts / counts.sum())[:, None]).astype(np.float32),
                                     self.components)  # fmt: skip

    def _placed(self, text: str) -> Iterator[tuple[str, int]]:
        """``(word, row)`` for each word of ``text`` the model can place: its vocabulary row, or -1 for
        an unseen word a subword model builds from n-grams; other words are skipped."""
        kv = self.vectors
        index = kv.vocab.index
        has_ngrams = hasattr(kv, "ngrams")
        for w in self.tokenizer.tokenize(text):
            i = index.get(w, -1)
            if i >= 0 or (has_ngrams and w in kv):
                yield w, i

    @property
    def _oov_weight(self) -> float:
        # an unseen word is at least as rare as the rarest known one
        return float(self._weights.max()) if self._weights is not None else 1.0

    def _pool(self, texts: list[str]) -> np.ndarray:
        kv = self.vectors
        ids: list[int] = []
        owner: list[int] = []
        extra: list[np.ndarray] = []  # vectors of OOV words built from n-grams
        extra_owner: list[int] = []
        for t, text in enumerate(texts):
            for w, i in self._placed(text):
                if i >= 0:
                    ids.append(i)
                    owner.append(t)
                else:
                    extra.append(kv.get_vector(w))
                    extra_owner.append(t)
        n, dim = len(texts), kv.dim
        out = np.zeros((n, dim), dtype=np.float32)
        total = np.zeros(n, dtype=np.float32)
        if ids:
            ids_a, owner_a = np.asarray(ids), np.asarray(owner)
            rows = np.asarray(kv.vectors[ids_a], dtype=np.float32)
            weight = self._weights[ids_a] if self._weights is not None else np.ones(len(ids_a), dtype=np.float32)
            np.add.at(out, owner_a, rows * weight[:, None])
            np.add.at(total, owner_a, weight)
        if extra:
            w_oov = self._oov_weight
            np.add.at(out, np.asarray(extra_owner), np.stack(extra) * w_oov)
            np.add.at(total, np.asarray(extra_owner), w_oov)
        np.divide(out, total[:, None], out=out, where=total[:, None] > 0)
        return out


def _principal_components(m: np.ndarray, k: int) -> np.ndarray:
    if m.shape[0] < 2:
        return np.zeros((0, m.shape[1]), dtype=np.float32)
    # SIF removes the top singular directions of the (uncentred) sentence matrix
    _, _, vt = np.linalg.svd(m.astype(np.float64), full_matrices=False)
    return vt[: min(k, vt.shape[0])].astype(np.float32)
