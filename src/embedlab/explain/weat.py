"""WEAT, the Word Embedding Association Test (Caliskan, Bryson & Narayanan, 2017).

For target sets ``X``, ``Y`` and attribute sets ``A``, ``B``: each word's association
``s(w) = mean_a cos(w, a) - mean_b cos(w, b)``; the effect size
``d = (mean_X s - mean_Y s) / std_{X∪Y} s`` (sample standard deviation); the one-sided p-value is
the share of equal-size re-partitions of ``X ∪ Y`` whose statistic ``Σ_X s - Σ_Y s`` is at least
the observed one (every partition when there are at most ``permutations`` of them, otherwise that
many random ones, counted as ``(hits + 1) / (draws + 1)``). The ten tests of the paper ship with
embedlab (:data:`WEAT_TESTS`, ``data/ATTRIBUTION.md``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources
from itertools import combinations
from typing import Any

import numpy as np

from embedlab._validation import check_int
from embedlab.errors import ConfigError

__all__ = ["WEAT_TESTS", "weat", "weat_lists", "weat_test"]


@cache
def _bundled() -> dict[str, Any]:
    text = (resources.files("embedlab.explain") / "data" / "weat.json").read_text(encoding="utf-8")
    return json.loads(text)


WEAT_TESTS = ("weat1", "weat2", "weat3", "weat4", "weat5", "weat6", "weat7", "weat8", "weat9", "weat10")


def weat_lists(name: str) -> dict[str, Any]:
    """The bundled word lists of one test (``"weat1"`` .. ``"weat10"``), with the published GloVe result."""
    tests = _bundled()["tests"]
    if name not in tests:
        raise ConfigError(f"unknown WEAT test {name!r}; choose one of {', '.join(WEAT_TESTS)}")
    return tests[name]


def _resolve(kv, words: Sequence[str]) -> tuple[list[str], list[str]]:
    """The words the model has (tried as given, then lower-cased) and those it lacks."""
    found, missing = [], []
    for w in words:
        if w in kv:
            found.append(w)
        elif w.lower() in kv:
            found.append(w.lower())
        else:
            missing.append(w)
    return list(dict.fromkeys(found)), missing


def _units(kv, words: list[str]) -> np.ndarray:
    m = np.stack([np.asarray(kv.get_vector(w), dtype=np.float64) for w in words])
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def weat(
    kv,
    X: Sequence[str],
    Y: Sequence[str],
    A: Sequence[str],
    B: Sequence[str],
    *,
    permutations: int = 100_000,
    seed: int = 0,
) -> dict[str, Any]:
    """Effect size and permutation p-value of the association of targets ``X`` vs ``Y`` with
    attributes ``A`` vs ``B``. Words the model lacks are left out and listed under ``missing``.

    >>> import numpy as np
    >>> from embedlab.vectors.keyed import KeyedVectors
    >>> kv = KeyedVectors(["x1", "x2", "y1", "y2", "a", "b"],
    ...                   np.array([[1, .1], [1, .2], [.1, 1], [.2, 1], [1, 0], [0, 1]], np.float32))
    >>> r = weat(kv, ["x1", "x2"], ["y1", "y2"], ["a"], ["b"])
    >>> round(r["effect_size"], 2), round(r["p_value"], 3), r["exact"]
    (1.73, 0.167, True)
    """
    permutations = check_int("permutations", permutations, 1)
    sets, missing = {}, {}
    for name, words in (("X", X), ("Y", Y), ("A", A), ("B", B)):
        if isinstance(words, str) or not len(words):
            raise ConfigError(f"{name} must be a non-empty list of words")
        sets[name], missing[name] = _resolve(kv, words)
        if len(sets[name]) < (2 if name in "XY" else 1):
            raise ConfigError(
                f"only {len(sets[name])} word(s) of {name} are in the model (missing: "
                f"{', '.join(missing[name][:10])}); a WEAT needs at least 2 targets and 1 attribute per set"
            )
    x, y = _units(kv, sets["X"]), _units(kv, sets["Y"])
    a, b = _units(kv, sets["A"]), _units(kv, sets["B"])
    targets = np.vstack([x, y])
    s = (targets @ a.T).mean(axis=1) - (targets @ b.T).mean(axis=1)
    nx = len(x)
    sx, sy = s[:nx], s[nx:]
    effect = float((sx.mean() - sy.mean()) / s.std(ddof=1)) if s.std(ddof=1) > 0 else 0.0
    total = float(s.sum())
    observed = 2 * float(sx.sum()) - total  # Σ_X s - Σ_Y s
    n_partitions = math.comb(len(s), nx)
    if n_partitions <= permutations:
        sums = np.array([s[list(c)].sum() for c in combinations(range(len(s)), nx)])
        stats = 2 * sums - total
        p = float(np.mean(stats >= observed - 1e-12))
        exact, draws = True, n_partitions
    else:
        rng = np.random.default_rng(seed)
        hits, draws, block = 0, permutations, 10_000
        for start in range(0, draws, block):
            m = min(block, draws - start)
            idx = np.argsort(rng.random((m, len(s))), axis=1)[:, :nx]
            hits += int(np.sum(2 * s[idx].sum(axis=1) - total >= observed - 1e-12))
        p = (hits + 1) / (draws + 1)
        exact = False
    return {
        "effect_size": effect,
        "p_value": p,
        "statistic": observed,
        "exact": exact,
        "permutations": draws,
        "sizes": {k: len(v) for k, v in sets.items()},
        "missing": {k: v for k, v in missing.items() if v},
    }


def weat_test(kv, name: str, *, permutations: int = 100_000, seed: int = 0) -> dict[str, Any]:
    """Run one of the bundled tests; the result also carries its title and the published GloVe figures."""
    t = weat_lists(name)
    out = weat(kv, t["X"]["words"], t["Y"]["words"], t["A"]["words"], t["B"]["words"],
               permutations=permutations, seed=seed)  # fmt: skip
    return {"test": name, "title": t["title"], **out, "published_glove": t["published_glove"]}
