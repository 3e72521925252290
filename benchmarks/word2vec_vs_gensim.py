"""Word2Vec: embedlab against gensim (corpus_file mode) on the same token file, same machine, one run.

    python benchmarks/word2vec_vs_gensim.py --repeats 3 --update BENCHMARKS.md

The corpus (../shared/data/text/en_wiki_early_a.txt.xz) is tokenized once with embedlab's default
tokenizer (WikiExtractor tags dropped, lowercased) into a token file that both tools train on;
embedlab reads it with the whitespace tokenizer, as gensim does. Every run is a fresh subprocess
(peak RSS is its own) and starts with no cached encoding, so "end to end" includes reading the file
and building the vocabulary for both tools.

Learning rates are set explicitly and equal on both sides: skip-gram 0.025 (both tools' default);
CBOW at 0.025 (gensim's default) and at 0.05 (word2vec.c's CBOW default, and embedlab's), both tools
at each. Which CBOW rate embedlab keeps as its default is decided by the mean of the dev-half scores
(benchmarks/splits: a fixed half of the Google analogies, WordSim-353 and SimLex-999), never by the
full sets the table reports.

Compiled code: numba compiles embedlab's kernels on a machine's first run and caches them on disk.
Each architecture has one *cold* run (an empty NUMBA_CACHE_DIR: what a fresh install pays) beside
the *warm* runs (the cache filled), and the compile of every kernel a run uses is timed apart (cold)
beside loading them from the cache (warm). gensim's Cython is compiled at install time.

Settings: dim 100, window 5, negative 5, sample 1e-4, min_count 5, 5 epochs, 2 threads.
words/s = tokens in the file x epochs / seconds (the same numerator for both tools).
The raw-text path: building embedlab's encoded corpus from the compressed Wikipedia text itself
(Unicode tokenizer, WikiExtractor tags dropped), beside the token-file path the table times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import DEFAULT_CORPUS, RESULTS, cold_numba_env, make_token_file, measure_and_render, section_args  # noqa: E402
from _splits import english_halves  # noqa: E402

SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "threads": 2}
#: (arch, learning rate) runs: both tools at each
CASES = [("skipgram", 0.025), ("cbow", 0.025), ("cbow", 0.05)]
MARK_BEGIN = "<!-- word2vec_vs_gensim:begin -->"
MARK_END = "<!-- word2vec_vs_gensim:end -->"

CHILD = r"""
import json, sys, tempfile, time
spec = json.loads(sys.argv[1])
s = spec["settings"]
sys.path.insert(0, spec["bench_dir"])
out = {}
if spec["tool"] == "embedlab":
    from embedlab import Word2Vec
    from embedlab.vocab.build import build_corpus
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        corpus = build_corpus(spec["tokens"], tokenizer="whitespace", min_count=s["min_count"], cache_dir=cache)
        t1 = time.perf_counter()
        w2v = Word2Vec(arch=spec["arch"], dim=s["dim"], window=s["window"], negative=s["negative"],
                       sample=s["sample"], min_count=s["min_count"], epochs=s["epochs"], threads=s["threads"],
                       alpha=spec["alpha"], seed=spec["seed"])
        kv = w2v.fit(corpus, progress=False)
        t2 = time.perf_counter()
    out["vocab_seconds"] = t1 - t0
    out["train_seconds"] = t2 - t1
    out["loss_per_epoch"] = w2v.report.losses
else:
    from gensim.models import Word2Vec
    t0 = time.perf_counter()
    m = Word2Vec(vector_size=s["dim"], window=s["window"], negative=s["negative"], sample=s["sample"],
                 min_count=s["min_count"], workers=s["threads"], sg=int(spec["arch"] == "skipgram"),
                 alpha=spec["alpha"], seed=spec["seed"])
    m.build_vocab(corpus_file=spec["tokens"])
    t1 = time.perf_counter()
    m.train(corpus_file=spec["tokens"], total_words=m.corpus_total_words, total_examples=m.corpus_count,
            epochs=s["epochs"])
    t2 = time.perf_counter()
    words, vectors = list(m.wv.index_to_key), m.wv.vectors
    out["vocab_seconds"] = t1 - t0
    out["train_seconds"] = t2 - t1
out["total_seconds"] = out["vocab_seconds"] + out["train_seconds"]
# VmHWM is this process's own high-water mark (ru_maxrss would carry the parent's over fork + exec);
# read before evaluation so it covers reading, vocabulary and training only
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
out["peak_rss_mb"] = int(hwm.split()[1]) / 1024
from embedlab import KeyedVectors, evaluate_analogies, evaluate_word_pairs
from _splits import half_scores
if spec["tool"] == "gensim":
    kv = KeyedVectors(words, vectors)
