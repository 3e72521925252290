"""Linear probes: how well an attribute can be read from the vectors, against a control.

A probe is a logistic regression from a key's unit vector to its label, scored by stratified k-fold
accuracy. The same probe trained on shuffled labels is the control (Hewitt & Liang, 2019): what a
linear model gets from the vectors without the attribute. ``selectivity = accuracy - control``.
Attributes: frequency bands (from the model's own counts), parts of speech of Korean words (Kiwi),
or any labels from a 'key label' file.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._validation import check_int
from embedlab.errors import ConfigError, FormatError, MissingDependencyError

__all__ = ["frequency_bands", "korean_pos_labels", "probe", "read_labels"]


def probe(kv, keys: Sequence[str], labels: Sequence[str], *, folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Cross-validated accuracy of a linear probe for ``labels``, its shuffled-label control and the
    majority-class rate. Keys the model lacks are left out and counted.

    >>> import numpy as np
    >>> from embedlab.vectors.keyed import KeyedVectors
    >>> rng = np.random.default_rng(0)
    >>> vecs = np.vstack([rng.normal(size=(30, 8)) + 2, rng.normal(size=(30, 8)) - 2]).astype(np.float32)
    >>> kv = KeyedVectors([f"w{i}" for i in range(60)], vecs)
    >>> r = probe(kv, kv.words, ["hi"] * 30 + ["lo"] * 30)
    >>> r["accuracy"] > 0.9 > r["control"]
    True
    """
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_score
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        raise MissingDependencyError("scikit-learn", "classify") from None
    folds = check_int("folds", folds, 2)
    if len(keys) != len(labels):
        raise ConfigError(f"{len(keys)} keys but {len(labels)} labels; give one label per key")
    kept = [(k, str(lab)) for k, lab in zip(keys, labels, strict=True) if k in kv]
    counts = Counter(lab for _, lab in kept)
    if len(counts) < 2:
        raise ConfigError(f"a probe needs at least two labels among the keys the model has; found {sorted(counts)}")
    smallest = min(counts.values())
    if smallest < 2:
        rare = [lab for lab, c in counts.items() if c < 2]
        raise ConfigError(f"label(s) {rare[:5]} have a single key; every label needs at least 2 to be cross-validated")
    x = np.stack([np.asarray(kv.get_vector(k), dtype=np.float32) for k, _ in kept])
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    y = np.array([lab for _, lab in kept])
    k = min(folds, smallest)
    cv = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)

    def score(labels_: np.ndarray) -> float:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
        return float(cross_val_score(model, x, labels_, cv=cv).mean())

    accuracy = score(y)
    control = score(np.random.default_rng(seed).permutation(y))
    return {
        "accuracy": accuracy,
        "control": control,
        "selectivity": accuracy - control,
        "majority": max(counts.values()) / len(y),
        "folds": k,
        "keys": len(y),
        "missing": len(keys) - len(y),
        "labels": dict(sorted(counts.items())),
    }


def frequency_bands(kv, bands: int = 3, top: int = 30_000) -> tuple[list[str], list[str]]:
    """The ``top`` most frequent keys and their frequency band (``band 1`` = the most frequent third
    when ``bands=3``), from the model's row order (models store keys most frequent first)."""
    bands = check_int("bands", bands, 2, 100)
    n = min(check_int("top", top, bands * 2), len(kv))
    keys = kv.words[:n]
    edges = np.linspace(0, n, bands + 1)[1:-1]
    return keys, [f"band {int(np.searchsorted(edges, i, side='right')) + 1}" for i in range(n)]


#: Kiwi's tags grouped into the parts of speech a probe can tell apart.
_KIWI_GROUPS = {"NN": "noun", "NP": "pronoun", "NR": "numeral", "VV": "verb", "VA": "adjective",
                "MA": "adverb", "MM": "determiner", "J": "particle", "E": "ending", "X": "affix",
                "S": "symbol", "IC": "interjection"}  # fmt: skip


def korean_pos_labels(kv, top: int = 20_000) -> tuple[list[str], list[str]]:
    """The ``top`` most frequent Korean keys and the part of speech Kiwi gives each (its first
    morpheme's tag, grouped: noun, verb, adjective, adverb, particle, ending, ...)."""
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        raise MissingDependencyError("kiwipiepy", "korean") from None
    kiwi = Kiwi()
    keys, labels = [], []
    for w in kv.words[: min(check_int("top", top, 2), len(kv))]:
        if not any("\uac00" <= c <= "\ud7a3" for c in w):
            continue
        tokens = kiwi.tokenize(w)
        if not tokens:
            continue
        tag = str(tokens[0].tag)
        group = next((g for p, g in _KIWI_GROUPS.items() if tag.startswith(p)), None)
        if group is not None:
            keys.append(w)
            labels.append(group)
    return keys, labels


def read_labels(path: str | os.PathLike[str]) -> tuple[list[str], list[str]]:
    """Keys and labels from a file of 'key<TAB or space>label' lines (``#`` comments, blank lines skipped)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "label file not found", str(p))
    keys, labels = [], []
    with open(p, encoding="utf-8", errors="strict", newline="") as fh:
        try:
            for n, line in enumerate(fh, 1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.split("\t") if "\t" in line else line.split()
                if len(parts) < 2 or not parts[0] or not parts[1].strip():
                    raise FormatError(f"{p}:{n}: expected 'key<TAB>label', got {line[:60]!r}")
                keys.append(parts[0])
                labels.append(parts[1].strip())
        except UnicodeDecodeError as exc:
            raise FormatError(f"{p} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not keys:
        raise FormatError(f"{p} has no 'key label' lines")
    return keys, labels
