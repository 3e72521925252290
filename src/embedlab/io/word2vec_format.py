"""The word2vec C tool's formats, text and binary, as gensim reads and writes them.

Both start with a ``"<n_words> <dim>\\n"`` header. Text lines are ``word v1 v2 ...``;
binary records are ``word`` + space + ``dim`` little-endian float32 (+ ``\\n``, as the C
tool writes; readers skip it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedlab._files import atomic_file
from embedlab._validation import parse_count
from embedlab.errors import FormatError
from embedlab.io.artifacts import artifact_class
from embedlab.io.words import WordDecoder

if TYPE_CHECKING:
    from embedlab.vectors.keyed import KeyedVectors


def save_word2vec(kv: KeyedVectors, path: str | os.PathLike[str], *, binary: bool, header: bool = True) -> None:
    """Write word2vec text / binary; ``header=False`` writes GloVe's text format (no first line)."""
    vectors = np.ascontiguousarray(kv.vectors, dtype=np.float32)
    _check_words(kv.words)
    with atomic_file(path, "wb") as fh:
        if header:
            fh.write(f"{len(kv)} {kv.dim}\n".encode())
        if binary:
            le = vectors.astype("<f4", copy=False)
            for word, row in zip(kv.words, le, strict=True):
                fh.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            # '%.9g' round-trips float32 exactly
            for word, row in zip(kv.words, vectors, strict=True):
                fh.write((word + " " + " ".join(f"{x:.9g}" for x in row.tolist()) + "\n").encode("utf-8"))


def _check_words(words: list[str]) -> None:
    for w in words:
        if not w or any(c in w for c in " \t\n\r"):
            raise FormatError(f"word {w!r} cannot be written in word2vec format (it is empty or has whitespace)")


def _parse_header(line: bytes, path: Path) -> tuple[int, int]:
    parts = line.split()
    if len(parts) != 2:
        raise FormatError(f"{path}: first line must be '<n_words> <dim>', got {line[:60]!r}")
    n, dim = (
        parse_count(parts[0], f"{path}: the header's word count"),
        parse_count(parts[1], f"{path}: the header's dim"),
    )
    if dim < 1:
        raise FormatError(f"{path}: header says dim={dim}")
    size = path.stat().st_size if path.exists() else None
    if size is not None and n * (2 * dim + 2) > size:  # checked before anything is allocated
        raise FormatError(f"{path}: header says {n:,} words of dim {dim:,}, more than a file of {size:,} bytes "
                          "can hold (damaged header?)")  # fmt: skip
    return n, dim


def load_word2vec(path: str | os.PathLike[str], *, binary: bool | None = None) -> KeyedVectors:
    """Read word2vec text or binary; ``binary=None`` decides from the file's contents."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError(f"model file not found: {p}") from None
    nl = data.find(b"\n")
    if nl < 0:
        raise FormatError(f"{p}: empty or truncated file (no header line)")
    n, dim = _parse_header(data[:nl], p)
    if binary is None:
        try:
            binary = looks_binary(data, nl + 1, dim, n)
        except FormatError as exc:
            raise FormatError(f"{p}: {exc}") from None
    return _read_binary(data, nl + 1, n, dim, p) if binary else _read_text(data, nl + 1, n, dim, p)


def load_glove(path: str | os.PathLike[str]) -> KeyedVectors:
    """Read GloVe's text format: ``word v1 ... vd`` per line, no header."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError(f"model file not found: {p}") from None
    first = data.split(b"\n", 1)[0].split()
    if len(first) < 2:
        raise FormatError(f"{p}: empty file or first line is not 'word v1 v2 ...'")
    dim = len(first) - 1
    n = sum(1 for line in data.split(b"\n") if line.strip())
    return _read_text(data, 0, n, dim, p, first_line=1)