out["vocab_size"] = len(kv)
out["analogy"] = evaluate_analogies(kv, restrict_vocab=30000)["accuracy"]
out["ws353"] = evaluate_word_pairs(kv, "wordsim353")["spearman"]
out["simlex"] = evaluate_word_pairs(kv, "simlex999")["spearman"]
out.update(half_scores(kv, spec["halves"]))
print(json.dumps(out))
"""

#: compiles (cold) or loads (warm) every kernel a Word2Vec run uses, on a tiny corpus
WARM = r"""
import sys, tempfile, time
t0 = time.perf_counter()
import embedlab
from embedlab.vocab.build import build_corpus
with tempfile.TemporaryDirectory() as cache:  # the path the runs take: an encoded corpus read from its cache
    corpus = build_corpus(sys.argv[1], tokenizer="whitespace", min_count=1, cache_dir=cache)
    for arch in ("skipgram", "cbow"):
        embedlab.Word2Vec(arch=arch, dim=8, min_count=1, epochs=1, threads=2).fit(corpus, progress=False)
print(time.perf_counter() - t0)
"""

RAW = r"""
import json, sys, tempfile, time
from embedlab.vocab.build import build_corpus
t0 = time.perf_counter()
with tempfile.TemporaryDirectory() as cache:
    corpus = build_corpus(sys.argv[1], min_count=5, skip_doc_tags=True, cache_dir=cache)
    print(json.dumps({"seconds": time.perf_counter() - t0, "tokens": int(corpus.n_tokens)}))
