"""Readers for word-similarity and analogy files, and the bundled standard sets.

Word-pair files: ``w1 w2 score`` per line, separated by tabs (WordSim-353, SimLex-999,
the MEN / RW / SimVerb files), commas (the Korean WS-353 CSV) or spaces. Lines starting
with ``#`` and a header line whose score is not a number are skipped.

Analogy files: ``: section`` lines, then ``a b c d`` lines meaning a : b :: c : d
(Google's questions-words.txt, the Korean analogy set).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from embedlab.errors import FormatError
from embedlab.text.readers import split_lines

__all__ = ["AnalogySet", "WordPairs", "bundled_path", "read_analogies", "read_word_pairs"]

BUNDLED = {
    "questions-words": "questions-words.txt",
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
}


def bundled_path(name: str) -> Path:
    """Path of a bundled set: ``questions-words``, ``wordsim353`` or ``simlex999``."""
    try:
        filename = BUNDLED[name]
    except KeyError:
        raise FormatError(f"no bundled evaluation set {name!r}; choose from {', '.join(BUNDLED)}") from None
    return Path(str(resources.files("embedlab.eval").joinpath("data", filename)))


@dataclass
class WordPairs:
    name: str
    pairs: list[tuple[str, str, float]]


@dataclass
class AnalogySet:
    name: str
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = field(default_factory=list)

    @property
    def n_questions(self) -> int:
        return sum(len(q) for _, q in self.sections)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FormatError(f"evaluation file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def read_word_pairs(path: str | os.PathLike[str]) -> WordPairs:
    p = Path(path)
    pairs: list[tuple[str, str, float]] = []
    for lineno, raw in enumerate(split_lines(_read_text(p)), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        sep = "\t" if "\t" in line else ("," if "," in line else None)
        parts = [x.strip() for x in line.split(sep)]
        if len(parts) < 3:
            raise FormatError(f"{p}, line {lineno}: expected 'word1 word2 score', got {line[:60]!r}")
        try:
            score = float(parts[2])
        except ValueError:
            if not pairs:  # a header line
                continue
            raise FormatError(f"{p}, line {lineno}: score {parts[2]!r} is not a number") from None
        pairs.append((parts[0], parts[1], score))
    if not pairs:
        raise FormatError(f"{p}: no word pairs found")
    return WordPairs(p.stem, pairs)


def read_analogies(path: str | os.PathLike[str]) -> AnalogySet:
    p = Path(path)
    out = AnalogySet(p.stem)
    current: list[tuple[str, str, str, str]] | None = None
    for lineno, raw in enumerate(split_lines(_read_text(p)), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(":"):
            current = []
            out.sections.append((line[1:].strip(), current))
            continue
        parts = line.split()
        if len(parts) != 4:
            raise FormatError(f"{p}, line {lineno}: expected four words 'a b c d', got {line[:60]!r}")
        if current is None:
            current = []
            out.sections.append(("questions", current))
        current.append((parts[0], parts[1], parts[2], parts[3]))
    if out.n_questions == 0:
        raise FormatError(f"{p}: no analogy questions found")
    return out
