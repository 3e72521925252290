"""Retrieval evaluation on BEIR-layout data: nDCG@k, Recall@k, MRR@k, MAP@k.

The metrics follow trec_eval as BEIR and MTEB compute them (through pytrec_eval): linear
gains, log2 discounts, the ideal ranking built from every judged-relevant document, and
documents whose id equals the query id left out.

>>> m = retrieval_metrics({"q": ["d1", "d2", "d3"]}, {"q": {"d2": 1}}, ks=(1, 3))
>>> round(m["ndcg@3"], 4), m["recall@1"], m["mrr@3"]
(0.6309, 0.0, 0.5)
"""

from __future__ import annotations

import csv
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import ConfigError, FormatError
from embedlab.text.readers import iter_jsonl, open_text

__all__ = ["RETRIEVAL_METHODS", "RetrievalData", "evaluate_retrieval", "read_beir", "retrieval_metrics"]


@dataclass
class RetrievalData:
    """A corpus, queries and relevance judgements (qrels)."""

    doc_ids: list[str]
    doc_texts: list[str]
    query_ids: list[str]
    query_texts: list[str]
    qrels: dict[str, dict[str, int]]
    name: str = ""


def _find(folder: Path, *names: str) -> Path:
    for name in names:
        for suffix in ("", ".xz", ".gz", ".bz2"):
            if (folder / (name + suffix)).is_file():
                return folder / (name + suffix)
    raise FileNotFoundError(2, f"no {' or '.join(names)} in the BEIR folder", str(folder))


def read_beir(folder: str | os.PathLike[str], split: str = "test") -> RetrievalData:
    """Read a BEIR dataset folder: ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/<split>.tsv``
    (or ``qrels_<split>.tsv``); compressed files are read too. Documents are ``title + " " + text``.
    Only queries that have judgements for ``split`` are kept."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(2, "BEIR folder not found", str(root))
    qrels: dict[str, dict[str, int]] = {}
    qpath = _find(root, f"qrels/{split}.tsv", f"qrels_{split}.tsv")
    with open_text(qpath) as fh:
        rows = csv.reader(fh, delimiter="\t")
        for n, row in enumerate(rows, 1):
            if n == 1 and row and not row[-1].lstrip("-").isdigit():
                continue  # header
            if len(row) < 3:
                raise FormatError(f"{qpath}:{n}: expected query-id, corpus-id, score")
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    doc_ids, doc_texts = [], []
    for n, d in enumerate(iter_jsonl(_find(root, "corpus.jsonl")), 1):
        if "_id" not in d:
            raise FormatError(f"{root}/corpus.jsonl: record {n} has no _id (expected _id, title, text)")
        doc_ids.append(str(d["_id"]))
        doc_texts.append(f"{d.get('title') or ''} {d.get('text') or ''}".strip())
    qids, qtexts = [], []
    for n, q in enumerate(iter_jsonl(_find(root, "queries.jsonl")), 1):
        if "_id" not in q or not isinstance(q.get("text"), str):
            raise FormatError(f"{root}/queries.jsonl: record {n} needs _id and a text string")
        if str(q["_id"]) in qrels:
            qids.append(str(q["_id"]))
            qtexts.append(q["text"])
    return RetrievalData(doc_ids, doc_texts, qids, qtexts, qrels, root.name)


def retrieval_metrics(
    ranked: dict[str, list[str]], qrels: dict[str, dict[str, int]], ks: tuple[int, ...] = (1, 3, 5, 10, 100)
) -> dict[str, float]:
    """Mean nDCG/Recall/MRR/MAP/Precision at each k over the queries in ``qrels``."""
    sums: dict[str, float] = {f"{m}@{k}": 0.0 for k in ks for m in ("ndcg", "recall", "mrr", "map", "precision")}
    n_q = 0
    for qid, judged in qrels.items():
        rel = {d: r for d, r in judged.items() if r > 0}
        if not rel:
            continue
        n_q += 1
        docs = [d for d in ranked.get(qid, []) if d != qid]
        ideal = sorted(rel.values(), reverse=True)
        for k in ks:
            top = docs[:k]
            dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(top))
            idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal[:k]))
            hits = [i for i, d in enumerate(top) if d in rel]
            sums[f"ndcg@{k}"] += dcg / idcg if idcg else 0.0
            sums[f"recall@{k}"] += len(hits) / len(rel)
            sums[f"precision@{k}"] += len(hits) / k
            sums[f"mrr@{k}"] += 1.0 / (hits[0] + 1) if hits else 0.0
            sums[f"map@{k}"] += sum((j + 1) / (i + 1) for j, i in enumerate(hits)) / min(len(rel), k)
    return {name: (v / n_q if n_q else float("nan")) for name, v in sums.items()}


RETRIEVAL_METHODS = ("dense", "lexical", "hybrid")


def evaluate_retrieval(
    encoder: Any,
    data: RetrievalData,
    *,
    method: str = "dense",
    index: str = "exact",
    k: int = 100,
    batch_size: int = 32,
    doc_vectors: np.ndarray | None = None,
    query_vectors: np.ndarray | None = None,
    show_progress: Any = None,
    index_params: dict[str, Any] | None = None,
    lexical: Any = None,
    language: str | None = None,
    fusion: str = "rrf",
    weights: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Rank the corpus for every query and score the ranking.

    ``method``: ``"dense"`` encodes the corpus and queries and ranks with ``index`` (exact, hnsw,
    ivf, int8, binary, pq); ``"lexical"`` ranks with BM25 (``encoder`` may be None);
    ``"hybrid"`` fuses both (``fusion`` ``"rrf"`` or ``"linear"``, ``weights`` (dense, lexical)) over
    the top ``max(k, 100)`` of each. BM25 uses ``lexical`` (a
    :class:`~embedlab.index.lexical.BM25Index`, refitted on the corpus) or one for ``language``
    (default: Unicode words). ``doc_vectors`` and ``query_vectors`` reuse vectors encoded earlier
    (in the order of ``data.doc_ids`` and ``data.query_ids``). Returns the metrics plus timings, with
    ``"primary_metric": "ndcg@10"``.
    """
    from embedlab._validation import check_choice

    method = check_choice("method", method, RETRIEVAL_METHODS)
    if method != "lexical" and encoder is None:
        raise ConfigError(f"method {method!r} needs an encoder; method 'lexical' ranks with BM25 alone")
    depth = max(k, 100) if method == "hybrid" else k
    params = dict(index_params or {})
    times: dict[str, float] = {}
    rankings = []
    if method != "lexical":
        vectors = (doc_vectors, query_vectors)
        rankings.append(_dense_ranking(encoder, data, index, depth, batch_size, vectors, show_progress, params, times))
    if method != "dense":
        rankings.append(_lexical_ranking(data, depth, lexical, language, times))
    if method == "hybrid":
        from embedlab.index.fusion import fuse

        t = time.perf_counter()
        found = fuse(rankings, k, method=fusion, weights=weights)[0]
        times["seconds_fuse"] = time.perf_counter() - t
    else:
        found = rankings[0][0]
    ranked = {qid: [data.doc_ids[i] for i in row if i >= 0] for qid, row in zip(data.query_ids, found, strict=True)}
    metrics = retrieval_metrics(
        ranked,
        {q: data.qrels[q] for q in data.query_ids},
        ks=tuple(sorted({x for x in (1, 3, 5, 10, 20, 100) if x <= k} | {k})),
    )
    return {
        "dataset": data.name,
        "primary_metric": "ndcg@10" if k >= 10 else f"ndcg@{k}",
        "method": method,
        "index": index if method != "lexical" else "bm25",
        **({"fusion": fusion} if method == "hybrid" else {}),
        "documents": len(data.doc_ids),
        "queries": len(data.query_ids),
        **metrics,
        **{name: round(v, 3) for name, v in times.items()},
    }


