"""Labelled image sets: class folders, IDX files and OpenMoji, generated and (where present) the real ones."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from PIL import Image

from conftest import shape_images, shared, write_images
from embedlab.errors import ConfigError, FormatError
from embedlab.eval.image_sets import FASHION_MNIST_CLASSES, read_labelled_images, read_openmoji


def test_class_folders(tmp_path):
    x, y = shape_images(3)
    write_images(tmp_path / "set", x, y)
    (tmp_path / "set" / "empty-class").mkdir()  # a folder without images is not a class
    ds = read_labelled_images(tmp_path / "set")
    assert ds.classes == sorted(set(y)) and len(ds) == len(y)
    assert [ds.classes[i] for i in ds.labels] == sorted(y)
    (tmp_path / "flat").mkdir()
    Image.fromarray(x[0]).save(tmp_path / "flat" / "a.png")
    with pytest.raises(ConfigError, match="class subfolders"):
        read_labelled_images(tmp_path / "flat")


def _idx(data: np.ndarray) -> bytes:
    return bytes([0, 0, 8, data.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in data.shape) + data.tobytes()


def test_idx_pairs(tmp_path):
    images = np.arange(3 * 4 * 4, dtype=np.uint8).reshape(3, 4, 4)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx(images)))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx(np.array([0, 2, 1], np.uint8))))
    ds = read_labelled_images(tmp_path / "t10k-images-idx3-ubyte.gz", classes=["a", "b", "c"])
    assert ds.images.shape == (3, 4, 4) and list(ds.labels) == [0, 2, 1] and ds.classes == ["a", "b", "c"]
    (tmp_path / "other.gz").write_bytes(gzip.compress(_idx(images)))
    with pytest.raises(ConfigError, match="labels file"):
        read_labelled_images(tmp_path / "other.gz")
    (tmp_path / "few-labels.gz").write_bytes(gzip.compress(_idx(np.array([0, 1], np.uint8))))
    with pytest.raises(FormatError, match="do not match"):
        read_labelled_images(tmp_path / "t10k-images-idx3-ubyte.gz", tmp_path / "few-labels.gz")


def test_openmoji_layout(tmp_path):
    (tmp_path / "openmoji_72px").mkdir()
    for code, colour in (("1F600", (250, 200, 0)), ("2764", (220, 0, 0))):
        Image.new("RGB", (72, 72), colour).save(tmp_path / "openmoji_72px" / f"{code}.png")
    (tmp_path / "openmoji.csv").write_text(
        "emoji,hexcode,group,subgroups,annotation,tags\n"
        'x,1F600,smileys-emotion,face-smiling,grinning face,"face, grin"\n'
        "x,2764,smileys-emotion,heart,red heart,love\n"
        "x,FFFF,symbols,other,no picture,\n"
    )
    om = read_openmoji(tmp_path, size=16)
    assert om.images.shape == (2, 16, 16, 3) and om.captions() == ["grinning face: face, grin", "red heart: love"]
    assert (
        om.captions(tags=False) == ["grinning face", "red heart"]
        and list(om.column("group")) == ["smileys-emotion"] * 2
    )
    with pytest.raises(FileNotFoundError):
        read_openmoji(tmp_path / "nowhere")


def test_real_sets():
    om = read_openmoji(shared("images", "openmoji"))
    assert om.images.shape == (2465, 72, 72, 3) and len(set(om.column("group"))) == 12
    fashion = read_labelled_images(shared("images", "fashion_mnist_test", "t10k-images-idx3-ubyte.gz"),
                                   classes=list(FASHION_MNIST_CLASSES))  # fmt: skip
    assert fashion.images.shape == (10000, 28, 28) and np.bincount(fashion.labels).tolist() == [1000] * 10
    mnist = read_labelled_images(shared("images", "mnist_test", "t10k-images-idx3-ubyte.gz"))
    assert np.bincount(mnist.labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
