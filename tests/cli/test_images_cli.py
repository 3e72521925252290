"""The image commands end to end on generated images: encode --images, train image-cnn / image-text,
evaluate-images, zero-shot, plot-images; bad input exits non-zero with a message, no traceback."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import shape_images, write_images
from embedlab.cli.main import app

runner = CliRunner()


def ok(args):
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def fails(args, message):
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code != 0 and message in r.output and "Traceback" not in r.output, r.output
    return r


@pytest.fixture(scope="module")
def shapes_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("shapes")
    x, y = shape_images(15, seed=3)
    write_images(root / "train", x, y)
    xt, yt = shape_images(8, seed=4)
    write_images(root / "test", xt, yt)
    return root


def test_train_image_cnn_then_encode_and_evaluate(shapes_dir, tmp_path):
    model = tmp_path / "cnn"
    r = ok(["images", "train-cnn", shapes_dir / "train", "-o", model, "--width", "8", "--grid", "1", "--epochs", "12",
            "--batch-size", "16", "--json", "-q"])  # fmt: skip
    assert json.loads(r.stdout)["classes"] == 4 and (model / "image_cnn.json").is_file()
    out = tmp_path / "vecs.npy"
    ok(["encode", "--images", shapes_dir / "test", "-m", model, "-o", out, "-q"])
    vecs = np.load(out)
    listed = (tmp_path / "vecs.paths.txt").read_text().splitlines()
    assert vecs.shape == (32, 32) and len(listed) == 32 and listed[0].endswith(".png")
    r = ok(["images", "evaluate", shapes_dir / "train", "--test", shapes_dir / "test", "-m", model, "--json", "-q"])
    row = json.loads(r.stdout)["results"][0]
    assert row["knn"] > 0.7 and row["linear_probe"] > 0.7 and 0 < row["precision@10"] <= 1
    ok(["images", "plot", shapes_dir / "test", "-o", tmp_path / "map.png", "-m", model])
    assert (tmp_path / "map.png").stat().st_size > 5000


@pytest.mark.slow
def test_train_image_text_and_zero_shot(tmp_path):
    x, y = shape_images(6, size=40, colour=True, seed=8)
    paths = write_images(tmp_path / "pics", x, y)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"image": str(p.relative_to(tmp_path)), "caption": f"a {lab}"}) + "\n"
                             for p, lab in zip(paths, y, strict=True)))  # fmt: skip
    model = tmp_path / "space"
    ok(["images", "train-text", pairs, "-o", model, "--epochs", "40", "--batch-size", "32", "--lr", "0.003", "-q"])
    r = ok(
        [
            "images",
            "zero-shot",
            model,
            paths[0],
            paths[-1],
            "--classes",
            ",".join(sorted(set(y))),
            "--prompt",
            "a {}",
            "--json",
        ]
    )
    got = [row["label"] for row in json.loads(r.stdout)["results"]]
    assert got == [y[0], y[-1]]
    fails(["images", "zero-shot", model, paths[0], "--classes", "one"], "two classes")


def test_bad_image_input(tmp_path):
    (tmp_path / "empty").mkdir()
    fails(["encode", "--images", tmp_path / "empty", "-o", tmp_path / "v.npy"], "no images in")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    fails(["encode", "--images", bad, "-o", tmp_path / "v.npy"], "bad.png")
    fails(["encode", "-o", tmp_path / "v.npy"], "give a text FILE or --images DIR")
    fails(["images", "train-cnn", tmp_path / "empty", "-o", tmp_path / "m"], "class subfolders")
    lines = tmp_path / "pairs.jsonl"
    lines.write_text('{"image": "x.png"}\n')
    fails(["images", "train-text", lines, "-o", tmp_path / "m2"], "caption")
    fails(["images", "zero-shot", "efficientnet-lite0", bad, "--classes", "a,b"], "not an image-text model")
