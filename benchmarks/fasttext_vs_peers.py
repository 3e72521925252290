"""FastText skip-gram: embedlab against the fasttext package (C++) and gensim FastText, one run.

    python benchmarks/fasttext_vs_peers.py --update BENCHMARKS.md

Same token file and settings as benchmarks/word2vec_vs_gensim.py (en_wiki_early_a, dim 100,
window 5, negative 5, sample 1e-4, min_count 5, 5 epochs, 2 threads), skip-gram, n-grams
3..6 in 2,000,000 buckets, the same learning rate for every tool: 0.05 decaying linearly to 0
(fastText's default and embedlab's; gensim's default start is 0.025, so it is set). Every run is a fresh process
(peak RSS = its VmHWM after training). embedlab starts with no cached encoding (end to
end), once with an empty numba compile cache (cold: a fresh install's first run) and once with it filled
(warm); the fasttext package and gensim read the token file themselves. All three models
are scored by the same code: the peers' models are saved as fastText .bin and loaded
with embedlab (the tests check that this gives the package's own get_word_vector), so
Stanford Rare Words pairs with unseen words are answered from n-grams for every tool.
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
from _common import (  # noqa: E402
    DEFAULT_CORPUS,
    RESULTS,
    cold_numba_env,
    make_token_file,
    measure_and_render,
    run_child,
    section_args,
    versions,
)

MARK_BEGIN = "<!-- fasttext:begin -->"
MARK_END = "<!-- fasttext:end -->"
RW = HERE.parent.parent / "shared" / "data" / "word_eval" / "en" / "faruqui" / "EN-RW-STANFORD.txt"

CHILD = r"""
import json, sys, tempfile, time
spec = json.loads(sys.argv[1])
tokens, model_path = spec["tokens"], spec["model"]

def hwm():
    return int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]) / 1024

t0 = time.perf_counter()
if spec["tool"] == "embedlab":
    from embedlab.train.fasttext import FastText
    with tempfile.TemporaryDirectory() as cache:
        kv = FastText(arch="skipgram", dim=100, window=5, negative=5, sample=1e-4, min_count=5, epochs=5,
                      alpha=0.05, min_alpha=0.0, bucket=2000000, threads=2).fit(
            tokens, tokenizer="whitespace", cache_dir=cache, progress=False)
    seconds = time.perf_counter() - t0
    rss = hwm()
    kv.save(model_path, format="fasttext-bin")
elif spec["tool"] == "fasttext":
    import fasttext
    m = fasttext.train_unsupervised(tokens, model="skipgram", dim=100, ws=5, neg=5, t=1e-4, minCount=5, epoch=5,
                                    lr=0.05, thread=2, minn=3, maxn=6, bucket=2000000, verbose=0)
    seconds = time.perf_counter() - t0
    rss = hwm()
    m.save_model(model_path)
else:
    from gensim.models import FastText
    from gensim.models.fasttext import save_facebook_model
    m = FastText(corpus_file=tokens, sg=1, vector_size=100, window=5, negative=5, sample=1e-4, min_count=5,
                 epochs=5, workers=2, min_n=3, max_n=6, bucket=2000000, alpha=0.05, min_alpha=0.0)
    seconds = time.perf_counter() - t0
    rss = hwm()
    save_facebook_model(m, model_path)
print(json.dumps({"seconds": seconds, "peak_rss_mb": rss}))
"""

EVAL = r"""
import json, sys
import embedlab
spec = json.loads(sys.argv[1])
kv = embedlab.load(spec["model"])
out = {"vocab_size": len(kv),
       "analogy": embedlab.evaluate_analogies(kv, restrict_vocab=30000)["accuracy"],
       "ws353": embedlab.evaluate_word_pairs(kv, "wordsim353")["spearman"],
       "simlex": embedlab.evaluate_word_pairs(kv, "simlex999")["spearman"]}
