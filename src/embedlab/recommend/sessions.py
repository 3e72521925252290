"""Session and sequence embeddings: item2vec on the skip-gram kernel, next-item prediction, session-kNN.

:class:`Item2Vec` (Barkan & Koenigstein 2016; prod2vec, Grbovic et al. 2015) trains Word2Vec on
the item sequences of sessions or users, so its settings are Word2Vec's; the ones that matter for
recommendation (Caselles-Dupré, Lesaint & Royo-Letelier 2018) are ``ns_exponent`` (negative
values sample *rare* items as noise), ``window``, ``sample`` and many ``epochs``.

Next item from the items of a session so far:

- :class:`NextItem`: the recency-weighted mean of the session's unit item vectors (the latest
  item weighs 1, each earlier one ``decay`` times less), then its nearest items;
- :class:`SessionKNN` (Jannach & Ludewig 2017): the ``neighbours`` past sessions most similar to
  this one (cosine of item sets) vote for their items, each vote weighted by its similarity.

:func:`evaluate_next_item` hides the last item of each session and scores the ranked guesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from embedlab._validation import check_float, check_int
from embedlab.errors import ConfigError, UnknownKeyError
from embedlab.recommend.base import top_k
from embedlab.recommend.config import Item2VecConfig
from embedlab.recommend.interactions import Interactions
from embedlab.recommend.metrics import ranking_metrics
from embedlab.train.config import Word2VecConfig, make_config
from embedlab.train.word2vec import Word2Vec
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.encoded import EncodedCorpus

__all__ = ["Item2Vec", "NextItem", "SessionKNN", "evaluate_next_item", "session_lists"]

#: item2vec keeps every item (min_count 1); the rest are gensim's Word2Vec defaults


class Item2Vec:
    """Item vectors from the item sequences of sessions (``by="session"``) or users (``by="user"``).

    Takes every :class:`~embedlab.Word2Vec` setting (``dim``, ``window``, ``negative``,
    ``ns_exponent``, ``sample``, ``epochs``, ``arch``, ...); ``min_count`` defaults to 1.

    >>> log = Interactions.from_records([("u1", "tea"), ("u1", "cake"), ("u2", "tea"), ("u2", "cake")] * 50)
    >>> kv = Item2Vec(dim=8, epochs=2, threads=1).fit(log, by="user")
    >>> sorted(kv.keys)
    ['cake', 'tea']
    """

    def __init__(self, config: Word2VecConfig | None = None, /, **params: Any) -> None:
        # a plain Word2VecConfig is taken as it is; keywords start from item2vec's defaults
        cls = Item2VecConfig if config is None else Word2VecConfig
        self.config: Word2VecConfig = make_config(cls, config, params, "Item2Vec")
        self.trainer: Word2Vec | None = None

    def fit(self, data: Interactions | EncodedCorpus, *, by: str = "session", progress: Any = None) -> KeyedVectors:
        """Train on ``data`` (a log, grouped ``by`` session or user, or a ready corpus of item sequences)."""
        corpus = data.sequences(by) if isinstance(data, Interactions) else data
        self.trainer = Word2Vec(self.config)
        kv = self.trainer.fit(corpus, progress=progress)
        kv.metadata["model"] = "item2vec"
        return kv


def session_lists(corpus: EncodedCorpus) -> list[list[str]]:
    """The sessions of a corpus as lists of item names."""
    return list(corpus.iter_sentences())


class NextItem:
    """Next item = nearest items to the recency-weighted mean of the session's item vectors.

    >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32))
    >>> [item for item, _ in NextItem(kv).recommend(["a"], k=1)]
    ['b']
    """

    def __init__(self, item_vectors: KeyedVectors, *, decay: float = 0.5) -> None:
        self.kv = item_vectors
        self.decay = check_float("decay", decay, 0.0, 1.0, exclusive_minimum=True)

    def session_vector(self, items: Sequence[str]) -> np.ndarray:
        """The weighted mean of the known items' unit vectors (unknown items are skipped)."""
        known = [x for x in items if x in self.kv]
        if not known:
            if not items:
                raise ConfigError("the session has no items")
            raise UnknownKeyError(str(items[-1]), kind="item", detail="no item of the session has a vector")
        w = self.decay ** np.arange(len(known) - 1, -1, -1, dtype=np.float64)
        rows = np.stack([self.kv.get_vector(x, norm=True) for x in known]).astype(np.float64)
        return (w @ rows / w.sum()).astype(np.float32)

    def recommend(self, items: Sequence[str], k: int = 10, *, exclude_session: bool = True) -> list[tuple[str, float]]:
        exclude = list(dict.fromkeys(x for x in items if x in self.kv)) if exclude_session else []
        got = self.kv.similar_by_vector(self.session_vector(items), k=k + len(exclude))
        return [(x, s) for x, s in got if x not in exclude][:k]


