"""Keys and ids: the Vocab, the EncodedCorpus container, and (imported on use) the text-to-ids pipeline.

``embedlab.vocab.encoded`` and ``embedlab.vocab.vocab`` need no text code, so walks over graph
nodes or sessions of items become an :class:`EncodedCorpus` without loading any tokenizer;
:func:`build_corpus`, :func:`encode_sentences` and :func:`as_encoded_corpus` come from
:mod:`embedlab.vocab.build` when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from embedlab.vocab.encoded import EncodedCorpus, default_cache_dir
from embedlab.vocab.vocab import Vocab

__all__ = ["EncodedCorpus", "Vocab", "as_encoded_corpus", "build_corpus", "default_cache_dir", "encode_sentences"]

_BUILD = ("as_encoded_corpus", "build_corpus", "encode_sentences")


def __getattr__(name: str) -> Any:
    if name in _BUILD:
        return getattr(importlib.import_module("embedlab.vocab.build"), name)
    raise AttributeError(f"module 'embedlab.vocab' has no attribute {name!r}")


if TYPE_CHECKING:
    from embedlab.vocab.build import as_encoded_corpus, build_corpus, encode_sentences
