"""``embedlab classify train|train-head|predict|test``: text classification (``tune`` is in cli/tune.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from embedlab._deps import require
from embedlab.classify.config import HeadConfig, SupervisedConfig
from embedlab.classify.intents import DEFAULT_FLAG_RATE, DEFAULT_OOS_SCORE, OOS_SCORES
from embedlab.cli._common import console, fail, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import MODEL_HELP, ForceOpt
from embedlab.queries import ClassifierTestQuery, ClassifyQuery
from embedlab.text.readers import split_lines

TrainArg = Annotated[Path, typer.Argument(help="Labelled file: fastText '__label__X text' lines, 'label<TAB>text', "
                                                "or a CSV with text and label columns.")]  # fmt: skip
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="Where to write the model (.bin: fastText's format).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
PrefixOpt = Annotated[str, typer.Option("--label-prefix", help="What starts a label token in fastText-format lines.")]


def _accuracy_line(r: dict[str, Any]) -> str:
    return (f"examples {r['examples']:,}  accuracy {fmt(r['accuracy'])}  macro-F1 {fmt(r['macro_f1'])}  "
            f"P@{r['k']} {fmt(r['precision_at_k'])}  R@{r['k']} {fmt(r['recall_at_k'])}")  # fmt: skip


@handle_errors
@with_config(SupervisedConfig)
def train_supervised(
    train: TrainArg,
    output: OutOpt = Path("model.bin"),
    valid: Annotated[Path | None, typer.Option("--valid", help="Labelled file to report accuracy on.")] = None,
    folds: Annotated[
        int | None, typer.Option("--folds", help="Also report k-fold accuracy on the training file (no test split).")
    ] = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    *,
    config: SupervisedConfig,
) -> None:
    """Train a fastText-style text classifier on our kernels (word n-grams, subwords, three losses).

    Example: embedlab classify train train.txt --valid valid.txt --word-ngrams 2 --epochs 25 --lr 0.5 -o model.bin
    """
    from embedlab.classify import SupervisedFastText

    inputs = [train] + ([valid] if valid else [])
    check_supervised_output(output, inputs, force)
    label_prefix, seed = config.label_prefix, config.seed
    if output.suffix == ".bin" and (config.subword == "jamo" or config.tokenizer != "whitespace"):
        fail("fastText's .bin cannot record jamo subwords or a tokenizer other than whitespace; "
             "give an output path without .bin (a folder)")  # fmt: skip
    model = SupervisedFastText(config).fit_file(train, progress=progress_enabled(quiet or json_out))
    result: dict[str, Any] = {"model": str(output), "labels": len(model.labels), "words": len(model.words),
                              "train_seconds": round(model.seconds, 3), "skipped_lines": model.skipped_lines,
                              "config": config.as_dict()}  # fmt: skip
    say_model_size(model, output, quiet or json_out)
    model.save(output)  # the trained model first: what follows cannot lose it
    if valid is not None:
        texts, labels = _labelled(valid, label_prefix)
        result["valid"] = _drop_detail(model.test(texts, labels))
    if folds is not None:
        from embedlab.classify.metrics import cross_validate

        texts, labels = _labelled(train, label_prefix)

        def fit_predict(tr: list[str], y: list[str], te: list[str]) -> list[str]:
            m = SupervisedFastText(config).fit(tr, y)
            return [lab[0] if lab else "" for lab in m.predict(te)[0]]

        result["cross_validation"] = cross_validate(fit_predict, texts, [labs[0] for labs in labels], folds=folds,
                                                    seed=seed)  # fmt: skip
    if json_out:
        print_json(result)
        return
    con = console()
    con.print(f"[bold]supervised[/bold] {len(model.labels)} labels, {len(model.words):,} words → {output} "
              f"in {model.seconds:.1f} s")  # fmt: skip
    if model.skipped_lines:
        con.print(f"{model.skipped_lines:,} lines without a label or text were skipped")
    if "valid" in result:
        con.print("valid: " + _accuracy_line(result["valid"]))
    if "cross_validation" in result:
        cv = result["cross_validation"]
        con.print(f"{cv['folds']}-fold: accuracy {cv['accuracy']:.4f} ± {cv['accuracy_sd']:.4f}  "
                  f"macro-F1 {cv['macro_f1']:.4f}")  # fmt: skip
    con.print(f"try:  embedlab classify predict {output} - --k 3")


def say_model_size(model: Any, output: Path, quiet: bool) -> None:
    """Before writing: the size of the file, and the far smaller folder when a .bin must hold every hash row."""
    if quiet or output.suffix != ".bin":
        return
    dim = model.config.dim
    rows = len(model.words) + model.config.bucket + len(model.labels)
    folder = (model.input.shape[0] + len(model.labels)) * dim * 4
    if rows * dim * 4 > 50e6:
        typer.echo(
            f"writing {output}: about {rows * dim * 4 / 1e6:,.0f} MB (fastText's .bin holds all "
            f"{model.config.bucket:,} hash rows); a folder output (-o {output.with_suffix('')}) keeps only "
            f"the rows training used, about {folder / 1e6:,.0f} MB",
            err=True,
        )


def check_supervised_output(output: Path, inputs: list[Path], force: bool) -> None:
    """Before any work: a .bin output replaces only a fastText model, a folder only a supervised model."""
    from embedlab.io import check_output

    binary = output.suffix == ".bin"
    check_output(output, "fasttext-bin" if binary else "native", inputs=inputs, force=force,
                 marker="config.json" if binary else "supervised.json")  # fmt: skip


def _labelled(path: Path, prefix: str = "__label__") -> tuple[list[str], list[list[str]]]:
    from embedlab.classify import read_labelled

    return read_labelled(path, prefix)


def _drop_detail(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if k not in ("per_class", "confusion")}


@handle_errors
@with_config(HeadConfig, exclude=("normalize", "calibrate", "standardize", "batch_size"))
def train_classifier(
    train: TrainArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the classifier folder.")] = Path(
        "classifier"
    ),
    encoder: Annotated[str, typer.Option("--encoder", "-m", help=MODEL_HELP)] = "minilm",
    intents: Annotated[
        bool, typer.Option("--intents", help="An intent model: answers 'out of scope' below a threshold.")
    ] = False,
    valid: Annotated[
        Path | None, typer.Option("--valid", help="Labelled file: accuracy, and the out-of-scope threshold.")
    ] = None,
    oos_rate: Annotated[
        float, typer.Option("--oos-rate", help="Intents: share of in-scope validation queries flagged.")
    ] = DEFAULT_FLAG_RATE,
    oos_score: Annotated[
        Literal[OOS_SCORES],  # type: ignore[valid-type]
        typer.Option("--oos-score", help="Intents: the confidence that decides what is out of scope."),
    ] = DEFAULT_OOS_SCORE,
    label_prefix: PrefixOpt = "__label__",
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    *,
    config: HeadConfig,
) -> None:
    """Fit a classifier head (logistic or MLP) on an encoder's sentence vectors.

    Example: embedlab classify train-head train.csv --encoder minilm --intents --valid valid.csv -o intents
    """
    from embedlab.encoders.factory import require_encoder
    from embedlab.io import check_output

    require("safetensors", *(["sklearn"] if config.head == "logistic" else ["torch"]), extra="classify")
    require_encoder(encoder)
    check_output(output, inputs=[train] + ([valid] if valid else []), force=force, marker="classifier.json")
    from embedlab.classify import EmbeddingClassifier, IntentClassifier

    if intents and valid is None:
        fail("--intents needs --valid (in-scope queries to choose the out-of-scope threshold on)")
    texts, labels = _labelled(train, label_prefix)
    settings = config.as_dict()
    clf = (
        IntentClassifier(encoder, oos_score=oos_score, **settings)
        if intents
        else EmbeddingClassifier(encoder, **settings)
    )
    show = progress_enabled(quiet or json_out)
    clf.fit(texts, labels if config.multi_label else [labs[0] for labs in labels], show_progress=show)
    result: dict[str, Any] = {"model": str(output), "classes": len(clf.classes_), "examples": len(texts),
                              "temperature": round(clf.temperature, 4)}  # fmt: skip
    if valid is not None:
        vt, vl = _labelled(valid, label_prefix)
        xv = clf.embed(vt, show_progress=show)  # once, for the threshold and the scores
        if isinstance(clf, IntentClassifier):
            result["oos_threshold"] = clf.calibrate_oos(vectors=xv, target_flag_rate=oos_rate)
        result["valid"] = _drop_detail(clf.evaluate_vectors(xv, vl))
    clf.save(output)
    if json_out:
        print_json(result)
        return
    con = console()
    con.print(f"[bold]{config.head}[/bold] head, {len(clf.classes_)} classes on {encoder} → {output}")
    if "valid" in result:
        con.print("valid: " + _accuracy_line(result["valid"]))
    if "oos_threshold" in result:
        con.print(f"out of scope below confidence {result['oos_threshold']:.4f} ({oos_rate:.0%} of valid flagged)")
    con.print(f"try:  embedlab classify predict {output} - --k 3")


def _test_intents(clf: Any, texts: list[str], labels: list[list[str]], oos_label: str, json_out: bool) -> None:
    r = clf.evaluate_oos(texts, labels, oos_label=oos_label)
    if json_out:
        print_json(r)
        return
    con = console()
    if r["threshold"] is None:
        con.print("this intent model has no out-of-scope threshold (train it with --valid): nothing is flagged")
    con.print(
        f"in-scope accuracy {fmt(r['in_scope_accuracy'], 4)} ({r['in_scope']:,} in-scope texts; a flagged one "
        f"counts as wrong), in scope flagged {fmt(r['in_scope_flagged'], 4)}"
    )
    con.print(
        f"out of scope ('{oos_label}', {r['out_of_scope']:,} texts): recall {fmt(r['oos_recall'], 4)}, "
        f"precision {fmt(r['oos_precision'], 4)}"
    )
    if r["out_of_scope"] == 0:
        con.print(f"no row is labelled '{oos_label}': give the out-of-scope label with --oos-label")
    if r["unseen_labels"]:
        con.print(f"labels the model never saw (counted as misses): {', '.join(r['unseen_labels'][:10])}")


def _read_inputs(source: str) -> list[str]:
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        p = Path(source)
        data = p.read_bytes()
        name = str(p)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        fail(f"{name}: no text to classify (one text a line)")
    return lines


@handle_errors
@with_config(ClassifyQuery)
def predict(
    model: Annotated[Path, typer.Argument(help="A classifier: fastText-format .bin, supervised or classifier folder.")],
    source: Annotated[str, typer.Argument(metavar="INPUT", help="Text file, one text a line, or - for stdin.")],
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object a line: labels and probabilities.")] = False,
    *,
    config: ClassifyQuery,
) -> None:
    """Labels of each input line with their probabilities (intent models: 'out-of-scope' below their threshold).

    Example: echo "what a great film" | embedlab classify predict model.bin - --k 2
    """
    from embedlab.classify import IntentClassifier, SupervisedFastText, open_classifier

    k, threshold = config.k, config.threshold
    clf = open_classifier(model)
    texts = _read_inputs(source)
    rows: list[tuple[list[str], list[float]]]
    if isinstance(clf, IntentClassifier):
        if k != 1 or threshold != 0.0:
            fail(
                "an intent model answers one intent per text, or out-of-scope below its own threshold: "
                "--k and --threshold do not apply to it"
            )
        rows = [([intent or "out-of-scope"], [conf]) for intent, conf in clf.predict_intents(texts)]
    elif isinstance(clf, SupervisedFastText):
        labs, found = clf.predict(texts, k=k, threshold=threshold)
        rows = [(list(lab), [float(x) for x in p]) for lab, p in zip(labs, found, strict=True)]
    else:
        top = clf.top_k(texts, k=len(clf.classes_) if k == -1 else k)
        rows = [([lab for lab, p in t if p >= threshold], [p for _, p in t if p >= threshold]) for t in top]
    out = sys.stdout
    for text, (labels, scores) in zip(texts, rows, strict=True):
        if json_out:
            out.write(json.dumps({"text": text, "labels": labels, "probs": [round(p, 6) for p in scores]},
                                 ensure_ascii=False) + "\n")  # fmt: skip
        else:
            out.write(" ".join(f"{lab} {p:.4f}" for lab, p in zip(labels, scores, strict=True)) + "\n")


@handle_errors
@with_config(ClassifierTestQuery)
def test(
    model: Annotated[Path, typer.Argument(help="A classifier: fastText-format .bin, supervised or classifier folder.")],
    data: Annotated[Path, typer.Argument(metavar="TEST", help="Labelled file (same layouts as training).")],
    confusion: Annotated[Path | None, typer.Option("--confusion", help="Write the confusion matrix as a PNG.")] = None,
    oos_label: Annotated[
        str, typer.Option("--oos-label", help="Intent models: the label of the out-of-scope rows of the file.")
    ] = "oos",
    label_prefix: PrefixOpt = "__label__",
    json_out: JsonOpt = False,
    *,
    config: ClassifierTestQuery,
) -> None:
    """Accuracy, macro-F1, P@k / R@k and a per-class report of a classifier on a labelled file; for an intent
    model, in-scope accuracy, out-of-scope recall and precision, and the share of in-scope texts flagged.

    Example: embedlab classify test model.bin test.txt --k 1 --confusion confusion.png
    """
    from embedlab.classify import IntentClassifier, SupervisedFastText, open_classifier

    k = config.k
    if confusion is not None:
        require("matplotlib", extra="viz")
    clf = open_classifier(model)
    texts, labels = _labelled(data, label_prefix)
    if isinstance(clf, IntentClassifier):
        _test_intents(clf, texts, labels, oos_label, json_out)
        return
    r = clf.test(texts, labels, k=k) if isinstance(clf, SupervisedFastText) else clf.evaluate(texts, labels, k=k)
    if confusion is not None:
        from embedlab.viz.confusion import plot_confusion

        plot_confusion(r["confusion"]["labels"], r["confusion"]["matrix"], confusion)
    if json_out:
        print_json(r)
        return
    from rich.table import Table

    con = console()
    con.print(_accuracy_line(r))
    if r["unseen_labels"]:
        con.print(f"labels the model never saw (counted as misses): {', '.join(r['unseen_labels'][:10])}")
    table = Table("label", "precision", "recall", "F1", "support", title="per class")
    for lab, row in sorted(r["per_class"].items(), key=lambda kv: -kv[1]["support"]):
        table.add_row(lab, fmt(row["precision"], 3), fmt(row["recall"], 3), fmt(row["f1"], 3), f"{row['support']:,}")
    con.print(table)
    if confusion is not None:
        con.print(f"confusion matrix → {confusion}")
