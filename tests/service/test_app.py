"""Every route of the REST service: happy paths, bad inputs, limits and the API key."""

import base64

import numpy as np
import pytest
from fastapi.testclient import TestClient

from embedlab.io import load
from embedlab.service.app import create_app


@pytest.fixture(scope="module")
def words(planted_model):
    return TestClient(create_app(str(planted_model), max_texts=4, max_text_chars=200, max_body_bytes=4096))


@pytest.fixture(scope="module")
def docs(tmp_path_factory, minilm):
    from embedlab.search.collection import Collection
    from embedlab.service.served import Served

    path = tmp_path_factory.mktemp("svc") / "col"
    col = Collection.create(path, encoder=minilm)
    col.add(
        ["g", "v", "s", "b"],
        ["A man plays the guitar.", "She plays the violin in an orchestra.", "Stocks fell after the report.",
         "The central bank raised interest rates."],
        metadata=[{"topic": "music"}, {"topic": "music"}, {"topic": "finance"}, {"topic": "finance"}],
    )  # fmt: skip
    served = Served("collection", "col", 384, collection=col, encoder=minilm, color_by="topic")
    return TestClient(create_app(served))


def err(resp, status, text):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert text in body["error"]["message"], body
    assert "Traceback" not in resp.text


def test_health(words, docs):
    h = words.get("/health").json()
    assert h["status"] == "ok" and h["kind"] == "words" and h["words"] > 50
    assert docs.get("/health").json()["documents"] == 4


def test_embeddings_openai_shape(words, planted_model):
    r = words.post("/v1/embeddings", json={"input": ["cat dog", "red"], "model": "m", "user": "x"}).json()
    assert r["object"] == "list" and r["model"] == "m" and len(r["data"]) == 2
    assert r["data"][1]["object"] == "embedding" and r["data"][1]["index"] == 1
    kv = load(planted_model)
    np.testing.assert_allclose(r["data"][1]["embedding"], kv.get_vector("red", norm=True), atol=1e-5)
    assert r["usage"] == {"prompt_tokens": 3, "total_tokens": 3, "truncated_texts": 0, "truncated_tokens": 0}
    b = words.post("/v1/embeddings", json={"input": "red", "encoding_format": "base64"}).json()
    vec = np.frombuffer(base64.b64decode(b["data"][0]["embedding"]), dtype="<f4")
    np.testing.assert_allclose(vec, r["data"][1]["embedding"], atol=1e-6)


def test_embeddings_say_what_they_cut(docs):
    """300 one-token words and [CLS]/[SEP]: 302 MiniLM tokens, 46 past the 256 it reads."""
    long_text = " ".join(["word"] * 300)
    r = docs.post("/v1/embeddings", json={"input": [long_text, "a word"]}).json()
    assert r["usage"] == {"prompt_tokens": 306, "total_tokens": 306, "truncated_texts": 1, "truncated_tokens": 46}
    w = docs.post("/v1/embeddings", json={"input": [long_text], "on_long": "window"}).json()
    assert w["usage"]["truncated_texts"] == 0
    assert np.dot(w["data"][0]["embedding"], r["data"][0]["embedding"]) > 0.9  # the same words, pooled
    err(docs.post("/v1/embeddings", json={"input": [long_text], "on_long": "error"}), 400,
        "longer than the model's 256 tokens")  # fmt: skip


