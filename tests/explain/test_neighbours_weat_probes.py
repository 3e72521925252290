"""Analogies and neighbourhoods explained, WEAT by hand, linear probes against their control."""

import math
from itertools import combinations

import numpy as np
import pytest

from embedlab.errors import ConfigError, FormatError
from embedlab.explain import (
    WEAT_TESTS,
    explain_analogy,
    frequency_bands,
    probe,
    read_labels,
    shared_neighbors,
    weat,
    weat_lists,
    weat_test,
)
from embedlab.vectors.keyed import KeyedVectors


def test_analogy_terms_add_up_to_each_answer():
    v = {"man": [1, 0, 0, 0.1], "king": [1, 1, 0, 0], "woman": [0, 0, 1, 0.1], "queen": [0, 1, 1, 0],
         "prince": [0.8, 0.9, 0.1, 0.3], "apple": [0, 0, -1, 1]}  # fmt: skip
    kv = KeyedVectors(list(v), np.array(list(v.values()), np.float32))
    out = explain_analogy(kv, "man", "king", "woman", k=2)
    first, second = out["answers"]
    assert first["key"] == "queen"
    for ans in out["answers"]:
        assert sum(ans["terms"].values()) == pytest.approx(ans["score"], abs=1e-5)
    assert sum(out["margin"].values()) == pytest.approx(first["score"] - second["score"], abs=1e-5)
    assert max(out["margin"], key=out["margin"].get) == "-man"  # queen beats prince by being unlike "man"


def test_shared_neighbors():
    rng = np.random.default_rng(0)
    centre = rng.normal(size=16)
    vecs = np.vstack([centre + 0.1 * rng.normal(size=(6, 16)), rng.normal(size=(6, 16))]).astype(np.float32)
    kv = KeyedVectors([f"in{i}" for i in range(6)] + [f"out{i}" for i in range(6)], vecs)
    out = shared_neighbors(kv, "in0", "in1", k=4)
    assert {s["key"] for s in out["shared"]} <= {f"in{i}" for i in range(2, 6)}
    assert len(out["shared"]) >= 3 and 0 < out["jaccard"] <= 1


def _weat_by_hand(kv, X, Y, A, B):
    unit = {w: kv.get_vector(w, norm=True).astype(np.float64) for w in X + Y + A + B}

    def s(w):
        return np.mean([unit[w] @ unit[a] for a in A]) - np.mean([unit[w] @ unit[b] for b in B])

    scores = {w: s(w) for w in X + Y}
    d = (np.mean([scores[w] for w in X]) - np.mean([scores[w] for w in Y])) / np.std(list(scores.values()), ddof=1)
    observed = sum(scores[w] for w in X) - sum(scores[w] for w in Y)
    everyone = X + Y
    stats = []
    for xi in combinations(everyone, len(X)):
        yi = [w for w in everyone if w not in xi]
        stats.append(sum(scores[w] for w in xi) - sum(scores[w] for w in yi))
    return d, np.mean(np.array(stats) >= observed - 1e-12)


def test_weat_matches_the_definition_by_hand():
    rng = np.random.default_rng(3)
    words = ["x1", "x2", "x3", "x4", "y1", "y2", "y3", "y4", "a1", "a2", "b1", "b2"]
    vecs = rng.normal(size=(12, 6))
    vecs[:4] += [5, 0, 0, 0, 0, 0]  # X leans towards A
    vecs[8:10] += [5, 0, 0, 0, 0, 0]
    kv = KeyedVectors(words, vecs.astype(np.float32))
    X, Y, A, B = words[:4], words[4:8], words[8:10], words[10:]
    d, p = _weat_by_hand(kv, X, Y, A, B)
    r = weat(kv, X, Y, A, B)
    assert r["exact"] and r["permutations"] == math.comb(8, 4)
    assert r["effect_size"] == pytest.approx(d, abs=1e-6) and r["effect_size"] > 1
    assert r["p_value"] == pytest.approx(p, abs=1e-12) and p < 0.05
    sampled = weat(kv, X, Y, A, B, permutations=60, seed=1)  # fewer draws than the 70 partitions
    assert not sampled["exact"] and abs(sampled["p_value"] - p) < 0.1
    swapped = weat(kv, Y, X, A, B)
    assert swapped["effect_size"] == pytest.approx(-d, abs=1e-6) and swapped["p_value"] > 0.5


