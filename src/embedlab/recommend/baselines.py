"""The baselines every recommender must beat, run in the same evaluation: popularity and item-kNN.

- :class:`Popularity`: every user gets the items the most users interacted with.
- :class:`ItemKNN`: an item's neighbours are the items with the highest cosine between their
  columns of the binary user × item matrix (co-occurrence normalised by each item's count); a
  user's score for an item sums its similarity to the user's items, keeping each item's
  ``neighbours`` closest (Sarwar et al. 2001; Deshpande & Karypis 2004).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from embedlab._validation import check_int
from embedlab.recommend.base import Recommender, top_k
from embedlab.recommend.interactions import Interactions

__all__ = ["ItemKNN", "Popularity"]


class Popularity(Recommender):
    """Items ranked by the number of distinct users who interacted with them.

    >>> log = Interactions.from_records([("a", "x"), ("b", "x"), ("b", "y"), ("c", "z")])
    >>> Popularity().fit(log).recommend("c", k=2)
    [('x', 2.0), ('y', 1.0)]
    """

    def fit(self, train: Interactions) -> Popularity:
        self._remember(train)
        assert self._seen is not None
        self.counts = np.asarray(self._seen.sum(axis=0), dtype=np.float32).ravel()
        return self

    def user_scores(self, user_ids: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.counts, (len(user_ids), self.counts.size))


class ItemKNN(Recommender):
    """Item-to-item cosine on co-occurrence, the ``neighbours`` closest kept per item.

    >>> log = Interactions.from_records([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("c", "x")])
    >>> [item for item, _ in ItemKNN().fit(log).recommend("c", k=1)]
    ['y']
    """

    def __init__(self, neighbours: int = 100) -> None:
        self.neighbours = check_int("neighbours", neighbours, 1)

    def fit(self, train: Interactions) -> ItemKNN:
        self._remember(train)
        assert self._seen is not None
        x = self._seen.tocsc().astype(np.float32)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
        inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        xn = x @ sp.diags(inv)
        sim = (xn.T @ xn).tocsr()
        sim.setdiag(0.0)
        sim.eliminate_zeros()
        self.similarity = _keep_top(sim, self.neighbours)
        return self

    def user_scores(self, user_ids: np.ndarray) -> np.ndarray:
        assert self._seen is not None
        return np.asarray((self._seen[user_ids] @ self.similarity).todense())

    def item_similarity(self, item_id: int, others: np.ndarray) -> np.ndarray:
        return np.asarray(self.similarity[item_id, others].todense()).ravel()

    def recommend_for_items(self, items: list[str], k: int = 10) -> list[tuple[str, float]]:
        """Items for someone with ``items`` (a session, a new user): summed similarity to them."""
        train = self._check_fitted()
        ids = [train.item_index(x) for x in items]
        scores = np.asarray(self.similarity[ids].sum(axis=0)).ravel().astype(np.float32)
        scores[ids] = -np.inf
        return [(train.items[i], float(scores[i])) for i in top_k(scores[None, :], k)[0] if i >= 0 and scores[i] > 0]

    def similar_items(self, item: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` items most often bought with ``item`` (cosine), best first."""
        train = self._check_fitted()
        row = self.similarity[train.item_index(item)].toarray()
        return [(train.items[i], float(row[0, i])) for i in top_k(row, k)[0] if i >= 0 and row[0, i] > 0]


def _keep_top(m: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """Each row's ``n`` largest entries."""
    m = m.tocsr()
    lengths = np.diff(m.indptr)
    if lengths.size == 0 or lengths.max() <= n:
        return m
    keep = np.zeros(m.data.size, bool)
    for r in np.flatnonzero(lengths > 0):
        a, b = m.indptr[r], m.indptr[r + 1]
        if b - a <= n:
            keep[a:b] = True
        else:
            keep[a + np.argpartition(-m.data[a:b], n - 1)[:n]] = True
    rows = np.repeat(np.arange(m.shape[0]), lengths)
    return sp.csr_matrix((m.data[keep], (rows[keep], m.indices[keep])), shape=m.shape)
