"""A collection's indexes kept on disk beside it: vector indexes (HNSW, IVF, int8, binary, PQ) and BM25.

Each saved index is a cache of what the database holds, stamped with the collection's generation
(the counter every committed change bumps): when the stamp is current it is loaded, otherwise (or
when anything about it is off: a damaged file, a different CRC) it is built again from the
collection and saved. Vector indexes also follow the collection's own adds and deletes in memory;
the BM25 index is rebuilt from the texts on the first lexical search after a change.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from embedlab._files import atomic_file
from embedlab.errors import FormatError

__all__ = ["lexical_index", "vector_index"]


def _stamp(path: Any) -> dict[str, Any] | None:
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def vector_index(col: Any, kind: str, params: dict[str, Any]) -> Any:
    """``col``'s vector index of ``kind``, from memory, from disk when current, else built and saved."""
    from embedlab.index.factory import make_index
    from embedlab.search.database import DB_FILE, int_setting
    from embedlab.search.memory import check_index_fits

    if kind in col._ann and not params:
        current = col._ann[kind]
        if (kind == "hnsw" and current.stale_fraction > 0.25) or current.stale_fraction > 0.5:
            slots, matrix = col.vectors()
            current.compact(matrix, slots)
        return current
    check_index_fits(kind, len(col), col.dim, **params)
    gen = col.generation
    if kind == "binary":  # candidates rescored from the vector file; how many: the collection's "rescore" setting
        rescore = int_setting(col.path / DB_FILE, col._settings, "rescore", 1, 10_000, default=4)
        params = {"fetch": col._rows_of_slots, "rescore": rescore, **params}
    ann: Any = make_index(kind, col.dim, col.metric, **params)
    saved = col.path / f"index-{kind}.faiss"
    stamp = saved.with_suffix(".json")
    if set(params) <= {"fetch", "rescore"} and saved.is_file():  # the collection's own settings: saved
        info = _stamp(stamp)
        try:  # the saved index is a cache: when anything about it is off, it is built again
            if info and info.get("generation") == gen and isinstance(info.get("crc32"), int):
                ann.load_state(saved, int(info["n"]), crc32=info["crc32"])
                col._ann[kind] = ann
                return ann
        except (ValueError, TypeError, KeyError, OSError, FormatError):
            pass
    n = 0
    for slots, rows in col._live_rows():
        ann.add(rows, slots)
        n += len(slots)
    col._ann[kind] = ann
    if n:
        crc32 = ann.save(saved)
        with atomic_file(stamp, "w") as fh:
            json.dump({"generation": gen, "n": n, "crc32": crc32}, fh)
    return ann


def lexical_index(col: Any) -> Any:
    """``col``'s BM25 index over the live documents' texts (ids are vector slots), current for its generation."""
    from embedlab.index.lexical import BM25Index

    gen = col.generation
    if col._lexical is not None and col._lexical[0] == gen:
        return col._lexical[1]
    saved = col.path / "index-bm25"
    stamp = col.path / "index-bm25.json"
    info = _stamp(stamp)
    idx = None
    if info and info.get("generation") == gen and info.get("language") == col.language and saved.is_dir():
        try:
            idx = BM25Index.load(saved)
        except FormatError:
            idx = None
    if idx is None:
        idx = BM25Index(language=col.language or "en")
        rows = col._db.execute("SELECT slot, COALESCE(text, '') FROM docs ORDER BY slot").fetchall()
        idx.fit([r[1] for r in rows], ids=np.array([r[0] for r in rows], dtype=np.int64))
        idx.save(saved)
        with atomic_file(stamp, "w") as fh:
            json.dump({"generation": gen, "language": col.language, "n": len(rows)}, fh)
    col._lexical = (gen, idx)
    return idx
