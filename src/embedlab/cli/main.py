"""The ``embedlab`` command: thin typer commands over the library."""

from __future__ import annotations

import typer

from embedlab.cli import collection as _collection
from embedlab.cli import evaluate as _evaluate
from embedlab.cli import query as _query
from embedlab.cli import sentence as _sentence
from embedlab.cli import train as _train
from embedlab.cli import viz_serve as _viz_serve

app = typer.Typer(
    name="embedlab",
    help="Train, encode, query, search and evaluate embeddings. Every command has --help.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(_train.app, name="train")
app.command("similar")(_query.similar)
app.command("analogy")(_query.analogy)
app.command("convert")(_query.convert)
app.command("info")(_query.info)
app.command("evaluate")(_evaluate.evaluate)
app.command("encode")(_sentence.encode)
app.command("evaluate-sts")(_sentence.evaluate_sts)
app.command("evaluate-retrieval")(_sentence.evaluate_retrieval)
app.command("finetune")(_sentence.finetune)
app.add_typer(_collection.app, name="collection")
app.command("plot")(_viz_serve.plot)
app.command("export")(_viz_serve.export)
app.command("serve")(_viz_serve.serve)


@app.callback()
def _root() -> None:
    """embedlab: train, query and evaluate embeddings."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
