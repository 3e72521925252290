"""Tokenizers: turn text into the word tokens a vocabulary counts.

Every tokenizer has two entry points:

- ``tokenize(text) -> list[str]`` for one piece of text;
- ``normalize_bytes(data) -> bytes`` which rewrites a whole chunk of UTF-8 lines so that
  tokens are separated by ASCII spaces and line breaks are kept. Corpus readers feed the
  result to the numba vocabulary kernels, so tokenizing a large corpus costs no Python
  work per token.

>>> UnicodeTokenizer().tokenize("The King's 2 Crowns — 왕관과 여왕!")
['the', 'king', 's', '2', 'crowns', '왕관과', '여왕']
>>> WhitespaceTokenizer().tokenize("Already tokenized  text")
['Already', 'tokenized', 'text']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from embedlab.errors import ConfigError

__all__ = [
    "LANGUAGES",
    "Tokenizer",
    "UnicodeTokenizer",
    "WhitespaceTokenizer",
    "get_tokenizer",
    "tokenize_batch",
    "tokenizer_for_language",
]


@runtime_checkable
class Tokenizer(Protocol):
    """What the corpus readers need from a tokenizer.

    ``normalize_bytes`` takes valid UTF-8 holding whole lines and returns UTF-8 in which
    tokens are separated by ASCII spaces and every line break is kept.
    """

    name: str

    def tokenize(self, text: str) -> list[str]: ...

    def normalize_bytes(self, data: bytes) -> bytes: ...

    def config(self) -> dict[str, Any]: ...


class UnicodeTokenizer:
    """Runs of Unicode letters and digits, lowercased (English, Korean Hangul, ...).

    This is the default. Punctuation, symbols and underscores separate words, so
    ``"don't"`` gives ``["don", "t"]`` as in gensim's ``simple_preprocess``. A numba
    kernel does the work on UTF-8 bytes, so large corpora tokenize at memory speed.
    """

    name = "unicode"

    def __init__(self, lowercase: bool = True) -> None:
        self.lowercase = bool(lowercase)

    def normalize_bytes(self, data: bytes) -> bytes:
        import numpy as np

        from embedlab.kernels.unicode import tables, unicode_words

        is_word, lower = tables()
        src = np.frombuffer(data, dtype=np.uint8)
        dst = np.empty(src.shape[0] * 3 // 2 + 4, dtype=np.uint8)
        n = unicode_words(src, dst, is_word, lower, self.lowercase)
        return dst[:n].tobytes()

    def tokenize(self, text: str) -> list[str]:
        return self.normalize_bytes(text.encode("utf-8", errors="replace")).decode("utf-8").split()

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "lowercase": self.lowercase}


_ASCII_SPACE = re.compile(r"[ \t\n\r\v\f]+")


class WhitespaceTokenizer:
    """Split on ASCII whitespace only; for text that is already tokenized.

    Other Unicode spaces (e.g. U+00A0) stay inside tokens, exactly as the corpus kernels
    see them, so ``tokenize`` and training always agree.
    """

    name = "whitespace"

    def __init__(self, lowercase: bool = False) -> None:
        self.lowercase = bool(lowercase)

    def normalize_bytes(self, data: bytes) -> bytes:
        return data.decode("utf-8").lower().encode("utf-8") if self.lowercase else data

    def tokenize(self, text: str) -> list[str]:
        return [t for t in _ASCII_SPACE.split(text.lower() if self.lowercase else text) if t]

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "lowercase": self.lowercase}


def _kiwi(**options: Any) -> Tokenizer:
    from embedlab.text.korean import KiwiTokenizer

    return KiwiTokenizer(**options)


def _kiwi_content(**options: Any) -> Tokenizer:
    """Kiwi morphemes without particles (조사) and endings (어미): content morphemes only."""
    return _kiwi(**{"drop": ("J", "E"), **options})


_TOKENIZERS: dict[str, Callable[..., Tokenizer]] = {
    "unicode": UnicodeTokenizer,
    "whitespace": WhitespaceTokenizer,
    "kiwi": _kiwi,
    "kiwi-content": _kiwi_content,
}


def get_tokenizer(spec: str | Tokenizer | None = None, **options: Any) -> Tokenizer:
    """Return a tokenizer from a name (``"unicode"``, ``"whitespace"``, ``"kiwi"``, ``"kiwi-content"``) or
    pass one through.

    >>> get_tokenizer("whitespace").name
    'whitespace'
    """
    if spec is None:
        spec = "unicode"
    if isinstance(spec, str):
        try:
            cls = _TOKENIZERS[spec]
        except KeyError:
            names = ", ".join(repr(n) for n in _TOKENIZERS)
            raise ConfigError(f"tokenizer must be one of {names}, got {spec!r}") from None
        return cls(**options)
    if isinstance(spec, Tokenizer):
        return spec
    raise ConfigError(f"tokenizer must be a name or a Tokenizer object, got {type(spec).__name__}")


# The tokenizer each language gets where embedlab picks one (lexical search): languages that put
# spaces between words get lowercased Unicode words; Korean gets Kiwi morphemes without particles
# and endings (조사, 어미), which carry grammar rather than topic.
LANGUAGES: dict[str, tuple[str, dict[str, Any]]] = {
    **{code: ("unicode", {}) for code in ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl")},
    "ko": ("kiwi-content", {}),
}


def tokenizer_for_language(language: str) -> Tokenizer:
    """The tokenizer for an ISO 639-1 language code (see :data:`LANGUAGES`).

    >>> tokenizer_for_language("en").name
    'unicode'
    """
    if not isinstance(language, str) or language.lower() not in LANGUAGES:
        names = ", ".join(sorted(LANGUAGES))
        raise ConfigError(
            f"unsupported language {language!r}: choose one of {names}, or pass a tokenizer "
            "(e.g. tokenizer='whitespace' for text that is already split into words)"
        )
    name, options = LANGUAGES[language.lower()]
    return get_tokenizer(name, **options)


def tokenize_batch(tokenizer: Tokenizer, texts: list[str]) -> list[list[str]]:
    """Every text's tokens, through the tokenizer's own batch path where it has one (Kiwi analyses a
    batch on all cores)."""
    batch = getattr(tokenizer, "tokenize_batch", None)
    return batch(texts) if batch is not None else [tokenizer.tokenize(t) for t in texts]
