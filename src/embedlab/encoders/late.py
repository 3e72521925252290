"""Late chunking: chunk vectors of a long document that saw their neighbours (Günther et al., 2024).

A document of any length goes through the model in overlapping windows of the length it reads; each
token keeps its contextual vector from the window where it sits most centrally (furthest from a window
edge), and a chunk's vector is the mean of its tokens' vectors, then the model's own normalisation. Naive
chunking cuts the text first and encodes each chunk alone, so a chunk never sees the rest of the document
(``SentenceEncoder.encode_long`` pools such chunks into one vector).

Chunks are either runs of about ``chunk_tokens`` tokens that start on word boundaries, or sentences
(grouped up to ``chunk_tokens``). ``[CLS]`` belongs to the first chunk and ``[SEP]`` to the last, so a
document that fits one window and is one chunk gets exactly its ``encode`` vector.

>>> from embedlab.encoders.transformer import SentenceEncoder
>>> doc = "Seoul is the capital of Korea. " * 80 + "The pass key is 71432."
>>> late = late_chunks(SentenceEncoder(), [doc], chunk_tokens=64)[0]
>>> late.vectors.shape[1], len(late.spans) == len(late.vectors)
(384, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._validation import check_choice, check_int
from embedlab.encoders.base import check_texts
from embedlab.errors import ConfigError

__all__ = ["CHUNKINGS", "ChunkedDocument", "late_chunks", "sentence_chunks", "token_chunks", "window_starts"]

#: how a document is cut into chunks
CHUNKINGS = ("tokens", "sentences")
_SENTENCE_END = re.compile(r"(?<=[.!?。？！])\s+|\n+")


@dataclass
class ChunkedDocument:
    """One document's chunks: ``vectors[i]`` is the chunk ``text[spans[i][0]:spans[i][1]]`` of
    ``n_tokens[i]`` tokens; ``windows`` model passes were run for the whole document."""

    text: str
    vectors: np.ndarray
    spans: list[tuple[int, int]]
    n_tokens: list[int]
    windows: int

    def passages(self) -> list[str]:
        return [self.text[a:b] for a, b in self.spans]


def window_starts(n: int, width: int, overlap: int) -> list[int]:
    """Starts of windows of ``width`` tokens over ``n`` tokens, neighbours sharing at least ``overlap``; the
    last window ends at ``n``.

    >>> window_starts(10, 4, 1)
    [0, 3, 6]
    >>> window_starts(3, 4, 1)
    [0]
    """
    if n <= width:
        return [0]
    step = width - overlap
    starts = list(range(0, n - width, step))
    return [*starts, n - width]


def _central_window(n: int, starts: list[int], width: int) -> np.ndarray:
    """For each of ``n`` tokens, the window where it is furthest from an edge (ties: the earlier window)."""
    pos = np.arange(n)
    best = np.zeros(n, dtype=np.int64)
    margin = np.full(n, -1, dtype=np.int64)
    for w, s in enumerate(starts):
        inside = (pos >= s) & (pos < s + width)
        m = np.minimum(pos - s, s + width - 1 - pos)
        better = inside & (m > margin)
        best[better], margin[better] = w, m[better]
    return best


def token_chunks(word_ids: Sequence[int | None], chunk_tokens: int) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` of at most ``chunk_tokens`` tokens (fewer where a word would be cut in two),
    covering every token once, in order.

    >>> token_chunks([0, 0, 1, 1, 1, 2], 3)
    [(0, 2), (2, 5), (5, 6)]
    """
    n, out, a = len(word_ids), [], 0
    while a < n:
        b = min(a + chunk_tokens, n)
        if b < n:  # back to the start of the word that would be cut
            e = b
            while e > a + 1 and word_ids[e] is not None and word_ids[e] == word_ids[e - 1]:
                e -= 1
            b = e
        out.append((a, b))
        a = b
    return out


def sentence_chunks(text: str, offsets: np.ndarray, chunk_tokens: int) -> list[tuple[int, int]]:
    """Token ranges of whole sentences, neighbours joined while they fit ``chunk_tokens`` (a longer
    sentence is a chunk of its own)."""
    n = len(offsets)
    ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    # the token each sentence ends before: first token starting at or after the sentence's end
    starts_at = offsets[:, 0]
    cuts = sorted({int(np.searchsorted(starts_at, e, side="left")) for e in ends} | {n})
    out: list[tuple[int, int]] = []
    a = 0
    for c in cuts:
        if c <= a:
            continue
        if out and c - out[-1][0] <= chunk_tokens and out[-1][1] == a:
            out[-1] = (out[-1][0], c)
        else:
            out.append((a, c))
        a = c
    return out


