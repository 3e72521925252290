"""GloVe on en_wiki_early_a: co-occurrence time, time per epoch, peak RSS and quality.

    python benchmarks/glove.py --update BENCHMARKS.md

The corpus is tokenized once as in benchmarks/word2vec_vs_gensim.py. The main run (dim
100, window 10, min_count 5, x_max 100, 15 epochs, 2 threads, W + W̃ output) is a fresh
process with no cached encoding: end to end = reading + vocabulary + co-occurrence +
training. A second process reuses one co-occurrence count to compare x_max = 10 and 30
epochs. The GloVe C tool is not installable here (no network beyond package registries);
its row holds the numbers measured with it on this machine with the same settings, as
recorded in the issue that asked for this benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import DEFAULT_CORPUS, make_token_file, run_child, update_section  # noqa: E402

MARK_BEGIN = "<!-- glove:begin -->"
MARK_END = "<!-- glove:end -->"
C_TOOL = {"total_seconds": 459.0, "cooccur_seconds": 15.0, "shuffle_seconds": 16.0, "epoch_seconds": 27.0,
          "analogy": 0.191, "ws353": 0.424, "simlex": 0.196}  # fmt: skip

CHILD = r"""
import json, sys, tempfile, time
spec = json.loads(sys.argv[1])
from embedlab.vocab.build import build_corpus
from embedlab import evaluate_analogies, evaluate_word_pairs
from embedlab.train.glove import GloVe
from embedlab.vocab.cooccur import count_cooccurrences

def hwm():
    return int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]) / 1024

def quality(kv):
    return {"analogy": evaluate_analogies(kv)["accuracy"], "ws353": evaluate_word_pairs(kv, "wordsim353")["spearman"],
            "simlex": evaluate_word_pairs(kv, "simlex999")["spearman"]}

results = []
t0 = time.perf_counter()
with tempfile.TemporaryDirectory() as cache:
    corpus = build_corpus(spec["tokens"], tokenizer="whitespace", min_count=5, cache_dir=cache)
    t1 = time.perf_counter()
    X = count_cooccurrences(corpus, window=10, memory_mb=1024, progress=False)
    t2 = time.perf_counter()
    for cfg in spec["configs"]:
        g = GloVe(dim=100, window=10, min_count=5, epochs=cfg["epochs"], x_max=cfg["x_max"], threads=2)
        t3 = time.perf_counter()
        kv = g.fit_cooccurrence(X, progress=False)
        t4 = time.perf_counter()
        row = {**cfg, "vocab_seconds": t1 - t0, "cooccur_seconds": t2 - t1, "train_seconds": t4 - t3,
               "epoch_seconds": (t4 - t3) / cfg["epochs"], "total_seconds": (t2 - t0) + (t4 - t3),
               "nnz": X.nnz, "spills": X.stats["spills"], "peak_rss_mb": hwm(), "vocab_size": len(kv),
               "final_loss": g.report.losses[-1]}
        row.update(quality(kv))
        results.append(row)
        del kv, g
print(json.dumps(results))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--json", type=Path, default=HERE / "results" / "glove.json")
    ap.add_argument("--update", type=Path)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus} (the shared data folder beside the checkout)")
    with tempfile.TemporaryDirectory(prefix="glove-bench-") as tmp:
        tokens = Path(tmp) / "tokens.txt"
        n_tokens, _ = make_token_file(args.corpus, tokens)
        main_run = run_child(CHILD, {"tokens": str(tokens), "configs": [{"x_max": 100.0, "epochs": 15}]})
        print(json.dumps(main_run), file=sys.stderr)
        variants = run_child(
            CHILD,
            {
                "tokens": str(tokens),
                "configs": [
                    {"x_max": 10.0, "epochs": 15},
                    {"x_max": 100.0, "epochs": 30},
                    {"x_max": 10.0, "epochs": 30},
                ],
            },
        )
        print(json.dumps(variants), file=sys.stderr)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"tokens": n_tokens, "main": main_run, "variants": variants, "c_tool": C_TOOL}, indent=2)
    )
    md = markdown(n_tokens, main_run[0], variants)
    print(md)
    if args.update:
        update_section(args.update, MARK_BEGIN, MARK_END, md)


def markdown(n_tokens: int, m: dict, variants: list[dict]) -> str:
    date = time.strftime("%Y-%m-%d")
    lines = [
        f"Corpus en_wiki_early_a ({n_tokens:,} tokens), dim 100, window 10, min_count 5, 2 threads, W + W̃, {date}.",
        "",
        "| tool | x_max | epochs | end to end s | co-occurrence s | s / epoch | peak RSS MB "
        "| analogy 30k | WS353 | SimLex |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| embedlab | 100 | 15 | {m['total_seconds']:.0f} | {m['cooccur_seconds']:.1f} | {m['epoch_seconds']:.1f} | "
        f"{m['peak_rss_mb']:,.0f} | {m['analogy']:.4f} | {m['ws353']:.4f} | {m['simlex']:.4f} |",
        f"| GloVe C tool (recorded) | 100 | 15 | {C_TOOL['total_seconds']:.0f} | {C_TOOL['cooccur_seconds']:.0f} "
        f"(+{C_TOOL['shuffle_seconds']:.0f} shuffle) | {C_TOOL['epoch_seconds']:.0f} | — | {C_TOOL['analogy']:.3f} | "
        f"{C_TOOL['ws353']:.3f} | {C_TOOL['simlex']:.3f} |",
        f"| **ratio** | | | **{C_TOOL['total_seconds'] / m['total_seconds']:.2f}x** | | "
        f"**{C_TOOL['epoch_seconds'] / m['epoch_seconds']:.2f}x** | | | | |",
        "",
        "Other settings on the same co-occurrence counts (embedlab):",
        "",
        "| x_max | epochs | train s | final loss | analogy 30k | WS353 | SimLex |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for v in [m, *variants]:
        lines.append(
            f"| {v['x_max']:.0f} | {v['epochs']} | {v['train_seconds']:.0f} | {v['final_loss']:.4f} | "
            f"{v['analogy']:.4f} | {v['ws353']:.4f} | {v['simlex']:.4f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
