"""Encoding a corpus into a vector store: every input format, resumed after an interruption or a kill with
every row exactly once, a damaged shard named, clear errors for bad input; the Ray backend gives the same
vectors as the local loop on a 2-CPU machine."""

import json
import os
import random
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("pyarrow")

from embedlab.errors import ConfigError, FormatError
from embedlab.io.vector_store import VectorStore
from embedlab.store.encode_corpus import EncodeCorpusConfig, encode_corpus
from embedlab.store.inputs import iter_rows


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text("".join(f"cat dog line {i}\n" for i in range(25)) + "\n")
    with open(d / "sub" / "b.jsonl", "w") as fh:
        for i in range(30):
            fh.write(json.dumps({"id": f"j{i}", "text": f"red blue {i}", "lang": "en" if i % 2 else "ko"}) + "\n")
    (d / "c.csv").write_text("id,text,year\n" + "".join(f"c{i},green {i},{2000 + i}\n" for i in range(12)))
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": [f"p{i}" for i in range(8)], "text": [f"cat {i}" for i in range(8)]}),
                   d / "d.parquet")  # fmt: skip
    return d


def read_all(path):
    ids, vecs, metas = [], [], []
    for b in VectorStore(path, verify=True).batches():
        ids += b.ids
        vecs.append(b.vectors)
        metas += b.metadata
    return ids, np.concatenate(vecs), metas


def test_every_format_in_a_fixed_order(corpus):
    rows = list(iter_rows([corpus]))
    assert len(rows) == 25 + 12 + 8 + 30
    assert rows[0].id == "a.txt:1" and rows[25].id == "c0" and rows[25].metadata == {"year": "2000"}
    assert rows[37].id == "p0" and rows[-1].id == "j29" and rows[-1].metadata == {"lang": "en"}
    assert [r.id for r in iter_rows([corpus / "*.txt"])][:2] == ["a.txt:1", "a.txt:2"]


def test_a_store_holds_every_row_once_with_its_vector(corpus, tmp_path, planted_model):
    from embedlab.encoders import load_encoder

    store = encode_corpus([corpus], tmp_path / "s", model=str(planted_model), shard_rows=16, batch_size=8)
    assert store.complete and store.rows == 75 and len(store.shards) == 5
    ids, vecs, metas = read_all(tmp_path / "s")
    rows = list(iter_rows([corpus]))
    assert ids == [r.id for r in rows] and metas == [r.metadata for r in rows]
    enc = load_encoder(str(planted_model))
    np.testing.assert_allclose(vecs, enc.encode([r.content for r in rows]), atol=1e-6)
    again = encode_corpus([corpus], tmp_path / "s", model=str(planted_model), shard_rows=16, batch_size=8)
    assert again.rows == 75  # complete: nothing to do


def test_int8_vectors_are_close_to_the_floats(corpus, tmp_path, planted_model):
    encode_corpus([corpus], tmp_path / "f", model=str(planted_model), normalize=True)
    encode_corpus([corpus], tmp_path / "q", model=str(planted_model), normalize=True, dtype="int8")
    _, f, _ = read_all(tmp_path / "f")
    _, q, _ = read_all(tmp_path / "q")
    assert np.abs(f - q).max() < 1 / 127 and VectorStore(tmp_path / "q").dtype == "int8"


