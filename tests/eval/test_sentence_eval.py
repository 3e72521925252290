"""STS and retrieval evaluation: readers, metrics against hand computations, the published MiniLM score."""

import json

import numpy as np
import pytest

from conftest import shared
from embedlab.errors import FormatError
from embedlab.eval.retrieval import RetrievalData, evaluate_retrieval, read_beir, retrieval_metrics
from embedlab.eval.sts import evaluate_sts, read_sts


def test_read_sts_formats(tmp_path):
    (tmp_path / "b.csv").write_text("g\tf\t2012\t1\t4.5\tA cat.\tA kitten.\textra\ng\tf\t2012\t2\t0.0\tx\ty\n")
    p = read_sts(tmp_path / "b.csv")
    assert p.sentences1 == ["A cat.", "x"] and p.scores.tolist() == [4.5, 0.0]
    (tmp_path / "k.tsv").write_text(
        "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\ng\tf\ty\t1\t3.2\t고양이\t새끼 고양이\n"
    )
    assert read_sts(tmp_path / "k.tsv").sentences2 == ["새끼 고양이"]
    (tmp_path / "bad.csv").write_text("g\tf\t2012\t1\tNaNx\ta\tb\n")
    with pytest.raises(FormatError, match="is not a number"):
        read_sts(tmp_path / "bad.csv")


class Lookup:
    """A toy encoder: fixed vectors per text."""

    dim = 2

    def __init__(self, table):
        self.table = table

    def encode(self, texts, batch_size=32, normalize=False, show_progress=None):
        v = np.array([self.table[t] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True) if normalize else v


def test_evaluate_sts_is_spearman_of_cosine():
    from embedlab.eval.sts import STSPairs

    enc = Lookup({"a": [1, 0], "b": [1, 0.1], "c": [0, 1], "d": [1, 1]})
    pairs = STSPairs(["a", "a", "a"], ["b", "c", "d"], np.array([5.0, 0.0, 2.5]))
    r = evaluate_sts(enc, pairs)
    assert r["spearman"] == pytest.approx(1.0) and r["primary_metric"] == "spearman"


def test_retrieval_metrics_by_hand():
    qrels = {"q1": {"a": 1, "b": 1}, "q2": {"c": 2, "d": 1}, "q3": {"x": 0}}
    ranked = {"q1": ["z", "a", "q1", "b"], "q2": ["d", "c"]}
    m = retrieval_metrics(ranked, qrels, ks=(1, 2, 3))
    # q1 (the query's own id is dropped): z a b; q2: d c; q3 has no relevant doc and is skipped
    assert m["recall@1"] == pytest.approx((0 + 0.5) / 2)
    assert m["mrr@3"] == pytest.approx((1 / 2 + 1) / 2)
    ndcg_q1 = (1 / np.log2(3) + 1 / np.log2(4)) / (1 + 1 / np.log2(3))
    ndcg_q2 = (1 + 2 / np.log2(3)) / (2 + 1 / np.log2(3))
    assert m["ndcg@3"] == pytest.approx((ndcg_q1 + ndcg_q2) / 2)
    assert m["map@2"] == pytest.approx(((1 / 2) / 2 + (1 + 1) / 2) / 2)


def test_read_beir_and_evaluate(tmp_path):
    (tmp_path / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "title": t, "text": "."}) for i, t in [("1", "a"), ("2", "c")])
    )
    (tmp_path / "queries.jsonl").write_text(json.dumps({"_id": "q", "text": "b"}) + "\n")
    (tmp_path / "qrels").mkdir()
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq\t1\t1\n")
    data = read_beir(tmp_path)
    assert isinstance(data, RetrievalData) and data.doc_texts == ["a .", "c ."]
    enc = Lookup({"a .": [1, 0], "c .": [0, 1], "b": [1, 0.2]})
    r = evaluate_retrieval(enc, data, k=2)
    assert r["ndcg@1"] == 1.0 and r["recall@2"] == 1.0 and r["primary_metric"] == "ndcg@2"
    (tmp_path / "queries.jsonl").write_text(json.dumps({"id": "q", "text": "b"}) + "\n")
    with pytest.raises(FormatError, match="record 1 needs _id and a text string"):
        read_beir(tmp_path)
    (tmp_path / "queries.jsonl").write_text(json.dumps({"_id": "q", "text": "b"}) + "\n")
    (tmp_path / "corpus.jsonl").write_text("[1, 2]\n")
    with pytest.raises(FormatError, match="each line must be a JSON object"):
        read_beir(tmp_path)


@pytest.mark.slow
@pytest.mark.shared_data
def test_minilm_sts_benchmark_matches_the_published_score(minilm):
    r = evaluate_sts(minilm, read_sts(shared("sts", "stsbenchmark", "sts-test.csv")))
    assert r["pairs"] == 1379
    assert r["spearman"] == pytest.approx(0.8203, abs=5e-4)
