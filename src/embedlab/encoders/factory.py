"""``load_encoder``: an encoder from a name or a path."""

from __future__ import annotations

import os
from pathlib import Path

from embedlab.encoders.base import Encoder
from embedlab.errors import ConfigError

__all__ = ["load_encoder"]


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