class SessionKNN:
    """Items of the ``neighbours`` most similar past sessions, weighted by their cosine similarity."""

    def __init__(self, neighbours: int = 100) -> None:
        self.neighbours = check_int("neighbours", neighbours, 1)
        self.items: list[str] = []

    def fit(self, sessions: EncodedCorpus) -> SessionKNN:
        if sessions.n_sentences == 0:
            raise ConfigError("no sessions to learn from")
        self.items = list(sessions.vocab.words)
        self._index = {x: i for i, x in enumerate(self.items)}
        rows = np.repeat(np.arange(sessions.n_sentences), np.diff(sessions.offsets))
        m = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, np.asarray(sessions.tokens))),
                          shape=(sessions.n_sentences, len(self.items)))  # fmt: skip
        m.data[:] = 1.0  # an item twice in a session counts once
        self.matrix = m
        self.norms = np.sqrt(np.asarray(m.sum(axis=1)).ravel())
        return self

    def recommend(self, items: Sequence[str], k: int = 10, *, exclude_session: bool = True) -> list[tuple[str, float]]:
        ids = sorted({self._index[x] for x in items if x in self._index})
        if not ids:
            raise UnknownKeyError(str(items[-1]) if items else "", kind="item",
                                  detail="no item of the session was seen in training")  # fmt: skip
        q = np.zeros(len(self.items), np.float32)
        q[ids] = 1.0
        overlap = self.matrix @ q
        sims = overlap / (self.norms * np.sqrt(len(ids)) + 1e-12)
        n = min(self.neighbours, int(np.count_nonzero(sims)))
        best = np.argpartition(-sims, n - 1)[:n]
        scores = np.asarray(self.matrix[best].T @ sims[best]).ravel()
        if exclude_session:
            scores[ids] = -np.inf
        top = top_k(scores[None, :], k)[0]
        return [(self.items[i], float(scores[i])) for i in top if i >= 0 and scores[i] > 0]


def evaluate_next_item(model: Any, sessions: Sequence[Sequence[str]], *, k: int = 10) -> dict[str, Any]:
    """HR/NDCG/MRR at ``k`` of guessing each session's last item from the items before it.

    Sessions with fewer than two items, or whose prefix has no known item or whose last item the
    model cannot recommend, still count (as misses) except those under two items; ``skipped`` says
    how many prefixes the model could not answer at all.
    """
    ranked: list[list[int]] = []
    relevant: list[set[int]] = []
    names: dict[str, int] = {}
    skipped = 0
    for s in sessions:
        if len(s) < 2:
            continue
        try:
            guess = [x for x, _ in model.recommend(list(s[:-1]), k=k)]
        except UnknownKeyError:
            guess = []
            skipped += 1
        ranked.append([names.setdefault(x, len(names)) for x in guess])
        relevant.append({names.setdefault(s[-1], len(names))})
    if not ranked:
        raise ConfigError("no session has two or more items")
    catalogue = len(getattr(model, "items", None) or getattr(getattr(model, "kv", None), "keys", []) or names)
    res = ranking_metrics(ranked, relevant, n_items=max(catalogue, 1), k=k)
    return {"primary_metric": f"hr@{k}", **res, "skipped": skipped}
