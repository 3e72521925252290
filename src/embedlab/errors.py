"""The one exception tree of embedlab.

Every error embedlab raises on purpose derives from :class:`EmbedlabError`, so
``except EmbedlabError`` catches all of them. Where a built-in exception already
means the same thing, the embedlab error also derives from it, so code written
for plain Python keeps working::

    EmbedlabError
    ├── ConfigError(ValueError)          a parameter is out of range or of the wrong type
    ├── NotFoundError(LookupError)       something asked for by name does not exist
    │   ├── UnknownKeyError(KeyError)    a key (word, item, node, label) is not in the vectors;
    │   │                                UnknownWordError is the same class under its word name
    │   └── UnknownIdError(ConfigError)  a document id is not in the collection
    ├── FormatError(ValueError)          a file is not in the format it claims, or is damaged
    ├── CorpusError(ValueError)          a corpus is missing, empty, or has no word left to train on
    ├── MissingDependencyError(ImportError)  an optional extra is not installed
    └── TrainingInterrupted              training was stopped (Ctrl-C) before it finished

Messages say what was wrong and how to fix it, e.g.
``dim must be an int >= 1, got 0``.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "CorpusError",
    "EmbedlabError",
    "FormatError",
    "MissingDependencyError",
    "NotFoundError",
    "TrainingInterrupted",
    "UnknownIdError",
    "UnknownKeyError",
    "UnknownWordError",
]


class EmbedlabError(Exception):
    """Base class of every error embedlab raises on purpose."""


class ConfigError(EmbedlabError, ValueError):
    """A parameter is out of its allowed range or of the wrong type."""


class FormatError(EmbedlabError, ValueError):
    """A file is not in the format it claims to be, or is truncated or inconsistent."""


class CorpusError(EmbedlabError, ValueError):
    """A corpus is missing, empty, or leaves no word to train on."""


class MissingDependencyError(EmbedlabError, ImportError):
    """An optional dependency is missing; the message names the pip command that installs it."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is needed for this feature but is not installed; "
            f'install it with: pip install "embedlab[{extra}]"'
        )
        self.package = package
        self.extra = extra


class NotFoundError(EmbedlabError, LookupError):
    """Something asked for by its name, key or id does not exist (the service answers 404)."""


class UnknownKeyError(NotFoundError, KeyError):
    """A key (a word, item, node or label) is not in the vectors.

    ``suggestions`` holds close spellings that are there. ``word`` is the same as ``key``.
    """

    def __init__(
        self, key: str, suggestions: list[str] | tuple[str, ...] = (), *, kind: str = "word", detail: str = ""
    ) -> None:
        self.key = key
        self.suggestions = list(suggestions)
        self.kind = kind  # what the keys are: "word", "item", "node", "label", ...
        self.detail = detail  # what to do about it, added to the message
        super().__init__(key)

    @property
    def word(self) -> str:
        return self.key

    def __str__(self) -> str:  # KeyError would repr() the key; we want a sentence
        msg = f"{self.kind} {self.key!r} is not in the vocabulary"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        return f"{msg}; {self.detail}" if self.detail else msg


#: The word name of :class:`UnknownKeyError` (the same class).
UnknownWordError = UnknownKeyError


class UnknownIdError(NotFoundError, ConfigError):
    """A document id is not in the collection."""


class TrainingInterrupted(EmbedlabError):
    """Training was interrupted; ``vectors`` holds the model as it was when it stopped."""

    def __init__(self, message: str, vectors: object = None) -> None:
        super().__init__(message)
        self.vectors = vectors
