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
from embedlab.train._corpus import encode_for_training
from embedlab.train.config import Word2VecConfig, make_config, trainer_signature
from embedlab.train.driver import EpochReport, TrainReport
from embedlab.train.engine import SGNS, CorpusRounds
from embedlab.vectors.keyed import KeyedVectors
from embedlab.vocab.encoded import EncodedCorpus

__all__ = ["Word2Vec", "Word2VecConfig"]


class Word2Vec:
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
        assert c.threads is not None and c.lr is not None  # resolved by the config
        engine = SGNS(enc.vocab.counts, dim=c.dim, window=c.window, negative=c.negative, sample=c.sample,
                      ns_exponent=c.ns_exponent, arch=c.arch, seed=c.seed)  # fmt: skip
        self.report = engine.train(CorpusRounds(enc), epochs=c.epochs, threads=c.threads, lr=c.lr, min_lr=c.min_lr,
                                   progress=progress, callbacks=callbacks, description=f"word2vec {c.arch}",
                                   snapshot=lambda: self._vectors(engine.vectors(copy=True), enc))  # fmt: skip
        self.report.vocab_size = len(enc.vocab)
        return self._vectors(engine.vectors(), enc)

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


Word2Vec.__init__.__signature__ = trainer_signature(Word2VecConfig)  # type: ignore[attr-defined]
