"""``embedlab similar`` and ``embedlab analogy``: ask a model for neighbours and analogies."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import console, handle_errors, print_json


class Method(StrEnum):
    add = "add"
    mul = "mul"


def _neighbours_table(title: str, rows: list[tuple[str, float]], score: str = "cosine"):
    from rich.table import Table

    table = Table(title=title)
    table.add_column("#", justify="right")
    table.add_column("word")
    table.add_column(score, justify="right")
    for i, (w, s) in enumerate(rows, 1):
        table.add_row(str(i), w, f"{s:.4f}")
    return table


@handle_errors
def similar(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    word: Annotated[str, typer.Argument(help="The word to find neighbours of.")],
    topn: Annotated[int, typer.Option("--topn", "-n", min=1, help="How many neighbours.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Nearest neighbours of a word by cosine similarity."""
    from embedlab.io import load

    kv = load(model)
    rows = kv.most_similar(word, topn=topn)
    if json_out:
        print_json({"word": word, "neighbours": [{"word": w, "score": s} for w, s in rows]})
    else:
        console().print(_neighbours_table(f"neighbours of {word!r}", rows))


@handle_errors
def analogy(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    a: Annotated[str, typer.Argument(help="a in a : b :: c : ?")],
    b: Annotated[str, typer.Argument(help="b in a : b :: c : ?")],
    c: Annotated[str, typer.Argument(help="c in a : b :: c : ?")],
    topn: Annotated[int, typer.Option("--topn", "-n", min=1, help="How many answers.")] = 5,
    method: Annotated[Method, typer.Option(help="add (3CosAdd) or mul (3CosMul).")] = Method.add,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Solve a : b :: c : ?  (e.g. man king woman → queen)."""
    from embedlab.io import load

    kv = load(model)
    rows = kv.analogy(a, b, c, topn=max(topn, 2), method=method.value)[:topn]
    if json_out:
        print_json(
            {"a": a, "b": b, "c": c, "method": method.value, "answers": [{"word": w, "score": s} for w, s in rows]}
        )
    else:
        score = "3CosAdd score" if method == Method.add else "3CosMul score"  # 3CosMul is a ratio, not a cosine
        console().print(_neighbours_table(f"{a} : {b} :: {c} : ?", rows, score))
