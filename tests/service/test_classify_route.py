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
    # k and threshold mean nothing to an intent model: refused, not silently ignored
    for body in ({"text": "dog", "k": 3}, {"text": "dog", "threshold": 0.5}):
        bad = client.post("/v1/classify", json=body)
        assert bad.status_code in (400, 422) and "intent model" in bad.json()["error"]["message"]


def test_error_bodies_keep_their_shape_and_text_must_be_unicode(supervised):
    r = supervised.get("/v1/classify")  # a route that exists, with the wrong method
    assert r.status_code == 405 and r.json()["error"]["type"] == "method_not_allowed"
    bad = supervised.post(
        "/v1/classify", content=b'{"text": "ok \\ud800"}', headers={"content-type": "application/json"}
    )
    assert bad.status_code == 422 and "unpaired surrogate" in bad.json()["error"]["message"]
    bad = supervised.post(
        "/v1/embeddings", content=b'{"input": ["\\udc00"]}', headers={"content-type": "application/json"}
    )
    assert bad.status_code == 422 and "input[0]" in bad.json()["error"]["message"]


def test_a_body_that_never_arrives_times_out():
    import asyncio

    from embedlab.service.limits import BodyLimit

    sent = []

    async def never():
        await asyncio.sleep(10)

    async def send(message):
        sent.append(message)

    async def app(scope, receive, send):  # pragma: no cover - must not be reached
        raise AssertionError("the app ran")

    asyncio.run(BodyLimit(app, 1000, timeout=0.05)({"type": "http", "headers": []}, never, send))
    assert sent[0]["status"] == 408 and b"did not arrive" in sent[1]["body"]
