"""GloVe: embedlab against the GloVe C tool, measured in the same run on the same token file.

    .venv/bin/python benchmarks/glove.py --update BENCHMARKS.md

For each corpus (default: both parts of the English Wikipedia sample), the text is tokenized
once into a token file (as benchmarks/word2vec_vs_gensim.py does). The GloVe C tool is built
from ../shared/peers/glove-c in a scratch copy and runs its four steps on that file —
``vocab_count -min-count 5``, ``cooccur -window-size 10 -memory 1.0``, ``shuffle -memory 1.0``,
``glove -vector-size 100 -iter 15 -x-max 100 -alpha 0.75 -eta 0.05 -model 2 -threads 2`` —
each timed; its vectors are read back and scored by embedlab's evaluators. embedlab runs in a
fresh process with no cached encoding and the same settings (dim 100, window 10, min_count 5,
x_max 100, 15 epochs, W + W̃, 2 threads, co-occurrence memory 1 GB): end to end = reading +
vocabulary + co-occurrence + training. A second embedlab run on the same counts gives x_max = 10.
Peak memory: the largest step's max RSS for the C tool, the process's VmHWM for embedlab.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    RESULTS,
    SHARED,
    cold_numba_env,
    make_token_file,
    measure_and_render,
    run_child,
    section_args,
    versions,
)
from _splits import english_halves

HERE = Path(__file__).resolve().parent

CORPORA = {name: SHARED / "data" / "text" / f"en_wiki_early_{name}.txt.xz" for name in ("a", "b")}
PEER = SHARED / "peers" / "glove-c"
MARK_BEGIN = "<!-- glove:begin -->"
MARK_END = "<!-- glove:end -->"
#: embedlab runs on one count: the C tool's bias rule (the like-for-like run, first), the same in double
#: precision (the C tool's), the default (the GloVe paper's rule), and x_max = 10 with the C tool's rule
CONFIGS = [{"x_max": 100.0, "bias_eta": 1.0, "precision": "float32"},
           {"x_max": 100.0, "bias_eta": 1.0, "precision": "float64"},
           {"x_max": 100.0, "bias_eta": None, "precision": "float32"},
           {"x_max": 10.0, "bias_eta": 1.0, "precision": "float32"}]  # fmt: skip
SETTINGS = {"dim": 100, "window": 10, "min_count": 5, "epochs": 15, "x_max": 100.0, "alpha": 0.75, "eta": 0.05,
            "threads": 2, "memory_gb": 1.0}  # fmt: skip

EMBEDLAB = r"""
import json, os, sys, time
spec = json.loads(sys.argv[1])
s = spec["settings"]
sys.path.insert(0, spec["bench_dir"])
from embedlab import evaluate_analogies, evaluate_word_pairs
from embedlab.io import save
from embedlab.train.glove import GloVe
from embedlab.vocab.build import build_corpus
from embedlab.vocab.cooccur import count_cooccurrences
from _splits import half_scores

def hwm():
    return int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]) / 1024

def quality(kv):
    return {"analogy": evaluate_analogies(kv)["accuracy"], "ws353": evaluate_word_pairs(kv, "wordsim353")["spearman"],
            "simlex": evaluate_word_pairs(kv, "simlex999")["spearman"], "vocab_size": len(kv),
            **half_scores(kv, spec["halves"])}

