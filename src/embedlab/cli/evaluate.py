"""``embedlab evaluate``: word similarity and analogy scores of a model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import console, fmt, handle_errors, print_json


@handle_errors
def evaluate(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    analogies: Annotated[
        list[Path] | None,
        typer.Option(
            "--analogies",
            "-a",
            help="Analogy file(s) (': section' + 'a b c d' lines); default: the bundled Google set.",
        ),
    ] = None,
    pairs: Annotated[
        list[Path] | None,
        typer.Option(
            "--pairs", "-p", help="Word-pair file(s) 'w1 w2 score'; default: the bundled WordSim-353 and SimLex-999."
        ),
    ] = None,
    restrict_vocab: Annotated[int, typer.Option(help="Analogy candidates: this many most frequent words.")] = 30_000,
    sections: Annotated[bool, typer.Option(help="Show per-section analogy accuracy.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with every score.")] = False,
) -> None:
    """Score a model on word-similarity (Spearman) and analogy (3CosAdd, 3CosMul) sets.

    Without --analogies / --pairs it uses the bundled English sets.
    """
    from embedlab.eval import bundled_path, evaluate_analogies, evaluate_word_pairs
    from embedlab.io import load

    kv = load(model)
    analogy_files = list(analogies) if analogies else [bundled_path("questions-words")]
    pair_files = list(pairs) if pairs else [bundled_path("wordsim353"), bundled_path("simlex999")]
    results = {"model": str(model), "word_pairs": [], "analogies": []}
    for f in pair_files:
        results["word_pairs"].append(evaluate_word_pairs(kv, f))
    for f in analogy_files:
        for method in ("add", "mul"):
            results["analogies"].append(evaluate_analogies(kv, f, restrict_vocab=restrict_vocab, method=method))
    if json_out:
        print_json(results)
        return
    from rich.table import Table

    con = console()
    t = Table(title="word similarity")
    for col in ("set", "spearman", "pearson", "pairs", "oov"):
        t.add_column(col, justify="left" if col == "set" else "right")
    for r in results["word_pairs"]:
        t.add_row(r["name"], fmt(r["spearman"]), fmt(r["pearson"]), str(r["pairs"]), f"{r['oov_ratio']:.1%}")
    con.print(t)
    t = Table(title=f"analogies (top {restrict_vocab:,} words)")
    for col in ("set", "method", "accuracy", "semantic", "syntactic", "answered", "coverage"):
        t.add_column(col, justify="left" if col in ("set", "method") else "right")
    for r in results["analogies"]:
        t.add_row(
            r["name"], r["method"], fmt(r["accuracy"]), fmt(r["semantic"]), fmt(r["syntactic"]),
            str(r["answered"]), f"{r['coverage']:.1%}",
        )  # fmt: skip
    con.print(t)
    if sections:
        t = Table(title="analogy sections (3CosAdd)")
        for col in ("section", "accuracy", "answered", "oov"):
            t.add_column(col, justify="left" if col == "section" else "right")
        for r in results["analogies"]:
            if r["method"] == "3CosAdd":
                for s in r["sections"]:
                    t.add_row(s["section"], fmt(s["accuracy"]), str(s["answered"]), str(s["oov"]))
        con.print(t)