def test_embeddings_bad_inputs(words):
    err(words.post("/v1/embeddings", json={"input": ["a"] * 5}), 413, "limit is 4")
    err(words.post("/v1/embeddings", json={"input": "x" * 300}), 413, "characters")
    err(words.post("/v1/embeddings", json={"input": []}), 400, "input is empty")
    err(words.post("/v1/embeddings", json={"input": 5}), 422, "input")
    err(words.post("/v1/embeddings", json={"input": [101, 2023]}), 400, "token-id input is not supported")
    err(words.post("/v1/embeddings", json={"input": [[101, 2023]]}), 400, "token-id input is not supported")
    err(words.post("/v1/embeddings", json={"input": ["cat", "zzqx"]}), 400, "input 1 ('zzqx') has no word")
    err(words.post("/v1/embeddings", json={"input": ""}), 400, "no word the model knows")
    err(words.post("/v1/embeddings", content=b"{not json", headers={"content-type": "application/json"}), 422, "JSON")
    err(words.post("/v1/embeddings", content=b"x" * 5000, headers={"content-type": "application/json"}), 413, "limit")

    def chunks():  # no Content-Length: the body arrives in pieces
        for _ in range(10):
            yield b" " * 1000

    err(words.post("/v1/embeddings", content=chunks(), headers={"content-type": "application/json"}), 413, "limit")
    small = iter([b'{"input": ', b'"cat dog"}'])
    assert words.post("/v1/embeddings", content=small, headers={"content-type": "application/json"}).status_code == 200


def test_similar_and_analogy(words):
    r = words.post("/v1/similar", json={"word": "cat", "k": 3}).json()
    assert r["query"] == "cat" and len(r["results"]) == 3
    assert r["results"][0]["score"] >= r["results"][1]["score"]
    err(words.post("/v1/similar", json={"word": "zebra"}), 404, "'zebra' is not in the vocabulary")
    err(words.post("/v1/similar", json={"word": "cat", "k": 0}), 422, "k")
    err(words.post("/v1/similar", json={"word": "cat", "k": "many"}), 422, "k")
    err(words.post("/v1/similar", json={"word": "cat", "text": "x"}), 400, "exactly one")
    err(words.post("/v1/similar", json={"vector": [1.0, 2.0]}), 400, "32 numbers")
    err(words.post("/v1/similar", json={"wrd": "cat"}), 422, "wrd")
    a = words.post("/v1/analogy", json={"a": "cat", "b": "dog", "c": "red", "k": 2}).json()
    assert len(a["results"]) == 2 and a["query"] == "cat : dog :: red : ?"
    err(words.post("/v1/analogy", json={"a": "cat", "b": "dog", "c": "qqq"}), 404, "qqq")
    err(words.post("/v1/search", json={"query": "x"}), 400, "needs a server started with a collection")


def test_collection_routes(docs):
    r = docs.post("/v1/search", json={"query": "a concert with strings", "k": 2}).json()
    assert {h["id"] for h in r["results"][0]["hits"]} == {"g", "v"}
    r = docs.post("/v1/search", json={"queries": ["money policy"], "k": 4, "filter": {"topic": "finance"}}).json()
    hits = r["results"][0]["hits"]
    assert hits[0]["id"] == "b" and len(hits) == 2
    err(docs.post("/v1/search", json={"query": "x", "filter": {"topic": {"$bad": 1}}}), 400, "unknown filter operator")
    err(docs.post("/v1/search", json={"query": "x", "index": "annoy"}), 422, "index")
    r = docs.post("/v1/similar", json={"id": "s", "k": 1}).json()
    assert r["results"][0]["item"] == "b" and r["results"][0]["metadata"] == {"topic": "finance"}
    assert docs.post("/v1/similar", json={"text": "guitar music", "k": 1}).json()["results"][0]["item"] == "g"
    err(docs.post("/v1/similar", json={"id": "nope"}), 404, "unknown id")
    err(docs.post("/v1/analogy", json={"a": "a", "b": "b", "c": "c"}), 400, "word vectors")


def test_long_document_collections_answer_with_passages(tmp_path, minilm):
    from embedlab.search.long_collection import LongCollection
    from embedlab.service.served import Served

    filler = "The committee met in the spring to discuss the harbour and the mills of the town. " * 20
    col = LongCollection.create(tmp_path / "long", encoder=minilm, chunk_tokens=48)
    col.add(["n", "f"], [filler + "Professor Alvarez keeps her violin in a locked blue cabinet. " + filler, filler])
    client = TestClient(create_app(Served("collection", "long", 384, collection=col, encoder=minilm)))
    r = client.post("/v1/search", json={"query": "Where does Alvarez store the violin?", "k": 1}).json()
    hit = r["results"][0]["hits"][0]
    assert hit["id"] == "n" and "locked blue cabinet" in hit["passage"] and len(hit["span"]) == 2
    plain = client.post("/v1/search", json={"query": "violin", "mode": "lexical", "k": 1}).json()
    assert plain["results"][0]["hits"][0]["id"] == "n"


