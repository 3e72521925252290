"""GloVe: co-occurrence counts + weighted least squares with AdaGrad, on the embedlab engine.

>>> from embedlab.train.glove import GloVe
>>> sentences = [["king", "queen", "crown"], ["apple", "pear", "fruit"]] * 200
>>> kv = GloVe(dim=8, min_count=1, epochs=3, threads=1).fit(sentences)
>>> len(kv), kv.dim
(6, 8)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embedlab._progress import ProgressArg
from embedlab.kernels.glove import glove_job, glove_rates, shuffle, weights_and_logs
from embedlab.train._corpus import WordTrainer
from embedlab.train._weights import aligned_zeros, compact_rows, padded_width
from embedlab.train.config import GloVeConfig, make_config, trainer_signature
from embedlab.train.driver import EpochReport, linear_schedule, run_epochs
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.cooccur import Cooccurrence, count_cooccurrences
from embedlab.vocab.encoded import EncodedCorpus

__all__ = ["GloVe", "GloVeConfig"]

_BLOCK = 1 << 14  # entries per scheduling unit


class GloVe(WordTrainer[GloVeConfig, KeyedVectors]):
    """Train GloVe vectors (Pennington et al., 2014) as the GloVe C tool does.

    ``window`` (symmetric, counts weighted by 1/distance), ``x_max`` and ``power`` (the
    weighting function; the C tool's ``alpha``), ``lr`` (AdaGrad's initial rate; its ``eta``),
    ``bias_lr`` (the biases' rate: ``None`` is ``lr``, as in the GloVe paper; ``1.0`` is the C
    tool's rule since it gained gradient clipping, which gives the C tool's SimLex on Wikipedia;
    its ``bias_eta``), ``epochs``; ``memory_mb`` bounds
    the co-occurrence table (past it, sorted runs spill to disk and are merged).
    ``output``: ``"sum"`` returns W + W̃ (the C tool's ``-model 2``), ``"word"`` W alone,
    ``"concat"`` both side by side. ``precision="float64"`` trains in double precision, as the C
    tool does (twice the memory for the weights; BENCHMARKS.md compares both with the C tool); the
    vectors are float32 either way. The entries are reshuffled every epoch; threads update shared
    weights without locks (Hogwild), so only ``threads=1`` is bit-reproducible.
    ``report`` holds the mean weighted squared error per entry, per epoch.

    Recommendation: on corpora up to about 100M tokens, ``x_max=10`` gives clearly better
    vectors than the C tool's default of 100 (analogy 0.310 vs 0.198 on 16.6M tokens of
    Wikipedia after 15 epochs), and ``bias_lr=1.0`` a better SimLex-999 (BENCHMARKS.md). The C tool's
    names (``alpha``, ``eta``, ``bias_eta``) are taken as these.
    """

    def __init__(self, config: GloVeConfig | None = None, /, **params: Any) -> None:
        super().__init__(make_config(GloVeConfig, config, params, "GloVe"))
        self.cooccurrence: Cooccurrence | None = None

    def __repr__(self) -> str:
        c = self.config
        return f"GloVe(dim={c.dim}, window={c.window}, x_max={c.x_max}, epochs={c.epochs})"

    def fit_corpus(
        self, enc: EncodedCorpus, *, progress: ProgressArg, callbacks: Sequence[Callable[[EpochReport], Any]]
    ) -> KeyedVectors:
        c = self.config
        X = count_cooccurrences(enc, window=c.window, memory_mb=c.memory_mb, progress=progress)
        self.cooccurrence = X
        return self.fit_cooccurrence(X, progress=progress, callbacks=callbacks)

    def fit_cooccurrence(
        self,
        X: Cooccurrence,
        *,
        progress: ProgressArg = None,
        callbacks: Sequence[Callable[[EpochReport], Any]] = (),
    ) -> KeyedVectors:
        """Train on an already counted co-occurrence matrix."""
        c = self.config
        n = len(X.vocab)
        dt = np.float64 if c.precision == "float64" else np.float32
        width = padded_width(c.dim)
        rng = np.random.default_rng(c.seed)
        W, Wt = aligned_zeros(n, width, dtype=dt), aligned_zeros(n, width, dtype=dt)
        for M in (W, Wt):  # uniform in ±0.5/dim as the C tool; padding stays zero
            M[:, : c.dim] = (rng.random((n, c.dim), dtype=np.float32) - 0.5) / c.dim
        bw = ((rng.random(n) - 0.5) / c.dim).astype(dt)
        bwt = ((rng.random(n) - 0.5) / c.dim).astype(dt)
        gW, gWt = aligned_zeros(n, width, dtype=dt), aligned_zeros(n, width, dtype=dt)
        gW[:, : c.dim] = 1.0
        gWt[:, : c.dim] = 1.0
        gW[:, c.dim :] = 1.0  # padding: gradient is zero there, keep sqrt(g) finite
        gWt[:, c.dim :] = 1.0
        gbw = np.ones(n, dtype=dt)
        gbwt = np.ones(n, dtype=dt)
        fx = np.empty(X.nnz, dtype=dt)
        logx = np.empty(X.nnz, dtype=dt)
        weights_and_logs(X.vals, c.x_max, c.power, fx, logx)
        assert c.bias_lr is not None  # resolved by the config
        rates = glove_rates(c.lr, c.bias_lr, dt)
        perm = np.arange(X.nnz, dtype=np.int64)
        shuffle(perm, c.seed)
        blocks = np.append(np.arange(0, X.nnz, _BLOCK, dtype=np.int64), np.int64(X.nnz))
        rows, cols = X.rows, X.cols

        def run_job(job_id: int, a: int, b: int, a0: float, a1: float, stats: np.ndarray) -> None:
            glove_job(perm, int(blocks[a]), int(blocks[b]), rows, cols, logx, fx, W, Wt, bw, bwt,
                      gW, gWt, gbw, gbwt, rates, stats)  # fmt: skip

        def reshuffle(epoch: int) -> None:  # a new order of the entries for every epoch after the first
            if epoch > 0:
                shuffle(perm, c.seed * 1_000_003 + epoch)

        glove_job(perm, 0, 0, rows, cols, logx, fx, W, Wt, bw, bwt, gW, gWt, gbw, gbwt, rates, np.zeros(3))
        assert c.threads is not None  # resolved by the config
        self.report = run_epochs(
            run_job,
            blocks,
            epochs=c.epochs,
            threads=c.threads,
            schedule=linear_schedule(c.lr, c.lr),  # AdaGrad adapts the rate itself
            words_per_job=4 * _BLOCK,
            progress=progress,
            callbacks=callbacks,
            on_epoch_start=reshuffle,
            description="glove",
            unit="entries",
            snapshot=lambda: self._vectors(
                np.ascontiguousarray(W[:, : c.dim]), np.ascontiguousarray(Wt[:, : c.dim]), X
            ),
        )
        self.report.vocab_size = n
        W, Wt = compact_rows(W, c.dim), compact_rows(Wt, c.dim)
        if dt is np.float64:  # vectors are stored and served in float32 either way
            W, Wt = W.astype(np.float32), Wt.astype(np.float32)
        return self._vectors(W, Wt, X)

    def _vectors(self, W: np.ndarray, Wt: np.ndarray, X: Cooccurrence) -> KeyedVectors:
        c = self.config
        if c.output == "sum":
            vectors = W
            vectors += Wt
        elif c.output == "word":
            vectors = W
        else:
            vectors = np.concatenate([W, Wt], axis=1)
        meta = {"model": "glove", "params": c.as_dict(), "cooccurrence": X.stats}
        if self.corpus is not None:
            meta["corpus"] = {k: v for k, v in self.corpus.stats.items() if k != "source"}
        if self.report is not None:
            meta["training"] = self.report.as_dict()
        return KeyedVectors(X.vocab.words, vectors, X.vocab.counts, metadata=meta)


GloVe.__init__.__signature__ = trainer_signature(GloVeConfig)  # type: ignore[attr-defined]
