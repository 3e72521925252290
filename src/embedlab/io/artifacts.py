"""Artifact classes by name, so ``io`` builds what it reads without importing the layers above it.

Each artifact owns its state: it says what goes into its native folder beyond the vectors
and the vocabulary (``_native_state``) and how to rebuild itself from it (``_from_native``).
``io`` writes and validates the folder and finds the class from the ``kind`` recorded in
``config.json``. Products register their own artifacts with :func:`register_artifact`.
"""

from __future__ import annotations

import importlib
from typing import Any

from embedlab.errors import FormatError

__all__ = ["artifact_class", "register_artifact"]

_ARTIFACTS: dict[str, str] = {
    "KeyedVectors": "embedlab.vectors.keyed:KeyedVectors",
    "SubwordVectors": "embedlab.vectors.subword:SubwordVectors",
    "QuantizedVectors": "embedlab.vectors.quantized:QuantizedVectors",
    "QuantizedSubwordVectors": "embedlab.vectors.quantized_subword:QuantizedSubwordVectors",
}


def register_artifact(kind: str, target: str) -> None:
    """Make ``kind`` (as recorded in ``config.json``) load as ``target`` (``"package.module:Class"``)."""
    _ARTIFACTS[kind] = target


def artifact_class(kind: str) -> Any:
    """The class registered for ``kind``; FormatError for an unknown kind."""
    target = _ARTIFACTS.get(kind)
    if target is None:
        raise FormatError(f"unknown artifact kind {kind!r} (this embedlab reads {sorted(_ARTIFACTS)})")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)
