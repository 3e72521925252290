"""What a new user met and should not: long phases with no word, messages that misled, an image taken for a
corpus. Each through the CLI in a subprocess, as the user ran it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from test_cli_end_to_end import assert_one_line_error, run

from conftest import shape_images, write_images


@pytest.mark.slow
def test_long_phases_say_what_they_are_doing(planted_model, tmp_path):
    """Fitting a head and calibrating it, and a probe's folds, show a status or progress line (stderr is not
    a terminal here: plain lines)."""
    train = tmp_path / "train.tsv"
    rng = np.random.default_rng(1)
    words = ["cat", "dog", "red", "blue"]
    kinds = [("animal", words[:2]), ("colour", words[2:])]
    train.write_text("".join(f"{kinds[i % 2][0]}\t{rng.choice(kinds[i % 2][1])}\n" for i in range(60)))
    proc = run("classify", "train-head", train, "--encoder", planted_model, "--intents", "--valid", train,
               "-o", tmp_path / "bot")  # fmt: skip
    assert "fitting the logistic head on 60 vectors, 2 classes" in proc.stderr and "done in" in proc.stderr
    assert "calibrating" in proc.stderr
    cnn = tmp_path / "cnn"
    shapes = tmp_path / "shapes"
    write_images(shapes, *shape_images(6, size=16))
    run("images", "train-cnn", shapes, "-o", cnn, "--epochs", 1, "--width", 4, "-q")
    proc = run("images", "evaluate", shapes, "-m", cnn, env={"EMBEDLAB_PROGRESS_INTERVAL": "0"})
    assert "linear probe:" in proc.stderr


@pytest.mark.slow
def test_messages_say_what_is_there(tmp_path, planted_model):
    train = tmp_path / "train.txt"
    train.write_text("".join(f"__label__{'ab'[i % 2]} w{i % 5} x{i % 2}\n" for i in range(60)))
    run("classify", "train", train, "-o", tmp_path / "clf.bin", "--epochs", 1, "--dim", 4, "-q")
    assert_one_line_error(run("words", "similar", tmp_path / "clf.bin", "w1", check_rc=None), "text classifier")
    run("classify", "train", train, "-o", tmp_path / "clf", "--epochs", 1, "--dim", 4, "-q")
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n" * 50)
    proc = run("words", "train", "word2vec", corpus, "-o", tmp_path / "clf", "--min-count", 1, check_rc=None)
    assert_one_line_error(proc, "an embedlab supervised classifier (a folder), not an embedlab model")
    proc = run("encode", corpus, "-o", tmp_path / "v.npy", env={"HF_HUB_OFFLINE": "1"})
    assert "Loading weights" not in proc.stderr and "wrote 50 x 384 vectors" in proc.stderr


def test_an_image_is_not_a_corpus(tmp_path):
    x, _ = shape_images(1, size=32)
    photo = tmp_path / "photo.png"
    Image.fromarray(x[0]).save(photo)
    np.save(tmp_path / "vectors.npy", np.ones((50, 4), np.float32))
    for path, what in ((photo, "a PNG image"), (tmp_path / "vectors.npy", "a .npy array")):
        proc = run("words", "train", "word2vec", path, "-o", tmp_path / "m", "--min-count", 1, check_rc=None)
        assert_one_line_error(proc, what)
        assert not (tmp_path / "m").exists()
