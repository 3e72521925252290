"""QuantizedSubwordVectors: a FastText model compressed whole, out-of-vocabulary words included.

The word rows are stored as in :class:`~embedlab.vectors.quantized.QuantizedVectors`; of the n-gram
bucket matrix only the rows in ``kept`` (sorted bucket ids: by default the buckets some vocabulary
word uses) are stored, as codes of a second codec fitted on them, with their lengths. An unseen
word's vector is the mean of its n-grams' rows that were kept, as fastText's own pruning does for
quantized models; a word none of whose n-grams was kept is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._validation import check_int
from embedlab.errors import ConfigError, FormatError
from embedlab.vectors.codecs import Codec, codec_from_state, make_codec
from embedlab.vectors.quantized import QuantizedVectors
from embedlab.vectors.subword import UnseenWords
from embedlab.vocab.subwords import subword_ids, word_subword_ids
from embedlab.vocab.vocab import Vocab

__all__ = ["QuantizedSubwordVectors"]


class QuantizedSubwordVectors(UnseenWords, QuantizedVectors):
    """Compressed word rows plus the kept n-gram rows (``ngram_codes`` of ``ngram_codec``)."""

    def __init__(
        self,
        words: Sequence[str],
        codes: np.ndarray,
        codec: Codec,
        norms: np.ndarray,
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        ngram_codes: np.ndarray,
        ngram_codec: Codec,
        ngram_norms: np.ndarray,
        kept: np.ndarray,
        minn: int,
        maxn: int,
        bucket: int,
        jamo: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(words, codes, codec, norms, counts, metadata=metadata)
        ngram_codec.check_codes(ngram_codes)
        kept = np.asarray(kept, dtype=np.int64)
        if ngram_codes.shape[0] != len(kept) or np.shape(ngram_norms) != (len(kept),):
            raise ConfigError(f"{len(kept)} kept buckets, {ngram_codes.shape[0]} n-gram code rows, "
                              f"{np.shape(ngram_norms)} n-gram lengths")  # fmt: skip
        if len(kept) and (kept[0] < 0 or kept[-1] >= bucket or np.any(np.diff(kept) <= 0)):
            raise ConfigError(f"kept buckets must be increasing ids in [0, {bucket})")
        if ngram_codec.dim != codec.dim:
            raise ConfigError(f"n-gram codec is {ngram_codec.dim}-d, word codec {codec.dim}-d")
        self.ngram_codes, self.ngram_codec = ngram_codes, ngram_codec
        self.ngram_norms = np.asarray(ngram_norms, dtype=np.float32)
        self.kept = kept
        self.minn, self.maxn, self.bucket, self.jamo = int(minn), int(maxn), int(bucket), bool(jamo)

    @classmethod
    def from_subword(
        cls, sv: Any, method: str, *, max_ngrams: int | None = None, **params: Any
    ) -> QuantizedSubwordVectors:
        """Compress a FastText model: its word rows, and of its n-gram matrix the buckets that some
        vocabulary word uses (the ``max_ngrams`` most used, weighted by word counts, when given)."""
        words = QuantizedVectors.from_vectors(sv, method, **params)
        if sv.maxn > 0 and sv.bucket > 0:
            offsets, ids = subword_ids(sv.words, sv.minn, sv.maxn, sv.bucket, jamo=sv.jamo, with_word=False, nwords=0)
            weights = np.repeat(np.asarray(sv.vocab.counts, dtype=np.float64) + 1.0, np.diff(offsets))
            usage = np.bincount(ids, weights=weights, minlength=sv.bucket)
            kept = np.flatnonzero(usage > 0)
            if max_ngrams is not None and len(kept) > check_int("max_ngrams", max_ngrams, 1):
                kept = np.sort(kept[np.argsort(-usage[kept], kind="stable")[:max_ngrams]])
        else:
            kept = np.zeros(0, dtype=np.int64)
        rows = np.asarray(sv.ngrams[kept], dtype=np.float32)
        ngram_norms = np.linalg.norm(rows, axis=1).astype(np.float32)
        unit = normalize_rows(rows)
        ngram_codec = make_codec(method, sv.dim, **params)
        if method in ("int8", "pq") and len(unit):
            sample = unit
            if len(unit) > 200_000:  # ranges and centroids from a sample of the rows: as good, much faster
                sample = unit[np.sort(np.random.default_rng(0).choice(len(unit), 200_000, replace=False))]
            ngram_codec.fit(sample)
        codes = (
            np.concatenate([ngram_codec.encode(unit[s : s + 65_536]) for s in range(0, len(unit), 65_536)])
            if len(unit) else np.zeros((0, ngram_codec.code_width), ngram_codec.code_dtype)
        )  # fmt: skip
        meta = {**words.metadata, "compression": {**words.metadata["compression"], "ngram_buckets_kept": len(kept)}}
        return cls(
            words.keys, words.codes, words.codec, words.norms, sv.vocab.counts, ngram_codes=codes,
            ngram_codec=ngram_codec, ngram_norms=ngram_norms, kept=kept, minn=sv.minn, maxn=sv.maxn,
            bucket=sv.bucket, jamo=sv.jamo, metadata=meta,
        )  # fmt: skip

    @property
    def nbytes(self) -> int:
        return int(super().nbytes + self.ngram_codes.nbytes + self.ngram_norms.nbytes + self.kept.nbytes)

    # ----------------------------------------------------------------- unseen words
    def ngram_rows(self, word: str) -> np.ndarray:
        """Stored rows of ``word``'s n-grams (those whose bucket was kept)."""
        ids = word_subword_ids(word, 0, self.minn, self.maxn, self.bucket, jamo=self.jamo)
        if not len(self.kept):
            return np.zeros(0, dtype=np.int64)
        at = np.searchsorted(self.kept, ids)
        return at[(at < len(self.kept)) & (self.kept[np.minimum(at, len(self.kept) - 1)] == ids)]

    def _ngram_mean(self, rows: np.ndarray) -> np.ndarray:
        decoded = normalize_rows(self.ngram_codec.decode(self.ngram_codes[rows])) * self.ngram_norms[rows, None]
        return decoded.mean(axis=0)

    # ----------------------------------------------------------------- persistence
    def _native_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config, arrays = super()._native_state()
        ng_config, ng_arrays = self.ngram_codec.state()
        subwords = {"minn": self.minn, "maxn": self.maxn, "bucket": self.bucket, "jamo": self.jamo}
        arrays.update({f"ngram_{k}": v for k, v in ng_arrays.items()})
        arrays.update({"ngram_codes": self.ngram_codes, "ngram_norms": self.ngram_norms, "kept": self.kept})
        return {**config, "ngram_codec": ng_config, "subwords": subwords}, arrays

    @classmethod
    def _from_native(
        cls, vocab: Vocab, vectors: np.ndarray, config: dict[str, Any], load_array: Any, path: Any
    ) -> QuantizedSubwordVectors:
        words = QuantizedVectors._from_native(vocab, vectors, config, load_array, path)
        sub, ng = config["subwords"], config["ngram_codec"]
        if not all(type(sub.get(k)) is int for k in ("minn", "maxn", "bucket")) or sub["bucket"] < 0:
            raise FormatError(f"{path}/config.json: subwords minn, maxn, bucket must be non-negative integers")
        names = {"int8": ["codec_low", "codec_step"], "pq": ["codec_centroids"]}.get(ng.get("name"), [])
        ng_codec = codec_from_state(ng, {n: np.asarray(load_array(f"ngram_{n}")) for n in names})
        codes, norms, kept = (np.asarray(load_array(n)) for n in ("ngram_codes", "ngram_norms", "kept"))
        if kept.dtype != np.int64 or not np.isfinite(norms).all():
            raise FormatError(f"{path}: kept.npy must hold int64 bucket ids and ngram_norms.npy finite lengths")
        try:
            return cls(
                words.keys, words.codes, words.codec, words.norms, vocab.counts, ngram_codes=codes,
                ngram_codec=ng_codec, ngram_norms=norms, kept=kept, minn=sub["minn"], maxn=sub["maxn"],
                bucket=sub["bucket"], jamo=bool(sub.get("jamo")), metadata=config.get("metadata", {}),
            )  # fmt: skip
        except ConfigError as exc:
            raise FormatError(f"{path}: {exc}") from None
