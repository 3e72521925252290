"""Reading texts for the sentence commands: plain text lines or JSON lines with a field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from embedlab.errors import ConfigError, FormatError


def read_records(path: Path, field: str | None = None) -> list[dict[str, Any]]:
    """Records from ``path``: ``.jsonl`` rows as they are, other files one ``{"text": line}`` per
    non-empty line. ``field`` names the text field of JSON rows (default ``text``)."""
    from embedlab.text.readers import iter_jsonl, open_text

    if not path.exists():
        raise FileNotFoundError(2, "input file not found", str(path))
    if ".jsonl" in path.name or ".ndjson" in path.name:
        rows = list(iter_jsonl(path))
        key = field or "text"
        for n, row in enumerate(rows, 1):
            if not isinstance(row.get(key), str):
                raise FormatError(f"{path}: record {n} has no string field {key!r}; pick the field with --field")
            row["text"] = row[key]
    else:
        if field:
            raise ConfigError("--field applies to .jsonl input only")
        with open_text(path) as fh:
            rows = [{"text": line.rstrip("\n")} for line in fh if line.strip()]
    if not rows:
        raise FormatError(f"{path} holds no texts")
    return rows