def test_map_routes(words, docs):
    info = words.get("/v1/map").json()
    assert info["kind"] == "words" and info["categories"][0] == "top 1k"
    n = info["total"]
    xy = np.frombuffer(words.get("/v1/points").content, dtype="<f4").reshape(-1, 2)
    labels = words.get("/v1/labels").text.split("\n")
    assert xy.shape == (n, 2) and len(labels) == n
    assert len(words.get("/v1/colors?offset=2&limit=3").content) == 6
    p = words.post("/v1/project", json={"words": ["cat", labels[5]]}).json()["points"]
    assert p[1]["index"] == 5 and p[1]["x"] == pytest.approx(float(xy[5, 0]))
    err(words.post("/v1/project", json={"words": ["zebra"]}), 404, "zebra")
    dinfo = docs.get("/v1/map").json()
    assert dinfo["color_by"] == "topic" and dinfo["categories"] == ["finance", "music"]
    p = docs.post("/v1/project", json={"texts": ["violin music"]}).json()["points"]
    assert np.isfinite([p[0]["x"], p[0]["y"]]).all()
    assert words.get("/v1/titles").text.split("\n") == labels  # a word is its own title
    ids, titles = docs.get("/v1/labels").text.split("\n"), docs.get("/v1/titles").text.split("\n")
    assert dict(zip(ids, titles, strict=True))["v"] == "She plays the violin in an orchestra."  # the text's start


def test_explorer_page_and_docs(words):
    page = words.get("/")
    assert page.status_code == 200 and "explorer.js" in page.text and "cdn" not in page.text.lower()
    js = words.get("/explorer.js")
    assert js.status_code == 200 and "webgl" in js.text
    assert "/v1/embeddings" in words.get("/openapi.json").json()["paths"]
    err(words.get("/nowhere"), 404, "no such route")


