"""Intent detection with an out-of-scope answer and conversation context (the handbook's Kakao i case).

:class:`IntentClassifier` is an :class:`~embedlab.classify.heads.EmbeddingClassifier` that can
say "none of these" (``None``): a query is out of scope when its confidence is below a threshold
chosen on in-scope validation queries so that only ``target_flag_rate`` of them
(:data:`DEFAULT_FLAG_RATE` by default) would be flagged (:meth:`calibrate_oos`). The confidence is
the calibrated probability of the best intent (``oos_score="probability"``), the cosine to the
nearest intent prototype (the mean vector of its training queries, ``"prototype"``), or their mean
(``"combined"``). The defaults,
:data:`DEFAULT_OOS_SCORE` and :data:`DEFAULT_FLAG_RATE`, are the operating point that CLINC150's
*validation* split picks among the three confidences at flag rates of 1, 2, 3 and 5%
(``benchmarks/classification.py``; BENCHMARKS.md reports what it gives on the test split).

With ``history`` the utterance is read in context: its vector is the unit mean of the utterance
(weight 1) and the earlier turns, the most recent weighted ``decay``, the one before ``decay**2``,
so "yes, for two people" means booking a table after "I'd like to reserve a restaurant" and a
flight after "I need to fly to Paris".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._validation import check_choice, check_float
from embedlab.classify.heads import EmbeddingClassifier
from embedlab.errors import ConfigError

__all__ = ["DEFAULT_FLAG_RATE", "DEFAULT_OOS_SCORE", "OOS_SCORES", "IntentClassifier"]

OOS_SCORES = ("probability", "prototype", "combined")
#: the confidence and flag rate CLINC150's validation split chooses (benchmarks/classification.py)
DEFAULT_OOS_SCORE = "prototype"
DEFAULT_FLAG_RATE = 0.05


class IntentClassifier(EmbeddingClassifier):
    """Intents with out-of-scope detection and optional conversation history."""

    def __init__(
        self, encoder: Any = "minilm", *, oos_score: str = DEFAULT_OOS_SCORE, decay: float = 0.5, **head: Any
    ) -> None:
        super().__init__(encoder, **head)
        if self.multi_label:
            raise ConfigError("an intent model picks one intent per query; multi_label is not supported")
        self.oos_score = check_choice("oos_score", oos_score, OOS_SCORES)
        self.decay = check_float("decay", decay, 0.0, 1.0)
        self.prototypes: np.ndarray | None = None
        self.threshold: float | None = None

    def fit_vectors(self, x: np.ndarray, labels: Sequence[Any], *, show_progress: Any = False) -> IntentClassifier:
        super().fit_vectors(x, labels, show_progress=show_progress)
        x = np.asarray(x, dtype=np.float32)
        index = {c: i for i, c in enumerate(self.classes_)}
        y = np.array([index[lab if isinstance(lab, str) else lab[0]] for lab in labels])
        sums = np.zeros((len(self.classes_), x.shape[1]), np.float64)
        np.add.at(sums, y, normalize_rows(x.astype(np.float64)))
        self.prototypes = normalize_rows(sums).astype(np.float32)
        self.threshold = None
        return self

    # -- confidence and out of scope -------------------------------------------------------------
    def confidence_vectors(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best intent index, confidence) of each vector under :attr:`oos_score`."""
        if self.prototypes is None:
            raise ConfigError("the intent model is not fitted yet: call fit()")
        p = self.proba_vectors(x)
        best = p.argmax(axis=1)
        prob = p[np.arange(len(best)), best]
        unit = normalize_rows(np.array(x, dtype=np.float64))
        cos = (unit @ self.prototypes.T.astype(np.float64))[np.arange(len(best)), best]
        score = {"probability": prob, "prototype": cos, "combined": (prob + cos) / 2}[self.oos_score]
        return best, score

    def calibrate_oos(
        self, texts: Sequence[str] | None = None, labels: Sequence[str] | None = None, *,
        vectors: np.ndarray | None = None, target_flag_rate: float = DEFAULT_FLAG_RATE, show_progress: Any = False,
    ) -> float:  # fmt: skip
        """Choose the out-of-scope threshold on in-scope validation queries; returns it.

        The threshold is the ``target_flag_rate`` quantile of their confidence, so that share of
        in-scope queries would be flagged (``labels`` are not needed, only that the queries are in scope).
        """
        rate = check_float("target_flag_rate", target_flag_rate, 0.0, 0.5)
        x = vectors if vectors is not None else self.embed(texts or [], show_progress=show_progress)
        if len(x) < 20:
            raise ConfigError(
                f"calibrating the out-of-scope threshold needs at least 20 in-scope queries, got {len(x)}"
            )
        _, score = self.confidence_vectors(x)
        self.threshold = float(np.quantile(score, rate))
        return self.threshold

    # -- prediction ------------------------------------------------------------------------------
    def context_vectors(self, texts: Sequence[str], histories: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Unit vectors of each text read after its history (earlier turns, oldest first)."""
        x = self.embed(texts).astype(np.float64)
        if not histories:
            return x.astype(np.float32)
        if len(histories) != len(texts):
            raise ConfigError(f"give one history per text ({len(texts)} texts, {len(histories)} histories)")
        turns = [t for h in histories for t in h]
        hx = self.embed(turns).astype(np.float64) if turns else np.zeros((0, x.shape[1]))
        at = 0
        for i, h in enumerate(histories):
            for back, j in enumerate(range(at + len(h) - 1, at - 1, -1), 1):
                x[i] += self.decay**back * hx[j]
            at += len(h)
        return normalize_rows(x).astype(np.float32)

    def predict_intents(
        self, texts: Sequence[str] | str, histories: Sequence[Sequence[str]] | None = None
    ) -> list[tuple[str | None, float]]:
        """``(intent or None, confidence)`` of each text; ``None`` when below the out-of-scope threshold."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        best, score = self.confidence_vectors(self.context_vectors(texts, histories))
        out: list[tuple[str | None, float]] = []
        for b, s in zip(best.tolist(), score.tolist(), strict=True):
            oos = self.threshold is not None and s < self.threshold
            out.append((None if oos else self.classes_[b], float(s)))
        return out

    def predict(
        self, texts: Sequence[str] | str, threshold: float = 0.5, *, history: Sequence[str] | None = None
    ) -> list[Any]:
        """Intent of each text (``None`` = out of scope); ``history`` gives the turns before a single text."""
        if history is not None:
            if not isinstance(texts, str):
                raise ConfigError("history goes with one text; for many texts use predict_intents(texts, histories)")
            return [self.predict_intents([texts], [list(history)])[0][0]]
        return [intent for intent, _ in self.predict_intents(texts)]

    def evaluate_oos(
        self, texts: Sequence[str], labels: Sequence[str | Sequence[str]], *, oos_label: str = "oos"
    ) -> dict[str, Any]:
        """The intent metrics on labelled texts whose out-of-scope rows carry ``oos_label`` (CLINC150's
        ``oos``): in-scope accuracy (a flagged in-scope text counts as wrong), out-of-scope recall and
        precision, and the share of in-scope texts flagged (:func:`~embedlab.classify.metrics.evaluate_intents`).
        """
        from embedlab.classify.metrics import evaluate_intents, label_lists

        first = [labs[0] if labs else "" for labs in label_lists(labels)]
        truth = [None if lab == oos_label else lab for lab in first]
        predicted = [intent for intent, _ in self.predict_intents(texts)]
        r = evaluate_intents(predicted, truth)
        r.update(
            oos_label=oos_label,
            threshold=self.threshold,
            oos_score=self.oos_score,
            unseen_labels=sorted({t for t in truth if t is not None} - set(self.classes_)),
        )
        return r

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta, arrays = super().state()
        meta.update(kind="intent", oos_threshold=self.threshold)
        if self.prototypes is not None:
            arrays["prototypes"] = self.prototypes
        return meta, arrays

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "oos_score": self.oos_score, "decay": self.decay}
