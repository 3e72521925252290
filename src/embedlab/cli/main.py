"""The ``embedlab`` command: a product noun, then a verb (``embedlab words train word2vec``), mirroring the
service's routers; thin typer commands over the library. The names before this layout keep working
(``cli/_moved.py``)."""

from __future__ import annotations

from typing import Any

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
    store,
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


#: the command tree: a group is (help, {name: command or group}); the order here is the order of --help
TREE: dict[str, Any] = {
    "words": ("Word vectors: train, tune, query, evaluate, draw and convert them.", {
        "train": ("Train word vectors: word2vec, glove or fasttext.",
                  {"word2vec": train.word2vec, "glove": train.glove, "fasttext": train.fasttext}),
        "tune": tune.tune_vectors, "similar": similar.similar, "analogy": similar.analogy,
        "evaluate": evaluate.evaluate, "plot": plot.plot, "convert": convert.convert, "export": convert.export,
        "info": convert.info,
    }),
    "classify": ("Text classifiers: fastText-style supervised models and heads over any encoder.", {
        "train": classify.train_supervised, "train-head": classify.train_classifier, "tune": tune.tune_supervised,
        "tune-head": tune.tune_classifier, "predict": classify.predict, "test": classify.test,
    }),
    "recommend": ("Recommenders: train ALS, BPR or item2vec on interactions, then ask for items.", {
        "train": ("Train a recommender: als, bpr (users x items) or item2vec (sessions).",
                  {"als": recommend.train_als, "bpr": recommend.train_bpr, "item2vec": recommend.train_item2vec}),
        "items": recommend.recommend,
    }),
    "graph": ("Graph node embeddings: node2vec, then node classification and link prediction.", {
        "train": graph.node2vec, "evaluate-nodes": graph.evaluate_nodes, "evaluate-links": graph.evaluate_links,
    }),
    "images": ("Image embeddings: train a CNN or an image-text space, evaluate, classify zero-shot, draw.", {
        "train-cnn": images.train_image_cnn, "train-text": images.train_image_text,
        "evaluate": images.evaluate_images, "zero-shot": images.zero_shot, "plot": images.plot_images,
    }),
    "sentences": ("Sentence encoders: fine-tune on pairs, evaluate on STS, NLI and retrieval.", {
        "finetune": encode.finetune, "evaluate-sts": evaluate.evaluate_sts, "evaluate-nli": evaluate.evaluate_nli,
        "evaluate-retrieval": evaluate.evaluate_retrieval, "export-e5": encode.export_e5,
    }),
    "search": ("Document collections: SQLite + vectors; exact, ANN, lexical or hybrid search.", {
        "create": collection.create, "add": collection.add, "add-images": collection.add_images,
        "delete": collection.delete, "query": collection.query, "info": collection.info,
    }),
    "explain": ("What a vector space says and why: similarity split into parts, WEAT bias tests, probes.", {
        "similarity": explain.explain, "weat": explain.weat, "probe": explain.probe,
    }),
    "compress": ("Smaller vectors and models: quantize word vectors, distil a transformer to a static one.", {
        "vectors": compress.compress, "distill": compress.distill, "prune": compress.prune,
    }),
    "store": ("Vector stores: encode a corpus into Parquet shards, here or on Ray Data; resumable.", {
        "encode": store.encode, "info": store.info,
    }),
    "encode": encode.encode,
    "serve": serve.serve,
}  # fmt: skip


def _build(parent: typer.Typer, tree: dict[str, Any]) -> None:
    for name, node in tree.items():
        if isinstance(node, tuple):
            help_text, children = node
            group = typer.Typer(help=help_text, no_args_is_help=True)
            _build(group, children)
            parent.add_typer(group, name=name)
        else:
            parent.command(name)(node)


_build(app, TREE)


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
