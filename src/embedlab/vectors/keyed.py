"""KeyedVectors: the query-time artifact of every static embedding model.

It maps keys (words, items, graph nodes, labels) to rows of a float32 matrix and answers the questions gensim users ask:
similarity, distance, nearest neighbours, analogies, odd-one-out. Queries are matrix
products over unit-normalized rows; many queries at once run as blocked products.

>>> import numpy as np
>>> kv = KeyedVectors(["king", "queen", "man", "woman"],
...                   np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=np.float32))
>>> kv.analogy("man", "king", "woman")   # man : king :: woman : ?
'queen'
>>> round(kv.similarity("king", "queen"), 3)
0.5
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._params import keyword_aliases
from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError
from embedlab.vocab.vocab import Vocab

__all__ = ["KeyedVectors"]

WordOrVector = str | np.ndarray
_BLOCK = 4096  # rows of queries per blocked matrix product


class KeyedVectors:
    """Keys (words, items, nodes, labels) and their vectors.

    ``vectors`` is ``[len(words), dim]`` float32 (it may be a read-only memory map);
    ``counts`` are corpus frequencies when known; ``metadata`` holds what produced the
    vectors (parameters, corpus statistics, training report).
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        vectors = np.asanyarray(vectors)  # keeps a memory map a memory map
        if vectors.ndim != 2:
            raise ConfigError(f"vectors must be a 2-D matrix, got shape {vectors.shape}")
        if vectors.shape[0] != len(words):
            raise ConfigError(f"{len(words)} words but {vectors.shape[0]} vectors")
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        self.vocab = Vocab(words, counts)
        self.vectors = vectors
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._unit: np.ndarray | None = None

    # ----------------------------------------------------------------- container protocol
    @property
    def keys(self) -> list[str]:
        """The keys (words, items, nodes, labels), row order."""
        return self.vocab.words

    @property
    def words(self) -> list[str]:
        """The keys under their word name (the same list as :attr:`keys`)."""
        return self.vocab.words

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.vocab)

    def __contains__(self, word: object) -> bool:
        return word in self.vocab

    def __iter__(self):
        return iter(self.vocab.words)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} keys, dim={self.dim})"

    def index(self, key: str) -> int:
        """Row of ``key``; raises :class:`~embedlab.errors.UnknownKeyError` (a KeyError) with suggestions."""
        return self.vocab[key]

    def __getitem__(self, key: str | Iterable[str]) -> np.ndarray:
        if isinstance(key, str):
            return self.vectors[self.index(key)]
        return self.vectors[[self.index(w) for w in key]]

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        i = self.index(word)
        return self.unit_vectors[i] if norm else self.vectors[i]

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length (computed once, zero rows stay zero)."""
        if self._unit is None:
            self._unit = normalize_rows(np.array(self.vectors, dtype=np.float32))  # a copy, never the memmap
        return self._unit

    def unit_rows(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Unit-length float32 rows ``start:stop`` (the :class:`~embedlab.vectors.protocol.ReadableVectors` read)."""
        return self.unit_vectors[start:stop]

    # ----------------------------------------------------------------- pairwise
    def _unit_of(self, word: str) -> tuple[np.ndarray, int | None]:
        """Unit vector of ``word`` and its row (None for a word built from subwords)."""
        i = self.index(word)
        return self.unit_vectors[i], i

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words."""
        return float(np.dot(self._unit_of(w1)[0], self._unit_of(w2)[0]))

    def distance(self, w1: str, w2: str, metric: str = "cosine") -> float:
        """``1 - cosine`` (``metric="cosine"``) or the Euclidean distance of the raw vectors."""
        metric = check_choice("metric", metric, ("cosine", "euclidean"))
        if metric == "cosine":
            return 1.0 - self.similarity(w1, w2)
        return float(np.linalg.norm(self.get_vector(w1) - self.get_vector(w2)))

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine similarity of the means of two word sets (raw vectors, as gensim)."""
        if not ws1 or not ws2:
            raise ConfigError("n_similarity needs two non-empty word lists")
        a = self[list(ws1)].mean(axis=0)
        b = self[list(ws2)].mean(axis=0)
        return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))

    # ----------------------------------------------------------------- neighbours
    @keyword_aliases(topn="k")
    def most_similar(
        self,
        positive: WordOrVector | Sequence[WordOrVector] | None = None,
        negative: WordOrVector | Sequence[WordOrVector] | None = None,
        k: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` words closest to the mean of ``positive`` minus ``negative`` (3CosAdd), as gensim.

        Each word's unit vector counts once (+1 or -1); input words are left out of the
        result. ``restrict_vocab`` limits the search to the most frequent words. gensim's
        ``topn=`` is accepted for ``k`` here and in every neighbour method.
        """
        pos, neg = _as_list(positive), _as_list(negative)
        if not pos and not neg:
            raise ConfigError("most_similar needs at least one positive or negative word")
        k = check_int("k", k, 1)
        terms, exclude = self._terms(pos, 1.0)
        nterms, nexclude = self._terms(neg, -1.0)
        query = np.sum(terms + nterms, axis=0)
        norm = np.linalg.norm(query)
        if norm > 0:
            query = query / norm
        scores = self._scores(query.astype(np.float32), restrict_vocab)
        return self._top(scores, k, exclude | nexclude)

    @keyword_aliases(topn="k")
    def similar_by_vector(
        self, vector: np.ndarray, k: int = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]]:
        """Words whose vectors are closest (cosine) to ``vector``."""
        return self.most_similar(positive=[np.asarray(vector, dtype=np.float32)], k=k, restrict_vocab=restrict_vocab)

    @keyword_aliases(topn="k")
    def similar_by_word(self, word: str, k: int = 10, restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        return self.most_similar(positive=[word], k=k, restrict_vocab=restrict_vocab)

    @keyword_aliases(topn="k")
    def most_similar_cosmul(
        self,
        positive: WordOrVector | Sequence[WordOrVector] | None = None,
        negative: WordOrVector | Sequence[WordOrVector] | None = None,
        k: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """3CosMul of Levy and Goldberg (2014), with cosines shifted to [0, 1] as gensim does."""
        pos, neg = _as_list(positive), _as_list(negative)
        if not pos:
            raise ConfigError("most_similar_cosmul needs at least one positive word")
        k = check_int("k", k, 1)
        pterms, exclude = self._terms(pos, 1.0)
        nterms, nexclude = self._terms(neg, 1.0)
        scores = np.prod([(1.0 + self._scores(t, restrict_vocab)) / 2.0 for t in pterms], axis=0)
        if nterms:
            scores = scores / (np.prod([(1.0 + self._scores(t, restrict_vocab)) / 2.0 for t in nterms], axis=0) + 1e-6)
        return self._top(scores, k, exclude | nexclude)

    @keyword_aliases(topn="k")
    def analogy(self, a: str, b: str, c: str, k: int = 1, method: str = "add") -> Any:
        """Solve ``a : b :: c : ?`` (e.g. ``analogy("man", "king", "woman") -> "queen"``).

        ``method="add"`` is 3CosAdd (b - a + c), ``"mul"`` is 3CosMul. Returns the best
        word when ``k == 1``, else a list of (word, score).
        """
        method = check_choice("method", method, ("add", "mul"))
        fn = self.most_similar if method == "add" else self.most_similar_cosmul
        res = fn(positive=[b, c], negative=[a], k=k)
        return res[0][0] if k == 1 else res

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the others' unit vectors (gensim's odd-one-out)."""
        words = list(words)
        if len(words) < 2:
            raise ConfigError("doesnt_match needs at least two words")
        u = np.stack([self._unit_of(w)[0] for w in words])
        mean = u.mean(axis=0)
        mean /= np.linalg.norm(mean) or 1.0
        return words[int(np.argmin(u @ mean))]

    @keyword_aliases(topn="k")
    def most_similar_batch(
        self, queries: Sequence[str] | np.ndarray, k: int = 10, restrict_vocab: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """Neighbours of many words (or rows of a matrix) at once, by blocked matrix products.

        For words, the word itself is left out of its own list (as ``most_similar`` does).
        """
        k = check_int("k", k, 1)
        u = self._restricted(restrict_vocab)
        if isinstance(queries, np.ndarray):
            q = np.asarray(queries, dtype=np.float32)
            q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
            self_ids = np.full(q.shape[0], -1)
        else:
            self_ids = np.array([self.index(w) for w in queries], dtype=np.int64)
            q = self.unit_vectors[self_ids]
        idx, sc = topk_rows(q, u, k, exclude=self_ids)
        words = self.words
        return [[(words[j], float(s)) for j, s in zip(ri, rs, strict=True)] for ri, rs in zip(idx, sc, strict=True)]

    # ----------------------------------------------------------------- helpers
    def _scores(self, query: np.ndarray, restrict_vocab: int | None) -> np.ndarray:
        """Cosine of every row (the first ``restrict_vocab``) with the unit vector ``query``."""
        return self._restricted(restrict_vocab) @ query

    def _restricted(self, restrict_vocab: int | None) -> np.ndarray:
        u = self.unit_vectors
        if restrict_vocab is not None:
            u = u[: check_int("restrict_vocab", restrict_vocab, 1)]
        return u

    def _terms(self, items: list[WordOrVector], weight: float) -> tuple[list[np.ndarray], set[int]]:
        terms: list[np.ndarray] = []
        exclude: set[int] = set()
        for item in items:
            if isinstance(item, str):
                unit, i = self._unit_of(item)
                if i is not None:
                    exclude.add(i)
                terms.append(weight * unit)
            else:
                v = np.asarray(item, dtype=np.float32).reshape(-1)
                if v.shape[0] != self.dim:
                    raise ConfigError(f"query vector has dimension {v.shape[0]}, the model has {self.dim}")
                n = np.linalg.norm(v)
                terms.append(weight * (v / n if n > 0 else v))
        return terms, exclude

    def _top(self, scores: np.ndarray, k: int, exclude: set[int]) -> list[tuple[str, float]]:
        m = min(k + len(exclude), scores.shape[0])
        cand = np.argpartition(-scores, m - 1)[:m] if m < scores.shape[0] else np.arange(scores.shape[0])
        cand = cand[np.lexsort((cand, -scores[cand]))]
        words = self.words
        return [(words[i], float(scores[i])) for i in cand.tolist() if i not in exclude][:k]

    # ----------------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike[str], format: str = "native") -> None:
        """Save as ``native`` (folder), ``word2vec-bin`` or ``word2vec-txt``; atomic."""
        from embedlab.io import save

        save(self, path, format=format)

    def _native_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What the native folder holds beyond vectors and vocabulary: (config entries, named arrays)."""
        return {}, {}

    def _native_matrix(self) -> np.ndarray:
        """The matrix stored as ``vectors.npy``: float32 rows here, codes for compressed vectors."""
        return np.ascontiguousarray(self.vectors, dtype=np.float32)

    @classmethod
    def _native_matrix_ok(cls, matrix: np.ndarray, config: dict[str, Any]) -> bool:
        """Whether ``vectors.npy`` has the dtype and width ``config`` promises."""
        return matrix.ndim == 2 and matrix.dtype == np.float32 and matrix.shape[1] == config.get("dim")

    @classmethod
    def _from_native(
        cls, vocab: Vocab, vectors: np.ndarray, config: dict[str, Any], load_array: Any, path: Any
    ) -> KeyedVectors:
        """Rebuild from a native folder that ``io`` has read and checked (vectors and vocabulary agree)."""
        return cls(vocab.words, vectors, vocab.counts, metadata=config.get("metadata", {}))


def topk_rows(
    queries: np.ndarray, matrix: np.ndarray, k: int, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows of ``matrix`` by dot product for every query, in blocks of queries.

    ``exclude[i]`` (>= 0) is a row never returned for query ``i``. Returns index and score
    arrays of shape ``[n_queries, k]``, best first (ties by lower index).
    """
    n = matrix.shape[0]
    kk = min(k + 1, n)
    out_i = np.empty((queries.shape[0], min(k, n)), dtype=np.int64)
    out_s = np.empty((queries.shape[0], min(k, n)), dtype=np.float32)
    for start in range(0, queries.shape[0], _BLOCK):
        q = queries[start : start + _BLOCK]
        s = q @ matrix.T
        if exclude is not None:
            ex = exclude[start : start + _BLOCK]
            rows = np.flatnonzero((ex >= 0) & (ex < n))
            s[rows, ex[rows]] = -np.inf
        part = np.argpartition(-s, kk - 1, axis=1)[:, :kk] if kk < n else np.tile(np.arange(n), (s.shape[0], 1))
        ps = np.take_along_axis(s, part, axis=1)
        order = np.lexsort((part, -ps), axis=1)
        part = np.take_along_axis(part, order, axis=1)[:, : out_i.shape[1]]
        out_i[start : start + q.shape[0]] = part
        out_s[start : start + q.shape[0]] = np.take_along_axis(s, part, axis=1)
    return out_i, out_s


def _as_list(x: WordOrVector | Sequence[WordOrVector] | None) -> list[WordOrVector]:
    if x is None:
        return []
    if isinstance(x, (str, np.ndarray)):
        return [x]
    return list(x)
