"""``embedlab train supervised|classifier``, ``embedlab predict``, ``embedlab test``: text classification."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab._deps import require
from embedlab.classify.config import SupervisedConfig as S
from embedlab.cli._common import console, fail, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._options import MODEL_HELP, ForceOpt
from embedlab.text.readers import split_lines

TrainArg = Annotated[Path, typer.Argument(help="Labelled file: fastText '__label__X text' lines, 'label<TAB>text', "
                                                "or a CSV with text and label columns.")]  # fmt: skip
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="Where to write the model (.bin: fastText's format).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
PrefixOpt = Annotated[str, typer.Option("--label-prefix", help="What starts a label token in fastText-format lines.")]


class Loss(StrEnum):
    softmax = "softmax"
    ova = "ova"
    hs = "hs"


class Subword(StrEnum):
    none = "none"
    char = "char"
    jamo = "jamo"


class Tok(StrEnum):
    whitespace = "whitespace"
    unicode = "unicode"
    kiwi = "kiwi"
    kiwi_content = "kiwi-content"


class Head(StrEnum):
    logistic = "logistic"
    mlp = "mlp"


def _accuracy_line(r: dict[str, Any]) -> str:
    return (f"examples {r['examples']:,}  accuracy {fmt(r['accuracy'])}  macro-F1 {fmt(r['macro_f1'])}  "
            f"P@{r['k']} {fmt(r['precision_at_k'])}  R@{r['k']} {fmt(r['recall_at_k'])}")  # fmt: skip


@handle_errors
def train_supervised(
    train: TrainArg,
    output: OutOpt = Path("model.bin"),
    valid: Annotated[Path | None, typer.Option("--valid", help="Labelled file to report accuracy on.")] = None,
    folds: Annotated[
        int | None, typer.Option("--folds", help="Also report k-fold accuracy on the training file (no test split).")
    ] = None,
    dim: Annotated[int, typer.Option(help="Vector size.")] = S.dim,
    lr: Annotated[float, typer.Option(help="Learning rate (falls linearly to 0).")] = S.lr,
    epochs: Annotated[int, typer.Option(help="Passes over the training file.")] = S.epochs,
    word_ngrams: Annotated[
        int, typer.Option("--word-ngrams", help="Longest word n-gram (1 = words only).")
    ] = S.word_ngrams,
    loss: Annotated[
        Loss, typer.Option(help="softmax; ova: one-vs-all, several labels a text; hs: many labels.")
    ] = Loss.softmax,
    subword: Annotated[
        Subword, typer.Option(help="Character n-grams: none, char, or jamo (Hangul split first).")
    ] = Subword.none,
    minn: Annotated[int, typer.Option(help="Shortest character n-gram.")] = S.minn,
    maxn: Annotated[int, typer.Option(help="Longest character n-gram.")] = S.maxn,
    bucket: Annotated[int | None, typer.Option(help="Hash rows for n-grams (default 2,000,000 when used).")] = None,
    min_count: Annotated[int, typer.Option(help="Ignore words seen fewer times.")] = S.min_count,
    tokenizer: Annotated[
        Tok,
        typer.Option(
            help="whitespace (as fastText), unicode, kiwi (Korean morphemes) or kiwi-content (without particles and "
            "endings).",
        ),
    ] = Tok.whitespace,
    label_prefix: PrefixOpt = S.label_prefix,
    threads: Annotated[int | None, typer.Option(help="Worker threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = S.seed,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Train a fastText-style text classifier on our kernels (word n-grams, subwords, three losses).

    Example: embedlab train supervised train.txt --valid valid.txt --word-ngrams 2 --epochs 25 --lr 0.5 -o model.bin
    """
    from embedlab.classify import SupervisedConfig, SupervisedFastText

    inputs = [train] + ([valid] if valid else [])
    check_supervised_output(output, inputs, force)
    config = SupervisedConfig(
        dim=dim,
        lr=lr,
        epochs=epochs,
        word_ngrams=word_ngrams,
        loss=loss.value,
        subword=subword.value,
        minn=minn,
        maxn=maxn,
        bucket=bucket,
        min_count=min_count,
        tokenizer=tokenizer.value,
        label_prefix=label_prefix,
        threads=threads,
        seed=seed,
    )
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
    con.print(f"try:  embedlab predict {output} - --k 3")


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
def train_classifier(
    train: TrainArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the classifier folder.")] = Path(
        "classifier"
    ),
    encoder: Annotated[str, typer.Option("--encoder", "-m", help=MODEL_HELP)] = "minilm",
    head: Annotated[Head, typer.Option(help="logistic (scikit-learn) or mlp (PyTorch).")] = Head.logistic,
    c: Annotated[
        float, typer.Option("--C", help="Inverse L2 strength of the logistic head (on standardised features).")
    ] = 0.05,
    dropout: Annotated[float, typer.Option(help="MLP: dropout after the embedding and the hidden layer.")] = 0.1,
    intents: Annotated[
        bool, typer.Option("--intents", help="An intent model: answers 'out of scope' below a threshold.")
    ] = False,
    valid: Annotated[
        Path | None, typer.Option("--valid", help="Labelled file: accuracy, and the out-of-scope threshold.")
    ] = None,
    oos_rate: Annotated[
        float, typer.Option("--oos-rate", help="Intents: share of in-scope validation queries flagged.")
    ] = 0.05,
    multi_label: Annotated[bool, typer.Option("--multi-label", help="Several labels a text (one-vs-rest).")] = False,
    label_prefix: PrefixOpt = "__label__",
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Fit a classifier head (logistic or MLP) on an encoder's sentence vectors.

    Example: embedlab train classifier train.csv --encoder minilm --intents --valid valid.csv -o intents
    """
    from embedlab.encoders.factory import require_encoder
    from embedlab.io import check_output

    require("safetensors", *(["sklearn"] if head == Head.logistic else ["torch"]), extra="classify")
    require_encoder(encoder)
    check_output(output, inputs=[train] + ([valid] if valid else []), force=force, marker="classifier.json")
    from embedlab.classify import EmbeddingClassifier, IntentClassifier

    if intents and valid is None:
        fail("--intents needs --valid (in-scope queries to choose the out-of-scope threshold on)")
    texts, labels = _labelled(train, label_prefix)
    cls = IntentClassifier if intents else EmbeddingClassifier
    clf = cls(encoder, head=head.value, C=c, dropout=dropout, multi_label=multi_label)
    show = progress_enabled(quiet or json_out)
    clf.fit(texts, labels if multi_label else [labs[0] for labs in labels], show_progress=show)
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
    con.print(f"[bold]{head.value}[/bold] head, {len(clf.classes_)} classes on {encoder} → {output}")
    if "valid" in result:
        con.print("valid: " + _accuracy_line(result["valid"]))
    if "oos_threshold" in result:
        con.print(f"out of scope below confidence {result['oos_threshold']:.4f} ({oos_rate:.0%} of valid flagged)")
    con.print(f"try:  embedlab predict {output} - --k 3")


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
def predict(
    model: Annotated[Path, typer.Argument(help="A classifier: fastText-format .bin, supervised or classifier folder.")],
    source: Annotated[str, typer.Argument(metavar="INPUT", help="Text file, one text a line, or - for stdin.")],
    k: Annotated[int, typer.Option("--k", help="Labels per text (-1: all above the threshold).")] = 1,
    threshold: Annotated[float, typer.Option(help="Leave out labels with a lower probability.")] = 0.0,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object a line: labels and probabilities.")] = False,
) -> None:
    """Labels of each input line with their probabilities (intent models: 'out-of-scope' below their threshold).

    Example: echo "what a great film" | embedlab predict model.bin - --k 2
    """
    from embedlab.classify import IntentClassifier, SupervisedFastText, open_classifier

    if k == 0 or k < -1:
        fail(f"--k must be a positive number or -1 (all labels), got {k}")
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
def test(
    model: Annotated[Path, typer.Argument(help="A classifier: fastText-format .bin, supervised or classifier folder.")],
    data: Annotated[Path, typer.Argument(metavar="TEST", help="Labelled file (same layouts as training).")],
    k: Annotated[int, typer.Option("--k", help="P@k and R@k.")] = 1,
    confusion: Annotated[Path | None, typer.Option("--confusion", help="Write the confusion matrix as a PNG.")] = None,
    oos_label: Annotated[
        str, typer.Option("--oos-label", help="Intent models: the label of the out-of-scope rows of the file.")
    ] = "oos",
    label_prefix: PrefixOpt = "__label__",
    json_out: JsonOpt = False,
) -> None:
    """Accuracy, macro-F1, P@k / R@k and a per-class report of a classifier on a labelled file; for an intent
    model, in-scope accuracy, out-of-scope recall and precision, and the share of in-scope texts flagged.

    Example: embedlab test model.bin test.txt --k 1 --confusion confusion.png
    """
    from embedlab.classify import IntentClassifier, SupervisedFastText, open_classifier

    if k < 1:
        fail(f"--k must be at least 1, got {k}")
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
