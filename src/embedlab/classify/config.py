"""Hyperparameters of the supervised trainer: frozen, validated on creation, the one source of defaults.

The defaults are fastText's for ``fasttext supervised``: 100 dimensions, learning rate 0.1,
5 epochs, words seen once kept, softmax loss, unigrams only, no character n-grams (and then
no hash buckets). ``subword="char"`` or ``"jamo"`` turns on n-grams of ``minn..maxn``
characters (Hangul split into jamo first for ``"jamo"``); ``word_ngrams > 1`` adds hashed word
n-grams. ``bucket`` then defaults to fastText's 2,000,000 rows.

>>> SupervisedConfig(word_ngrams=2).bucket
2000000
>>> SupervisedConfig().bucket
0
>>> SupervisedConfig(loss="ns")
Traceback (most recent call last):
...
embedlab.errors.ConfigError: loss must be one of 'softmax', 'ova', 'hs', got 'ns'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from embedlab._validation import check_choice, check_float, check_int
from embedlab.errors import ConfigError
from embedlab.train.config import MAX_SEED
from embedlab.train.driver import default_threads

__all__ = ["LOSSES", "SUBWORDS", "SupervisedConfig"]

LOSSES = ("softmax", "ova", "hs")
SUBWORDS = ("none", "char", "jamo")
DEFAULT_BUCKET = 2_000_000


@dataclass(frozen=True, kw_only=True)
class SupervisedConfig:
    """fastText-style supervised text classification (Joulin et al. 2017, "Bag of Tricks")."""

    dim: int = 100
    lr: float = 0.1
    epochs: int = 5
    min_count: int = 1
    min_count_label: int = 1
    word_ngrams: int = 1
    loss: str = "softmax"
    subword: str = "none"
    minn: int = 2
    maxn: int = 5
    bucket: int | None = None  # None: 2,000,000 when word n-grams or subwords are on, else 0
    tokenizer: str = "whitespace"
    label_prefix: str = "__label__"
    threads: int | None = None  # None: the cores this process may use
    seed: int = 1

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("dim", check_int("dim", self.dim, 1, 10_000))
        put("lr", check_float("lr", self.lr, 0.0, 100.0, exclusive_minimum=True))
        put("epochs", check_int("epochs", self.epochs, 1, 100_000))
        put("min_count", check_int("min_count", self.min_count, 1))
        put("min_count_label", check_int("min_count_label", self.min_count_label, 1))
        put("word_ngrams", check_int("word_ngrams", self.word_ngrams, 1, 20))
        put("loss", check_choice("loss", self.loss, LOSSES))
        put("subword", check_choice("subword", self.subword, SUBWORDS))
        put("minn", check_int("minn", self.minn, 1, 20))
        put("maxn", check_int("maxn", self.maxn, self.minn, 20))
        uses_buckets = self.word_ngrams > 1 or self.subword != "none"
        if self.bucket is None:
            put("bucket", DEFAULT_BUCKET if uses_buckets else 0)
        else:
            put("bucket", check_int("bucket", self.bucket, 1 if uses_buckets else 0, 2**31 - 1))
        put("tokenizer", check_choice("tokenizer", self.tokenizer, ("whitespace", "unicode", "kiwi", "kiwi-content")))
        if (
            not isinstance(self.label_prefix, str)
            or not self.label_prefix
            or any(c.isspace() for c in self.label_prefix)
        ):
            raise ConfigError(f"label_prefix must be a non-empty string without spaces, got {self.label_prefix!r}")
        put("threads", default_threads() if self.threads is None else check_int("threads", self.threads, 1, 1024))
        put("seed", check_int("seed", self.seed, 0, MAX_SEED))

    @property
    def char_ngrams(self) -> tuple[int, int]:
        """``(minn, maxn)`` as fastText records them: ``(0, 0)`` when subwords are off."""
        return (self.minn, self.maxn) if self.subword != "none" else (0, 0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
