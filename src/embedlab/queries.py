"""What a person may ask of a model through the CLI and the service: each query's knobs, described once.

The CLI builds its options from these configs (``embedlab.cli._config_options``) and the service its
request fields (``embedlab.service.fields``), so ``k`` has one default per query and one upper bound
everywhere: :data:`MAX_K`. The library's own methods take the same names (``k``, ``method``...) and
check only what correctness needs (``k >= 1``); the bound here caps what one command or request may
ask for. Peers' names stay as aliases: gensim's ``topn`` for ``k``.

>>> NeighboursQuery().k, NeighboursQuery(k=3).k
(10, 3)
>>> SearchQuery(k=MAX_K + 1)
Traceback (most recent call last):
...
embedlab.errors.ConfigError: k must be an int >= 1 and <= 10000, got 10001
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from embedlab._params import Config, param
from embedlab.errors import ConfigError
from embedlab.explain.result import MODES as EXPLAIN_MODES
from embedlab.index.base import INDEX_KINDS
from embedlab.index.fusion import CHUNK_SCORES, FUSION_METHODS, SEARCH_MODES

__all__ = [
    "MAX_K",
    "AnalogyQuery",
    "ClassifierTestQuery",
    "ClassifyQuery",
    "ExplainQuery",
    "NeighboursQuery",
    "RecommendQuery",
    "SearchQuery",
]

#: the most results one command or request may ask for (Elasticsearch's default result window too)
MAX_K = 10_000


def _k(default: int, help: str, *, ge: int = 1, aliases: tuple[str, ...] = ()) -> Any:
    return param(default, help, ge=ge, le=MAX_K, aliases=("topn", *aliases), short=("-k", "-n"))


@dataclass(frozen=True, kw_only=True)
class NeighboursQuery(Config):
    """Nearest neighbours of a word, a text, a document or a vector."""

    k: int = _k(10, "How many neighbours.")


@dataclass(frozen=True, kw_only=True)
class AnalogyQuery(Config):
    """a : b :: c : ? (``man king woman`` → ``queen``)."""

    k: int = _k(5, "How many answers.")
    method: str = param("add", "add (3CosAdd) or mul (3CosMul).", choices=("add", "mul"))


@dataclass(frozen=True, kw_only=True)
class ExplainQuery(Config):
    """Why two words or texts are similar."""

    mode: str = param(
        "auto",
        "dimensions / ngrams (two words), pooled (texts, word vectors), integrated / occlusion (transformers); "
        "auto picks.",
        choices=("auto", *EXPLAIN_MODES),
    )
    steps: int = param(16, "Points on the integrated-gradients path.", ge=1, le=256)
    k: int = _k(10, "Rows per table (parts, pairs, dimensions).", aliases=("top",))


@dataclass(frozen=True, kw_only=True)
class SearchQuery(Config):
    """A search of a collection."""

    k: int = _k(10, "Results per query.")
    index: str | None = param(
        None, "exact, hnsw, ivf, int8, binary or pq (default: the collection's own).", kind=str, choices=INDEX_KINDS
    )
    mode: str | None = param(
        None,
        "dense (by meaning, the collection's encoder), lexical (BM25 over the texts' words) or hybrid (both, "
        "fused); default: dense, hybrid for a collection of long documents.",
        kind=str,
        choices=SEARCH_MODES,
    )
    fusion: str = param(
        "rrf", "How hybrid fuses the rankings: rrf (reciprocal rank) or linear (scaled scores).", choices=FUSION_METHODS
    )
    lexical_weight: float = param(
        1.0, "Hybrid: the BM25 ranking's weight in the fusion (the dense ranking's is 1).", ge=0.0, le=100.0
    )
    chunk_score: str = param(
        "max",
        "Long documents: a document's score from its chunks, max (its best chunk) or softmax (a soft maximum "
        "that also counts its next-best chunks).",
        choices=CHUNK_SCORES,
    )


@dataclass(frozen=True, kw_only=True)
class RecommendQuery(Config):
    """Items for a user, a session or an item."""

    k: int = _k(10, "How many items.")
    exclude_seen: bool = param(True, "Leave out items the user already has.")


@dataclass(frozen=True, kw_only=True)
class ClassifyQuery(Config):
    """Labels of texts."""

    k: int = _k(1, "Labels per text (-1: all above the threshold).", ge=-1)
    threshold: float = param(0.0, "Leave out labels with a lower probability.", ge=0.0, le=1.0)

    def resolve(self) -> None:
        if self.k == 0:
            raise ConfigError("k must be a positive number or -1 (all labels)")


@dataclass(frozen=True, kw_only=True)
class ClassifierTestQuery(Config):
    """A classifier's scores on a labelled file."""

    k: int = _k(1, "P@k and R@k at this k.")