def late_chunks(
    encoder: Any,
    documents: Sequence[str] | str,
    *,
    chunk_tokens: int = 128,
    chunking: str = "tokens",
    overlap: int | None = None,
    batch_size: int = 16,
) -> list[ChunkedDocument]:
    """Late-chunked vectors of each document (a :class:`ChunkedDocument` each).

    ``encoder`` is a :class:`~embedlab.encoders.transformer.SentenceEncoder` with mean pooling (MiniLM);
    ``chunking="tokens"`` makes chunks of about ``chunk_tokens`` tokens on word boundaries,
    ``"sentences"`` whole sentences grouped up to ``chunk_tokens``; windows of the model's length overlap
    by ``overlap`` tokens (default: half a window), so every token is read with context on both sides.
    """
    docs = check_texts(documents)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, 1)
    check_choice("chunking", chunking, CHUNKINGS)
    batch_size = check_int("batch_size", batch_size, 1)
    pooling = getattr(encoder.model[1], "pooling_mode", None) if len(encoder.model) > 1 else None
    if pooling != "mean":
        raise ConfigError(f"late chunking averages token vectors: it needs a mean-pooling model, not {pooling!r}")
    width = encoder.max_seq_length - 2  # content tokens a window reads beside [CLS] and [SEP]
    overlap = width // 2 if overlap is None else check_int("overlap", overlap, 0)
    if overlap >= width:
        raise ConfigError(f"overlap must be smaller than the window ({width} tokens), got {overlap}")
    enc = encoder._untruncated(docs, return_offsets_mapping=True)
    ids_of = [np.asarray(enc["input_ids"][d], dtype=np.int64) for d in range(len(docs))]
    token_rows = _token_vectors(encoder, ids_of, width, overlap, batch_size)  # each [n + 2, dim]: [CLS], [SEP] too
    out = []
    for d, text in enumerate(docs):
        offsets = np.asarray(enc["offset_mapping"][d], dtype=np.int64).reshape(-1, 2)
        tokens, n = token_rows[d], len(ids_of[d])
        if n == 0:
            ranges = [(0, 0)]
        elif chunking == "tokens":
            ranges = token_chunks(enc.word_ids(d), chunk_tokens)
        else:
            ranges = sentence_chunks(text, offsets, chunk_tokens)
        vecs = np.empty((len(ranges), tokens.shape[1]), dtype=np.float32)
        spans, counts = [], []
        for i, (a, b) in enumerate(ranges):
            lo, hi = a + 1, b + 1  # rows of ``tokens``: row 0 is [CLS]
            lo = 0 if i == 0 else lo
            hi = n + 2 if i == len(ranges) - 1 else hi
            vecs[i] = tokens[lo:hi].mean(axis=0)
            spans.append((int(offsets[a][0]), int(offsets[b - 1][1])) if b > a else (0, len(text)))
            counts.append(b - a)
        if encoder.normalizes:
            normalize_rows(vecs)
        out.append(ChunkedDocument(text, vecs, spans, counts, len(window_starts(n, width, overlap))))
    return out


def _token_vectors(encoder: Any, docs: list[np.ndarray], width: int, overlap: int, batch_size: int) -> list[np.ndarray]:
    """For each document's token ids, the contextual vectors of ``[CLS]``, every token and ``[SEP]``: each
    token's from the window where it sits most centrally; ``[CLS]`` from the first window and ``[SEP]`` from
    the last. The windows of all documents run together, longest first (little padding); a window whose
    tokens were read already (boilerplate, repeated text) is not run again; each window's rows go straight
    to the tokens that take them, so memory holds the documents' token vectors, not every window's."""
    torch = encoder._torch
    tok = encoder.tokenizer
    dim = encoder.dim
    out = [np.empty((len(ids) + 2, dim), dtype=np.float32) for ids in docs]
    windows: list[np.ndarray] = []
    targets: list[list[tuple[int, np.ndarray, np.ndarray]]] = []  # per window: (document, its rows, their rows)
    seen: dict[bytes, int] = {}
    for d, ids in enumerate(docs):
        n = len(ids)
        starts = window_starts(n, width, overlap)
        which = _central_window(n, starts, width)
        for k, s in enumerate(starts):
            w = np.concatenate([[tok.cls_token_id], ids[s : s + width], [tok.sep_token_id]]).astype(np.int64)
            key = w.tobytes()
            if key not in seen:
                seen[key] = len(windows)
                windows.append(w)
                targets.append([])
            src = np.flatnonzero(which == k) - s + 1  # rows of the window ([CLS] is its row 0)
            dst = src + s  # rows of the document's output ([CLS] is its row 0)
            if k == 0:  # [CLS] from the first window
                src, dst = np.append(src, 0), np.append(dst, 0)
            if k == len(starts) - 1:  # [SEP] from the last
                src, dst = np.append(src, min(n, width) + 1), np.append(dst, n + 1)
            targets[seen[key]].append((d, src, dst))
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i]))
    for a in range(0, len(order), batch_size):
        part = order[a : a + batch_size]
        longest = len(windows[part[0]])
        input_ids = np.full((len(part), longest), tok.pad_token_id, dtype=np.int64)
        mask = np.zeros((len(part), longest), dtype=np.int64)
        for j, i in enumerate(part):
            input_ids[j, : len(windows[i])], mask[j, : len(windows[i])] = windows[i], 1
        feats = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask)}
        if "token_type_ids" in tok.model_input_names:
            feats["token_type_ids"] = torch.zeros_like(feats["input_ids"])
        feats = {key: v.to(encoder.model.device) for key, v in feats.items()}
        with torch.inference_mode(), encoder._autocast():
            emb = encoder.model[0](feats)["token_embeddings"].float().cpu().numpy()
        for j, i in enumerate(part):
            for d, src, dst in targets[i]:
                out[d][dst] = emb[j, src]
    return out
