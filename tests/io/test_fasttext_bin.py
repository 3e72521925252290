"""fastText .bin interchange with the fasttext package: both directions, in-vocabulary and OOV."""

import random

import numpy as np
import pytest

import embedlab
import embedlab.io
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


def test_reads_the_format_before_fasttext_0_1():
    """gensim's test files in the old format (no magic number): vectors equal fastText's own .vec."""
    gensim = pytest.importorskip("gensim", reason="the old-format files come with gensim's test data")
    from pathlib import Path

    from embedlab.io import load
    from embedlab.io.fasttext_bin import load_fasttext_bin

    data = Path(gensim.__file__).parent / "test" / "test_data"
    if not (data / "lee_fasttext.bin").is_file():
        pytest.skip("this gensim install has no test data")
    kv = load_fasttext_bin(data / "lee_fasttext.bin")
    vec = load(data / "lee_fasttext.vec", format="word2vec-txt")
    assert kv.words == vec.words and kv.dim == 10
    assert max(float(np.abs(kv.get_vector(w) - vec.get_vector(w)).max()) for w in vec.words) < 1e-4
    from gensim.models.fasttext import load_facebook_vectors

    theirs = load_facebook_vectors(str(data / "lee_fasttext.bin"))
    assert np.allclose(kv.get_vector("nonexistentword"), theirs["nonexistentword"], atol=1e-6)  # OOV from n-grams
    assert "který" in load_fasttext_bin(data / "non_ascii_fasttext.bin").words


def test_misaligned_dictionaries_are_refused(corpus, tmp_path):
    import struct

    kv = FastText(dim=4, min_count=1, epochs=1, bucket=100, threads=1).fit(corpus)
    path = tmp_path / "m.bin"
    kv.save(path, format="fasttext-bin")
    data = bytearray(path.read_bytes())
    header = 8 + 12 * 4 + 8  # magic, version, arguments
    first_word_end = data.index(b"\0", header + 28)
    flipped = bytearray(data)
    flipped[first_word_end + 9] = 1  # the first entry's type byte: a word now claims to be a label
    (tmp_path / "flipped.bin").write_bytes(bytes(flipped))
    with pytest.raises(FormatError, match="entry 0 .* has type 1"):
        embedlab.load(tmp_path / "flipped.bin")
    edited = bytearray(data)
    _, nwords = struct.unpack_from("<ii", edited, header)
    struct.pack_into("<i", edited, header + 4, nwords - 3)  # an edited word count
    (tmp_path / "nwords.bin").write_bytes(bytes(edited))
    with pytest.raises(FormatError, match="dictionary header is inconsistent"):
        embedlab.load(tmp_path / "nwords.bin")


@pytest.mark.parametrize("field,value", [(0, 0), (0, -(2**31)), (9, -3), (10, 2**31 - 1)])
def test_impossible_header_values_are_refused_before_they_size_anything(tmp_path, field, value):
    import struct

    ft = FastText(dim=4, min_count=1, epochs=1, bucket=100, threads=1).fit([["cat", "dog", "bird"]] * 20)
    ft.save(tmp_path / "m.bin", format="fasttext-bin")
    data = bytearray((tmp_path / "m.bin").read_bytes())
    struct.pack_into("<i", data, 8 + 4 * field, value)  # dim, minn or maxn
    (tmp_path / "bad.bin").write_bytes(bytes(data))
    with pytest.raises(FormatError, match="the file is damaged"):
        embedlab.load(tmp_path / "bad.bin")


@pytest.mark.parametrize("value", [0, -1, -(2**31)])
def test_a_supervised_model_with_an_impossible_word_ngrams_is_refused(tmp_path, value):
    import struct

    from embedlab.classify import SupervisedFastText

    texts = ["good film", "great movie", "bad film", "awful movie"] * 5
    model = SupervisedFastText(word_ngrams=2, epochs=2, bucket=1000).fit(texts, ["pos", "pos", "neg", "neg"] * 5)
    model.save(tmp_path / "m.bin")
    data = bytearray((tmp_path / "m.bin").read_bytes())
    struct.pack_into("<i", data, 8 + 4 * 5, value)  # wordNgrams, which sizes every line's rows
    (tmp_path / "bad.bin").write_bytes(bytes(data))
    with pytest.raises(FormatError, match="wordNgrams"):
        SupervisedFastText.load(tmp_path / "bad.bin")
