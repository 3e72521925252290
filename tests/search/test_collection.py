"""Collection: add/upsert/delete/reopen round trips, filters, ANN, crash safety, bad inputs."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from embedlab.errors import ConfigError, FormatError
from embedlab.search.collection import Collection


def vecs(n, dim=8, seed=0):
    return np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)


@pytest.fixture
def col(tmp_path):
    c = Collection.create(tmp_path / "c", dim=8)
    x = vecs(100)
    c.add([f"d{i}" for i in range(100)], [f"text {i}" for i in range(100)], vectors=x,
          metadata=[{"even": i % 2 == 0, "n": i, "lang": "en" if i < 50 else "ko"} for i in range(100)])  # fmt: skip
    return c, x


def test_add_search_reopen_round_trip(col, tmp_path):
    c, x = col
    hits = c.search_vectors(x[7:8], k=3)[0]
    assert hits[0].id == "d7" and hits[0].text == "text 7" and hits[0].metadata["n"] == 7
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    c.close()
    again = Collection(tmp_path / "c")
    assert len(again) == 100 and again.dim == 8 and "d99" in again
    assert again.search_vectors(x[42:43], k=1)[0][0].id == "d42"
    _slots, matrix = again.vectors()
    np.testing.assert_allclose(matrix[0], x[0] / np.linalg.norm(x[0]), rtol=1e-6)


def test_upsert_and_delete(col):
    c, x = col
    with pytest.raises(ConfigError, match="already in the collection"):
        c.add(["d1"], vectors=x[:1])
    c.upsert(["d1"], ["new text"], vectors=x[50:51], metadata=[{"n": -1}])
    assert len(c) == 100 and c.get("d1").text == "new text"
    top = c.search_vectors(x[50:51], k=2)[0]
    assert {h.id for h in top} == {"d1", "d50"}
    assert c.delete(["d50", "d1"]) == 2 and len(c) == 98
    assert all(h.id not in ("d1", "d50") for h in c.search_vectors(x[50:51], k=5)[0])
    with pytest.raises(ConfigError, match="unknown id"):
        c.delete(["nope"])
    assert c.delete(["nope"], missing_ok=True) == 0
    # slots freed by deletes are not handed out again
    c.add(["fresh"], vectors=x[3:4])
    assert c.search_vectors(x[3:4], k=2)[0][0].id in ("d3", "fresh")


def test_filters(col):
    c, x = col
    hits = c.search_vectors(x[:1], k=100, filter={"lang": "ko"})[0]
    assert len(hits) == 50 and all(h.metadata["lang"] == "ko" for h in hits)
    hits = c.search_vectors(x[:1], k=100, filter={"n": {"$gte": 90}, "even": True})[0]
    assert sorted(h.metadata["n"] for h in hits) == [90, 92, 94, 96, 98]
    hits = c.search_vectors(x[:1], k=10, filter={"n": {"$in": [1, 2, 3]}})[0]
    assert {h.id for h in hits} == {"d1", "d2", "d3"}
    with pytest.raises(ConfigError, match="unknown filter operator"):
        c.search_vectors(x[:1], filter={"n": {"$regex": "x"}})
    with pytest.raises(ConfigError, match="filter field"):
        c.search_vectors(x[:1], filter={"n') OR 1=1 --": 1})
    # a filter that could only ever mean a mistake is refused, not answered with nothing
    for bad, why in (({"n": 2**64}, "64-bit"), ({"n": {"$gte": 10, "$lt": 5}}, "holds no value"),
                     ({"n": {"$gt": 5, "$lte": 5}}, "holds no value"), ({"n": {}}, "empty condition")):  # fmt: skip
        with pytest.raises(ConfigError, match=why):
            c.search_vectors(x[:1], filter=bad)
    assert len(c.search_vectors(x[:1], k=100, filter={"n": {"$gte": 5, "$lte": 5}})[0]) == 1  # one value is fine


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_ann_search_is_kept_current_and_saved(col, kind, tmp_path):
    c, x = col
    got = [h.id for h in c.search_vectors(x[5:6], k=1, index=kind)[0]]
    assert got == ["d5"]
    assert (tmp_path / "c" / f"index-{kind}.faiss").is_file()
    c.delete(["d5"])
    c.add(["z"], vectors=x[5:6] * 2)
    assert c.search_vectors(x[5:6], k=1, index=kind)[0][0].id == "z"
    c.close()
    again = Collection(tmp_path / "c")  # stale saved index: rebuilt
    assert again.search_vectors(x[5:6], k=1, index=kind)[0][0].id == "z"


def test_an_add_killed_midway_keeps_every_committed_document(tmp_path):
    path = tmp_path / "c"
    Collection.create(path, dim=16).close()
    script = textwrap.dedent(
        f"""
        import numpy as np
        from embedlab.search.collection import Collection
        c = Collection({str(path)!r})
        rng = np.random.default_rng(0)
        for b in range(100000):
            c.add([f"b{{b}}-{{i}}" for i in range(50)], vectors=rng.normal(size=(50, 16)), batch_size=50)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    db = path / "collection.db"
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        if n >= 1000:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    c = Collection(path)
    n = len(c)
    assert n >= 1000 and n % 50 == 0  # whole batches only
    _slots, matrix = c.vectors()
    assert matrix.shape == (n, 16) and np.isfinite(matrix).all()
    ids = c.ids()
    last = max(int(i.split("-")[0][1:]) for i in ids)
    assert all(f"b{b}-{i}" in c for b in range(last + 1) for i in (0, 49))
    c.add(["after"], vectors=np.ones((1, 16)))  # a killed add leaves it writable
    assert c.search_vectors(np.ones((1, 16)), k=1)[0][0].id == "after"