def test_api_key(planted_model):
    client = TestClient(create_app(str(planted_model), api_key="s3cret"))
    assert client.get("/health").status_code == 200  # liveness checks need no key
    err(client.post("/v1/similar", json={"word": "cat"}), 401, "API key")
    err(client.post("/v1/similar", json={"word": "cat"}, headers={"X-API-Key": "wrong"}), 401, "API key")
    assert client.post("/v1/similar", json={"word": "cat"}, headers={"X-API-Key": "s3cret"}).status_code == 200
    ok = client.post("/v1/embeddings", json={"input": "cat"}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    err(client.get("/v1/points"), 401, "API key")


def test_internal_errors_hide_details(planted_model, monkeypatch):
    app = create_app(str(planted_model))
    served = app.state.served

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(served.kv, "most_similar", boom)
    r = TestClient(app, raise_server_exceptions=False).post("/v1/similar", json={"word": "cat"})
    assert r.status_code == 500 and "secret" not in r.text and r.json()["error"]["type"] == "server_error"


def test_status_comes_from_the_exception_class_not_its_message():
    from embedlab.errors import ConfigError, FormatError, UnknownIdError, UnknownKeyError
    from embedlab.service.errors import TooLargeError, status_of

    assert status_of(UnknownKeyError("x")) == (404, "not_found")
    assert status_of(UnknownIdError("nothing about ids here")) == (404, "not_found")
    assert status_of(ConfigError("unknown id 'x'")) == (400, "invalid_request")  # the text decides nothing
    assert status_of(TooLargeError("big")) == (413, "too_large")
    assert status_of(FormatError("bad")) == (400, "invalid_request")
    assert status_of(RuntimeError("boom")) == (500, "server_error")


def test_node_vectors_coloured_by_label(tmp_path):
    from embedlab.errors import ConfigError
    from embedlab.graph import Graph, Node2Vec

    edges = [(f"a{i}", f"a{(i + 1) % 6}") for i in range(6)] + [(f"b{i}", f"b{(i + 1) % 6}") for i in range(6)]
    kv = Node2Vec(dim=8, walk_length=10, walks_per_node=2, window=3, threads=1).fit(Graph.from_edges(edges))
    kv.save(tmp_path / "nodes")
    (tmp_path / "labels.tsv").write_text("".join(f"{k}\tgroup-{k[0]}\n" for k in kv.keys if k != "b5"))
    client = TestClient(create_app(str(tmp_path / "nodes"), labels=tmp_path / "labels.tsv"))
    info = client.get("/v1/map").json()
    assert info["color_by"] == "label" and info["categories"] == ["(no label)", "group-a", "group-b"]
    labels = client.get("/v1/labels").text.split("\n")
    colours = np.frombuffer(client.get("/v1/colors").content, dtype="<u2")
    by_key = dict(zip(labels, colours.tolist(), strict=True))
    assert by_key["a0"] == 1 and by_key["b0"] == 2 and by_key["b5"] == 0
    with pytest.raises(ConfigError, match="labels colour"):
        create_app("minilm", labels=tmp_path / "labels.tsv")


def test_many_categories_keep_the_most_common():
    from embedlab.service.served import _categorise

    values = [f"c{i}" for i in range(70)] + ["c5"] * 3
    names, cats = _categorise(values, most=4)
    assert names == ["c0", "c1", "c5", "other"]  # c5 most common, then the first in sorted order
    assert names[cats[5]] == "c5" and names[cats[-4]] == "other"


def test_recommend_routes(tmp_path):
    from embedlab.recommend import ALS, Interactions, ItemKNN
    from embedlab.recommend.store import save_recommender

    recs = [(f"g{g}u{u}", f"g{g}i{(u + j) % 6}") for g in range(3) for u in range(12) for j in range(3)]
    log = Interactions.from_records(recs)
    save_recommender(ALS(factors=8, iterations=8, threads=1).fit(log), tmp_path / "als")
    client = TestClient(create_app(str(tmp_path / "als")))
    r = client.post("/v1/recommend", json={"user": "g1u0", "k": 2, "reasons": True}).json()
    assert r["query"] == "user g1u0" and len(r["results"]) == 2
    mine = {x for u, x in recs if u == "g1u0"}
    assert all(x["item"] not in mine and set(x["because"]) <= mine for x in r["results"])
    assert client.post("/v1/recommend", json={"items": ["g2i0", "g2i1"], "k": 2}).json()["results"]
    assert client.post("/v1/recommend", json={"item": "g0i0", "k": 3}).json()["results"][0]["item"] != "g0i0"
    assert client.post("/v1/similar", json={"word": "g0i0", "k": 2}).status_code == 200  # item vectors
    err(client.post("/v1/recommend", json={"user": "nobody"}), 404, "nobody")
    err(client.post("/v1/recommend", json={"user": "g1u0", "item": "g0i0"}), 400, "exactly one")
    (tmp_path / "categories.tsv").write_text("".join(f"g{g}i{i}\tgroup{g}\n" for g in range(3) for i in range(6)))
    coloured = TestClient(create_app(str(tmp_path / "als"), labels=tmp_path / "categories.tsv"))
    info = coloured.get("/v1/map").json()  # item vectors on the explorer's map, coloured by category
    assert info["color_by"] == "label" and info["categories"] == ["group0", "group1", "group2"]
    save_recommender(ItemKNN().fit(log), tmp_path / "knn")
    knn = TestClient(create_app(str(tmp_path / "knn")))
    assert knn.get("/health").json()["kind"] == "recommender"
    assert knn.post("/v1/recommend", json={"user": "g0u1", "k": 1}).json()["results"]
    err(knn.get("/v1/map"), 400, "no item vectors")
    err(knn.post("/v1/similar", json={"word": "g0i0"}), 400, "collection")


def test_item_vectors_serve_sessions_but_not_users(planted_model):
    client = TestClient(create_app(str(planted_model)))
    assert client.post("/v1/recommend", json={"items": ["cat"], "k": 3}).json()["results"]
    err(client.post("/v1/recommend", json={"user": "ann"}), 400, "know no users")
