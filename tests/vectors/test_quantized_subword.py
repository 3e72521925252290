"""A FastText model compressed whole: unseen words still get vectors, from the n-gram buckets kept."""

import numpy as np
import pytest

import embedlab
from embedlab.compress import compress_vectors
from embedlab.errors import FormatError, UnknownWordError
from embedlab.train.fasttext import FastText
from embedlab.vectors.quantized_subword import QuantizedSubwordVectors
from embedlab.vocab.subwords import word_subword_ids


@pytest.fixture(scope="module")
def ft():
    from embedlab.text.demo_corpus import demo_sentences

    return FastText(dim=32, min_count=1, epochs=2, bucket=20_000, threads=1).fit(
        [s.split() for s in demo_sentences(5000)]
    )


def _mean_of_kept(ft, word, kept):
    ids = word_subword_ids(word, 0, ft.minn, ft.maxn, ft.bucket)
    return np.asarray(ft.ngrams[[i for i in ids if i in set(kept.tolist())]]).mean(axis=0)


@pytest.mark.parametrize("method", ["float16", "int8"])
def test_unseen_words_come_from_the_kept_buckets(ft, method):
    q = compress_vectors(ft, method)
    assert isinstance(q, QuantizedSubwordVectors)
    assert 0 < len(q.kept) < ft.bucket and q.nbytes * 10 < ft.vectors.nbytes + ft.ngrams.nbytes
    want = _mean_of_kept(ft, "kingly", q.kept)
    got = q.get_vector("kingly")
    assert np.dot(got, want) / (np.linalg.norm(got) * np.linalg.norm(want)) > 0.99
    assert "kingly" in q and q.most_similar("kingly", topn=3)
    assert np.allclose(q.get_vector("king", norm=True), ft.get_vector("king", norm=True), atol=0.02)


def test_max_ngrams_keeps_the_most_used_buckets_and_a_word_with_none_is_unknown(ft):
    q = compress_vectors(ft, "int8", max_ngrams=50)
    assert len(q.kept) == 50
    with pytest.raises(UnknownWordError):
        q.get_vector("zzqxv")  # none of its n-grams is among the 50


def test_save_and_load_give_the_same_vectors(ft, tmp_path):
    q = compress_vectors(ft, "int8")
    q.save(tmp_path / "q")
    back = embedlab.load(tmp_path / "q")
    assert isinstance(back, QuantizedSubwordVectors) and np.array_equal(back.kept, q.kept)
    assert np.allclose(back.get_vector("kingly"), q.get_vector("kingly"))
    assert (tmp_path / "q" / "ngram_codes.npy").stat().st_size < 40 * len(q.kept) + 200  # 32 int8 + header
    np.save(tmp_path / "q" / "kept.npy", q.kept[::-1].copy())  # not increasing: damaged
    with pytest.raises(FormatError, match="increasing"):
        embedlab.load(tmp_path / "q")
