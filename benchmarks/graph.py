"""Node embeddings: embedlab's node2vec against PecanPy on the same graphs, settings and threads.

    python3 -m venv /tmp/pecanpy && /tmp/pecanpy/bin/pip install pecanpy==2.0.9
    .venv/bin/python benchmarks/graph.py --pecanpy-python /tmp/pecanpy/bin/python --update BENCHMARKS.md

PecanPy lives in its own environment: it requires nptyping, which pins NumPy below 2.

For each graph in ../shared/data/graphs (BlogCatalog, PPI, Wikipedia-POS, Cora) the edge list is
written once as a plain tab-separated file that both tools read. Both run node2vec with the same
settings (128 dimensions, 10 walks of 80 nodes per node, window 10, 3 passes of skip-gram with 5
noise nodes, p and q as the node2vec paper chose per graph, Wikipedia-POS weighted, every graph
undirected) on 2 threads, and both write their vectors as word2vec text.

- **PecanPy** runs its own command line end to end (reading, walks, gensim Word2Vec, writing) in
  its fastest mode for the graph: every mode that applies (PreComp, SparseOTF, DenseOTF, and the
  first-order modes when p = q = 1) first makes the walks alone, timed, and the fastest is used.
- **embedlab** runs ``read_edgelist`` + ``Node2Vec.fit`` + ``save`` in a fresh interpreter.

Wall time and peak RSS are those of each whole process, measured the same way (a wrapper process
that runs it and reads its rusage). Quality: both vector sets are scored by the same node
classification (one-vs-rest logistic regression, C = 1, 50% of the labelled nodes for training,
the same 10 random splits; top-k protocol as in the papers, threshold protocol beside it). On
Wikipedia-POS and Cora both tools also run with seeds 2 and 3, which shows how far a single run's
F1 moves with the seed alone.
Link prediction (PPI and Cora): half the edges held out (never a spanning-forest edge), embedlab
trained on the rest with the same settings, ROC-AUC per edge operator against common neighbours,
Jaccard and Adamic-Adar scored in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, SHARED, cold_numba_env, measure_and_render, section_args, versions

DATA = SHARED / "data" / "graphs"
MARK_BEGIN = "<!-- graph:begin -->"
MARK_END = "<!-- graph:end -->"
#: graphs where both tools also run with seeds 2 and 3, to show how far one run's F1 moves with the seed
SEED_GRAPHS = ("Wikipedia-POS", "Cora")
SETTINGS = {"dim": 128, "walk_length": 80, "walks_per_node": 10, "window": 10, "epochs": 3, "threads": 2}
#: p and q from the node2vec paper's choices (BlogCatalog, PPI, Wikipedia); Cora as DeepWalk
GRAPHS = {
    "BlogCatalog": {"edges": "blogcatalog_edges.tsv.gz", "labels": "blogcatalog_labels.tsv", "p": 0.25, "q": 0.25,
                    "weighted": False, "links": False},
    "PPI": {"edges": "ppi_edges.tsv.gz", "labels": "ppi_labels.tsv", "p": 4.0, "q": 1.0, "weighted": False,
            "links": True},
    "Wikipedia-POS": {"edges": "wikipedia_pos_edges.tsv.gz", "labels": "wikipedia_pos_labels.tsv", "p": 4.0,
                      "q": 0.5, "weighted": True, "links": False},
    "Cora": {"edges": "cora_edges.txt", "labels": "cora_labels.txt", "p": 1.0, "q": 1.0, "weighted": False,
             "links": True},
}  # fmt: skip

#: runs a command, then prints its wall time and peak RSS (this wrapper's only child)
WRAP = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": proc.returncode, "wall_seconds": wall, "peak_rss_mb": rss, "stderr": proc.stderr[-3000:]}))
"""

