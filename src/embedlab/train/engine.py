"""The one skip-gram / CBOW trainer with negative sampling, over a stream of encoded rounds.

Word2Vec trains it on a corpus (the same round every epoch), FastText with subword rows, Item2Vec
on item sequences (through Word2Vec) and Node2Vec on rounds of random walks made as it goes: each
is "make the rounds, then :meth:`SGNS.train`". The engine owns what they shared: the weights
(rows padded to 16 floats on 64-byte boundaries, so the kernels' loops are whole SIMD vectors),
the subsampling and noise tables, the kernel and its arguments, compiling before the clock, the
threads, the learning-rate schedule, progress and Ctrl-C (through :func:`run_epochs`).

>>> import numpy as np
>>> from embedlab.vocab import EncodedCorpus
>>> corpus = EncodedCorpus.from_ids(np.tile(np.arange(4), 50), np.arange(0, 201, 10), keys=list("abcd"))
>>> engine = SGNS(corpus.vocab.counts, dim=8, window=2, negative=3, seed=1)
>>> report = engine.train(CorpusRounds(corpus), epochs=2, threads=1, lr=0.025)
>>> engine.vectors().shape, len(report.epochs)
((4, 8), 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from embedlab._progress import ProgressArg
from embedlab._validation import check_choice, check_int
from embedlab.kernels._sgd import LOG_SIGMOID_TABLE, SIGMOID_TABLE
from embedlab.kernels.fasttext import ft_cbow_job, ft_skipgram_job, mean_rows
from embedlab.kernels.word2vec import cbow_job, sgns_job
from embedlab.train._weights import aligned_zeros, compact_rows, padded_width
from embedlab.train.driver import EpochReport, TrainReport, linear_schedule, run_epochs
from embedlab.vocab.encoded import EncodedCorpus
from embedlab.vocab.sampling import alias_table, keep_thresholds, noise_weights

__all__ = ["SGNS", "CorpusRounds", "MadeRounds", "Rounds", "init_weights"]

TokenReader = Callable[[int, int], np.ndarray]


class Rounds(Protocol):
    """What the engine trains on: one round of sentences (token ids + offsets) per epoch."""

    #: sentence boundaries the jobs are cut on (every round has this many tokens, or about as many)
    offsets: np.ndarray

    def start(self, epoch: int) -> tuple[TokenReader, np.ndarray]:
        """The reader of tokens ``[start, stop)`` of epoch ``epoch``'s round, and that round's offsets."""
        ...

    def close(self) -> None: ...


class CorpusRounds:
    """The same :class:`~embedlab.vocab.EncodedCorpus` every epoch, read from memory or its memory map."""

    def __init__(self, corpus: EncodedCorpus) -> None:
        self.offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
        self._read = corpus.token_reader()

    def start(self, epoch: int) -> tuple[TokenReader, np.ndarray]:
        return self._read, self.offsets

    def close(self) -> None:
        self._read.close()


class MadeRounds:
    """Rounds made as training goes (node2vec's walks): round ``epoch % n_rounds`` comes from
    ``make(r)`` at the start of each epoch, so memory holds one round at a time. ``first`` is round 0,
    made beforehand (its counts set the noise table); ``made_seconds`` adds up the time spent making."""

    def __init__(self, first: EncodedCorpus, make: Callable[[int], EncodedCorpus], n_rounds: int) -> None:
        self.offsets = np.asarray(first.offsets, dtype=np.int64)
        self.current, self._make, self._n = first, make, check_int("n_rounds", n_rounds, 1)
        self.made_seconds = 0.0

    def start(self, epoch: int) -> tuple[TokenReader, np.ndarray]:
        import time

        if epoch > 0:  # round 0 was made beforehand; later epochs remake their round from its seed
            t = time.perf_counter()
            self.current = self._make(epoch % self._n)
            self.made_seconds += time.perf_counter() - t
        tokens = self.current.tokens
        return (lambda a, b: tokens[a:b]), np.asarray(self.current.offsets, dtype=np.int64)

    def close(self) -> None:
        pass


def init_weights(n_rows: int, dim: int, seed: int, n_out: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Input rows uniform in ±1/dim (gensim 4 and fastText; word2vec.c uses ±0.5/dim), ``n_out`` output
    rows of zeros (default ``n_rows``). Rows are padded to a multiple of 16 floats and start on 64-byte
    boundaries; the padding stays exactly zero through training."""
    width = padded_width(dim)
    rng = np.random.default_rng(seed)
    syn0 = aligned_zeros(n_rows, width)
    for start in range(0, n_rows, 65_536):  # in blocks, so no full-size temporary
        block = syn0[start : start + 65_536, :dim]
        block[:] = (rng.random(block.shape, dtype=np.float32) * 2.0 - 1.0) / dim
    return syn0, aligned_zeros(n_rows if n_out is None else n_out, width)


class SGNS:
    """Skip-gram (``arch="skipgram"``) or CBOW with negative sampling over the keys counted in ``counts``.

    ``subwords`` (FastText): ``(offsets, ids)``, each key's input rows (itself and its n-gram rows,
    from :func:`~embedlab.vocab.subword_ids`), ``n_rows`` input rows in all (keys, then n-gram buckets).
    ``sample`` is the subsampling threshold (0 keeps every token), ``ns_exponent`` the noise exponent.
    """

    def __init__(
        self,
        counts: Sequence[int] | np.ndarray,
        *,
        dim: int,
        window: int = 5,
        negative: int = 5,
        sample: float = 1e-3,
        ns_exponent: float = 0.75,
        arch: str = "skipgram",
        seed: int = 1,
        subwords: tuple[np.ndarray, np.ndarray] | None = None,
        n_rows: int | None = None,
    ) -> None:
        counts = np.asarray(counts, dtype=np.int64)
        self.dim, self.window, self.negative, self.seed = dim, window, negative, seed
        self.arch = check_choice("arch", arch, ("skipgram", "cbow"))
        self.subwords = subwords
        self.syn0, self.syn1 = init_weights(n_rows or counts.shape[0], dim, seed, n_out=counts.shape[0])
        self.keep = keep_thresholds(counts, sample)
        self.prob, self.alias = alias_table(noise_weights(counts, ns_exponent))
        self._kernel: Any
        if subwords is None:
            self._kernel = sgns_job if arch == "skipgram" else cbow_job
            self._rows: tuple[np.ndarray, ...] = ()
        else:
            self._kernel = ft_skipgram_job if arch == "skipgram" else ft_cbow_job
            self._rows = subwords

    def job(
        self, tokens: np.ndarray, offsets: np.ndarray, lr0: float, lr1: float, seed: Any, stats: np.ndarray
    ) -> None:
        """Train on the sentences ``offsets`` cuts ``tokens`` into, the learning rate going from ``lr0`` to ``lr1``;
        ``stats`` gets the loss sum, the pairs and the words done."""
        self._kernel(tokens, offsets, 0, offsets.shape[0] - 1, *self._rows, self.syn0, self.syn1, self.keep,
                     self.prob, self.alias, self.window, self.negative, lr0, lr1, seed, SIGMOID_TABLE,
                     LOG_SIGMOID_TABLE, stats)  # fmt: skip

    def compile(self, read: TokenReader | None = None) -> None:
        """Compile the kernel (first use on a machine) or load it from the cache, before any clock starts;
        ``read``: the rounds' reader, so the kernel is typed for the arrays it will get."""
        tokens = read(0, 0) if read is not None else np.zeros(0, np.int32)
        self.job(tokens, np.zeros(1, np.int64), 0.0, 0.0, np.uint64(0), np.zeros(3))

    def train(
        self,
        rounds: Rounds,
        *,
        epochs: int,
        threads: int,
        lr: float,
        min_lr: float = 0.0001,
        progress: ProgressArg = None,
        callbacks: Sequence[Callable[[EpochReport], Any]] = (),
        description: str = "training",
        unit: str = "words",
        snapshot: Callable[[], Any] | None = None,
    ) -> TrainReport:
        """``epochs`` passes, one round each, the learning rate falling linearly from ``lr`` to ``min_lr``
        over all of them. A job's random stream depends on the seed and its place only, so one thread and
        a fixed seed give identical weights. ``snapshot`` makes what callbacks may ask for mid-training."""
        current: list[Any] = [None, None]

        def on_epoch_start(epoch: int) -> None:
            current[0], current[1] = rounds.start(epoch)

        def run_job(job_id: int, a: int, b: int, a0: float, a1: float, stats: np.ndarray) -> None:
            read, offsets = current
            start, stop = int(offsets[a]), int(offsets[b])
            seed = np.uint64(self.seed) * np.uint64(1_000_003) + np.uint64(job_id)
            self.job(read(start, stop), offsets[a : b + 1] - start, a0, a1, seed, stats)

        try:
            self.compile(rounds.start(0)[0])
            return run_epochs(run_job, rounds.offsets, epochs=epochs, threads=threads,
                              schedule=linear_schedule(lr, min_lr), progress=progress, callbacks=callbacks,
                              on_epoch_start=on_epoch_start, description=description, unit=unit,
                              snapshot=snapshot)  # fmt: skip
        finally:
            rounds.close()

    def vectors(self, n: int | None = None, *, copy: bool = False) -> np.ndarray:
        """The first ``n`` input rows (default all), ``dim`` columns. Without ``copy`` the padded weights are
        compacted in place (no second full-size matrix) and the engine is done; with it, a snapshot."""
        rows = self.syn0 if n is None else self.syn0[:n]
        if copy:
            return np.ascontiguousarray(rows[:, : self.dim])
        full = compact_rows(self.syn0, self.dim)
        return full if n is None else full[:n]

    def key_vectors(self, n_keys: int) -> np.ndarray:
        """FastText's key vectors: each key's mean over its own row and its n-gram rows."""
        if self.subwords is None:
            return self.vectors(n_keys, copy=True)
        out = np.empty((n_keys, self.syn0.shape[1]), dtype=np.float32)
        mean_rows(*self.subwords, self.syn0, out)
        return np.ascontiguousarray(out[:, : self.dim])
