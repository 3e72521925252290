"""``embedlab explain``, ``weat`` and ``probe`` from the command line, and ``/v1/explain``."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from embedlab.cli.main import app
from embedlab.explain import weat_lists
from embedlab.vectors.keyed import KeyedVectors

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_explain_words_and_texts(planted_model, tmp_path):
    r = run("explain", "similarity", planted_model, "cat", "dog", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["mode"] == "dimensions" and abs(d["residual"]) < 1e-5 and len(d["top_dimensions"]) == 10
    r = run("explain", "similarity", planted_model, "cat dog red", "horse blue", "--plot", tmp_path / "why.png")
    assert r.exit_code == 0, r.output
    assert "pooled" in r.output and "pairs that matter most" in r.output
    assert (tmp_path / "why.png").stat().st_size > 5_000


def test_explain_errors_are_one_line(planted_model):
    for args, msg in (
        (("cat", "zebra"), "not in the vocabulary"),
        (("cat", " "), "empty"),
        (("cat", "dog", "--mode", "integrated"), "contextual"),
    ):
        r = run("explain", "similarity", planted_model, *args)
        assert r.exit_code != 0 and msg in r.output and "Traceback" not in r.output


def test_weat_and_probe(tmp_path):
    lists = weat_lists("weat7")
    words = sorted({w.lower() for k in "XYAB" for w in lists[k]["words"]})
    rng = np.random.default_rng(0)
    kv = KeyedVectors(words, rng.normal(size=(len(words), 16)).astype(np.float32), counts=np.arange(len(words), 0, -1))
    kv.save(tmp_path / "m")
    r = run("explain", "weat", tmp_path / "m", "--json", "--permutations", "500")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [x["test"] for x in d["results"]] == ["weat7"] and len(d["skipped"]) == 9
    r = run("explain", "weat", tmp_path / "m", "--test", "weat1")
    assert r.exit_code != 0 and "no WEAT test could run" in r.output
    r = run("explain", "probe", tmp_path / "m", "--top", "30", "--folds", "3", "--json")
    assert r.exit_code == 0, r.output
    assert set(json.loads(r.output)) >= {"accuracy", "control", "selectivity"}
    r = run("explain", "probe", tmp_path / "m", "--attribute", "labels")
    assert r.exit_code != 0 and "--labels FILE" in r.output


@pytest.fixture(scope="module")
def client(planted_model):
    from fastapi.testclient import TestClient

    from embedlab.service.app import create_app

    return TestClient(create_app(str(planted_model)))


def test_explain_route(client):
    r = client.post("/v1/explain", json={"a": "cat", "b": "dog"})
    assert r.status_code == 200 and r.json()["mode"] == "dimensions"
    r = client.post("/v1/explain", json={"a": "cat dog", "b": "horse red", "mode": "pooled"})
    d = r.json()
    assert r.status_code == 200 and np.array(d["pairs"]).shape == (2, 2)
    assert abs(sum(map(sum, d["pairs"])) - d["score"]) < 1e-5
    assert client.post("/v1/explain", json={"a": "cat", "b": "zebra"}).status_code == 404
    assert client.post("/v1/explain", json={"a": "cat", "b": "dog", "mode": "occlusion"}).status_code == 400
    assert client.post("/v1/explain", json={"a": "cat", "b": "dog", "steps": 0}).status_code == 422


def test_explain_route_for_a_collection_takes_ids(tmp_path, minilm):
    from fastapi.testclient import TestClient

    from embedlab.search.collection import Collection
    from embedlab.service.app import create_app
    from embedlab.service.served import Served

    col = Collection.create(tmp_path / "c", encoder=minilm)
    col.add(["music", "money"], ["A man is playing a guitar.", "The stock market fell today."])
    served = Served("collection", "c", col.dim, collection=col, encoder=minilm)
    client = TestClient(create_app(served))
    r = client.post("/v1/explain", json={"a": "music", "b": "Someone plays an instrument.", "mode": "occlusion"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"] == "A man is playing a guitar." and d["mode"] == "occlusion" and d["pairs"] is None
