"""Labelled text in and out: fastText's ``__label__`` lines, TSV and CSV files, Python lists.

Three file layouts are read (compressed too):

- fastText: ``__label__sports __label__news the match ended 2-1`` (labels anywhere, any number);
- TSV: ``label<TAB>text`` a line (several labels separated by commas);
- CSV with a header naming a text column (``text``, ``sentence``, ``utterance``) and a label
  column (``label``, ``category``, ``intent``).

>>> texts, labels = parse_labelled("__label__a __label__b some text\\n", "x.txt")
>>> texts, labels
(['some text'], [['a', 'b']])
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Sequence

from embedlab.errors import ConfigError, CorpusError, FormatError
from embedlab.text.readers import open_binary, read_utf8, split_lines
from embedlab.text.tokenizers import get_tokenizer

__all__ = ["labelled_bytes", "parse_labelled", "read_labelled", "read_labelled_file", "text_bytes"]

PathLike = str | os.PathLike[str]
_TEXT_COLUMNS = ("text", "sentence", "utterance", "query", "document")
_LABEL_COLUMNS = ("label", "labels", "category", "intent", "class")


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def _tokenized(texts: Sequence[str], tokenizer: str) -> list[str]:
    if tokenizer == "whitespace":
        return [_one_line(t) for t in texts]
    tok = get_tokenizer(tokenizer)
    joined = "\n".join(_one_line(t) for t in texts).encode("utf-8", errors="replace")
    out = tok.normalize_bytes(joined).decode("utf-8").split("\n") if texts else []
    if len(out) != len(texts):  # a tokenizer must keep line breaks; fall back to one text at a time
        out = [" ".join(tok.tokenize(t)) for t in texts]
    return out


def text_bytes(texts: Sequence[str], tokenizer: str = "whitespace") -> bytes:
    """UTF-8 lines of ``texts`` (newlines inside a text become spaces), tokenized for the model."""
    if isinstance(texts, str):
        texts = [texts]
    if tokenizer == "whitespace":
        try:
            joined = "\n".join(texts)
        except TypeError:
            joined = ""
        else:
            if joined.count("\n") == len(texts) - 1:  # no text holds a line break: the fast path
                return (joined.replace("\r", " ") + "\n").encode("utf-8", errors="replace") if texts else b""
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ConfigError(f"texts[{i}] must be a str, got {type(t).__name__}")
    return "".join(t + "\n" for t in _tokenized(texts, tokenizer)).encode("utf-8", errors="replace")


def _label_list(label: str | Sequence[str], i: int) -> list[str]:
    labs = [label] if isinstance(label, str) else list(label)
    for lab in labs:
        if not isinstance(lab, str) or not lab or any(c.isspace() for c in lab):
            raise ConfigError(f"labels[{i}] must be non-empty strings without spaces, got {lab!r}")
    return labs


def labelled_bytes(
    texts: Sequence[str],
    labels: Sequence[str | Sequence[str]],
    prefix: str = "__label__",
    tokenizer: str = "whitespace",
) -> bytes:
    """fastText-format lines for ``texts`` and their labels."""
    if isinstance(texts, str):
        raise ConfigError("texts must be a list of strings, not one string")
    if len(texts) != len(labels):
        raise ConfigError(f"texts and labels differ in length ({len(texts)} vs {len(labels)})")
    if not texts:
        raise CorpusError("no training texts: pass at least one labelled text per class")
    body = text_bytes(texts, tokenizer).decode("utf-8").split("\n")
    lines = []
    for i, (label, text) in enumerate(zip(labels, body, strict=False)):
        tags = " ".join(prefix + lab for lab in _label_list(label, i))
        lines.append(f"{tags} {text}\n")
    return "".join(lines).encode("utf-8")


def parse_labelled(content: str, source: str, prefix: str = "__label__") -> tuple[list[str], list[list[str]]]:
    """Texts and label lists of a file's content in any of the three layouts (see the module doc)."""
    first = content.split("\n", 1)[0]
    if prefix in content[:100_000]:
        return _parse_fasttext(content, prefix)
    if "\t" in first:
        return _parse_tsv(content, source)
    if "," in first:
        return _parse_csv(content, source)
    raise FormatError(
        f"{source}: no labels found; write one example a line as '{prefix}LABEL text', 'LABEL<TAB>text', "
        f"or a CSV with 'text' and 'label' columns"
    )


