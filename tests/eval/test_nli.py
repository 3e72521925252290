"""NLI with a logistic head on frozen pair features: reader, features, a planted relation learnt."""

import json

import numpy as np
import pytest

from conftest import shared
from embedlab.errors import ConfigError, FormatError
from embedlab.eval.nli import NLIPairs, evaluate_nli, pair_features, read_nli

pytest.importorskip("sklearn")


def test_reader_tsv_and_jsonl(tmp_path):
    tsv = tmp_path / "xnli.dev.ko.tsv"
    tsv.write_text(
        'sentence1\tsentence2\tgold_label\n그가 "왔어요" 말했다\t그는 말했다\tentailment\na\tb\t-\nc\td\tneutral\n',
        encoding="utf-8",
    )
    d = read_nli(tsv)
    assert d.premises == ['그가 "왔어요" 말했다', "c"] and d.labels == ["entailment", "neutral"]  # quotes kept
    jl = tmp_path / "pairs.jsonl"
    jl.write_text(json.dumps({"sentence1": "x", "sentence2": "y", "gold_label": "contradiction"}) + "\n")
    assert read_nli(jl).labels == ["contradiction"]
    (tmp_path / "bad.tsv").write_text("premise\thypothesis\tlabel\nx\ty\tneutral\n")
    with pytest.raises(FormatError, match="header lacks"):
        read_nli(tmp_path / "bad.tsv")
    (tmp_path / "none.tsv").write_text("sentence1\tsentence2\tgold_label\nx\ty\tmaybe\n")
    with pytest.raises(FormatError, match="no labelled pairs"):
        read_nli(tmp_path / "none.tsv")
    with pytest.raises(FileNotFoundError):
        read_nli(tmp_path / "missing.tsv")


class Planted:
    """Each base sentence a random unit vector; "not X" its negation, "X too" a small step away."""

    def __init__(self, dim: int = 16, seed: int = 0) -> None:
        self.dim, self.rng, self.table = dim, np.random.default_rng(seed), {}

    def _base(self, s: str) -> np.ndarray:
        if s not in self.table:
            v = self.rng.normal(size=self.dim)
            self.table[s] = v / np.linalg.norm(v)
        return self.table[s]

    def encode(self, texts, batch_size=32, normalize=True, show_progress=False):
        out = []
        for t in texts:
            if t.startswith("not "):
                out.append(-self._base(t[4:]))
            elif t.endswith(" too"):
                out.append(self._base(t[:-4]) + 0.1 * self._base("noise " + t))
            else:
                out.append(self._base(t))
        return np.array(out, dtype=np.float32)


def planted_pairs(n: int, offset: int) -> NLIPairs:
    p, h, y = [], [], []
    for i in range(offset, offset + n):
        s = f"s{i}"
        kind = ["entailment", "neutral", "contradiction"][i % 3]
        p.append(s)
        h.append({"entailment": f"{s} too", "neutral": f"other{i}", "contradiction": f"not {s}"}[kind])
        y.append(kind)
    return NLIPairs(p, h, y, "planted")


def test_logistic_head_learns_a_planted_relation():
    assert pair_features(np.ones((2, 3)), np.zeros((2, 3))).shape == (2, 12)
    enc = Planted()
    r = evaluate_nli(enc, planted_pairs(300, 0), planted_pairs(150, 1000))
    assert r["accuracy"] > 0.9 and r["majority"] == pytest.approx(1 / 3)
    assert set(r["per_label"]) == {"entailment", "neutral", "contradiction"}
    shuffled = planted_pairs(300, 0)
    shuffled.labels = list(np.random.default_rng(1).permutation(shuffled.labels))
    assert evaluate_nli(enc, shuffled, planted_pairs(150, 1000))["accuracy"] < 0.6  # no relation to learn
    with pytest.raises(ConfigError, match="two different labels"):
        evaluate_nli(enc, NLIPairs(["a"], ["b"], ["neutral"]), planted_pairs(3, 0))


@pytest.mark.shared_data
def test_kornli_counts():
    dev, test = (
        read_nli(shared("nli", "kornli", "xnli.dev.ko.tsv")),
        read_nli(shared("nli", "kornli", "xnli.test.ko.tsv")),
    )
    assert (len(dev), len(test)) == (2490, 5010)
    assert {test.labels.count(lab) for lab in ("entailment", "neutral", "contradiction")} == {1670}
