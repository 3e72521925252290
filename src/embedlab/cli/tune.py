"""``embedlab classify tune|tune-head`` and ``embedlab words tune``: hyperparameter search under a time budget."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from embedlab.classify.config import SUBWORDS, TOKENIZERS
from embedlab.cli._common import console, fail, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._options import MODEL_HELP, ForceOpt
from embedlab.cli.classify import JsonOpt, OutOpt, QuietOpt, TrainArg, _labelled, check_supervised_output

BudgetOpt = Annotated[float, typer.Option(help="Seconds to search (the default settings are always tried first).")]
TrialsOpt = Annotated[int | None, typer.Option("--trials", help="Stop after this many trials.")]
ValidOpt = Annotated[Path | None, typer.Option("--valid", help="Labelled file to score trials on (else k-fold).")]
FoldsOpt = Annotated[int, typer.Option(help="k of k-fold cross-validation when there is no --valid.")]
ThreadsOpt = Annotated[int | None, typer.Option(help="Worker threads (default: all cores).")]
SeedOpt = Annotated[int, typer.Option(help="Random seed of the search.")]


def _parse_size(text: str | None) -> int | None:
    if text is None:
        return None
    units = {"": 1, "B": 1, "K": 10**3, "KB": 10**3, "M": 10**6, "MB": 10**6, "G": 10**9, "GB": 10**9}
    t = text.strip().upper()
    num = t.rstrip("KMGB")
    try:
        return int(float(num) * units[t[len(num) :]])
    except (ValueError, KeyError):
        fail(f"--max-size must be a size such as 50MB or 200K, got {text!r}")
    return None


def _show_trials(result: Any, title: str, json_out: bool, output: Path, extra: dict[str, Any]) -> None:
    report = {**result.as_dict(), "model": str(output), **extra}
    if json_out:
        print_json(report)
        return
    from rich.table import Table

    rows = result.table()
    con = console()
    if rows:
        table = Table(
            *[str(k) for k in rows[0]], title=f"{title}: {len(result.trials)} trials in {result.seconds:.0f} s"
        )
        for r in rows[:15]:
            table.add_row(*[fmt(v) if isinstance(v, float) else str(v) for v in r.values()])
        con.print(table)
    default = result.trials[0].score
    con.print(f"best {result.metric} {result.best.score:.4f} (defaults {default:.4f}) → {output}")


def _write_report(output: Path, result: Any, extra: dict[str, Any]) -> Path:
    from embedlab._files import atomic_file

    path = output.with_name(output.name + ".tune.json")
    with atomic_file(path, "w") as fh:
        fh.write(json.dumps({**result.as_dict(), **extra}, indent=2, default=str))
    return path


@handle_errors
def tune_supervised(
    train: TrainArg,
    output: OutOpt = Path("model.bin"),
    valid: ValidOpt = None,
    folds: FoldsOpt = 5,
    budget: BudgetOpt = 300.0,
    trials: TrialsOpt = None,
    max_size: Annotated[str | None, typer.Option("--max-size", help="Largest model to try, e.g. 20MB.")] = None,
    subword: Annotated[
        Literal[SUBWORDS], typer.Option(help="Character n-grams: none, char, jamo.")  # type: ignore[valid-type]
    ] = "none",
    tokenizer: Annotated[
        Literal[TOKENIZERS], typer.Option(help="whitespace, unicode, kiwi or kiwi-content.")  # type: ignore[valid-type]
    ] = "whitespace",
    threads: ThreadsOpt = None,
    seed: SeedOpt = 0,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Tune the supervised trainer (dim, lr, epochs, word n-grams, min count) like fastText's autotune.

    Example: embedlab classify tune train.txt --valid valid.txt --budget 600 --max-size 50MB -o best.bin
    """
    from embedlab.classify.tune import tune_supervised as run

    check_supervised_output(output, [train] + ([valid] if valid else []), force)
    texts, labels = _labelled(train)
    v = _labelled(valid) if valid else None
    first = [labs[0] for labs in labels]
    result = run(texts, first, (v[0], [labs[0] for labs in v[1]]) if v else None, folds=folds, budget=budget,
                 max_trials=trials, max_size=_parse_size(max_size), seed=seed,
                 progress=progress_enabled(quiet or json_out), subword=subword, tokenizer=tokenizer,
                 threads=threads)  # fmt: skip
    result.model.save(output)
    extra = {"config": result.model.config.as_dict(), "scored_on": str(valid) if valid else f"{folds}-fold CV"}
    report = _write_report(output, result, extra)
    _show_trials(result, "supervised", json_out, output, {**extra, "report": str(report)})


