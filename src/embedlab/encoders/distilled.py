"""DistilledEncoder: a sentence encoder with no transformer at inference, one vector per sub-word token.

A folder written by :func:`embedlab.compress.distill` holds the teacher's ``tokenizer.json``, a
``[vocabulary, dim]`` float16 matrix (``embeddings.npy``) and ``distilled.json``. A text's vector
is the mean of its tokens' rows (special tokens left out). It needs the ``tokenizers`` library
and numpy only: no torch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import load_npy
from embedlab._linalg import normalize_rows
from embedlab._progress import ProgressArg
from embedlab._validation import check_int
from embedlab.encoders.base import check_texts, read_model_config
from embedlab.errors import FormatError, MissingDependencyError
from embedlab.kernels.fasttext import mean_rows

__all__ = ["CONFIG_NAME", "DistilledEncoder", "is_distilled_folder"]

CONFIG_NAME = "distilled.json"
FORMAT_NAME = "embedlab-distilled"


def is_distilled_folder(path: str | os.PathLike[str]) -> bool:
    return (Path(path) / CONFIG_NAME).is_file()


class DistilledEncoder:
    """Static token vectors behind the encoder protocol (``encode`` as every embedlab encoder)."""

    modality = "text"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        p = Path(path)
        config = read_model_config(p, CONFIG_NAME, FORMAT_NAME, "a distilled encoder")
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise MissingDependencyError("tokenizers", "sentence") from None
        try:
            self.tokenizer = Tokenizer.from_file(str(p / "tokenizer.json"))
        except Exception as exc:  # the tokenizers library raises its own exception type
            raise FormatError(f"{p}/tokenizer.json cannot be read: {exc}") from None
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        # without character offsets, which pooling does not need (tokenizers >= 0.20): about twice as fast
        self._encode_batch = getattr(self.tokenizer, "encode_batch_fast", self.tokenizer.encode_batch)
        self.embeddings = load_npy(p / "embeddings.npy")
        if self.embeddings.ndim != 2 or self.embeddings.shape[0] != self.tokenizer.get_vocab_size():
            raise FormatError(f"{p}/embeddings.npy is {self.embeddings.shape}, the tokenizer has "
                              f"{self.tokenizer.get_vocab_size()} tokens")  # fmt: skip
        if not np.isfinite(self.embeddings).all():
            raise FormatError(f"{p}/embeddings.npy holds NaN or infinite values")
        self._table = np.ascontiguousarray(self.embeddings, dtype=np.float32)  # float16 on disk, float32 to add
        special = config.get("special_ids", [])
        self._keep = np.ones(self.embeddings.shape[0], dtype=bool)
        self._keep[[int(i) for i in special if 0 <= int(i) < len(self._keep)]] = False
        self.config: dict[str, Any] = config
        self.path = p
        self.name = config.get("teacher", p.name)

    def __repr__(self) -> str:
        return f"DistilledEncoder({str(self.path)!r}, dim={self.dim}, vocabulary={self.embeddings.shape[0]:,})"

    @property
    def dim(self) -> int:
        return int(self.embeddings.shape[1])

    def encode(
        self, texts: Sequence[str] | str, *, batch_size: int = 1024, normalize: bool = False,
        show_progress: ProgressArg = None,
    ) -> np.ndarray:  # fmt: skip
        """``float32 [n, dim]``: the mean of each text's token rows (a text with no token: zeros)."""
        texts = check_texts(texts)
        batch_size = check_int("batch_size", batch_size, 1)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            encodings = self._encode_batch(batch, add_special_tokens=False)
            lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
            ids = np.fromiter((i for e in encodings for i in e.ids), dtype=np.int64, count=int(lengths.sum()))
            keep = self._keep[ids]
            owner = np.repeat(np.arange(len(encodings)), lengths)[keep]
            offsets = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(encodings)))]).astype(np.int64)
            mean_rows(offsets, ids[keep], self._table, out[start : start + len(encodings)])
        return normalize_rows(out) if normalize else out
