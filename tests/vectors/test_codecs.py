"""Vector codecs: each round-trips within its stated error; int8 refuses to work without calibration."""

import numpy as np
import pytest

from embedlab.errors import ConfigError, FormatError
from embedlab.vectors.codecs import BinaryCodec, Float16Codec, Int8Codec, PQCodec, codec_from_state, make_codec


@pytest.fixture
def rows():
    return np.random.default_rng(0).normal(size=(600, 32)).astype(np.float32)


def test_float16_error_is_within_half_an_ulp(rows):
    codec = Float16Codec(32)
    back = codec.decode(codec.encode(rows))
    assert np.all(np.abs(back - rows) <= np.abs(rows) * 2.0**-11 + 2.0**-24)
    assert codec.bytes_per_row == 64


def test_int8_error_is_within_half_a_step_inside_the_calibrated_range(rows):
    codec = Int8Codec(32).fit(rows)
    back = codec.decode(codec.encode(rows))
    assert np.all(np.abs(back - rows) <= codec.step / 2 + 1e-6)
    assert codec.bytes_per_row == 32
    far = codec.decode(codec.encode(rows * 10))  # outside the range: clipped to it
    assert np.allclose(far.max(axis=0), rows.max(axis=0), atol=1e-5)


@pytest.mark.parametrize(
    "calibration,message",
    [(None, "needs calibration data"), (np.zeros((0, 32)), "at least 2 rows"), (np.ones((1, 32)), "at least 2 rows"),
     (np.full((5, 32), np.nan), "NaN")],
)  # fmt: skip
def test_int8_without_usable_calibration_is_refused(calibration, message):
    with pytest.raises(ConfigError, match=message):
        Int8Codec(32).fit(calibration)
    with pytest.raises(ConfigError, match="no calibration"):
        Int8Codec(32).encode(np.ones((3, 32)))


def test_binary_keeps_signs_and_decodes_to_unit_rows(rows):
    codec = BinaryCodec(32)
    codes = codec.encode(rows)
    assert codes.shape == (600, 4) and codes.dtype == np.uint8
    back = codec.decode(codes)
    assert np.array_equal(back > 0, rows > 0)
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0)


def test_pq_reconstructs_clustered_data_closely():
    pytest.importorskip("faiss")
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(20, 32))
    x = (centres[rng.integers(0, 20, 2000)] + 0.05 * rng.normal(size=(2000, 32))).astype(np.float32)
    codec = PQCodec(32, m=8).fit(x)
    back = codec.decode(codec.encode(x))
    cos = np.sum(back * x, axis=1) / (np.linalg.norm(back, axis=1) * np.linalg.norm(x, axis=1))
    assert codec.bytes_per_row == 8 and cos.mean() > 0.99
    with pytest.raises(ConfigError, match="at least 256 rows"):
        PQCodec(32, m=8).fit(x[:100])
    with pytest.raises(ConfigError, match="divide"):
        PQCodec(30, m=8)


@pytest.mark.parametrize("name", ["float16", "int8", "binary", "pq"])
def test_state_rebuilds_the_same_codec_and_wrong_shapes_are_refused(name, rows):
    if name == "pq":
        pytest.importorskip("faiss")
    codec = make_codec(name, 32)
    if name in ("int8", "pq"):
        codec.fit(rows)
    config, arrays = codec.state()
    again = codec_from_state(config, arrays)
    assert np.array_equal(again.encode(rows), codec.encode(rows))
    with pytest.raises(ConfigError, match=r"shape \[n, 32\]"):
        codec.encode(rows[:, :16])
    with pytest.raises(FormatError):
        codec.check_codes(codec.encode(rows)[:, :1])


def test_damaged_codec_descriptions_are_format_errors():
    with pytest.raises(FormatError):
        codec_from_state({"name": "int8", "dim": 4}, {"codec_low": np.zeros(4), "codec_step": np.zeros(4)})
    with pytest.raises(FormatError):
        codec_from_state({"name": "zip", "dim": 4}, {})
    with pytest.raises(FormatError):
        codec_from_state({"name": "pq", "dim": 30, "m": 8}, {})
