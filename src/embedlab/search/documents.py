"""Documents' metadata checked on the way in, and short titles for the explorer's labels and lists."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import numpy as np

from embedlab.errors import ConfigError

__all__ = ["check_metadata", "document_titles"]


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
