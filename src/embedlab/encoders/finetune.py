"""Fine-tuning a sentence encoder on the user's pairs with sentence-transformers' trainer.

Two kinds of training data:

- scored pairs ``(sentence1, sentence2, score)`` (e.g. STS, KorSTS): CoSENT loss (default) or
  cosine-similarity MSE; scores are scaled to 0..1 by their maximum (5 for STS);
- positive pairs ``(anchor, positive)`` (question/answer, query/passage): multiple-negatives
  ranking loss, every other positive in the batch serving as a negative.

The result is a normal sentence-transformers folder, written atomically.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embedlab._params import Config, keyword_aliases, param
from embedlab.errors import ConfigError, FormatError

__all__ = ["FinetuneConfig", "FinetuneReport", "Pairs", "finetune", "read_pairs"]

LOSSES = ("auto", "cosent", "cosine", "mnrl")


@dataclass
class Pairs:
    """Training pairs; ``scores`` is None for positive pairs."""

    first: list[str]
    second: list[str]
    scores: list[float] | None = None

    def __len__(self) -> int:
        return len(self.first)


@dataclass
class FinetuneReport:
    path: Path
    loss: str
    pairs: int
    epochs: int
    steps: int
    seconds: float
    final_loss: float | None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["path"] = str(self.path)
        return d


def read_pairs(path: str | os.PathLike[str]) -> Pairs:
    """Pairs from an STS file (scored), a 2-column TSV (positive pairs) or JSON lines with
    ``sentence1``/``sentence2``[/``score``] or ``anchor``/``positive``."""
    from embedlab.eval.sts import read_sts
    from embedlab.text.readers import open_text

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "training file not found", str(p))
    if ".jsonl" in p.name:
        from embedlab.text.readers import iter_jsonl

        first, second, scores = [], [], []
        for n, row in enumerate(iter_jsonl(p), 1):
            a = row.get("sentence1", row.get("anchor"))
            b = row.get("sentence2", row.get("positive"))
            if not isinstance(a, str) or not isinstance(b, str):
                raise FormatError(f"{p}: record {n} needs sentence1/sentence2 or anchor/positive strings")
            first.append(a)
            second.append(b)
            if "score" in row or "label" in row:
                scores.append(float(row["score"] if "score" in row else row["label"]))
        if scores and len(scores) != len(first):
            raise FormatError(f"{p}: some lines have a score and some do not")
        pairs = Pairs(first, second, scores or None)
    else:
        with open_text(p) as fh:
            rows = [r for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if r]
        if rows and len(rows[0]) == 2 and "sentence1" not in rows[0]:
            pairs = Pairs([r[0] for r in rows], [r[1] for r in rows if len(r) > 1])
            if len(pairs.second) != len(pairs.first):
                raise FormatError(f"{p}: every line of a pair file needs two tab-separated texts")
        else:
            sts = read_sts(p)
            pairs = Pairs(sts.sentences1, sts.sentences2, sts.scores.tolist())
    if not len(pairs):
        raise FormatError(f"{p} holds no pairs")
    return pairs


@dataclass(frozen=True, kw_only=True)
class FinetuneConfig(Config):
    """:func:`finetune`'s settings."""

    loss: str = param("auto", "auto, cosent, cosine (scored pairs) or mnrl (in-batch negatives).", choices=LOSSES)
    epochs: int = param(1, "Passes over the pairs.", ge=1, aliases=("num_train_epochs",))
    batch_size: int = param(16, "Pairs per step.", ge=2, aliases=("per_device_train_batch_size",))
    lr: float = param(2e-5, "Peak learning rate (AdamW).", gt=0.0, aliases=("learning_rate",))
    warmup_ratio: float = param(0.1, "Share of the steps spent warming the learning rate up.", ge=0.0, le=1.0)
    seed: int = param(42, "Random seed.", ge=0, le=2**32 - 1)


