"""Walks: node2vec's transition probabilities, weights, dead ends, seeds and threads."""

import itertools

import numpy as np
import pytest
from scipy import stats

from embedlab.graph import Graph, random_walks
from embedlab.kernels.walks import walk_job


def _second_steps(g: Graph, start: str, via: str, p: float, q: float, n: int = 60_000) -> dict[str, int]:
    """Counts of the node after ``start -> via`` over ``n`` walks of three nodes from ``start``."""
    out = np.empty((n, 3), np.int32)
    lengths = np.empty(n, np.int64)
    starts = np.full(n, g.index(start), np.int32)
    walk_job(g.indptr, g.indices, g.cumulative_weights(), starts, 0, 3, 1 / p, 1 / q, 7, out, lengths)
    rows = out[out[:, 1] == g.index(via)]
    names, counts = np.unique(rows[:, 2], return_counts=True)
    return {g.keys[i]: int(c) for i, c in zip(names, counts, strict=True)}


# t -- v, and v's other neighbours: x1 (also a neighbour of t), x2 and x3 (two steps from t)
EDGES = [("t", "v"), ("t", "x1"), ("v", "x1"), ("v", "x2"), ("v", "x3")]


@pytest.mark.parametrize(("p", "q"), [(0.5, 2.0), (4.0, 0.25), (1.0, 1.0)])
def test_second_order_steps_follow_node2vec_probabilities(p, q):
    counts = _second_steps(Graph.from_edges(EDGES), "t", "v", p, q)
    alpha = {"t": 1 / p, "x1": 1.0, "x2": 1 / q, "x3": 1 / q}
    observed = np.array([counts.get(k, 0) for k in alpha])
    expected = np.array(list(alpha.values())) / sum(alpha.values()) * observed.sum()
    assert stats.chisquare(observed, expected).pvalue > 1e-4, (counts, expected)


def test_weighted_second_order_steps_multiply_weight_and_bias():
    w = {("t", "v"): 1.0, ("t", "x1"): 1.0, ("v", "x1"): 3.0, ("v", "x2"): 0.5, ("v", "x3"): 2.0}
    g = Graph.from_edges([(a, b, x) for (a, b), x in w.items()])
    p, q = 2.0, 0.5
    counts = _second_steps(g, "t", "v", p, q)
    unnorm = {"t": 1.0 / p, "x1": 3.0, "x2": 0.5 / q, "x3": 2.0 / q}
    observed = np.array([counts.get(k, 0) for k in unnorm])
    expected = np.array(list(unnorm.values())) / sum(unnorm.values()) * observed.sum()
    assert stats.chisquare(observed, expected).pvalue > 1e-4, (counts, expected)


def test_first_step_is_proportional_to_weight():
    g = Graph.from_edges([("a", "b", 1.0), ("a", "c", 3.0)])
    n = 40_000
    out = np.empty((n, 2), np.int32)
    walk_job(g.indptr, g.indices, g.cumulative_weights(), np.zeros(n, np.int32), 0, 2, 1.0, 1.0, 3, out,
             np.empty(n, np.int64))  # fmt: skip
    share_c = np.mean(out[:, 1] == g.index("c"))
    assert share_c == pytest.approx(0.75, abs=0.01)


def test_every_step_follows_an_edge_and_walks_have_full_length():
    g = Graph.from_edges([(a, b) for a in range(8) for b in range(a + 1, 8) if (a + b) % 3])
    walks = random_walks(g, walk_length=12, p=0.5, q=2.0, seed=5)
    adj = g.to_scipy().toarray() > 0
    assert walks.n_sentences == g.n_nodes and walks.n_tokens == 12 * g.n_nodes
    assert sorted(walks.tokens[walks.offsets[:-1]].tolist()) == list(range(g.n_nodes))  # one walk per node
    for i in range(walks.n_sentences):
        w = walks.sentence(i)
        assert all(adj[a, b] for a, b in itertools.pairwise(w))


@pytest.mark.parametrize(("p", "q"), [(1.0, 1.0), (0.5, 2.0)])
def test_directed_walks_stop_at_dead_ends(p, q):
    g = Graph.from_edges([("a", "b"), ("b", "c")], directed=True)
    walks = random_walks(g, walk_length=5, p=p, q=q, seed=1)
    by_start = {g.keys[walks.sentence(i)[0]]: [g.keys[x] for x in walks.sentence(i)] for i in range(3)}
    assert by_start == {"a": ["a", "b", "c"], "b": ["b", "c"], "c": ["c"]}


def test_walks_depend_on_seed_and_round_not_on_threads():
    g = Graph.from_edges([(a, b) for a in range(3000) for b in (a + 1, a + 7, a * 3 % 2999) if a != b and b < 3000])
    one = random_walks(g, walk_length=20, p=0.5, q=2.0, seed=9, threads=1)
    two = random_walks(g, walk_length=20, p=0.5, q=2.0, seed=9, threads=2)
    assert np.array_equal(one.tokens, two.tokens) and np.array_equal(one.offsets, two.offsets)
    other_round = random_walks(g, walk_length=20, p=0.5, q=2.0, seed=9, round_index=1)
    other_seed = random_walks(g, walk_length=20, p=0.5, q=2.0, seed=10)
    assert not np.array_equal(one.tokens, other_round.tokens)
    assert not np.array_equal(one.tokens, other_seed.tokens)


def test_walk_corpus_carries_node_names():
    g = Graph.from_edges([("x", "y"), ("y", "z")])
    walks = random_walks(g, walk_length=3)
    assert walks.vocab.words == ["x", "y", "z"]
    assert int(walks.vocab.counts.sum()) == walks.n_tokens
