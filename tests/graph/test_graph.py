"""Edge lists into CSR graphs: formats, ids, direction, weights, duplicates, self-loops, bad input."""

import gzip

import numpy as np
import pytest

from embedlab.errors import ConfigError, CorpusError, FormatError, UnknownKeyError
from embedlab.graph import Graph, read_edgelist


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_undirected_edges_are_stored_both_ways_and_rows_sorted(tmp_path):
    g = read_edgelist(write(tmp_path / "e.txt", "# a comment\n3 1\n1 2\n\n2 3\n"))
    assert g.keys == ["1", "2", "3"]  # integer ids in numeric order
    assert g.n_nodes == 3 and g.n_edges == 3 and not g.directed and not g.weighted
    assert g.neighbours("1") == ["2", "3"]
    for i in range(g.n_nodes):
        row = g.indices[g.indptr[i] : g.indptr[i + 1]]
        assert np.all(np.diff(row) > 0)
    assert (g.to_scipy() != g.to_scipy().T).nnz == 0


def test_string_ids_keep_first_appearance_order_and_tabs_work(tmp_path):
    g = read_edgelist(write(tmp_path / "e.tsv", "zeta\talpha\nalpha\tbeta\n"))
    assert g.keys == ["zeta", "alpha", "beta"]
    assert g.neighbours("alpha") == ["zeta", "beta"]


def test_integer_like_ids_that_are_not_canonical_stay_strings(tmp_path):
    g = read_edgelist(write(tmp_path / "e.txt", "01 2\n2 3\n"))
    assert g.keys == ["01", "2", "3"]


def test_an_id_past_int64_makes_every_id_a_name(tmp_path):
    big = str(2**64 + 5)
    g = read_edgelist(write(tmp_path / "e.txt", f"1 2\n2 {big}\n"))
    assert g.keys == ["1", "2", big] and g.neighbours(big) == ["2"]


def test_gzip_and_weights_detected(tmp_path):
    p = tmp_path / "e.tsv.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("a b 2.5\nb c 1\n")
    g = read_edgelist(p)
    assert g.weighted
    assert g.to_scipy()[g.index("a"), g.index("b")] == pytest.approx(2.5)
    assert not read_edgelist(p, weighted=False).weighted


def test_directed_graph_keeps_direction(tmp_path):
    g = read_edgelist(write(tmp_path / "e.txt", "a b\nb c\n"), directed=True)
    assert g.neighbours("a") == ["b"] and g.neighbours("c") == [] and g.n_edges == 2


def test_duplicates_keep_the_largest_weight_or_sum(tmp_path):
    p = write(tmp_path / "e.txt", "a b 1\nb a 3\na b 2\nb c 1\n")
    g = read_edgelist(p)
    assert g.n_edges == 2 and g.to_scipy()[g.index("a"), g.index("b")] == 3
    assert read_edgelist(p, duplicates="sum").to_scipy()[0, 1] == 6
    unweighted = read_edgelist(write(tmp_path / "u.txt", "a b\nb a\na b\n"))
    assert unweighted.n_edges == 1 and unweighted.to_scipy().data.tolist() == [1, 1]


def test_self_loops_kept_or_dropped(tmp_path):
    p = write(tmp_path / "e.txt", "a a\na b\n")
    g = read_edgelist(p)
    assert g.neighbours("a") == ["a", "b"] and g.n_edges == 2
    assert read_edgelist(p, self_loops=False).neighbours("a") == ["b"]


def test_cumulative_weights_restart_on_every_row():
    g = Graph.from_edges([("a", "b", 1.0), ("a", "c", 2.0), ("b", "c", 4.0)])
    cum = g.cumulative_weights()
    for i in range(g.n_nodes):
        a, b = g.indptr[i], g.indptr[i + 1]
        assert cum[a:b] == pytest.approx(np.cumsum(g.weights[a:b]))


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("a b\nc\n", FormatError, "line 2"),
        ("a b\nc d e f\n", FormatError, "line 2"),
        ("a b 1\nc d x\n", FormatError, "line 2: weight 'x' is not a number"),
        ("a b 1\nc d -1\n", FormatError, "line 2: weight -1 must be a positive number"),
        ("# only a comment\n\n", CorpusError, "empty"),
    ],
)
def test_bad_edge_lists_are_clear_errors(tmp_path, text, error, message):
    with pytest.raises(error, match=message):
        read_edgelist(write(tmp_path / "bad.txt", text))


def test_other_bad_input(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_edgelist(tmp_path / "missing.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe a b\n")
    with pytest.raises(FormatError, match="UTF-8"):
        read_edgelist(tmp_path / "bin.txt")
    with pytest.raises(FormatError, match="no third"):
        read_edgelist(write(tmp_path / "e.txt", "a b\n"), weighted=True)
    with pytest.raises(CorpusError, match="self-loops"):
        read_edgelist(write(tmp_path / "l.txt", "a a\n"), self_loops=False)
    with pytest.raises(ConfigError, match="duplicates"):
        Graph.from_edges([("a", "b")], duplicates="first")
    with pytest.raises(UnknownKeyError, match="node 'x'"):
        Graph.from_edges([("a", "b")]).index("x")
    with pytest.raises(FormatError, match="not in the given node list"):
        Graph.from_edges([("a", "b")], nodes=["a"])
