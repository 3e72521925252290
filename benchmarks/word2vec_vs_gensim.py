"""Word2Vec: embedlab against gensim (corpus_file mode) on the same token file, same machine, one run.

    python benchmarks/word2vec_vs_gensim.py                      # en_wiki_early_a, skip-gram and CBOW
    python benchmarks/word2vec_vs_gensim.py --repeats 2 --update BENCHMARKS.md

The corpus (../shared/data/text/en_wiki_early_a.txt.xz) is tokenized once with
embedlab's default tokenizer (WikiExtractor tags dropped, lowercased) into a token file
that both tools train on; embedlab reads it with the whitespace tokenizer, as gensim
does. Every run is a fresh subprocess (peak RSS is its own) and starts with no cached
encoding, so "end to end" includes reading the file and building the vocabulary for
both tools. embedlab's numba kernels are compiled once beforehand (compiled code is
cached on disk, as it is for a user from the second run on); the compile time is reported.

Settings: dim 100, window 5, negative 5, sample 1e-4, min_count 5, 5 epochs, 2 threads.
words/s = tokens in the file x epochs / seconds (the same numerator for both tools).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_CORPUS, HERE, make_token_file, run_child, update_section

SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "threads": 2}
MARK_BEGIN = "<!-- word2vec_vs_gensim:begin -->"
MARK_END = "<!-- word2vec_vs_gensim:end -->"

CHILD = r"""
import json, sys, tempfile, time
spec = json.loads(sys.argv[1])
s = spec["settings"]
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
                       seed=spec["seed"])
        kv = w2v.fit(corpus, progress=False)
        t2 = time.perf_counter()
    out["vocab_seconds"] = t1 - t0
    out["train_seconds"] = t2 - t1
    out["loss_per_epoch"] = w2v.report.losses
else:
    from gensim.models import Word2Vec
    t0 = time.perf_counter()
    m = Word2Vec(vector_size=s["dim"], window=s["window"], negative=s["negative"], sample=s["sample"],
                 min_count=s["min_count"], workers=s["threads"], sg=int(spec["arch"] == "skipgram"), seed=spec["seed"])
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
if spec["tool"] == "gensim":
    kv = KeyedVectors(words, vectors)
out["vocab_size"] = len(kv)
out["analogy"] = evaluate_analogies(kv, restrict_vocab=30000)["accuracy"]
out["ws353"] = evaluate_word_pairs(kv, "wordsim353")["spearman"]
out["simlex"] = evaluate_word_pairs(kv, "simlex999")["spearman"]
print(json.dumps(out))
"""


def warm_up(tmp: Path) -> float:
    """Compile embedlab's kernels once (numba caches them on disk)."""
    small = tmp / "warm.txt"
    small.write_text("a b c d e f g\n" * 200)
    code = (
        "import embedlab,sys\n"
        "for arch in ('skipgram','cbow'):\n"
        "    w2v = embedlab.Word2Vec(arch=arch, dim=8, min_count=1, epochs=1, threads=1)\n"
        "    w2v.fit(sys.argv[1], tokenizer='whitespace', cache_dir=False, progress=False)\n"
    )
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(small)], check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--archs", nargs="+", default=["skipgram", "cbow"])
    ap.add_argument("--repeats", type=int, default=1, help="runs per tool and arch (seeds 1..N); means are reported")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "word2vec_vs_gensim.json")
    ap.add_argument("--update", type=Path, help="replace the results section of this markdown file")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus} (the shared data folder beside the checkout)")
    import gensim

    with tempfile.TemporaryDirectory(prefix="w2v-bench-") as tmpdir:
        tmp = Path(tmpdir)
        tokens = tmp / "tokens.txt"
        n_tokens, tok_seconds = make_token_file(args.corpus, tokens)
        print(f"token file: {n_tokens:,} tokens ({tok_seconds:.1f} s)", file=sys.stderr)
        compile_seconds = warm_up(tmp)
        runs: dict[str, dict[str, list[dict]]] = {}
        for arch in args.archs:
            for seed in range(1, args.repeats + 1):
                for tool in ("embedlab", "gensim"):  # alternate so drift in machine speed hits both
                    spec = {"tool": tool, "arch": arch, "seed": seed, "tokens": str(tokens), "settings": SETTINGS}
                    res = run_child(CHILD, spec)
                    runs.setdefault(arch, {}).setdefault(tool, []).append(res)
                    print(f"{arch:8s} {tool:8s} seed {seed}: {json.dumps(res)}", file=sys.stderr)
    summary = summarize(runs, n_tokens)
    meta = {
        "corpus": str(args.corpus.name),
        "tokens": n_tokens,
        "settings": SETTINGS,
        "repeats": args.repeats,
        "gensim": gensim.__version__,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "embedlab_compile_seconds": round(compile_seconds, 1),
        "date": time.strftime("%Y-%m-%d"),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "summary": summary, "runs": runs}, indent=2))
    md = markdown(meta, summary)
    print(md)
    if args.update:
        update_section(args.update, MARK_BEGIN, MARK_END, md)


def summarize(runs: dict, n_tokens: int) -> dict:
    out = {}
    epochs = SETTINGS["epochs"]
    for arch, tools in runs.items():
        row = {}
        for tool, rs in tools.items():
            mean = {k: statistics.mean(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], (int, float))}
            mean["words_per_sec_e2e"] = n_tokens * epochs / mean["total_seconds"]
            mean["words_per_sec_train"] = n_tokens * epochs / mean["train_seconds"]
            mean["analogy_runs"] = [r["analogy"] for r in rs]
            row[tool] = mean
        e, g = row["embedlab"], row["gensim"]
        row["ratio_e2e"] = g["total_seconds"] / e["total_seconds"]
        row["ratio_train"] = g["train_seconds"] / e["train_seconds"]
        out[arch] = row
    return out


def markdown(meta: dict, summary: dict) -> str:
    lines = [
        f"Corpus {meta['corpus']} ({meta['tokens']:,} tokens), settings {json.dumps(meta['settings'])}, "
        f"gensim {meta['gensim']} (corpus_file), Python {meta['python']}, {meta['cpu_count']} cores, "
        f"{meta['repeats']} run(s) per row (means), {meta['date']}. embedlab kernels compiled beforehand "
        f"({meta['embedlab_compile_seconds']} s, once per machine).",
        "",
        "| arch | tool | end to end s | words/s e2e | train s | words/s train | vocab s | peak RSS MB "
        "| analogy 30k | WS353 | SimLex |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for arch, row in summary.items():
        for tool in ("embedlab", "gensim"):
            r = row[tool]
            lines.append(
                f"| {arch} | {tool} | {r['total_seconds']:.1f} | {r['words_per_sec_e2e']:,.0f} | "
                f"{r['train_seconds']:.1f} | {r['words_per_sec_train']:,.0f} | {r['vocab_seconds']:.1f} | "
                f"{r['peak_rss_mb']:,.0f} | {r['analogy']:.4f} | {r['ws353']:.4f} | {r['simlex']:.4f} |"
            )
        lines.append(
            f"| {arch} | **ratio** | **{row['ratio_e2e']:.2f}x** | | **{row['ratio_train']:.2f}x** | | | | "
            f"{row['embedlab']['analogy'] - row['gensim']['analogy']:+.4f} | "
            f"{row['embedlab']['ws353'] - row['gensim']['ws353']:+.4f} | "
            f"{row['embedlab']['simlex'] - row['gensim']['simlex']:+.4f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
