"""Evaluation of every kind of embedding; each evaluator returns a dict with ``primary_metric``.

- words: :func:`evaluate_word_pairs` (WordSim-353, SimLex-999, ... : Spearman),
  :func:`evaluate_analogies` (Google analogies: accuracy), with the sets bundled (:func:`bundled_path`);
- sentences: :func:`evaluate_sts` (STS Benchmark, KorSTS: Spearman of cosine);
- retrieval: :func:`evaluate_retrieval` on BEIR folders (nDCG@10, Recall, MRR, MAP), :func:`retrieval_metrics`.
"""

from embedlab.eval.analogy import evaluate_analogies
from embedlab.eval.datasets import bundled_path, read_analogies, read_word_pairs
from embedlab.eval.retrieval import evaluate_retrieval, read_beir, retrieval_metrics
from embedlab.eval.sts import evaluate_sts, read_sts
from embedlab.eval.word_similarity import evaluate_word_pairs

__all__ = [
    "bundled_path",
    "evaluate_analogies",
    "evaluate_retrieval",
    "evaluate_sts",
    "evaluate_word_pairs",
    "read_analogies",
    "read_beir",
    "read_sts",
    "read_word_pairs",
    "retrieval_metrics",
]
