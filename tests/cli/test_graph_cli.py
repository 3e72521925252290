"""``embedlab graph train``, ``evaluate-nodes`` and ``evaluate-links`` through real subprocesses."""

import json

import pytest
from test_cli_end_to_end import assert_one_line_error, run


@pytest.fixture(scope="module")
def graph_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("graph")
    edges, labels = [], []
    for c in range(3):
        nodes = [f"c{c}n{i}" for i in range(12)]
        edges += [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 : i + 4]]
        labels += [(n, f"group{c}") for n in nodes]
    edges += [("c0n0", "c1n0"), ("c1n5", "c2n5")]
    (d / "edges.tsv").write_text("".join(f"{a}\t{b}\n" for a, b in edges))
    (d / "labels.tsv").write_text("".join(f"{a}\t{b}\n" for a, b in labels))
    return d


@pytest.mark.slow
def test_train_evaluate_and_link_prediction(graph_files):
    d = graph_files
    out = json.loads(run("graph", "train", d / "edges.tsv", "-o", d / "nodes", "--dim", 16, "--walk-length", 20,
                         "--p", 0.5, "--q", 2, "--epochs", 3, "--threads", 1, "--json").stdout)  # fmt: skip
    assert out["nodes"] == 36 and out["p"] == 0.5 and out["q"] == 2.0 and not out["weighted"]
    assert len(out["loss_per_round"]) == 30 and out["walk_seconds"] <= out["seconds"]
    res = json.loads(run("graph", "evaluate-nodes", d / "nodes", d / "labels.tsv", "--train-ratio", 0.5, "--repeats", 3,
                         "--json").stdout)  # fmt: skip
    assert res["labels"] == 3 and res["macro_f1"] > 0.8 and len(res["rows"]) == 1
    table = run("graph", "evaluate-nodes", d / "nodes", d / "labels.tsv", "--train-ratio", 0.3, "--repeats", 2).stdout
    assert "node classification" in table and "30%" in table
    links = json.loads(
        run(
            "graph",
            "evaluate-links",
            d / "edges.tsv",
            "--test-fraction",
            0.2,
            "--dim",
            16,
            "--epochs",
            3,
            "--threads",
            1,
            "--json",
        ).stdout
    )
    assert set(links["baselines"]) == {"common_neighbours", "jaccard", "adamic_adar"} and links["auc"] > 0.5


@pytest.mark.slow
def test_graph_cli_mistakes_are_one_line_errors(graph_files, tmp_path):
    d = graph_files
    (tmp_path / "bad.tsv").write_text("a\tb\nc\n")
    assert_one_line_error(run("graph", "train", tmp_path / "bad.tsv", "-o", tmp_path / "m", check_rc=None),
                          "line 2")  # fmt: skip
    assert_one_line_error(run("graph", "train", d / "edges.tsv", "-o", tmp_path / "m", "--q", 0, check_rc=None),
                          "q must be")  # fmt: skip
    assert not (tmp_path / "m").exists()
    (tmp_path / "empty.tsv").write_text("")
    assert_one_line_error(run("graph", "train", tmp_path / "empty.tsv", check_rc=None), "empty")
    (tmp_path / "ghost.tsv").write_text("c0n0\tgroup0\nghost\tgroup1\n")
    run("graph", "train", d / "edges.tsv", "-o", tmp_path / "nodes", "--dim", 8, "--walks-per-node", 2, "-q")
    assert_one_line_error(run("graph", "evaluate-nodes", tmp_path / "nodes", tmp_path / "ghost.tsv", check_rc=None),
                          "labelled node 'ghost'")  # fmt: skip
