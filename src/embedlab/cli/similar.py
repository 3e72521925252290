"""``embedlab words similar`` and ``embedlab words analogy``: ask a model for neighbours and analogies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import console, handle_errors, print_json
from embedlab.cli._config_options import with_config
from embedlab.queries import AnalogyQuery, NeighboursQuery


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
@with_config(NeighboursQuery)
def similar(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    word: Annotated[str, typer.Argument(help="The word to find neighbours of.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    *,
    config: NeighboursQuery,
) -> None:
    """Nearest neighbours of a word by cosine similarity."""
    from embedlab.io import load

    kv = load(model)
    rows = kv.most_similar(word, k=config.k)
    if json_out:
        print_json({"word": word, "neighbours": [{"word": w, "score": s} for w, s in rows]})
    else:
        console().print(_neighbours_table(f"neighbours of {word!r}", rows))


@handle_errors
@with_config(AnalogyQuery)
def analogy(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    a: Annotated[str, typer.Argument(help="a in a : b :: c : ?")],
    b: Annotated[str, typer.Argument(help="b in a : b :: c : ?")],
    c: Annotated[str, typer.Argument(help="c in a : b :: c : ?")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    *,
    config: AnalogyQuery,
) -> None:
    """Solve a : b :: c : ?  (e.g. man king woman → queen)."""
    from embedlab.io import load

    kv = load(model)
    method = config.method
    rows = kv.analogy(a, b, c, k=max(config.k, 2), method=method)[: config.k]
    if json_out:
        print_json({"a": a, "b": b, "c": c, "method": method, "answers": [{"word": w, "score": s} for w, s in rows]})
    else:
        score = "3CosAdd score" if method == "add" else "3CosMul score"  # 3CosMul is a ratio, not a cosine
        console().print(_neighbours_table(f"{a} : {b} :: {c} : ?", rows, score))
