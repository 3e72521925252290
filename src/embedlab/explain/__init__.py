"""Explanations: why two things are similar, what a direction means, what the vectors encode.

``explain_similarity(model, a, b)`` splits a cosine into what each part contributed — dimensions of
word vectors, character n-grams of FastText words, words of pooled sentences, tokens of a
sentence-transformers model (integrated gradients or deletions). :func:`shared_neighbors` and
:func:`explain_analogy` explain neighbourhoods and analogies; :func:`weat` measures associations
(the ten tests of Caliskan et al. ship with it) and :func:`probe` how well an attribute can be read
from the vectors, against a shuffled-label control.
"""

from embedlab.explain.neighbours import explain_analogy, shared_neighbors
from embedlab.explain.probes import frequency_bands, korean_pos_labels, probe, read_labels
from embedlab.explain.result import MODES, SimilarityExplanation
from embedlab.explain.similarity import explain_similarity
from embedlab.explain.static import shared_contributions
from embedlab.explain.weat import WEAT_TESTS, weat, weat_lists, weat_test

__all__ = [
    "MODES",
    "WEAT_TESTS",
    "SimilarityExplanation",
    "explain_analogy",
    "explain_similarity",
    "frequency_bands",
    "korean_pos_labels",
    "probe",
    "read_labels",
    "shared_contributions",
    "shared_neighbors",
    "weat",
    "weat_lists",
    "weat_test",
]
