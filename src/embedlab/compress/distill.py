"""Static distillation of a sentence-transformers model (model2vec's recipe): no transformer at inference.

Every token of the teacher's vocabulary goes through the teacher once, alone between its special
tokens, and the teacher's own pooling of that output becomes the token's vector; PCA keeps
``dim`` components; each row is then weighted by log(1 + rank), the vocabulary order standing in
for frequency rank (Zipf), which lowers the weight of the most frequent tokens as SIF does. A text
is encoded as the mean of its tokens' rows (:class:`~embedlab.encoders.distilled.DistilledEncoder`).
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import numpy as np

from embedlab._files import atomic_dir
from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_int
from embedlab.encoders.distilled import CONFIG_NAME, FORMAT_NAME, DistilledEncoder
from embedlab.errors import ConfigError

__all__ = ["distill"]


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
                emb = encoder.model(feats)["sentence_embedding"]
            out[start : start + len(ids)] = emb.float().numpy()
            bar.update(start + len(ids))
    return out


def distill(
    output: str | os.PathLike[str],
    encoder: Any = None,
    *,
    dim: int = 256,
    zipf: bool = True,
    batch_size: int = 512,
    show_progress: ProgressArg = None,
) -> DistilledEncoder:
    """Distil ``encoder`` (a :class:`~embedlab.encoders.transformer.SentenceEncoder`; default the
    bundled MiniLM) into a static encoder saved at ``output``; returns it loaded.

    >>> # enc = distill("minilm-static")          # about a minute on 2 cores for MiniLM's 30,522 tokens
    >>> # enc.encode(["a static sentence vector"]).shape  -> (1, 256)
    """
    from embedlab.encoders.transformer import SentenceEncoder

    encoder = SentenceEncoder() if encoder is None else encoder
    if not isinstance(encoder, SentenceEncoder):
        raise ConfigError(f"distill needs a sentence-transformers encoder, got {type(encoder).__name__}")
    tokenizer_file = encoder.path / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise ConfigError(f"{encoder.path} has no tokenizer.json (a fast tokenizer file) to encode with")
    dim = check_int("dim", dim, 1, encoder.dim)
    vectors = _token_vectors(encoder, check_int("batch_size", batch_size, 1), show_progress)
    centred = vectors - vectors.mean(axis=0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[:dim].T
    if zipf:
        reduced *= np.log1p(np.arange(1, len(reduced) + 1, dtype=np.float32))[:, None]
    config = {
        "format": FORMAT_NAME,
        "version": 1,
        "teacher": encoder.name,
        "dim": dim,
        "vocabulary": len(reduced),
        "zipf": zipf,
        "special_ids": sorted(int(i) for i in encoder.tokenizer.all_special_ids),
    }
    with atomic_dir(output) as tmp:
        shutil.copyfile(tokenizer_file, tmp / "tokenizer.json")
        np.save(tmp / "embeddings.npy", reduced.astype(np.float16))
        (tmp / CONFIG_NAME).write_text(json.dumps(config, indent=2), "utf-8")
    return DistilledEncoder(output)
