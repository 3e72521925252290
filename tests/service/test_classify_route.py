"""/v1/classify for a supervised model, and the refusal on servers without a classifier."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from embedlab.classify import SupervisedFastText
from embedlab.service.app import create_app


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    texts = ["great film", "awful film", "great acting", "awful plot", "lovely story", "dull story"] * 30
    labels = ["pos", "neg", "pos", "neg", "pos", "neg"] * 30
    path = tmp_path_factory.mktemp("clf") / "sentiment.bin"
    SupervisedFastText(dim=8, epochs=30, lr=0.5, threads=1).fit(texts, labels).save(path)
    return TestClient(create_app(str(path), max_texts=3))


def test_classify_labels_and_scores(supervised):
    r = supervised.post("/v1/classify", json={"texts": ["great story", "awful acting"], "k": 2}).json()
    assert [x["labels"][0]["label"] for x in r["results"]] == ["pos", "neg"]
    assert len(r["results"][0]["labels"]) == 2 and r["results"][0]["labels"][0]["score"] > 0.5
    one = supervised.post("/v1/classify", json={"text": "lovely film", "threshold": 0.99}).json()
    assert one["results"][0]["out_of_scope"] is False
    h = supervised.get("/health").json()
    assert h["kind"] == "classifier" and sorted(h["labels"]) == ["neg", "pos"]
    emb = supervised.post("/v1/embeddings", json={"input": "great film"}).json()
    assert len(emb["data"][0]["embedding"]) == 8


def test_classify_bad_requests(supervised):
    def err(resp, status, text):
        assert resp.status_code == status, resp.text
        assert text in resp.json()["error"]["message"]

    err(supervised.post("/v1/classify", json={"text": "a", "texts": ["b"]}), 400, "exactly one of")
    err(supervised.post("/v1/classify", json={"text": "a", "history": ["b"]}), 400, "intent model")
    err(supervised.post("/v1/classify", json={"texts": ["a", "b", "c", "d"]}), 413, "limit")
    err(supervised.post("/v1/classify", json={"text": "a", "k": 0}), 400, "k must be")
    err(supervised.get("/v1/map"), 400, "no points")


def test_classify_refused_without_a_classifier(planted_model):
    client = TestClient(create_app(str(planted_model)))
    r = client.post("/v1/classify", json={"text": "cat"})
    assert r.status_code == 400 and "classifier" in r.json()["error"]["message"]


def test_intents_with_history_and_out_of_scope(tmp_path, planted_model):
    from embedlab.classify import IntentClassifier

    rng = np.random.default_rng(0)
    groups = {"animal": ["cat", "dog", "horse", "cow"], "colour": ["red", "green", "blue", "yellow"],
              "city": ["paris", "berlin", "rome", "madrid"]}  # fmt: skip
    texts, labels = [], []
    for name, words in groups.items():
        for _ in range(40):
            texts.append(" ".join(rng.choice(words, 2)))
            labels.append(name)
    bot = IntentClassifier(str(planted_model), decay=1.0).fit(texts, labels)
    bot.calibrate_oos(texts, target_flag_rate=0.0)  # below every training query: out of scope
    bot.save(tmp_path / "bot")
    client = TestClient(create_app(str(tmp_path / "bot")))
    r = client.post("/v1/classify", json={"texts": ["dog cow", "swim jump"]}).json()["results"]
    assert r[0]["labels"][0]["label"] == "animal" and not r[0]["out_of_scope"]
    assert r[1]["out_of_scope"] and r[1]["labels"][0]["score"] < r[0]["labels"][0]["score"]  # words of no intent
    alone = client.post("/v1/classify", json={"text": "swim"}).json()["results"][0]
    history = ["rome paris", "berlin madrid", "paris rome"]
    after = client.post("/v1/classify", json={"text": "swim", "history": history}).json()["results"][0]
    assert alone["out_of_scope"] and after["labels"][0]["label"] == "city"
    assert after["labels"][0]["score"] > alone["labels"][0]["score"] + 0.2  # the conversation made it a city query
