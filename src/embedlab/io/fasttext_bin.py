"""fastText's ``.bin`` model format (version 12), read and written.

Layout: magic and version (int32), the training arguments (12 int32 + a float64), the
dictionary (sizes, then each entry as NUL-terminated UTF-8, int64 count, int8 type), a
quantization flag and the input matrix (int64 rows, int64 cols, float32 data), then a flag
and the output matrix. Rows of the input matrix are the words, then ``bucket`` n-gram
rows. Models written here load in the ``fasttext`` package (``fasttext.load_model``) and
answer ``get_word_vector`` as embedlab does; models it writes load here, and so do models in
the format before fastText 0.1 (no magic number or version, no quantization flags), as gensim
reads them. Quantized ``.ftz`` models are not supported.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedlab._files import atomic_file
from embedlab.errors import FormatError
from embedlab.io.artifacts import artifact_class
from embedlab.io.words import WordDecoder
from embedlab.vocab.subwords import subword_ids

if TYPE_CHECKING:
    from embedlab.vectors.subword import SubwordVectors

MAGIC = 793712314
VERSION = 12
EOS = "</s>"
_ARGS = struct.Struct("<12id")  # dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate t
_OLD_ARGS = struct.Struct("<10id")  # the pre-0.1 format: the same after dim and ws, with no magic or version
_LOSS_NS, _MODEL_CBOW, _MODEL_SG, _MODEL_SUPERVISED = 2, 1, 2, 3


def save_fasttext_bin(kv: SubwordVectors, path: str | os.PathLike[str], output: np.ndarray | None = None) -> None:
    """Write ``kv`` as a fastText ``.bin``; ``output`` is the output matrix (zeros if not given)."""
    if getattr(kv, "ngrams", None) is None:
        raise FormatError("fastText .bin needs subword vectors (train with FastText); use word2vec formats instead")
    if kv.jamo:
        raise FormatError("fastText .bin cannot record jamo subwords: the fasttext package would cut other n-grams")
    params = kv.metadata.get("params", {})
    n_words, dim = len(kv), kv.dim
    inp = _input_matrix(kv)
    out = np.zeros((n_words, dim), dtype=np.float32) if output is None else np.asarray(output, dtype="<f4")
    model = _MODEL_CBOW if params.get("arch") == "cbow" else _MODEL_SG
    args = _ARGS.pack(
        dim, params.get("window", 5), params.get("epochs", 5), params.get("min_count", 5), params.get("negative", 5),
        1, _LOSS_NS, model, kv.bucket, kv.minn, kv.maxn, 100, float(params.get("sample", 1e-4)),
    )  # fmt: skip
    counts = kv.vocab.counts
    with atomic_file(path, "wb") as fh:
        fh.write(struct.pack("<ii", MAGIC, VERSION))
        fh.write(args)
        fh.write(struct.pack("<iiiqq", n_words, n_words, 0, int(counts.sum()), -1))
        for word, count in zip(kv.words, counts.tolist(), strict=True):
            fh.write(word.encode("utf-8") + b"\0" + struct.pack("<qb", count, 0))
        fh.write(b"\0")  # not quantized
        fh.write(struct.pack("<qq", *inp.shape))
        fh.write(np.ascontiguousarray(inp, dtype="<f4").tobytes())
        fh.write(b"\0")
        fh.write(struct.pack("<qq", *out.shape))
        fh.write(np.ascontiguousarray(out, dtype="<f4").tobytes())


def _input_matrix(kv: SubwordVectors) -> np.ndarray:
    """Word rows such that mean(word row, n-gram rows) is the word's vector, then the n-gram rows."""
    n = len(kv)
    offsets, ids = subword_ids(kv.words, kv.minn, kv.maxn, kv.bucket, with_word=False, nwords=0)
    counts = np.diff(offsets)
    sums = np.zeros((n, kv.dim), dtype=np.float64)
    np.add.at(sums, np.repeat(np.arange(n), counts), np.asarray(kv.ngrams, dtype=np.float64)[ids])
    if EOS in kv.vocab:  # fastText gives its end-of-sentence token no n-grams
        e = kv.vocab[EOS]
        sums[e] = 0.0
        counts = counts.copy()
        counts[e] = 0
    own = np.asarray(kv.vectors, dtype=np.float64) * (counts + 1)[:, None] - sums
    return np.concatenate([own.astype(np.float32), np.asarray(kv.ngrams, dtype=np.float32)])


