"""Turning whatever a user passes to ``fit`` into the EncodedCorpus a trainer needs; the trainers' shared base."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from embedlab._params import Config
from embedlab._progress import ProgressArg
from embedlab.train.driver import EpochReport, TrainReport
from embedlab.vocab.build import as_encoded_corpus
from embedlab.vocab.encoded import EncodedCorpus

C = TypeVar("C", bound=Config)
V = TypeVar("V")


def encode_for_training(
    corpus: Any,
    config: Any,
    *,
    tokenizer: Any,
    skip_doc_tags: bool | None,
    jsonl_field: str | None,
    cache_dir: Any,
    progress: ProgressArg,
) -> EncodedCorpus:
    """Encode ``corpus`` (path(s), token lists or an EncodedCorpus) with the trainer's vocabulary settings.

    Words under ``config.min_count`` are dropped even from a corpus encoded with a lower one.
    """
    return as_encoded_corpus(
        corpus,
        tokenizer=tokenizer,
        min_count=config.min_count,
        max_vocab_size=config.max_vocab_size,
        skip_doc_tags=skip_doc_tags,
        jsonl_field=jsonl_field,
        cache_dir=cache_dir,
        progress=progress,
    ).restrict(config.min_count)


class WordTrainer(Generic[C, V]):
    """What Word2Vec, GloVe and FastText share: their config, the corpus of the last fit (``corpus``), its
    report (``report``, per-epoch loss and speed), reading what ``fit`` is given, and the vectors' metadata.
    A trainer implements :meth:`fit_corpus` over an encoded corpus."""

    def __init__(self, config: C) -> None:
        self.config = config
        self.report: TrainReport | None = None
        self.corpus: EncodedCorpus | None = None

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
    ) -> V:
        """Train on ``corpus`` and return the vectors.

        ``corpus`` is a file or folder path (plain or .gz/.bz2/.xz text, one sentence per line), a list
        of paths, a list of token lists, or an :class:`~embedlab.vocab.EncodedCorpus`. The reading options
        apply to paths; ``callbacks`` are called with an :class:`EpochReport` after every epoch.
        """
        self.corpus = encode_for_training(corpus, self.config, tokenizer=tokenizer, skip_doc_tags=skip_doc_tags,
                                          jsonl_field=jsonl_field, cache_dir=cache_dir, progress=progress)  # fmt: skip
        return self.fit_corpus(self.corpus, progress=progress, callbacks=callbacks)

    def fit_corpus(
        self, enc: EncodedCorpus, *, progress: ProgressArg, callbacks: Sequence[Callable[[EpochReport], Any]]
    ) -> V:  # pragma: no cover - abstract
        raise NotImplementedError

    def metadata(self, model: str, enc: EncodedCorpus) -> dict[str, Any]:
        """What the saved vectors say of their making: the model, its settings, the corpus, the training."""
        meta: dict[str, Any] = {"model": model, "params": self.config.as_dict(),
                                "corpus": {k: v for k, v in enc.stats.items() if k != "source"}}  # fmt: skip
        if self.report is not None:
            meta["training"] = self.report.as_dict()
        return meta
