"""Word2Vec: skip-gram and CBOW with negative sampling, trained by numba kernels.

>>> from embedlab import Word2Vec
>>> sentences = [["king", "queen", "crown"], ["apple", "pear", "fruit"]] * 200
>>> kv = Word2Vec(dim=16, min_count=1, epochs=3, threads=1, seed=1).fit(sentences)
>>> len(kv), kv.dim
(6, 16)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embedlab._progress import ProgressArg
from embedlab.kernels._sgd import LOG_SIGMOID_TABLE, SIGMOID_TABLE
from embedlab.kernels.word2vec import cbow_job, sgns_job
from embedlab.train._corpus import encode_for_training
from embedlab.train._weights import aligned_zeros, compact_rows, padded_width
from embedlab.train.config import Word2VecConfig, make_config, trainer_signature
from embedlab.train.driver import EpochReport, TrainReport, linear_schedule, run_epochs
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.encoded import EncodedCorpus
from embedlab.vocab.sampling import alias_table, keep_thresholds, noise_weights

__all__ = ["Word2Vec", "Word2VecConfig"]


class Word2Vec:
    """Train word vectors with skip-gram or CBOW and negative sampling.

    Parameters follow gensim's meaning with clearer names: ``dim`` (vector size),
    ``window`` (max distance; each centre word draws a window from 1..window),
    ``negative`` (noise words per positive), ``sample`` (subsampling threshold; 0 keeps
    every word), ``min_count``, ``max_vocab_size`` (memory bound while counting: past it
    the rarest words are pruned), ``epochs``, ``arch`` (``"skipgram"`` or ``"cbow"``),
    ``alpha`` (start learning rate; default 0.025 for skip-gram and 0.05 for CBOW),
    ``min_alpha`` (final rate), ``ns_exponent`` (noise distribution exponent),
    ``threads`` and ``seed``.

    Reproducibility: with ``threads=1`` a fixed ``seed`` gives bit-identical vectors.
    With more threads, updates race (Hogwild, as in word2vec.c and gensim), so results
    vary slightly from run to run.

    ``fit`` returns :class:`~embedlab.vectors.KeyedVectors`; ``report`` then holds the
    per-epoch loss (mean negative-sampling loss per positive pair) and speed.
    """

    def __init__(self, config: Word2VecConfig | None = None, /, **params: Any) -> None:
        self.config = make_config(Word2VecConfig, config, params, "Word2Vec")
        self.report: TrainReport | None = None
        self.corpus: EncodedCorpus | None = None

    def __repr__(self) -> str:
        c = self.config
        return f"Word2Vec(arch={c.arch!r}, dim={c.dim}, window={c.window}, negative={c.negative}, epochs={c.epochs})"

    def fit(
        self,
        corpus: Any,
        *,
        tokenizer: Any = None,
        skip_doc_tags: bool | None = None,
        jsonl_field: str | None = None,
        cache_dir: Any = None,
        progress: ProgressArg = None,
        callbacks: Sequence[Callable[[EpochReport], Any]] = (),
    ) -> KeyedVectors:
        """Train on ``corpus`` and return the word vectors.

        ``corpus`` is a file or folder path (plain or .gz/.bz2/.xz text, one sentence
        per line), a list of paths, a list of token lists, or an
        :class:`~embedlab.vocab.EncodedCorpus`. The reading options apply to paths;
        ``callbacks`` are called with an :class:`EpochReport` after every epoch.
        """
        c = self.config
        enc = encode_for_training(
            corpus, c, tokenizer=tokenizer, skip_doc_tags=skip_doc_tags, jsonl_field=jsonl_field,
            cache_dir=cache_dir, progress=progress,
        )  # fmt: skip
        self.corpus = enc
        vocab = enc.vocab
        syn0, syn1 = init_weights(len(vocab), c.dim, c.seed)
        keep = keep_thresholds(vocab.counts, c.sample)
        prob, alias = alias_table(noise_weights(vocab.counts, c.ns_exponent))
        kernel = sgns_job if c.arch == "skipgram" else cbow_job
        offsets = np.ascontiguousarray(enc.offsets, dtype=np.int64)
        read_tokens = enc.token_reader()

        def run_job(job_id: int, a: int, b: int, a0: float, a1: float, stats: np.ndarray) -> None:
            start, stop = int(offsets[a]), int(offsets[b])
            tokens = read_tokens(start, stop)
            local_offsets = offsets[a : b + 1] - start
            seed = np.uint64(c.seed) * np.uint64(1_000_003) + np.uint64(job_id)
            kernel(tokens, local_offsets, 0, b - a, syn0, syn1, keep, prob, alias, c.window, c.negative, a0, a1,
                   seed, SIGMOID_TABLE, LOG_SIGMOID_TABLE, stats)  # fmt: skip

        def snapshot() -> KeyedVectors:
            return self._vectors(np.ascontiguousarray(syn0[:, : c.dim]), enc)

        # compile (first use on a machine) or load the kernel before the clock starts
        kernel(read_tokens(0, 0), offsets[:1], 0, 0, syn0, syn1, keep, prob, alias, c.window, c.negative,
               c.alpha, c.alpha, 0, SIGMOID_TABLE, LOG_SIGMOID_TABLE, np.zeros(3))  # fmt: skip
        try:
            assert c.threads is not None and c.alpha is not None  # resolved by the config
            self.report = run_epochs(
                run_job,
                offsets,
                epochs=c.epochs,
                threads=c.threads,
                schedule=linear_schedule(c.alpha, c.min_alpha),
                progress=progress,
                callbacks=callbacks,
                description=f"word2vec {c.arch}",
                snapshot=snapshot,
            )
        finally:
            read_tokens.close()
        self.report.vocab_size = len(vocab)
        return self._vectors(compact_rows(syn0, c.dim), enc)

    def _vectors(self, syn0: np.ndarray, enc: EncodedCorpus) -> KeyedVectors:
        c = self.config
        meta = {
            "model": "word2vec",
            "params": c.as_dict(),
            "corpus": {k: v for k, v in enc.stats.items() if k != "source"},
        }
        if self.report is not None:
            meta["training"] = self.report.as_dict()
        return KeyedVectors(enc.vocab.words, syn0, enc.vocab.counts, metadata=meta)


def init_weights(n_words: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Input vectors uniform in ±1/dim (as gensim 4; word2vec.c uses ±0.5/dim), output vectors zero.

    Rows are padded to a multiple of 16 floats and start on 64-byte boundaries so the
    kernels' inner loops run as whole AVX-512 / AVX2 vectors with no scalar tail; the
    padding stays exactly zero through training.
    """
    width = padded_width(dim)
    rng = np.random.default_rng(seed)
    syn0 = aligned_zeros(n_words, width)
    for start in range(0, n_words, 65_536):  # in blocks, so no full-size temporary
        block = syn0[start : start + 65_536, :dim]
        block[:] = (rng.random(block.shape, dtype=np.float32) * 2.0 - 1.0) / dim
    syn1 = aligned_zeros(n_words, width)
    return syn0, syn1


Word2Vec.__init__.__signature__ = trainer_signature(Word2VecConfig)  # type: ignore[attr-defined]