def looks_binary(data: bytes, start: int, dim: int, n: int | None = None) -> bool:
    """Whether the records after the header are binary, decided from their structure.

    Text: the first record is a word and ``dim`` numbers. Binary: the first records are a word, a
    space and ``dim`` raw floats each, and the file is long enough for ``n`` of them. When neither
    fits the header a :class:`~embedlab.errors.FormatError` says so (a wrong ``dim`` in the header
    used to read text as binary: garbage vectors, words such as ``'0.4\\nqueen'``).
    """
    if n is not None and n * (2 * dim + 2) > len(data):
        raise FormatError(f"header says {n:,} words of dim {dim:,}, more than a file of {len(data):,} bytes "
                          "can hold (damaged header?)")  # fmt: skip
    text_ok = _text_record_ok(data, start, dim)
    binary_ok = _binary_records_ok(data, start, dim, n)
    if text_ok or not binary_ok:
        if not text_ok:
            first = data[start : data.find(b"\n", start) if data.find(b"\n", start) >= 0 else len(data)]
            got = len(first.rstrip(b"\r").split(b" ")) - 1
            raise FormatError(f"records do not match the header's dim={dim}: as text the first line has {got} "
                              f"numbers, and as binary the file does not hold records of {dim} floats")  # fmt: skip
        return False
    return True


def _text_record_ok(data: bytes, start: int, dim: int) -> bool:
    end = data.find(b"\n", start)
    parts = data[start : end if end >= 0 else len(data)].rstrip(b"\r ").split(b" ")
    if len(parts) != dim + 1 or not parts[0]:
        return False
    try:
        [float(x) for x in parts[1:]]
    except ValueError:
        return False
    return True


def _binary_records_ok(data: bytes, start: int, dim: int, n: int | None, check: int = 3) -> bool:
    size, end, pos = 4 * dim, len(data), start
    if n is not None and n * (size + 2) > end - start + n:  # each record: a word, a space, dim floats (+ newline)
        return False
    for _ in range(check if n is None else min(check, n)):
        while pos < end and data[pos] in (10, 13):
            pos += 1
        if n is None and pos + 1000 + size > end:
            break  # a sample of the file (format detection): it ends before the next whole record
        sp = data.find(b" ", pos, pos + 1000)
        if sp <= pos or b"\n" in data[pos:sp] or sp + 1 + size > end:
            return False
        pos = sp + 1 + size
    return True


def _read_text(data: bytes, start: int, n: int, dim: int, path: Path, first_line: int = 2) -> KeyedVectors:
    try:
        lines = data[start:].decode("utf-8").split("\n")  # not splitlines(): U+2028 or U+0085 may be in a word
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not valid UTF-8 text at byte {start + exc.start}") from None
    lines = [ln.rstrip("\r") for ln in lines if ln.strip()]
    if len(lines) != n:
        raise FormatError(f"{path}: header says {n} words but the file has {len(lines)} vector lines (truncated?)")
    words: list[str] = []
    vectors = np.empty((n, dim), dtype=np.float32)
    for i, line in enumerate(lines):
        parts = line.rstrip().split(" ")
        if len(parts) != dim + 1:
            raise FormatError(
                f"{path}, line {i + first_line}: expected a word and {dim} numbers, got {len(parts) - 1} numbers"
            )
        words.append(parts[0])
        values = line[len(parts[0]) :]
        try:  # numpy, like float(), reads '١٢' and '1_0' as numbers: a vector is written in ASCII, without '_'
            if not values.isascii() or "_" in values:
                raise ValueError
            vectors[i] = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise FormatError(f"{path}, line {i + first_line}: vector values are not all numbers") from None
    return artifact_class("KeyedVectors")(words, vectors)


def _read_binary(data: bytes, pos: int, n: int, dim: int, path: Path) -> KeyedVectors:
    words: list[str] = []
    vectors = np.empty((n, dim), dtype=np.float32)
    size = dim * 4
    end = len(data)
    decoder = WordDecoder()
    for i in range(n):
        while pos < end and data[pos] in (10, 13, 32):
            pos += 1
        sp = data.find(b" ", pos)
        if sp < 0 or sp + 1 + size > end:
            raise FormatError(f"{path}: truncated binary file: header says {n} words, only {i} are complete")
        words.append(decoder.decode(data[pos:sp]))
        vectors[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=sp + 1)
        pos = sp + 1 + size
    if data[pos:].strip(b"\r\n "):
        raise FormatError(f"{path}: the file holds more than the {n:,} words its header declares (damaged header?)")
    decoder.warn(path)
    return artifact_class("KeyedVectors")(words, vectors)
