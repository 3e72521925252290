"""Writing a classifier head's folder: ``classifier.json`` and ``head.safetensors`` (read back by ``store``).

The head supplies its own state (:meth:`EmbeddingClassifier.state`), so this module needs no
classifier class and the classes need not import the reader.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import atomic_dir

__all__ = ["FORMAT", "VERSION", "encoder_spec", "save_classifier"]

PathLike = str | os.PathLike[str]
FORMAT = "embedlab-classifier"
VERSION = 1


def encoder_spec(clf: Any) -> str | None:
    """What load_encoder needs to rebuild the classifier's encoder, if it can be named."""
    from embedlab.encoders.e5 import E5Encoder
    from embedlab.encoders.factory import is_model_name

    if clf.encoder_spec is not None:
        spec = clf.encoder_spec
        return spec if is_model_name(spec) else str(Path(spec).resolve())
    enc = clf._encoder
    if isinstance(enc, E5Encoder):
        return "e5" if enc.role == "query" else None  # a passage-role encoder cannot be named
    path = getattr(enc, "path", None)
    if path is not None:
        from embedlab.encoders.transformer import default_model_path

        return "minilm" if Path(path).resolve() == default_model_path().resolve() else str(Path(path).resolve())
    source = getattr(getattr(enc, "vectors", None), "metadata", {}).get("path")
    return str(Path(source).resolve()) if source else None


def save_classifier(clf: Any, path: PathLike) -> Path:
    from safetensors.numpy import save_file

    extra, arrays = clf.state()
    meta: dict[str, Any] = {"format": FORMAT, "version": VERSION, **extra, "encoder": encoder_spec(clf)}
    tensors = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}
    target = Path(path)
    with atomic_dir(target) as tmp:
        (tmp / "classifier.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), "utf-8")
        save_file(tensors, str(tmp / "head.safetensors"))
    return target
