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
from embedlab.train._corpus import WordTrainer
from embedlab.train.config import Word2VecConfig, make_config, trainer_signature
from embedlab.train.driver import EpochReport
from embedlab.train.engine import SGNS, CorpusRounds
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.encoded import EncodedCorpus

__all__ = ["Word2Vec", "Word2VecConfig"]


class Word2Vec(WordTrainer[Word2VecConfig, KeyedVectors]):
    """Train word vectors with skip-gram or CBOW and negative sampling.

    Parameters follow gensim's meaning with clearer names: ``dim`` (vector size),
    ``window`` (max distance; each centre word draws a window from 1..window),
    ``negative`` (noise words per positive), ``sample`` (subsampling threshold; 0 keeps
    every word), ``min_count``, ``max_vocab_size`` (memory bound while counting: past it
    the rarest words are pruned), ``epochs``, ``arch`` (``"skipgram"`` or ``"cbow"``),
    ``lr`` (start learning rate; default 0.025 for skip-gram and 0.05 for CBOW),
    ``min_lr`` (final rate), ``ns_exponent`` (noise distribution exponent),
    ``threads`` and ``seed``. gensim's names (``vector_size``, ``alpha``, ``min_alpha``,
    ``workers``) are taken as these.

    Reproducibility: with ``threads=1`` a fixed ``seed`` gives bit-identical vectors.
    With more threads, updates race (Hogwild, as in word2vec.c and gensim), so results
    vary slightly from run to run.

    ``fit`` returns :class:`~embedlab.vectors.KeyedVectors`; ``report`` then holds the
    per-epoch loss (mean negative-sampling loss per positive pair) and speed.
    """

    def __init__(self, config: Word2VecConfig | None = None, /, **params: Any) -> None:
        super().__init__(make_config(Word2VecConfig, config, params, "Word2Vec"))

    def __repr__(self) -> str:
        c = self.config
        return f"Word2Vec(arch={c.arch!r}, dim={c.dim}, window={c.window}, negative={c.negative}, epochs={c.epochs})"

    def fit_corpus(
        self, enc: EncodedCorpus, *, progress: ProgressArg, callbacks: Sequence[Callable[[EpochReport], Any]]
    ) -> KeyedVectors:
        c = self.config
        assert c.threads is not None and c.lr is not None  # resolved by the config
        engine = SGNS(enc.vocab.counts, dim=c.dim, window=c.window, negative=c.negative, sample=c.sample,
                      ns_exponent=c.ns_exponent, arch=c.arch, seed=c.seed)  # fmt: skip
        self.report = engine.train(CorpusRounds(enc), epochs=c.epochs, threads=c.threads, lr=c.lr, min_lr=c.min_lr,
                                   progress=progress, callbacks=callbacks, description=f"word2vec {c.arch}",
                                   snapshot=lambda: self._vectors(engine.vectors(copy=True), enc))  # fmt: skip
        self.report.vocab_size = len(enc.vocab)
        return self._vectors(engine.vectors(), enc)

    def _vectors(self, syn0: np.ndarray, enc: EncodedCorpus) -> KeyedVectors:
        return KeyedVectors(enc.vocab.words, syn0, enc.vocab.counts, metadata=self.metadata("word2vec", enc))


Word2Vec.__init__.__signature__ = trainer_signature(Word2VecConfig)  # type: ignore[attr-defined]