def test_an_interrupted_encode_goes_on_where_it_stopped(corpus, tmp_path, planted_model, monkeypatch):
    kw = {"model": str(planted_model), "shard_rows": 10, "batch_size": 4}
    encode_corpus([corpus], tmp_path / "clean", **kw)
    real = VectorStore.write_shard
    calls = []

    def stop_at_the_fourth(self, index, *a, **k):
        calls.append(index)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(self, index, *a, **k)

    monkeypatch.setattr(VectorStore, "write_shard", stop_at_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        encode_corpus([corpus], tmp_path / "s", **kw)
    monkeypatch.setattr(VectorStore, "write_shard", real)
    half = VectorStore(tmp_path / "s")
    assert not half.complete and sorted(half.shards) == [0, 1, 2]
    encode_corpus([corpus], tmp_path / "s", **kw)
    a, b = read_all(tmp_path / "clean"), read_all(tmp_path / "s")
    assert a[0] == b[0] and a[2] == b[2]
    np.testing.assert_array_equal(a[1], b[1])


def test_damage_and_bad_input_are_one_clear_error(corpus, tmp_path, planted_model):
    encode_corpus([corpus], tmp_path / "s", model=str(planted_model), shard_rows=20)
    shard = tmp_path / "s" / "shard-000001.parquet"
    shard.write_bytes(shard.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(FormatError, match="shard-000001.parquet does not match its checksum"):
        VectorStore(tmp_path / "s", verify=True)
    (tmp_path / "s" / "manifest.json").write_text("{")
    with pytest.raises(FormatError, match="manifest.json: not JSON"):
        VectorStore(tmp_path / "s")
    with pytest.raises(FileNotFoundError):
        VectorStore(tmp_path / "nothing")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "no id here"}\n')
    with pytest.raises(FormatError, match="no id field 'id'"):
        encode_corpus([bad], tmp_path / "b", model=str(planted_model))
    with pytest.raises(FileNotFoundError):
        encode_corpus([tmp_path / "missing.txt"], tmp_path / "m", model=str(planted_model))
    encode_corpus([corpus / "a.txt"], tmp_path / "other", model=str(planted_model))
    with pytest.raises(ConfigError, match="holds an encode with other inputs"):
        encode_corpus([corpus], tmp_path / "other", model=str(planted_model))
    with pytest.raises(ConfigError, match="backend='ray'"):
        EncodeCorpusConfig(address="10.0.0.1:6379")
    with pytest.raises(ConfigError, match="backend"):
        EncodeCorpusConfig(backend="spark")


@pytest.mark.slow
def test_killed_at_random_moments_every_row_lands_once(corpus, tmp_path, planted_model):
    """SIGKILL a real encode at random moments, run the same command again each time: the store ends with
    every row exactly once and the vectors of an encode never killed."""
    big = tmp_path / "big.txt"
    big.write_text("".join(f"cat dog red blue green {i % 97} line {i}\n" for i in range(6000)))
    code = (
        "import sys; from embedlab.store.encode_corpus import encode_corpus; "
        f"encode_corpus([{str(big)!r}], sys.argv[1], model={str(planted_model)!r}, shard_rows=50, batch_size=16)"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "clean")], check=True)
    rng = random.Random(0)
    kills, manifest = 0, tmp_path / "s" / "manifest.json"
    for round_ in range(8):
        target = 15 * (round_ + 1)  # of 120 shards: kill once the store holds this many, give or take
        proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "s")])
        while proc.poll() is None:
            try:
                if len(json.loads(manifest.read_text())["shards"]) >= target:
                    break
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.02))  # anywhere inside the next shard
        if proc.poll() is None:
            os.kill(proc.pid, 9)
            kills += 1
        proc.wait()
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "s")], check=True)
    a, b = read_all(tmp_path / "clean"), read_all(tmp_path / "s")
    assert kills >= 3 and b[0] == a[0] and len(set(b[0])) == 6000
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.slow
def test_the_ray_backend_gives_the_local_vectors_on_two_cpus(corpus, tmp_path, minilm):
    pytest.importorskip("ray")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        store = encode_corpus([corpus], tmp_path / "ray", backend="ray", shard_rows=20, batch_size=8)
        assert store.manifest["backend"] == "ray"
    finally:
        ray.shutdown()
    encode_corpus([corpus], tmp_path / "local", shard_rows=20, batch_size=8)
    a, b = read_all(tmp_path / "local"), read_all(tmp_path / "ray")
    assert a[0] == b[0] and a[2] == b[2]
    assert np.abs(a[1] - b[1]).max() <= 1e-6
    with pytest.raises(ConfigError, match="could not reach the Ray cluster"):
        encode_corpus([corpus], tmp_path / "x", backend="ray", address="127.0.0.1:1")


def test_a_collection_made_from_a_store_finds_its_documents(corpus, tmp_path, planted_model):
    from embedlab.search.collection import Collection
    from embedlab.search.from_store import add_store

    encode_corpus([corpus], tmp_path / "s", model=str(planted_model), shard_rows=16, keep_text=True)
    col = Collection.create(tmp_path / "c", model=str(planted_model))
    assert add_store(col, tmp_path / "s") == 75 and len(col) == 75
    hit = col.search("red blue", k=1)[0][0]
    assert hit.text.startswith("red blue") and hit.metadata["lang"] in ("en", "ko")
    other = Collection.create(tmp_path / "o", dim=32)  # the bundled MiniLM's name, 32-d
    with pytest.raises(ConfigError, match="queries would not meet its vectors"):
        add_store(other, tmp_path / "s")
    wide = Collection.create(tmp_path / "w", dim=8, model=str(planted_model))
    with pytest.raises(ConfigError, match="holds 32-d vectors"):
        add_store(wide, tmp_path / "s")


def test_a_vector_file_replaced_by_a_folder_is_a_clear_error(tmp_path, planted_model):
    from embedlab.search.collection import Collection

    Collection.create(tmp_path / "c", model=str(planted_model)).close()
    (tmp_path / "c" / "vectors.f32").unlink()
    (tmp_path / "c" / "vectors.f32").mkdir()
    with pytest.raises(FormatError, match="not a file"):
        Collection(tmp_path / "c")
