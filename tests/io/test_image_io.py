"""Image reading: every input kind gives the same pixels; bad input is a clear error."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from PIL import Image

from conftest import shape_images, write_images
from embedlab.errors import ConfigError, FormatError
from embedlab.io.images import as_image_list, images_to_array, list_images, read_idx


def test_paths_pil_and_arrays_give_the_same_pixels(tmp_path):
    x, y = shape_images(2, colour=True)
    paths = write_images(tmp_path, x, y)
    from_paths = images_to_array(paths, 28, 3)
    from_pil = images_to_array([Image.fromarray(im) for im in x], 28, 3)
    from_batch = images_to_array(x, 28, 3)
    from_list = images_to_array(list(x), 28, 3)
    assert from_paths.shape == (len(x), 28, 28, 3)
    for other in (from_pil, from_batch, from_list):
        np.testing.assert_array_equal(from_paths, other)


def test_conversion_resizing_and_transparency():
    grey = np.full((10, 12), 200, np.uint8)
    out = images_to_array([grey], 16, 3)
    assert out.shape == (1, 16, 16, 3) and (out == 200).all()  # grey to RGB, resized
    rgba = np.zeros((8, 8, 4), np.uint8)  # fully transparent: white shows through
    assert (images_to_array([rgba], 8, 3) == 255).all()
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[..., 0] = 255
    assert images_to_array([rgb], 8, 1)[0, 0, 0, 0] == 76  # ITU-R 601 luma of pure red
    assert images_to_array(np.zeros((3, 5, 5, 1), np.uint8), 5, 1).shape == (3, 5, 5, 1)


def test_a_single_image_and_batches():
    one = np.zeros((6, 6, 3), np.uint8)
    assert len(as_image_list(one)) == 1
    assert len(as_image_list(np.zeros((4, 6, 6), np.uint8))) == 4
    assert len(as_image_list(np.zeros((4, 6, 6, 3), np.uint8))) == 4


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([np.zeros((5, 5), np.float32)], "uint8"),
        ([np.zeros((5, 5, 2), np.uint8)], "shape"),
        ([np.zeros((2, 5, 5, 5, 3), np.uint8)], "shape"),
        ([], "empty"),
        (b"\x89PNG", "bytes"),
        ([3.5], "float"),
        (42, "int"),
    ],
)
def test_wrong_mode_or_shape_is_a_config_error(bad, message):
    with pytest.raises(ConfigError, match=message):
        images_to_array(bad, 8, 3)


def test_unreadable_and_missing_files(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(FormatError, match="broken.png"):
        images_to_array([bad], 8, 3)
    with pytest.raises(FileNotFoundError, match="missing.png"):
        images_to_array([tmp_path / "missing.png"], 8, 3)


def test_list_images(tmp_path):
    x, y = shape_images(2)
    write_images(tmp_path / "set", x, y)
    (tmp_path / "set" / "notes.txt").write_text("not an image")
    found = list_images(tmp_path / "set")
    assert len(found) == len(x) and all(p.suffix == ".png" for p in found) and found == sorted(found)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no images in"):
        list_images(tmp_path / "empty")
    with pytest.raises(FileNotFoundError):
        list_images(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="not a folder"):
        list_images(found[0])


def _idx(data: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, data.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in data.shape)
    return header + data.astype(np.uint8).tobytes()


def test_read_idx_plain_and_gzip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "x-idx3").write_bytes(_idx(images))
    (tmp_path / "x-idx3.gz").write_bytes(gzip.compress(_idx(images)))
    np.testing.assert_array_equal(read_idx(tmp_path / "x-idx3"), images)
    np.testing.assert_array_equal(read_idx(tmp_path / "x-idx3.gz"), images)
    (tmp_path / "bad").write_bytes(b"\x00\x00\x0d\x01" + (5).to_bytes(4, "big"))
    with pytest.raises(FormatError, match="magic"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(_idx(images)[:-3])
    with pytest.raises(FormatError, match="header says"):
        read_idx(tmp_path / "short")
