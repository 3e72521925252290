"""Top-K ranking metrics for recommendation: HR@K, NDCG@K, MRR@K, precision, recall and coverage.

Every recommender hands back a ranked list of item ids per case (a user, or a session prefix) and
each case has a set of relevant held-out items. Binary relevance throughout:

- **HR@K** (hit rate): the share of cases with at least one relevant item in the top K;
- **NDCG@K**: DCG of the top K (1 / log2(rank + 1) per hit) over the best possible DCG for the
  case's number of relevant items (capped at K);
- **MRR@K**: the mean of 1 / rank of the first hit (0 without one);
- **precision@K** and **recall@K**: hits over K, hits over the case's relevant items;
- **coverage@K**: distinct recommended items over the catalogue size.

>>> m = ranking_metrics([[3, 1, 2], [0, 2, 1]], [{1}, {4}], n_items=5, k=3)
>>> m["hr@3"], round(m["ndcg@3"], 4), m["mrr@3"], m["coverage@3"]
(0.5, 0.3155, 0.25, 0.8)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from embedlab.errors import ConfigError

__all__ = ["ranking_metrics"]


def ranking_metrics(
    ranked: Sequence[Sequence[int]] | np.ndarray,
    relevant: Sequence[Collection[int]],
    *,
    n_items: int,
    k: int = 10,
) -> dict[str, float]:
    """HR, NDCG, MRR, precision and recall at ``k`` (means over cases) and catalogue coverage.

    ``ranked[i]`` is case ``i``'s ranked item ids (its first ``k`` are used; -1 pads a short list),
    ``relevant[i]`` its relevant ids. Cases without relevant items are an error (they would
    count as misses and lower every metric).
    """
    if k < 1:
        raise ConfigError(f"k must be >= 1, got {k}")
    if len(ranked) != len(relevant):
        raise ConfigError(f"{len(ranked)} ranked lists for {len(relevant)} cases")
    if len(ranked) == 0:
        raise ConfigError("no cases to score")
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(discounts)
    hr = ndcg = mrr = prec = rec = 0.0
    seen: set[int] = set()
    for top, rel in zip(ranked, relevant, strict=True):
        if not rel:
            raise ConfigError("a case has no relevant items; drop it before scoring")
        top_k = list(top[:k])
        seen.update(int(x) for x in top_k if x >= 0)
        hits = np.array([int(x) in rel for x in top_k], dtype=bool)
        n_hits = int(hits.sum())
        if n_hits:
            hr += 1.0
            mrr += 1.0 / (int(np.argmax(hits)) + 1)
            ndcg += float(discounts[: hits.size][hits].sum() / ideal[min(len(rel), k) - 1])
        prec += n_hits / k
        rec += n_hits / len(rel)
    n = len(ranked)
    return {
        f"hr@{k}": hr / n,
        f"ndcg@{k}": ndcg / n,
        f"mrr@{k}": mrr / n,
        f"precision@{k}": prec / n,
        f"recall@{k}": rec / n,
        f"coverage@{k}": len(seen) / n_items if n_items else 0.0,
        "cases": n,
    }