t0 = time.perf_counter()
corpus = build_corpus(spec["tokens"], tokenizer="whitespace", min_count=s["min_count"], cache_dir=False)
t1 = time.perf_counter()
X = count_cooccurrences(corpus, window=s["window"], memory_mb=int(1024 * s["memory_gb"]), progress=False)
t2 = time.perf_counter()
rows = []
for cfg in spec["configs"]:
    g = GloVe(dim=s["dim"], window=s["window"], min_count=s["min_count"], epochs=s["epochs"], x_max=cfg["x_max"],
              alpha=s["alpha"], eta=s["eta"], bias_eta=cfg["bias_eta"], precision=cfg["precision"],
              threads=s["threads"])
    t3 = time.perf_counter()
    kv = g.fit_cooccurrence(X, progress=False)
    t4 = time.perf_counter()
    save(kv, spec["out"], format="glove")  # the C tool writes its vectors as text too, inside its timed step
    t5 = time.perf_counter()
    os.remove(spec["out"])
    rows.append({**cfg, "vocab_seconds": t1 - t0, "cooccur_seconds": t2 - t1, "train_seconds": t4 - t3,
                 "save_seconds": t5 - t4, "epoch_seconds": (t4 - t3) / s["epochs"],
                 "total_seconds": (t2 - t0) + (t5 - t3), "nnz": X.nnz, "spills": X.stats["spills"],
                 "peak_rss_mb": hwm(), "final_loss": g.report.losses[-1], **quality(kv)})
    del kv, g
print(json.dumps(rows))
"""

C_TOOL = r"""
import json, resource, subprocess, sys, time
spec = json.loads(sys.argv[1])
s, b, d, tokens = spec["settings"], spec["bin"], spec["dir"], spec["tokens"]
steps = [
    ("vocab_count", f"{b}/vocab_count -min-count {s['min_count']} -verbose 0 < {tokens} > {d}/vocab.txt"),
    ("cooccur", f"{b}/cooccur -memory {s['memory_gb']} -vocab-file {d}/vocab.txt -verbose 0 -window-size "
                f"{s['window']} -overflow-file {d}/overflow < {tokens} > {d}/cooccurrence.bin"),
    ("shuffle", f"{b}/shuffle -memory {s['memory_gb']} -verbose 0 -temp-file {d}/shuffle "
                f"< {d}/cooccurrence.bin > {d}/cooccurrence.shuf.bin"),
    ("glove", f"{b}/glove -save-file {d}/vectors -threads {s['threads']} -input-file {d}/cooccurrence.shuf.bin "
              f"-x-max {s['x_max']} -alpha {s['alpha']} -eta {s['eta']} -iter {s['epochs']} -vector-size {s['dim']} "
              f"-binary 0 -model 2 -vocab-file {d}/vocab.txt -verbose 0 -seed 1"),
]
out = {}
for name, cmd in steps:
    t0 = time.perf_counter()
    subprocess.run(cmd, shell=True, check=True)
    out[name + "_seconds"] = time.perf_counter() - t0
out["total_seconds"] = sum(out.values())
out["epoch_seconds"] = out["glove_seconds"] / s["epochs"]
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""

EVAL = r"""
import json, sys
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["bench_dir"])
from embedlab import evaluate_analogies, evaluate_word_pairs, load
from _splits import half_scores
kv = load(spec["vectors"], format="glove")
print(json.dumps({"analogy": evaluate_analogies(kv)["accuracy"],
                  "ws353": evaluate_word_pairs(kv, "wordsim353")["spearman"],
                  "simlex": evaluate_word_pairs(kv, "simlex999")["spearman"], "vocab_size": len(kv),
                  **half_scores(kv, spec["halves"])}))
"""


def build_peer(scratch: Path) -> Path:
    """Build the GloVe C tool from its source in a scratch copy; return the folder of its binaries."""
    src = scratch / "glove-c"
    shutil.copytree(PEER, src)
    subprocess.run(["make", "-C", str(src)], check=True, capture_output=True)
    return src / "build"


