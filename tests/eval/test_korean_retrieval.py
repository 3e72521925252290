"""KorQuAD / SQuAD read as passage retrieval; lexical and hybrid ranking in the retrieval evaluator."""

import json
import lzma

import numpy as np
import pytest

from conftest import shared
from embedlab.errors import ConfigError, FormatError
from embedlab.eval.retrieval import evaluate_retrieval
from embedlab.eval.squad import read_squad

pytest.importorskip("bm25s")


def squad_file(tmp_path, data, name="qa.json.xz"):
    path = tmp_path / name
    with lzma.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"version": "1.1", "data": data}, fh, ensure_ascii=False)
    return path


ARTICLES = [
    {
        "title": "고양이",
        "paragraphs": [
            {"context": "고양이는 쥐를 잡는다.", "qas": [{"id": "a", "question": "고양이는 무엇을 잡는가?"}]},
            {"context": "고양이는 잠이 많다.", "qas": [{"id": "b", "question": "잠이 많은 동물은?"}]},
            {"context": "고양이는 쥐를 잡는다.", "qas": [{"id": "c", "question": "쥐를 잡는 것은?"}]},
        ],
    },
    {
        "title": "비",
        "paragraphs": [{"context": "비가 오면 우산을 쓴다.", "qas": [{"id": "d", "question": "우산은 언제?"}]}],
    },
]


def test_reader_counts_and_repeated_paragraphs(tmp_path):
    d = read_squad(squad_file(tmp_path, ARTICLES))
    assert d.doc_ids == ["0-0", "0-1", "1-0"]  # the repeated paragraph is one document
    assert d.doc_texts[0] == "고양이 고양이는 쥐를 잡는다." and d.query_ids == ["a", "b", "c", "d"]
    assert d.qrels == {"a": {"0-0": 1}, "b": {"0-1": 1}, "c": {"0-0": 1}, "d": {"1-0": 1}}
    assert read_squad(squad_file(tmp_path, ARTICLES), with_title=False).doc_texts[2] == "비가 오면 우산을 쓴다."


def test_reader_bad_input(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_squad(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(FormatError, match="not JSON"):
        read_squad(bad)
    bad.write_text(json.dumps({"rows": []}))
    with pytest.raises(FormatError, match="no 'data' list.*SQuAD 1.1"):
        read_squad(bad)
    with pytest.raises(FormatError, match=r"paragraphs\[0\]: no 'context'"):
        read_squad(squad_file(tmp_path, [{"title": "t", "paragraphs": [{"text": "x"}]}]))
    dup = [
        {
            "title": "t",
            "paragraphs": [{"context": "x", "qas": [{"id": 1, "question": "?"}, {"id": 1, "question": "!"}]}],
        }
    ]
    with pytest.raises(FormatError, match="appears twice"):
        read_squad(squad_file(tmp_path, dup))
    with pytest.raises(FormatError, match="no paragraphs"):
        read_squad(squad_file(tmp_path, []))


class Planted:
    """An encoder that knows which document each query belongs to only for some of them."""

    def __init__(self, mapping: dict[str, int], dim: int = 8) -> None:
        self.mapping, self.dim = mapping, dim

    def encode(self, texts, batch_size=32, normalize=True, show_progress=False):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, self.mapping.get(t, self.dim - 1)] = 1.0
            out[i, self.dim - 1] += 0.01 * (i + 1)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.mark.slow
def test_lexical_and_hybrid_methods(tmp_path):
    pytest.importorskip("kiwipiepy")
    d = read_squad(squad_file(tmp_path, ARTICLES))
    lex = evaluate_retrieval(None, d, method="lexical", language="ko", k=2)
    assert lex["method"] == "lexical" and lex["index"] == "bm25" and lex["recall@1"] == 1.0
    # a dense model that knows only query "b" (ranks everything else by noise) against BM25 alone
    enc = Planted({d.doc_texts[1]: 1, "잠이 많은 동물은?": 1})
    dense = evaluate_retrieval(enc, d, k=2)
    hyb = evaluate_retrieval(enc, d, method="hybrid", language="ko", k=2)
    assert dense["recall@1"] < 1.0 and hyb["recall@1"] == 1.0 and hyb["fusion"] == "rrf"
    with pytest.raises(ConfigError, match="needs an encoder"):
        evaluate_retrieval(None, d, method="hybrid")
    with pytest.raises(ConfigError, match="method"):
        evaluate_retrieval(enc, d, method="sparse")
    with pytest.raises(ConfigError, match="unsupported language"):
        evaluate_retrieval(None, d, method="lexical", language="klingon")


@pytest.mark.slow
@pytest.mark.shared_data
def test_korquad_dev_counts_and_bm25():
    pytest.importorskip("kiwipiepy")
    d = read_squad(shared("retrieval", "korquad_v1", "KorQuAD_v1.0_dev.json.xz"))
    # 140 articles, 964 paragraphs of which 3 repeat one of their article, 5,774 questions
    assert (len(d.doc_ids), len(d.query_ids), len({i.split("-")[0] for i in d.doc_ids})) == (961, 5774, 140)
    r = evaluate_retrieval(None, d, method="lexical", language="ko", k=20)
    assert r["recall@5"] > 0.95  # questions written from their paragraph share its morphemes


def test_cli_lexical_on_a_squad_file(tmp_path):
    pytest.importorskip("kiwipiepy")
    from typer.testing import CliRunner

    from embedlab.cli.main import app

    path = squad_file(tmp_path, ARTICLES)
    run = CliRunner().invoke(
        app, ["sentences", "evaluate-retrieval", str(path), "--method", "lexical", "--language", "ko", "--json"]
    )
    assert run.exit_code == 0, run.output
    out = json.loads(run.stdout)
    assert out["model"] == "bm25" and out["queries"] == 4 and out["recall@1"] == 1.0
    bad = CliRunner().invoke(
        app, ["sentences", "evaluate-retrieval", str(path), "--method", "lexical", "--language", "xx"]
    )
    assert bad.exit_code == 1 and "unsupported language 'xx'" in bad.stderr and "Traceback" not in bad.output
