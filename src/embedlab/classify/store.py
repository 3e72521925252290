"""Classifier heads on disk as plain files: ``classifier.json`` and ``head.safetensors`` (never pickle).

The JSON records the kind (``embedding`` or ``intent``), the head's settings, the classes, the
temperature, the out-of-scope threshold and the encoder to load (a name such as ``minilm`` or an
absolute path); the safetensors file holds the weights (and intent prototypes). A folder is
written atomically. A classifier fitted on an encoder object that has no name or path is saved
without one and needs ``encoder=`` when loaded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._validation import config_int
from embedlab.classify.head_files import FORMAT, VERSION, save_classifier
from embedlab.classify.heads import EmbeddingClassifier
from embedlab.classify.intents import IntentClassifier
from embedlab.errors import ConfigError, FormatError

__all__ = ["load_classifier", "save_classifier"]

PathLike = str | os.PathLike[str]


def is_classifier(path: PathLike) -> bool:
    return (Path(path) / "classifier.json").is_file()


def load_classifier(path: PathLike, *, encoder: Any = None) -> EmbeddingClassifier:
    """A saved classifier; ``encoder`` overrides (or supplies) the encoder recorded in it."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    p = Path(path)
    meta_path = p / "classifier.json"
    if not meta_path.is_file():
        raise FormatError(f"{p}: not a saved classifier (no classifier.json)")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
        tensors = load_file(str(p / "head.safetensors"))
    except (json.JSONDecodeError, UnicodeDecodeError, OSError, SafetensorError) as exc:
        raise FormatError(f"{p}: damaged classifier ({exc})") from None
    if meta.get("format") != FORMAT or not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise FormatError(f"{meta_path}: not a classifier this embedlab reads (format {meta.get('format')!r})")
    spec = encoder if encoder is not None else meta.get("encoder")
    if spec is None:
        raise ConfigError(f"{p} does not record its encoder; pass encoder= (the one it was fitted with)")
    try:
        settings = dict(meta["settings"])
        cls = IntentClassifier if meta["kind"] == "intent" else EmbeddingClassifier
        clf = cls(spec, **settings)
        clf.classes_ = [str(c) for c in meta["classes"]]
        clf.temperature = float(meta["temperature"])
        clf.dim = config_int(meta, "dim", str(meta_path), 1, 65_536)
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"{meta_path}: damaged classifier settings ({exc})") from None
    if isinstance(clf, IntentClassifier):
        clf.prototypes = tensors.pop("prototypes", None)
        t = meta.get("oos_threshold")
        clf.threshold = None if t is None else float(t)
    clf.weights = dict(tensors)
    n = len(clf.classes_)
    out = clf.weights.get("coef" if clf.head == "logistic" else "fc2.weight")
    if out is None or out.shape[0] != n or any(not np.isfinite(v).all() for v in clf.weights.values()):
        raise FormatError(f"{p}: the head's weights do not match its {n} classes or hold NaN")
    return clf
