"""Taste vectors (the handbook's Spotify case): a user is the time-decayed, weighted mean of the
vectors of what they consumed; recommendations are the items nearest that taste, each with the
consumed items that contributed most ("because you bought X").

Item vectors can come from anywhere: item2vec, ALS item factors, or item text through any
encoder (:func:`content_vectors`), which also covers cold-start items nobody has touched yet.
:class:`Taste` mixes a second set of vectors in with ``content_weight`` for a hybrid score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from embedlab._validation import check_float
from embedlab.errors import ConfigError
from embedlab.recommend.base import Recommender
from embedlab.recommend.interactions import Interactions
from embedlab.vectors.keyed import KeyedVectors

__all__ = ["Taste", "content_vectors", "taste_weights"]

DAY = 86_400


def content_vectors(encoder: Any, texts: Mapping[str, str], *, batch_size: int = 256) -> KeyedVectors:
    """Item vectors from item text (title, description, ...) through any encoder with ``encode``."""
    if not texts:
        raise ConfigError("no item texts to encode")
    keys = list(texts)
    vecs = np.asarray(encoder.encode([texts[k] for k in keys], batch_size=batch_size), dtype=np.float32)
    return KeyedVectors(keys, vecs, metadata={"model": "content", "encoder": getattr(encoder, "name", "")})


def taste_weights(weights: np.ndarray, times: np.ndarray | None, *, half_life_days: float | None,
                  now: int | None = None) -> np.ndarray:  # fmt: skip
    """Each event's weight times 0.5 ** (age / half-life); no decay without times or half-life."""
    w = np.asarray(weights, dtype=np.float64)
    if times is None or half_life_days is None:
        return w
    t = np.asarray(times, dtype=np.float64)
    ref = float(t.max()) if now is None else float(now)
    return w * 0.5 ** (np.maximum(ref - t, 0.0) / (half_life_days * DAY))


class Taste(Recommender):
    """Recommend by taste vectors over item vectors (optionally mixed with content vectors).

    ``half_life_days`` decays old events (None: no decay); ``content`` adds item vectors from
    text, mixed in with ``content_weight`` (0 ignores it, 1 uses content alone).
    """

    def __init__(self, item_vectors: KeyedVectors, *, half_life_days: float | None = None,
                 content: KeyedVectors | None = None, content_weight: float = 0.5) -> None:  # fmt: skip
        self.item_kv = item_vectors
        self.half_life_days = None if half_life_days is None else check_float("half_life_days", half_life_days, 0.0,
                                                                               exclusive_minimum=True)  # fmt: skip
        self.content = content
        self.content_weight = check_float("content_weight", content_weight, 0.0, 1.0)

    def fit(self, train: Interactions) -> Taste:
        self._remember(train)
        self._tables = [(self._aligned(self.item_kv, train), 1.0 - (self.content_weight if self.content else 0.0))]
        if self.content is not None and self.content_weight > 0:
            self._tables.append((self._aligned(self.content, train), self.content_weight))
        # an item with no vector in any table that counts has no score to give: it is never recommended
        self._known = np.zeros(train.n_items, dtype=bool)
        for table, mix in self._tables:
            if mix > 0:
                self._known |= table.any(axis=1)
        w = taste_weights(train.weights, train.times, half_life_days=self.half_life_days)
        self._event_weights = w
        self._by_user = np.argsort(train.user_ids, kind="stable")
        counts = np.bincount(train.user_ids, minlength=train.n_users)
        self._user_starts = np.concatenate([[0], np.cumsum(counts)])
        return self

    @staticmethod
    def _aligned(kv: KeyedVectors, train: Interactions) -> np.ndarray:
        """Unit vectors in the log's item order; items without a vector get zeros (never recommended by it)."""
        out = np.zeros((train.n_items, kv.dim), np.float32)
        for i, item in enumerate(train.items):
            if item in kv:
                out[i] = kv.get_vector(item, norm=True)
        return out

    def _events(self, uid: int) -> np.ndarray:
        return self._by_user[self._user_starts[uid] : self._user_starts[uid + 1]]

    def user_scores(self, user_ids: np.ndarray) -> np.ndarray:
        train = self._check_fitted()
        scores = np.zeros((len(user_ids), train.n_items), np.float32)
        for table, mix in self._tables:
            tastes = np.zeros((len(user_ids), table.shape[1]), np.float32)
            for r, uid in enumerate(np.asarray(user_ids).tolist()):
                ev = self._events(uid)
                vec = self._event_weights[ev] @ table[train.item_ids[ev]]
                norm = np.linalg.norm(vec)
                tastes[r] = vec / norm if norm > 0 else 0.0
            scores += mix * (tastes @ table.T)
        scores[:, ~self._known] = -np.inf
        return scores

    def explain(self, user: str, item: str, n: int = 3) -> list[tuple[str, float]]:
        """The user's items that contributed most to ``item``'s score: ``(item, share)``, shares sum to ≤ 1."""
        train = self._check_fitted()
        uid, target = train.user_index(user), train.item_index(item)
        ev = self._events(uid)
        contrib = np.zeros(train.n_items, np.float64)
        items = train.item_ids[ev]
        for table, mix in self._tables:
            np.add.at(contrib, items, mix * self._event_weights[ev] * (table[items] @ table[target]))
        total = contrib[contrib > 0].sum()
        order = [i for i in np.argsort(-contrib)[:n] if contrib[i] > 0]
        return [(train.items[i], float(contrib[i] / total)) for i in order] if total > 0 else []

    def recommend_with_reasons(self, user: str, k: int = 10, *, reasons: int = 2) -> list[dict[str, Any]]:
        """``recommend`` plus, for each item, the user's items behind it ("because you bought X")."""
        return [{"item": item, "score": score, "because": [x for x, _ in self.explain(user, item, reasons)]}
                for item, score in self.recommend(user, k)]  # fmt: skip
