"""Our evaluators give gensim's numbers on the same vectors."""

import numpy as np
import pytest

from conftest import shared
from embedlab import KeyedVectors, evaluate_analogies, evaluate_word_pairs
from embedlab.errors import FormatError
from embedlab.eval import bundled_path, read_analogies, read_word_pairs


@pytest.fixture(scope="module")
def vectors():
    """Vectors for every word of the bundled sets (plus case variants), with some structure."""
    gensim_models = pytest.importorskip("gensim.models")
    words: list[str] = []
    seen = set()
    for a in read_analogies(bundled_path("questions-words")).sections:
        for q in a[1]:
            for w in q:
                if w.lower() not in seen:
                    seen.add(w.lower())
                    words.append(w.lower())
    for name in ("wordsim353", "simlex999"):
        for a, b, _ in read_word_pairs(bundled_path(name)).pairs:
            for w in (a, b):
                if w.lower() not in seen:
                    seen.add(w.lower())
                    words.append(w.lower())
    rng = np.random.default_rng(0)
    rng.shuffle(words)
    words = words[: int(len(words) * 0.9)]  # leave some out-of-vocabulary
    words += ["Paris", "KING"]  # case variants after their lowercase forms
    base = rng.standard_normal((len(words), 16)).astype(np.float32)
    base[:, :4] += np.array([len(w) % 4 for w in words])[:, None] * 0.5  # correlate with word length
    ours = KeyedVectors(words, base)
    theirs = gensim_models.KeyedVectors(16)
    theirs.add_vectors(words, base)
    return ours, theirs


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
def test_word_pairs_match_gensim(vectors, name):
    ours, theirs = vectors
    res = evaluate_word_pairs(ours, name)
    pearson, spearman, oov = theirs.evaluate_word_pairs(str(bundled_path(name)))
    assert res["pearson"] == pytest.approx(pearson.statistic, abs=1e-6)
    assert res["spearman"] == pytest.approx(spearman.statistic, abs=1e-6)
    assert res["oov_ratio"] * 100 == pytest.approx(oov, abs=1e-9)


@pytest.mark.parametrize("restrict", [300, 30_000])
def test_analogies_match_gensim(vectors, restrict):
    ours, theirs = vectors
    res = evaluate_analogies(ours, restrict_vocab=restrict)
    score, sections = theirs.evaluate_word_analogies(str(bundled_path("questions-words")), restrict_vocab=restrict)
    total = sections[-1]
    assert res["accuracy"] == pytest.approx(score, abs=1e-12)
    assert res["correct"] == len(total["correct"])
    assert res["answered"] == len(total["correct"]) + len(total["incorrect"])
    for mine, theirs_s in zip(res["sections"], sections[:-1], strict=True):
        assert mine["section"] == theirs_s["section"]
        assert mine["correct"] == len(theirs_s["correct"])


def test_cosmul_analogies_and_a_toy_set(tmp_path):
    kv = KeyedVectors(
        ["king", "queen", "man", "woman", "apple"],
        np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float32),
    )
    p = tmp_path / "toy.txt"
    p.write_text(": gender\nman king woman queen\nman woman king queen\nman king pear plum\n")
    for method in ("add", "mul"):
        res = evaluate_analogies(kv, p, method=method)
        assert res["answered"] == 2 and res["oov"] == 1 and res["coverage"] == pytest.approx(2 / 3)
        assert res["accuracy"] == 1.0


def test_bad_files(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(": s\nonly three words\n")
    with pytest.raises(FormatError, match="line 2: expected four words"):
        read_analogies(bad)
    bad.write_text("a\tb\t5\nc\td\tmany\n")
    with pytest.raises(FormatError, match="line 2: score 'many' is not a number"):
        read_word_pairs(bad)
    with pytest.raises(FormatError, match="not found"):
        read_word_pairs(tmp_path / "missing.txt")


@pytest.mark.shared_data
def test_korean_sets_parse():
    ws = read_word_pairs(shared("word_eval", "ko", "WS353_korean.csv"))
    assert len(ws.pairs) == 353 and ws.pairs[0] == ("사랑", "섹스", 6.42)
    an = read_analogies(shared("word_eval", "ko", "word_analogy_korean.txt"))
    assert an.n_questions == 10_000 and len(an.sections) == 10
    rw = read_word_pairs(shared("word_eval", "en", "faruqui", "EN-RW-STANFORD.txt"))
    assert len(rw.pairs) == 2034


def test_subword_models_can_answer_unknown_words(tmp_path):
    from conftest import planted_sentences
    from embedlab.train.fasttext import FastText

    kv = FastText(dim=8, min_count=2, epochs=1, bucket=5_000, threads=1).fit(planted_sentences(n=2000))
    p = tmp_path / "pairs.tsv"
    p.write_text("cat\tdog\t8\ncats\tdogs\t8\ncat\tred\t1\nzzzz\tred\t2\n")
    plain = evaluate_word_pairs(kv, p)
    answered = evaluate_word_pairs(kv, p, answer_oov=True)
    assert plain["pairs"] == 2 and plain["oov"] == 2
    assert answered["pairs"] == 4 and answered["oov"] == 0  # "zzzz" still has n-grams (<zz, zzz, ...)


def test_every_evaluator_names_its_primary_metric(tmp_path):
    from embedlab.eval.datasets import AnalogySet, WordPairs

    kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1, 0], [1, 1], [0, 1], [0, 2]], dtype=np.float32))
    results = [
        evaluate_word_pairs(kv, WordPairs("toy", [("a", "b", 5.0), ("a", "c", 1.0), ("b", "c", 4.0)])),
        evaluate_analogies(kv, AnalogySet("toy", [("s", [("a", "b", "c", "d")])])),
    ]
    for r in results:
        assert r["primary_metric"] in r and isinstance(r[r["primary_metric"]], float)
