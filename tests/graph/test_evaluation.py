"""Node classification and link prediction on planted graphs; the heuristics by hand; bad input."""

import numpy as np
import pytest

from conftest import planted_graph
from embedlab import KeyedVectors
from embedlab.errors import ConfigError, CorpusError, FormatError, UnknownKeyError
from embedlab.graph import (
    Graph,
    Node2Vec,
    evaluate_link_prediction,
    evaluate_node_classification,
    heuristic_scores,
    read_node_labels,
    split_edges,
)
from embedlab.graph.classify_nodes import _top_k


@pytest.fixture(scope="module")
def planted():
    g, community = planted_graph(seed=2)
    kv = Node2Vec(dim=32, walk_length=20, walks_per_node=10, window=5, epochs=3, threads=2).fit(g)
    return g, community, kv


def test_node_classification_finds_planted_communities(planted):
    _, community, kv = planted
    labels = {n: [c] for n, c in community.items()}
    res = evaluate_node_classification(kv, labels, train_ratios=[0.2, 0.5], repeats=3, threads=1)
    assert res["primary_metric"] == "macro_f1" and res["train_ratio"] == 0.5
    assert [r["train_ratio"] for r in res["rows"]] == [0.2, 0.5]
    assert res["macro_f1"] > 0.9 and res["micro_f1"] > 0.9
    assert res["rows"][1]["threshold_micro_f1"] > 0.9 and not res["multi_label"]
    random_kv = KeyedVectors(kv.keys, np.random.default_rng(0).normal(size=(len(kv), 32)).astype(np.float32))
    assert evaluate_node_classification(random_kv, labels, train_ratios=[0.5], repeats=3)["macro_f1"] < 0.5


def test_multi_label_files_and_top_k(tmp_path, planted):
    _, community, kv = planted
    path = tmp_path / "labels.tsv"
    path.write_text("".join(f"{n}\t{c}\n{n}\tall\n" for n, c in community.items()))
    labels = read_node_labels(path)
    assert labels["c0n0"] == ["community0", "all"]
    res = evaluate_node_classification(kv, path, train_ratios=[0.5], repeats=2)
    assert res["multi_label"] and res["labels"] == 5 and res["micro_f1"] > 0.9
    top = _top_k(np.array([[0.1, 0.9, 0.5], [0.3, 0.2, 0.1]]), np.array([2, 1]))
    assert top.tolist() == [[0, 1, 1], [1, 0, 0]]


def test_node_classification_bad_input(tmp_path, planted):
    _, community, kv = planted
    with pytest.raises(UnknownKeyError, match="labelled node 'ghost'.*1 of the 2 labelled nodes have no vector"):
        evaluate_node_classification(kv, {"c0n0": ["x"], "ghost": ["y"]})
    with pytest.raises(CorpusError, match="at least 2 labels"):
        evaluate_node_classification(kv, {n: ["same"] for n in community})
    (tmp_path / "bad.txt").write_text("c0n0 a\nc0n1\n")
    with pytest.raises(FormatError, match="line 2"):
        read_node_labels(tmp_path / "bad.txt")
    (tmp_path / "empty.txt").write_text("\n# nothing\n")
    with pytest.raises(CorpusError, match="no labelled nodes"):
        read_node_labels(tmp_path / "empty.txt")


def test_heuristics_match_hand_counts():
    # a-b, a-c, b-c, c-d: for (a, d) the only common neighbour is c (degree 3)
    g = Graph.from_edges([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")])
    pairs = np.array([[g.index("a"), g.index("d")], [g.index("a"), g.index("b")]])
    s = heuristic_scores(g, pairs)
    assert s["common_neighbours"].tolist() == [1, 1]
    assert s["jaccard"] == pytest.approx([1 / 2, 1 / 3])  # |{c}| / |{b, c} ∪ {c}|; |{c}| / |{b, c} ∪ {a, c}|
    assert s["adamic_adar"] == pytest.approx([1 / np.log(3), 1 / np.log(3)])


def test_split_keeps_nodes_connected_and_sets_disjoint(planted):
    g, _, _ = planted
    split = split_edges(g, 0.5, seed=3)
    n = g.n_nodes
    sets = {"tp": split.test_pos, "tn": split.test_neg, "rp": split.train_pos, "rn": split.train_neg}
    codes = {name: set((x[:, 0] * n + x[:, 1]).tolist()) for name, x in sets.items()}
    assert len(codes["tp"]) == round(0.5 * g.n_edges) and len(codes["tn"]) == len(codes["tp"])
    assert all(not (codes[a] & codes[b]) for a in codes for b in codes if a < b)
    adj = g.to_scipy()
    assert all(adj[u, v] for u, v in split.test_pos) and not any(adj[u, v] for u, v in split.test_neg)
    assert split.train_graph.degrees().min() > 0 and split.train_graph.n_edges == len(split.train_pos)
    with pytest.raises(ConfigError, match="without cutting nodes off"):
        split_edges(g, 0.95)
    with pytest.raises(ConfigError, match="test_fraction"):
        split_edges(g, 1.5)


def test_link_prediction_beats_chance_and_reports_baselines(planted):
    g, _, _ = planted
    split = split_edges(g, 0.3, seed=1)
    kv = Node2Vec(dim=32, walk_length=20, walks_per_node=10, window=5, epochs=3, threads=2).fit(split.train_graph)
    res = evaluate_link_prediction(kv, split)
    assert res["primary_metric"] == "auc" and set(res["operators"]) == {"hadamard", "average", "l1", "l2"}
    assert res["auc"] > 0.8 and res["best_operator"] in res["operators"]
    assert set(res["baselines"]) == {"common_neighbours", "jaccard", "adamic_adar"}
    assert res["baselines"]["adamic_adar"] > 0.6
    partial = KeyedVectors(kv.keys[:5], kv.vectors[:5])
    with pytest.raises(ConfigError, match="have no vector"):
        evaluate_link_prediction(partial, split)
