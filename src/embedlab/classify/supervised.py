"""SupervisedFastText: fastText's supervised text classifier, trained and run on numba kernels.

A text's vector is the mean of the input rows of its words, word n-grams and (optionally)
character n-grams; a linear layer over it gives the labels (softmax, one-vs-all for several
labels per text, or hierarchical softmax for many labels). Models read and write fastText's
supervised ``.bin``: one trained by the ``fasttext`` package predicts the same labels here.

>>> texts = ["great film", "awful film", "great acting", "awful plot"] * 50
>>> labels = ["pos", "neg", "pos", "neg"] * 50
>>> model = SupervisedFastText(dim=8, epochs=20, threads=1).fit(texts, labels)
>>> model.predict("great plot")[0]
('pos',)
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._progress import ProgressArg
from embedlab._validation import check_int
from embedlab.classify.config import SupervisedConfig
from embedlab.classify.lines import labelled_bytes, text_bytes
from embedlab.encoders.base import TextEncoder
from embedlab.errors import ConfigError, CorpusError
from embedlab.train.config import make_config
from embedlab.train.driver import TrainReport
from embedlab.train.labelled import best_labels, fit_labelled, label_probabilities, label_tree
from embedlab.vocab.labelled import EncodedLines, LabelDictionary, gather_rows

__all__ = ["SupervisedFastText"]

PathLike = str | os.PathLike[str]


class SupervisedFastText(TextEncoder):
    """Train a fastText-style classifier; predict labels with probabilities.

    Parameters are those of :class:`~embedlab.classify.config.SupervisedConfig` (or pass one).
    ``fit(texts, labels)`` takes texts with one label each (a str) or several (a list);
    ``fit_file(path)`` reads fastText's format (``__label__pos great film`` a line).
    """

    #: an encoder too: ``encode`` gives fastText's sentence vectors (the mean of a text's input rows)
    modality = "text"

    def __init__(self, config: SupervisedConfig | None = None, /, **params: Any) -> None:
        if config is not None and params:
            raise ConfigError("pass either a SupervisedConfig or keyword parameters, not both")
        self.config = make_config(SupervisedConfig, config, params, "SupervisedFastText")
        self.dictionary: LabelDictionary | None = None
        self.input: np.ndarray | None = None
        self.output: np.ndarray | None = None
        self.row_map: np.ndarray | None = None  # full-matrix row of each compact input row (None: not compact)
        self._dense_map: tuple[np.ndarray, np.ndarray] | None = None
        self._tree_of: tuple[LabelDictionary, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self.report: TrainReport | None = None
        self.seconds = 0.0
        self.skipped_lines = 0

    def __repr__(self) -> str:
        c = self.config
        state = f"{len(self.labels)} labels" if self.dictionary else "not fitted"
        settings = f"dim={c.dim}, loss={c.loss!r}, word_ngrams={c.word_ngrams}, subword={c.subword!r}"
        return f"SupervisedFastText({settings}; {state})"

    # -- training --------------------------------------------------------------------------------
    def fit(
        self, texts: Sequence[str], labels: Sequence[str | Sequence[str]], *, progress: ProgressArg = False
    ) -> SupervisedFastText:
        """Train on ``texts`` and their labels (a label, or a list of labels, per text)."""
        return self._fit_bytes(labelled_bytes(texts, labels, self.config.label_prefix, self.config.tokenizer), progress)

    def fit_file(self, path: PathLike, *, progress: ProgressArg = False) -> SupervisedFastText:
        """Train on a file in fastText's format (``.gz``/``.xz``/``.bz2`` too)."""
        from embedlab.classify.lines import read_labelled_file

        return self._fit_bytes(read_labelled_file(path, self.config.label_prefix, self.config.tokenizer), progress)

    def _fit_bytes(self, data: bytes, progress: ProgressArg) -> SupervisedFastText:
        c = self.config
        t0 = time.perf_counter()
        minn, maxn = c.char_ngrams
        d = LabelDictionary.build(data, min_count=c.min_count, min_count_label=c.min_count_label,
                                  word_ngrams=c.word_ngrams, bucket=c.bucket or 0, minn=minn, maxn=maxn,
                                  jamo=c.subword == "jamo", label_prefix=c.label_prefix)  # fmt: skip
        if d.n_labels < 2 and c.loss != "ova":
            raise CorpusError(f"only one label ({d.labels[0]!r}) in the training data; a classifier needs two or more")
        lines = d.encode(data)
        has = (np.diff(lines.label_offsets) > 0) & (np.diff(lines.row_offsets) > 0)
        self.skipped_lines = int((~has).sum())
        keep = np.flatnonzero(has)
        if keep.size == 0:
            raise CorpusError("no line has both a label and text to learn from")
        keep = keep[np.random.default_rng(c.seed).permutation(keep.size)]  # files are often sorted by label
        row_offsets, rows = gather_rows(lines.row_offsets, lines.rows, keep)
        label_offsets, labels = gather_rows(lines.label_offsets, lines.labels, keep)
        # Only the rows some line uses are trained, in a compact matrix: with millions of hash buckets a
        # full one would be mostly untouched, and touching it (as fastText's random init does) costs
        # more than the training. ``row_map`` gives each compact row its row of the full matrix; one
        # extra zero row stands for every row the training never saw.
        # (Row ids are below n_rows, so a marker array finds them in linear time, unlike a sort.)
        marked = np.zeros(d.n_rows, dtype=bool)
        marked[rows] = True
        used = np.flatnonzero(marked)
        compact = np.zeros(d.n_rows, dtype=np.int32)
        compact[used] = np.arange(used.shape[0], dtype=np.int32)
        rows = compact[rows]
        del marked, compact
        self.input, self.output, self.report = fit_labelled(
            rows, row_offsets, labels, label_offsets, n_rows=used.shape[0], zero_rows=1, n_labels=d.n_labels,
            dim=c.dim, loss=c.loss, tree=self._tree(d), epochs=c.epochs, lr=c.lr, threads=c.threads or 1,
            seed=c.seed, progress=progress,
        )  # fmt: skip
        self.report.vocab_size = d.n_words
        self.dictionary = d
        self.row_map = used
        self.input_rows(np.zeros(0, np.int64))  # the lookups prediction needs, built once with the model
        d._word_table()
        self.seconds = time.perf_counter() - t0
        return self

    def _tree(self, d: LabelDictionary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The label tree's paths and codes (empty unless hierarchical softmax), built once per dictionary."""
        if self._tree_of is None or self._tree_of[0] is not d:
            self._tree_of = (d, label_tree(self.config.loss, d.label_counts))
        return self._tree_of[1]

    # -- queries ---------------------------------------------------------------------------------
    def _fitted(self) -> LabelDictionary:
        if self.dictionary is None or self.input is None or self.output is None:
            raise ConfigError("the model is not trained yet: call fit() or fit_file(), or load one")
        return self.dictionary

    @property
    def labels(self) -> list[str]:
        """Label names, most frequent in training first (the order of ``predict_proba``'s columns)."""
        return list(self._fitted().labels)

    @property
    def words(self) -> list[str]:
        return list(self._fitted().words)

    def encode_lines(self, data: bytes) -> EncodedLines:
        return self._fitted().encode(data)

    def input_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows of :attr:`input` for full-matrix row ids (a row training never saw: the zero row)."""
        if self.row_map is None:
            return rows
        if self._dense_map is None or self._dense_map[1] is not self.row_map:  # one int32 per full row: O(1) lookups
            dense = np.full(self._fitted().n_rows, self.row_map.shape[0], np.int32)
            dense[self.row_map] = np.arange(self.row_map.shape[0], dtype=np.int32)
            self._dense_map = (dense, self.row_map)
        return self._dense_map[0][rows]

    def full_input(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` of the full input matrix (words, then hash buckets), as fastText stores it."""
        assert self.input is not None
        if self.row_map is None:
            return np.asarray(self.input[start:stop], dtype=np.float32)
        block = np.zeros((stop - start, self.input.shape[1]), np.float32)
        a, b = np.searchsorted(self.row_map, [start, stop])
        block[self.row_map[a:b] - start] = self.input[a:b]
        return block

    def scores(self, lines: EncodedLines, *, threads: int | None = None) -> np.ndarray:
        """``[n_lines, n_labels]`` label probabilities, computed on ``threads`` threads (default: the model's
        ``threads``; a set under 4,096 lines always runs in the calling thread)."""
        d = self._fitted()
        assert self.input is not None and self.output is not None
        want = (self.config.threads or 1) if threads is None else check_int("threads", threads, 1, 1024)
        return label_probabilities(self.input_rows(lines.rows), lines.row_offsets, self.input, self.output,
                                   self.config.loss, self._tree(d), threads=want)  # fmt: skip

    def predict_proba(self, texts: Sequence[str] | str, *, threads: int | None = None) -> np.ndarray:
        """Probability of every label (columns in :attr:`labels` order) for each text (``threads``: as
        :meth:`scores`)."""
        texts = [texts] if isinstance(texts, str) else texts
        return self.scores(self.encode_lines(text_bytes(texts, self.config.tokenizer)), threads=threads)

    def predict(
        self, texts: Sequence[str] | str, k: int = 1, threshold: float = 0.0, *, threads: int | None = None
    ) -> tuple[tuple[str, ...], np.ndarray] | tuple[list[tuple[str, ...]], list[np.ndarray]]:
        """The ``k`` most probable labels with probability >= ``threshold``, and their probabilities.

        As fastText's ``predict``: one text gives ``(labels, probs)``, a list gives two lists.
        ``k=-1`` returns every label above the threshold. ``threads``: as :meth:`scores` (fastText's
        ``predict`` runs in one thread).
        """
        single = isinstance(texts, str)
        scores = self.predict_proba(texts, threads=threads)
        ids, probs = self.top(scores, k, threshold)
        names = np.array([*self._fitted().labels, ""], dtype=object)
        if (ids >= 0).all():  # every row has k labels: whole columns at a time
            labs = list(zip(*(names[ids[:, j]].tolist() for j in range(ids.shape[1])), strict=True))
            ps = list(probs)
        else:
            labs = [tuple(names[row[row >= 0]].tolist()) for row in ids]
            ps = [p[: len(lab)] for p, lab in zip(probs, labs, strict=True)]
        return (labs[0], ps[0]) if single else (labs, ps)

    def top(self, scores: np.ndarray, k: int = 1, threshold: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best label ids per row of ``scores`` (-1 past the last above ``threshold``) and their
        probabilities."""
        return best_labels(scores, k, threshold)

    def get_sentence_vector(self, text: str) -> np.ndarray:
        """The mean of the text's input rows: the vector the output layer sees."""
        return self.encode([text])[0]

    @property
    def dim(self) -> int:
        return self.config.dim

    def _vectors(self, texts: list[str], batch_size: int, show_progress: ProgressArg) -> np.ndarray:
        # each the mean of the text's input rows (fastText's get_sentence_vector)
        lines = self.encode_lines(text_bytes(texts, self.config.tokenizer))
        assert self.input is not None
        rows = self.input_rows(lines.rows)
        lengths = np.diff(lines.row_offsets)
        out = np.zeros((len(texts), self.config.dim), np.float32)
        has = lengths > 0
        if rows.size:
            sums = np.add.reduceat(self.input[rows].astype(np.float64), lines.row_offsets[:-1][has], axis=0)
            out[has] = (sums / lengths[has, None]).astype(np.float32)
        return out

    def test(self, texts: Sequence[str], labels: Sequence[str | Sequence[str]], k: int = 1) -> dict[str, Any]:
        """fastText's ``test``: examples, precision@k and recall@k (labels outside the model count as misses)."""
        from embedlab.classify.metrics import evaluate_predictions

        probs = self.predict_proba(texts)
        return evaluate_predictions(probs, self.labels, labels, k=k)

    # -- files -----------------------------------------------------------------------------------
    def save(self, path: PathLike, *, dsub: int = 2, qnorm: bool = True, cutoff: int | None = None) -> Path:
        """A ``.bin`` path writes fastText's format; ``.ftz`` its quantized format (product quantization,
        ``dsub`` dimensions a byte, row lengths apart with ``qnorm``, the ``cutoff`` longest n-gram rows
        kept, as ``fasttext quantize`` does); any other path a native folder."""
        from embedlab.classify.supervised_files import save_supervised

        if Path(path).suffix == ".ftz":
            return save_supervised(self, path, dsub=dsub, qnorm=qnorm, cutoff=cutoff)
        return save_supervised(self, path)

    @classmethod
    def load(cls, path: PathLike) -> SupervisedFastText:
        """A fastText supervised ``.bin`` or quantized ``.ftz`` (from the ``fasttext`` package or from here)
        or a native folder."""
        from embedlab.classify.supervised_files import load_supervised

        config, d, inp, out, row_map = load_supervised(path)
        model = cls(config)
        model.dictionary, model.input, model.output, model.row_map = d, inp, out, row_map
        model.input_rows(np.zeros(0, np.int64))
        return model
