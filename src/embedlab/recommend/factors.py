"""Collaborative filtering: implicit-feedback ALS and BPR user and item factors, through ``implicit``.

The factorisation is the `implicit` library's (Hu, Koren & Volinsky 2008 for ALS; Rendle et al.
2009 for BPR). Around it, what its users ask for: the training loss and an optional validation
metric after every iteration (``callbacks``, progress bar), ``recommend`` by user name with
seen items filtered from the fitted log (no user × item matrix at query time), fold-in of a new
user from their items for both models, and the factors as key-addressed vectors
(``user_vectors``, ``item_vectors``: save, query, plot and serve them like word vectors).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embedlab.errors import ConfigError, MissingDependencyError
from embedlab.recommend.base import Recommender, evaluate_recommender, top_k
from embedlab.recommend.config import ALSConfig, BPRConfig
from embedlab.recommend.interactions import Interactions
from embedlab.train.config import make_config
from embedlab.vectors.keyed import KeyedVectors

__all__ = ["ALS", "BPR"]


def _implicit(module: str) -> Any:
    try:
        import importlib

        return importlib.import_module(f"implicit.{module}")
    except ImportError:
        raise MissingDependencyError("implicit", "recommend") from None


class _Factors(Recommender):
    _model: Any = None
    _module = ""
    weighting = "confidence"
    config: Any  # an ALSConfig or a BPRConfig
    confidence: float  # the confidence scale of the weights (BPR: 1, it reads them as binary)

    def _configure(self, config: Any) -> None:
        c = self.config = config
        self.dim, self.epochs, self.regularization, self.seed = c.dim, c.epochs, c.regularization, c.seed
        self.threads = c.threads or 0  # implicit's 0: every core
        self.history: list[dict[str, float]] = []

    def _make(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(
        self,
        train: Interactions,
        *,
        validation: Interactions | None = None,
        k: int = 10,
        callbacks: Sequence[Callable[[dict[str, float]], Any]] = (),
        progress: Any = False,
    ) -> _Factors:
        """Factorise ``train``; with ``validation``, NDCG@k on it after every iteration goes in ``history``.

        Each callback gets ``{"iteration", "seconds"`` and ``"loss"`` (ALS) or ``"correct"`` (BPR: the
        share of sampled triples ranked right), and ``"ndcg@k"`` with validation ``}``.
        """
        from threadpoolctl import threadpool_limits

        self._remember(train)
        self.history = []
        _implicit(self._module)  # loaded first, so the BLAS it brings is limited below too
        with threadpool_limits(1, "blas"):  # implicit's own threads do the work; BLAS threads would fight them
            model = self._make()
        matrix = train.matrix(self.weighting, confidence=self.confidence)
        t0 = time.perf_counter()

        def on_iteration(iteration: int, seconds: float, *extra: Any) -> None:
            row: dict[str, float] = {"iteration": iteration + 1, "seconds": time.perf_counter() - t0}
            if extra and self.weighting == "confidence":  # ALS: the training loss
                row["loss"] = float(extra[0])
            elif extra:  # BPR: the share of sampled (user, seen, unseen) triples ranked right
                row["correct"] = float(extra[0])
            if validation is not None:
                self._model = model
                self._from_model()
                row.update({key: v for key, v in evaluate_recommender(self, validation, k=k).items()
                            if key.startswith("ndcg@")})  # fmt: skip
            self.history.append(row)
            for cb in callbacks:
                cb(row)

        with threadpool_limits(1, "blas"):
            model.fit(matrix, show_progress=bool(progress), callback=on_iteration)
        self._model = model
        self._from_model()
        return self

    def _from_model(self) -> None:
        m = self._model
        self.user_factors = np.ascontiguousarray(m.user_factors, dtype=np.float32)
        self.item_factors = np.ascontiguousarray(m.item_factors, dtype=np.float32)

    def user_scores(self, user_ids: np.ndarray) -> np.ndarray:
        return self.user_factors[user_ids] @ self.item_factors.T

    @property
    def user_vectors(self) -> KeyedVectors:
        train = self._check_fitted()
        return KeyedVectors(train.users, self.user_factors, metadata={"model": type(self).__name__.lower()})

    @property
    def item_vectors(self) -> KeyedVectors:
        train = self._check_fitted()
        counts = np.bincount(train.item_ids, minlength=train.n_items)
        return KeyedVectors(train.items, self.item_factors, counts, metadata={"model": type(self).__name__.lower()})

    def item_similarity(self, item_id: int, others: np.ndarray) -> np.ndarray:
        y = self.item_factors
        a, b = y[item_id], y[others]
        return (b @ a) / (np.linalg.norm(b, axis=1) * np.linalg.norm(a) + 1e-12)

    def similar_items(self, item: str, k: int = 10) -> list[tuple[str, float]]:
        """Items whose factors are closest (cosine) to ``item``'s."""
        return self.item_vectors.most_similar(item, k=k)

    def fold_in(self, items: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def recommend_for_items(
        self, items: Sequence[str], k: int = 10, weights: Sequence[float] | None = None
    ) -> list[tuple[str, float]]:
        """Recommendations for a user who is not in the fitted log, from the items they have (fold-in)."""
        train = self._check_fitted()
        vec = self.fold_in(items, weights)
        scores = self.item_factors @ vec
        have = [train.item_index(x) for x in items]
        scores[have] = -np.inf
        return [(train.items[i], float(scores[i])) for i in top_k(scores[None, :], k)[0] if i >= 0]

    def _ids_and_weights(self, items: Sequence[str], weights: Sequence[float] | None) -> tuple[np.ndarray, np.ndarray]:
        train = self._check_fitted()
        if not items:
            raise ConfigError("fold-in needs at least one item")
        ids = np.array([train.item_index(x) for x in items], dtype=np.int64)
        w = np.ones(ids.size) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != ids.shape:
            raise ConfigError("give one weight per item")
        return ids, w


class ALS(_Factors):
    """Implicit-feedback alternating least squares (confidence ``1 + confidence · count``).

    >>> log = Interactions.from_records([(u, i) for u in "abc" for i in "xyz"] + [("d", "x")])
    >>> als = ALS(dim=4, epochs=5, threads=1).fit(log)
    >>> [item for item, _ in als.recommend("d", k=2)]
    ['y', 'z']
    """

    def __init__(self, config: ALSConfig | None = None, /, **params: Any) -> None:
        self._configure(make_config(ALSConfig, config, params, "ALS"))
        self.confidence = self.config.confidence

    _module = "cpu.als"

    def _make(self) -> Any:
        als = _implicit(self._module)
        return als.AlternatingLeastSquares(
            factors=self.dim, regularization=self.regularization, alpha=1.0, iterations=self.epochs,
            calculate_training_loss=True, random_state=self.seed, num_threads=self.threads,
        )  # fmt: skip

    def fold_in(self, items: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """The factor vector ALS would give a new user with these items: one exact least-squares step
        with the item factors fixed, ``(YᵀY + Yᵀ(C − I)Y + λI) x = YᵀC p`` (what refitting converges to
        for that user)."""
        ids, w = self._ids_and_weights(items, weights)
        y = self.item_factors.astype(np.float64)
        conf = 1.0 + self.confidence * w
        yi = y[ids]
        a = y.T @ y + (yi.T * (conf - 1.0)) @ yi + self.regularization * np.eye(y.shape[1])
        b = yi.T @ conf
        return np.linalg.solve(a, b).astype(np.float32)


class BPR(_Factors):
    """Bayesian personalised ranking: pairwise SGD on (user, seen item, unseen item) triples."""

    weighting = "binary"

    def __init__(self, config: BPRConfig | None = None, /, **params: Any) -> None:
        self._configure(make_config(BPRConfig, config, params, "BPR"))
        self.confidence, self.lr = 1.0, self.config.lr

    _module = "cpu.bpr"

    def _make(self) -> Any:
        bpr = _implicit(self._module)
        return bpr.BayesianPersonalizedRanking(
            factors=self.dim, learning_rate=self.lr, regularization=self.regularization,
            iterations=self.epochs, random_state=self.seed, num_threads=self.threads,
        )  # fmt: skip

    def fold_in(self, items: Sequence[str], weights: Sequence[float] | None = None, *, steps: int = 200) -> np.ndarray:
        """A new user's factors by BPR's own objective with the item factors fixed: gradient ascent on
        Σ ln σ(x·(y_i − y_j)) − λ‖x‖² over the user's items i against every other item j."""
        ids, w = self._ids_and_weights(items, weights)
        y = self.item_factors.astype(np.float64)  # implicit appends the item bias as the last factor
        has_bias = y.shape[1] > self.dim
        yi, yo = y[ids], y[np.setdiff1d(np.arange(y.shape[0]), ids)]
        x = np.zeros(y.shape[1])
        if has_bias:
            x[-1] = 1.0  # the user's constant 1 that multiplies the item bias
        lr = 1.0 / (float(np.mean(np.sum(yo * yo, axis=1))) + self.regularization)  # a step on the scale of y
        for _ in range(steps):
            margin = (yi @ x)[:, None] - (yo @ x)[None, :]
            s = 0.5 * (1.0 - np.tanh(0.5 * margin))  # σ(−margin), overflow-free
            grad = ((s.sum(axis=1) * w) @ yi - (w @ s) @ yo) / (yo.shape[0] * w.sum()) - self.regularization * x
            if has_bias:
                grad[-1] = 0.0
            x += lr * grad
        return x.astype(np.float32)