rw = embedlab.evaluate_word_pairs(kv, spec["rw"], answer_oov=True)
out["rw"] = rw["spearman"]
out["rw_pairs"] = rw["pairs"]
print(json.dumps(out))
"""


def measure(args: argparse.Namespace) -> dict:
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ft-bench-") as tmp:
        tokens = Path(tmp) / "tokens.txt"
        n_tokens, _ = make_token_file(args.corpus, tokens)
        warm_env = cold_numba_env(Path(tmp) / "numba-warm")
        # embedlab first with an empty compile cache (a fresh install's first run), which fills the warm cache
        for tool, env in (("embedlab, cold", warm_env), ("embedlab", warm_env), ("fasttext", warm_env),
                          ("gensim", warm_env)):  # fmt: skip
            model = Path(tmp) / f"{tool.split(',')[0]}.bin"
            res = run_child(CHILD, {"tool": tool.split(",")[0], "tokens": str(tokens), "model": str(model)}, env)
            res.update(run_child(EVAL, {"model": str(model), "rw": str(RW)}))
            res["words_per_sec"] = n_tokens * 5 / res["seconds"]
            rows[tool] = res
            print(tool, json.dumps(res), file=sys.stderr, flush=True)
    return {"tokens": n_tokens, "rows": rows, "date": time.strftime("%Y-%m-%d"),
            "versions": versions("fasttext", "gensim", "numba")}  # fmt: skip


def _faster_peer(res: dict) -> str:
    return min(("fasttext", "gensim"), key=lambda t: res["rows"][t]["seconds"])


def markdown(res: dict) -> str:
    rows = res["rows"]
    peer = _faster_peer(res)
    faster = rows[peer]["seconds"]
    lines = [
        f"Corpus en_wiki_early_a ({res['tokens']:,} tokens), skip-gram, dim 100, window 5, negative 5, sample 1e-4, "
        f"min_count 5, 5 epochs, 2 threads, n-grams 3–6 in 2M buckets, learning rate 0.05 decaying to 0 for all "
        f"three, {res['date']}, commit `{res.get('run', {}).get('commit', '?')[:10]}`.",
        "",
        "| tool | seconds | words/s | faster peer's time / this | peak RSS MB | analogy 30k | WS353 | SimLex "
        "| RW (pairs) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, r in rows.items():
        label = "embedlab, cold (empty compile cache)" if tool == "embedlab, cold" else tool
        lines.append(
            f"| {label} | {r['seconds']:.0f} | {r['words_per_sec']:,.0f} | {faster / r['seconds']:.2f}x | "
            f"{r['peak_rss_mb']:,.0f} | {r['analogy']:.4f} | {r['ws353']:.4f} | {r['simlex']:.4f} | "
            f"{r['rw']:.4f} ({r['rw_pairs']}) |"
        )
    e, ft = rows["embedlab"], rows["fasttext"]
    lines += [
        "",
        f"Reading the numbers: embedlab trains {faster / e['seconds']:.2f}x as fast as the faster peer ({peer}) "
        f"warm and {faster / rows['embedlab, cold']['seconds']:.2f}x on a first run that compiles its kernels, and "
        f"{ft['seconds'] / e['seconds']:.2f}x as fast as the fasttext package. Against the fasttext package: "
        f"analogy {e['analogy'] - ft['analogy']:+.4f}, WS353 {e['ws353'] - ft['ws353']:+.4f}, SimLex "
        f"{e['simlex'] - ft['simlex']:+.4f}, RW {e['rw'] - ft['rw']:+.4f}. Peak RSS: embedlab "
        f"{e['peak_rss_mb']:,.0f} MB, fasttext {ft['peak_rss_mb']:,.0f} MB, gensim "
        f"{rows['gensim']['peak_rss_mb']:,.0f} MB.",
    ]
    return "\n".join(lines)


def summary_rows(res: dict) -> list[dict]:
    rows = res["rows"]
    e, cold = rows["embedlab"], rows["embedlab, cold"]
    out = []
    for peer in ("fasttext", "gensim"):
        p = rows[peer]
        out.append({
            "task": "FastText skip-gram, end to end (16.6M tokens)", "peer": f"{peer} {res['versions'][peer]}",
            "ratio": f"{p['seconds'] / e['seconds']:.2f}x warm, {p['seconds'] / cold['seconds']:.2f}x cold",
            "quality": f"WS353 {e['ws353'] - p['ws353']:+.4f}, SimLex {e['simlex'] - p['simlex']:+.4f}, "
                       f"RW {e['rw'] - p['rw']:+.4f}",
            "differ": "none (lr 0.05 all)", "link": "#fasttext-vs-the-fasttext-package-and-gensim",
        })  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    section_args(ap, RESULTS / "fasttext_vs_peers.json")
    args = ap.parse_args()
    if not args.render and (not args.corpus.exists() or not RW.exists()):
        sys.exit("needs ../shared/data (the shared data folder beside the checkout)")
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
