"""Chunk vectors of long documents, late or naive, from any text encoder.

``chunk_documents(encoder, docs, chunking="late")`` gives each document its chunks (text spans) and one
vector per chunk: ``"late"`` runs the whole document through the model in overlapping windows and pools
each chunk's contextual token vectors (:mod:`embedlab.encoders.late`, transformer encoders with mean
pooling), ``"naive"`` cuts the text first and encodes each chunk alone. Both cut at the same places, so
the two are compared at equal chunk size. Encoders without a sub-word tokenizer (the E5 engine, static
word vectors) are chunked naively by words: ``chunk_tokens`` then counts words.

>>> from embedlab.encoders.transformer import SentenceEncoder
>>> doc = "Seoul is the capital of Korea. " * 40
>>> late, naive = (chunk_documents(SentenceEncoder(), [doc], chunking=c, chunk_tokens=64)[0]
...                for c in ("late", "naive"))
>>> late.spans == naive.spans, late.vectors.shape == naive.vectors.shape
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.encoders.base import check_texts
from embedlab.encoders.late import CHUNKINGS, ChunkedDocument, late_chunks, sentence_chunks, token_chunks
from embedlab.errors import ConfigError

__all__ = ["CHUNK_MODES", "chunk_documents", "chunk_spans", "supports_late"]

#: how chunk vectors are made: late (chunks that saw the whole document) or naive (each chunk alone)
CHUNK_MODES = ("late", "naive")
_WORD = re.compile(r"\S+")


def supports_late(encoder: Any) -> bool:
    """True when ``encoder`` can late-chunk: a transformer encoder whose sentence vector is a mean of its
    token vectors (MiniLM and other mean-pooling sentence-transformers models)."""
    model = getattr(encoder, "model", None)
    if model is None or not hasattr(encoder, "tokenizer") or not hasattr(model, "__len__") or len(model) < 2:
        return False
    return getattr(model[1], "pooling_mode", None) == "mean"


def chunk_spans(
    encoder: Any, documents: Sequence[str], chunk_tokens: int, split: str
) -> list[tuple[list[tuple[int, int]], list[int]]]:
    """Character spans of each document's chunks as :func:`chunk_documents` cuts them (no model run), with
    each chunk's length: in the encoder's tokens where it has a sub-word tokenizer, else in words."""
    docs = check_texts(list(documents))
    check_choice("split", split, CHUNKINGS)
    tokenizer = getattr(encoder, "tokenizer", None)
    out = []
    if tokenizer is not None and hasattr(encoder, "_untruncated"):
        enc = encoder._untruncated(docs, return_offsets_mapping=True)
        for d, text in enumerate(docs):
            offsets = np.asarray(enc["offset_mapping"][d], dtype=np.int64).reshape(-1, 2)
            out.append(_spans(text, offsets, enc.word_ids(d), chunk_tokens, split))
    else:
        for text in docs:
            words = [m.span() for m in _WORD.finditer(text)]
            offsets = np.asarray(words, dtype=np.int64).reshape(-1, 2)
            out.append(_spans(text, offsets, list(range(len(words))), chunk_tokens, split))
    return out


def _spans(
    text: str, offsets: np.ndarray, word_ids: Sequence[int | None], chunk_tokens: int, split: str
) -> tuple[list[tuple[int, int]], list[int]]:
    if len(offsets) == 0:
        return [(0, len(text))], [0]
    ranges = token_chunks(word_ids, chunk_tokens) if split == "tokens" else sentence_chunks(text, offsets, chunk_tokens)
    return [(int(offsets[a][0]), int(offsets[b - 1][1])) for a, b in ranges], [b - a for a, b in ranges]


def chunk_documents(
    encoder: Any,
    documents: Sequence[str] | str,
    *,
    chunking: str = "late",
    chunk_tokens: int = 128,
    split: str = "tokens",
    batch_size: int = 32,
    role: str = "passage",
) -> list[ChunkedDocument]:
    """Each document's chunks and their vectors (a :class:`~embedlab.encoders.late.ChunkedDocument` each).

    ``chunking``: ``"late"`` (see the module docstring; a mean-pooling transformer encoder) or ``"naive"``;
    ``split``: ``"tokens"`` (runs of about ``chunk_tokens`` tokens on word boundaries) or ``"sentences"``
    (whole sentences grouped up to ``chunk_tokens``). Naive chunks of an asymmetric encoder (E5) are
    encoded as ``role`` (``"passage"``: what queries should find).
    """
    docs = check_texts(documents)
    check_choice("chunking", chunking, CHUNK_MODES)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, 1)
    check_choice("split", split, CHUNKINGS)
    if chunking == "late":
        if not supports_late(encoder):
            raise ConfigError(
                f"late chunking reads a transformer's token vectors and needs a mean-pooling model (MiniLM); "
                f"{encoder!r} cannot: use chunking='naive' (--chunking naive)"
            )
        return late_chunks(encoder, docs, chunk_tokens=chunk_tokens, chunking=split, batch_size=batch_size)
    cuts = chunk_spans(encoder, docs, chunk_tokens, split)
    pieces = [text[a:b] for text, (sp, _) in zip(docs, cuts, strict=True) for a, b in sp]
    encode = getattr(encoder, "encode_documents", encoder.encode) if role == "passage" else encoder.encode
    # each piece fits the model by construction (E5's word-counted pieces are windowed by its engine); a piece
    # that repeats (boilerplate) is encoded once
    distinct = list(dict.fromkeys(pieces))
    row_of = {p: i for i, p in enumerate(distinct)}
    found = np.asarray(encode(distinct, batch_size=batch_size, show_progress=False), dtype=np.float32)
    vecs = found[[row_of[p] for p in pieces]]
    out, at = [], 0
    for text, (sp, counts) in zip(docs, cuts, strict=True):
        out.append(ChunkedDocument(text, vecs[at : at + len(sp)], sp, counts, len(sp)))
        at += len(sp)
    return out