EMBEDLAB = r"""
import json, sys, time
spec = json.loads(sys.argv[1])
s = spec["settings"]
from embedlab.graph import Node2Vec, read_edgelist
from embedlab.io import save
t0 = time.perf_counter()
g = read_edgelist(spec["edges"], weighted=spec["weighted"])
t1 = time.perf_counter()
model = Node2Vec(dim=s["dim"], walk_length=s["walk_length"], walks_per_node=s["walks_per_node"], window=s["window"],
                 epochs=s["epochs"], threads=s["threads"], p=spec["p"], q=spec["q"], seed=spec["seed"])
kv = model.fit(g)
t2 = time.perf_counter()
save(kv, spec["out"], format="word2vec-txt")
with open(spec["report"], "w") as fh:
    json.dump({"read_seconds": t1 - t0, "fit_seconds": t2 - t1, "walk_seconds": model.walk_seconds,
               "save_seconds": time.perf_counter() - t2}, fh)
"""

PROBE = r"""
import json, sys, time
spec = json.loads(sys.argv[1])
from pecanpy import pecanpy as pp
g = getattr(pp, spec["mode"])(p=spec["p"], q=spec["q"], workers=spec["threads"], random_state=1)
g.read_edg(spec["edges"], weighted=spec["weighted"], directed=False, delimiter="\t")
t = time.perf_counter()
g.preprocess_transition_probs()
g.simulate_walks(num_walks=spec["walks_per_node"], walk_length=spec["walk_length"])
print(json.dumps({"walk_seconds": time.perf_counter() - t}))
"""


