"""Hyperparameters of every trainer: frozen, keyword-only, validated on creation, the one source of defaults.

A config refuses a bad value when it is made (``Word2VecConfig(dim=0)`` raises
:class:`~embedlab.errors.ConfigError` naming the parameter, its range and the value), and
resolves the defaults that depend on the machine or on other fields (``threads=None`` →
the cores this process may use; Word2Vec's ``alpha=None`` → 0.025 for skip-gram, 0.05 for
CBOW). Trainers take a config or its fields as keywords (``Word2Vec(dim=50)`` or
``Word2Vec(Word2VecConfig(dim=50))``), and the CLI reads its option defaults from here.

>>> Word2VecConfig(arch="cbow").alpha
0.05
>>> Word2VecConfig(dim=0)
Traceback (most recent call last):
...
embedlab.errors.ConfigError: dim must be an int >= 1 and <= 10000, got 0
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from embedlab._validation import check_choice, check_float, check_int
from embedlab.errors import ConfigError
from embedlab.train.driver import default_threads

__all__ = ["FastTextConfig", "GloVeConfig", "Word2VecConfig", "make_config", "trainer_signature"]

ARCHS = ("skipgram", "cbow")
#: seeds feed 64-bit kernel arithmetic; 32 bits is what numpy's and gensim's seeds take too
MAX_SEED = 2**32 - 1
SUBWORDS = ("char", "jamo")
GLOVE_PRECISIONS = ("float32", "float64")
#: fastText's n-gram hash rows, the most FastText sizes its table to
DEFAULT_BUCKET = 2_000_000
GLOVE_OUTPUTS = ("sum", "word", "concat")

C = TypeVar("C")


class _Config:
    """What every config shares: validated fields, ``as_dict`` for ``config.json``."""

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)  # frozen dataclass: validation normalises in place

    def _check_common(self) -> None:
        c: Any = self
        self._set("dim", check_int("dim", c.dim, 1, 10_000))
        self._set("window", check_int("window", c.window, 1))
        self._set("min_count", check_int("min_count", c.min_count, 1))
        if c.max_vocab_size is not None:
            self._set("max_vocab_size", check_int("max_vocab_size", c.max_vocab_size, 1))
        self._set("epochs", check_int("epochs", c.epochs, 1))
        self._set("threads", default_threads() if c.threads is None else check_int("threads", c.threads, 1, 1024))
        self._set("seed", check_int("seed", c.seed, 0, MAX_SEED))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True, kw_only=True)
class Word2VecConfig(_Config):
    """Word2Vec (gensim's defaults): skip-gram or CBOW with negative sampling."""

    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-3
    min_count: int = 5
    max_vocab_size: int | None = 20_000_000
    epochs: int = 5
    arch: str = "skipgram"
    alpha: float | None = None  # None: 0.025 for skip-gram, 0.05 for CBOW
    min_alpha: float = 0.0001
    ns_exponent: float = 0.75
    threads: int | None = None  # None: the cores this process may use
    seed: int = 1

    def __post_init__(self) -> None:
        arch = check_choice("arch", self.arch, ARCHS)
        self._set("arch", arch)
        self._check_common()
        self._set("negative", check_int("negative", self.negative, 1, 1_000))
        self._set("sample", check_float("sample", self.sample, 0.0, 1.0))
        alpha = (0.025 if arch == "skipgram" else 0.05) if self.alpha is None else self.alpha
        self._set("alpha", check_float("alpha", alpha, 0.0, 10.0, exclusive_minimum=True))
        self._set("min_alpha", check_float("min_alpha", self.min_alpha, 0.0, 10.0))
        self._set("ns_exponent", check_float("ns_exponent", self.ns_exponent, -10.0, 10.0))


@dataclass(frozen=True, kw_only=True)
class FastTextConfig(_Config):
    """FastText (the fastText tool's defaults): words plus hashed character n-grams."""

    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-4
    min_count: int = 5
    max_vocab_size: int | None = 20_000_000
    epochs: int = 5
    arch: str = "skipgram"
    alpha: float = 0.05
    min_alpha: float = 0.0
    minn: int = 3
    maxn: int = 6
    bucket: int | None = None  # None: sized to the vocabulary's n-grams at fit time, at most DEFAULT_BUCKET
    subword: str = "char"
    threads: int | None = None
    seed: int = 1

    def __post_init__(self) -> None:
        minn = check_int("minn", self.minn, 0, 100)
        maxn = check_int("maxn", self.maxn, 0, 100)
        if maxn and maxn < minn:
            raise ConfigError(f"maxn must be 0 (no n-grams) or >= minn={minn}, got {maxn}")
        self._set("minn", minn)
        self._set("maxn", maxn)
        self._check_common()
        self._set("negative", check_int("negative", self.negative, 1, 1_000))
        self._set("sample", check_float("sample", self.sample, 0.0, 1.0))
        self._set("arch", check_choice("arch", self.arch, ARCHS))
        self._set("alpha", check_float("alpha", self.alpha, 0.0, 10.0, exclusive_minimum=True))
        self._set("min_alpha", check_float("min_alpha", self.min_alpha, 0.0, 10.0))
        if self.bucket is not None:
            self._set("bucket", check_int("bucket", self.bucket, 1, 2**31 - 1))
        self._set("subword", check_choice("subword", self.subword, SUBWORDS))


@dataclass(frozen=True, kw_only=True)
class GloVeConfig(_Config):
    """GloVe (the GloVe C tool's defaults): co-occurrence counts + weighted least squares."""

    dim: int = 100
    window: int = 10
    min_count: int = 5
    max_vocab_size: int | None = 20_000_000
    epochs: int = 15
    x_max: float = 100.0
    alpha: float = 0.75
    eta: float = 0.05
    bias_eta: float | None = None  # None: eta (the GloVe paper); 1.0: the C tool since gradient clipping
    output: str = "sum"
    memory_mb: int = 1024
    precision: str = "float32"  # "float64": every step in double, as the GloVe C tool computes
    threads: int | None = None
    seed: int = 1

    def __post_init__(self) -> None:
        self._check_common()
        self._set("precision", check_choice("precision", self.precision, GLOVE_PRECISIONS))
        self._set("x_max", check_float("x_max", self.x_max, 0.0, exclusive_minimum=True))
        self._set("alpha", check_float("alpha", self.alpha, 0.0, 10.0))
        self._set("eta", check_float("eta", self.eta, 0.0, 10.0, exclusive_minimum=True))
        bias_eta = self.eta if self.bias_eta is None else self.bias_eta
        self._set("bias_eta", check_float("bias_eta", bias_eta, 0.0, 10.0, exclusive_minimum=True))
        self._set("output", check_choice("output", self.output, GLOVE_OUTPUTS))
        self._set("memory_mb", check_int("memory_mb", self.memory_mb, 1))


def make_config(cls: type[C], config: C | None, params: dict[str, Any], trainer: str) -> C:
    """``config`` (or the defaults) with ``params`` replaced, validated; TypeError for an unknown name."""
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
