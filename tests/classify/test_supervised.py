"""The supervised trainer on planted data: losses, n-grams, subwords, files, bad input."""

import numpy as np
import pytest

from embedlab.classify.supervised import SupervisedFastText
from embedlab.errors import ConfigError, CorpusError, FormatError
from embedlab.train.labelled import huffman_paths
from embedlab.vocab.labelled import LabelDictionary


def _planted(n=60, seed=0):
    """Sentiment carried by one word among noise words; the label is decided by that word only."""
    rng = np.random.default_rng(seed)
    noise = [f"w{i}" for i in range(30)]
    good, bad = ["great", "superb", "lovely"], ["awful", "boring", "dull"]
    texts, labels = [], []
    for i in range(n):
        pos = i % 2 == 0
        words = [*rng.choice(noise, 4).tolist(), str(rng.choice(good if pos else bad))]
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append("pos" if pos else "neg")
    return texts, labels


@pytest.mark.parametrize("loss", ["softmax", "hs", "ova"])
def test_each_loss_learns_the_planted_word(loss):
    texts, labels = _planted()
    m = SupervisedFastText(dim=16, epochs=30, lr=0.5, loss=loss, threads=1).fit(texts, labels)
    assert m.predict(["w1 w2 superb w3"])[0] == [("pos",)]
    assert m.predict(["w1 dull w2"])[0] == [("neg",)]
    p = m.predict_proba(["w1 lovely"])
    assert p.shape == (1, 2) and p.min() >= 0.0 and p.max() <= 1.0 + 1e-9
    if loss != "ova":
        assert abs(p.sum() - 1.0) < 1e-4


def test_word_ngrams_learn_what_unigrams_cannot():
    """'not good' is negative and 'good' positive: only the bigram separates them."""
    texts = ["not good film", "good film", "not bad film", "bad film"] * 40
    labels = ["neg", "pos", "pos", "neg"] * 40
    uni = SupervisedFastText(dim=16, epochs=40, lr=0.5, threads=1).fit(texts, labels)
    bi = SupervisedFastText(dim=16, epochs=40, lr=0.5, word_ngrams=2, bucket=50_000, threads=1).fit(texts, labels)
    acc = lambda m: np.mean([p[0] == y for p, y in zip(m.predict(texts)[0], labels, strict=True)])  # noqa: E731
    assert acc(bi) == 1.0 and acc(uni) < 1.0


@pytest.mark.parametrize("subword", ["char", "jamo"])
def test_character_subwords_classify_unseen_words(subword):
    texts = ["재미있는", "재미있었다", "재미있어요", "지루한", "지루했다", "지루해요"] * 20
    labels = ["pos", "pos", "pos", "neg", "neg", "neg"] * 20
    m = SupervisedFastText(dim=16, epochs=40, lr=0.5, subword=subword, bucket=20_000, threads=1).fit(texts, labels)
    assert m.predict(["재미있네"])[0] == [("pos",)]
    assert m.predict(["지루함"])[0] == [("neg",)]


def test_multi_label_with_one_vs_all_and_threshold():
    texts = ["goal match team", "election vote party", "team vote goal party"] * 40
    labels = [["sports"], ["politics"], ["sports", "politics"]] * 40
    m = SupervisedFastText(dim=16, epochs=50, lr=0.5, loss="ova", threads=1).fit(texts, labels)
    labs, probs = m.predict("team party", k=-1, threshold=0.5)
    assert set(labs) == {"sports", "politics"} and (probs >= 0.5).all()
    assert m.predict("goal match", k=-1, threshold=0.5)[0] == ("sports",)
    r = m.test(texts, labels, k=2)
    assert r["precision_at_k"] == pytest.approx(2 / 3, abs=0.01) and r["recall_at_k"] == 1.0


def test_one_thread_is_reproducible():
    texts, labels = _planted()
    a = SupervisedFastText(dim=8, epochs=5, threads=1, seed=3).fit(texts, labels)
    b = SupervisedFastText(dim=8, epochs=5, threads=1, seed=3).fit(texts, labels)
    assert np.array_equal(a.input, b.input) and np.array_equal(a.output, b.output)


def test_huffman_tree_matches_fasttext_shape():
    paths, offsets, codes = huffman_paths(np.array([5.0, 3.0, 2.0]))
    # three leaves: two internal nodes (rows 0, 1); the most frequent label has the shortest path
    assert np.diff(offsets).tolist() == [1, 2, 2]
    assert set(paths.tolist()) == {0, 1} and set(codes.tolist()) <= {0.0, 1.0}