def test_weat_reports_missing_words_and_refuses_too_few():
    kv = KeyedVectors(["x1", "x2", "y1", "y2", "a", "b"], np.eye(6, dtype=np.float32))
    r = weat(kv, ["x1", "x2", "X3"], ["y1", "y2"], ["a"], ["b", "nothere"])
    assert r["missing"] == {"X": ["X3"], "B": ["nothere"]} and r["sizes"]["X"] == 2
    with pytest.raises(ConfigError, match="at least 2"):
        weat(kv, ["x1"], ["y1", "y2"], ["a"], ["b"])
    with pytest.raises(ConfigError, match="unknown WEAT test"):
        weat_lists("weat99")


def test_bundled_tests_run_on_a_model_with_their_words():
    lists = weat_lists("weat1")
    words = sorted({w.lower() for k in "XYAB" for w in lists[k]["words"]})
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(len(words), 8)).astype(np.float32)
    kv = KeyedVectors(words, vecs)
    r = weat_test(kv, "weat1", permutations=2000)
    assert r["published_glove"]["effect_size"] == 1.5 and r["title"].startswith("Flowers")
    assert abs(r["effect_size"]) < 2 and 0 < r["p_value"] <= 1
    assert len(WEAT_TESTS) == 10 and all(weat_lists(t)["published_glove"] for t in WEAT_TESTS)
    # capitalised names are found in lower-cased models
    names = weat_lists("weat6")
    assert "John" in names["X"]["words"]


def test_probe_reads_a_planted_attribute_and_not_a_shuffled_one():
    rng = np.random.default_rng(0)
    direction = rng.normal(size=32)
    labels = ["hi" if i % 2 else "lo" for i in range(200)]
    vecs = rng.normal(size=(200, 32)) + np.outer([1.5 if lab == "hi" else -1.5 for lab in labels], direction) / 2
    kv = KeyedVectors([f"w{i}" for i in range(200)], vecs.astype(np.float32))
    r = probe(kv, [*kv.words, "missing"], [*labels, "hi"])
    assert r["accuracy"] > 0.9 and r["control"] < 0.7 and r["selectivity"] > 0.3
    assert r["missing"] == 1 and r["keys"] == 200
    with pytest.raises(ConfigError, match="two labels"):
        probe(kv, kv.words[:10], ["x"] * 10)
    with pytest.raises(ConfigError, match="one label per key"):
        probe(kv, kv.words[:10], ["x"] * 9)


def test_frequency_bands_and_label_files(tmp_path):
    kv = KeyedVectors([f"w{i}" for i in range(90)], np.eye(90, dtype=np.float32))
    _, labels = frequency_bands(kv, bands=3, top=90)
    assert labels[0] == "band 1" and labels[-1] == "band 3" and labels.count("band 2") == 30
    f = tmp_path / "labels.tsv"
    f.write_text("# key label\nw1\tanimal\nw2 colour\n\n", encoding="utf-8")
    assert read_labels(f) == (["w1", "w2"], ["animal", "colour"])
    f.write_text("w1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="expected"):
        read_labels(f)
    f.write_bytes(b"\xff\xfe w1 x\n")
    with pytest.raises(FormatError, match="UTF-8"):
        read_labels(f)


def test_korean_parts_of_speech_come_from_kiwi():
    pytest.importorskip("kiwipiepy")
    from embedlab.explain import korean_pos_labels

    words = ["학교", "사람", "먹다", "가다", "예쁘다", "빠르다", "apple", "매우"]
    kv = KeyedVectors(words, np.eye(len(words), dtype=np.float32))
    keys, labels = korean_pos_labels(kv, top=len(words))
    tags = dict(zip(keys, labels, strict=True))
    assert "apple" not in tags  # not Korean: left out
    assert tags["학교"] == tags["사람"] == "noun"
    assert tags["먹다"] == tags["가다"] == "verb"
    assert tags["예쁘다"] == "adjective" and tags["매우"] == "adverb"
