"""Reading and writing vectors: one ``load`` that detects the format, one ``save``.

Formats: ``native`` (embedlab's folder), ``word2vec-bin`` and ``word2vec-txt`` (the
word2vec C tool's, as gensim writes them), ``glove`` (the GloVe tool's text: no header),
``fasttext-bin`` (fastText's binary model, with its n-gram vectors).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedlab._validation import check_choice
from embedlab.errors import ConfigError, FormatError

if TYPE_CHECKING:
    from embedlab.vectors.keyed import KeyedVectors

__all__ = ["FORMATS", "check_output", "detect_format", "load", "save"]

FORMATS = ("native", "word2vec-bin", "word2vec-txt", "glove", "fasttext-bin")


def detect_format(path: str | os.PathLike[str]) -> str:
    """Name the format of the model at ``path`` from its contents."""
    from embedlab.io.native import is_native

    p = Path(path)
    if not p.exists():
        raise FormatError(f"model not found: {p}")
    if p.is_dir():
        if is_native(p):
            return "native"
        raise FormatError(f"{p} is a folder but not an embedlab model (no config.json)")
    with open(p, "rb") as fh:
        head = fh.read(1 << 16)
    if len(head) >= 4 and int.from_bytes(head[:4], "little") == 793712314:
        return "fasttext-bin"
    nl = head.find(b"\n")
    parts = head[:nl].split() if nl >= 0 else []
    if len(parts) == 2 and all(x.isdigit() for x in parts):
        from embedlab.io.word2vec_format import looks_binary

        whole = len(head) < 1 << 16  # the sample is the whole file: its word count can be checked too
        try:
            binary = looks_binary(head, nl + 1, int(parts[1]), int(parts[0]) if whole else None)
            return "word2vec-bin" if binary else "word2vec-txt"
        except FormatError as exc:
            raise FormatError(f"{p}: {exc}") from None
    if _looks_glove(head):
        return "glove"
    raise FormatError(
        f"{p}: unknown model format (expected an embedlab model folder, a word2vec file "
        "starting with a '<n_words> <dim>' line, or GloVe text 'word v1 v2 ...')"
    )


#: outputs that are not models, by what the file's first bytes say it is
OUTPUT_FILES = {
    "npy": ("a .npy array", lambda head: head.startswith(b"\x93NUMPY")),
    "figure": (
        "a figure (PNG, SVG, PDF or HTML)",
        lambda head: head.startswith((b"\x89PNG", b"%PDF")) or b"<svg" in head or b"<html" in head.lower(),
    ),
    "text": ("a text file this command wrote", lambda head: b"\x00" not in head),
}


#: what an embedlab folder is, by the file that marks it
FOLDER_KINDS = {
    "config.json": "an embedlab model (word vectors)", "classifier.json": "an embedlab classifier",
    "supervised.json": "an embedlab supervised classifier", "recommender.json": "an embedlab recommender",
    "collection.db": "an embedlab collection", "modules.json": "a sentence-transformers model",
    "distilled.json": "a distilled encoder", "image_cnn.json": "an image CNN", "image_text.json": "an image-text model",
}  # fmt: skip


def _what_is(p: Path) -> str:
    """A few words for what is at ``p``: the kind of embedlab folder it is, or a folder, or a file."""
    if p.is_dir():
        kind = next((k for m, k in FOLDER_KINDS.items() if (p / m).is_file()), None)
        return f"{kind} (a folder)" if kind else "a folder"
    return "a file"


def check_output(
    path: str | os.PathLike[str],
    format: str = "native",
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    force: bool = False,
    marker: str = "config.json",
) -> None:
    """Refuse, before any work, an output path whose writing would destroy something else.

    Never an input of the command (or a folder holding one), whatever ``force`` says. The folder
    the output goes in must exist: only the output itself is created. Without ``force``, an
    existing path is replaced only when it is of the same kind: a folder with ``marker`` for
    folder formats (``native``: ``config.json``), a file that reads as ``format`` for file formats
    (a model format, or one of :data:`OUTPUT_FILES`: ``"npy"``, ``"figure"``). A
    :class:`~embedlab.errors.ConfigError` says what is there.
    """
    p = Path(path)
    target = p.resolve()
    for src in inputs:
        s = Path(src).resolve()
        if s == target or target in s.parents:
            raise ConfigError(f"{p} is an input of this command (or holds one); writing the output there would "
                              "destroy it: choose another output path")  # fmt: skip
    if not target.parent.is_dir():
        raise ConfigError(
            f"the folder {p.parent} does not exist; create it first (only the output {p.name} itself is created)"
        )
    if force or not os.path.lexists(p):
        return
    folder = format == "native" or marker != "config.json"
    if p.is_dir() and folder and (p / marker).is_file():
        return
    if p.is_file() and not folder:
        if format in OUTPUT_FILES:
            with open(p, "rb") as fh:
                if OUTPUT_FILES[format][1](fh.read(4096)):
                    return
        else:
            try:
                if detect_format(p) == format:
                    return
            except FormatError:
                pass
    what = _what_is(p)
    kind = FOLDER_KINDS.get(marker, f"an embedlab model ({marker})") if folder else OUTPUT_FILES.get(
        format, (f"a {format} model",))[0]  # fmt: skip
    raise ConfigError(f"{p} exists and is {what}, not {kind}; choose another output path, or pass --force "
                      "to replace it")  # fmt: skip


def _looks_glove(head: bytes) -> bool:
    lines = [ln for ln in head.split(b"\n")[:3] if ln.strip()]
    if not lines:
        return False
    try:
        widths = set()
        for ln in lines[: max(1, len(lines) - 1)]:  # the last line of the sample may be cut
            parts = ln.decode("utf-8").split()
            [float(x) for x in parts[1:]]
            widths.add(len(parts))
    except (UnicodeDecodeError, ValueError):
        return False
    return len(widths) == 1 and widths.pop() >= 2


def load(path: str | os.PathLike[str], format: str | None = None) -> KeyedVectors:
    """Load vectors from any supported format, detected from the file when not given.

    >>> import embedlab, numpy as np, tempfile, os
    >>> kv = embedlab.KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    >>> path = os.path.join(tempfile.mkdtemp(), "m.bin")
    >>> kv.save(path, format="word2vec-bin")
    >>> embedlab.load(path).words
    ['a', 'b']
    """
    from embedlab.io.native import load_native
    from embedlab.io.word2vec_format import load_glove, load_word2vec

    fmt = detect_format(path) if format is None else check_choice("format", format, FORMATS)
    if fmt == "native":
        kv = load_native(path)
    elif fmt == "glove":
        kv = load_glove(path)
    elif fmt == "fasttext-bin":
        from embedlab.io.fasttext_bin import load_fasttext_bin

        kv = load_fasttext_bin(path)
    else:
        kv = load_word2vec(path, binary=fmt == "word2vec-bin")
    _check_loaded(kv, path)
    return kv


def _check_loaded(kv: KeyedVectors, path: str | os.PathLike[str]) -> None:
    """Refuse what would load and then fail: a repeated word (every lookup of it is ambiguous) or
    NaN / infinite values (plots, search and the service would fail on them later)."""
    words = kv.words
    if len(set(words)) != len(words):
        seen: set[str] = set()
        dup = next(w for w in words if w in seen or seen.add(w))  # type: ignore[func-returns-value]
        raise FormatError(f"{path}: the word {dup!r} appears more than once; the file is damaged or was "
                          "concatenated")  # fmt: skip
    vecs = kv._native_matrix()  # the stored rows (codes for compressed vectors): nothing is decoded here
    for start in range(0, len(kv), 65_536):  # in blocks: a memory-mapped model is not read whole at once
        block = np.asarray(vecs[start : start + 65_536])
        bad = ~np.isfinite(block).all(axis=1)
        if bad.any():
            i = start + int(np.argmax(bad))
            raise FormatError(f"{path}: the vector of {words[i]!r} (row {i}) holds NaN or infinite values")


def save(kv: KeyedVectors, path: str | os.PathLike[str], format: str = "native") -> None:
    """Write ``kv`` atomically in ``format``."""
    from embedlab.io.native import save_native
    from embedlab.io.word2vec_format import save_word2vec

    fmt = check_choice("format", format, FORMATS)
    if fmt == "native":
        save_native(kv, path)
    elif fmt == "fasttext-bin":
        from embedlab.io.fasttext_bin import save_fasttext_bin

        save_fasttext_bin(kv, path)  # type: ignore[arg-type]
    else:
        save_word2vec(kv, path, binary=fmt == "word2vec-bin", header=fmt != "glove")
