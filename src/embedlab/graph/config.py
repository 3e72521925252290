"""Hyperparameters of the node-embedding trainers: frozen, validated on creation, the one source of defaults.

The defaults are node2vec's (Grover & Leskovec 2016, and its reference code): 128 dimensions,
10 walks of 80 nodes from every node, window 10, p = q = 1, then one pass of skip-gram with
negative sampling at gensim's settings (5 noise nodes, subsampling 1e-3, learning rate 0.025).

>>> Node2VecConfig(q=0.5).q
0.5
>>> Node2VecConfig(p=0)
Traceback (most recent call last):
...
embedlab.errors.ConfigError: p must be a number > 0.0, got 0.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from embedlab._validation import check_float, check_int
from embedlab.kernels._sgd import MAX_SENTENCE_LEN
from embedlab.train.config import MAX_SEED
from embedlab.train.driver import default_threads

__all__ = ["Node2VecConfig"]


@dataclass(frozen=True, kw_only=True)
class Node2VecConfig:
    """node2vec: second-order random walks (return parameter ``p``, in-out parameter ``q``) + skip-gram."""

    dim: int = 128
    walk_length: int = 80
    walks_per_node: int = 10
    window: int = 10
    p: float = 1.0
    q: float = 1.0
    negative: int = 5
    sample: float = 1e-3
    epochs: int = 1
    alpha: float = 0.025
    min_alpha: float = 0.0001
    ns_exponent: float = 0.75
    threads: int | None = None  # None: the cores this process may use
    seed: int = 1

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("dim", check_int("dim", self.dim, 1, 10_000))
        put("walk_length", check_int("walk_length", self.walk_length, 2, MAX_SENTENCE_LEN))
        put("walks_per_node", check_int("walks_per_node", self.walks_per_node, 1))
        put("window", check_int("window", self.window, 1))
        put("p", check_float("p", self.p, 0.0, exclusive_minimum=True))
        put("q", check_float("q", self.q, 0.0, exclusive_minimum=True))
        put("negative", check_int("negative", self.negative, 1, 1_000))
        put("sample", check_float("sample", self.sample, 0.0, 1.0))
        put("epochs", check_int("epochs", self.epochs, 1))
        put("alpha", check_float("alpha", self.alpha, 0.0, 10.0, exclusive_minimum=True))
        put("min_alpha", check_float("min_alpha", self.min_alpha, 0.0, 10.0))
        put("ns_exponent", check_float("ns_exponent", self.ns_exponent, -10.0, 10.0))
        put("threads", default_threads() if self.threads is None else check_int("threads", self.threads, 1, 1024))
        put("seed", check_int("seed", self.seed, 0, MAX_SEED))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
