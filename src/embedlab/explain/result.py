"""What an explanation of a similarity holds: the score, the parts of each side and what each pair of
parts contributed to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["MODES", "SimilarityExplanation", "shared_parts"]

#: How a similarity can be explained: per dimension (word vectors), per character n-gram (FastText
#: words), per word (pooled static sentence vectors), integrated gradients or leave-one-token-out
#: (contextual models).
MODES = ("dimensions", "ngrams", "pooled", "integrated", "occlusion")


def shared_parts(a_parts: list[str], b_parts: list[str], skip: list[bool] | None = None) -> list[str]:
    """The parts of ``a`` that ``b`` has too, once each, in ``a``'s order (``skip``: a's parts to leave out)."""
    in_b = set(b_parts)
    return list(dict.fromkeys(p for k, p in enumerate(a_parts) if p in in_b and not (skip and skip[k])))


@dataclass
class SimilarityExplanation:
    """Why ``a`` and ``b`` are as similar as they are.

    ``score`` is the cosine of the two vectors. ``pairs[i, j]`` is what part ``i`` of ``a`` and part
    ``j`` of ``b`` contribute to it; ``a_totals`` and ``b_totals`` are its row and column sums. For
    every mode but ``occlusion``, ``pairs.sum() + reference == score``: exactly (up to float rounding)
    for the static modes, up to the integration error ``residual`` for ``integrated``, whose
    ``reference`` is the similarity that remains when every token of one side is masked.
    ``occlusion`` has no pairs: ``a_totals[i]`` is how much the score drops without token ``i``.
    ``dimensions`` (mode ``dimensions``) are the per-dimension terms of the cosine.

    >>> import numpy as np
    >>> e = SimilarityExplanation("pooled", "a b", "c", 0.5, ["a", "b"], ["c"], np.array([[0.4], [0.1]]))
    >>> e.top_pairs(1)
    [('a', 'c', 0.4)]
    """

    mode: str
    a: str
    b: str
    score: float
    a_parts: list[str]
    b_parts: list[str]
    pairs: np.ndarray | None = None
    a_totals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    b_totals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dimensions: np.ndarray | None = None
    reference: float = 0.0
    shared: list[str] = field(default_factory=list)  # parts both sides have (shared n-grams, shared words)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.pairs is not None:
            self.pairs = np.asarray(self.pairs, dtype=np.float64)
            if not len(self.a_totals):
                self.a_totals = self.pairs.sum(axis=1)
            if not len(self.b_totals):
                self.b_totals = self.pairs.sum(axis=0)

    @property
    def total(self) -> float:
        """What the attributions add up to (with the reference term): the score, for complete modes."""
        if self.pairs is not None:
            return float(self.pairs.sum() + self.reference)
        if self.dimensions is not None:
            return float(self.dimensions.sum())
        return float("nan")

    @property
    def residual(self) -> float:
        """``score - total``: zero up to rounding for static modes, the integration error for IG."""
        return float(self.score - self.total)

    def top_dimensions(self, k: int = 10) -> list[tuple[int, float]]:
        """The ``k`` dimensions that add most to the cosine (largest terms first)."""
        if self.dimensions is None:
            return []
        order = np.argsort(-self.dimensions, kind="stable")[:k]
        return [(int(i), float(self.dimensions[i])) for i in order]

    def top_pairs(self, k: int = 10) -> list[tuple[str, str, float]]:
        """The ``k`` pairs of parts with the largest contributions (by absolute value)."""
        if self.pairs is None:
            return []
        flat = np.argsort(-np.abs(self.pairs), axis=None, kind="stable")[:k]
        rows, cols = np.unravel_index(flat, self.pairs.shape)
        return [(self.a_parts[i], self.b_parts[j], float(self.pairs[i, j])) for i, j in zip(rows, cols, strict=True)]

    def ranked(self, side: str = "a") -> list[tuple[str, float]]:
        """Parts of one side with their totals, most contributing first."""
        parts, totals = (self.a_parts, self.a_totals) if side == "a" else (self.b_parts, self.b_totals)
        order = np.argsort(-np.asarray(totals), kind="stable")
        return [(parts[i], float(totals[i])) for i in order]

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        """Plain JSON-able fields (pairs as nested lists; dimensions as the ``top`` largest terms)."""
        out: dict[str, Any] = {
            "mode": self.mode,
            "a": self.a,
            "b": self.b,
            "score": float(self.score),
            "total": self.total,
            "residual": self.residual,
            "reference": float(self.reference),
            "a_parts": list(self.a_parts),
            "b_parts": list(self.b_parts),
            "a_totals": [float(x) for x in self.a_totals],
            "b_totals": [float(x) for x in self.b_totals],
            "shared": list(self.shared),
            "seconds": float(self.seconds),
        }
        out["pairs"] = None if self.pairs is None else [[float(x) for x in row] for row in self.pairs]
        if self.dimensions is not None:
            out["top_dimensions"] = [{"dimension": i, "contribution": c} for i, c in self.top_dimensions(top)]
        return out