def _parse_fasttext(content: str, prefix: str) -> tuple[list[str], list[list[str]]]:
    texts, labels = [], []
    for line in split_lines(content):
        parts = line.split()
        if not parts:
            continue
        labs = [p[len(prefix) :] for p in parts if p.startswith(prefix)]
        texts.append(" ".join(p for p in parts if not p.startswith(prefix)))
        labels.append(labs)
    return texts, labels


def _parse_tsv(content: str, source: str) -> tuple[list[str], list[list[str]]]:
    texts, labels = [], []
    for n, line in enumerate(split_lines(content), 1):
        if not line.strip():
            continue
        label, tab, text = line.partition("\t")
        if not tab or not label.strip():
            raise FormatError(f"{source}:{n}: expected 'LABEL<TAB>text', got {line[:60]!r}")
        texts.append(text.strip())
        labels.append([lab.strip() for lab in label.split(",") if lab.strip()])
    return texts, labels


def _parse_csv(content: str, source: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(content))
    header = [h.strip().lower() for h in next(reader, [])]
    t_col = next((header.index(c) for c in _TEXT_COLUMNS if c in header), None)
    l_col = next((header.index(c) for c in _LABEL_COLUMNS if c in header), None)
    if t_col is None or l_col is None:
        raise FormatError(
            f"{source}: a CSV needs a header with a text column ({', '.join(_TEXT_COLUMNS)}) and a label column "
            f"({', '.join(_LABEL_COLUMNS)}); found {header}"
        )
    texts, labels = [], []
    for n, row in enumerate(reader, 2):
        if not row:
            continue
        if len(row) <= max(t_col, l_col):
            raise FormatError(f"{source}:{n}: expected {len(header)} columns, got {len(row)}")
        texts.append(row[t_col])
        labels.append([lab.strip().replace(" ", "_") for lab in row[l_col].split(",") if lab.strip()])
    return texts, labels


def read_labelled(path: PathLike, prefix: str = "__label__") -> tuple[list[str], list[list[str]]]:
    """Texts and label lists of a labelled file; lines without a label are an error naming the first."""
    content = read_utf8(path, "labelled text file")
    texts, labels = parse_labelled(content, str(path), prefix)
    if not texts:
        raise CorpusError(f"{path}: the file has no examples")
    missing = [i for i, labs in enumerate(labels) if not labs]
    if missing:
        raise FormatError(f"{path}: {len(missing)} example(s) have no label (the first: {texts[missing[0]][:60]!r})")
    return texts, labels


def read_labelled_file(path: PathLike, prefix: str = "__label__", tokenizer: str = "whitespace") -> bytes:
    """A labelled file as fastText-format bytes for the supervised trainer.

    Like fastText, bytes that are not UTF-8 are read as they are (with a warning) rather than refused.
    """
    try:
        with open_binary(path) as fh:
            data = fh.read()
    except FileNotFoundError:
        raise CorpusError(f"file not found: {path}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        warnings.warn(f"{path}: not valid UTF-8 (first bad byte at {exc.start}); such bytes are kept as they are",
                      stacklevel=2)  # fmt: skip
        content = data.decode("utf-8", errors="replace")
    if not content.strip():
        raise CorpusError(f"{path}: the file is empty")
    if tokenizer == "whitespace" and prefix in content[:100_000]:
        return data  # already fastText's format: the kernels read it as it is
    texts, labels = parse_labelled(content, str(path), prefix)
    keep = [i for i, labs in enumerate(labels) if labs]
    return labelled_bytes([texts[i] for i in keep], [labels[i] for i in keep], prefix, tokenizer)
