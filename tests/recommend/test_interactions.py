"""Event logs: reading (CSV/TSV/JSON lines), weighting, sequences and splits without leaks."""

import gzip
import json

import numpy as np
import pytest

from embedlab.errors import ConfigError, CorpusError, FormatError, UnknownKeyError
from embedlab.recommend import Interactions, read_events


def test_records_matrix_weightings():
    log = Interactions.from_records([("a", "x", 2), ("a", "x", 1), ("a", "y", 1), ("b", "y", 4)])
    assert log.users == ["a", "b"] and log.items == ["x", "y"] and log.n_events == 4
    assert log.matrix().toarray().tolist() == [[3, 1], [0, 4]]
    assert log.matrix("binary").toarray().tolist() == [[1, 1], [0, 1]]
    assert log.matrix("log").toarray() == pytest.approx(np.log1p([[3, 1], [0, 4]]))
    assert log.matrix("confidence", alpha=2).toarray().tolist() == [[7, 3], [0, 9]]
    with pytest.raises(ConfigError, match="weighting"):
        log.matrix("tfidf")


def test_read_tsv_csv_jsonl_and_gz(tmp_path):
    (tmp_path / "e.tsv").write_text(
        'user\titem\tqty\twhen\nu1\tA "big" one\t2\t2011-01-01 10:00\nu2\tB\t1\t2011-01-02 09:00\n'
    )
    log = read_events(tmp_path / "e.tsv", user="user", item="item", weight="qty", time="when")
    assert log.items == ['A "big" one', "B"] and log.weights.tolist() == [2, 1]
    assert log.times.tolist() == [np.datetime64("2011-01-01T10:00", "s").astype(int), 1293958800]
    (tmp_path / "e.csv").write_text("s;u;i;t\n1;x;p;1700000000000\n1;x;q;1700000001000\n")
    log = read_events(tmp_path / "e.csv", user="u", item="i", time="t", session="s")
    assert log.times.tolist() == [1700000000, 1700000001]  # milliseconds read as such
    with gzip.open(tmp_path / "e.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"u": "a", "i": 1}) + "\n" + json.dumps({"u": "b", "i": 2}) + "\n")
    assert read_events(tmp_path / "e.jsonl.gz", user="u", item="i").items == ["1", "2"]


def test_bad_logs_are_clear_errors(tmp_path):
    (tmp_path / "e.tsv").write_text("user\titem\tqty\nu1\tA\tmany\n")
    with pytest.raises(FormatError, match="no column 'who'; the columns are 'user', 'item', 'qty'"):
        read_events(tmp_path / "e.tsv", user="who", item="item")
    with pytest.raises(FormatError, match="weight 'many', not a number"):
        read_events(tmp_path / "e.tsv", user="user", item="item", weight="qty")
    (tmp_path / "empty.tsv").write_text("user\titem\n")
    with pytest.raises(CorpusError, match="no events"):
        read_events(tmp_path / "empty.tsv", user="user", item="item")
    (tmp_path / "t.tsv").write_text("user\titem\tt\nu\ti\tyesterday\n")
    with pytest.raises(FormatError, match="neither a number nor a date"):
        read_events(tmp_path / "t.tsv", user="user", item="item", time="t")
    with pytest.raises(FileNotFoundError):
        read_events(tmp_path / "missing.tsv", user="user", item="item")
    with pytest.raises(CorpusError, match="empty"):
        Interactions.from_records([])
    with pytest.raises(UnknownKeyError, match="user 'zed'"):
        Interactions.from_records([("a", "x")]).user_index("zed")


def _timed_log():
    # user u has events at t = 1..5 (items i1..i5), user v at t = 3, 6
    recs = [("u", f"i{t}", 1, t) for t in (5, 1, 3, 2, 4)] + [("v", "i3", 1, 3), ("v", "i9", 1, 6)]
    return Interactions.from_records(recs)


def test_split_by_time_never_leaks_the_future():
    log = _timed_log()
    train, test = log.split_by_time(4)
    assert train.times.max() < 4 <= test.times.min()
    assert train.n_events + test.n_events == log.n_events and train.items == log.items
    with pytest.raises(ConfigError, match="empty"):
        log.split_by_time(100)


def test_leave_last_out_holds_out_each_users_latest():
    train, test = _timed_log().leave_last_out()
    held = {(test.users[u], test.items[i]) for u, i in zip(test.user_ids, test.item_ids, strict=True)}
    assert held == {("u", "i5"), ("v", "i9")}
    for u in range(train.n_users):  # nothing held out is older than what training keeps
        assert train.times[train.user_ids == u].max() < test.times[test.user_ids == u].min()


def test_sequences_in_time_order_and_random_split():
    log = _timed_log()
    seqs = log.sequences("user")
    assert [list(s) for s in seqs.iter_sentences()] == [["i1", "i2", "i3", "i4", "i5"], ["i3", "i9"]]
    with pytest.raises(ConfigError, match="no session column"):
        log.sequences("session")
    train, test = log.random_split(0.5, seed=3)
    assert train.n_events + test.n_events == log.n_events


def test_event_types_weigh_and_filter(tmp_path):
    (tmp_path / "e.jsonl").write_text(
        "".join(
            json.dumps({"session": 1, "aid": a, "type": t}) + "\n"
            for a, t in [(10, "clicks"), (10, "carts"), (11, "orders"), (12, "x")]
        )
    )
    log = read_events(
        tmp_path / "e.jsonl",
        user="session",
        item="aid",
        event="type",
        event_weights={"clicks": 1, "carts": 3, "orders": 6},
    )
    assert log.n_events == 3 and log.matrix().toarray().tolist() == [[4, 6]]
    with pytest.raises(ConfigError, match="event=COLUMN"):
        read_events(tmp_path / "e.jsonl", user="session", item="aid", event_weights={"clicks": 1})


def test_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"u": ["a", "b", "a"], "i": ["x", "x", "y"], "w": [1.0, 2.0, 3.0]}), tmp_path / "e.parquet")
    log = read_events(tmp_path / "e.parquet", user="u", item="i", weight="w")
    assert log.matrix().toarray().tolist() == [[1, 3], [2, 0]]
