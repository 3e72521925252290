"""BM25 against the formula computed by hand, its ids, filters, saving, and the languages it knows."""

import math

import numpy as np
import pytest

pytest.importorskip("bm25s")

from embedlab.errors import ConfigError, FormatError
from embedlab.index.fusion import fuse
from embedlab.index.lexical import BM25Index

DOCS = ["the cat sat on the mat", "the dog sat", "a cat and a dog and a cat", "birds fly"]


def bm25_by_hand(query: list[str], docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> list[float]:
    """Lucene's BM25: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf saturated and length-normalised
    (without the constant factor k1 + 1, which Lucene 8 dropped: it changes no ranking)."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    out = []
    for d in docs:
        s = 0.0
        for term in query:  # a repeated query term counts each time, as in Lucene
            df = sum(term in x for x in docs)
            if df == 0:
                continue
            tf = d.count(term)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += idf * tf / (tf + k1 * (1 - b + b * len(d) / avgdl))
        out.append(s)
    return out


@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (1.2, 0.0), (0.9, 1.0)])
def test_scores_equal_the_formula_by_hand(k1, b):
    idx = BM25Index(k1=k1, b=b).fit(DOCS)
    tokens = [d.split() for d in DOCS]
    for query in ("cat", "cat dog", "sat mat", "the cat the"):
        expected = bm25_by_hand(query.split(), tokens, k1, b)
        np.testing.assert_allclose(idx.scores(query), expected, rtol=1e-5, atol=1e-6)
        ids, scores = idx.search([query], k=4)
        order = [i for i in np.argsort(-np.array(expected), kind="stable") if expected[i] > 0]
        assert sorted(ids[0][: len(order)].tolist()) == sorted(order)
        np.testing.assert_allclose(
            scores[0][: len(order)], sorted((expected[i] for i in order), reverse=True), rtol=1e-5
        )
        assert (ids[0][len(order) :] == -1).all()  # documents without a query term are not results


def test_ids_filters_and_save_load(tmp_path):
    idx = BM25Index().fit(DOCS, ids=[40, 41, 42, 43])
    ids, _ = idx.search(["cat", "dog", "unknown words only"], k=2)
    assert ids.tolist() == [[42, 40], [41, 42], [-1, -1]]
    ids, _ = idx.search("cat", k=3, allowed=np.array([40, 43]))
    assert ids[0].tolist() == [40, -1, -1]
    idx.save(tmp_path / "bm25")
    again = BM25Index.load(tmp_path / "bm25")
    assert again.config() == idx.config()
    for q in ("cat", "the dog", "fly"):
        np.testing.assert_array_equal(again.search(q, k=4)[0], idx.search(q, k=4)[0])
    (tmp_path / "bm25" / "ids.npy").write_bytes(b"not numpy")
    with pytest.raises(FormatError):
        BM25Index.load(tmp_path / "bm25")


def test_korean_terms_are_kiwi_morphemes_without_particles():
    pytest.importorskip("kiwipiepy")
    idx = BM25Index(language="ko")
    assert idx.tokenizer.tokenize("고양이가 밥을 먹었다") == ["고양이", "밥", "먹"]
    idx.fit(["고양이가 밥을 먹었다", "강아지는 공원에서 뛰었다", "비가 온다"])
    # 먹는다 and 먹었다 share the stem 먹; the particles 는/가 match nothing
    assert idx.search("고양이는 무엇을 먹는가", k=3)[0][0].tolist() == [0, -1, -1]
    plain = BM25Index(language="en").fit(["고양이가 밥을 먹었다", "강아지는 공원에서 뛰었다", "비가 온다"])
    assert plain.search("고양이는 무엇을 먹는가", k=3)[0][0].tolist() == [-1, -1, -1]  # eojeol never match


def test_bad_input_is_a_clear_error():
    with pytest.raises(ConfigError, match="unsupported language 'xx'.*ko"):
        BM25Index(language="xx")
    with pytest.raises(ConfigError, match="not both"):
        BM25Index("unicode", language="en")
    with pytest.raises(ConfigError, match="b must be"):
        BM25Index(b=2)
    with pytest.raises(ConfigError, match="method"):
        BM25Index(method="tfidf")
    with pytest.raises(ConfigError, match="2 ids for 4 texts"):
        BM25Index().fit(DOCS, ids=[1, 2])
    with pytest.raises(ConfigError, match="strings"):
        BM25Index().fit([b"bytes"])
    with pytest.raises(ConfigError, match="query 1 is empty"):
        BM25Index().fit(DOCS).search(["cat", "  "])
    with pytest.raises(ConfigError, match="k must"):
        BM25Index().fit(DOCS).search("cat", k=0)
    empty = BM25Index().fit([])
    assert empty.search("cat", k=2)[0].tolist() == [[-1, -1]]


def test_fusion_by_hand():
    dense = (np.array([[1, 2, 3], [5, -1, -1]]), np.array([[0.9, 0.5, 0.1], [0.3, -np.inf, -np.inf]]))
    lexical = (np.array([[3, 4, -1], [6, 5, -1]]), np.array([[8.0, 4.0, -np.inf], [2.0, 1.0, -np.inf]]))
    ids, scores = fuse([dense, lexical], k=4)
    # rrf: 1 -> 1/61, 2 -> 1/62, 3 -> 1/63 + 1/61, 4 -> 1/62
    assert ids[0].tolist() == [3, 1, 2, 4]
    assert scores[0][0] == pytest.approx(1 / 63 + 1 / 61)
    assert ids[1].tolist() == [5, 6, -1, -1]
    ids, scores = fuse([dense, lexical], k=4, method="linear", weights=[1.0, 0.5])
    # dense min-max: 1 -> 1, 2 -> 0.5, 3 -> 0; lexical: 3 -> 0.5 * 1, 4 -> 0
    assert ids[0].tolist()[:2] == [1, 2] and scores[0][0] == pytest.approx(1.0)
    assert scores[0][2] == pytest.approx(0.5)
    assert fuse([dense, lexical], k=2, weights=[1, 0])[0][0].tolist() == [1, 2]  # lexical weighted out
    with pytest.raises(ConfigError, match="weights"):
        fuse([dense, lexical], weights=[1.0])
    with pytest.raises(ConfigError, match="fusion"):
        fuse([dense], method="max")