def test_bad_inputs(col, tmp_path):
    c, _x = col
    with pytest.raises(ConfigError, match=r"shape \[n, 8\]"):
        c.add(["w"], vectors=np.ones((1, 5)))
    with pytest.raises(ConfigError, match="1 ids but 2 vectors"):
        c.add(["w"], vectors=np.ones((2, 8)))
    with pytest.raises(ConfigError, match="ids is empty"):
        c.add([], vectors=np.ones((0, 8)))
    with pytest.raises(ConfigError, match="must be a JSON object"):
        c.add(["w"], vectors=np.ones((1, 8)), metadata=["not a dict"])
    with pytest.raises(ConfigError, match="unique"):
        c.add(["a", "a"], vectors=np.ones((2, 8)))
    with pytest.raises(FileNotFoundError):
        Collection(tmp_path / "missing")
    with pytest.raises(ConfigError, match="already holds a collection"):
        Collection.create(tmp_path / "c", dim=8)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "collection.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(FormatError):
        Collection(bad)
    assert len(c) == 100  # nothing half-written by the failed calls


def test_texts_are_encoded_with_the_collection_model(tmp_path, minilm):
    c = Collection.create(tmp_path / "t", encoder=minilm)
    assert c.dim == 384
    c.add(["g", "s", "c"], ["A man plays the guitar.", "The stock market crashed.", "A cat sleeps on the sofa."])
    assert c.search("someone making music", k=1)[0][0].id == "g"
    assert [h[0].id for h in c.search(["shares fell sharply", "a kitten naps"], k=1)] == ["s", "c"]


def test_a_relative_model_path_is_stored_absolute(tmp_path, monkeypatch):
    from embedlab.vectors.keyed import KeyedVectors

    work = tmp_path / "work"
    work.mkdir()
    KeyedVectors(["cat", "dog"], np.eye(2, dtype=np.float32)).save(work / "words")
    monkeypatch.chdir(work)
    col = Collection.create("docs", model="words")
    assert col.model == str((work / "words").resolve())
    monkeypatch.chdir(tmp_path)  # elsewhere: the collection still finds its encoder
    again = Collection(work / "docs")
    assert again.encoder.dim == 2


def test_a_damaged_database_is_a_format_error_at_open_or_at_query(tmp_path):
    def fresh(name):
        c = Collection.create(tmp_path / name, dim=8)
        c.add(["a", "b"], vectors=vecs(2), metadata=[{"year": 1}, {"year": 2}])
        c.close()
        return sqlite3.connect(tmp_path / name / "collection.db", isolation_level=None)

    fresh("no-docs").execute("DROP TABLE docs")
    with pytest.raises(FormatError, match="not a collection database"):
        Collection(tmp_path / "no-docs")
    fresh("bad-dim").execute("UPDATE settings SET value = 'x' WHERE key = 'dim'")
    with pytest.raises(FormatError, match="'dim' should be an integer"):
        Collection(tmp_path / "bad-dim")
    fresh("bad-meta").execute("UPDATE docs SET metadata = '{broken' WHERE id = 'a'")
    c = Collection(tmp_path / "bad-meta")
    with pytest.raises(FormatError, match="document 'a' has metadata that is not JSON"):
        c.get("a")
    with pytest.raises(FormatError, match="is damaged"):  # SQLite's own json_extract refuses it
        c.search_vectors(vecs(1), k=2, filter={"year": 1})
    fresh("bad-slot").execute("UPDATE docs SET slot = -5 WHERE id = 'a'")
    with pytest.raises(FormatError, match="vector slot"):
        Collection(tmp_path / "bad-slot").search_vectors(vecs(1), k=1)


def test_a_changed_saved_index_is_rebuilt_not_trusted(tmp_path):
    pytest.importorskip("faiss")
    c = Collection.create(tmp_path / "c", dim=8)
    x = vecs(50)
    c.add([f"d{i}" for i in range(50)], vectors=x)
    c.search_vectors(x[:1], k=1, index="hnsw")  # saves the index and its checksum
    c.close()
    saved = tmp_path / "c" / "index-hnsw.faiss"
    data = bytearray(saved.read_bytes())
    data[len(data) // 2] ^= 0xFF
    saved.write_bytes(bytes(data))
    again = Collection(tmp_path / "c")
    assert again.search_vectors(x[7:8], k=1, index="hnsw")[0][0].id == "d7"
