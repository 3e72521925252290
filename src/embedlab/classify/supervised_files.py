"""Supervised models on disk: fastText's ``.bin`` (read and written) and a native folder.

fastText's supervised ``.bin`` is its unsupervised layout with ``model = sup``: the training
arguments, the dictionary (words, then labels with their ``__label__`` prefix), the input
matrix (word rows, then ``bucket`` hashed n-gram rows) and the output matrix (one row per label;
``labels - 1`` tree nodes for hierarchical softmax). The native folder (``supervised.json``,
``words.tsv``, ``labels.tsv``, ``input.npy``, ``output.npy``) also records what ``.bin`` cannot:
a tokenizer other than whitespace and jamo subwords.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab._files import atomic_dir, atomic_file, load_npy
from embedlab._validation import config_int, parse_count
from embedlab.classify.config import SupervisedConfig
from embedlab.classify.ftz import read_qmatrix, write_qmatrix
from embedlab.errors import FormatError
from embedlab.io.fasttext_bin import MAGIC, VERSION, check_args
from embedlab.io.words import WordDecoder
from embedlab.vocab.labelled import LabelDictionary

if TYPE_CHECKING:
    from embedlab.classify.supervised import SupervisedFastText

__all__ = ["load_supervised", "save_supervised"]

PathLike = str | os.PathLike[str]
_ARGS = struct.Struct("<12id")
_LOSS_CODES = {"hs": 1, "softmax": 3, "ova": 4}
_CODE_LOSSES = {v: k for k, v in _LOSS_CODES.items()}
_MODEL_SUP = 3
FORMAT = "embedlab-supervised"
FORMAT_VERSION = 1


def save_supervised(model: SupervisedFastText, path: PathLike, **ftz: Any) -> Path:
    """``.bin``: fastText's format; ``.ftz``: fastText's quantized format (``dsub``, ``qnorm``, ``cutoff``);
    any other path: a native folder."""
    p = Path(path)
    if p.suffix == ".bin":
        _save_bin(model, p)
    elif p.suffix == ".ftz":
        _save_ftz(model, p, **ftz)
    else:
        _save_native(model, p)
    return p


def _parts(model: SupervisedFastText) -> tuple[LabelDictionary, np.ndarray, np.ndarray]:
    d = model._fitted()
    assert model.input is not None and model.output is not None
    return d, model.input, model.output


def _write_head(fh: Any, model: SupervisedFastText, pruneidx: np.ndarray | None) -> None:
    """Magic, version, arguments and dictionary (with the pruned bucket map of a quantized model)."""
    d, _, _ = _parts(model)
    c = model.config
    if c.subword == "jamo" or c.tokenizer != "whitespace":
        raise FormatError(
            "fastText's .bin cannot record jamo subwords or a tokenizer other than whitespace "
            "(the fasttext package would cut the text differently); save to a folder instead (a path without .bin)"
        )
    args = _ARGS.pack(c.dim, 5, c.epochs, c.min_count, 5, c.word_ngrams, _LOSS_CODES[c.loss], _MODEL_SUP, d.bucket,
                      d.minn, d.maxn, 100, 1e-4)  # fmt: skip
    fh.write(struct.pack("<ii", MAGIC, VERSION))
    fh.write(args)
    ntokens = int(d.word_counts.sum())
    prune = -1 if pruneidx is None else len(pruneidx)
    fh.write(struct.pack("<iiiqq", d.n_words + d.n_labels, d.n_words, d.n_labels, ntokens, prune))
    for word, count in zip(d.words, d.word_counts.tolist(), strict=True):
        fh.write(word.encode("utf-8") + b"\0" + struct.pack("<qb", count, 0))
    for label, count in zip(d.labels, d.label_counts.tolist(), strict=True):
        fh.write((d.label_prefix + label).encode("utf-8") + b"\0" + struct.pack("<qb", count, 1))
    if pruneidx is not None:
        fh.write(np.ascontiguousarray(pruneidx, dtype="<i4").tobytes())


def _save_ftz(model: SupervisedFastText, path: Path, *, dsub: int = 2, qnorm: bool = True,
              cutoff: int | None = None) -> None:  # fmt: skip
    """fastText's quantized format: the word rows and the trained n-gram rows (the ``cutoff`` longest of
    them, when given), product-quantized with ``dsub`` dimensions a byte; the output matrix as it is."""
    d, inp, out = _parts(model)
    if d.kept_rows is not None:
        ngram_rows = d.kept_rows[d.kept_rows >= d.n_words]
    elif model.row_map is not None:
        ngram_rows = model.row_map[model.row_map >= d.n_words]
    else:
        norms = np.linalg.norm(np.asarray(inp[d.n_words :], dtype=np.float32), axis=1)
        ngram_rows = d.n_words + np.flatnonzero(norms > 0)
    if cutoff is not None and len(ngram_rows) > cutoff:
        lengths = np.linalg.norm(inp[model.input_rows(ngram_rows)], axis=1)
        ngram_rows = np.sort(ngram_rows[np.argsort(-lengths, kind="stable")[:cutoff]])
    rows = np.concatenate([np.arange(d.n_words), ngram_rows]).astype(np.int64)
    pruneidx = np.stack([ngram_rows - d.n_words, np.arange(len(ngram_rows))], axis=1)
    matrix = np.asarray(inp[model.input_rows(rows)], dtype=np.float32)
    with atomic_file(path, "wb") as fh:
        _write_head(fh, model, pruneidx)
        fh.write(b"\1")  # quantized input
        write_qmatrix(fh, matrix, dsub=dsub, qnorm=qnorm)
        fh.write(b"\0")  # the output matrix as it is
        fh.write(struct.pack("<qq", *out.shape))
        fh.write(np.ascontiguousarray(out, dtype="<f4").tobytes())


def _save_bin(model: SupervisedFastText, path: Path) -> None:
    d, _, out = _parts(model)
    c = model.config
    if d.kept_rows is not None:
        raise FormatError("a pruned (quantized) model saves as .ftz or as a folder, not as a full .bin")
    with atomic_file(path, "wb") as fh:
        _write_head(fh, model, None)
        fh.write(b"\0")  # not quantized
        fh.write(struct.pack("<qq", d.n_rows, c.dim))
        for start in range(0, d.n_rows, 65_536):  # the full matrix, a block at a time
            fh.write(
                np.ascontiguousarray(model.full_input(start, min(start + 65_536, d.n_rows)), dtype="<f4").tobytes()
            )
        fh.write(b"\0")
        fh.write(struct.pack("<qq", *out.shape))
        fh.write(np.ascontiguousarray(out, dtype="<f4").tobytes())


def _save_native(model: SupervisedFastText, path: Path) -> None:
    d, inp, out = _parts(model)
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "config": model.config.as_dict(),
        "dictionary": d.settings(),
        "n_words": d.n_words,
        "n_labels": d.n_labels,
        "pruned": d.kept_rows is not None,
    }
    with atomic_dir(path) as tmp:
        (tmp / "supervised.json").write_text(json.dumps(meta, indent=2), "utf-8")
        (tmp / "words.tsv").write_text("".join(f"{w}\t{c}\n" for w, c in zip(d.words, d.word_counts.tolist(),
                                                                                  strict=True)), "utf-8")  # fmt: skip
        (tmp / "labels.tsv").write_text("".join(f"{w}\t{c}\n" for w, c in zip(d.labels, d.label_counts.tolist(),
                                                                                   strict=True)), "utf-8")  # fmt: skip
        np.save(tmp / "input.npy", np.ascontiguousarray(inp, dtype=np.float32))
        np.save(tmp / "output.npy", np.ascontiguousarray(out, dtype=np.float32))
        if model.row_map is not None:
            np.save(tmp / "row_map.npy", np.ascontiguousarray(model.row_map, dtype=np.int64))


#: what a loaded model is made of: config, dictionary, input matrix, output matrix, row map (None: full matrix)
Parts = tuple[SupervisedConfig, LabelDictionary, np.ndarray, np.ndarray, "np.ndarray | None"]


def load_supervised(path: PathLike) -> Parts:
    p = Path(path)
    if p.is_dir():
        return _load_native(p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError(f"model not found: {p}") from None
    except IsADirectoryError:  # pragma: no cover - is_dir above
        raise FormatError(f"{p} is a folder but not a saved supervised model") from None
    try:
        return _parse_bin(data, p)
    except (struct.error, IndexError, ValueError) as exc:
        raise FormatError(f"{p}: truncated or damaged fastText .bin ({exc})") from None


def _parse_bin(data: bytes, p: Path) -> Parts:
    magic, version = struct.unpack_from("<ii", data, 0)
    if magic != MAGIC:
        raise FormatError(f"{p}: not a fastText .bin (bad magic number)")
    if version > VERSION:
        raise FormatError(f"{p}: fastText .bin version {version} is newer than this reader ({VERSION})")
    dim, _ws, epoch, min_count, _neg, word_ngrams, loss, model, bucket, minn, maxn, _lru, _t = _ARGS.unpack_from(
        data, 8
    )
    if model != _MODEL_SUP:
        raise FormatError(f"{p}: an unsupervised fastText model (word vectors); load it with embedlab.load")
    if loss not in _CODE_LOSSES:
        raise FormatError(f"{p}: loss code {loss} is not one this reader knows (softmax, one-vs-all, hs)")
    check_args(p, dim, bucket, minn, maxn, word_ngrams)
    pos = 8 + _ARGS.size
    size, nwords, nlabels, _ntokens, prune = struct.unpack_from("<iiiqq", data, pos)
    pos += struct.calcsize("<iiiqq")
    if not (0 <= nwords <= size and nlabels == size - nwords and nlabels > 0 and size <= len(data) // 10):
        raise FormatError(
            f"{p}: the dictionary header is inconsistent ({size} entries, {nwords} words, {nlabels} labels)"
        )
    words: list[str] = []
    labels: list[str] = []
    wcounts: list[int] = []
    lcounts: list[int] = []
    decoder = WordDecoder()
    for i in range(size):
        end = data.index(b"\0", pos)
        token = decoder.decode(data[pos:end])
        count, kind = struct.unpack_from("<qb", data, end + 1)
        pos = end + 10
        if kind != (0 if i < nwords else 1):
            raise FormatError(f"{p}: dictionary entry {i} ({token!r}) has the wrong type: the file is damaged")
        (words if kind == 0 else labels).append(token)
        (wcounts if kind == 0 else lcounts).append(count)
    decoder.warn(p, stacklevel=4)
    pruneidx = None
    if prune >= 0:  # a pruned dictionary (quantized models): kept bucket -> its row after the words
        if pos + 8 * prune > len(data):
            raise FormatError(f"{p}: the pruned dictionary's {prune} entries are truncated")
        pruneidx = np.frombuffer(data, dtype="<i4", count=2 * prune, offset=pos).reshape(prune, 2).astype(np.int64)
        pos += 8 * prune
        if prune and (pruneidx[:, 0].min() < 0 or pruneidx[:, 0].max() >= max(bucket, 1) or
                      not np.array_equal(np.sort(pruneidx[:, 1]), np.arange(prune))):  # fmt: skip
            raise FormatError(f"{p}: the pruned dictionary's bucket map is inconsistent: the file is damaged")
    prefix = _common_prefix(labels, p)
    quant = data[pos] != 0
    inp, pos = (read_qmatrix if quant else _matrix)(data, pos + 1, dim, p, "input")
    qout = quant and data[pos] != 0  # as fastText: the output is quantized only in a quantized model
    out, pos = (read_qmatrix if qout else _matrix)(data, pos + 1, dim, p, "output")
    if pos != len(data):
        raise FormatError(f"{p}: {len(data) - pos} unexpected bytes after the output matrix")
    expect_out = max(nlabels - 1, 1) if _CODE_LOSSES[loss] == "hs" else nlabels
    n_in = nwords + (bucket if pruneidx is None else len(pruneidx))
    if inp.shape[0] != n_in or out.shape[0] not in (expect_out, nlabels):
        raise FormatError(f"{p}: matrices are {inp.shape} and {out.shape}, expected {n_in} input rows and "
                          f"{nlabels} labels")  # fmt: skip
    if _CODE_LOSSES[loss] == "hs":
        out = out[:expect_out]
    subword = "char" if maxn > 0 else "none"
    config = SupervisedConfig(
        dim=dim,
        epochs=max(epoch, 1),
        min_count=max(min_count, 1),
        word_ngrams=max(word_ngrams, 1),
        loss=_CODE_LOSSES[loss],
        subword=subword,
        minn=max(minn, 1),
        maxn=max(maxn, minn, 1),
        bucket=bucket if (word_ngrams > 1 or maxn > 0) else 0,
        label_prefix=prefix,
    )
    d = LabelDictionary(words, np.array(wcounts), [lab[len(prefix) :] for lab in labels], np.array(lcounts),
                        word_ngrams=word_ngrams, bucket=bucket, minn=minn if maxn > 0 else 0, maxn=maxn,
                        label_prefix=prefix)  # fmt: skip
    if pruneidx is None:
        return config, d, inp, out, None
    # compact rows in full-matrix order (words, then kept buckets), and a zero row for anything else
    full = np.concatenate([np.arange(nwords), nwords + pruneidx[:, 0]])
    source = np.concatenate([np.arange(nwords), nwords + pruneidx[:, 1]])
    order = np.argsort(full, kind="stable")
    d.kept_rows = full[order]
    compact = np.vstack([inp[source[order]], np.zeros((1, dim), np.float32)])
    return config, d, compact, out, d.kept_rows


def _common_prefix(labels: list[str], p: Path) -> str:
    """The label prefix of a model: ``__label__`` (fastText's default) when every label starts with it, else the
    longest shared start of the labels, cut back to its last non-alphanumeric character."""
    if all(lab.startswith("__label__") for lab in labels):
        return "__label__"
    first = labels[0]
    n = next((i for i in range(len(first)) if any(len(lab) <= i or lab[i] != first[i] for lab in labels)), len(first))
    prefix = first[:n]
    while prefix and prefix[-1].isalnum():
        prefix = prefix[:-1]
    if not prefix:
        raise FormatError(f"{p}: the labels share no prefix, so the label prefix is unknown")
    return prefix


def _matrix(data: bytes, pos: int, dim: int, p: Path, what: str) -> tuple[np.ndarray, int]:
    m, n = struct.unpack_from("<qq", data, pos)
    pos += 16
    if n != dim or m < 0 or pos + 4 * m * n > len(data):
        raise FormatError(f"{p}: the {what} matrix is {m} x {n}: the file is too short or dim is not {dim}")
    mat = np.frombuffer(data, dtype="<f4", count=m * n, offset=pos).reshape(m, n).astype(np.float32)
    return mat, pos + 4 * m * n


def _load_native(p: Path) -> Parts:
    meta_path = p / "supervised.json"
    if not meta_path.exists():
        raise FormatError(f"{p}: not a saved supervised model (no supervised.json)")
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{meta_path}: not valid JSON ({exc})") from None
    except OSError as exc:  # a folder where the file belongs, no permission
        raise FormatError(f"{meta_path}: cannot be read ({exc.strerror})") from None
    if not isinstance(meta, dict):
        raise FormatError(f"{meta_path}: not a supervised model's settings (a JSON object)")
    if meta.get("format") != FORMAT or not isinstance(meta.get("version"), int) or meta["version"] > FORMAT_VERSION:
        raise FormatError(f"{meta_path}: not a supervised model this embedlab reads (format {meta.get('format')!r}, "
                          f"version {meta.get('version')!r})")  # fmt: skip
    try:
        config = SupervisedConfig(**meta["config"])
        settings = _dictionary_settings(meta["dictionary"], str(meta_path))
        words, wcounts = _read_tsv(p / "words.tsv")
        labels, lcounts = _read_tsv(p / "labels.tsv")
        d = LabelDictionary(words, wcounts, labels, lcounts, **settings)
        inp = load_npy(p / "input.npy")
        out = load_npy(p / "output.npy")
        row_map = load_npy(p / "row_map.npy") if (p / "row_map.npy").exists() else None
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise FormatError(f"{p}: damaged supervised model ({exc})") from None
    if meta.get("pruned") is True and row_map is not None:
        d.kept_rows = np.asarray(row_map, dtype=np.int64)
    n_out = max(d.n_labels - 1, 1) if config.loss == "hs" else d.n_labels
    n_in = d.n_rows if row_map is None else row_map.shape[0] + 1
    if row_map is not None and (row_map.dtype.kind not in "iu" or row_map.ndim != 1 or np.any(np.diff(row_map) <= 0) or
                                (row_map.size and (row_map[0] < 0 or row_map[-1] >= d.n_rows))):  # fmt: skip
        raise FormatError(f"{p}: row_map.npy is not an increasing list of rows below {d.n_rows}")
    if inp.shape != (n_in, config.dim) or out.shape != (n_out, config.dim):
        raise FormatError(f"{p}: input {inp.shape} / output {out.shape} do not match {n_in} rows, {n_out} "
                          f"outputs, dim {config.dim}")  # fmt: skip
    if not (np.isfinite(inp).all() and np.isfinite(out).all()):
        raise FormatError(f"{p}: the model holds NaN or infinite weights")
    return config, d, inp.astype(np.float32), out.astype(np.float32), row_map


def _dictionary_settings(raw: Any, where: str) -> dict[str, Any]:
    """The dictionary's n-gram settings from supervised.json, each checked before a table is sized by it."""
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: 'dictionary' should be a JSON object")
    out: dict[str, Any] = {key: config_int(raw, key, f"{where} dictionary", low, high)
                           for key, low, high in (("word_ngrams", 1, 100), ("bucket", 0, 2**31 - 1), ("minn", 0, 100),
                                                  ("maxn", 0, 100)) if key in raw}  # fmt: skip
    for key, kind in (("jamo", bool), ("label_prefix", str)):
        if key in raw:
            if not isinstance(raw[key], kind):
                raise FormatError(f"{where}: dictionary {key!r} should be a {kind.__name__}, got {raw[key]!r}")
            out[key] = raw[key]
    return out


def _read_tsv(path: Path) -> tuple[list[str], np.ndarray]:
    names, counts = [], []
    for n, line in enumerate(path.read_bytes().decode("utf-8").split("\n")[:-1], 1):  # a name may hold a "\r"
        name, tab, count = line.rpartition("\t")
        if not tab:
            raise ValueError(f"{path.name}:{n}: expected NAME<TAB>COUNT")
        names.append(name)
        counts.append(parse_count(count, f"{path.name}:{n}"))
    return names, np.array(counts, np.int64)
