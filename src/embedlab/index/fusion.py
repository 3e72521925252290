"""Hybrid search: fuse the rankings of several retrievers (dense vectors, BM25) into one.

- ``"rrf"``, reciprocal rank fusion (Cormack et al., 2009): a document scores
  ``sum_i w_i / (c + rank_i)`` over the lists it appears in (rank from 1, ``c = 60``). It needs
  no score calibration, which is why Elasticsearch, OpenSearch and Weaviate default to it.
- ``"linear"``: a weighted sum of each list's scores min-max scaled to [0, 1] over that query's
  candidates; a document missing from a list gets 0 from it.

Inputs and output are ``(ids [q, k], scores [q, k])`` pairs as every index returns them (id -1:
no result).

>>> dense = (np.array([[1, 2, 3]]), np.array([[0.9, 0.8, 0.1]]))
>>> bm25 = (np.array([[3, 1, -1]]), np.array([[7.0, 2.0, -np.inf]]))
>>> fuse([dense, bm25], k=3)[0].tolist()
[[1, 3, 2]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embedlab._validation import check_choice, check_float
from embedlab.errors import ConfigError

__all__ = ["CHUNK_SCORES", "FUSION_METHODS", "SEARCH_MODES", "fuse", "fuse_hybrid"]

FUSION_METHODS = ("rrf", "linear")
#: how a collection is searched: by meaning, by words (BM25), or both fused
SEARCH_MODES = ("dense", "lexical", "hybrid")
#: how a long document's chunk similarities make its score: its best chunk, or a soft maximum over them
CHUNK_SCORES = ("max", "softmax")


def fuse(
    rankings: Sequence[tuple[np.ndarray, np.ndarray]],
    k: int = 10,
    *,
    method: str = "rrf",
    weights: Sequence[float] | None = None,
    rrf_c: float = 60.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best ids per query under the fused score (see the module docstring)."""
    method = check_choice("fusion", method, FUSION_METHODS)
    if not rankings:
        raise ConfigError("fuse needs at least one ranking")
    n_q = len(rankings[0][0])
    if any(len(ids) != n_q or np.shape(ids) != np.shape(sc) for ids, sc in rankings):
        raise ConfigError("every ranking must have one row of ids and scores per query")
    w = [1.0] * len(rankings) if weights is None else [float(x) for x in weights]
    if len(w) != len(rankings) or any(not np.isfinite(x) or x < 0 for x in w):
        raise ConfigError(f"weights must be one non-negative number per ranking, got {weights!r}")
    out_ids = np.full((n_q, k), -1, dtype=np.int64)
    out_scores = np.full((n_q, k), -np.inf, dtype=np.float32)
    for q in range(n_q):
        total: dict[int, float] = {}
        for (ids, scores), wi in zip(rankings, w, strict=True):
            row_ids = np.asarray(ids[q])
            valid = row_ids >= 0
            row_ids = row_ids[valid]
            if method == "rrf":
                part = wi / (rrf_c + np.arange(1, len(row_ids) + 1))
            else:
                s = np.asarray(scores[q], dtype=np.float64)[valid]
                span = s.max() - s.min() if len(s) else 0.0
                part = wi * ((s - s.min()) / span if span > 0 else np.ones_like(s))
            for d, v in zip(row_ids.tolist(), part.tolist(), strict=True):
                total[d] = total.get(d, 0.0) + v
        best = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        for j, (d, v) in enumerate(best):
            out_ids[q, j] = d
            out_scores[q, j] = v
    return out_ids, out_scores


def fuse_hybrid(
    rankings: Sequence[tuple[np.ndarray, np.ndarray]], k: int, method: str, lexical_weight: float
) -> tuple[np.ndarray, np.ndarray]:
    """A hybrid search's two rankings, dense then BM25, fused with BM25 weighted ``lexical_weight``."""
    w = check_float("lexical_weight", lexical_weight, 0.0, 1e6)
    return fuse(rankings, k, method=method, weights=(1.0, w))
