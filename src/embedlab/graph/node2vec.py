"""node2vec and DeepWalk: random walks over a graph, trained as sentences by the skip-gram kernel.

Walks are made and trained one *round* at a time (one walk from every node, in a shuffled order,
as node2vec's reference code makes them), so memory holds the graph, the weights and one round
of walks (nodes × walk_length ids), never all ``walks_per_node`` rounds. Each round goes into an
:class:`~embedlab.vocab.EncodedCorpus` of node ids and is trained by Word2Vec's skip-gram kernel
(:class:`embedlab.train.engine.SGNS`) with one learning-rate schedule over all rounds, the
same as training gensim's Word2Vec once on all the walks in that order.

>>> from embedlab.graph import Graph, Node2Vec
>>> g = Graph.from_edges([(a, b) for a in range(5) for b in range(a + 1, 5)])
>>> kv = Node2Vec(dim=8, walk_length=10, walks_per_node=4, window=3, threads=1).fit(g)
>>> len(kv), kv.dim
(5, 8)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embedlab._progress import ProgressArg
from embedlab.graph.config import Node2VecConfig
from embedlab.graph.graph import Graph, read_edgelist
from embedlab.train.config import make_config, trainer_signature
from embedlab.train.driver import EpochReport, TrainReport
from embedlab.train.engine import SGNS, MadeRounds
from embedlab.train.walks import walk_round
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.encoded import EncodedCorpus

__all__ = ["DeepWalk", "Node2Vec", "Node2VecConfig", "random_walks"]


def random_walks(
    graph: Graph,
    *,
    walk_length: int = 80,
    p: float = 1.0,
    q: float = 1.0,
    round_index: int = 0,
    seed: int = 1,
    threads: int = 1,
) -> EncodedCorpus:
    """One round of walks: one walk from every node, the start nodes in a seeded random order.

    The walks depend on ``seed`` and ``round_index`` only, never on ``threads``. A walk stops
    early at a node with no outgoing edge (directed graphs).

    >>> g = Graph.from_edges([("a", "b"), ("b", "c")])
    >>> w = random_walks(g, walk_length=4, seed=3)
    >>> w.n_sentences, w.n_tokens
    (3, 12)
    """
    flat, offsets = walk_round(graph.indptr, graph.indices, graph.cumulative_weights(), walk_length=walk_length,
                               p=p, q=q, round_index=round_index, seed=seed, threads=threads)  # fmt: skip
    counts = np.bincount(flat, minlength=graph.n_nodes)
    return EncodedCorpus.from_ids(flat, offsets, keys=graph.keys, counts=counts)


class Node2Vec:
    """Node vectors from second-order random walks (node2vec) and skip-gram with negative sampling.

    ``p`` is the return parameter (low ``p``: walks come back, staying local), ``q`` the in-out
    parameter (low ``q``: walks move outward, DFS-like; high ``q``: BFS-like). ``p = q = 1`` is
    DeepWalk. The skip-gram settings (``window``, ``negative``, ``sample``, ``lr``,
    ``min_lr``, ``ns_exponent``, ``epochs`` passes over the walks) mean what they mean in
    :class:`~embedlab.Word2Vec`.

    Reproducibility: the walks are the same for any number of threads; with ``threads=1`` a
    fixed ``seed`` gives bit-identical vectors (training with more threads races, as in word2vec).

    ``fit`` takes a :class:`~embedlab.graph.Graph` or an edge-list path and returns
    :class:`~embedlab.vectors.KeyedVectors` keyed by node name; ``report`` then holds the loss per
    round and the seconds spent walking and training.
    """

    _name = "node2vec"

    def __init__(self, config: Node2VecConfig | None = None, /, **params: Any) -> None:
        self.config = make_config(Node2VecConfig, config, params, type(self).__name__)
        self.report: TrainReport | None = None
        self.walk_seconds = 0.0  # making the walks, within ...
        self.seconds = 0.0  # ... the whole fit (walks + training)

    def __repr__(self) -> str:
        c = self.config
        return (f"{type(self).__name__}(dim={c.dim}, walk_length={c.walk_length}, walks_per_node={c.walks_per_node}, "
                f"window={c.window}, p={c.p}, q={c.q})")  # fmt: skip

    def walks(self, graph: Graph, round_index: int = 0) -> EncodedCorpus:
        """Round ``round_index`` of the walks ``fit`` trains on (one walk from every node)."""
        c = self.config
        assert c.threads is not None
        return random_walks(graph, walk_length=c.walk_length, p=c.p, q=c.q, round_index=round_index, seed=c.seed,
                            threads=c.threads)  # fmt: skip

    def fit(
        self,
        graph: Graph | str | os.PathLike[str],
        *,
        progress: ProgressArg = None,
        callbacks: Sequence[Callable[[EpochReport], Any]] = (),
    ) -> KeyedVectors:
        """Walk ``graph`` and train; return the node vectors (keys: node names)."""
        c = self.config
        g = graph if isinstance(graph, Graph) else read_edgelist(graph)
        rounds = c.walks_per_node
        t0 = time.perf_counter()
        self.report = None
        walks = MadeRounds(self.walks(g, 0), lambda r: self.walks(g, r), rounds)
        self.walk_seconds = time.perf_counter() - t0
        # visit counts for subsampling and the noise distribution: every round draws from the same
        # distribution, so the first round's counts times the rounds estimate the whole run's
        counts = np.asarray(walks.current.vocab.counts, dtype=np.int64) * rounds
        engine = SGNS(counts, dim=c.dim, window=c.window, negative=c.negative, sample=c.sample,
                      ns_exponent=c.ns_exponent, seed=c.seed)  # fmt: skip
        assert c.threads is not None
        self.report = engine.train(walks, epochs=rounds * c.epochs, threads=c.threads, lr=c.lr, min_lr=c.min_lr,
                                   progress=progress, callbacks=callbacks, description=self._name, unit="steps",
                                   snapshot=lambda: self._vectors(engine.vectors(copy=True), g, counts))  # fmt: skip
        self.walk_seconds += walks.made_seconds
        self.report.vocab_size = g.n_nodes
        self.seconds = time.perf_counter() - t0
        return self._vectors(engine.vectors(), g, counts)

    def _vectors(self, syn0: np.ndarray, g: Graph, counts: np.ndarray) -> KeyedVectors:
        meta: dict[str, Any] = {
            "model": self._name,
            "params": self.config.as_dict(),
            "graph": {"nodes": g.n_nodes, "edges": g.n_edges, "directed": g.directed, "weighted": g.weighted},
        }
        if self.report is not None:
            meta["training"] = {
                **self.report.as_dict(),
                "seconds": round(self.seconds, 3),
                "walk_seconds": round(self.walk_seconds, 3),
            }
        return KeyedVectors(g.keys, syn0, counts, metadata=meta)


class DeepWalk(Node2Vec):
    """DeepWalk (Perozzi et al. 2014): uniform random walks (node2vec with p = q = 1), skip-gram.

    >>> DeepWalk(p=2)
    Traceback (most recent call last):
    ...
    TypeError: DeepWalk has no p or q (its walks are uniform); use Node2Vec(p=..., q=...)
    """

    _name = "deepwalk"

    def __init__(self, config: Node2VecConfig | None = None, /, **params: Any) -> None:
        if "p" in params or "q" in params or (config is not None and (config.p != 1.0 or config.q != 1.0)):
            raise TypeError("DeepWalk has no p or q (its walks are uniform); use Node2Vec(p=..., q=...)")
        super().__init__(config, **params)


Node2Vec.__init__.__signature__ = trainer_signature(Node2VecConfig)  # type: ignore[attr-defined]
