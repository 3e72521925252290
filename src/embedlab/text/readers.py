"""Streaming corpus readers.

A corpus is a file, a folder of files (read recursively in name order), or a list of
them. Files may be plain text or compressed with gzip (``.gz``), bzip2 (``.bz2``) or xz
(``.xz``/``.lzma``). Each line is one sentence or paragraph. Options:

- ``skip_doc_tags``: WikiExtractor's ``<doc ...>`` / ``</doc>`` lines are dropped from a file that
  opens with one (``None``, the default), from every file (``True``) or from none (``False``);
- ``jsonl_field="text"`` reads one JSON object per line and takes that field.

Invalid UTF-8 is replaced by U+FFFD and counted; one warning per reader reports the count. A file
that is not text at all (NUL bytes, the signature of an image, archive, PDF or array, or mostly
invalid UTF-8 at its start) is a :class:`~embedlab.errors.CorpusError`, not a corpus of noise.
Text is read in large chunks that end on a line break, so memory stays bounded however
large the corpus is.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import lzma
import os
import re
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from embedlab.errors import CorpusError, FormatError
from embedlab.text.tokenizers import Tokenizer, get_tokenizer

__all__ = [
    "CorpusReader",
    "PathLike",
    "iter_corpus_files",
    "iter_jsonl",
    "open_binary",
    "open_text",
    "read_utf8",
    "refuse_binary",
    "split_lines",
]

PathLike = str | os.PathLike[str]

_DOC_TAG = re.compile(rb"^(?:<doc[\s>]|</doc>)[^\n]*(?:\n|$)", re.MULTILINE)
_WIKIEXTRACTOR_HEAD = re.compile(rb"\A\s*<doc id=")
#: the first bytes of files that are not text: images, archives, documents, arrays, programs
_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"RIFF": "a RIFF file",
    b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive", b"\x93NUMPY": "a .npy array",
    b"\x7fELF": "a program", b"SQLite format 3": "an SQLite database", b"\xba\xb1\x6f\x04": "a fastText model",
}  # fmt: skip
_DEFAULT_CHUNK = 1 << 22  # 4 MiB: large enough for speed, small enough to keep memory flat

_bad_bytes = threading.local()


def _count_and_replace(err: UnicodeError) -> tuple[str, int]:
    _bad_bytes.count = getattr(_bad_bytes, "count", 0) + 1
    assert isinstance(err, UnicodeDecodeError)  # registered for decoding only
    return "\ufffd", err.end


codecs.register_error("embedlab.count_replace", _count_and_replace)


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, split on line feeds only (a CR before one is dropped, as Windows files end
    their lines). ``str.splitlines`` also breaks at U+0085, U+2028 and other separators, which can sit
    inside one line of a file, so one text a line would no longer be one text a line.

    >>> split_lines("a\\u2028b\\r\\nc\\n")
    ['a\\u2028b', 'c']
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def refuse_binary(path: PathLike, head: bytes) -> None:
    """A :class:`CorpusError` when ``head`` (a file's first bytes, decompressed) is not text: NUL bytes, the
    signature of a known binary format, or invalid UTF-8 sequences in more than a third of its first
    64 KB (text in another encoding, Latin-1 say, has far fewer: it is read, with one warning)."""
    what = next((name for sig, name in _BINARY_SIGNATURES.items() if head.startswith(sig)), None)
    sample = head[: 1 << 16]
    if what is None and b"\x00" in sample:
        what = "binary data (it holds NUL bytes)"
    if what is None and sample:
        _, bad = _decode(sample[: len(sample) - 3] if len(sample) > 3 else sample)  # a cut last character is fine
        if bad > max(8, len(sample) // 3):
            what = f"not UTF-8 text ({bad:,} invalid sequences in its first {len(sample):,} bytes)"
    if what is not None:
        raise CorpusError(f"{path} is {what}, not a text corpus: give text files, one sentence or paragraph a line")


def _decode(data: bytes) -> tuple[str, int]:
    """Decode UTF-8, replacing invalid sequences; return the text and how many were replaced."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        _bad_bytes.count = 0
        text = data.decode("utf-8", errors="embedlab.count_replace")
        return text, _bad_bytes.count


def _valid_utf8(data: bytes) -> tuple[bytes, int]:
    """Return ``data`` with invalid UTF-8 replaced (only re-encoded when something was bad)."""
    import numpy as np

    from embedlab.kernels.unicode import is_valid_utf8

    if is_valid_utf8(np.frombuffer(data, dtype=np.uint8)):  # checks without building a str
        return data, 0
    text, bad = _decode(data)
    return text.encode("utf-8"), bad


def open_binary(path: PathLike) -> IO[bytes]:
    """Open a possibly compressed file for binary reading, chosen by its suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".gz":
        return gzip.open(p, "rb")  # type: ignore[return-value]  # a GzipFile reads bytes
    if suffix == ".bz2":
        return bz2.open(p, "rb")
    if suffix in (".xz", ".lzma"):
        return lzma.open(p, "rb")
    return open(p, "rb")


def iter_corpus_files(source: PathLike | Sequence[PathLike]) -> list[Path]:
    """Expand a file, folder or list of them into the files to read, in a stable order."""
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    if not items:
        raise CorpusError("the corpus is empty: no file was given")
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                raise CorpusError(f"the corpus folder {p} has no files in it")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise CorpusError(
                f"corpus file not found: {p} (give a text file, a compressed .gz/.bz2/.xz file or a folder)"
            )
    return files


class CorpusReader:
    """Read a corpus as normalized text chunks or as token lists.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Hello, World!\\nA second line.\\n")
    >>> [s for s in CorpusReader(d / "a.txt").sentences()]
    [['hello', 'world'], ['a', 'second', 'line']]
    """

    def __init__(
        self,
        source: PathLike | Sequence[PathLike],
        *,
        tokenizer: str | Tokenizer | None = None,
        skip_doc_tags: bool | None = None,
        jsonl_field: str | None = None,
        chunk_bytes: int = _DEFAULT_CHUNK,
    ) -> None:
        self.files = iter_corpus_files(source)
        self.tokenizer = get_tokenizer(tokenizer)
        self.skip_doc_tags = None if skip_doc_tags is None else bool(skip_doc_tags)
        self.jsonl_field = jsonl_field
        self.chunk_bytes = int(chunk_bytes)
        self.invalid_utf8 = 0
        self.bytes_read = 0
        self.total_bytes = sum(_size(f) for f in self.files)

    def fingerprint(self) -> dict[str, Any]:
        """What identifies this corpus and its reading options (for caches)."""
        files = []
        for f in self.files:
            st = f.stat()
            files.append([str(f.resolve()), st.st_size, st.st_mtime_ns])
        return {
            "files": files,
            "tokenizer": self.tokenizer.config(),
            "skip_doc_tags": self.skip_doc_tags,
            "jsonl_field": self.jsonl_field,
        }

    def _raw_chunks(self) -> Iterator[bytes]:
        for path in self.files:
            bad_before = self.invalid_utf8
            with open_binary(path) as fh:
                lineno = 0
                drop_tags = self.skip_doc_tags
                first = True
                while True:
                    data = fh.read(self.chunk_bytes)
                    if not data:
                        break
                    if first:
                        refuse_binary(path, data)
                        if drop_tags is None:  # WikiExtractor output opens with its first <doc ...> line
                            drop_tags = bool(_WIKIEXTRACTOR_HEAD.match(data))
                        first = False
                    if not data.endswith(b"\n"):
                        data += fh.readline()
                    self.bytes_read += len(data)
                    if self.jsonl_field is not None:
                        text, bad = _decode(data)
                        text, lineno = self._jsonl_text(path, text, lineno)
                        data = text.encode("utf-8")
                    else:
                        data, bad = _valid_utf8(data)
                        if drop_tags:
                            data = _DOC_TAG.sub(b"", data)
                    self.invalid_utf8 += bad
                    if not data.endswith(b"\n"):
                        data += b"\n"
                    yield data
            if self.invalid_utf8 > bad_before:
                warnings.warn(
                    f"{path}: replaced {self.invalid_utf8 - bad_before} invalid UTF-8 byte sequence(s) with U+FFFD",
                    UnicodeWarning,
                    stacklevel=3,
                )

    def _jsonl_text(self, path: Path, text: str, lineno: int) -> tuple[str, int]:
        out = []
        for line in split_lines(text):
            lineno += 1
            if not line.strip():
                continue
            obj = _parse_json(line, f"{path}, line {lineno}")
            if not isinstance(obj, dict) or self.jsonl_field not in obj:
                raise FormatError(f"{path}, line {lineno}: no field {self.jsonl_field!r} in this JSON object")
            value = obj[self.jsonl_field]
            if not isinstance(value, str):
                raise FormatError(f"{path}, line {lineno}: field {self.jsonl_field!r} is not a string")
            out.append(value.replace("\r", " "))
        return "\n".join(out) + "\n", lineno

    def chunks(self) -> Iterator[bytes]:
        """Normalized UTF-8 chunks: tokens separated by spaces, one sentence per line."""
        for data in self._raw_chunks():
            yield self.tokenizer.normalize_bytes(data)

    def sentences(self) -> Iterator[list[str]]:
        """One token list per non-empty line."""
        for chunk in self.chunks():
            for line in chunk.decode("utf-8").split("\n"):
                toks = line.split()
                if toks:
                    yield toks


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def sentences_from_iterable(sentences: Iterable[Sequence[str]]) -> Iterator[list[str]]:
    """Validate an in-memory corpus of token lists (gensim's ``sentences=`` form)."""
    for i, sent in enumerate(sentences):
        if isinstance(sent, str):
            raise CorpusError(
                f"sentence {i} is a string; pass a list of token lists, e.g. [['hello', 'world']], or a file path"
            )
        yield list(sent)


def open_text(path: PathLike) -> IO[str]:
    """A (compressed) file as UTF-8 text; invalid bytes become U+FFFD."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="replace")


def read_utf8(path: PathLike, what: str = "text file") -> str:
    """A whole (possibly compressed) file as strict UTF-8 (a leading BOM dropped); a FormatError names
    the first bad byte. For files that are data (edge lists, labels, event logs), not corpora:
    corpora replace bad bytes and count them instead."""
    with open_binary(path) as fh:
        data = fh.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not a UTF-8 {what} ({exc.reason} at byte {exc.start})") from None


def iter_jsonl(path: PathLike) -> Iterable[dict[str, Any]]:
    """Rows of a JSON-lines file (``.gz``/``.xz``/``.bz2`` too), with the line number in errors."""
    with open_text(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = _parse_json(line, f"{path}:{n}")
            if not isinstance(row, dict):
                raise FormatError(f"{path}:{n}: each line must be a JSON object")
            yield row


def _parse_json(line: str, where: str) -> Any:
    """One JSON-lines row; a syntax error names ``where``."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{where}: not valid JSON ({exc.msg})") from None
