"""The encoder protocol and what every encoder shares."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._progress import ProgressArg
from embedlab._validation import check_int
from embedlab.errors import ConfigError, FormatError

__all__ = ["MODALITIES", "Encoder", "TextEncoder", "check_texts", "normalize_rows", "read_model_config"]

#: What an encoder's ``encode`` takes: ``"text"`` (strings); image encoders will say ``"image"``.
MODALITIES = ("text", "image")


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns inputs of one modality into a ``float32 [n, dim]`` matrix.

    ``modality`` says what ``encode`` takes (one of :data:`MODALITIES`), so collections, the
    service and the explorer know whether to hand it texts or images.
    """

    modality: str

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, normalize: bool = False, show_progress: ProgressArg = None
    ) -> np.ndarray: ...


class TextEncoder:
    """Base of embedlab's text encoders: :meth:`encode` checks what it is given, asks the subclass's
    ``_vectors`` for the rows and scales them to unit length when asked, so every encoder answers bad
    input and ``normalize`` alike."""

    def encode(
        self,
        texts: Sequence[str] | str,
        *,
        batch_size: int = 32,
        normalize: bool = False,
        show_progress: ProgressArg = None,
    ) -> np.ndarray:
        """``float32 [n, dim]`` vectors of ``texts``, rows in their order (unit length with ``normalize``)."""
        out = self._vectors(check_texts(texts), check_int("batch_size", batch_size, 1), show_progress)
        return normalize_rows(out) if normalize else out

    def _vectors(
        self, texts: list[str], batch_size: int, show_progress: ProgressArg
    ) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def check_texts(texts: Sequence[str] | str, *, allow_empty: bool = False) -> list[str]:
    """Return ``texts`` as a list of str, or raise :class:`ConfigError` saying what is wrong.

    >>> check_texts("one text")
    ['one text']
    >>> check_texts([])
    Traceback (most recent call last):
    ...
    embedlab.errors.ConfigError: texts is empty; pass at least one text to encode
    """
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)):
        raise ConfigError("texts must be str, not bytes; decode them first (e.g. data.decode('utf-8'))")
    try:
        out = list(texts)
    except TypeError:
        raise ConfigError(f"texts must be a list of strings, got {type(texts).__name__}") from None
    if not out and not allow_empty:
        raise ConfigError("texts is empty; pass at least one text to encode")
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise ConfigError(f"texts[{i}] must be a str, got {type(t).__name__}")
    return out


def read_model_config(folder: str | os.PathLike[str], name: str, format_name: str, kind: str) -> dict[str, Any]:
    """The JSON config ``name`` of a saved model folder, checked to say ``"format": format_name``;
    a :class:`FormatError` names the folder and what it should have been (``kind``)."""
    p = Path(folder)
    try:
        config = json.loads((p / name).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"{p}/{name} is missing or not JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != format_name:
        raise FormatError(f"{p} is not {kind} folder")
    return config