def run_corpus(name: str, corpus: Path, bin_dir: Path, tmp: Path, halves: dict) -> dict:
    tokens = tmp / f"tokens_{name}.txt"
    n_tokens, _ = make_token_file(corpus, tokens)
    work = tmp / f"c_{name}"
    work.mkdir()
    c = run_child(C_TOOL, {"settings": SETTINGS, "bin": str(bin_dir), "dir": str(work), "tokens": str(tokens)})
    c.update(run_child(EVAL, {"vectors": str(work / "vectors.txt"), "halves": halves, "bench_dir": str(HERE)}))
    print(f"[{name}] C tool: {json.dumps(c)}", file=sys.stderr, flush=True)
    for f in work.iterdir():  # free the disk before the next run
        f.unlink()
    spec = {"settings": SETTINGS, "tokens": str(tokens), "halves": halves, "bench_dir": str(HERE),
            "out": str(tmp / "embedlab-vectors.txt")}  # fmt: skip
    # the like-for-like run first, alone in a process with an empty compile cache (a first run on a new
    # machine), then every configuration with the cache filled
    cold = run_child(EMBEDLAB, {**spec, "configs": CONFIGS[:1]}, cold_numba_env(tmp / f"numba-{name}"))[0]
    ours = run_child(EMBEDLAB, {**spec, "configs": CONFIGS}, cold_numba_env(tmp / f"numba-{name}"))
    print(f"[{name}] embedlab: cold {json.dumps(cold)}, warm {json.dumps(ours)}", file=sys.stderr, flush=True)
    tokens.unlink()
    same, double = ours[0], ours[1]  # the C tool's update rule: the like-for-like runs
    return {
        "corpus": corpus.name, "tokens": n_tokens, "c_tool": c, "embedlab": ours, "embedlab_cold": cold,
        "ratio_total": c["total_seconds"] / same["total_seconds"],
        "ratio_total_cold": c["total_seconds"] / cold["total_seconds"],
        "ratio_total_float64": c["total_seconds"] / double["total_seconds"],
        "ratio_epoch": c["epoch_seconds"] / same["epoch_seconds"],
        "ratio_epoch_float64": c["epoch_seconds"] / double["epoch_seconds"],
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", nargs="+", default=["a", "b"], choices=sorted(CORPORA))
    section_args(ap, RESULTS / "glove.json")
    args = ap.parse_args()
    missing = [str(p) for p in [PEER, *(CORPORA[c] for c in args.corpora)] if not p.exists()]
    if missing and not args.render:
        sys.exit(f"not found: {', '.join(missing)} (the shared folder beside the checkout)")
    measure_and_render(args, lambda: measure(args.corpora), markdown, MARK_BEGIN, MARK_END)


def measure(corpora: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="glove-bench-") as tmpdir:
        tmp = Path(tmpdir)
        bin_dir = build_peer(tmp)
        halves = english_halves(tmp)
        runs = [run_corpus(c, CORPORA[c], bin_dir, tmp, halves) for c in corpora]
    return {"settings": SETTINGS, "runs": runs, "versions": versions("numpy", "numba"),
            "peer": "GloVe C tool, ../shared/peers/glove-c (stanfordnlp/GloVe 52f7dbc), gcc -O3 -march=native",
            "date": time.strftime("%Y-%m-%d")}  # fmt: skip


def _label(cfg: dict) -> str:
    rule = "C tool's bias rule, bias_eta 1" if cfg["bias_eta"] == 1.0 else "default: bias_eta = eta"
    extra = f", x_max {cfg['x_max']:.0f}" if cfg["x_max"] != 100.0 else ""
    return f"embedlab ({rule}{extra}, {cfg['precision']})"


def markdown(res: dict) -> str:
    s = res["settings"]
    lines = [
        f"dim {s['dim']}, window {s['window']}, min_count {s['min_count']}, x_max {s['x_max']:.0f} unless said, "
        f"{s['epochs']} epochs, W + W̃, {s['threads']} threads, {s['memory_gb']:.0f} GB for counting, both tools in "
        f"the same run, {res['date']}, commit `{res.get('run', {}).get('commit', '?')[:10]}`. Peer: {res['peer']}. "
        "End to end includes writing the vectors as GloVe text on both sides. embedlab's rows after the first "
        "reuse its counts (train and save seconds only).",
        "",
        "| corpus | tool | end to end s | co-occurrence s | shuffle s | s / epoch | peak RSS MB | analogy 30k "
        "| WS353 | SimLex |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["runs"]:
        c, same, cold = r["c_tool"], r["embedlab"][0], r["embedlab_cold"]
        name = f"{r['corpus']} ({r['tokens'] / 1e6:.1f}M tokens)"
        lines.append(
            f"| {name} | GloVe C tool (double) | {c['total_seconds']:.0f} | {c['cooccur_seconds']:.1f} | "
            f"{c['shuffle_seconds']:.1f} | {c['epoch_seconds']:.1f} | {c['peak_rss_mb']:,.0f} | {c['analogy']:.4f} | "
            f"{c['ws353']:.4f} | {c['simlex']:.4f} |"
        )
        lines.append(f"| | {_label(cold)}, cold (empty compile cache) | {cold['total_seconds']:.0f} | "
                     f"{cold['cooccur_seconds']:.1f} | — | {cold['epoch_seconds']:.1f} | {cold['peak_rss_mb']:,.0f} | "
                     f"{cold['analogy']:.4f} | {cold['ws353']:.4f} | {cold['simlex']:.4f} |")  # fmt: skip
        for k, e in enumerate(r["embedlab"]):
            total = f"{e['total_seconds']:.0f}" if k == 0 else f"({e['train_seconds'] + e['save_seconds']:.0f})"
            cooc = f"{e['cooccur_seconds']:.1f}" if k == 0 else ""
            lines.append(
                f"| | {_label(e)} | {total} | {cooc} | — | {e['epoch_seconds']:.1f} | {e['peak_rss_mb']:,.0f} | "
                f"{e['analogy']:.4f} | {e['ws353']:.4f} | {e['simlex']:.4f} |"
            )
        double = r["embedlab"][1]
        lines.append(
            f"| | **C tool / embedlab, float32** (same rule) | **{r['ratio_total']:.2f}x** (cold "
            f"{r['ratio_total_cold']:.2f}x) | | | **{r['ratio_epoch']:.2f}x** | | "
            f"{same['analogy'] - c['analogy']:+.4f} | {same['ws353'] - c['ws353']:+.4f} | "
            f"{same['simlex'] - c['simlex']:+.4f} |"
        )
        lines.append(
            f"| | **C tool / embedlab, float64** (same rule, same precision) | **{r['ratio_total_float64']:.2f}x** "
            f"| | | **{r['ratio_epoch_float64']:.2f}x** | | {double['analogy'] - c['analogy']:+.4f} | "
            f"{double['ws353'] - c['ws353']:+.4f} | {double['simlex'] - c['simlex']:+.4f} |"
        )
    lines += ["", "Mean of the dev-half scores (analogy, WS353, SimLex; benchmarks/splits), the numbers the "
              "recommendations below are made on:", "", "| corpus | C tool | " +
              " | ".join(_label(e).removeprefix("embedlab ") for e in res["runs"][0]["embedlab"]) + " |",
              "|---|---:|" + "---:|" * len(res["runs"][0]["embedlab"])]  # fmt: skip
    for r in res["runs"]:
        lines.append(f"| {r['corpus']} | {r['c_tool']['dev_mean']:.4f} | "
                     + " | ".join(f"{e['dev_mean']:.4f}" for e in r["embedlab"]) + " |")  # fmt: skip
    return "\n".join(lines)


def summary_rows(res: dict) -> list[dict]:
    out = []
    for r in res["runs"]:
        c = r["c_tool"]
        part = r["corpus"].split(".")[0]
        for k in (0, 1):  # float32, then float64
            e = r["embedlab"][k]
            ratio = f"{r['ratio_total' + ('' if k == 0 else '_float64')]:.2f}x"
            if k == 0:
                ratio += f" warm, {r['ratio_total_cold']:.2f}x cold"
            out.append({
                "task": f"GloVe, end to end incl. saving ({part}, {r['tokens'] / 1e6:.1f}M tokens)",
                "peer": "GloVe C tool", "ratio": ratio,
                "quality": f"analogy {e['analogy'] - c['analogy']:+.4f}, WS353 {e['ws353'] - c['ws353']:+.4f}, "
                           f"SimLex {e['simlex'] - c['simlex']:+.4f}",
                "differ": "precision: embedlab float32, C tool double" if k == 0 else "none (both double)",
                "link": "#glove-vs-the-glove-c-tool",
            })  # fmt: skip
    return out


if __name__ == "__main__":
    main()
