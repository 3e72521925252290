"""Link prediction: hide a share of the edges, embed what is left, tell hidden edges from non-edges.

The protocol of node2vec (Grover & Leskovec 2016, section 4.4): :func:`split_edges` removes a
share of the edges at random while keeping every connected component connected (the edges of a
random spanning forest are never removed, so no node is cut off), and samples as many node pairs
that are not edges. Node vectors are then trained on the remaining graph and
:func:`evaluate_link_prediction` scores the held-out pairs:

- **edge features** from the two node vectors (Hadamard product, average, L1 and L2 distance per
  dimension) feed a logistic regression trained on the remaining edges against other sampled
  non-edges; ROC-AUC on the held-out pairs;
- **baselines** in the same run, scored on the remaining graph with no training: common
  neighbours, Jaccard coefficient and Adamic-Adar.

Link prediction treats every graph as undirected and ignores weights and self-loops.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import minimum_spanning_tree

from embedlab.errors import ConfigError, CorpusError, MissingDependencyError
from embedlab.graph.graph import Graph
from embedlab.vectors.protocol import ReadableVectors

__all__ = ["OPERATORS", "EdgeSplit", "evaluate_link_prediction", "heuristic_scores", "split_edges"]

OPERATORS = ("hadamard", "average", "l1", "l2")
HEURISTICS = ("common_neighbours", "jaccard", "adamic_adar")


@dataclass
class EdgeSplit:
    """The remaining graph and four sets of node-id pairs (int64, shape (n, 2))."""

    train_graph: Graph
    train_pos: np.ndarray
    train_neg: np.ndarray
    test_pos: np.ndarray
    test_neg: np.ndarray


def _undirected_pairs(graph: Graph) -> np.ndarray:
    """Each undirected edge once as (u, v) with u < v; no self-loops."""
    a = graph.to_scipy()
    a = sp.triu(a + a.T, k=1).tocoo()
    return np.stack([a.row, a.col], axis=1).astype(np.int64)


def _sample_non_edges(n: int, count: int, taken: set[int], rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct pairs (u < v) whose code ``u * n + v`` is not in ``taken`` (updated)."""
    out: list[int] = []
    while len(out) < count:
        u = rng.integers(0, n, size=2 * (count - len(out)) + 16)
        v = rng.integers(0, n, size=u.size)
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        for code in (lo * n + hi)[lo != hi].tolist():
            if code not in taken:
                taken.add(code)
                out.append(code)
                if len(out) == count:
                    break
    codes = np.asarray(out, dtype=np.int64)
    return np.stack([codes // n, codes % n], axis=1)


def split_edges(graph: Graph, test_fraction: float = 0.5, *, seed: int = 1) -> EdgeSplit:
    """Hold out ``test_fraction`` of the edges (never a spanning-forest edge) and sample non-edges.

    Raises :class:`~embedlab.errors.ConfigError` when the graph cannot spare that many edges
    without cutting nodes off (say how many it can).
    """
    if not 0.0 < test_fraction < 1.0:
        raise ConfigError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    n = graph.n_nodes
    pairs = _undirected_pairs(graph)
    m = len(pairs)
    if m < 2:
        raise CorpusError("link prediction needs a graph with at least 2 edges between distinct nodes")
    rng = np.random.default_rng(seed)
    # a random spanning forest: the minimum spanning forest under random weights
    w = sp.coo_matrix((rng.random(m) + 1.0, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    forest = minimum_spanning_tree(w.tocsr()).tocoo()
    f_lo, f_hi = np.minimum(forest.row, forest.col), np.maximum(forest.row, forest.col)
    in_forest = np.isin(pairs[:, 0] * n + pairs[:, 1], f_lo.astype(np.int64) * n + f_hi)
    removable = np.flatnonzero(~in_forest)
    want = round(test_fraction * m)
    if want > removable.size:
        raise ConfigError(f"test_fraction={test_fraction} asks for {want} of {m} edges, but only {removable.size} "
                          f"can go without cutting nodes off (test_fraction <= {removable.size / m:.3f})")  # fmt: skip
    test_idx = rng.choice(removable, size=want, replace=False)
    keep = np.ones(m, bool)
    keep[test_idx] = False
    test_pos, train_pos = pairs[test_idx], pairs[keep]
    taken = set((pairs[:, 0] * n + pairs[:, 1]).tolist())
    test_neg = _sample_non_edges(n, len(test_pos), taken, rng)
    train_neg = _sample_non_edges(n, len(train_pos), taken, rng)
    train_graph = Graph.from_edges(
        [(graph.keys[u], graph.keys[v]) for u, v in train_pos.tolist()], nodes=graph.keys, directed=False
    )
    return EdgeSplit(train_graph, train_pos, train_neg, test_pos, test_neg)


def edge_features(x: np.ndarray, pairs: np.ndarray, operator: str) -> np.ndarray:
    """One feature row per pair from the node vectors ``x`` (node2vec's binary operators)."""
    a, b = x[pairs[:, 0]], x[pairs[:, 1]]
    if operator == "hadamard":
        return a * b
    if operator == "average":
        return (a + b) / 2
    if operator == "l1":
        return np.abs(a - b)
    if operator == "l2":
        return (a - b) ** 2
    raise ConfigError(f"operator must be one of {', '.join(OPERATORS)}, got {operator!r}")


def heuristic_scores(graph: Graph, pairs: np.ndarray) -> dict[str, np.ndarray]:
    """Common neighbours, Jaccard and Adamic-Adar for each pair, on ``graph`` seen as undirected."""
    a = graph.to_scipy()
    a = ((a + a.T) > 0).astype(np.float64).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    deg = np.asarray(a.sum(axis=1)).ravel()
    ru, rv = a[pairs[:, 0]], a[pairs[:, 1]]
    both = ru.multiply(rv).tocsr()
    cn = np.asarray(both.sum(axis=1)).ravel()
    union = deg[pairs[:, 0]] + deg[pairs[:, 1]] - cn
    jaccard = np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
    inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2.0)), 0.0)  # a common neighbour has degree >= 2
    aa = both @ inv_log
    return {"common_neighbours": cn, "jaccard": jaccard, "adamic_adar": np.asarray(aa).ravel()}


def evaluate_link_prediction(
    vectors: ReadableVectors,
    split: EdgeSplit,
    *,
    operators: Sequence[str] = OPERATORS,
    C: float = 1.0,
) -> dict[str, Any]:
    """ROC-AUC on the held-out pairs for each edge operator and each baseline heuristic.

    ``vectors`` must be trained on ``split.train_graph`` (training on the full graph leaks the
    held-out edges). Returns ``{"primary_metric": "auc", "auc"`` (the best operator's),
    ``"best_operator", "operators": {op: auc}, "baselines": {name: auc}, "test_edges", "train_edges"}``.
    """
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
    except ImportError:
        raise MissingDependencyError("scikit-learn", "graph") from None
    keys = split.train_graph.keys
    missing = [k for k in keys if k not in vectors]
    if missing:
        raise ConfigError(f"{len(missing)} node(s) of the graph have no vector (e.g. {missing[0]!r}); train the "
                          "vectors on split.train_graph")  # fmt: skip
    x = np.stack([vectors.get_vector(k) for k in keys]).astype(np.float64)
    train_pairs = np.concatenate([split.train_pos, split.train_neg])
    train_y = np.r_[np.ones(len(split.train_pos)), np.zeros(len(split.train_neg))]
    test_pairs = np.concatenate([split.test_pos, split.test_neg])
    test_y = np.r_[np.ones(len(split.test_pos)), np.zeros(len(split.test_neg))]
    ops: dict[str, float] = {}
    for op in operators:
        model = LogisticRegression(C=C, max_iter=1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(edge_features(x, train_pairs, op), train_y)
        ops[op] = float(roc_auc_score(test_y, model.predict_proba(edge_features(x, test_pairs, op))[:, 1]))
    heuristics = heuristic_scores(split.train_graph, test_pairs)
    base = {name: float(roc_auc_score(test_y, s)) for name, s in heuristics.items()}
    best = max(ops, key=ops.__getitem__) if ops else None
    return {
        "primary_metric": "auc",
        "auc": ops[best] if best else float("nan"),
        "best_operator": best,
        "operators": ops,
        "baselines": base,
        "test_edges": len(split.test_pos),
        "train_edges": len(split.train_pos),
    }
