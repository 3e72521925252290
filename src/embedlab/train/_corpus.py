"""Turning whatever a user passes to ``fit`` into the EncodedCorpus a trainer needs."""

from __future__ import annotations

from typing import Any

from embedlab._progress import ProgressArg
from embedlab.vocab.build import as_encoded_corpus
from embedlab.vocab.encoded import EncodedCorpus


def encode_for_training(
    corpus: Any,
    config: Any,
    *,
    tokenizer: Any,
    skip_doc_tags: bool | None,
    jsonl_field: str | None,
    cache_dir: Any,
    progress: ProgressArg,
) -> EncodedCorpus:
    """Encode ``corpus`` (path(s), token lists or an EncodedCorpus) with the trainer's vocabulary settings.

    Words under ``config.min_count`` are dropped even from a corpus encoded with a lower one.
    """
    return as_encoded_corpus(
        corpus,
        tokenizer=tokenizer,
        min_count=config.min_count,
        max_vocab_size=config.max_vocab_size,
        skip_doc_tags=skip_doc_tags,
        jsonl_field=jsonl_field,
        cache_dir=cache_dir,
        progress=progress,
    ).restrict(config.min_count)
