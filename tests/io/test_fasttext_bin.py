"""fastText .bin interchange with the fasttext package: both directions, in-vocabulary and OOV."""

import random

import numpy as np
import pytest

import embedlab
from conftest import planted_sentences, train_fasttext_package
from embedlab import FormatError
from embedlab.train.fasttext import FastText
from embedlab.vectors.subword import SubwordVectors

WORDS = ["where", "there", "café", "naïve", "임베딩", "한국어", "cat", "cats", "dog", "dogs", "running", "runner"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    # a varied corpus: fastText's own training can hit NaN on tiny repetitive ones
    rng = random.Random(0)
    lines = [" ".join([*s, rng.choice(WORDS), rng.choice(WORDS)]) for s in planted_sentences(n=3000)]
    path = tmp_path_factory.mktemp("ftbin") / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_we_read_the_fasttext_packages_model(corpus, tmp_path):
    pytest.importorskip("fasttext")
    model = train_fasttext_package(corpus, minCount=1, dim=8, epoch=2, thread=1, verbose=0, bucket=5000)
    path = tmp_path / "theirs.bin"
    model.save_model(str(path))
    assert embedlab.io.detect_format(path) == "fasttext-bin"
    kv = embedlab.load(path)
    assert isinstance(kv, SubwordVectors) and kv.words == list(model.words)
    for word in [*WORDS, "</s>", "unseen", "카페", "dogsled"]:
        np.testing.assert_allclose(kv[word], model.get_word_vector(word), rtol=1e-5, atol=1e-6)


def test_the_fasttext_package_reads_ours(corpus, tmp_path):
    fasttext = pytest.importorskip("fasttext")
    kv = FastText(dim=8, min_count=1, epochs=2, bucket=5000, threads=1).fit(corpus)
    path = tmp_path / "ours.bin"
    kv.save(path, format="fasttext-bin")
    model = fasttext.load_model(str(path))
    assert list(model.words) == kv.words
    for word in [*WORDS, "unseen", "카페", "dogsled"]:
        np.testing.assert_allclose(model.get_word_vector(word), kv[word], rtol=1e-4, atol=1e-6)
    back = embedlab.load(path)
    np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-4, atol=1e-6)


def test_damaged_and_unsupported_files(corpus, tmp_path):
    kv = FastText(dim=4, min_count=1, epochs=1, bucket=100, threads=1).fit(corpus)
    path = tmp_path / "m.bin"
    kv.save(path, format="fasttext-bin")
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(FormatError, match="truncated|too short"):
        embedlab.load(path)
    jamo = FastText(dim=4, min_count=1, epochs=1, bucket=100, threads=1, subword="jamo").fit(corpus)
    with pytest.raises(FormatError, match="jamo"):
        jamo.save(tmp_path / "j.bin", format="fasttext-bin")
