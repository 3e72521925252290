"""The SQLite side of a collection, read defensively: a damaged ``collection.db`` is a ``FormatError``.

Opening checks the tables and every setting (present, of the right type and range) before anything
else is read; afterwards :func:`guarded` turns SQLite's own errors about a damaged file, and
documents whose fields cannot be what they claim, into a ``FormatError`` that names the file. A
busy or locked database is not damage: that error is raised as it is.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from embedlab._validation import parse_count
from embedlab.encoders.base import ON_LONG
from embedlab.errors import FormatError
from embedlab.index.base import INDEX_KINDS, METRICS
from embedlab.text.tokenizers import LANGUAGES

__all__ = [
    "DB_FILE",
    "DOC_COLUMNS",
    "create_database",
    "damaged",
    "decode_metadata",
    "guarded",
    "int_setting",
    "open_database",
]

#: a collection's SQLite file (documents and settings), inside its folder
DB_FILE = "collection.db"

DOC_COLUMNS = ("id", "slot", "text", "metadata")
_MAX_DIM = 1 << 20

F = TypeVar("F", bound=Callable[..., Any])


def damaged(db: Path, why: object) -> FormatError:
    return FormatError(f"{db} is damaged ({why}); restore the collection from a backup or build it again")


def _busy(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def guarded(method: F) -> F:
    """Run a Collection method, reporting a damaged database as a FormatError (not while it is busy)."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if _busy(exc):
                raise
            raise damaged(self.path / DB_FILE, exc) from None

    return run  # type: ignore[return-value]


def int_setting(db: Path, settings: dict[str, Any], key: str, low: int, high: int, default: int | None = None) -> int:
    """The integer setting ``key``, checked to lie in ``[low, high]``."""
    value = settings.get(key)
    if value is None and default is not None:
        return default
    text = str(value)
    negative = text.startswith("-")  # a negative setting is out of range, not unreadable
    try:
        number = parse_count(text[negative:], f"setting {key!r}")
    except FormatError:
        raise damaged(db, f"setting {key!r} should be an integer, got {value!r}") from None
    number = -number if negative else number
    if not low <= number <= high:
        raise damaged(db, f"setting {key!r} = {number} is outside [{low}, {high}]")
    return number


def create_database(db: Path, settings: dict[str, Any]) -> None:
    """A new collection database holding ``settings``, written beside and renamed into place: the
    collection exists only once it is complete."""
    tmp = db.with_name(db.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.executescript(
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE docs (
            id TEXT PRIMARY KEY NOT NULL,
            slot INTEGER NOT NULL UNIQUE,
            text TEXT,
            metadata TEXT NOT NULL DEFAULT '{}'
        );
        """
    )
    con.executemany("INSERT INTO settings VALUES (?, ?)", [(k, str(v)) for k, v in settings.items()])
    con.close()
    os.replace(tmp, db)


def open_database(db: Path, format_version: int) -> tuple[sqlite3.Connection, dict[str, Any]]:
    """Connect to ``db`` and check its schema and settings; returns the connection and the parsed
    settings ``dim`` (int), ``metric``, ``model`` (str or None) and ``generation`` (int)."""
    try:
        conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    except sqlite3.DatabaseError as exc:
        raise FormatError(f"{db} is not a readable collection database: {exc}") from None
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"settings", "docs"} <= tables:
            raise FormatError(f"{db} is not a collection database (tables: {sorted(tables) or 'none'})")
        columns = {r[1] for r in conn.execute("PRAGMA table_info(docs)")}
        if missing := [c for c in DOC_COLUMNS if c not in columns]:
            raise damaged(db, f"the docs table lacks the column(s) {missing}")
        raw = dict(conn.execute("SELECT key, value FROM settings").fetchall())
        version = raw.get("format_version")
        if str(version) != str(format_version):
            raise FormatError(f"{db}: unsupported collection format {version!r} (this embedlab reads {format_version})")
        metric = raw.get("metric")
        if metric not in METRICS:
            raise damaged(db, f"setting 'metric' should be one of {list(METRICS)}, got {metric!r}")
        model = raw.get("model")
        if model is not None and not isinstance(model, str):
            raise damaged(db, f"setting 'model' should be text, got {model!r}")
        index = raw.get("index", "exact")  # collections made before the setting existed search exactly
        if index not in INDEX_KINDS:
            raise damaged(db, f"setting 'index' should be one of {list(INDEX_KINDS)}, got {index!r}")
        language = raw.get("language") or None  # collections made before the setting: Unicode words
        if language is not None and language not in LANGUAGES:
            raise damaged(db, f"setting 'language' should be one of {sorted(LANGUAGES)}, got {language!r}")
        on_long = raw.get("on_long") or None  # None: the encoder's own choice
        if on_long is not None and on_long not in ON_LONG:
            raise damaged(db, f"setting 'on_long' should be one of {list(ON_LONG)}, got {on_long!r}")
        settings = {
            "on_long": on_long,
            "index": index,
            "language": language,
            "dim": int_setting(db, raw, "dim", 1, _MAX_DIM),
            "metric": metric,
            "model": model or None,
            "generation": int_setting(db, raw, "generation", 0, 2**62),
            "raw": raw,  # every setting as text, for the kinds of collection that keep more
        }
        int_setting(db, raw, "max_dead_slot", -1, 2**62, default=-1)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise FormatError(f"{db} is not a readable collection database: {exc}") from None
    except (FormatError, UnicodeDecodeError) as exc:
        conn.close()
        raise exc if isinstance(exc, FormatError) else damaged(db, exc) from None
    return conn, settings


def decode_metadata(db: Path, doc_id: Any, text: Any) -> dict[str, Any]:
    """A document's stored metadata: a JSON object, else FormatError naming the document."""
    try:
        meta = json.loads(text)
    except (TypeError, ValueError):
        raise damaged(db, f"document {doc_id!r} has metadata that is not JSON") from None
    if not isinstance(meta, dict):
        raise damaged(db, f"document {doc_id!r} has metadata that is not a JSON object")
    return meta
