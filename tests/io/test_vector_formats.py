"""Formats: native and word2vec round trips, interoperability with gensim, damaged files."""

import numpy as np
import pytest

import embedlab
from embedlab import FormatError, KeyedVectors


@pytest.fixture
def kv():
    rng = np.random.default_rng(1)
    words = ["the", "king", "왕", "café", "x1"]
    return KeyedVectors(
        words, rng.standard_normal((5, 7)).astype(np.float32), [50, 9, 8, 3, 1], metadata={"model": "test"}
    )


@pytest.mark.parametrize("fmt, name", [("native", "m"), ("word2vec-bin", "m.bin"), ("word2vec-txt", "m.txt")])
def test_round_trip_and_detection(tmp_path, kv, fmt, name):
    path = tmp_path / name
    embedlab.save(kv, path, format=fmt)
    assert embedlab.io.detect_format(path) == fmt
    back = embedlab.load(path)
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    if fmt == "native":
        assert back.vocab.counts.tolist() == [50, 9, 8, 3, 1] and back.metadata["model"] == "test"
        assert isinstance(back.vectors, np.memmap)


@pytest.mark.parametrize("binary", [True, False])
def test_gensim_reads_ours_and_we_read_gensims(tmp_path, kv, binary):
    gensim_models = pytest.importorskip("gensim.models")
    ours = tmp_path / "ours.w2v"
    embedlab.save(kv, ours, format="word2vec-bin" if binary else "word2vec-txt")
    g = gensim_models.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
    assert list(g.index_to_key) == kv.words
    np.testing.assert_array_equal(g.vectors, kv.vectors)

    theirs = tmp_path / "theirs.w2v"
    g.save_word2vec_format(str(theirs), binary=binary)
    back = embedlab.load(theirs)
    assert back.words == kv.words
    np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6)


def test_truncated_binary_fails_clearly(tmp_path, kv):
    path = tmp_path / "m.bin"
    kv.save(path, format="word2vec-bin")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(FormatError, match="truncated binary file: header says 5 words, only 4 are complete"):
        embedlab.load(path)


def test_truncated_text_and_bad_header(tmp_path, kv):
    path = tmp_path / "m.txt"
    kv.save(path, format="word2vec-txt")
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(FormatError, match="header says 5 words but the file has 4"):
        embedlab.load(path, format="word2vec-txt")
    path.write_text("hello world\n")
    with pytest.raises(FormatError, match="unknown model format"):
        embedlab.load(path)
    with pytest.raises(FormatError, match="model not found"):
        embedlab.load(tmp_path / "nothing")


def test_inconsistent_native_folder(tmp_path, kv):
    path = tmp_path / "m"
    kv.save(path)
    np.save(path / "vectors.npy", np.zeros((4, 7), np.float32))
    with pytest.raises(FormatError, match="truncated or mixed-up"):
        embedlab.load(path)
    (path / "config.json").write_text("{not json")
    with pytest.raises(FormatError, match="not valid JSON"):
        embedlab.load(path)


