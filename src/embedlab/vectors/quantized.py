"""QuantizedVectors: key-addressed vectors stored as codes (float16, int8, binary, pq), queried as they are.

The unit-length rows are encoded (cosine is what neighbours, analogies and the evaluators use) and
each row's length is kept as one float32, so ``get_vector`` gives back the raw vector too. Queries
score the codes block by block (decoding 16,384 rows at a time), so the float32 matrix is never
built; ``vectors`` and ``unit_vectors`` do build it, for code that needs a whole matrix.

>>> import numpy as np
>>> from embedlab.vectors.keyed import KeyedVectors
>>> kv = KeyedVectors(["king", "queen", "man", "woman"],
...                   np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=np.float32))
>>> q = QuantizedVectors.from_vectors(kv, "int8")
>>> q.analogy("man", "king", "woman"), q.nbytes < kv.vectors.nbytes
('queen', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._params import keyword_aliases
from embedlab._validation import check_int
from embedlab.errors import ConfigError, FormatError
from embedlab.kernels.codes import half_scores, half_table, lut_scores
from embedlab.vectors.codecs import Codec, codec_from_state, make_codec
from embedlab.vectors.keyed import KeyedVectors, topk_rows
from embedlab.vocab.vocab import Vocab

__all__ = ["QuantizedVectors"]

_DECODE_BLOCK = 16_384  # rows decoded at a time by a query


class QuantizedVectors(KeyedVectors):
    """Keys and their vectors as codes of ``codec``; ``norms`` are the rows' original lengths."""

    def __init__(
        self,
        words: Sequence[str],
        codes: np.ndarray,
        codec: Codec,
        norms: np.ndarray,
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        codec.check_codes(codes)
        if codes.shape[0] != len(words) or np.shape(norms) != (len(words),):
            raise ConfigError(f"{len(words)} words, {codes.shape[0]} code rows and {np.shape(norms)} norms")
        self.vocab = Vocab(words, counts)
        self.codes = codes
        self.codec = codec
        self.norms = np.asarray(norms, dtype=np.float32)
        self.metadata = dict(metadata or {})
        self._unit = None
        self._full: np.ndarray | None = None
        self._norms_decoded: np.ndarray | None = None

    @classmethod
    def from_vectors(
        cls, kv: KeyedVectors, method: str, *, calibration: np.ndarray | None = None, **params: Any
    ) -> QuantizedVectors:
        """Compress ``kv`` with codec ``method``. int8's ranges come from ``calibration`` (default: the
        unit rows themselves); pq learns its centroids from the rows (``m`` sub-vectors)."""
        unit = normalize_rows(np.array(kv.vectors, dtype=np.float32))
        codec = make_codec(method, kv.dim, **params)
        if method == "int8":
            codec.fit(unit if calibration is None else normalize_rows(np.asarray(calibration, np.float32)))
        elif method == "pq":
            codec.fit(unit)
        codes = np.concatenate(
            [codec.encode(unit[s : s + _DECODE_BLOCK]) for s in range(0, len(kv), _DECODE_BLOCK)]
        ) if len(kv) else np.zeros((0, codec.code_width), codec.code_dtype)  # fmt: skip
        norms = np.linalg.norm(np.asarray(kv.vectors, dtype=np.float32), axis=1)
        meta = {**kv.metadata, "compression": {"method": method, "bytes_per_row": codec.bytes_per_row}}
        return cls(kv.keys, codes, codec, norms, kv.vocab.counts, metadata=meta)

    # ----------------------------------------------------------------- sizes and reads
    @property
    def dim(self) -> int:
        return self.codec.dim

    @property
    def nbytes(self) -> int:
        """Bytes of the codes and norms (what replaces the float32 matrix)."""
        return int(self.codes.nbytes + self.norms.nbytes)

    def unit_rows(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Decoded rows ``start:stop``, scaled to unit length."""
        return normalize_rows(self.codec.decode(self.codes[start:stop]))

    @property
    def unit_vectors(self) -> np.ndarray:
        """Every row decoded (builds the whole float32 matrix; queries do not need it)."""
        if self._unit is None:
            self._unit = self.unit_rows()
        return self._unit

    @property
    def vectors(self) -> np.ndarray:
        """Every raw vector decoded (unit row times its length)."""
        if self._full is None:
            self._full = self.unit_vectors * self.norms[:, None]
        return self._full

    @vectors.setter
    def vectors(self, value: np.ndarray) -> None:
        raise ConfigError("compressed vectors are read-only: compress a KeyedVectors again to change them")

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        unit = self.unit_rows(self.index(word), self.index(word) + 1)[0]
        return unit if norm else unit * self.norms[self.index(word)]

    def __getitem__(self, key: str | Iterable[str]) -> np.ndarray:
        if isinstance(key, str):
            return self.get_vector(key)
        return np.stack([self.get_vector(k) for k in key]) if key else np.zeros((0, self.dim), np.float32)

    def _unit_of(self, word: str) -> tuple[np.ndarray, int | None]:
        i = self.index(word)
        return self.unit_rows(i, i + 1)[0], i

    # ----------------------------------------------------------------- queries on the codes
    def _scores(self, query: np.ndarray, restrict_vocab: int | None) -> np.ndarray:
        """Cosine of each stored row with the unit ``query``, scored on the codes by a kernel: a table
        lookup per code byte (int8, binary, pq) or float16 widened in the loop, divided by the decoded
        rows' lengths (computed once)."""
        n = len(self) if restrict_vocab is None else min(len(self), check_int("restrict_vocab", restrict_vocab, 1))
        out = np.empty(n, dtype=np.float32)
        codes = np.asarray(self.codes[:n])
        q = np.ascontiguousarray(query, dtype=np.float32)
        lut = self.codec.lut(q)
        if lut is None:  # float16
            if QuantizedVectors._half is None:
                QuantizedVectors._half = half_table()
            half_scores(codes.view(np.uint16), QuantizedVectors._half, q, out)
        else:
            lut_scores(codes.view(np.uint8), lut, out)
        return out / self._decoded_norms()[:n]

    _half: np.ndarray | None = None  # float16 bit pattern -> float32, built once per process

    def _decoded_norms(self) -> np.ndarray:
        if self._norms_decoded is None:
            norms = np.empty(len(self), dtype=np.float32)
            for s in range(0, len(self), _DECODE_BLOCK):
                norms[s : s + _DECODE_BLOCK] = np.linalg.norm(
                    self.codec.decode(self.codes[s : s + _DECODE_BLOCK]), axis=1
                )
            self._norms_decoded = np.where(norms > 0, norms, 1.0).astype(np.float32)
        return self._norms_decoded

    @keyword_aliases(topn="k")
    def most_similar_batch(
        self, queries: Sequence[str] | np.ndarray, k: int = 10, restrict_vocab: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """Neighbours of many words (or rows of a matrix) at once, merging the best of each decoded block."""
        k = check_int("k", k, 1)
        if isinstance(queries, np.ndarray):
            q = normalize_rows(np.asarray(queries, dtype=np.float32))
            self_ids = np.full(q.shape[0], -1)
        else:
            self_ids = np.array([self.index(w) for w in queries], dtype=np.int64)
            q = np.stack([self._unit_of(w)[0] for w in queries]) if len(queries) else np.zeros((0, self.dim))
        n = len(self) if restrict_vocab is None else min(len(self), check_int("restrict_vocab", restrict_vocab, 1))
        best_i = np.zeros((q.shape[0], 0), np.int64)
        best_s = np.zeros((q.shape[0], 0), np.float32)
        for s in range(0, n, _DECODE_BLOCK):
            e = min(n, s + _DECODE_BLOCK)
            idx, sc = topk_rows(q, self.unit_rows(s, e), k, exclude=np.where(self_ids >= 0, self_ids - s, -1))
            best_i, best_s = np.hstack([best_i, idx + s]), np.hstack([best_s, sc])
            order = np.lexsort((best_i, -best_s), axis=1)[:, :k]
            best_i, best_s = np.take_along_axis(best_i, order, 1), np.take_along_axis(best_s, order, 1)
        words = self.words
        return [
            [(words[j], float(v)) for j, v in zip(ri, rs, strict=True)] for ri, rs in zip(best_i, best_s, strict=True)
        ]

    # ----------------------------------------------------------------- persistence
    def save(self, path: Any, format: str = "native") -> None:
        """Save as a native folder (the codes themselves); other formats hold float32 rows, so
        ``format="word2vec-bin"`` etc. write the decoded vectors."""
        super().save(path, format=format)

    def _native_matrix(self) -> np.ndarray:
        return np.ascontiguousarray(self.codes)

    @classmethod
    def _native_matrix_ok(cls, matrix: np.ndarray, config: dict[str, Any]) -> bool:
        codec = config.get("codec")
        if not isinstance(codec, dict):
            return False
        try:
            params = {"m": codec["m"]} if "m" in codec else {}
            width = make_codec(str(codec["name"]), int(codec["dim"]), **params).code_width
        except (ConfigError, KeyError, TypeError, ValueError):
            return False
        return matrix.ndim == 2 and matrix.shape[1] == width and config.get("dim") == codec.get("dim")

    def _native_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config, arrays = self.codec.state()
        return {"codec": config}, {**arrays, "norms": self.norms}

    @classmethod
    def _from_native(
        cls, vocab: Vocab, vectors: np.ndarray, config: dict[str, Any], load_array: Any, path: Any
    ) -> QuantizedVectors:
        codec_config = config["codec"]
        names = {"int8": ["codec_low", "codec_step"], "pq": ["codec_centroids"]}.get(codec_config.get("name"), [])
        codec = codec_from_state(codec_config, {n: np.asarray(load_array(n)) for n in names})
        norms = np.asarray(load_array("norms"))
        if norms.shape != (len(vocab),) or not np.isfinite(norms).all():
            raise FormatError(f"{path}/norms.npy should be {len(vocab)} finite lengths, got {norms.shape}")
        try:
            codec.check_codes(vectors)
        except FormatError as exc:
            raise FormatError(f"{path}/vectors.npy: {exc}") from None
        return cls(vocab.words, np.asarray(vectors), codec, norms, vocab.counts, metadata=config.get("metadata", {}))
