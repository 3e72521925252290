"""FastText: Word2Vec over character n-grams, with vectors for out-of-vocabulary words.

>>> from embedlab.train.fasttext import FastText
>>> sents = [["running", "runner", "runs"], ["swimming", "swimmer", "swims"]] * 100
>>> kv = FastText(dim=8, min_count=1, epochs=2, bucket=1000, threads=1).fit(sents)
>>> "runnings" in kv, kv["runnings"].shape   # an unseen word still has a vector
(True, (8,))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embedlab._memory import check_fits
from embedlab._progress import ProgressArg
from embedlab.train._corpus import WordTrainer
from embedlab.train._weights import padded_width
from embedlab.train.config import DEFAULT_BUCKET, FastTextConfig, make_config, trainer_signature
from embedlab.train.driver import EpochReport
from embedlab.train.engine import SGNS, CorpusRounds
from embedlab.vectors.subword import SubwordVectors
from embedlab.vocab.encoded import EncodedCorpus
from embedlab.vocab.subwords import subword_ids

__all__ = ["FastText", "FastTextConfig", "fitted_bucket"]


class FastText(WordTrainer[FastTextConfig, SubwordVectors]):
    """Train FastText vectors (Bojanowski et al., 2017) with skip-gram or CBOW.

    Defaults follow the fastText tool: ``lr=0.05`` decaying to 0, ``sample=1e-4``,
    character n-grams of ``<word>`` from ``minn=3`` to ``maxn=6`` hashed with fastText's own
    hash (ids equal the ``fasttext`` package's) into ``bucket`` rows: by default as many as the
    vocabulary's n-grams need (:func:`fitted_bucket`, at most fastText's 2,000,000); give
    ``bucket=2_000_000`` for fastText's exact layout. ``subword="jamo"`` splits Hangul syllables
    into jamo before cutting n-grams (Park et al., 2018). ``maxn=0`` trains plain word vectors.

    ``fit`` returns :class:`~embedlab.vectors.SubwordVectors`, which give vectors for
    unseen words too. Threads update shared weights without locks (Hogwild); with one
    thread a seed reproduces a run exactly.
    """

    def __init__(self, config: FastTextConfig | None = None, /, **params: Any) -> None:
        super().__init__(make_config(FastTextConfig, config, params, "FastText"))

    def __repr__(self) -> str:
        c = self.config
        return f"FastText(arch={c.arch!r}, dim={c.dim}, minn={c.minn}, maxn={c.maxn}, subword={c.subword!r})"

    def fit_corpus(
        self, enc: EncodedCorpus, *, progress: ProgressArg, callbacks: Sequence[Callable[[EpochReport], Any]]
    ) -> SubwordVectors:
        c = self.config
        vocab = enc.vocab
        n_words = len(vocab)
        if c.bucket is None:  # sized to the n-grams this vocabulary has, now that it is known
            self.config = c = dataclasses.replace(c, bucket=fitted_bucket(vocab.words, c))
        assert c.bucket is not None
        n_rows = n_words + (c.bucket if c.maxn > 0 else 0)
        sub_offsets, sub_ids = subword_ids(vocab.words, c.minn, c.maxn, c.bucket, jamo=c.subword == "jamo")
        width = padded_width(c.dim)
        # against the whole RAM, not what is free now: a table that fits the machine may push the page cache out
        check_fits((n_rows + n_words) * width * 4, f"a table of {n_words:,} words + bucket={c.bucket:,} n-gram rows "
                   f"of dim {c.dim}", "lower --bucket (or --dim)", whole_machine=True)  # fmt: skip
        _warn_oversized_buckets(c.bucket if c.maxn > 0 else 0, sub_ids[sub_ids >= n_words], c.dim)
        # fastText's noise: counts ** 0.5
        engine = SGNS(vocab.counts, dim=c.dim, window=c.window, negative=c.negative, sample=c.sample,
                      ns_exponent=0.5, arch=c.arch, seed=c.seed, subwords=(sub_offsets, sub_ids),
                      n_rows=n_rows)  # fmt: skip
        assert c.threads is not None  # resolved by the config
        self.report = engine.train(CorpusRounds(enc), epochs=c.epochs, threads=c.threads, lr=c.lr, min_lr=c.min_lr,
                                   progress=progress, callbacks=callbacks, description=f"fasttext {c.arch}",
                                   snapshot=lambda: self._vectors(engine, enc, compact=False))  # fmt: skip
        self.report.vocab_size = n_words
        return self._vectors(engine, enc, compact=True)

    def _vectors(self, engine: SGNS, enc: EncodedCorpus, *, compact: bool) -> SubwordVectors:
        c = self.config
        assert c.bucket is not None  # sized by fit
        n_words = len(enc.vocab)
        words = engine.key_vectors(n_words)
        full = engine.vectors(copy=not compact)
        ngrams = full[n_words:] if c.maxn > 0 else np.zeros((0, c.dim), dtype=np.float32)
        meta = self.metadata("fasttext", enc)
        return SubwordVectors(
            enc.vocab.words, words, enc.vocab.counts, ngrams=ngrams, minn=c.minn, maxn=c.maxn, bucket=c.bucket,
            jamo=c.subword == "jamo", metadata=meta,
        )  # fmt: skip


FastText.__init__.__signature__ = trainer_signature(FastTextConfig)  # type: ignore[attr-defined]


def fitted_bucket(words: Sequence[str], c: FastTextConfig) -> int:
    """Hash rows for the n-grams of ``words``: four per distinct n-gram (under fastText's 2,000,000-row
    hashing), rounded up to a power of two, at most 2,000,000 (the n-grams of unseen words share rows,
    as they do in fastText) and at least 1,024. A small corpus then trains and saves a model of its own
    size, not 2,000,000 rows of which most are never read."""
    if c.maxn == 0:
        return 1
    _, ids = subword_ids(words, c.minn, c.maxn, DEFAULT_BUCKET, jamo=c.subword == "jamo", with_word=False, nwords=0)
    used = int(np.unique(ids).size)
    return min(DEFAULT_BUCKET, 1 << max(10, (4 * used - 1).bit_length()))


def _warn_oversized_buckets(bucket: int, sub_ids: np.ndarray, dim: int) -> None:
    """Warn when most n-gram rows can never be used (``sub_ids``: the vocabulary's n-gram rows): a small
    corpus with fastText's 2M default trains and saves hundreds of MB of rows nothing reads."""
    used = int(np.unique(sub_ids).size) if sub_ids.size else 0
    mb = bucket * dim * 4 / 1e6
    if bucket and mb >= 100 and used * 10 < bucket:
        import warnings

        suggest = 1 << max(10, int(used * 4).bit_length())
        warnings.warn(
            f"{bucket:,} n-gram buckets ({mb:,.0f} MB of rows) for {used:,} distinct n-grams in this vocabulary: "
            f"most rows stay unused; bucket={suggest:,} (--bucket {suggest}) would do here and give a far smaller "
            "model (2,000,000 is fastText's default, kept for compatibility)",
            UserWarning,
            stacklevel=3,
        )