"""


def _run(code: str, spec: Any, env: dict[str, str]) -> Any:
    proc = subprocess.run([sys.executable, "-c", code, spec if isinstance(spec, str) else json.dumps(spec)],
                          capture_output=True, text=True, env=env)  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import gensim

    with tempfile.TemporaryDirectory(prefix="w2v-bench-") as tmpdir:
        tmp = Path(tmpdir)
        tokens = tmp / "tokens.txt"
        n_tokens, tok_seconds = make_token_file(args.corpus, tokens)
        print(f"token file: {n_tokens:,} tokens ({tok_seconds:.1f} s)", file=sys.stderr)
        halves = english_halves(tmp)
        small = tmp / "warm.txt"
        small.write_text("a b c d e f g\n" * 200)
        warm_env = cold_numba_env(tmp / "numba-warm")
        compile_cold = _run(WARM, str(small), warm_env)  # fills the warm cache
        compile_warm = _run(WARM, str(small), warm_env)
        raw = _run(RAW, str(args.corpus), warm_env)
        runs: dict[str, dict[str, list[dict]]] = {}
        cold: dict[str, dict] = {}
        for arch, alpha in CASES:
            case = f"{arch} {alpha:g}"
            base = {"arch": arch, "alpha": alpha, "tokens": str(tokens), "settings": SETTINGS, "halves": halves,
                    "bench_dir": str(HERE)}  # fmt: skip
            env = cold_numba_env(tmp / f"numba-cold-{arch}-{alpha:g}")  # empty: a first run on a new machine
            cold[case] = _run(CHILD, {**base, "tool": "embedlab", "seed": 1}, env)
            print(f"{case:14s} embedlab cold: {json.dumps(cold[case])}", file=sys.stderr, flush=True)
            for seed in range(1, args.repeats + 1):
                for tool in ("embedlab", "gensim"):  # alternate so drift in machine speed hits both
                    res = _run(CHILD, {**base, "tool": tool, "seed": seed}, warm_env)
                    runs.setdefault(case, {}).setdefault(tool, []).append(res)
                    print(f"{case:14s} {tool:8s} seed {seed}: {json.dumps(res)}", file=sys.stderr, flush=True)
    return {
        "meta": {
            "corpus": str(args.corpus.name), "tokens": n_tokens, "settings": SETTINGS, "repeats": args.repeats,
            "gensim": gensim.__version__, "python": platform.python_version(), "cpu_count": os.cpu_count(),
            "compile_cold_seconds": compile_cold, "compile_warm_seconds": compile_warm,
            "raw_text_encode": raw, "date": time.strftime("%Y-%m-%d"),
        },
        "summary": summarize(runs, cold, n_tokens),
        "runs": runs,
    }  # fmt: skip


def summarize(runs: dict, cold: dict, n_tokens: int) -> dict:
    out = {}
    epochs = SETTINGS["epochs"]
    for case, tools in runs.items():
        row: dict[str, Any] = {}
        for tool, rs in tools.items():
            mean = {k: statistics.mean(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], (int, float))}
            mean["words_per_sec_e2e"] = n_tokens * epochs / mean["total_seconds"]
            mean["words_per_sec_train"] = n_tokens * epochs / mean["train_seconds"]
            mean["analogy_runs"] = [r["analogy"] for r in rs]
            row[tool] = mean
        e, g = row["embedlab"], row["gensim"]
        row["embedlab_cold"] = {k: v for k, v in cold[case].items() if isinstance(v, (int, float))}
        row["ratio_e2e"] = g["total_seconds"] / e["total_seconds"]
        row["ratio_e2e_cold"] = g["total_seconds"] / row["embedlab_cold"]["total_seconds"]
        row["ratio_train"] = g["train_seconds"] / e["train_seconds"]
        out[case] = row
    return out


def cbow_default(res: dict) -> tuple[float, dict[float, float]]:
    """The CBOW rate with embedlab's best mean dev-half score, and every rate's score."""
    dev = {float(case.split()[1]): row["embedlab"]["dev_mean"] for case, row in res["summary"].items()
           if case.startswith("cbow")}  # fmt: skip
    return max(dev, key=lambda a: dev[a]), dev


def markdown(res: dict) -> str:
    meta, summary = res["meta"], res["summary"]
    run = res.get("run", {})
    lines = [
        f"Corpus {meta['corpus']} ({meta['tokens']:,} tokens), settings {json.dumps(meta['settings'])}, "
        f"gensim {meta['gensim']} (corpus_file), Python {meta['python']}, {meta['cpu_count']} cores, "
        f"{meta['repeats']} warm run(s) per row (seeds 1–{meta['repeats']}, means), {meta['date']}, commit "
        f"`{run.get('commit', '?')[:10]}`. The learning rate (lr) is set on both sides.",
        "",
        "| arch, lr | tool | end to end s | words/s e2e | train s | words/s train | vocab s | peak RSS MB "
        "| analogy 30k | WS353 | SimLex |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, row in summary.items():
        for tool in ("embedlab", "gensim"):
            r = row[tool]
            lines.append(
                f"| {case} | {tool} | {r['total_seconds']:.1f} | {r['words_per_sec_e2e']:,.0f} | "
                f"{r['train_seconds']:.1f} | {r['words_per_sec_train']:,.0f} | {r['vocab_seconds']:.1f} | "
                f"{r['peak_rss_mb']:,.0f} | {r['analogy']:.4f} | {r['ws353']:.4f} | {r['simlex']:.4f} |"
            )
        c = row["embedlab_cold"]
        lines.append(
            f"| {case} | embedlab, cold (empty compile cache, seed 1) | {c['total_seconds']:.1f} | | "
            f"{c['train_seconds']:.1f} | | {c['vocab_seconds']:.1f} | {c['peak_rss_mb']:,.0f} | | | |"
        )
        e, g = row["embedlab"], row["gensim"]
        lines.append(
            f"| {case} | **gensim / embedlab** | **{row['ratio_e2e']:.2f}x** (cold {row['ratio_e2e_cold']:.2f}x) | "
            f"| **{row['ratio_train']:.2f}x** | | | | {e['analogy'] - g['analogy']:+.4f} | "
            f"{e['ws353'] - g['ws353']:+.4f} | {e['simlex'] - g['simlex']:+.4f} |"
        )
    best, dev = cbow_default(res)
    sg = summary.get("skipgram 0.025")
    lines += [
        "",
        "Reading the numbers:",
        "",
        f"- **Compiling.** A fresh install compiles the kernels a Word2Vec run uses in "
        f"{meta['compile_cold_seconds']:.1f} s on its first run; from the second run on they load from the "
        f"cache in {meta['compile_warm_seconds']:.1f} s. The cold rows above include that compile; the warm rows "
        "and the bold ratios do not (the ratio in brackets does).",
        f"- **Raw text.** Building the encoded corpus from the compressed Wikipedia text itself (Unicode "
        f"tokenizer, tags dropped; {meta['raw_text_encode']['tokens']:,} tokens) takes "
        f"{meta['raw_text_encode']['seconds']:.1f} s; the vocab column is the same step from the token file.",
        "- **CBOW's learning rate.** Mean of the dev-half scores (analogy, WS353, SimLex) for embedlab: "
        + ", ".join(f"lr {a:g}: {v:.4f}" for a, v in sorted(dev.items()))
        + f". embedlab's CBOW default is **{best:g}**, the better on the dev halves"
        + (" (word2vec.c's CBOW default; gensim uses 0.025 for both architectures)." if best == 0.05 else "."),
    ]
    if sg:
        lines.append(
            f"- **Memory.** Peak RSS (warm): skip-gram {sg['embedlab']['peak_rss_mb']:,.0f} MB for embedlab, "
            f"{sg['gensim']['peak_rss_mb']:,.0f} MB for gensim."
        )
    return "\n".join(lines)


def summary_rows(res: dict) -> list[dict]:
    """Rows of BENCHMARKS.md's summary table."""
    rows = []
    for case, row in res["summary"].items():
        e, g = row["embedlab"], row["gensim"]
        rows.append({
            "task": f"Word2Vec {case.split()[0]}, end to end (16.6M tokens)", "peer": f"gensim {res['meta']['gensim']}",
            "ratio": f"{row['ratio_e2e']:.2f}x warm, {row['ratio_e2e_cold']:.2f}x cold",
            "quality": f"analogy {e['analogy'] - g['analogy']:+.4f}, WS353 {e['ws353'] - g['ws353']:+.4f}, "
                       f"SimLex {e['simlex'] - g['simlex']:+.4f}",
            "differ": f"none (lr {case.split()[1]} both)", "link": "#word2vec-vs-gensim",
        })  # fmt: skip
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeats", type=int, default=3, help="warm runs per tool and case (seeds 1..N); means reported")
    section_args(ap, RESULTS / "word2vec_vs_gensim.json")
    args = ap.parse_args()
    if not args.render and not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus} (the shared data folder beside the checkout)")
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
