"""Recommendation: interaction logs, collaborative filtering (ALS, BPR), item2vec over sessions,
next-item prediction, taste vectors with content, ranking metrics and the baselines to beat.

>>> from embedlab.recommend import Interactions, ItemKNN
>>> log = Interactions.from_records([("ann", "tea"), ("ann", "cake"), ("bob", "tea")])
>>> ItemKNN().fit(log).recommend("bob", k=1)
[('cake', 0.7071067690849304)]
"""

from embedlab.recommend.base import Recommender, evaluate_recommender
from embedlab.recommend.baselines import ItemKNN, Popularity
from embedlab.recommend.config import ALSConfig, BPRConfig, Item2VecConfig
from embedlab.recommend.factors import ALS, BPR
from embedlab.recommend.interactions import Interactions, read_events
from embedlab.recommend.metrics import ranking_metrics
from embedlab.recommend.sessions import Item2Vec, NextItem, SessionKNN, evaluate_next_item
from embedlab.recommend.taste import Taste, content_vectors, taste_weights

__all__ = [
    "ALS",
    "BPR",
    "ALSConfig",
    "BPRConfig",
    "Interactions",
    "Item2Vec",
    "Item2VecConfig",
    "ItemKNN",
    "NextItem",
    "Popularity",
    "Recommender",
    "SessionKNN",
    "Taste",
    "content_vectors",
    "evaluate_next_item",
    "evaluate_recommender",
    "ranking_metrics",
    "read_events",
    "taste_weights",
]
