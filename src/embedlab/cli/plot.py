"""``embedlab words plot``: a picture of a model's vectors (PNG/SVG/PDF or interactive HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from embedlab.cli._common import Projection, handle_errors
from embedlab.errors import ConfigError


def _pairs(spec: str, what: str, size: int) -> list[tuple[str, ...]]:
    out = []
    for part in spec.split(","):
        items = tuple(x.strip() for x in part.replace("->", ":").split(":"))
        if len(items) != size or not all(items):
            sep = ":"
            raise ConfigError(f"{what} must look like {sep.join('abcd'[:size])}[,...], got {part!r}")
        out.append(items)
    return out


@handle_errors
def plot(
    model: Annotated[Path, typer.Argument(help="Word-vector model (any format embedlab reads).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="out.png, out.svg, out.pdf or out.html (interactive).")
    ],
    words: Annotated[str | None, typer.Option(help="Comma-separated words to plot.")] = None,
    top: Annotated[int | None, typer.Option(help="Plot the N most frequent words instead.")] = None,
    method: Annotated[Projection, typer.Option(help="Projection to 2-D.")] = Projection.pca,
    axes: Annotated[
        str | None,
        typer.Option(help="Two or three semantic axes instead of a projection, e.g. 'man:woman,king:queen'."),
    ] = None,
    analogy: Annotated[
        str | None,
        typer.Option(help="Analogy arrows a→b and c→d: four words joined by colons, e.g. 'man:king:woman:queen'."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Plot title.")] = None,
    dims: Annotated[int, typer.Option(help="2 or 3 (a 3-D scatter; rotatable in .html).")] = 2,
) -> None:
    """Draw a map of words: a PCA / t-SNE / UMAP projection or two semantic axes, with analogy arrows."""
    from embedlab._deps import require
    from embedlab.io import check_output, load

    if (words is None) == (top is None):
        raise ConfigError("give --words a,b,c or --top N")
    require("matplotlib", *(["plotly"] if output.suffix == ".html" else []), extra="viz")
    check_output(output, "figure", inputs=[model])
    from embedlab.viz.plots import plot_words

    kv = load(model)
    word_list = [w.strip() for w in words.split(",") if w.strip()] if words else None
    out = plot_words(
        kv,
        word_list,
        output,
        top=top,
        method=method.value,
        axes=cast("list[tuple[str, str]]", _pairs(axes, "--axes", 2)) if axes else None,
        dims=dims,
        analogies=cast("list[tuple[str, str, str, str]]", _pairs(analogy, "--analogy", 4)) if analogy else (),
        title=title,
    )
    typer.echo(f"wrote {out}", err=True)
