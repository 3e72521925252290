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

from dataclasses import dataclass

from embedlab._params import param
from embedlab.train.config import MAX_SEED, WordConfig
from embedlab.vocab.encoded import MAX_SENTENCE_LEN

__all__ = ["Node2VecConfig"]


@dataclass(frozen=True, kw_only=True)
class Node2VecConfig(WordConfig):
    """node2vec: second-order random walks (return parameter ``p``, in-out parameter ``q``) + skip-gram."""

    dim: int = param(128, "Vector size.", ge=1, le=10_000, aliases=("dimensions",))
    walk_length: int = param(80, "Nodes per walk.", ge=2, le=MAX_SENTENCE_LEN)
    walks_per_node: int = param(10, "Walks started from every node.", ge=1, aliases=("num_walks",))
    window: int = param(10, "Context window over a walk.", ge=1, aliases=("window_size",))
    p: float = param(1.0, "Return parameter (high: walks rarely go back).", gt=0.0)
    q: float = param(1.0, "In-out parameter (low: walks explore outward, DFS-like).", gt=0.0)
    negative: int = param(5, "Noise nodes per positive pair.", ge=1, le=1_000)
    sample: float = param(1e-3, "Subsampling threshold for frequent nodes (0 = off).", ge=0.0, le=1.0)
    epochs: int = param(1, "Passes of skip-gram over the walks.", ge=1, aliases=("iter",))
    lr: float = param(0.025, "Start learning rate.", gt=0.0, le=10.0, aliases=("alpha",))
    min_lr: float = param(0.0001, "Final learning rate.", ge=0.0, le=10.0, aliases=("min_alpha",))
    ns_exponent: float = param(0.75, "Exponent of the noise distribution.", ge=-10.0, le=10.0)
    threads: int | None = param(
        None, "Worker threads (default: the cores this process may use).", kind=int, ge=1, le=1024, aliases=("workers",)
    )
    seed: int = param(
        1, "Random seed (walks are the same for any thread count).", ge=0, le=MAX_SEED, aliases=("random_state",)
    )
