"""Hyperparameters of the recommenders: frozen, validated on creation, the one source of defaults (the
library, the CLI and the saved model folders read them here). The names are embedlab's (``dim``,
``epochs``, ``lr``); implicit's (``factors``, ``iterations``, ``learning_rate``, ALS's ``alpha``) are
taken as the same parameters.

>>> ALSConfig(dim=32).confidence
1.0
>>> from embedlab.train.config import make_config
>>> make_config(ALSConfig, None, {"factors": 8, "alpha": 10.0}, "ALS").dim
8
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from embedlab._params import Config, param
from embedlab.train.config import MAX_SEED, Word2VecConfig

__all__ = ["ALSConfig", "BPRConfig", "Item2VecConfig"]

_DIM: dict[str, Any] = {"help": "Latent factors per user and item.", "ge": 1, "le": 10_000, "aliases": ("factors",)}
_REG: dict[str, Any] = {"help": "L2 penalty on the factors.", "ge": 0.0}
_THREADS: dict[str, Any] = {"help": "Worker threads (default: all cores).", "kind": int, "ge": 1, "le": 1024,
                            "aliases": ("num_threads",)}  # fmt: skip
_SEED: dict[str, Any] = {"help": "Random seed.", "ge": 0, "le": MAX_SEED, "aliases": ("random_state",)}


@dataclass(frozen=True, kw_only=True)
class ALSConfig(Config):
    """Implicit-feedback alternating least squares (Hu, Koren & Volinsky 2008), through implicit."""

    dim: int = param(64, **_DIM)
    epochs: int = param(15, "Alternating passes.", ge=1, aliases=("iterations",))
    regularization: float = param(0.01, **_REG)
    confidence: float = param(1.0, "Confidence 1 + confidence x weight of an event (Hu et al.'s alpha).", ge=0.0,
                              aliases=("alpha",))  # fmt: skip
    threads: int | None = param(None, **_THREADS)
    seed: int = param(1, **_SEED)


@dataclass(frozen=True, kw_only=True)
class BPRConfig(Config):
    """Bayesian personalised ranking (Rendle et al. 2009), through implicit."""

    dim: int = param(64, **_DIM)
    epochs: int = param(100, "Passes of pairwise SGD.", ge=1, aliases=("iterations",))
    regularization: float = param(0.01, **_REG)
    lr: float = param(0.01, "SGD step size.", gt=0.0, aliases=("learning_rate",))
    threads: int | None = param(None, **_THREADS)
    seed: int = param(1, **_SEED)


@dataclass(frozen=True, kw_only=True)
class Item2VecConfig(Word2VecConfig):
    """item2vec / prod2vec: Word2Vec over item sequences, where an item seen once still counts."""

    min_count: int = param(1, "Ignore items seen fewer times.", ge=1)
