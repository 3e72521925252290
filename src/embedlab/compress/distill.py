"""Static distillation of a sentence-transformers model (model2vec's recipe): no transformer at inference.

Every token of the teacher's vocabulary goes through the teacher once, alone between its special
tokens, and the teacher's output at that token's position becomes the token's vector; PCA keeps
``dim`` components; each row is then weighted as SIF does, ``a / (a + p)``, with the token's
probability ``p`` estimated from its rank by Zipf's law (``p = 1 / (rank · ln V)``), the vocabulary
order standing in for frequency order, as model2vec assumes: ranks start at the first token of two
or more letters (in BERT's vocabulary the tokens before it are single characters and unused
slots, counted as the most frequent). A text is encoded as the mean of its tokens' rows
(:class:`~embedlab.encoders.distilled.DistilledEncoder`).

On STS Benchmark test the distilled MiniLM scores 0.716 with these choices, 0.58 with model2vec's
older log(1 + rank) weights and 0.53 with none (BENCHMARKS.md, "Compression").
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from typing import Any

import numpy as np

from embedlab._files import atomic_dir
from embedlab._params import Config, param
from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_int
from embedlab.encoders.distilled import CONFIG_NAME, FORMAT_NAME, DistilledEncoder
from embedlab.errors import ConfigError

__all__ = ["DistillConfig", "distill"]


def _token_vectors(encoder: Any, batch_size: int, show_progress: ProgressArg) -> np.ndarray:
    torch = encoder._torch
    tok = encoder.tokenizer
    n = len(tok)
    cls_id, sep_id = tok.cls_token_id, tok.sep_token_id
    if cls_id is None or sep_id is None:
        raise ConfigError("distillation needs a tokenizer with [CLS]/[SEP]-style special tokens (a BERT-like model)")
    out = np.empty((n, encoder.dim), dtype=np.float32)
    with Progress("token vectors", n, enabled=show_progress, unit="tokens") as bar:
        for start in range(0, n, batch_size):
            ids = torch.arange(start, min(n, start + batch_size))[:, None]
            input_ids = torch.cat([torch.full_like(ids, cls_id), ids, torch.full_like(ids, sep_id)], dim=1)
            feats = {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids)}
            if "token_type_ids" in tok.model_input_names:
                feats["token_type_ids"] = torch.zeros_like(input_ids)
            with torch.inference_mode():
                hidden = encoder.model[0].auto_model(**feats).last_hidden_state
            out[start : start + len(ids)] = hidden[:, 1].float().numpy()  # the token's own position
            bar.update(start + len(ids))
    return out


def _sif_weights(tokenizer: Any, a: float) -> np.ndarray:
    """``a / (a + p)`` per token id, ``p`` from the token's Zipf rank in the vocabulary order."""
    vocab = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    first = next((i for i, t in enumerate(vocab) if len(t) >= 2 and t.isalpha()), 0)
    rank = np.maximum(np.arange(len(vocab), dtype=np.float64) - first + 1, 1.0)
    p = 1.0 / (rank * np.log(len(vocab)))
    return (a / (a + p)).astype(np.float32)


@dataclass(frozen=True, kw_only=True)
class DistillConfig(Config):
    """:func:`distill`'s settings."""

    dim: int = param(240, "Components kept by PCA (at most the model's dim).", ge=1, le=10_000, aliases=("pca_dims",))
    sif: float = param(1e-3, "SIF weight a / (a + p) with p from the Zipf rank; 0 leaves rows as they are.", ge=0.0)
    batch_size: int = param(512, "Tokens per model call.", ge=1)


def distill(
    output: str | os.PathLike[str],
    encoder: Any = None,
    *,
    dim: int = DistillConfig.dim,
    sif: float | None = DistillConfig.sif,
    batch_size: int = DistillConfig.batch_size,
    show_progress: ProgressArg = None,
) -> DistilledEncoder:
    """Distil ``encoder`` (a :class:`~embedlab.encoders.transformer.SentenceEncoder`; default the
    bundled MiniLM) into a static encoder saved at ``output``; returns it loaded. ``dim`` 240 keeps
    MiniLM's folder under 16 MB (float16 rows and the tokenizer); ``sif=0`` (or None) leaves rows unweighted.

    >>> # enc = distill("minilm-static")          # about a minute on 2 cores for MiniLM's 30,522 tokens
    >>> # enc.encode(["a static sentence vector"]).shape  -> (1, 240)
    """
    from embedlab.encoders.transformer import SentenceEncoder

    encoder = SentenceEncoder() if encoder is None else encoder
    if not isinstance(encoder, SentenceEncoder):
        raise ConfigError(f"distill needs a sentence-transformers encoder, got {type(encoder).__name__}")
    tokenizer_file = encoder.path / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise ConfigError(f"{encoder.path} has no tokenizer.json (a fast tokenizer file) to encode with")
    c = DistillConfig(dim=dim, sif=sif or 0.0, batch_size=batch_size)
    dim = check_int("dim", c.dim, 1, encoder.dim)
    vectors = _token_vectors(encoder, c.batch_size, show_progress)
    centred = vectors - vectors.mean(axis=0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[:dim].T
    if c.sif > 0:
        reduced *= _sif_weights(encoder.tokenizer, c.sif)[:, None]
    config = {
        "format": FORMAT_NAME,
        "version": 1,
        "teacher": encoder.name,
        "dim": dim,
        "vocabulary": len(reduced),
        "sif": c.sif if c.sif > 0 else None,
        "special_ids": sorted(int(i) for i in encoder.tokenizer.all_special_ids),
    }
    with atomic_dir(output) as tmp:
        shutil.copyfile(tokenizer_file, tmp / "tokenizer.json")
        np.save(tmp / "embeddings.npy", reduced.astype(np.float16))
        (tmp / CONFIG_NAME).write_text(json.dumps(config, indent=2), "utf-8")
    return DistilledEncoder(output)
