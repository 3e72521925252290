"""The ``embedlab`` command: thin typer commands over the library."""

from __future__ import annotations

import typer

from embedlab.cli import (
    classify,
    collection,
    compress,
    convert,
    encode,
    evaluate,
    explain,
    graph,
    images,
    plot,
    recommend,
    serve,
    similar,
    train,
    tune,
)

app = typer.Typer(
    name="embedlab",
    help="Train, encode, query, search and evaluate embeddings. Every command has --help.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
train.app.command("node2vec")(graph.node2vec)
train.app.command("als")(recommend.train_als)
train.app.command("bpr")(recommend.train_bpr)
train.app.command("item2vec")(recommend.train_item2vec)
train.app.command("supervised")(classify.train_supervised)
train.app.command("classifier")(classify.train_classifier)
train.app.command("image-cnn")(images.train_image_cnn)
train.app.command("image-text")(images.train_image_text)
app.add_typer(train.app, name="train")
app.add_typer(tune.app, name="tune")
app.command("similar")(similar.similar)
app.command("analogy")(similar.analogy)
app.command("convert")(convert.convert)
app.command("compress")(compress.compress)
app.command("distill")(compress.distill)
app.command("export")(convert.export)
app.command("info")(convert.info)
app.command("evaluate")(evaluate.evaluate)
app.command("evaluate-sts")(evaluate.evaluate_sts)
app.command("evaluate-nli")(evaluate.evaluate_nli)
app.command("evaluate-retrieval")(evaluate.evaluate_retrieval)
app.command("evaluate-nodes")(graph.evaluate_nodes)
app.command("evaluate-links")(graph.evaluate_links)
app.command("evaluate-images")(images.evaluate_images)
app.command("zero-shot")(images.zero_shot)
app.command("recommend")(recommend.recommend)
app.command("predict")(classify.predict)
app.command("test")(classify.test)
app.command("encode")(encode.encode)
app.command("finetune")(encode.finetune)
app.add_typer(collection.app, name="collection")
app.command("explain")(explain.explain)
app.command("weat")(explain.weat)
app.command("probe")(explain.probe)
app.command("plot")(plot.plot)
app.command("plot-images")(images.plot_images)
app.command("serve")(serve.serve)


@app.callback()
def _root() -> None:
    """embedlab: train, query and evaluate embeddings."""


def main() -> None:
    import warnings

    # a warning is one line for a person, not Python's file:line plus source
    warnings.formatwarning = lambda message, *_args, **_kw: f"warning: {message}\n"
    app()


if __name__ == "__main__":
    main()
