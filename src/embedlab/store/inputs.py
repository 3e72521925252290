"""The rows of a corpus to encode, read in one fixed order from files, folders and globs.

Text files give one document a line (id ``<file>:<line>``), JSON lines, CSV and Parquet give a record a
row (the text in ``field``, the id in ``id_field``, every other column is metadata); compressed files
(``.gz``, ``.xz``, ``.bz2``) are read as they are. For an image encoder the inputs are image files and
folders (id: the path below the folder given). A folder means every file below it, sorted; a glob every
match, sorted; so the same inputs give the same rows in the same order, which is what lets an interrupted
encode go on where it stopped.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("first\\n\\nsecond\\n")
>>> [(r.id, r.content) for r in iter_rows([d / "a.txt"])]
[('a.txt:1', 'first'), ('a.txt:3', 'second')]
"""

from __future__ import annotations

import csv
import glob
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embedlab.errors import ConfigError, FormatError
from embedlab.text.readers import iter_jsonl, open_text

__all__ = ["Row", "count_rows", "expand_inputs", "fingerprint", "iter_rows"]

_COMPRESSED = (".gz", ".xz", ".bz2")
_FORMATS = {".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
            ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}  # fmt: skip


@dataclass
class Row:
    """One document: its id, its text (or an image's path) and its metadata."""

    id: str
    content: str
    metadata: dict[str, Any] = field(default_factory=dict)


def _kind(path: Path) -> str:
    name = path.name.lower()
    for suffix in _COMPRESSED:
        name = name.removesuffix(suffix)
    return _FORMATS.get(Path(name).suffix, "text")


def expand_inputs(inputs: Sequence[str | os.PathLike[str]], *, images: bool = False) -> list[tuple[Path, Path]]:
    """``(file, the folder or file it was named by)`` for every input: files as given, folders and globs
    expanded to their files, sorted. A missing input is a FileNotFoundError naming it."""
    from embedlab.io.images import list_images

    out: list[tuple[Path, Path]] = []
    for spec in inputs:
        p = Path(spec)
        if p.is_dir():
            found = list_images(p) if images else sorted(f for f in p.rglob("*") if f.is_file())
            out += [(f, p) for f in found]
        elif p.is_file():
            out.append((p, p))
        else:
            matches = sorted(glob.glob(str(spec), recursive=True))
            if not matches:
                raise FileNotFoundError(2, "input not found (no file, folder or glob match)", str(spec))
            out += [(Path(m), Path(m)) for m in matches if Path(m).is_file()]
    if not out:
        raise ConfigError(f"no input files in {', '.join(map(str, inputs))}")
    return out


def fingerprint(files: list[tuple[Path, Path]]) -> list[dict[str, Any]]:
    """What the inputs are (path, size, modification time): a resumed encode checks they did not change."""
    return [{"path": str(f.resolve()), "size": f.stat().st_size, "mtime_ns": f.stat().st_mtime_ns} for f, _ in files]


def _name(f: Path, root: Path) -> str:
    return f.relative_to(root).as_posix() if root.is_dir() else f.name


def iter_rows(
    inputs: Sequence[str | os.PathLike[str]], *, field: str = "text", id_field: str = "id", images: bool = False
) -> Iterator[Row]:
    """Every row of ``inputs`` in order (see the module docstring)."""
    for f, root in expand_inputs(inputs, images=images):
        if images:
            yield Row(_name(f, root), str(f.resolve()), {"image": str(f.resolve())})
            continue
        kind = _kind(f)
        if kind == "text":
            with open_text(f) as fh:
                for n, line in enumerate(fh, 1):
                    text = line.rstrip("\r\n")
                    if text.strip():
                        yield Row(f"{_name(f, root)}:{n}", text)
        else:
            records = _records(f, kind)
            for n, rec in enumerate(records, 1):
                yield _row(rec, f, n, field, id_field)


def _records(f: Path, kind: str) -> Iterator[dict[str, Any]]:
    if kind == "jsonl":
        yield from iter_jsonl(f)
    elif kind in ("csv", "tsv"):
        with open_text(f) as fh:
            yield from csv.DictReader(fh, delimiter="\t" if kind == "tsv" else ",")
    else:
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(f)
        except Exception as exc:  # pyarrow raises its own errors for a damaged file
            raise FormatError(f"{f}: not a readable Parquet file ({exc})") from None
        for batch in table.iter_batches(batch_size=4096):
            yield from batch.to_pylist()


def _row(rec: dict[str, Any], f: Path, n: int, field: str, id_field: str) -> Row:
    if field not in rec or not isinstance(rec[field], str):
        raise FormatError(f"{f}: record {n} has no text field {field!r}; name it with --field")
    if rec.get(id_field) in (None, ""):
        raise FormatError(f"{f}: record {n} has no id field {id_field!r}; name it with --id-field")
    meta = {k: v for k, v in rec.items() if k not in (field, id_field)}
    try:
        json.dumps(meta)
    except (TypeError, ValueError):
        meta = {k: str(v) for k, v in meta.items()}  # Parquet dates and the like, as text
    return Row(str(rec[id_field]), rec[field], meta)


def count_rows(inputs: Sequence[str | os.PathLike[str]], *, images: bool = False) -> int:
    """About how many rows ``inputs`` hold (lines or records; for progress bars): cheap, not exact."""
    total = 0
    for f, _ in expand_inputs(inputs, images=images):
        if images:
            total += 1
        elif _kind(f) == "parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(f).metadata.num_rows
        else:
            with open_text(f) as fh:
                total += sum(1 for line in fh if line.strip())
    return total
