"""The ``embedlab`` command: a product noun, then a verb (``embedlab words train word2vec``), mirroring the
service's routers; thin typer commands over the library. The names before this layout keep working
(``cli/_moved.py``)."""

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
from embedlab.cli._moved import MovedNamesGroup

app = typer.Typer(
    name="embedlab",
    cls=MovedNamesGroup,
    help="Train, encode, query, search and evaluate embeddings: embedlab PRODUCT VERB. Every command has --help.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def group(name: str, help: str, parent: typer.Typer = app) -> typer.Typer:
    t = typer.Typer(help=help, no_args_is_help=True)
    parent.add_typer(t, name=name)
    return t


words = group("words", "Word vectors: train, tune, query, evaluate, draw and convert them.")
words_train = group("train", "Train word vectors: word2vec, glove or fasttext.", words)
words_train.command("word2vec")(train.word2vec)
words_train.command("glove")(train.glove)
words_train.command("fasttext")(train.fasttext)
words.command("tune")(tune.tune_vectors)
words.command("similar")(similar.similar)
words.command("analogy")(similar.analogy)
words.command("evaluate")(evaluate.evaluate)
words.command("plot")(plot.plot)
words.command("convert")(convert.convert)
words.command("export")(convert.export)
words.command("info")(convert.info)

cls_ = group("classify", "Text classifiers: fastText-style supervised models and heads over any encoder.")
cls_.command("train")(classify.train_supervised)
cls_.command("train-head")(classify.train_classifier)
cls_.command("tune")(tune.tune_supervised)
cls_.command("tune-head")(tune.tune_classifier)
cls_.command("predict")(classify.predict)
cls_.command("test")(classify.test)

rec = group("recommend", "Recommenders: train ALS, BPR or item2vec on interactions, then ask for items.")
rec_train = group("train", "Train a recommender: als, bpr (users x items) or item2vec (sessions).", rec)
rec_train.command("als")(recommend.train_als)
rec_train.command("bpr")(recommend.train_bpr)
rec_train.command("item2vec")(recommend.train_item2vec)
rec.command("items")(recommend.recommend)

gr = group("graph", "Graph node embeddings: node2vec, then node classification and link prediction.")
gr.command("train")(graph.node2vec)
gr.command("evaluate-nodes")(graph.evaluate_nodes)
gr.command("evaluate-links")(graph.evaluate_links)

img = group("images", "Image embeddings: train a CNN or an image-text space, evaluate, classify zero-shot, draw.")
img.command("train-cnn")(images.train_image_cnn)
img.command("train-text")(images.train_image_text)
img.command("evaluate")(images.evaluate_images)
img.command("zero-shot")(images.zero_shot)
img.command("plot")(images.plot_images)

sent = group("sentences", "Sentence encoders: fine-tune on pairs, evaluate on STS, NLI and retrieval.")
sent.command("finetune")(encode.finetune)
sent.command("evaluate-sts")(evaluate.evaluate_sts)
sent.command("evaluate-nli")(evaluate.evaluate_nli)
sent.command("evaluate-retrieval")(evaluate.evaluate_retrieval)

srch = group("search", "Document collections: SQLite + vectors; exact, ANN, lexical or hybrid search.")
srch.command("create")(collection.create)
srch.command("add")(collection.add)
srch.command("add-images")(collection.add_images)
srch.command("delete")(collection.delete)
srch.command("query")(collection.query)
srch.command("info")(collection.info)

exp = group("explain", "What a vector space says and why: similarity split into parts, WEAT bias tests, probes.")
exp.command("similarity")(explain.explain)
exp.command("weat")(explain.weat)
exp.command("probe")(explain.probe)

cmp_ = group("compress", "Smaller vectors and models: quantize word vectors, distil a transformer to a static one.")
cmp_.command("vectors")(compress.compress)
cmp_.command("distill")(compress.distill)

app.command("encode")(encode.encode)
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
