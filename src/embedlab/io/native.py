"""embedlab's native vectors format: a folder anyone can read with numpy and a text editor.

::

    model/
      config.json    {"format": "embedlab-vectors", "version": 1, "kind": "KeyedVectors", "dim": ...,
                      "n_words": ..., "metadata": {params, corpus statistics, training report}, ...}
      vectors.npy    float32 [n_words, dim], loads memory-mapped
      vocab.tsv      key<TAB>count, one line per row of vectors.npy
      *.npy          whatever else the artifact keeps (SubwordVectors: ngrams.npy)

The folder layout is written and checked here; what goes in it beyond the vectors and the
vocabulary is the artifact's own (``_native_state`` / ``_from_native``), and ``kind`` names
its class (:mod:`embedlab.io.artifacts`).

No pickle anywhere: loading a model never runs code from the file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedlab._files import atomic_dir, load_npy
from embedlab.errors import FormatError
from embedlab.io.artifacts import artifact_class
from embedlab.vocab.vocab import Vocab

if TYPE_CHECKING:
    from embedlab.vectors.keyed import KeyedVectors

FORMAT_NAME = "embedlab-vectors"
FORMAT_VERSION = 1


def save_native(kv: KeyedVectors, path: str | os.PathLike[str]) -> None:
    extra, arrays = kv._native_state()
    with atomic_dir(path) as tmp:
        np.save(tmp / "vectors.npy", kv._native_matrix())
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))  # each artifact chooses its dtypes
        kv.vocab.save_tsv(tmp / "vocab.tsv")
        config = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "kind": type(kv).__name__,
            "dim": kv.dim,
            "n_words": len(kv),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "metadata": kv.metadata,
            **extra,
        }
        text = json.dumps(_finite(config), indent=2, ensure_ascii=False, default=_jsonable, allow_nan=False)
        (tmp / "config.json").write_text(text, "utf-8")


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
    except OSError as exc:  # a folder where the file belongs, no permission
        raise FormatError(f"{p}/config.json cannot be read ({exc.strerror})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise FormatError(f"{p}/config.json does not describe an embedlab vectors folder")
    if config.get("version") != FORMAT_VERSION:
        raise FormatError(f"{p}: format version {config.get('version')} is not supported (this embedlab reads 1)")
    vectors = load_npy(p / "vectors.npy", mmap=mmap)
    vocab = Vocab.load_tsv(p / "vocab.tsv")
    n, dim = config.get("n_words"), config.get("dim")
    # folders written before "kind" was recorded: subword models are the ones with "subwords"
    kind = config.get("kind") or ("SubwordVectors" if "subwords" in config else "KeyedVectors")
    cls = artifact_class(kind)
    if not cls._native_matrix_ok(vectors, config) or vectors.shape[0] != n or len(vocab) != n:
        raise FormatError(
            f"{p}: config.json says {n} words x {dim} dims ({kind}), vectors.npy is {vectors.dtype} "
            f"{list(vectors.shape)} and vocab.tsv has {len(vocab)} words (truncated or mixed-up files)"
        )

    def load_array(name: str) -> np.ndarray:
        return load_npy(p / f"{name}.npy", mmap=mmap)

    try:
        return cls._from_native(vocab, vectors, config, load_array, p)
    except (TypeError, ValueError, KeyError, OverflowError, AttributeError) as exc:  # a field of the wrong type
        raise FormatError(f"{p}/config.json holds a value of the wrong type or range ({type(exc).__name__}: "
                          f"{exc}); the folder is damaged") from None  # fmt: skip


def _finite(o: object) -> object:
    """``o`` with NaN and infinities as null: config.json stays strict JSON that any reader parses
    (an epoch that trained no pair has no loss)."""
    if isinstance(o, float | np.floating):
        return float(o) if np.isfinite(o) else None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_finite(v) for v in o]
    if isinstance(o, np.ndarray):
        return _finite(o.tolist())
    return o


def _jsonable(o: object) -> object:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