def wrapped(cmd: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", WRAP, *cmd], capture_output=True, text=True, env=env, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if res["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed:\n{res['stderr']}")
    return res


def plain_edges(src: Path, dst: Path) -> None:
    """The edge list as 'u<TAB>v[<TAB>w]' lines, uncompressed: the file both tools read."""
    import gzip

    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rt") as fin, open(dst, "w") as fout:
        for line in fin:
            parts = line.split()
            if parts:
                fout.write("\t".join(parts) + "\n")


def pecanpy_modes(cfg: dict) -> list[str]:
    if cfg["p"] == 1.0 and cfg["q"] == 1.0:
        return ["PreCompFirstOrder", "SparseOTF"] + ([] if cfg["weighted"] else ["FirstOrderUnweighted"])
    return ["PreComp", "SparseOTF", "DenseOTF"]


def run_graph(name: str, cfg: dict, pecan_python: str, tmp: Path, env: dict[str, str]) -> dict:
    from embedlab.graph import read_edgelist, read_node_labels

    edges = tmp / f"{name}.edg"
    plain_edges(DATA / cfg["edges"], edges)
    spec = {"edges": str(edges), "p": cfg["p"], "q": cfg["q"], "weighted": cfg["weighted"], **SETTINGS}
    probes = {}
    for mode in pecanpy_modes(cfg):
        proc = subprocess.run([pecan_python, "-c", PROBE, json.dumps({**spec, "mode": mode})], capture_output=True,
                              text=True, env=env)  # fmt: skip
        ok = proc.returncode == 0
        probes[mode] = json.loads(proc.stdout.strip().splitlines()[-1])["walk_seconds"] if ok else None
        print(f"  {name}: PecanPy {mode} walks {probes[mode]}", file=sys.stderr, flush=True)
    mode = min((m for m in probes if probes[m] is not None), key=lambda m: probes[m])
    # memory is compared against PecanPy's leaner of its two general modes (PreComp keeps per-edge
    # tables, SparseOTF computes them on the fly), each run end to end once
    memory_modes = [m for m in probes if probes[m] is not None and m != mode and ("PreComp" in m or m == "SparseOTF")]
    labels = read_node_labels(DATA / cfg["labels"])
    seeds = (1, 2, 3) if name in SEED_GRAPHS else (1,)
    runs: dict[str, list[dict]] = {"pecanpy": [], "embedlab": []}
    others: dict[str, dict] = {}

    def pecanpy(run_mode: str, seed: int) -> dict:
        out = tmp / f"{name}.pecanpy.txt"
        cmd = [pecan_python, "-m", "pecanpy.cli", "--input", str(edges), "--output", str(out), "--mode", run_mode,
               "--dimensions", str(SETTINGS["dim"]), "--walk-length", str(SETTINGS["walk_length"]),
               "--num-walks", str(SETTINGS["walks_per_node"]), "--window-size", str(SETTINGS["window"]),
               "--epochs", str(SETTINGS["epochs"]), "--workers", str(SETTINGS["threads"]), "--p", str(cfg["p"]),
               "--q", str(cfg["q"]), "--delimiter", "\t", "--random_state", str(seed)]  # fmt: skip
        if cfg["weighted"]:
            cmd.append("--weighted")
        res = {"seed": seed, "mode": run_mode, **wrapped(cmd, env)}
        res.update(_scores(out, labels))
        return res

    def ours(seed: int, numba_env: dict[str, str]) -> dict:
        out, report = tmp / f"{name}.embedlab.txt", tmp / f"{name}.report.json"
        child = {"edges": str(edges), "p": cfg["p"], "q": cfg["q"], "weighted": cfg["weighted"], "settings": SETTINGS,
                 "out": str(out), "report": str(report), "seed": seed}  # fmt: skip
        res = {"seed": seed, **wrapped([sys.executable, "-c", EMBEDLAB, json.dumps(child)], numba_env),
               **json.loads(report.read_text())}  # fmt: skip
        res.update(_scores(out, labels))
        return res

    # embedlab's first process compiles its kernels into an empty cache, as PecanPy compiles its numba
    # code in every process; the warm runs after it load them from that cache
    numba_env = cold_numba_env(tmp / f"numba-{name}", env)
    cold = ours(1, numba_env)
    for seed in seeds:
        runs["pecanpy"].append(pecanpy(mode, seed))
        runs["embedlab"].append(ours(seed, numba_env))
        print(
            f"  {name} seed {seed}: PecanPy {runs['pecanpy'][-1]['wall_seconds']:.1f} s micro "
            f"{runs['pecanpy'][-1]['topk_micro_f1']:.4f}, embedlab {runs['embedlab'][-1]['wall_seconds']:.1f} s "
            f"micro {runs['embedlab'][-1]['topk_micro_f1']:.4f}",
            file=sys.stderr,
            flush=True,
        )
    for m in memory_modes:
        others[m] = pecanpy(m, 1)
        print(f"  {name}: PecanPy {m} {others[m]['wall_seconds']:.1f} s, {others[m]['peak_rss_mb']:.0f} MB",
              file=sys.stderr, flush=True)  # fmt: skip
    pecan = {"mode": mode, "mode_walk_seconds": probes, **runs["pecanpy"][0]}
    warm = runs["embedlab"][0]
    leanest = min([pecan, *others.values()], key=lambda r: r["peak_rss_mb"])
    graph = read_edgelist(edges, weighted=cfg["weighted"])
    out = {"nodes": graph.n_nodes, "edges": graph.n_edges, "labels": cold["labels"],
           "multi_label": cold["multi_label"], "p": cfg["p"], "q": cfg["q"], "weighted": cfg["weighted"],
           "pecanpy": pecan, "pecanpy_other_modes": others, "embedlab": warm, "embedlab_cold": cold,
           "time_ratio": pecan["wall_seconds"] / cold["wall_seconds"],
           "time_ratio_warm": pecan["wall_seconds"] / warm["wall_seconds"],
           "rss_ratio": cold["peak_rss_mb"] / leanest["peak_rss_mb"], "rss_ratio_against": leanest["mode"]}  # fmt: skip
    if len(seeds) > 1:
        out["seed_runs"] = {tool: [{k: r[k] for k in ("seed", "wall_seconds", "topk_micro_f1", "topk_macro_f1")}
                                   for r in rs] for tool, rs in runs.items()}  # fmt: skip
    if cfg["links"]:
        out["link_prediction"] = link_prediction(graph, cfg)
    return out


def _scores(vectors: Path, labels: Any) -> dict:
    from embedlab.graph import evaluate_node_classification
    from embedlab.io import load

    res = evaluate_node_classification(load(vectors), labels, train_ratios=[0.5], repeats=10, seed=1,
                                       threads=SETTINGS["threads"])  # fmt: skip
    row = {k: v for k, v in res["rows"][0].items() if k != "train_ratio"}
    return {**row, "labels": res["labels"], "multi_label": res["multi_label"]}


def link_prediction(graph, cfg: dict) -> dict:
    from embedlab.graph import Node2Vec, evaluate_link_prediction, split_edges

    split = split_edges(graph, 0.5, seed=1)
    s = SETTINGS
    kv = Node2Vec(dim=s["dim"], walk_length=s["walk_length"], walks_per_node=s["walks_per_node"], window=s["window"],
                  epochs=s["epochs"], threads=s["threads"], p=cfg["p"], q=cfg["q"]).fit(split.train_graph)  # fmt: skip
    return evaluate_link_prediction(kv, split)


def measure(args: argparse.Namespace) -> dict:
    env = {**os.environ, "NUMBA_NUM_THREADS": str(SETTINGS["threads"]), "OMP_NUM_THREADS": "1"}
    pecan_version = subprocess.run([args.pecanpy_python, "-c", "import importlib.metadata as m; "
                                    "print(m.version('pecanpy'), m.version('gensim'), m.version('numpy'))"],
                                   capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    res = {"settings": SETTINGS, "graphs": {},
           "versions": {**versions("embedlab", "numba", "numpy", "scikit-learn"), "pecanpy": pecan_version[0],
                        "pecanpy_gensim": pecan_version[1], "pecanpy_numpy": pecan_version[2]}}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="embedlab-graph-") as tmp:
        for name in args.graphs:
            print(f"{name} ...", file=sys.stderr, flush=True)
            res["graphs"][name] = run_graph(name, GRAPHS[name], args.pecanpy_python, Path(tmp), env)
    return res


def markdown(res: dict) -> str:
    s = res["settings"]
    v = res["versions"]
    lines = [
        f"JSON: `benchmarks/results/graph.json`, commit `{res.get('run', {}).get('commit', '?')[:10]}`. Both: "
        f"{s['dim']} dimensions, {s['walks_per_node']} walks of {s['walk_length']} nodes per node, window "
        f"{s['window']}, {s['epochs']} skip-gram passes, {s['threads']} threads, the same plain edge file; PecanPy "
        f"{v['pecanpy']} (gensim {v['pecanpy_gensim']}) in its fastest mode for the graph. Time and peak RSS of each "
        "whole process. embedlab *cold*: its first process on the machine, compiling its kernels into an empty "
        "cache (PecanPy compiles its numba code in every process); *warm*: the kernels loaded from that cache. "
        "F1 at 50% training nodes, mean of the same 10 splits for both (top-k: the papers' protocol; threshold: "
        "probability > 0.5).",
        "",
        "| graph | nodes / edges | p, q | tool | wall s | peak RSS MB | Micro-F1 | Macro-F1 | "
        "thr. Micro | thr. Macro |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, g in res["graphs"].items():
        rows = [(f"PecanPy ({g['pecanpy']['mode']}, fastest)", g["pecanpy"])]
        rows += [(f"PecanPy ({m})", r) for m, r in g["pecanpy_other_modes"].items()]
        rows += [("**embedlab**, cold", g["embedlab_cold"]), ("**embedlab**, warm", g["embedlab"])]
        for k, (label, r) in enumerate(rows):
            head = (f"| {name} | {g['nodes']:,} / {g['edges']:,}{' (weighted)' if g['weighted'] else ''} | "
                    f"{g['p']:g}, {g['q']:g} ") if k == 0 else "| | | "  # fmt: skip
            lines.append(
                f"{head}| {label} | {r['wall_seconds']:.1f} | {r['peak_rss_mb']:,.0f} | {r['topk_micro_f1']:.4f} | "
                f"{r['topk_macro_f1']:.4f} | {r['threshold_micro_f1']:.4f} | {r['threshold_macro_f1']:.4f} |"
            )
    lines += [
        "",
        "| graph | speed-up, cold (PecanPy fastest / embedlab) | warm | peak RSS (embedlab cold / PecanPy's "
        "leanest mode) | embedlab walks s | PecanPy walks s per mode |",
        "|---|---:|---:|---|---:|---|",
    ]
    for name, g in res["graphs"].items():
        modes = ", ".join(f"{m} {t:.1f}" if t is not None else f"{m} failed"
                          for m, t in g["pecanpy"]["mode_walk_seconds"].items())  # fmt: skip
        lines.append(f"| {name} | **{g['time_ratio']:.2f}x** | {g['time_ratio_warm']:.2f}x | "
                     f"{g['rss_ratio']:.2f} (against {g['rss_ratio_against']}) | "
                     f"{g['embedlab']['walk_seconds']:.1f} | {modes} |")  # fmt: skip
    spread = {n: g["seed_runs"] for n, g in res["graphs"].items() if "seed_runs" in g}
    if spread:
        lines += ["", "How far one run moves with the seed (seeds 1-3 of each tool, same settings; mean ± standard "
                  "deviation over the runs):", "", "| graph | tool | Micro-F1 | Macro-F1 | runs (Micro-F1) |",
                  "|---|---|---:|---:|---|"]  # fmt: skip
        for name, tools in spread.items():
            for tool, rs in tools.items():
                mi = [r["topk_micro_f1"] for r in rs]
                ma = [r["topk_macro_f1"] for r in rs]
                lines.append(f"| {name} | {'PecanPy' if tool == 'pecanpy' else 'embedlab'} | {_mean_std(mi)} | "
                             f"{_mean_std(ma)} | {', '.join(f'{x:.4f}' for x in mi)} |")  # fmt: skip
        lines += ["", "Quality: " + "; ".join(_f1_gap(n, tools) for n, tools in spread.items()) + "."]
    links = {n: g["link_prediction"] for n, g in res["graphs"].items() if "link_prediction" in g}
    if links:
        ops = list(next(iter(links.values()))["operators"])
        base = list(next(iter(links.values()))["baselines"])
        lines += ["", "Link prediction (embedlab node2vec on the graph without the held-out half; ROC-AUC):", "",
                  "| graph | " + " | ".join(ops) + " | " + " | ".join(b.replace("_", " ") for b in base) + " |",
                  "|---|" + "---:|" * (len(ops) + len(base))]  # fmt: skip
        for name, lp in links.items():
            cells = [f"{lp['operators'][o]:.4f}" for o in ops] + [f"{lp['baselines'][b]:.4f}" for b in base]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _f1_gap(name: str, tools: dict) -> str:
    """How embedlab's seeds sit against PecanPy's on one graph, in words and points."""
    ours = [r["topk_micro_f1"] for r in tools["embedlab"]]
    theirs = [r["topk_micro_f1"] for r in tools["pecanpy"]]
    gap = 100 * (sum(ours) / len(ours) - sum(theirs) / len(theirs))
    where = "below" if gap < 0 else "above"
    every = ""
    if max(ours) < min(theirs):
        every = " (every embedlab seed below every PecanPy seed)"
    elif min(ours) > max(theirs):
        every = " (every embedlab seed above every PecanPy seed)"
    return f"on {name} embedlab's mean Micro-F1 is {abs(gap):.2f} points {where} PecanPy's{every}"


def summary_rows(res: dict) -> list[dict]:
    out = []
    for name, g in res["graphs"].items():
        e, p = g["embedlab_cold"], g["pecanpy"]
        if "seed_runs" in g:
            mean = {t: sum(r["topk_micro_f1"] for r in rs) / len(rs) for t, rs in g["seed_runs"].items()}
            quality = f"Micro-F1 {mean['embedlab'] - mean['pecanpy']:+.4f} (mean of 3 seeds)"
        else:
            quality = f"Micro-F1 {e['topk_micro_f1'] - p['topk_micro_f1']:+.4f} (one seed)"
        out.append({
            "task": f"node2vec end to end, {name}", "peer": f"PecanPy {res['versions']['pecanpy']} ({p['mode']})",
            "ratio": f"{g['time_ratio']:.2f}x cold, {g['time_ratio_warm']:.2f}x warm; memory "
                     f"{g['rss_ratio']:.2f}x of its leanest mode",
            "quality": quality, "differ": "none", "link": "#node-embeddings-node2vec-vs-pecanpy",
        })  # fmt: skip
    return out


def _mean_std(xs: list[float]) -> str:
    import statistics

    return f"{statistics.mean(xs):.4f} ± {statistics.pstdev(xs):.4f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pecanpy-python", default=os.environ.get("PECANPY_PYTHON", "/tmp/pecanpy/bin/python"),
                    help="The Python of an environment with pecanpy installed.")  # fmt: skip
    ap.add_argument("--graphs", nargs="+", default=list(GRAPHS), choices=list(GRAPHS))
    section_args(ap, RESULTS / "graph.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
