import numpy as np
import pytest

import embedlab
from conftest import group_hit_rate, planted_sentences
from embedlab import ConfigError, UnknownWordError
from embedlab.train.fasttext import FastText
from embedlab.vectors.subword import SubwordVectors
from embedlab.vocab.subwords import subword_ids


@pytest.fixture(scope="module")
def sentences():
    return planted_sentences(n=5000)


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_planted_groups_and_oov_neighbours(sentences, arch):
    ft = FastText(arch=arch, dim=32, min_count=2, epochs=5, bucket=50_000, threads=2, sample=0)
    kv = ft.fit(sentences)
    assert isinstance(kv, SubwordVectors)
    assert group_hit_rate(kv) > 0.9
    assert "cats" not in kv.vocab and "cats" in kv
    assert kv.most_similar("cats", topn=1)[0][0] == "cat"  # an unseen word answered from its n-grams
    assert ft.report.losses[-1] < ft.report.losses[0]


def test_word_vector_is_the_mean_of_its_rows(sentences):
    ft = FastText(dim=8, min_count=2, epochs=1, bucket=10_000, threads=1)
    kv = ft.fit(sentences)
    offsets, ids = subword_ids(kv.words, 3, 6, 10_000, nwords=0, with_word=False)
    # an in-vocabulary word's vector = mean(own row, n-gram rows); its n-gram part alone differs
    w = kv.index("horse")
    ngram_only = kv.ngrams[ids[offsets[w] : offsets[w + 1]]].mean(axis=0)
    assert not np.allclose(kv["horse"], ngram_only)
    oov = "horsey"
    oov_ids = subword_ids([oov], 3, 6, 10_000, nwords=0, with_word=False)[1]
    np.testing.assert_allclose(kv[oov], kv.ngrams[oov_ids].mean(axis=0), rtol=1e-6)


def test_reproducible_with_one_thread(sentences):
    a = FastText(dim=8, min_count=2, epochs=1, bucket=5_000, threads=1, seed=3).fit(sentences)
    b = FastText(dim=8, min_count=2, epochs=1, bucket=5_000, threads=1, seed=3).fit(sentences)
    assert np.array_equal(a.vectors, b.vectors) and np.array_equal(a.ngrams, b.ngrams)


def test_native_round_trip_keeps_oov_vectors(tmp_path, sentences):
    kv = FastText(dim=8, min_count=2, epochs=1, bucket=5_000, threads=1, subword="jamo").fit(sentences)
    kv.save(tmp_path / "ft")
    back = embedlab.load(tmp_path / "ft")
    assert isinstance(back, SubwordVectors) and back.jamo and back.bucket == 5_000
    np.testing.assert_array_equal(back["unseenword"], kv["unseenword"])
    kv.save(tmp_path / "ft.vec", format="word2vec-txt")
    assert embedlab.load(tmp_path / "ft.vec").words == kv.words


def test_plain_word_vectors_when_maxn_is_zero(sentences):
    kv = FastText(dim=8, min_count=2, epochs=1, maxn=0, threads=1).fit(sentences)
    assert kv.ngrams.shape == (0, 8)
    with pytest.raises(UnknownWordError):
        kv["unseenword"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"maxn": 2, "minn": 3}, "maxn must be 0"),
        ({"subword": "bpe"}, "subword must be one of"),
        ({"bucket": 0}, "bucket"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        FastText(**kwargs)


def test_buckets_are_sized_to_the_vocabulary_unless_given():
    """By default the n-gram table fits the vocabulary's n-grams (a small corpus saves a small model); an
    explicit fastText-sized table on a tiny corpus still trains, with a warning that says what would do."""
    import warnings

    from embedlab.train.fasttext import FastText, fitted_bucket

    sents = [["tiny", "corpus", "words"]] * 20
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # raised at the warning, before 800 MB of rows are allocated
        trainer = FastText(min_count=1, epochs=1, threads=1)
        kv = trainer.fit(sents)  # sized to the data: no warning
        assert trainer.config.bucket == kv.bucket == 1024 and kv.ngrams.shape[0] == 1024
        assert kv.metadata["params"]["bucket"] == 1024
        with pytest.raises(UserWarning, match=r"2,000,000 n-gram buckets .*--bucket \d+"):
            FastText(min_count=1, epochs=1, threads=1, bucket=2_000_000).fit(sents)
    words = [f"w{i}x{j}" for i in range(300) for j in range(30)]
    c = FastText(min_count=1).config
    assert (
        4 * 9_000 < fitted_bucket(words, c) <= 2_000_000
        and fitted_bucket(words, c) & (fitted_bucket(words, c) - 1) == 0
    )
