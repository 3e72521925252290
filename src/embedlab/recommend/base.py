"""What every user-to-item recommender shares: scores for users, top-K without seen items, evaluation.

A recommender keeps the training interactions it was fitted on, so ``recommend("ann")`` filters
Ann's items itself: no user × item matrix is passed at query time. Subclasses implement
:meth:`Recommender.user_scores` (scores of all items for a block of known users).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from embedlab._validation import check_int
from embedlab.errors import ConfigError
from embedlab.index.exact import best_columns
from embedlab.recommend.interactions import Interactions
from embedlab.recommend.metrics import ranking_metrics

__all__ = ["Recommender", "evaluate_recommender", "top_k"]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column ids of each row's ``k`` highest scores, best first (ties: lower id first), by the numba
    top-k kernel the exact index uses; a row with fewer than ``k`` finite scores is padded with -1."""
    s = np.ascontiguousarray(scores, dtype=np.float32)
    return best_columns(s, check_int("k", k, 1))[0]


class Recommender:
    """Base of the user-to-item recommenders: fitted on :class:`Interactions`, asked by user name."""

    train: Interactions | None = None
    _seen: sp.csr_matrix | None = None

    def _remember(self, train: Interactions) -> None:
        if train.n_events == 0:
            raise ConfigError("cannot fit on an empty interaction log")
        self.train = train
        self._seen = train.matrix("binary")

    def _check_fitted(self) -> Interactions:
        if self.train is None:
            raise ConfigError(f"{type(self).__name__} is not fitted yet; call fit(interactions) first")
        return self.train

    def user_scores(self, user_ids: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def recommend_ids(self, user_ids: np.ndarray, k: int = 10, *, exclude_seen: bool = True) -> np.ndarray:
        """Top ``k`` item ids for each user id (rows in the order given), computed in blocks."""
        self._check_fitted()
        out = np.empty((len(user_ids), min(k, self._check_fitted().n_items)), np.int64)
        for a in range(0, len(user_ids), 1024):
            block = np.asarray(user_ids[a : a + 1024])
            scores = np.array(self.user_scores(block), dtype=np.float32, copy=True)
            if exclude_seen and self._seen is not None:
                seen = self._seen[block]
                rows = np.repeat(np.arange(len(block)), np.diff(seen.indptr))
                scores[rows, seen.indices] = -np.inf
            out[a : a + len(block)] = top_k(scores, k)
        return out

    def recommend(self, user: str, k: int = 10, *, exclude_seen: bool = True) -> list[tuple[str, float]]:
        """The ``k`` best items for ``user`` as ``(item, score)``, items the user already has left out."""
        train = self._check_fitted()
        uid = train.user_index(user)
        scores = np.asarray(self.user_scores(np.array([uid])), dtype=np.float32)[0]
        if exclude_seen and self._seen is not None:
            scores = scores.copy()
            scores[self._seen[uid].indices] = -np.inf
        ids = top_k(scores[None, :], k)[0]
        return [(train.items[i], float(scores[i])) for i in ids if i >= 0]

    def recommend_for_items(self, items: list[str], k: int = 10) -> list[tuple[str, float]]:
        """Items for someone who is not in the fitted log, from the items they have (a session)."""
        raise ConfigError(f"{type(self).__name__} cannot recommend from a list of items; use ALS, BPR or item-kNN")

    def similar_items(self, item: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` items most similar to ``item`` by this model."""
        raise ConfigError(f"{type(self).__name__} has no item similarity; use ALS, BPR or item-kNN")

    def item_similarity(self, item_id: int, others: np.ndarray) -> np.ndarray | None:
        """Similarity of item ``item_id`` to each of ``others`` (None: this model has no item similarity)."""
        return None

    def because(self, user: str, item: str, n: int = 2) -> list[str]:
        """The user's items most similar to ``item`` by this model: "because you bought X"."""
        train = self._check_fitted()
        assert self._seen is not None
        uid, iid = train.user_index(user), train.item_index(item)
        have = self._seen[uid].indices
        sims = self.item_similarity(iid, have) if have.size else None
        if sims is None:
            return []
        order = np.argsort(-sims, kind="stable")[:n]
        return [train.items[int(have[j])] for j in order if sims[j] > 0]


def evaluate_recommender(model: Recommender, test: Interactions, *, k: int = 10, **kwargs: Any) -> dict[str, Any]:
    """HR/NDCG/MRR/precision/recall/coverage at ``k`` of ``model`` on the users of ``test``.

    ``test`` must share the training log's user and item ids (a split of the same log). A test
    user's relevant items are those they interacted with in ``test`` and not in training (seen items
    are never recommended); users with none, or unseen in training, are left out.
    """
    train = model._check_fitted()
    if test.items != train.items or test.users != train.users:
        raise ConfigError("test must come from the same log as the training data (split it with Interactions)")
    seen = model._seen
    assert seen is not None
    rel: dict[int, set[int]] = {}
    known = np.diff(seen.indptr) > 0
    for u, i in zip(test.user_ids.tolist(), test.item_ids.tolist(), strict=True):
        if known[u] and not _has(seen, u, i):
            rel.setdefault(u, set()).add(i)
    if not rel:
        raise ConfigError("no test user has a new item to find")
    users = np.array(sorted(rel), dtype=np.int64)
    ranked = model.recommend_ids(users, k, **kwargs)
    return {"primary_metric": f"ndcg@{k}", **ranking_metrics(ranked, [rel[u] for u in users.tolist()],
                                                             n_items=train.n_items, k=k)}  # fmt: skip


def _has(m: sp.csr_matrix, row: int, col: int) -> bool:
    cols = m.indices[m.indptr[row] : m.indptr[row + 1]]
    j = np.searchsorted(cols, col)
    return bool(j < cols.size and cols[j] == col)