def test_dictionary_rows_follow_fasttext_getline():
    d = LabelDictionary.build(b"__label__a good film\n__label__b bad film\n")
    assert d.words == ["film", "</s>", "good", "bad"] and d.labels == ["a", "b"]
    lines = d.encode(b"good film unseen\n__label__b bad\n__label__zzz film\n")
    assert lines.rows[lines.row_offsets[0] : lines.row_offsets[1]].tolist() == [2, 0, 1]  # unseen word: no row
    assert lines.label_lists() == [[], [1], []] and lines.unknown_labels == ["zzz"]


@pytest.mark.parametrize("suffix", [".bin", ""])
def test_save_load_round_trip(tmp_path, suffix):
    texts, labels = _planted()
    m = SupervisedFastText(dim=8, epochs=5, word_ngrams=2, bucket=1000, threads=1).fit(texts, labels)
    path = tmp_path / f"model{suffix}"
    m.save(path)
    back = SupervisedFastText.load(path)
    assert back.labels == m.labels and back.words == m.words
    assert np.allclose(back.predict_proba(texts), m.predict_proba(texts), atol=1e-6)


def test_bin_refuses_what_fasttext_cannot_record(tmp_path):
    texts, labels = _planted()
    m = SupervisedFastText(dim=8, epochs=1, subword="jamo", bucket=1000, threads=1).fit(texts, labels)
    with pytest.raises(FormatError, match="jamo"):
        m.save(tmp_path / "m.bin")
    assert not (tmp_path / "m.bin").exists()


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(FormatError, match="no labels found"):
        SupervisedFastText(threads=1).fit_file(_write(tmp_path / "a.txt", "just text\nmore text\n"))
    with pytest.raises(CorpusError, match="only one label"):
        SupervisedFastText(threads=1).fit(["a b", "c d"], ["x", "x"])
    with pytest.raises(CorpusError, match="empty"):
        SupervisedFastText(threads=1).fit_file(_write(tmp_path / "e.txt", "\n\n"))
    with pytest.raises(ConfigError, match="differ in length"):
        SupervisedFastText(threads=1).fit(["a"], ["x", "y"])
    with pytest.raises(ConfigError, match="not trained"):
        SupervisedFastText().predict("x")
    with pytest.raises(FormatError, match="magic"):
        SupervisedFastText.load(_write(tmp_path / "bad.bin", "not a model at all"))
    good = SupervisedFastText(dim=4, epochs=1, threads=1).fit(*_planted())
    good.save(tmp_path / "ok.bin")
    data = (tmp_path / "ok.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError):
        SupervisedFastText.load(tmp_path / "cut.bin")


def test_empty_lines_and_unlabelled_lines_are_skipped(tmp_path):
    texts, labels = _planted()
    body = "".join(f"__label__{y} {t}\n\n" for t, y in zip(texts, labels, strict=True)) + "no label here\n"
    m = SupervisedFastText(dim=8, epochs=10, lr=0.5, threads=1).fit_file(_write(tmp_path / "t.txt", body))
    assert m.skipped_lines == len(texts) + 1
    assert sorted(m.labels) == ["neg", "pos"]


def test_unseen_labels_at_test_time_count_as_misses():
    texts, labels = _planted()
    m = SupervisedFastText(dim=8, epochs=10, lr=0.5, threads=1).fit(texts, labels)
    r = m.test(["w1 great", "w2 great"], ["pos", "neutral"])
    assert r["accuracy"] == 0.5 and r["unseen_labels"] == ["neutral"]


def _write(path, text):
    path.write_text(text, "utf-8")
    return path


@pytest.mark.slow
def test_korean_content_morphemes(tmp_path):
    pytest.importorskip("kiwipiepy")
    texts = ["고양이가 밥을 먹었다", "고양이는 생선을 먹는다", "비가 온다", "우산을 쓴다 비가 와서"] * 10
    labels = ["food", "food", "rain", "rain"] * 10
    m = SupervisedFastText(dim=8, epochs=20, lr=0.5, threads=1, tokenizer="kiwi-content").fit(texts, labels)
    assert "고양이" in m.words and "먹" in m.words and "가" not in m.words and "을" not in m.words  # no particles
    assert m.predict(["고양이가 생선을 먹었어요"])[0][0] == ("food",)
    m.save(tmp_path / "m")
    again = SupervisedFastText.load(tmp_path / "m")
    assert again.predict(["우산을 샀다"])[0][0] == ("rain",)
