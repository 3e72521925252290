"""ANN and exact search on 1,000,000 clustered 384-d vectors; add/delete cost; exact vs sentence-transformers.

    .venv/bin/python benchmarks/ann.py --update BENCHMARKS.md

Data: a Gaussian mixture (1,000 centres drawn from N(0, I), points = centre + 0.5·N(0, I)),
unit-normalised, cosine similarity; 1,000 queries drawn from the same mixture. Recall@10 is
measured against embedlab's exact search (itself checked against a numpy argsort in the tests).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import measure_and_render, section_args  # noqa: E402

MARK_BEGIN = "<!-- ann:begin -->"
MARK_END = "<!-- ann:end -->"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def mixture(n: int, dim: int, centers: int, seed: int) -> np.ndarray:
    c = np.random.default_rng(12345).normal(size=(centers, dim)).astype(np.float32)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    for s in range(0, n, 100_000):
        m = min(n, s + 100_000) - s
        out[s : s + m] = c[rng.integers(0, centers, m)] + 0.5 * rng.standard_normal((m, dim), dtype=np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def recall(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(got, want, strict=True)]))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--no-hnsw", action="store_true", help="Skip the HNSW build (the slowest part).")
    section_args(ap, HERE / "results" / "ann.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


def measure(args: argparse.Namespace) -> dict:
    from embedlab.index import make_index
    from embedlab.index.exact import exact_search

    t0 = time.perf_counter()
    x = mixture(args.n, args.dim, 1000, 1)
    q = mixture(args.queries, args.dim, 1000, 2)
    log(f"data: {x.shape} in {time.perf_counter() - t0:.1f} s")
    res: dict = {"n": args.n, "dim": args.dim, "queries": args.queries, "threads": os.cpu_count(), "indexes": []}

    exact_search(q[:10], x, 10)  # compile
    t0 = time.perf_counter()
    want, _ = exact_search(q, x, 10)
    exact_s = time.perf_counter() - t0
    res["exact_qps"] = args.queries / exact_s
    log(f"exact: {res['exact_qps']:.1f} q/s")

    configs = [("ivf", {"nprobe": p}) for p in (4, 8, 16, 32)]
    if not args.no_hnsw:
        configs += [("hnsw", {"ef_search": e}) for e in (64, 128, 256)]
    built: dict = {}
    for kind, params in configs:
        if kind not in built:
            idx = make_index(kind, args.dim, "cosine")
            r0 = rss_mb()
            t0 = time.perf_counter()
            idx.add(x, np.arange(args.n))
            built[kind] = (idx, time.perf_counter() - t0, rss_mb() - r0)
            log(f"{kind}: built in {built[kind][1]:.0f} s")
        idx, build_s, mem = built[kind]
        if kind == "ivf":
            idx.nprobe = params["nprobe"]
        else:
            idx.ef_search = params["ef_search"]
        idx.search(q[:10], 10)
        t0 = time.perf_counter()
        got, _ = idx.search(q, 10)
        s = time.perf_counter() - t0
        row = {
            "kind": kind,
            "params": params,
            "build_seconds": build_s,
            "index_mb": mem,
            "qps": args.queries / s,
            "recall@10": recall(got, want),
        }
        row["speedup_vs_exact"] = row["qps"] / res["exact_qps"]
        res["indexes"].append(row)
        log(row)

    # add / delete cost: 10,000 more vectors into each index, then remove them
    extra = mixture(10_000, args.dim, 1000, 3)
    res["updates"] = []
    for kind, (idx, _, _) in built.items():
        t0 = time.perf_counter()
        idx.add(extra, np.arange(args.n, args.n + 10_000))
        add_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        idx.remove(np.arange(args.n, args.n + 10_000))
        del_s = time.perf_counter() - t0
        res["updates"].append(
            {"what": f"{kind} index", "add_us_per_vector": add_s / 1e4 * 1e6, "delete_us_per_vector": del_s / 1e4 * 1e6}
        )
        log(res["updates"][-1])
    del built
    # the same through a Collection (SQLite commit + fsync per 1,000-document batch)
    from embedlab.search.collection import Collection

    with tempfile.TemporaryDirectory(prefix="ann-bench-") as tmp:
        col = Collection.create(Path(tmp) / "c", dim=args.dim)
        col.add([f"base{i}" for i in range(100_000)], vectors=x[:100_000], batch_size=10_000)
        ids = [f"new{i}" for i in range(10_000)]
        t0 = time.perf_counter()
        col.add(ids, vectors=extra, batch_size=1000)
        add_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        col.delete(ids)
        del_s = time.perf_counter() - t0
        res["updates"].append(
            {
                "what": "Collection (100k docs; batches of 1,000)",
                "add_us_per_vector": add_s / 1e4 * 1e6,
                "delete_us_per_vector": del_s / 1e4 * 1e6,
            }
        )
        log(res["updates"][-1])
    return res


def markdown(r: dict) -> str:
    lines = [
        f"Command: `.venv/bin/python benchmarks/ann.py --update BENCHMARKS.md`; {r['n']:,} × {r['dim']} float32 "
        f"unit vectors from a 1,000-component Gaussian mixture, {r['queries']:,} queries from the same mixture, "
        "cosine, k = 10, 2 cores. Recall is against exact search.",
        "",
        f"Exact search in this run (embedlab, BLAS matrix product + numba top-k): **{r['exact_qps']:.1f} "
        "queries/s**, the baseline of the × exact column. The comparison with sentence-transformers, with equal "
        "work on both sides, is *Exact search vs sentence-transformers* below.",
        "",
        "| index | setting | recall@10 | queries/s | × exact | build s | index MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for x in r["indexes"]:
        setting = ", ".join(f"{k}={v}" for k, v in x["params"].items())
        lines.append(
            f"| {x['kind']} | {setting} | {x['recall@10']:.4f} | {x['qps']:.0f} | {x['speedup_vs_exact']:.1f} | "
            f"{x['build_seconds']:.0f} | {x['index_mb']:.0f} |"
        )
    lines += ["", "| updates (10,000 vectors) | add µs/vector | delete µs/vector |", "|---|---:|---:|"]
    for u in r["updates"]:
        lines.append(f"| {u['what']} | {u['add_us_per_vector']:.1f} | {u['delete_us_per_vector']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
