"""Image encoders: EfficientNet-Lite0's conversion is sound, the trained CNN clusters shapes, both
round-trip and refuse bad input clearly."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import shape_images, write_images
from embedlab.encoders import load_encoder
from embedlab.encoders.image_cnn import CNNEncoder, train_image_embedder
from embedlab.encoders.images import EfficientNetEncoder
from embedlab.errors import ConfigError, FormatError
from embedlab.eval.images import knn_accuracy


@pytest.fixture(scope="module")
def lite0():
    return EfficientNetEncoder()


def test_lite0_weights_give_imagenet_classes(lite0):
    """The ImageNet head on the converted network names scikit-learn's two sample photos right:
    a Chinese palace (698 palace) and a flower (985 daisy); a wrong padding, scaling or layer
    order does not."""
    from sklearn.datasets import load_sample_image

    photos = []
    for name in ("china.jpg", "flower.jpg"):
        im = load_sample_image(name)
        left = (im.shape[1] - im.shape[0]) // 2
        photos.append(np.ascontiguousarray(im[:, left : left + im.shape[0]]))
    top, probs = lite0.classify(photos, k=5)
    assert top[0, 0] == 698 and top[1, 0] == 985
    assert (probs[:, 0] > 0.15).all()


@pytest.mark.slow
def test_lite0_features_cluster_shapes_better_than_pixels(lite0):
    x, y = shape_images(12, size=48, colour=True, seed=3)
    shapes = [lab.split()[1] for lab in y]
    vecs = lite0.encode(x, batch_size=32)
    assert vecs.shape == (len(x), 1280) and vecs.dtype == np.float32
    feats = knn_accuracy(vecs, shapes, k=5, folds=4)["accuracy"]
    pixels = knn_accuracy(x.reshape(len(x), -1).astype(np.float32), shapes, k=5, folds=4)["accuracy"]
    assert feats > 0.8 and feats > pixels + 0.1


def test_lite0_inputs_agree(lite0, tmp_path):
    x, y = shape_images(1, size=32, colour=True)
    paths = write_images(tmp_path, x[:3], y[:3])
    a = lite0.encode(paths)
    b = lite0.encode(x[:3])
    np.testing.assert_allclose(a, b, atol=1e-5)
    assert np.allclose(np.linalg.norm(lite0.encode(x[:2], normalize=True), axis=1), 1, atol=1e-5)
    assert load_encoder("efficientnet-lite0", size=64).size == 64


def test_image_encoders_refuse_text_queries(lite0):
    with pytest.raises(ConfigError, match="encodes images only"):
        lite0.encode_queries(["a cat"])


def test_trained_cnn_clusters_unseen_shapes(shapes_cnn):
    _, enc = shapes_cnn
    x, y = shape_images(25, seed=7)  # images the network never saw
    vecs = enc.encode(x)
    assert vecs.shape == (len(x), 16)
    assert knn_accuracy(vecs, y, k=5)["accuracy"] > 0.85  # chance: 0.25
    assert enc.labels == sorted(set(y))


def test_another_readout_of_the_same_network(shapes_cnn):
    """with_readout reads the trained network another way: the grid of the middle stage goes before the
    last hidden layer (multiscale), the square root is taken (power); the original is left as it was."""
    _, enc = shapes_cnn  # trained with multiscale=False, power=True
    x, _ = shape_images(2, seed=9)
    plain = enc.with_readout(multiscale=False, power=False)
    wide = enc.with_readout(multiscale=True, power=True)
    base, raw, both = enc.encode(x), plain.encode(x), wide.encode(x)
    np.testing.assert_allclose(base, np.sqrt(np.clip(raw, 0, None)), atol=1e-5)
    assert both.shape[1] == wide.dim > enc.dim and wide.config["multiscale"] and not enc.config["multiscale"]
    np.testing.assert_allclose(both[:, -enc.dim :], base, atol=1e-5)  # the last hidden layer comes last
    np.testing.assert_allclose(enc.encode(x), base)


def test_cnn_save_load_round_trip(shapes_cnn, tmp_path):
    path, enc = shapes_cnn
    x, _ = shape_images(3, seed=9)
    again = load_encoder(path)
    assert isinstance(again, CNNEncoder) and again.dim == enc.dim
    np.testing.assert_allclose(again.encode(x), enc.encode(x), atol=1e-6)
    # resized and colour inputs are converted to the network's 28 x 28 grey
    assert again.encode(np.zeros((2, 40, 40, 3), np.uint8)).shape == (2, 16)


def test_cnn_training_trains_from_paths(tmp_path):
    x, y = shape_images(8, size=20)
    paths = write_images(tmp_path, x, y)
    enc = train_image_embedder(paths, y, width=4, grid=1, epochs=1, batch_size=8)
    assert enc.size == 20 and enc.channels == 1 and enc.encode(paths[:2]).shape == (2, 16)


def test_cnn_bad_input(tmp_path, shapes_cnn):
    x, y = shape_images(4)
    with pytest.raises(ConfigError, match="labels"):
        train_image_embedder(x, y[:-1], epochs=1)
    with pytest.raises(ConfigError, match="two classes"):
        train_image_embedder(x, ["same"] * len(x), epochs=1)
    with pytest.raises(ConfigError, match="epochs"):
        train_image_embedder(x, y, epochs=0)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "image_cnn.json").write_text("{not json")
    with pytest.raises(FormatError, match="not JSON"):
        load_encoder(broken)
    path, _ = shapes_cnn
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "image_cnn.json").write_text(
        (path / "image_cnn.json").read_text().replace('"hidden": 16', '"hidden": 17')
    )
    (damaged / "weights.safetensors").write_bytes((path / "weights.safetensors").read_bytes())
    with pytest.raises(FormatError, match="do not fit"):
        load_encoder(damaged)
