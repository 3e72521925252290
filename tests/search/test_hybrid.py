"""Lexical (BM25) and hybrid search in collections: the saved index follows the documents."""

import json

import numpy as np
import pytest

pytest.importorskip("bm25s")

from embedlab.errors import ConfigError
from embedlab.search.collection import Collection

TOPICS = {"cat": 0, "kitten": 0, "dog": 1, "puppy": 1, "rain": 2, "umbrella": 2}


class TopicEncoder:
    """Dense vectors that know synonyms (kitten ~ cat) but nothing of rare names (zyx-9)."""

    dim = 4

    def encode(self, texts, batch_size=32, normalize=True, show_progress=False):
        out = np.full((len(texts), self.dim), 1e-3, dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                if w in TOPICS:
                    out[i, TOPICS[w]] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


DOCS = {
    "d1": "a cat sleeps",
    "d2": "the puppy plays",
    "d3": "model zyx-9 manual",
    "d4": "take an umbrella for the rain",
    "d5": "a kitten and a dog",
}


@pytest.fixture
def col(tmp_path):
    c = Collection.create(tmp_path / "c", encoder=TopicEncoder(), dim=4)
    c.add(list(DOCS), list(DOCS.values()), metadata=[{"n": i} for i in range(len(DOCS))])
    return c


def ids(hits):
    return [h.id for h in hits]


def test_dense_lexical_and_hybrid(col):
    assert set(ids(col.search("kitten", 2)[0])) == {"d1", "d5"}  # meaning: kitten ~ cat
    assert ids(col.search("puppy zyx-9 manual", 1)[0]) == ["d2"]  # meaning alone misses the part number
    lex = col.search("puppy zyx-9 manual", 3, mode="lexical")[0]
    assert ids(lex) == ["d3", "d2"] and lex[0].score > lex[1].score > 0 and lex[0].text == DOCS["d3"]
    assert ids(col.search("kitten", 3, mode="lexical")[0]) == ["d5"]  # BM25 knows no synonyms; only term matches
    hyb = col.search(["puppy zyx-9 manual", "cat"], 2, mode="hybrid")
    assert set(ids(hyb[0])) == {"d2", "d3"}  # one found by meaning and words, one by words
    assert set(ids(hyb[1])) == {"d1", "d5"}
    lin = col.search("puppy zyx-9 manual", 2, mode="hybrid", fusion="linear")[0]
    assert set(ids(lin)) == {"d2", "d3"} and all(0.0 <= h.score <= 2.0 for h in lin) and lin[0].score > 1.0
    assert ids(col.search("kitten", 3, mode="lexical", filter={"n": {"$gte": 2}})[0]) == ["d5"]
    assert ids(col.search("a", 5, mode="lexical", filter={"n": 0})[0]) == ["d1"]
    with pytest.raises(ConfigError, match="mode"):
        col.search("cat", mode="sparse")
    with pytest.raises(ConfigError, match="fusion"):
        col.search("cat", mode="hybrid", fusion="max")


@pytest.mark.parametrize("fusion", ["rrf", "linear"])
def test_the_lexical_weight_moves_hybrid_from_meaning_to_words(col, fusion):
    q = "puppy zyx-9 manual"
    dense, lexical = ids(col.search(q, 2)[0]), ids(col.search(q, 2, mode="lexical")[0])
    assert dense[0] == "d2" and lexical[0] == "d3"
    assert ids(col.search(q, 1, mode="hybrid", fusion=fusion, lexical_weight=0.0)[0]) == ["d2"]
    assert ids(col.search(q, 1, mode="hybrid", fusion=fusion, lexical_weight=5.0)[0]) == ["d3"]
    for bad in (-1.0, float("nan"), "2"):
        with pytest.raises(ConfigError, match="lexical_weight"):
            col.search(q, mode="hybrid", lexical_weight=bad)
    with pytest.raises(ConfigError, match="chunk_score"):
        col.search(q, chunk_score="mean")


def test_saved_lexical_index_follows_changes(col, tmp_path):
    col.search("cat", mode="lexical")
    stamp = json.loads((tmp_path / "c" / "index-bm25.json").read_text())
    assert stamp["generation"] == col.generation and stamp["n"] == 5
    col.add(["d6"], ["zyx-9 spare parts"])
    assert set(ids(col.search("zyx-9", 5, mode="lexical")[0])) == {"d3", "d6"}
    col.delete("d3")
    assert ids(col.search("zyx-9", 5, mode="lexical")[0]) == ["d6"]
    again = Collection(tmp_path / "c", encoder=TopicEncoder())  # loads the saved index: no rebuild
    assert again.lexical() is not None and ids(again.search("zyx-9", 5, mode="lexical")[0]) == ["d6"]
    for f in (tmp_path / "c" / "index-bm25").iterdir():
        f.write_bytes(b"damaged")
    fresh = Collection(tmp_path / "c", encoder=TopicEncoder())
    assert ids(fresh.search("zyx-9", 5, mode="lexical")[0]) == ["d6"]  # damaged cache: rebuilt


def test_korean_collection_uses_morphemes(tmp_path):
    pytest.importorskip("kiwipiepy")
    c = Collection.create(tmp_path / "ko", encoder=TopicEncoder(), dim=4, language="ko")
    c.add(["a", "b"], ["고양이가 생선을 먹었다", "강아지가 공원에서 뛰었다"])
    assert Collection(tmp_path / "ko", encoder=TopicEncoder()).language == "ko"
    assert ids(c.search("생선은 누가 먹나요", 2, mode="lexical")[0]) == ["a"]
    with pytest.raises(ConfigError, match="language"):
        Collection.create(tmp_path / "x", encoder=TopicEncoder(), dim=4, language="xx")


def test_cli_and_service(tmp_path):
    from typer.testing import CliRunner

    from embedlab.cli.main import app

    c = Collection.create(tmp_path / "c", language="en")  # the bundled MiniLM's 384-d, for the service
    c.add(["p", "q"], ["zyx-9 manual", "garden tools"], vectors=np.eye(384)[:2])
    run = CliRunner().invoke(app, ["search", "query", str(tmp_path / "c"), "manual", "--mode", "lexical", "--json"])
    assert run.exit_code == 0, run.output
    assert [h["id"] for h in json.loads(run.stdout)["results"][0]["hits"]] == ["p"]
    bad = CliRunner().invoke(app, ["search", "query", str(tmp_path / "c"), "manual", "--mode", "fuzzy"])
    assert bad.exit_code != 0 and "mode" in bad.output and "Traceback" not in bad.output
    tuned = ["--mode", "lexical", "--lexical-weight", "2", "--chunk-score", "softmax", "--json"]
    assert CliRunner().invoke(app, ["search", "query", str(tmp_path / "c"), "manual", *tuned]).exit_code == 0
    bad = CliRunner().invoke(app, ["search", "query", str(tmp_path / "c"), "manual", "--lexical-weight", "-1"])
    assert bad.exit_code != 0 and "lexical" in bad.output and "Traceback" not in bad.output
    info = CliRunner().invoke(app, ["search", "info", str(tmp_path / "c"), "--json"])
    assert json.loads(info.stdout)["language"] == "en"

    from fastapi.testclient import TestClient

    from embedlab.service.app import create_app

    client = TestClient(create_app(str(tmp_path / "c")))
    r = client.post("/v1/search", json={"query": "garden", "mode": "lexical", "k": 2})
    assert r.status_code == 200 and [h["id"] for h in r.json()["results"][0]["hits"]] == ["q"]
    assert client.post("/v1/search", json={"query": "garden", "mode": "fuzzy"}).status_code == 422
    for field, value in (("lexical_weight", -1), ("chunk_score", "mean")):
        assert client.post("/v1/search", json={"query": "garden", field: value}).status_code == 422