def _dense_ranking(
    encoder: Any,
    data: RetrievalData,
    index: str,
    k: int,
    batch_size: int,
    vectors: tuple[np.ndarray | None, np.ndarray | None],
    show_progress: Any,
    params: dict[str, Any],
    times: dict[str, float],
) -> tuple[np.ndarray, np.ndarray]:
    from embedlab.index import make_index

    doc_vectors, q = vectors
    t0 = time.perf_counter()
    if doc_vectors is None:
        encode_docs = getattr(encoder, "encode_documents", encoder.encode)  # asymmetric models (E5) say the role
        doc_vectors = encode_docs(data.doc_texts, batch_size=batch_size, normalize=True, show_progress=show_progress)
    times["seconds_encode_corpus"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if q is None:
        encode_queries = getattr(encoder, "encode_queries", encoder.encode)
        q = encode_queries(data.query_texts, batch_size=batch_size, normalize=True, show_progress=False)
    times["seconds_encode_queries"] = time.perf_counter() - t0
    if index == "binary":  # candidates found on the sign bits are rescored on the float vectors
        params.setdefault("fetch", lambda ids: doc_vectors[ids])
    idx = make_index(index, doc_vectors.shape[1], "cosine", **params)
    t1 = time.perf_counter()
    idx.add(doc_vectors, np.arange(len(data.doc_ids)))
    times["seconds_index"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    found = idx.search(q, k)
    times["seconds_search"] = time.perf_counter() - t2
    return found


def _lexical_ranking(
    data: RetrievalData, k: int, lexical: Any, language: str | None, times: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    from embedlab.index.lexical import BM25Index

    idx = lexical if lexical is not None else BM25Index(language=language) if language else BM25Index()
    t0 = time.perf_counter()
    idx.fit(data.doc_texts)
    times["seconds_bm25_index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = idx.search(data.query_texts, k)
    times["seconds_bm25_search"] = time.perf_counter() - t0
    return found
