"""node2vec / DeepWalk training: planted communities, reproducibility, settings and saving."""

import numpy as np
import pytest

from conftest import planted_graph
from embedlab.errors import ConfigError
from embedlab.graph import DeepWalk, Node2Vec, Node2VecConfig
from embedlab.io import load


def community_hit_rate(kv, community, topn=5):
    hits = [community[m] == community[n] for n in kv.keys for m, _ in kv.most_similar(n, topn=topn)]
    return float(np.mean(hits))


def test_planted_communities_come_out_as_neighbours():
    g, community = planted_graph()
    kv = Node2Vec(dim=32, walk_length=20, walks_per_node=10, window=5, epochs=3, threads=2, seed=3).fit(g)
    assert kv.keys == g.keys and kv.dim == 32
    assert community_hit_rate(kv, community) > 0.9  # random vectors: about 0.24


def test_deepwalk_and_node2vec_with_p_q_learn_the_same_structure():
    g, community = planted_graph(seed=1)
    kv = DeepWalk(dim=32, walk_length=20, walks_per_node=10, window=5, epochs=3, threads=1).fit(g)
    assert community_hit_rate(kv, community) > 0.9
    kv = Node2Vec(dim=32, walk_length=20, walks_per_node=10, window=5, epochs=3, p=4.0, q=0.5, threads=1).fit(g)
    assert community_hit_rate(kv, community) > 0.9


def test_one_thread_seeded_runs_are_identical_and_seeds_matter():
    g, _ = planted_graph(communities=2, size=15)
    kw = dict(dim=16, walk_length=15, walks_per_node=3, window=4, p=0.5, q=2.0, threads=1)
    a = Node2Vec(seed=4, **kw).fit(g).vectors
    b = Node2Vec(seed=4, **kw).fit(g).vectors
    c = Node2Vec(seed=5, **kw).fit(g).vectors
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_report_loss_falls_and_metadata_is_kept(tmp_path):
    g, _ = planted_graph(communities=2, size=20)
    model = Node2Vec(dim=16, walk_length=20, walks_per_node=5, window=5, epochs=2, threads=1)
    kv = model.fit(g)
    assert len(model.report.epochs) == 10  # 5 rounds x 2 passes
    assert model.report.losses[-1] < model.report.losses[0]
    assert 0 < model.walk_seconds <= model.seconds
    assert kv.metadata["model"] == "node2vec" and kv.metadata["graph"]["nodes"] == 40
    kv.save(tmp_path / "nodes")
    back = load(tmp_path / "nodes")
    assert back.keys == kv.keys and np.array_equal(back.vectors, kv.vectors)


def test_weighted_and_directed_graphs_train(tmp_path):
    path = tmp_path / "e.tsv"
    path.write_text("".join(f"n{i}\tn{(i + 1) % 30}\t{1 + i % 3}\n" for i in range(30)))
    kv = Node2Vec(dim=8, walk_length=10, walks_per_node=2, window=3, threads=1).fit(path)
    assert len(kv) == 30 and kv.metadata["graph"]["weighted"]
    from embedlab.graph import read_edgelist

    directed = read_edgelist(path, directed=True)
    kv = DeepWalk(dim=8, walk_length=10, walks_per_node=2, window=3, threads=1).fit(directed)
    assert kv.metadata["graph"]["directed"] and kv.metadata["model"] == "deepwalk"


BAD = [({"p": 0}, "p must be"), ({"q": -1.0}, "q must be"), ({"walk_length": 1}, "walk_length"), ({"dim": 0}, "dim")]


@pytest.mark.parametrize(("params", "message"), BAD)
def test_bad_settings_are_clear_errors(params, message):
    with pytest.raises(ConfigError, match=message):
        Node2Vec(**params)


def test_deepwalk_has_no_p_or_q_and_unknown_names_fail():
    with pytest.raises(TypeError, match="DeepWalk has no p or q"):
        DeepWalk(q=0.5)
    with pytest.raises(TypeError, match="DeepWalk has no p or q"):
        DeepWalk(Node2VecConfig(p=2.0))
    with pytest.raises(TypeError, match="unknown parameter"):
        Node2Vec(walk_len=10)
