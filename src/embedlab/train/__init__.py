"""Trainers: configuration dataclasses, the shared epoch driver and the model trainers."""

from embedlab.train.driver import EpochReport, TrainReport
from embedlab.train.fasttext import FastText, FastTextConfig
from embedlab.train.glove import GloVe, GloVeConfig
from embedlab.train.word2vec import Word2Vec, Word2VecConfig

__all__ = [
    "EpochReport",
    "FastText",
    "FastTextConfig",
    "GloVe",
    "GloVeConfig",
    "TrainReport",
    "Word2Vec",
    "Word2VecConfig",
]
