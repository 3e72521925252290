"""embedlab: train, query, evaluate, compress and serve embeddings.

>>> import embedlab
>>> kv = embedlab.Word2Vec(dim=8, min_count=1, epochs=1, threads=1).fit([["hello", "world"]] * 50)
>>> kv.most_similar("hello", k=1)[0][0]
'world'

The names below are imported on first use, so ``import embedlab`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from embedlab.errors import (
    ConfigError,
    CorpusError,
    EmbedlabError,
    FormatError,
    MissingDependencyError,
    NotFoundError,
    TrainingInterrupted,
    UnknownKeyError,
    UnknownWordError,
)

_LAZY = {
    "CNNEncoder": "embedlab.encoders.image_cnn",
    "Collection": "embedlab.search.collection",
    "EfficientNetEncoder": "embedlab.encoders.images",
    "ImageTextEncoder": "embedlab.encoders.image_text",
    "EncodedCorpus": "embedlab.vocab.encoded",
    "FastText": "embedlab.train.fasttext",
    "FastTextConfig": "embedlab.train.config",
    "GloVe": "embedlab.train.glove",
    "GloVeConfig": "embedlab.train.config",
    "KeyedVectors": "embedlab.vectors.keyed",
    "LongCollection": "embedlab.search.long_collection",
    "SentenceEncoder": "embedlab.encoders.transformer",
    "StaticEncoder": "embedlab.encoders.static",
    "SubwordVectors": "embedlab.vectors.subword",
    "Vocab": "embedlab.vocab.vocab",
    "Word2Vec": "embedlab.train.word2vec",
    "Word2VecConfig": "embedlab.train.config",
    "evaluate_analogies": "embedlab.eval.analogy",
    "evaluate_retrieval": "embedlab.eval.retrieval",
    "evaluate_sts": "embedlab.eval.sts",
    "evaluate_word_pairs": "embedlab.eval.word_similarity",
    "load_encoder": "embedlab.encoders.factory",
    "train_image_embedder": "embedlab.encoders.image_cnn",
    "train_image_text": "embedlab.encoders.image_text",
    "load": "embedlab.io",
    "save": "embedlab.io",
}

__all__ = [
    "CNNEncoder",
    "Collection",
    "ConfigError",
    "CorpusError",
    "EfficientNetEncoder",
    "EmbedlabError",
    "EncodedCorpus",
    "FastText",
    "FastTextConfig",
    "FormatError",
    "GloVe",
    "GloVeConfig",
    "ImageTextEncoder",
    "KeyedVectors",
    "LongCollection",
    "MissingDependencyError",
    "NotFoundError",
    "SentenceEncoder",
    "StaticEncoder",
    "SubwordVectors",
    "TrainingInterrupted",
    "UnknownKeyError",
    "UnknownWordError",
    "Vocab",
    "Word2Vec",
    "Word2VecConfig",
    "__version__",
    "evaluate_analogies",
    "evaluate_retrieval",
    "evaluate_sts",
    "evaluate_word_pairs",
    "load",
    "load_encoder",
    "save",
    "train_image_embedder",
    "train_image_text",
]


def _version() -> str:
    """One version source: the installed package's metadata (pyproject.toml); read on first use, since
    importlib.metadata costs more to import than the rest of this module."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("embedlab")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    import importlib

    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'embedlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and IDEs
    __version__: str
    from embedlab.encoders.factory import load_encoder
    from embedlab.encoders.image_cnn import CNNEncoder, train_image_embedder
    from embedlab.encoders.image_text import ImageTextEncoder, train_image_text
    from embedlab.encoders.images import EfficientNetEncoder
    from embedlab.encoders.static import StaticEncoder
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.analogy import evaluate_analogies
    from embedlab.eval.retrieval import evaluate_retrieval
    from embedlab.eval.sts import evaluate_sts
    from embedlab.eval.word_similarity import evaluate_word_pairs
    from embedlab.io import load, save
    from embedlab.search.collection import Collection
    from embedlab.search.long_collection import LongCollection
    from embedlab.train.config import FastTextConfig, GloVeConfig, Word2VecConfig
    from embedlab.train.fasttext import FastText
    from embedlab.train.glove import GloVe
    from embedlab.train.word2vec import Word2Vec
    from embedlab.vectors.keyed import KeyedVectors
    from embedlab.vectors.subword import SubwordVectors
    from embedlab.vocab.encoded import EncodedCorpus
    from embedlab.vocab.vocab import Vocab
