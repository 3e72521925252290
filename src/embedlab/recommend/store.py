"""Saving and loading fitted recommenders as plain files (JSON + .npy + name lists, never pickle).

A model folder holds ``recommender.json`` (kind, settings, format version), ``users.txt`` and
``items.txt`` (one name a line), ``item_titles.txt`` when the log had titles, the seen-items
matrix (``seen_indptr.npy``, ``seen_indices.npy``) so ``recommend`` still leaves out what a user
has, and the model's own arrays: ``user_factors.npy`` / ``item_factors.npy`` (ALS, BPR),
``item_vectors.npy`` (Taste over item2vec or content vectors is rebuilt from its parts),
``similarity_*.npy`` (item-kNN), ``counts.npy`` (popularity). Writes are atomic (a folder appears
complete or not at all).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from embedlab._files import atomic_dir, load_npy
from embedlab.errors import FormatError
from embedlab.recommend.base import Recommender
from embedlab.recommend.baselines import ItemKNN, Popularity
from embedlab.recommend.factors import ALS, BPR
from embedlab.recommend.interactions import Interactions

__all__ = ["load_recommender", "save_recommender"]

PathLike = str | os.PathLike[str]
FORMAT = "embedlab-recommender"
VERSION = 1
KINDS: dict[str, type[Recommender]] = {"als": ALS, "bpr": BPR, "itemknn": ItemKNN, "popularity": Popularity}


def _kind(model: Recommender) -> str:
    for kind, cls in KINDS.items():
        if type(model) is cls:
            return kind
    raise FormatError(f"cannot save a {type(model).__name__}; saved kinds are {', '.join(KINDS)}")


def save_recommender(model: Recommender, path: PathLike) -> Path:
    """Write a fitted ALS, BPR, ItemKNN or Popularity model to the folder ``path`` (atomically)."""
    train = model._check_fitted()
    kind = _kind(model)
    seen = model._seen
    assert seen is not None
    settings: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {"seen_indptr": seen.indptr.astype(np.int64),
                                     "seen_indices": seen.indices.astype(np.int32)}  # fmt: skip
    if isinstance(model, (ALS, BPR)):
        settings = {k: v for k, v in model.config.as_dict().items() if k != "threads"}
        arrays |= {"user_factors": model.user_factors, "item_factors": model.item_factors}
    elif isinstance(model, ItemKNN):
        settings = {"neighbours": model.neighbours}
        sim = model.similarity.tocsr()
        arrays |= {"similarity_indptr": sim.indptr.astype(np.int64), "similarity_indices": sim.indices.astype(np.int32),
                   "similarity_data": sim.data.astype(np.float32)}  # fmt: skip
    elif isinstance(model, Popularity):
        arrays["counts"] = model.counts
    meta = {"format": FORMAT, "version": VERSION, "kind": kind, "settings": settings,
            "users": train.n_users, "items": train.n_items, "events": train.n_events,
            "history": getattr(model, "history", [])}  # fmt: skip
    with atomic_dir(path) as tmp:
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", arr)
        (tmp / "users.txt").write_text("".join(f"{u}\n" for u in train.users), encoding="utf-8")
        (tmp / "items.txt").write_text("".join(f"{x}\n" for x in train.items), encoding="utf-8")
        if train.item_titles is not None:  # one line each: a title's own line breaks become spaces
            titles = (" ".join(t.split()) for t in train.item_titles)
            (tmp / "item_titles.txt").write_text("".join(f"{t}\n" for t in titles), encoding="utf-8")
        (tmp / "recommender.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return Path(path)


def _names(path: Path, count: int) -> list[str]:
    names = path.read_bytes().decode("utf-8").split("\n")[:-1]  # no newline translation: an id may hold a "\r"
    if len(names) != count:
        raise FormatError(f"{path}: {len(names)} names, recommender.json says {count}")
    return names


def load_recommender(path: PathLike) -> Recommender:
    """Load a folder written by :func:`save_recommender`; FormatError says what is wrong with a bad one."""
    p = Path(path)
    try:
        meta = json.loads((p / "recommender.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError(f"{p}: not a recommender model (recommender.json is missing)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{p}/recommender.json is not valid JSON: {exc}") from None
    if meta.get("format") != FORMAT or meta.get("version") != VERSION or meta.get("kind") not in KINDS:
        raise FormatError(f"{p}: unsupported recommender {meta.get('format')!r} v{meta.get('version')} "
                          f"kind {meta.get('kind')!r}")  # fmt: skip
    users = _names(p / "users.txt", meta["users"])
    items = _names(p / "items.txt", meta["items"])

    def arr(name: str) -> np.ndarray:
        return load_npy(p / f"{name}.npy")

    seen = sp.csr_matrix((np.ones(arr("seen_indices").size, np.float32), arr("seen_indices"), arr("seen_indptr")),
                         shape=(len(users), len(items)))  # fmt: skip
    model: Any
    kind, s = meta["kind"], meta["settings"]
    if kind in ("als", "bpr"):
        model = ALS(**s) if kind == "als" else BPR(**s)
        model.user_factors, model.item_factors = arr("user_factors"), arr("item_factors")
        if model.user_factors.shape[0] != len(users) or model.item_factors.shape[0] != len(items):
            raise FormatError(f"{p}: factor matrices do not match the user and item lists")
        model.history = meta.get("history", [])
    elif kind == "itemknn":
        model = ItemKNN(**s)
        model.similarity = sp.csr_matrix((arr("similarity_data"), arr("similarity_indices"), arr("similarity_indptr")),
                                         shape=(len(items), len(items)))  # fmt: skip
    else:
        model = Popularity()
        model.counts = arr("counts")
    # the fitted log's names and seen items, without its events
    rows = np.repeat(np.arange(len(users)), np.diff(seen.indptr))
    titles = _names(p / "item_titles.txt", len(items)) if (p / "item_titles.txt").is_file() else None
    model.train = Interactions(rows, seen.indices, users, items, item_titles=titles)
    model._seen = seen
    return model
