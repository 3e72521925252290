"""The encoder protocol and what every encoder shares."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab.errors import ConfigError

__all__ = ["Encoder", "check_texts", "load_encoder", "normalize_rows"]


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into a ``float32 [n, dim]`` matrix."""

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, normalize: bool = False, show_progress: bool | None = None
    ) -> np.ndarray: ...


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


def load_encoder(spec: str | os.PathLike[str] | None = None, **options) -> Encoder:
    """An encoder from a name or path.

    ``None`` or ``"minilm"`` is the bundled MiniLM; a sentence-transformers folder gives a
    :class:`SentenceEncoder`; an embedlab word-vector model (any format ``embedlab.load``
    reads) gives a :class:`StaticEncoder`, with ``pooling`` (``"mean"`` or ``"sif"``) as option.
    """
    from embedlab.encoders.static import StaticEncoder
    from embedlab.encoders.transformer import SentenceEncoder, is_sentence_transformers_folder

    if spec is None or str(spec).lower() in ("minilm", "default", "all-minilm-l6-v2"):
        return SentenceEncoder(None, **options)
    path = Path(spec)
    if not path.exists():
        raise FileNotFoundError(
            2, "model not found (give a sentence-transformers folder or an embedlab model)", str(path)
        )
    if is_sentence_transformers_folder(path):
        return SentenceEncoder(path, **options)
    from embedlab.io import load

    pooling = options.pop("pooling", "mean")
    if options:
        raise ConfigError(f"options {sorted(options)} do not apply to word-vector models")
    return StaticEncoder(load(path), pooling=pooling)