def load_fasttext_bin(path: str | os.PathLike[str]) -> SubwordVectors:
    """Read a fastText ``.bin`` (as written by the fasttext package or by embedlab)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError(f"model file not found: {p}") from None
    try:
        return _parse(data, p)
    except (struct.error, IndexError, ValueError) as exc:
        raise FormatError(f"{p}: truncated or damaged fastText .bin ({exc})") from None


def check_args(p: Path, dim: int, bucket: int, minn: int, maxn: int, word_ngrams: int = 1) -> None:
    """Refuse header values no fastText model has (a damaged file), before they size anything."""
    if not 0 < dim <= 100_000:
        raise FormatError(f"{p}: the header's dim {dim} is not a vector size (1 to 100,000): the file is damaged")
    if bucket < 0 or (maxn > 0 and not 0 < minn <= maxn <= 1000) or maxn < 0:
        raise FormatError(f"{p}: the header's bucket {bucket}, minn {minn}, maxn {maxn} are not valid n-gram settings "
                          "(bucket >= 0 and 0 < minn <= maxn <= 1000, or maxn 0): the file is damaged")  # fmt: skip
    if not 0 < word_ngrams <= 1000:
        raise FormatError(f"{p}: the header's wordNgrams {word_ngrams} is not between 1 and 1000: the file is damaged")


def _parse(data: bytes, p: Path) -> SubwordVectors:
    magic, version = struct.unpack_from("<ii", data, 0)
    new = magic == MAGIC
    if new:
        if version > VERSION:
            raise FormatError(f"{p}: fastText .bin version {version} is newer than this reader (12)")
        pos = 8
        dim, ws, epoch, min_count, neg, _ngrams, _loss, model, bucket, minn, maxn, _lr_update, t = _ARGS.unpack_from(
            data, pos
        )
        pos += _ARGS.size
    else:  # the format before fastText 0.1 (no magic, no version): the arguments start with dim and ws
        dim, ws = magic, version
        if not (0 < dim <= 10_000 and 0 < ws <= 10_000):
            raise FormatError(f"{p}: not a fastText .bin (bad magic number, and not the pre-0.1 format either)")
        pos = 8
        epoch, min_count, neg, _ngrams, _loss, model, bucket, minn, maxn, _lr_update, t = _OLD_ARGS.unpack_from(
            data, pos
        )
        pos += _OLD_ARGS.size
    check_args(p, dim, bucket, minn, maxn)
    if model == _MODEL_SUPERVISED:
        raise FormatError(
            f"{p} is a fastText text classifier (a supervised model), not word vectors: give it to "
            "'embedlab classify predict' or 'embedlab classify test', or serve it ('embedlab serve')"
        )
    size, nwords, _nlabels, _ntokens = struct.unpack_from("<iiiq", data, pos)
    pos += struct.calcsize("<iiiq")
    prune_size = 0
    if new:
        (prune_size,) = struct.unpack_from("<q", data, pos)
        pos += 8
    if not (0 <= nwords <= size and _nlabels == size - nwords and size <= len(data) // 10):
        raise FormatError(f"{p}: the dictionary header is inconsistent ({size} entries, {nwords} words, "
                          f"{_nlabels} labels)")  # fmt: skip
    words, counts = [], []
    decoder = WordDecoder()
    for i in range(size):
        end = data.index(b"\0", pos)
        word = decoder.decode(data[pos:end])
        count, kind = struct.unpack_from("<qb", data, end + 1)
        pos = end + 1 + 9
        if kind not in (0, 1) or (kind == 0) != (i < nwords):  # words first, then labels, as fastText writes them
            raise FormatError(f"{p}: dictionary entry {i} ({word!r}) has type {kind}, but the header says entries "
                              f"0-{nwords - 1} are words and the rest labels: the file is damaged")  # fmt: skip
        if kind == 0:
            words.append(word)
            counts.append(count)
    decoder.warn(p, stacklevel=4)
    if len(set(words)) != len(words):
        raise FormatError(f"{p}: the dictionary repeats a word: the file is damaged")
    if prune_size > 0:
        raise FormatError(f"{p}: pruned (quantized) fastText models are not supported")
    quant = data[pos] if new else 0  # the old format has no quantization flags
    pos += 1 if new else 0
    if quant:
        raise FormatError(f"{p}: quantized fastText models (.ftz) are not supported")
    m, n = struct.unpack_from("<qq", data, pos)
    pos += 16
    if n != dim or pos + 4 * m * n > len(data):
        raise FormatError(f"{p}: input matrix is {m} x {n}, file too short or dim mismatch (dim={dim})")
    inp = np.frombuffer(data, dtype="<f4", count=m * n, offset=pos).reshape(m, n).astype(np.float32)
    pos += 4 * m * n
    flag = 1 if new else 0
    qout = data[pos] if new else 0
    out_m, out_n = struct.unpack_from("<qq", data, pos + flag)
    if qout or pos + flag + 16 + 4 * out_m * out_n != len(data):
        raise FormatError(f"{p}: output matrix is truncated or quantized (file has {len(data)} bytes)")
    n_words = len(words)
    if m != nwords + (bucket if maxn > 0 else 0):
        raise FormatError(f"{p}: input matrix has {m} rows, expected {nwords} words + {bucket} buckets")
    offsets, ids = subword_ids(words, minn, maxn, bucket, nwords=nwords)
    if new and EOS in words:  # only its own row (fastText 0.1+; the older format gave it n-grams too)
        e = words.index(EOS)
        keep = np.ones(ids.shape[0], dtype=bool)
        keep[offsets[e] + 1 : offsets[e + 1]] = False
        lengths = np.diff(offsets)
        lengths[e] = 1
        ids = ids[keep]
        offsets = np.concatenate([[0], np.cumsum(lengths)])
    vectors = np.empty((n_words, dim), dtype=np.float32)
    for w in range(n_words):  # mean of the word's rows, as fastText's get_word_vector
        vectors[w] = inp[ids[offsets[w] : offsets[w + 1]]].mean(axis=0)
    meta = {
        "model": "fasttext",
        "params": {
            "dim": dim,
            "window": ws,
            "epochs": epoch,
            "min_count": min_count,
            "negative": neg,
            "arch": "cbow" if model == _MODEL_CBOW else "skipgram",
            "sample": t,
            "minn": minn,
            "maxn": maxn,
            "bucket": bucket,
        },
        "source_format": "fasttext-bin",
    }
    return artifact_class("SubwordVectors")(
        words, vectors, counts, ngrams=inp[nwords:], minn=minn, maxn=maxn, bucket=bucket, metadata=meta
    )
