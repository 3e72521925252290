"""Exact decompositions of a cosine between static vectors: per dimension, per character n-gram
(FastText words, seen or not) and per word (pooled sentence vectors).

All three rest on one identity: when ``a = Σ_i p_i`` and ``b = Σ_j q_j``, then
``cos(a, b) = Σ_ij p_i·q_j / (|a| |b|)``, so the table of pair terms sums to the cosine exactly.
"""

from __future__ import annotations

import time

import numpy as np

from embedlab.errors import ConfigError, UnknownWordError
from embedlab.explain.result import SimilarityExplanation, shared_parts
from embedlab.vocab.subwords import char_ngrams

__all__ = ["explain_dimensions", "explain_ngrams", "explain_pooled", "pair_terms"]


def pair_terms(p: np.ndarray, q: np.ndarray, what_a: str, what_b: str) -> tuple[np.ndarray, float]:
    """``p_i·q_j / (|Σp| |Σq|)`` for every pair of rows, and the cosine of the two sums."""
    a, b = p.sum(axis=0), q.sum(axis=0)
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    for norm, what in ((na, what_a), (nb, what_b)):
        if norm == 0.0:
            raise ConfigError(f"{what} has a zero vector: its cosine with anything is undefined, nothing to explain")
    return (p @ q.T) / (na * nb), float(a @ b) / (na * nb)


def _word_vector(kv, word: str) -> np.ndarray:
    if word not in kv:
        raise UnknownWordError(word, kv.vocab.suggest(word))
    return np.asarray(kv.get_vector(word), dtype=np.float64)


def explain_dimensions(kv, a: str, b: str) -> SimilarityExplanation:
    """The cosine of two words as the sum over dimensions of ``â_k b̂_k``.

    >>> import numpy as np
    >>> from embedlab.vectors.keyed import KeyedVectors
    >>> kv = KeyedVectors(["x", "y"], np.array([[1, 1, 0], [1, 0, 1]], dtype=np.float32))
    >>> e = explain_dimensions(kv, "x", "y")
    >>> round(e.score, 3), [(d, round(c, 3)) for d, c in e.top_dimensions(1)]
    (0.5, [(0, 0.5)])
    """
    t0 = time.perf_counter()
    u, v = _word_vector(kv, a), _word_vector(kv, b)
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu == 0.0 or nv == 0.0:
        raise ConfigError(f"{a if nu == 0.0 else b!r} has a zero vector: its cosine is undefined, nothing to explain")
    dims = (u / nu) * (v / nv)
    return SimilarityExplanation("dimensions", a, b, float(dims.sum()), [a], [b], dimensions=dims,
                                 a_totals=np.array([dims.sum()]), b_totals=np.array([dims.sum()]),
                                 seconds=time.perf_counter() - t0)  # fmt: skip


def _ngram_parts(kv, word: str) -> tuple[list[str], np.ndarray]:
    """The parts whose mean is ``word``'s vector: its own row (a known word) and its n-gram rows."""
    if not hasattr(kv, "ngrams"):
        raise ConfigError(
            f"n-gram explanations need a FastText model with its float n-gram matrix; this is "
            f"{type(kv).__name__} (explain it by dimensions, or use the uncompressed model)"
        )
    names = char_ngrams(word, kv.minn, kv.maxn, jamo=kv.jamo) if kv.maxn > 0 else []
    rows = np.asarray(kv.ngram_rows(word), dtype=np.int64)
    if len(rows) != len(names):  # both follow fastText's order; a mismatch means a different cutter
        raise ConfigError(f"cannot name the n-grams of {word!r} in this model")
    parts = np.asarray(kv.ngrams[rows], dtype=np.float64).reshape(len(rows), kv.dim)
    if word in kv.vocab:
        # a known word's vector is the mean of its own row and its n-gram rows: recover its own row
        v = np.asarray(kv.get_vector(word), dtype=np.float64)
        own = v * (len(rows) + 1) - parts.sum(axis=0)
        return [f"{word} (word row)", *names], np.vstack([own[None], parts]) / (len(rows) + 1)
    if not len(rows):
        raise UnknownWordError(word, kv.vocab.suggest(word))
    return names, parts / len(rows)


def explain_ngrams(kv, a: str, b: str) -> SimilarityExplanation:
    """FastText words, known or not: which character n-grams carry their similarity.

    ``pairs[i, j]`` is n-gram ``i`` of ``a`` against n-gram ``j`` of ``b``; ``shared`` lists the
    n-grams both words have and :meth:`shared_ngrams` what each of them contributes.
    """
    t0 = time.perf_counter()
    pa, p = _ngram_parts(kv, a)
    pb, q = _ngram_parts(kv, b)
    pairs, score = pair_terms(p, q, repr(a), repr(b))
    shared = shared_parts(pa, pb)
    return SimilarityExplanation("ngrams", a, b, score, pa, pb, pairs, shared=shared, seconds=time.perf_counter() - t0)


def shared_contributions(e: SimilarityExplanation) -> list[tuple[str, float]]:
    """Each part both sides share with what it contributes: the mean of its total on each side
    (summed over its occurrences), largest first. Over all parts these halves add up to the score."""
    out = []
    for name in e.shared:
        ta = sum(float(t) for n, t in zip(e.a_parts, e.a_totals, strict=True) if n == name)
        tb = sum(float(t) for n, t in zip(e.b_parts, e.b_totals, strict=True) if n == name)
        out.append((name, (ta + tb) / 2))
    return sorted(out, key=lambda x: -x[1])


def explain_pooled(encoder, a: str, b: str) -> SimilarityExplanation:
    """Two texts pooled from static word vectors (mean or SIF): per word and per pair of words.

    ``pairs[i, j]`` is word ``i`` of ``a`` against word ``j`` of ``b``; they sum to the cosine of
    the two sentence vectors exactly, and each word's total says how much it brought.
    """
    t0 = time.perf_counter()
    parts = []
    for text, side in ((a, "a"), (b, "b")):
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"text {side} is empty; give two non-empty texts to compare")
        words, rows = encoder.contributions(text)
        if not words:
            raise ConfigError(f"no word of {text!r} is in the model's vocabulary: its vector is zero, "
                              "nothing to explain")  # fmt: skip
        parts.append((words, rows))
    (wa, p), (wb, q) = parts
    pairs, score = pair_terms(p, q, repr(a), repr(b))
    shared = shared_parts(wa, wb)
    return SimilarityExplanation("pooled", a, b, score, wa, wb, pairs, shared=shared, seconds=time.perf_counter() - t0)
