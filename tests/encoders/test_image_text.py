"""The image-text space (LiT): it learns planted image-caption pairs, classifies unseen images by
prompts, retrieves both ways, round-trips through its folder, and refuses bad input."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import shape_images
from embedlab.encoders import load_encoder
from embedlab.encoders.image_text import ImageTextEncoder, train_image_text
from embedlab.encoders.images import EfficientNetEncoder
from embedlab.errors import ConfigError, FormatError
from embedlab.eval.images import cross_modal_recall


@pytest.fixture(scope="module")
def tower():
    return EfficientNetEncoder(size=64)


@pytest.fixture(scope="module")
def shapes_space(tower, minilm):
    x, y = shape_images(25, size=48, colour=True, seed=2)
    return train_image_text(x, [f"a {lab}" for lab in y], image_encoder=tower, text_encoder=minilm, epochs=60,
                            batch_size=100, lr=3e-3)  # fmt: skip


def test_zero_shot_on_unseen_images(shapes_space):
    x, y = shape_images(4, size=48, colour=True, seed=11)
    kinds = sorted(set(y))
    labels, probs = shapes_space.zero_shot(x, kinds, template="a {}")
    assert probs.shape == (len(x), len(kinds)) and np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    assert np.mean([a == b for a, b in zip(labels, y, strict=True)]) > 0.8  # chance: 1/12


def test_retrieval_both_ways(shapes_space):
    x, y = shape_images(3, size=48, colour=True, seed=12)
    r = cross_modal_recall(shapes_space.encode(x), shapes_space.encode_texts([f"a {lab}" for lab in y]),
                           ks=(1, 5), groups=y)  # fmt: skip
    assert r["text_to_image_recall@1"] > 0.8 and r["image_to_text_recall@1"] > 0.8
    assert 0.0 < shapes_space.temperature < 0.07  # learnt: sharper than where it started


def test_shuffled_captions_teach_nothing(tower, minilm):
    x, y = shape_images(10, size=48, colour=True, seed=2)
    wrong = list(np.random.default_rng(0).permutation([f"a {lab}" for lab in y]))
    model = train_image_text(x, wrong, image_encoder=tower, text_encoder=minilm, epochs=60, batch_size=64, lr=3e-3)
    xt, yt = shape_images(4, size=48, colour=True, seed=11)
    labels, _ = model.zero_shot(xt, sorted(set(yt)), template="a {}")
    assert np.mean([a == b for a, b in zip(labels, yt, strict=True)]) < 0.35


def test_save_load_round_trip(shapes_space, minilm, tmp_path):
    path = shapes_space.save(tmp_path / "space")
    again = load_encoder(path)
    assert isinstance(again, ImageTextEncoder) and again.dim == 384 and again.modality == "image"
    x, _ = shape_images(1, size=48, colour=True, seed=5)
    np.testing.assert_allclose(again.encode(x), shapes_space.encode(x), atol=1e-5)
    np.testing.assert_allclose(again.encode_queries(["a red circle"]), shapes_space.encode_texts("a red circle"),
                               atol=1e-5)  # fmt: skip
    assert again.config["logit_scale"] == pytest.approx(shapes_space.config["logit_scale"])


def test_a_trained_cnn_as_image_tower_travels_with_the_model(shapes_cnn, minilm, tmp_path):
    _, cnn = shapes_cnn
    x, y = shape_images(6, seed=4)
    model = train_image_text(x, [f"a {lab}" for lab in y], image_encoder=cnn, text_encoder=minilm, epochs=5)
    path = model.save(tmp_path / "cnn-space")
    assert (path / "image_tower" / "image_cnn.json").is_file()
    np.testing.assert_allclose(ImageTextEncoder.load(path).encode(x[:2]), model.encode(x[:2]), atol=1e-5)


def test_bad_input(shapes_space, tower, minilm, tmp_path):
    x, _ = shape_images(2, size=48, colour=True)
    with pytest.raises(ConfigError, match="captions"):
        train_image_text(x, ["a"] * (len(x) - 1), image_encoder=tower, text_encoder=minilm)
    with pytest.raises(ConfigError, match="not an image encoder"):
        train_image_text(x, ["a"] * len(x), image_encoder=minilm, text_encoder=minilm)
    with pytest.raises(ConfigError, match="two classes"):
        shapes_space.zero_shot(x, ["circle"])
    with pytest.raises(ConfigError, match="template"):
        shapes_space.zero_shot(x, ["circle", "square"], template="a photo")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "image_text.json").write_text('{"format": "something else"}')
    with pytest.raises(FormatError, match="not an embedlab image-text"):
        load_encoder(tmp_path / "bad")
