"""Exact top-10 search: embedlab's blocked BLAS + numba top-k against sentence-transformers' util.semantic_search.

    .venv/bin/python benchmarks/exact_search.py --update BENCHMARKS.md

Both sides get the same work: the same 1,000,000 x 384 float32 unit vectors (a 1,000-component
Gaussian mixture, as benchmarks/ann.py), the same 1,000 unit queries, top 10 by dot product
(``util.semantic_search(..., score_function=util.dot_score)`` on the torch views of the same
arrays; embedlab ``exact_search(metric="ip")``), the same process and threads. Runs alternate
between the tools; the median and the spread (min-max) of ``--repeats`` runs are reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, measure_and_render, section_args, versions
from ann import mixture, recall

MARK_BEGIN = "<!-- exact:begin -->"
MARK_END = "<!-- exact:end -->"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    section_args(ap, RESULTS / "exact_search.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


def measure(args: argparse.Namespace) -> dict:
    import torch
    from sentence_transformers import util
    from threadpoolctl import threadpool_info

    from embedlab.index.exact import exact_search

    x = mixture(args.n, args.dim, 1000, 1)
    q = mixture(args.queries, args.dim, 1000, 2)
    tq, tx = torch.from_numpy(q), torch.from_numpy(x)  # views of the same memory
    exact_search(q[:10], x, 10, metric="ip")  # compile / warm up both
    util.semantic_search(tq[:10], tx, top_k=10, score_function=util.dot_score)
    times: dict[str, list[float]] = {"embedlab": [], "sentence-transformers": []}
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        ours, _ = exact_search(q, x, 10, metric="ip")
        times["embedlab"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hits = util.semantic_search(tq, tx, top_k=10, score_function=util.dot_score)
        times["sentence-transformers"].append(time.perf_counter() - t0)
    theirs = np.array([[h["corpus_id"] for h in row] for row in hits])
    qps = {tool: [args.queries / s for s in ts] for tool, ts in times.items()}
    med = {tool: statistics.median(v) for tool, v in qps.items()}
    blas = sorted({f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
                   for i in threadpool_info() if i.get("user_api") == "blas"})  # fmt: skip
    return {
        "n": args.n, "dim": args.dim, "queries": args.queries, "repeats": args.repeats, "k": 10,
        "seconds": times, "qps": qps, "median_qps": med,
        "ratio_median": med["embedlab"] / med["sentence-transformers"],
        "same_top10": recall(theirs, ours), "torch_threads": torch.get_num_threads(), "blas": blas,
        "versions": versions("numpy", "numba", "torch", "sentence-transformers"),
        "date": time.strftime("%Y-%m-%d"),
    }  # fmt: skip


def markdown(r: dict) -> str:
    v = r["versions"]
    lo = {t: min(q) for t, q in r["qps"].items()}
    hi = {t: max(q) for t, q in r["qps"].items()}
    return "\n".join(
        [
            f"{r['n']:,} x {r['dim']} unit vectors, {r['queries']:,} unit queries, top {r['k']} by dot product, "
            f"{r['repeats']} alternating runs per tool, {r['date']}; numpy {v['numpy']}, numba {v['numba']}, "
            f"torch {v['torch']} ({r['torch_threads']} threads), sentence-transformers {v['sentence-transformers']}.",
            "",
            "| tool | queries/s (median) | min – max |",
            "|---|---:|---:|",
            *(
                f"| {t} | {r['median_qps'][t]:.1f} | {lo[t]:.1f} – {hi[t]:.1f} |"
                for t in ("embedlab", "sentence-transformers")
            ),
            f"| **ratio (medians)** | **{r['ratio_median']:.2f}x** | |",
            "",
            f"Same top-10 in both: {r['same_top10']:.4f} of the hits.",
        ]
    )


def summary_rows(r: dict) -> list[dict]:
    return [
        {
            "task": f"exact top-{r['k']} search, {r['n']:,} x {r['dim']} vectors",
            "peer": "sentence-transformers `util.semantic_search` (dot score)",
            "ratio": f"{r['ratio_median']:.2f}x",
            "quality": f"same top-10: {r['same_top10']:.4f} of hits",
            "differ": "none",
            "link": "#exact-search-vs-sentence-transformers",
        }
    ]


if __name__ == "__main__":
    main()
