"""Hyperparameters of every trainer: frozen, keyword-only, validated on creation, the one source of defaults.

A config refuses a bad value when it is made (``Word2VecConfig(dim=0)`` raises
:class:`~embedlab.errors.ConfigError` naming the parameter, its range and the value), and
resolves the defaults that depend on the machine or on other fields (``threads=None`` →
the cores this process may use; Word2Vec's ``lr=None`` → 0.025 for skip-gram, 0.05 for
CBOW). Trainers take a config or its fields as keywords (``Word2Vec(dim=50)`` or
``Word2Vec(Word2VecConfig(dim=50))``), peers' names included (gensim's ``alpha`` and
``vector_size``, fastText's ``ws`` and ``minn``...), and the CLI builds its options from the
fields' descriptions (:mod:`embedlab._params`).

>>> Word2VecConfig(arch="cbow").lr
0.05
>>> Word2VecConfig(dim=0)
Traceback (most recent call last):
...
embedlab.errors.ConfigError: dim must be an int >= 1 and <= 10000, got 0
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass
from typing import Any, TypeVar

from embedlab._params import Config, param, resolve_aliases
from embedlab.errors import ConfigError
from embedlab.train.driver import default_threads

__all__ = ["FastTextConfig", "GloVeConfig", "Word2VecConfig", "WordConfig", "make_config", "trainer_signature"]

ARCHS = ("skipgram", "cbow")
#: seeds feed 64-bit kernel arithmetic; 32 bits is what numpy's and gensim's seeds take too
MAX_SEED = 2**32 - 1
SUBWORDS = ("char", "jamo")
GLOVE_PRECISIONS = ("float32", "float64")
#: fastText's n-gram hash rows, the most FastText sizes its table to
DEFAULT_BUCKET = 2_000_000
GLOVE_OUTPUTS = ("sum", "word", "concat")

C = TypeVar("C")

# the parameters the word-vector trainers share, each described once
_DIM: dict[str, Any] = {"help": "Vector size.", "ge": 1, "le": 10_000, "aliases": ("vector_size",)}
_MIN_COUNT: dict[str, Any] = {"help": "Ignore words seen fewer times.", "ge": 1}
_MAX_VOCAB: dict[str, Any] = {
    "help": "Most words kept while counting (rarer ones are pruned, as word2vec.c does).",
    "ge": 1,
    "kind": int,
    "optional": True,
}
_EPOCHS: dict[str, Any] = {"help": "Passes over the corpus.", "ge": 1, "aliases": ("iter", "epoch")}
_THREADS: dict[str, Any] = {
    "help": "Worker threads (default: the cores this process may use).",
    "ge": 1,
    "le": 1024,
    "kind": int,
    "aliases": ("workers", "thread"),
}
_SEED: dict[str, Any] = {
    "help": "Random seed (with threads=1: bit-identical runs).",
    "ge": 0,
    "le": MAX_SEED,
    "aliases": ("random_state",),
}
_NEGATIVE: dict[str, Any] = {"help": "Noise words per positive pair.", "ge": 1, "le": 1_000, "aliases": ("neg",)}
_WINDOW: dict[str, Any] = {"help": "Max distance between a word and its context.", "ge": 1, "aliases": ("ws",)}


class WordConfig(Config):
    """What the word-vector configs share: ``threads=None`` becomes the cores this process may use."""

    def resolve(self) -> None:
        c: Any = self
        if c.threads is None:
            self._set("threads", default_threads())


@dataclass(frozen=True, kw_only=True)
class Word2VecConfig(WordConfig):
    """Word2Vec (gensim's defaults): skip-gram or CBOW with negative sampling."""

    dim: int = param(100, **_DIM)
    window: int = param(5, **_WINDOW)
    negative: int = param(5, **_NEGATIVE)
    sample: float = param(1e-3, "Subsampling threshold for frequent words (0 = off).", ge=0.0, le=1.0, aliases=("t",))
    min_count: int = param(5, **_MIN_COUNT)
    max_vocab_size: int | None = param(20_000_000, **_MAX_VOCAB)
    epochs: int = param(5, **_EPOCHS)
    arch: str = param("skipgram", "skipgram or cbow.", choices=ARCHS, aliases=("model",))
    lr: float | None = param(
        None,
        "Start learning rate (default: 0.025 for skipgram, 0.05 for cbow).",
        kind=float,
        gt=0.0,
        le=10.0,
        aliases=("alpha",),
    )
    min_lr: float = param(
        0.0001, "Final learning rate (the rate falls linearly to it).", ge=0.0, le=10.0, aliases=("min_alpha",)
    )
    ns_exponent: float = param(
        0.75, "Exponent of the noise distribution (negative values favour rare words).", ge=-10.0, le=10.0
    )
    threads: int | None = param(None, **_THREADS)
    seed: int = param(1, **_SEED)

    def resolve(self) -> None:
        super().resolve()
        if self.lr is None:  # word2vec.c's rates; CBOW's was chosen on the dev halves (BENCHMARKS.md)
            self._set("lr", 0.025 if self.arch == "skipgram" else 0.05)


@dataclass(frozen=True, kw_only=True)
class FastTextConfig(WordConfig):
    """FastText (the fastText tool's defaults): words plus hashed character n-grams."""

    dim: int = param(100, **_DIM)
    window: int = param(5, **_WINDOW)
    negative: int = param(5, **_NEGATIVE)
    sample: float = param(1e-4, "Subsampling threshold for frequent words (0 = off).", ge=0.0, le=1.0, aliases=("t",))
    min_count: int = param(5, **_MIN_COUNT)
    max_vocab_size: int | None = param(20_000_000, **_MAX_VOCAB)
    epochs: int = param(5, **_EPOCHS)
    arch: str = param("skipgram", "skipgram or cbow.", choices=ARCHS, aliases=("model",))
    lr: float = param(0.05, "Start learning rate (falls linearly to --min-lr).", gt=0.0, le=10.0, aliases=("alpha",))
    min_lr: float = param(0.0, "Final learning rate.", ge=0.0, le=10.0, aliases=("min_alpha",))
    minn: int = param(3, "Shortest character n-gram.", ge=0, le=100, aliases=("min_n",))
    maxn: int = param(
        6, "Longest character n-gram (0: no n-grams, plain word vectors).", ge=0, le=100, aliases=("max_n",)
    )
    bucket: int | None = param(
        None,
        "Hash rows for n-grams (default: what the vocabulary's n-grams need, at most 2,000,000).",
        kind=int,
        ge=1,
        le=2**31 - 1,
    )
    subword: str = param("char", "char n-grams, or jamo (Hangul split into jamo first).", choices=SUBWORDS)
    threads: int | None = param(None, **_THREADS)
    seed: int = param(1, **_SEED)

    def resolve(self) -> None:
        super().resolve()
        if self.maxn and self.maxn < self.minn:
            raise ConfigError(f"maxn must be 0 (no n-grams) or >= minn={self.minn}, got {self.maxn}")


@dataclass(frozen=True, kw_only=True)
class GloVeConfig(WordConfig):
    """GloVe (the GloVe C tool's defaults): co-occurrence counts + weighted least squares."""

    dim: int = param(100, **_DIM)
    window: int = param(10, "Symmetric window; counts weighted by 1/distance.", ge=1, aliases=("window_size",))
    min_count: int = param(5, **_MIN_COUNT)
    max_vocab_size: int | None = param(20_000_000, **_MAX_VOCAB)
    epochs: int = param(15, "Passes over the co-occurrence entries.", ge=1, aliases=("iter",))
    x_max: float = param(100.0, "Counts at or above this get full weight (try 10 on small corpora).", gt=0.0)
    power: float = param(0.75, "Exponent of the weighting function.", ge=0.0, le=10.0, aliases=("alpha",))
    lr: float = param(0.05, "AdaGrad's initial learning rate.", gt=0.0, le=10.0, aliases=("eta",))
    bias_lr: float | None = param(
        None,
        "The biases' rate (default: --lr, as the GloVe paper; 1.0: the C tool's current rule).",
        kind=float,
        gt=0.0,
        le=10.0,
        aliases=("bias_eta",),
    )
    output: str = param(
        "sum", "sum (W + W̃), word (W only) or concat.", choices=GLOVE_OUTPUTS, flag="--vectors", aliases=("model",)
    )
    memory_mb: int = param(1024, "Memory for counting; past it sorted runs spill to disk.", ge=1)
    precision: str = param(
        "float32", "float32, or float64: every step in double, as the GloVe C tool computes.", choices=GLOVE_PRECISIONS
    )
    threads: int | None = param(None, **_THREADS)
    seed: int = param(1, **_SEED)

    def resolve(self) -> None:
        super().resolve()
        if self.bias_lr is None:
            self._set("bias_lr", self.lr)


def make_config(cls: type[C], config: C | None, params: dict[str, Any], trainer: str) -> C:
    """``config`` (or the defaults) with ``params`` replaced, validated; TypeError for an unknown name.
    Peers' names for a parameter (gensim's ``alpha`` for ``lr``...) are taken as that parameter."""
    if issubclass(cls, Config):
        params = resolve_aliases(cls, params, trainer)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise TypeError(f"{trainer}() got unknown parameter(s) {unknown}; its parameters are {', '.join(names)}")
    if config is None:
        return cls(**params)
    if not isinstance(config, cls):
        raise ConfigError(f"{trainer} takes a {cls.__name__}, got {type(config).__name__}")
    return dataclasses.replace(config, **params) if params else config  # type: ignore[type-var]


def trainer_signature(cls: type) -> inspect.Signature:
    """``(self, config=None, /, *, <every field with its default>)``, for help() and IDEs."""
    params = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
        inspect.Parameter(
            "config", inspect.Parameter.POSITIONAL_ONLY, default=None, annotation=f"{cls.__name__} | None"
        ),
    ]
    for f in dataclasses.fields(cls):
        params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=f.type))
    return inspect.Signature(params, return_annotation=None)
