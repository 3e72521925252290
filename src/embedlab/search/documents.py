"""Search hits, documents' metadata checked on the way in, and short titles for the explorer's labels and lists."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embedlab.errors import ConfigError
from embedlab.search.database import decode_metadata

__all__ = ["Hit", "check_metadata", "document_titles", "hits_for"]


@dataclass
class Hit:
    """One search result."""

    id: str
    score: float
    text: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": self.score, "text": self.text, "metadata": self.metadata}


def check_metadata(m: Any, i: int) -> dict[str, Any]:
    """``metadata[i]`` as a JSON-serialisable dict (None: empty); ConfigError otherwise."""
    if m is None:
        return {}
    if not isinstance(m, dict):
        raise ConfigError(f"metadata[{i}] must be a JSON object (dict), got {type(m).__name__}")
    try:
        json.dumps(m)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"metadata[{i}] is not JSON-serialisable: {exc}") from None
    return m


def document_titles(db: sqlite3.Connection, slots: np.ndarray, length: int = 60) -> list[str]:
    """Each slot's metadata ``title`` (or ``name``), else the start of its text (one line, at most
    ``length`` characters), else its id."""
    rows = db.execute(
        "SELECT slot, id, text, json_extract(metadata, '$.title'), json_extract(metadata, '$.name') FROM docs"
    )
    found = {}
    for slot, doc_id, text, title, name in rows:
        label = title or name or " ".join((text or "").split())
        if not isinstance(label, str):
            label = str(label)
        found[slot] = (label[: length - 1] + "…" if len(label) > length else label) or doc_id
    return [found[int(s)] for s in slots]


def hits_for(
    db: sqlite3.Connection, db_path: Any, found: np.ndarray, scores: np.ndarray, with_text: bool, make_hit: Any
) -> list[list[Any]]:
    """Rows of ``found`` slots (-1: none) as hits, best first, built by ``make_hit(id, score, text, metadata)``."""
    wanted = sorted({int(s) for s in found.ravel() if s >= 0})
    info: dict[int, tuple] = {}
    cols = "slot, id, text, metadata" if with_text else "slot, id, NULL, metadata"
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        q = f"SELECT {cols} FROM docs WHERE slot IN ({','.join('?' * len(part))})"
        info.update({r[0]: r[1:] for r in db.execute(q, part)})
    out = []
    for row_i, row_s in zip(found, scores, strict=True):
        hits = []
        for s, sc in zip(row_i.tolist(), row_s.tolist(), strict=True):
            if s >= 0 and s in info:
                did, text, meta = info[s]
                hits.append(make_hit(did, float(sc), text, decode_metadata(db_path, did, meta)))
        out.append(hits)
    return out
