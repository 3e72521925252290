"""Vector codecs: how rows are stored smaller, and read back as float32.

Each codec turns ``[n, dim]`` float32 rows into codes and back, block by block, and states what
it costs:

======== ================ ==========================================================
codec    bytes per row    error of a decoded value
======== ================ ==========================================================
float16  2 · dim          relative ≤ 2⁻¹¹ (half a unit in the last place of float16)
int8     dim              ≤ half a step, step = (max − min) / 255 of that dimension in
                          the calibration data; values outside its range are clipped
binary   ⌈dim / 8⌉        only the sign is kept: a row decodes to ±1/√dim (unit length)
pq       m                product quantization (faiss): each of m sub-vectors is the
                          nearest of 256 centroids learnt on the data; measured, not bounded
======== ================ ==========================================================

int8 needs calibration data to learn each dimension's range. Quantizing without it is refused
(the ranges of a single batch are no ranges at all: with one row every dimension has min = max
and every value would become the same code).

>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(500, 8)).astype(np.float32)
>>> codec = Int8Codec(8).fit(x)
>>> float(np.abs(codec.decode(codec.encode(x)) - x).max()) <= float(codec.step.max()) / 2 + 1e-6
True
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError, FormatError, MissingDependencyError

__all__ = ["CODECS", "BinaryCodec", "Codec", "Float16Codec", "Int8Codec", "PQCodec", "codec_from_state", "make_codec"]


class Codec:
    """Base: ``fit`` (where the codec learns from data), ``encode``, ``decode``, ``state``."""

    name: ClassVar[str] = ""
    code_dtype: ClassVar[Any] = np.uint8

    def __init__(self, dim: int) -> None:
        self.dim = check_int("dim", dim, 1)

    @property
    def code_width(self) -> int:
        """Code entries per row."""
        raise NotImplementedError

    @property
    def bytes_per_row(self) -> int:
        return self.code_width * np.dtype(self.code_dtype).itemsize

    def fit(self, data: np.ndarray) -> Codec:
        return self

    def encode(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def decode(self, codes: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def lut(self, q: np.ndarray) -> np.ndarray | None:
        """``lut[j, byte]``: the query's dot product with what byte ``j`` of a code stands for, so that a
        decoded row's dot product is the sum over its bytes (None: this codec scores otherwise)."""
        return None

    def _rows(self, x: np.ndarray, what: str = "vectors") -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ConfigError(f"{what} must have shape [n, {self.dim}] for this {self.name} codec, got {x.shape}")
        return x

    def check_codes(self, codes: np.ndarray) -> None:
        if codes.ndim != 2 or codes.shape[1] != self.code_width or codes.dtype != np.dtype(self.code_dtype):
            raise FormatError(
                f"{self.name} codes must be {np.dtype(self.code_dtype)} [n, {self.code_width}], "
                f"got {codes.dtype} {codes.shape}"
            )

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(config entries, named float32 arrays) that rebuild the codec."""
        return {"name": self.name, "dim": self.dim}, {}


class Float16Codec(Codec):
    name = "float16"
    code_dtype = np.float16

    @property
    def code_width(self) -> int:
        return self.dim

    def encode(self, x: np.ndarray) -> np.ndarray:
        x = self._rows(x)
        if np.abs(x).max(initial=0.0) > 65504:
            raise ConfigError("a value exceeds float16's range (65504); scale the vectors or use int8")
        return x.astype(np.float16)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return np.asarray(codes, dtype=np.float32)


class Int8Codec(Codec):
    """int8 with a per-dimension range learnt from calibration data (``fit``)."""

    name = "int8"
    code_dtype = np.int8

    def __init__(self, dim: int, low: np.ndarray | None = None, step: np.ndarray | None = None) -> None:
        super().__init__(dim)
        self.low, self.step = low, step

    @property
    def code_width(self) -> int:
        return self.dim

    def fit(self, data: np.ndarray | None) -> Int8Codec:
        if data is None:
            raise ConfigError(
                "int8 quantization needs calibration data to learn each dimension's range: pass calibration= "
                "(the vectors themselves, or a sample of vectors like the ones to be quantized)"
            )
        x = self._rows(data, "calibration data")
        if x.shape[0] < 2:
            raise ConfigError(
                f"int8 calibration needs at least 2 rows, got {x.shape[0]}: with fewer, every dimension's range "
                "is empty and every value would quantize to the same code"
            )
        if not np.isfinite(x).all():
            raise ConfigError("calibration data holds NaN or infinite values")
        low, high = x.min(axis=0), x.max(axis=0)
        self.low = low.astype(np.float32)
        self.step = (np.maximum(high - low, 1e-12) / 255.0).astype(np.float32)
        return self

    def _ready(self) -> tuple[np.ndarray, np.ndarray]:
        if self.low is None or self.step is None:
            raise ConfigError("this int8 codec has no calibration yet: call fit(calibration_data) first")
        return self.low, self.step

    def encode(self, x: np.ndarray) -> np.ndarray:
        low, step = self._ready()
        q = np.rint((self._rows(x) - low) / step)
        return (np.clip(q, 0, 255) - 128).astype(np.int8)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        low, step = self._ready()
        return (codes.astype(np.float32) + 128.0) * step + low

    def lut(self, q: np.ndarray) -> np.ndarray:
        low, step = self._ready()
        value = ((np.arange(256) + 128) % 256).astype(np.float32)  # the int8 code whose byte is u, plus 128
        return (np.asarray(q, np.float32)[:, None] * (value[None, :] * step[:, None] + low[:, None])).astype(np.float32)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        low, step = self._ready()
        return {"name": self.name, "dim": self.dim}, {"codec_low": low, "codec_step": step}


class BinaryCodec(Codec):
    """Sign bits, 8 dimensions a byte; decodes to ±1/√dim, so decoded rows have unit length."""

    name = "binary"

    @property
    def code_width(self) -> int:
        return (self.dim + 7) // 8

    def encode(self, x: np.ndarray) -> np.ndarray:
        return np.packbits(self._rows(x) > 0, axis=1)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        bits = np.unpackbits(codes, axis=1, count=self.dim).astype(np.float32)
        return (2.0 * bits - 1.0) / np.float32(np.sqrt(self.dim))

    def lut(self, q: np.ndarray) -> np.ndarray:
        width = self.code_width
        padded = np.zeros(width * 8, dtype=np.float32)
        padded[: self.dim] = q
        signs = 2.0 * np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).astype(np.float32) - 1.0
        return (padded.reshape(width, 8) @ signs.T / np.float32(np.sqrt(self.dim))).astype(np.float32)


class PQCodec(Codec):
    """Product quantization (faiss): ``m`` sub-vectors of ``dim / m`` dimensions, 256 centroids each."""

    name = "pq"

    def __init__(self, dim: int, m: int | None = None, centroids: np.ndarray | None = None) -> None:
        super().__init__(dim)
        if m is None:
            m = next(k for k in (dim // 4, dim // 2, dim) if k >= 1 and dim % k == 0)
        self.m = check_int("m", m, 1, dim)
        if dim % self.m:
            raise ConfigError(f"pq needs m to divide the dimension: {dim} is not a multiple of m={self.m}")
        self._pq: Any = None
        if centroids is not None:
            if centroids.size != self.dim * 256:
                raise FormatError(f"pq centroids hold {centroids.size} values, expected {self.dim * 256}")
            pq = self._build()
            self._faiss().copy_array_to_vector(np.ascontiguousarray(centroids, np.float32).ravel(), pq.centroids)

    @staticmethod
    def _faiss() -> Any:
        try:
            import faiss
        except ImportError:
            raise MissingDependencyError("faiss-cpu", "search") from None
        return faiss

    def _build(self) -> Any:
        self._pq = self._faiss().ProductQuantizer(self.dim, self.m, 8)
        return self._pq

    @property
    def code_width(self) -> int:
        return self.m

    def fit(self, data: np.ndarray) -> PQCodec:
        x = self._rows(data, "training data")
        if x.shape[0] < 256:
            raise ConfigError(f"pq learns 256 centroids per sub-vector and needs at least 256 rows, got {x.shape[0]}")
        self._build().train(np.ascontiguousarray(x))
        return self

    def _ready(self) -> Any:
        if self._pq is None:
            raise ConfigError("this pq codec is not trained yet: call fit(data) first")
        return self._pq

    def encode(self, x: np.ndarray) -> np.ndarray:
        return self._ready().compute_codes(np.ascontiguousarray(self._rows(x)))

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return self._ready().decode(np.ascontiguousarray(codes, dtype=np.uint8))

    def lut(self, q: np.ndarray) -> np.ndarray:
        pq = self._ready()
        centroids = self._faiss().vector_to_array(pq.centroids).reshape(self.m, 256, self.dim // self.m)
        return np.einsum("jcd,jd->jc", centroids, np.asarray(q, np.float32).reshape(self.m, -1)).astype(np.float32)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        centroids = self._faiss().vector_to_array(self._ready().centroids).astype(np.float32)
        return {"name": self.name, "dim": self.dim, "m": self.m}, {"codec_centroids": centroids}


CODECS: dict[str, type[Codec]] = {c.name: c for c in (Float16Codec, Int8Codec, BinaryCodec, PQCodec)}


def make_codec(name: str, dim: int, **params: Any) -> Codec:
    """A new codec by name (``m`` for pq)."""
    check_choice("method", name, tuple(CODECS))
    return CODECS[name](dim, **params)


def codec_from_state(config: dict[str, Any], arrays: dict[str, np.ndarray]) -> Codec:
    """Rebuild a codec from what :meth:`Codec.state` gave (a saved folder); FormatError when inconsistent."""
    name, dim = config.get("name"), config.get("dim")
    if name not in CODECS or type(dim) is not int or dim < 1:
        raise FormatError(f"unknown or damaged codec description {config!r}")
    if name == "int8":
        low, step = arrays.get("codec_low"), arrays.get("codec_step")
        if low is None or step is None or low.shape != (dim,) or step.shape != (dim,):
            raise FormatError("int8 codec ranges are missing or of the wrong shape")
        if not (np.isfinite(low).all() and np.isfinite(step).all() and (step > 0).all()):
            raise FormatError("int8 codec ranges hold NaN, infinite or non-positive steps")
        return Int8Codec(dim, np.asarray(low, np.float32), np.asarray(step, np.float32))
    if name == "pq":
        m = config.get("m")
        if type(m) is not int or m < 1 or dim % m:
            raise FormatError(f"pq codec m={m!r} does not divide dim {dim}")
        centroids = arrays.get("codec_centroids")
        if centroids is None or not np.isfinite(centroids).all():
            raise FormatError("pq centroids are missing or hold NaN")
        return PQCodec(dim, m, centroids)
    return CODECS[name](dim)
