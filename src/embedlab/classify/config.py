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

from dataclasses import dataclass

from embedlab._params import Config, param
from embedlab.errors import ConfigError
from embedlab.train.config import MAX_SEED, WordConfig

__all__ = ["HEADS", "LOSSES", "SUBWORDS", "HeadConfig", "SupervisedConfig"]

LOSSES = ("softmax", "ova", "hs")
SUBWORDS = ("none", "char", "jamo")
TOKENIZERS = ("whitespace", "unicode", "kiwi", "kiwi-content")
DEFAULT_BUCKET = 2_000_000
HEADS = ("logistic", "mlp")


@dataclass(frozen=True, kw_only=True)
class SupervisedConfig(WordConfig):
    """fastText-style supervised text classification (Joulin et al. 2017, "Bag of Tricks")."""

    dim: int = param(100, "Vector size.", ge=1, le=10_000)
    lr: float = param(0.1, "Learning rate (falls linearly to 0).", gt=0.0, le=100.0)
    epochs: int = param(5, "Passes over the training file.", ge=1, le=100_000, aliases=("epoch",))
    min_count: int = param(1, "Ignore words seen fewer times.", ge=1, aliases=("minCount",))
    min_count_label: int = param(1, "Ignore labels seen fewer times.", ge=1, aliases=("minCountLabel",))
    word_ngrams: int = param(1, "Longest word n-gram (1 = words only).", ge=1, le=20, aliases=("wordNgrams",))
    loss: str = param("softmax", "softmax; ova: one-vs-all, several labels a text; hs: many labels.", choices=LOSSES)
    subword: str = param("none", "Character n-grams: none, char, or jamo (Hangul split first).", choices=SUBWORDS)
    minn: int = param(2, "Shortest character n-gram.", ge=1, le=20)
    maxn: int = param(5, "Longest character n-gram.", ge=1, le=20)
    bucket: int | None = param(
        None,
        "Hash rows for n-grams (default 2,000,000 when word n-grams or subwords are on, else 0).",
        kind=int,
        ge=0,
        le=2**31 - 1,
    )
    tokenizer: str = param(
        "whitespace",
        "whitespace (as fastText), unicode, kiwi (Korean morphemes) or kiwi-content (without particles and endings).",
        choices=TOKENIZERS,
    )
    label_prefix: str = param("__label__", "What marks a label in fastText's format.")
    threads: int | None = param(
        None, "Worker threads (default: the cores this process may use).", kind=int, ge=1, le=1024, aliases=("thread",)
    )
    seed: int = param(1, "Random seed.", ge=0, le=MAX_SEED)

    def resolve(self) -> None:
        super().resolve()
        if self.maxn < self.minn:
            raise ConfigError(f"maxn must be an int >= {self.minn} and <= 20, got {self.maxn}")
        uses_buckets = self.word_ngrams > 1 or self.subword != "none"
        if self.bucket is None:
            self._set("bucket", DEFAULT_BUCKET if uses_buckets else 0)
        elif uses_buckets and self.bucket < 1:
            raise ConfigError(f"bucket must be an int >= 1 and <= {2**31 - 1} when n-grams are on, got {self.bucket}")
        if not self.label_prefix or any(c.isspace() for c in self.label_prefix):
            raise ConfigError(f"label_prefix must be a non-empty string without spaces, got {self.label_prefix!r}")

    @property
    def char_ngrams(self) -> tuple[int, int]:
        """``(minn, maxn)`` as fastText records them: ``(0, 0)`` when subwords are off."""
        return (self.minn, self.maxn) if self.subword != "none" else (0, 0)


@dataclass(frozen=True, kw_only=True)
class HeadConfig(Config):
    """A classifier head on sentence vectors (:class:`~embedlab.classify.heads.EmbeddingClassifier`)."""

    head: str = param("logistic", "logistic (scikit-learn) or mlp (PyTorch).", choices=HEADS)
    C: float = param(0.05, "Inverse L2 strength of the logistic head (on standardised features).", gt=0.0)
    hidden: int = param(256, "MLP: hidden width.", ge=1, le=100_000)
    dropout: float = param(0.1, "MLP: dropout after the embedding and the hidden layer.", ge=0.0, le=0.95)
    normalize: str | None = param(
        "layer",
        "MLP: layer normalisation after the embedding (layer, l2 or none).",
        kind=str,
        choices=("layer", "l2"),
        optional=True,
    )
    epochs: int = param(100, "MLP: most passes (early stopping on a held-out tenth).", ge=1, le=100_000)
    lr: float = param(1e-3, "MLP: AdamW learning rate.", gt=0.0, le=10.0)
    calibrate: bool = param(True, "Scale the probabilities by a temperature fitted on held-out data.")
    standardize: bool = param(True, "Standardise the features before the logistic head.")
    multi_label: bool = param(False, "Several labels a text (one-vs-rest).")
    batch_size: int = param(64, "MLP: vectors per step.", ge=1)
    seed: int = param(0, "Random seed.", ge=0, le=MAX_SEED)