@handle_errors
def tune_classifier(
    train: TrainArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the best classifier.")] = Path(
        "classifier"
    ),
    encoder: Annotated[str, typer.Option("--encoder", "-m", help=MODEL_HELP)] = "minilm",
    valid: ValidOpt = None,
    folds: FoldsOpt = 5,
    budget: BudgetOpt = 300.0,
    trials: TrialsOpt = None,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Tune a classifier head (logistic or MLP, C, hidden size, dropout) on an encoder's vectors, encoded once.

    Example: embedlab classify tune-head train.csv --encoder minilm --budget 120 -o best-head
    """
    from embedlab._deps import require
    from embedlab.encoders.factory import require_encoder
    from embedlab.io import check_output

    require("safetensors", "sklearn", "torch", extra="classify")  # the search tries logistic and MLP heads
    require_encoder(encoder)
    check_output(output, inputs=[train] + ([valid] if valid else []), force=force, marker="classifier.json")
    from embedlab.classify.heads import EmbeddingClassifier
    from embedlab.classify.tune import tune_head

    texts, labels = _labelled(train)
    probe = EmbeddingClassifier(encoder)
    show = progress_enabled(quiet or json_out)
    x = probe.embed(texts, show_progress=show)
    v = None
    if valid:
        vt, vl = _labelled(valid)
        v = (probe.embed(vt, show_progress=show), [labs[0] for labs in vl])
    result = tune_head(x, [labs[0] for labs in labels], v, encoder=encoder, folds=folds, budget=budget,
                       max_trials=trials, seed=seed, progress=show)  # fmt: skip
    result.model._encoder = probe._encoder
    result.model.save(output)
    extra = {"encoder": encoder, "scored_on": str(valid) if valid else f"{folds}-fold CV"}
    report = _write_report(output, result, extra)
    _show_trials(result, "classifier head", json_out, output, {**extra, "report": str(report)})


class WordModel(StrEnum):
    word2vec = "word2vec"
    fasttext = "fasttext"


@handle_errors
def tune_vectors(
    corpus: Annotated[Path, typer.Argument(help="Text corpus (one sentence or document a line).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the best vectors (native folder).")
    ] = Path("vectors"),
    model: Annotated[WordModel, typer.Option(help="word2vec or fasttext.")] = WordModel.word2vec,
    pairs: Annotated[
        str, typer.Option(help="Word-pair set to score on: wordsim353, simlex999 or a file.")
    ] = "wordsim353",
    budget: BudgetOpt = 600.0,
    trials: TrialsOpt = None,
    threads: ThreadsOpt = None,
    seed: SeedOpt = 0,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Tune Word2Vec or FastText (dim, window, epochs, min count, learning rate) on a word-similarity set.

    Example: embedlab words tune corpus.txt --model fasttext --pairs wordsim353 --budget 600 -o best
    """
    from embedlab.classify.tune import tune_word_vectors
    from embedlab.eval.word_similarity import evaluate_word_pairs
    from embedlab.io import check_output, save
    from embedlab.vocab.build import build_corpus

    check_output(output, inputs=[corpus], force=force)
    show = progress_enabled(quiet or json_out)
    encoded = build_corpus(corpus, min_count=1, progress=show)

    def score(kv: Any) -> float:
        return float(evaluate_word_pairs(kv, pairs)["spearman"])

    result = tune_word_vectors(encoded, score, model=model.value, budget=budget, max_trials=trials, seed=seed,
                               progress=show, metric="spearman", threads=threads)  # fmt: skip
    save(result.model, output)
    extra = {"model_kind": model.value, "pairs": pairs}
    report = _write_report(output, result, extra)
    _show_trials(result, model.value, json_out, output, {**extra, "report": str(report)})
