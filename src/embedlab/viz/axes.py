"""Semantic axes: coordinates of words along directions that mean something.

An axis runs from one word (or vector) to another, e.g. ``man → woman``; a word's coordinate on it
is its scalar projection ``v · (b − a) / |b − a|²`` (as in whatlies), so ``a`` sits near 0 and ``b``
near 1 when the two are far apart. Plotting words on ``man → woman`` against ``king → queen``
shows the gender direction the analogy relies on.

>>> import numpy as np
>>> from embedlab.vectors.keyed import KeyedVectors
>>> kv = KeyedVectors(["a", "b", "c"], np.array([[0, 0], [1, 0], [0.5, 1]], dtype=np.float32))
>>> axis_coordinates(kv, ["a", "b", "c"], [("a", "b")]).round(2).tolist()
[[0.0], [1.0], [0.5]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embedlab.errors import ConfigError

__all__ = ["axis_coordinates", "axis_vector"]

Pole = str | np.ndarray


def _vec(kv, x: Pole) -> np.ndarray:
    return np.asarray(kv.get_vector(x) if isinstance(x, str) else x, dtype=np.float64)


def axis_vector(kv, a: Pole, b: Pole) -> np.ndarray:
    """The direction ``b − a`` (not normalised)."""
    d = _vec(kv, b) - _vec(kv, a)
    if not np.any(d):
        raise ConfigError(f"the axis {a!r} → {b!r} has zero length")
    return d


def axis_coordinates(kv, words: Sequence[str], axes: Sequence[tuple[Pole, Pole]]) -> np.ndarray:
    """``[len(words), len(axes)]`` coordinates: the scalar projection of each word on each axis,
    measured from the axis's first pole."""
    if not axes:
        raise ConfigError("give at least one axis as (from, to)")
    out = np.empty((len(words), len(axes)), dtype=np.float32)
    vecs = np.stack([_vec(kv, w) for w in words])
    for j, (a, b) in enumerate(axes):
        d = axis_vector(kv, a, b)
        out[:, j] = (vecs - _vec(kv, a)) @ d / (d @ d)
    return out
