"""embedlab's native vectors format: a folder anyone can read with numpy and a text editor.

::

    model/
      config.json    {"format": "embedlab-vectors", "version": 1, "dim": ..., "n_words": ...,
                      "metadata": {params, corpus statistics, training report}}
      vectors.npy    float32 [n_words, dim], loads memory-mapped
      vocab.tsv      word<TAB>count, one line per row of vectors.npy

No pickle anywhere: loading a model never runs code from the file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from embedlab.errors import FormatError
from embedlab.io.atomic import atomic_dir
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.vocab import Vocab

FORMAT_NAME = "embedlab-vectors"
FORMAT_VERSION = 1


def save_native(kv: KeyedVectors, path: str | os.PathLike[str]) -> None:
    with atomic_dir(path) as tmp:
        np.save(tmp / "vectors.npy", np.ascontiguousarray(kv.vectors, dtype=np.float32))
        kv.vocab.save_tsv(tmp / "vocab.tsv")
        config = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "dim": kv.dim,
            "n_words": len(kv),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "metadata": kv.metadata,
        }
        ngrams = getattr(kv, "ngrams", None)
        if ngrams is not None:  # SubwordVectors: n-gram rows answer out-of-vocabulary words
            np.save(tmp / "ngrams.npy", np.ascontiguousarray(ngrams, dtype=np.float32))
            config["subwords"] = {"minn": kv.minn, "maxn": kv.maxn, "bucket": kv.bucket, "jamo": kv.jamo}
        (tmp / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False, default=_jsonable), "utf-8")


def is_native(path: str | os.PathLike[str]) -> bool:
    return Path(path).is_dir() and (Path(path) / "config.json").is_file()


def load_native(path: str | os.PathLike[str], *, mmap: bool = True) -> KeyedVectors:
    p = Path(path)
    try:
        config = json.loads((p / "config.json").read_text("utf-8"))
    except FileNotFoundError:
        raise FormatError(f"{p}: not an embedlab model folder (config.json is missing)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{p}/config.json is not valid JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise FormatError(f"{p}/config.json does not describe an embedlab vectors folder")
    if config.get("version") != FORMAT_VERSION:
        raise FormatError(f"{p}: format version {config.get('version')} is not supported (this embedlab reads 1)")
    try:
        vectors = np.load(p / "vectors.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError:
        raise FormatError(f"{p}: vectors.npy is missing") from None
    except (OSError, ValueError) as exc:
        raise FormatError(f"{p}/vectors.npy is unreadable or truncated ({exc})") from None
    vocab = Vocab.load_tsv(p / "vocab.tsv")
    n, dim = config.get("n_words"), config.get("dim")
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise FormatError(f"{p}/vectors.npy must be a float32 matrix, got {vectors.dtype} {vectors.shape}")
    if vectors.shape != (n, dim) or len(vocab) != n:
        raise FormatError(
            f"{p}: config.json says {n} words x {dim} dims, vectors.npy is {vectors.shape[0]} x {vectors.shape[1]} "
            f"and vocab.tsv has {len(vocab)} words (truncated or mixed-up files)"
        )
    sub = config.get("subwords")
    if sub is None:
        return KeyedVectors(vocab.words, vectors, vocab.counts, metadata=config.get("metadata", {}))
    from embedlab.vectors.subword import SubwordVectors

    try:
        ngrams = np.load(p / "ngrams.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise FormatError(f"{p}/ngrams.npy is missing, unreadable or truncated ({exc})") from None
    expected = (sub["bucket"] if sub["maxn"] > 0 else 0, dim)
    if ngrams.shape != expected or ngrams.dtype != np.float32:
        raise FormatError(f"{p}/ngrams.npy should be float32 {expected}, got {ngrams.dtype} {ngrams.shape}")
    return SubwordVectors(
        vocab.words, vectors, vocab.counts, ngrams=ngrams, minn=sub["minn"], maxn=sub["maxn"], bucket=sub["bucket"],
        jamo=sub["jamo"], metadata=config.get("metadata", {}),
    )  # fmt: skip


def _jsonable(o: object) -> object:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
