"""Neighbours and analogies explained: what two keys' neighbourhoods share, and how much each term of
``a : b :: c : ?`` gave the answer and the runner-up."""

from __future__ import annotations

from typing import Any

import numpy as np

from embedlab._validation import check_int
from embedlab.errors import ConfigError

__all__ = ["explain_analogy", "shared_neighbors"]


def shared_neighbors(kv, a: str, b: str, k: int = 10) -> dict[str, Any]:
    """The ``k`` nearest neighbours of ``a`` and of ``b``, those they share (with both ranks and
    cosines) and the Jaccard overlap of the two lists.

    >>> import numpy as np
    >>> from embedlab.vectors.keyed import KeyedVectors
    >>> kv = KeyedVectors(list("abcd"), np.array([[1, 0], [1, 0.1], [0.9, 0.2], [0, 1]], np.float32))
    >>> shared_neighbors(kv, "a", "b", k=2)["shared"][0]["key"]
    'c'
    """
    k = check_int("k", k, 1)
    na, nb = kv.most_similar(a, k=k), kv.most_similar(b, k=k)
    rank_a = {w: (r, s) for r, (w, s) in enumerate(na, 1)}
    rank_b = {w: (r, s) for r, (w, s) in enumerate(nb, 1)}
    shared = [
        {"key": w, "rank_a": rank_a[w][0], "rank_b": rank_b[w][0], "cosine_a": rank_a[w][1], "cosine_b": rank_b[w][1]}
        for w in rank_a
        if w in rank_b
    ]
    union = set(rank_a) | set(rank_b)
    return {
        "a": a,
        "b": b,
        "similarity": float(kv.similarity(a, b)),
        "neighbors_a": [{"key": w, "cosine": s} for w, s in na],
        "neighbors_b": [{"key": w, "cosine": s} for w, s in nb],
        "shared": shared,
        "jaccard": len(shared) / len(union) if union else 0.0,
    }


def explain_analogy(kv, a: str, b: str, c: str, k: int = 2) -> dict[str, Any]:
    """``a : b :: c : ?`` by 3CosAdd, each answer's score split over the three terms.

    The score of a candidate ``d`` is ``cos(d, b̂ - â + ĉ)`` = ``(cos(d, b) - cos(d, a) + cos(d, c)) / Z``
    with ``Z = |b̂ - â + ĉ|``, so the three terms add up to it exactly. ``margin`` splits the lead of
    the answer over the runner-up the same way: which term made the answer win.

    >>> import numpy as np
    >>> from embedlab.vectors.keyed import KeyedVectors
    >>> v = {"man": [1, 0, 0], "king": [1, 1, 0], "woman": [0, 0, 1], "queen": [0, 1, 1], "apple": [0, 0.2, -1]}
    >>> kv = KeyedVectors(list(v), np.array(list(v.values()), np.float32))
    >>> explain_analogy(kv, "man", "king", "woman")["answers"][0]["key"]
    'queen'
    """
    k = check_int("k", k, 1)
    units = {w: np.asarray(kv.get_vector(w, norm=True), dtype=np.float64) for w in (a, b, c)}
    query = units[b] - units[a] + units[c]
    z = float(np.linalg.norm(query))
    if z == 0.0:
        raise ConfigError(f"b - a + c is the zero vector for {a!r} : {b!r} :: {c!r} : ?; no direction to follow")
    answers = []
    for word, score in kv.most_similar(positive=[b, c], negative=[a], k=k):
        d = np.asarray(kv.get_vector(word, norm=True), dtype=np.float64)
        terms = {"+" + b: float(d @ units[b]) / z, "-" + a: -float(d @ units[a]) / z, "+" + c: float(d @ units[c]) / z}
        answers.append({"key": word, "score": float(score), "terms": terms})
    out: dict[str, Any] = {"query": f"{a} : {b} :: {c} : ?", "answers": answers}
    if len(answers) >= 2:
        first, second = answers[0]["terms"], answers[1]["terms"]
        out["margin"] = {t: first[t] - second[t] for t in first}
    return out
