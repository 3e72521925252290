"""Graph node embeddings: edge lists into CSR graphs, DeepWalk and node2vec walks trained by the
skip-gram kernel, node classification and link prediction.

>>> from embedlab.graph import Graph, DeepWalk
>>> g = Graph.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")])
>>> kv = DeepWalk(dim=8, walk_length=20, walks_per_node=20, window=4, threads=1).fit(g)
>>> sorted(kv.keys)
['a', 'b', 'c', 'x', 'y', 'z']
"""

from embedlab.graph.classify_nodes import evaluate_node_classification, read_node_labels
from embedlab.graph.config import Node2VecConfig
from embedlab.graph.graph import Graph, read_edgelist
from embedlab.graph.links import EdgeSplit, evaluate_link_prediction, heuristic_scores, split_edges
from embedlab.graph.node2vec import DeepWalk, Node2Vec, random_walks

__all__ = [
    "DeepWalk",
    "EdgeSplit",
    "Graph",
    "Node2Vec",
    "Node2VecConfig",
    "evaluate_link_prediction",
    "evaluate_node_classification",
    "heuristic_scores",
    "random_walks",
    "read_edgelist",
    "read_node_labels",
    "split_edges",
]
