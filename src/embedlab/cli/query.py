"""``embedlab similar``, ``embedlab analogy``, ``embedlab convert``, ``embedlab info``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import VectorFormat, console, handle_errors, print_json


class Method(StrEnum):
    add = "add"
    mul = "mul"


def _neighbours_table(title: str, rows: list[tuple[str, float]]):
    from rich.table import Table

    table = Table(title=title)
    table.add_column("#", justify="right")
    table.add_column("word")
    table.add_column("cosine", justify="right")
    for i, (w, s) in enumerate(rows, 1):
        table.add_row(str(i), w, f"{s:.4f}")
    return table


@handle_errors
def similar(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    word: Annotated[str, typer.Argument(help="The word to find neighbours of.")],
    topn: Annotated[int, typer.Option("--topn", "-n", help="How many neighbours.")] = 10,
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
    topn: Annotated[int, typer.Option("--topn", "-n", help="How many answers.")] = 5,
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
        console().print(_neighbours_table(f"{a} : {b} :: {c} : ?", rows))


@handle_errors
def convert(
    source: Annotated[Path, typer.Argument(help="Model to read (format detected).")],
    target: Annotated[Path, typer.Argument(help="Where to write.")],
    to: Annotated[VectorFormat, typer.Option("--to", help="Output format.")] = VectorFormat.word2vec_bin,
) -> None:
    """Convert vectors between the native folder, word2vec text / binary and GloVe text."""
    from embedlab.io import load, save

    kv = load(source)
    save(kv, target, format=to.value)
    typer.echo(f"wrote {len(kv):,} vectors of dim {kv.dim} to {target} ({to.value})")


@handle_errors
def info(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what a model is: size, dimension, parameters and training report."""
    from embedlab.io import detect_format, load

    kv = load(model)
    out = {"model": str(model), "format": detect_format(model), "words": len(kv), "dim": kv.dim, **kv.metadata}
    if json_out:
        print_json(out)
        return
    from rich.pretty import Pretty

    console().print(Pretty(out))
