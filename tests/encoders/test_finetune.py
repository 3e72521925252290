"""Fine-tuning through sentence-transformers' trainer."""

import json

import pytest

from embedlab.encoders.finetune import Pairs, finetune, read_pairs
from embedlab.encoders.transformer import SentenceEncoder
from embedlab.errors import ConfigError, FormatError


def test_finetune_moves_pairs_and_saves_a_loadable_folder(tmp_path, minilm):
    first = ["the invoice is overdue", "payment has not arrived", "the cat sleeps", "the weather is nice"] * 4
    second = ["the bill is late", "money is still missing", "a kitten naps", "the stock market fell"] * 4
    scores = [5.0, 5.0, 5.0, 0.0] * 4
    before = minilm.encode(["the weather is nice", "the stock market fell"], normalize=True)
    report = finetune(Pairs(first, second, scores), tmp_path / "ft", epochs=2, batch_size=8, learning_rate=1e-4)
    assert report.loss == "cosent" and report.steps == 4 and report.pairs == 16
    enc = SentenceEncoder(tmp_path / "ft")
    after = enc.encode(["the weather is nice", "the stock market fell"], normalize=True)
    assert after[0] @ after[1] < before[0] @ before[1]  # the pair scored 0 was pushed apart
    assert (tmp_path / "ft" / "modules.json").is_file()


def test_positive_pairs_use_in_batch_negatives(tmp_path):
    pairs = Pairs(["q one", "q two", "q three", "q four"], ["a one", "a two", "a three", "a four"])
    report = finetune(pairs, tmp_path / "mnrl", batch_size=2)
    assert report.loss == "mnrl" and report.steps == 2


def test_read_pairs_formats(tmp_path):
    (tmp_path / "p.tsv").write_text("a\tb\nc\td\n", encoding="utf-8")
    assert read_pairs(tmp_path / "p.tsv").scores is None
    (tmp_path / "s.jsonl").write_text(json.dumps({"sentence1": "a", "sentence2": "b", "score": 3}) + "\n")
    assert read_pairs(tmp_path / "s.jsonl").scores == [3.0]
    (tmp_path / "bad.jsonl").write_text('{"x": 1}\n')
    with pytest.raises(FormatError, match="needs sentence1/sentence2"):
        read_pairs(tmp_path / "bad.jsonl")


def test_bad_parameters(tmp_path):
    with pytest.raises(ConfigError, match="needs scored pairs"):
        finetune(Pairs(["a", "b"], ["c", "d"]), tmp_path / "x", loss="cosent")
    with pytest.raises(ConfigError, match="epochs"):
        finetune(Pairs(["a", "b"], ["c", "d"]), tmp_path / "x", epochs=0)
    assert not (tmp_path / "x").exists()
