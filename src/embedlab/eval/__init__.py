"""Evaluation: word similarity and analogy benchmarks."""

from embedlab.eval.analogy import evaluate_analogies
from embedlab.eval.datasets import bundled_path, read_analogies, read_word_pairs
from embedlab.eval.word_similarity import evaluate_word_pairs

__all__ = ["bundled_path", "evaluate_analogies", "evaluate_word_pairs", "read_analogies", "read_word_pairs"]