@keyword_aliases(learning_rate="lr")
def finetune(
    train: Pairs,
    output: str | os.PathLike[str],
    *,
    model: str | os.PathLike[str] | None = None,
    loss: str = FinetuneConfig.loss,
    epochs: int = FinetuneConfig.epochs,
    batch_size: int = FinetuneConfig.batch_size,
    lr: float = FinetuneConfig.lr,
    warmup_ratio: float = FinetuneConfig.warmup_ratio,
    seed: int = FinetuneConfig.seed,
    show_progress: bool = False,
) -> FinetuneReport:
    """Continue training ``model`` (default: the bundled MiniLM) on ``train``; save to ``output``.

    ``loss="auto"`` picks CoSENT for scored pairs and in-batch negatives (``mnrl``) for positive pairs.
    sentence-transformers' ``learning_rate=`` is accepted for ``lr``.
    """
    from embedlab._files import atomic_dir
    from embedlab.encoders.transformer import SentenceEncoder, _sentence_transformers

    c = FinetuneConfig(loss=loss, epochs=epochs, batch_size=batch_size, lr=lr, warmup_ratio=warmup_ratio, seed=seed)
    loss, epochs, batch_size, learning_rate, warmup_ratio = c.loss, c.epochs, c.batch_size, c.lr, c.warmup_ratio
    if loss == "auto":
        loss = "cosent" if train.scores is not None else "mnrl"
    if loss in ("cosent", "cosine") and train.scores is None:
        raise ConfigError(f"loss {loss!r} needs scored pairs (sentence1, sentence2, score); use loss='mnrl'")
    if len(train) < 2:
        raise ConfigError("fine-tuning needs at least 2 pairs")
    _, torch = _sentence_transformers()
    try:
        import datasets
        from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments

        try:
            from sentence_transformers.sentence_transformer.training_args import BatchSamplers
        except ImportError:  # sentence-transformers < 6
            from sentence_transformers.training_args import BatchSamplers  # type: ignore[no-redef]
    except ImportError:
        from embedlab.errors import MissingDependencyError

        raise MissingDependencyError("datasets/accelerate", "sentence") from None
    losses = _losses_module()
    encoder = SentenceEncoder(model)
    st_model = encoder.model
    columns: dict[str, list[Any]] = {"sentence1": train.first, "sentence2": train.second}
    if train.scores is not None and loss != "mnrl":
        top = max(abs(s) for s in train.scores) or 1.0
        columns["score"] = [float(s) / top for s in train.scores]
    ds = datasets.Dataset.from_dict(columns)
    loss_fn = {
        "cosent": lambda: losses.CoSENTLoss(st_model),
        "cosine": lambda: losses.CosineSimilarityLoss(st_model),
        "mnrl": lambda: losses.MultipleNegativesRankingLoss(st_model),
    }[loss]()
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="embedlab-finetune-") as work:
        args = SentenceTransformerTrainingArguments(
            output_dir=work,
            num_train_epochs=epochs,
            per_device_train_batch_size=batch_size,
            learning_rate=learning_rate,
            warmup_steps=warmup_ratio,  # a float below 1 is a share of the steps
            seed=seed,
            save_strategy="no",
            report_to="none",
            logging_steps=max(1, len(ds) // batch_size // 10),
            disable_tqdm=not show_progress,
            batch_sampler=BatchSamplers.NO_DUPLICATES if loss == "mnrl" else BatchSamplers.BATCH_SAMPLER,
            use_cpu=not torch.cuda.is_available(),
        )
        trainer = SentenceTransformerTrainer(model=st_model, args=args, train_dataset=ds, loss=loss_fn)
        if not show_progress:
            from transformers import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        result = trainer.train()
    seconds = time.perf_counter() - t0
    with atomic_dir(output) as tmp:
        st_model.save(str(tmp))
    return FinetuneReport(
        path=Path(output),
        loss=loss,
        pairs=len(train),
        epochs=epochs,
        steps=int(result.global_step),
        seconds=round(seconds, 2),
        final_loss=float(result.training_loss) if result.training_loss is not None else None,
    )


def _losses_module():
    try:
        from sentence_transformers.sentence_transformer import losses
    except ImportError:  # older sentence-transformers
        from sentence_transformers import losses
    return losses
