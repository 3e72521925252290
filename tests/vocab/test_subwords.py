"""Our n-gram ids equal the fasttext package's own."""

import random

import numpy as np
import pytest

from conftest import train_fasttext_package
from embedlab.text.korean import decompose_jamo
from embedlab.vocab.subwords import char_ngrams, fasttext_hash, subword_ids, word_subword_ids

WORDS = ["where", "the", "café", "naïve", "임베딩", "한국어를", "a", "日本語", "x" * 12, "ümlaut", "😀ok"]


@pytest.fixture(scope="module")
def ft_model(tmp_path_factory):
    pytest.importorskip("fasttext")
    rng = random.Random(0)
    lines = [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(200)]
    path = tmp_path_factory.mktemp("ft") / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return train_fasttext_package(path, minCount=1, minn=3, maxn=6, dim=4, epoch=1, thread=1, verbose=0)


def test_ids_equal_fasttext_get_subwords(ft_model):
    words = list(ft_model.words)
    offsets, ids = subword_ids(words, 3, 6, 2_000_000)
    for w_id, word in enumerate(words):
        theirs_strings, theirs_ids = ft_model.get_subwords(word)
        ours = ids[offsets[w_id] : offsets[w_id + 1]]
        if word == "</s>":
            continue  # fastText gives its end-of-sentence token no n-grams
        assert ours.tolist() == theirs_ids.tolist(), word
        assert char_ngrams(word) == list(theirs_strings[1:]), word


def test_oov_word_ids_equal_fasttext(ft_model):
    nwords = len(ft_model.words)
    for word in ["unseenword", "모르는단어", "ñandú"]:
        _, theirs = ft_model.get_subwords(word)
        assert word_subword_ids(word, nwords).tolist() == theirs.tolist()
        ours_vec = np.mean(ft_model.get_input_matrix()[word_subword_ids(word, nwords)], axis=0)
        np.testing.assert_allclose(ours_vec, ft_model.get_word_vector(word), rtol=1e-5, atol=1e-7)


def test_hash_sign_extends_bytes():
    assert fasttext_hash(b"abc") == 440920331
    assert fasttext_hash("é".encode()) != fasttext_hash(bytes([0xC3 & 0x7F, 0xA9 & 0x7F]))


def test_jamo_ngrams_share_more_between_inflections():
    plain_a, plain_b = set(char_ngrams("먹었다")), set(char_ngrams("먹는다"))
    jamo_a, jamo_b = set(char_ngrams("먹었다", jamo=True)), set(char_ngrams("먹는다", jamo=True))
    assert len(jamo_a & jamo_b) > len(plain_a & plain_b)
    assert all("\u1100" <= ch <= "\u11ff" or ch in "<>" for g in jamo_a for ch in g)
    assert char_ngrams("먹었다", jamo=True) == char_ngrams(decompose_jamo("먹었다"))


def test_no_ngrams_when_maxn_is_zero():
    offsets, ids = subword_ids(["word", "other"], minn=0, maxn=0)
    assert ids.tolist() == [0, 1] and offsets.tolist() == [0, 1, 2]