def test_failed_save_leaves_the_old_model_intact(tmp_path, kv, monkeypatch):
    path = tmp_path / "m"
    kv.save(path)
    before = sorted(p.name for p in tmp_path.iterdir())
    bigger = KeyedVectors(kv.words, kv.vectors * 2)

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("embedlab.vocab.vocab.Vocab.save_tsv", boom)
    with pytest.raises(KeyboardInterrupt):
        bigger.save(path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary leftovers
    np.testing.assert_array_equal(embedlab.load(path).vectors, kv.vectors)

    binpath = tmp_path / "m.bin"
    kv.save(binpath, format="word2vec-bin")
    bad = KeyedVectors(["has space", "b"], np.zeros((2, 7), np.float32))
    with pytest.raises(FormatError, match="has whitespace"):
        bad.save(binpath, format="word2vec-bin")
    np.testing.assert_array_equal(embedlab.load(binpath).vectors, kv.vectors)


def test_native_folder_names_its_kind_and_refuses_unknown_kinds(tmp_path, kv):
    import json

    path = tmp_path / "m"
    kv.save(path)
    config = json.loads((path / "config.json").read_text("utf-8"))
    assert config["kind"] == "KeyedVectors"
    config["kind"] = "os.system"  # a kind is looked up among registered artifacts, never imported by name
    (path / "config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(FormatError, match="unknown artifact kind 'os.system'"):
        embedlab.load(path)


def test_repeated_words_and_nan_vectors_are_refused_on_load(tmp_path):
    (tmp_path / "dup.txt").write_text("3 2\ncat 1 0\ndog 0 1\ncat 1 1\n")
    with pytest.raises(FormatError, match="'cat' appears more than once"):
        embedlab.load(tmp_path / "dup.txt")
    (tmp_path / "nan.txt").write_text("2 2\ncat 1 0\ndog nan 1\n")
    with pytest.raises(FormatError, match="'dog' .*NaN or infinite"):
        embedlab.load(tmp_path / "nan.txt")


def test_format_comes_from_structure_not_a_guess(tmp_path):
    # a text file whose header dim is wrong used to be read as binary: garbage vectors, words like '0.4\nqueen'
    (tmp_path / "wrongdim.txt").write_text("2 3\nking 0.1 0.2\nqueen 0.3 0.4\n")
    with pytest.raises(FormatError, match="dim=3"):
        embedlab.load(tmp_path / "wrongdim.txt")
    # words holding U+2028, U+0085 or invalid UTF-8 stay text (splitlines() used to cut them)
    kv = KeyedVectors(["a\u2028b", "c\x85d"], np.array([[1, 2], [3, 4]], dtype=np.float32))
    kv.save(tmp_path / "odd.txt", format="word2vec-txt")
    back = embedlab.load(tmp_path / "odd.txt")
    assert back.words == kv.words and np.array_equal(back.vectors, kv.vectors)
    # a header declaring fewer words than the file holds, or more than it could hold
    kv.save(tmp_path / "m.bin", format="word2vec-bin")
    data = (tmp_path / "m.bin").read_bytes()
    (tmp_path / "short.bin").write_bytes(b"1 2\n" + data.split(b"\n", 1)[1])
    with pytest.raises(FormatError, match="more than the 1 words"):
        embedlab.load(tmp_path / "short.bin")
    (tmp_path / "huge.bin").write_bytes(b"99999999999 2\n" + data.split(b"\n", 1)[1])
    with pytest.raises(FormatError, match="more than a file of"):
        embedlab.load(tmp_path / "huge.bin")


def test_invalid_utf8_in_binary_words_is_reported(tmp_path):
    rec = b"caf\xe9 " + np.array([1, 2], dtype="<f4").tobytes() + b"\n"
    (tmp_path / "bad.bin").write_bytes(b"1 2\n" + rec)
    with pytest.warns(UserWarning, match="not valid UTF-8"):
        kv = embedlab.load(tmp_path / "bad.bin")
    assert kv.words == ["caf\ufffd"]


def test_native_save_refuses_keys_it_could_not_read_back(tmp_path):
    kv = KeyedVectors(["ok", "tab\there"], np.ones((2, 2), dtype=np.float32))
    with pytest.raises(FormatError, match="holds a tab or newline"):
        kv.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_damaged_native_config_values_are_format_errors(tmp_path):
    import json

    KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    (tmp_path / "m" / "config.json").write_text(json.dumps({**config, "metadata": 1.5}))
    with pytest.raises(FormatError, match="wrong type"):
        embedlab.load(tmp_path / "m")


def test_a_word_holding_a_carriage_return_survives_the_native_folder(tmp_path):
    kv = KeyedVectors(["\rw", "a\rb", "plain"], np.eye(3, dtype=np.float32))
    kv.save(tmp_path / "m")
    assert embedlab.load(tmp_path / "m").words == ["\rw", "a\rb", "plain"]


def test_a_damaged_npy_header_or_a_folder_in_place_of_a_file_is_a_format_error(tmp_path):
    KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(tmp_path / "m")
    data = (tmp_path / "m" / "vectors.npy").read_bytes()
    (tmp_path / "m" / "vectors.npy").write_bytes(data.replace(b"'shape': (", b"'shape': ((", 1))
    with pytest.raises(FormatError, match="vectors.npy"):
        embedlab.load(tmp_path / "m")
    KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(tmp_path / "m")
    (tmp_path / "m" / "vocab.tsv").unlink()
    (tmp_path / "m" / "vocab.tsv").mkdir()
    with pytest.raises(FormatError, match="vocab file cannot be read"):
        embedlab.load(tmp_path / "m")


def test_config_json_is_strict_json_even_when_a_loss_is_nan(tmp_path):
    import json

    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    kv.metadata = {"training": {"loss_per_epoch": [float("nan"), 1.5], "curve": np.array([np.inf, 2.0])}}
    kv.save(tmp_path / "m")
    text = (tmp_path / "m" / "config.json").read_text()
    config = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in config.json"))
    assert config["metadata"]["training"] == {"loss_per_epoch": [None, 1.5], "curve": [None, 2.0]}


@pytest.mark.parametrize("value", ["١٢", "１.５", "1_0"])
def test_vector_values_in_other_digits_are_refused(tmp_path, value):
    """numpy reads '١٢' as 12 and '1_0' as 10: a word2vec text file holds ASCII decimals, so those are damage."""
    (tmp_path / "v.txt").write_text(f"2 2\na 0.1 0.2\nb 0.3 {value}\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 3"):
        embedlab.load(tmp_path / "v.txt", format="word2vec-txt")


@pytest.mark.parametrize("header", ["2 ²", "١ 2", "2 99999999999999999999999"])
def test_a_header_number_int_would_misread_is_refused(tmp_path, header):
    (tmp_path / "v.txt").write_text(f"{header}\na 0.1 0.2\nb 0.3 0.4\n", encoding="utf-8")
    with pytest.raises(FormatError):
        embedlab.load(tmp_path / "v.txt", format="word2vec-txt")
