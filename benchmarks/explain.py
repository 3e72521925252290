"""Explanations: are MiniLM's token attributions faithful and complete, do the static ones add up, and
what WEAT finds in embedlab's word vectors.

    .venv/bin/python benchmarks/explain.py --update BENCHMARKS.md

- Faithfulness (STS Benchmark dev, 200 pairs drawn with seed 0, MiniLM): for each side of each pair
  with at least 5 word tokens, delete the 3 tokens with the highest integrated-gradients total and,
  separately, 3 tokens drawn at random (10 draws, averaged); the mean drop of the cosine is compared.
  The same for the leave-one-token-out mode's ranking.
- Completeness and cost: ``|Σ pairs + reference - score|`` over the score, and the seconds each
  explanation takes (16 path points, both sides, 2 cores).
- Static decompositions: skip-gram and FastText (1 epoch, the FastText benchmark's n-grams) trained on
  en_wiki_early_a by embedlab; dimensions on WordSim-353 pairs, n-grams on RW pairs (unseen words
  too), pooled words (mean and SIF) on all 1,500 STS-B dev pairs; the largest gap between the sum of
  the parts and the model's own cosine.
- WEAT: the ten tests of Caliskan et al. (2017) on the skip-gram vectors (100,000 random
  re-partitions each), next to the effect sizes the paper reports for GloVe (Common Crawl).
- A linear probe of frequency bands (thirds of the 30,000 most frequent words) against its
  shuffled-label control.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import measure_and_render, section_args, versions  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"
CORPUS = DATA / "text" / "en_wiki_early_a.txt.xz"
STSB_DEV = DATA / "sts" / "stsbenchmark" / "sts-dev.csv"
WS353 = DATA / "word_eval" / "en" / "wordsim353.tsv"
RW = DATA / "word_eval" / "en" / "faruqui" / "EN-RW-STANFORD.txt"
SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "threads": 2}
MARK_BEGIN = "<!-- explain:begin -->"
MARK_END = "<!-- explain:end -->"
PAIRS, DELETE, DRAWS = 200, 3, 10


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def contextual(sts) -> dict:
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.explain.contextual import ContextualExplainer

    enc = SentenceEncoder()
    ex = ContextualExplainer(enc)
    rng = np.random.default_rng(0)
    picked = rng.choice(len(sts), PAIRS, replace=False)
    ex.explain("warm up", "the model")  # first-call costs (allocations, thread pools) out of the timings
    rows = []
    for n, i in enumerate(picked, 1):
        a, b = sts.sentences1[i], sts.sentences2[i]
        e = ex.explain(a, b, steps=16)
        o = ex.explain(a, b, mode="occlusion")
        row = {"score": e.score, "residual": e.residual, "reference": e.reference, "seconds": e.seconds,
               "occlusion_seconds": o.seconds, "sides": []}  # fmt: skip
        for side in ("a", "b"):
            _, special = ex.tokens(a if side == "a" else b)
            words = [k for k, s in enumerate(special) if not s]
            if len(words) < 5:
                continue
            ig = (e.a_totals if side == "a" else e.b_totals)[words]
            occ = (o.a_totals if side == "a" else o.b_totals)[words]
            top_ig = [words[k] for k in np.argsort(-ig, kind="stable")[:DELETE]]
            top_occ = [words[k] for k in np.argsort(-occ, kind="stable")[:DELETE]]
            rand = [_drop(ex, a, b, side, rng.choice(words, DELETE, replace=False), e.score) for _ in range(DRAWS)]
            row["sides"].append({"integrated": _drop(ex, a, b, side, top_ig, e.score),
                                 "occlusion": _drop(ex, a, b, side, top_occ, e.score),
                                 "random": float(np.mean(rand))})  # fmt: skip
        rows.append(row)
        if n % 25 == 0:
            log(f"{n}/{PAIRS} pairs explained")
    return {"pairs": rows}


def _drop(ex, a: str, b: str, side: str, positions, score: float) -> float:
    """How much the cosine falls when the tokens at ``positions`` of one side are deleted."""
    cut = [int(p) for p in positions]
    return score - ex.similarity_without(a, b, cut if side == "a" else [], cut if side == "b" else [])


def static_rows(sts) -> dict:
    from embedlab import FastText, Word2Vec
    from embedlab.encoders.static import StaticEncoder
    from embedlab.eval.datasets import read_word_pairs
    from embedlab.explain import explain_similarity, frequency_bands, probe, weat_test
    from embedlab.explain.weat import WEAT_TESTS

    with tempfile.TemporaryDirectory(prefix="explain-bench-") as cache:
        t0 = time.perf_counter()
        kv = Word2Vec(arch="skipgram", epochs=5, **SETTINGS).fit(CORPUS, skip_doc_tags=True, cache_dir=cache,
                                                                  progress=False)  # fmt: skip
        w2v_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        ft = FastText(arch="skipgram", epochs=1, minn=3, maxn=6, bucket=2_000_000, **SETTINGS).fit(
            CORPUS, skip_doc_tags=True, cache_dir=cache, progress=False
        )
        ft_seconds = time.perf_counter() - t0
    log(f"trained skip-gram in {w2v_seconds:.0f} s, FastText in {ft_seconds:.0f} s")

    def gaps(model, pairs, mode) -> dict:
        worst, n, secs = 0.0, 0, []
        for x, y in pairs:
            try:
                e = explain_similarity(model, x, y, mode=mode)
            except Exception:  # a pair with an unknown word is skipped, as evaluators skip it
                continue
            if mode == "pooled":
                va, vb = model.encode([x, y]) if hasattr(model, "encode") else (None, None)
                ref = float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
            else:
                ref = float(model.similarity(x, y))
            worst = max(worst, abs(e.total - ref))
            secs.append(e.seconds)
            n += 1
        return {"pairs": n, "max_abs_gap": worst, "ms_per_pair": 1000 * float(np.mean(secs))}

    ws = [(x.lower(), y.lower()) for x, y, _ in read_word_pairs(WS353).pairs]
    rw = [(x.lower(), y.lower()) for x, y, _ in read_word_pairs(RW).pairs]
    sents = list(zip(sts.sentences1, sts.sentences2, strict=True))
    out = {
        "w2v_seconds": w2v_seconds,
        "ft_seconds": ft_seconds,
        "words": len(kv),
        "dimensions": gaps(kv, ws, "dimensions"),
        "ngrams": {**gaps(ft, rw, "ngrams"), "unseen_words": sum(w not in ft.vocab for p in rw for w in p)},
        "pooled_mean": gaps(StaticEncoder(kv), sents, "pooled"),
        "pooled_sif": gaps(StaticEncoder(kv, pooling="sif"), sents, "pooled"),
    }
    log("static", {k: v for k, v in out.items() if isinstance(v, dict)})
    out["weat"] = []
    for name in WEAT_TESTS:
        try:
            r = weat_test(kv, name, permutations=100_000, seed=0)
        except Exception as exc:
            out["weat"].append({"test": name, "skipped": str(exc)})
            continue
        out["weat"].append(r)
        log(name, round(r["effect_size"], 3), r["p_value"])
    keys, bands = frequency_bands(kv, 3, 30_000)
    out["probe_frequency"] = probe(kv, keys, bands)
    return out


def measure() -> dict:
    from embedlab.eval.sts import read_sts

    sts = read_sts(STSB_DEV)
    res = {"versions": versions("torch", "sentence-transformers", "numpy", "umap-learn")}
    res["contextual"] = contextual(sts)
    res["static"] = static_rows(sts)
    return res


def summary(res: dict) -> dict:
    pairs = res["contextual"]["pairs"]
    sides = [s for p in pairs for s in p["sides"]]
    rel = np.array([abs(p["residual"]) / max(abs(p["score"]), 1e-9) for p in pairs])
    secs = np.array([p["seconds"] for p in pairs])
    return {
        "drop_ig": float(np.mean([s["integrated"] for s in sides])),
        "drop_occ": float(np.mean([s["occlusion"] for s in sides])),
        "drop_random": float(np.mean([s["random"] for s in sides])),
        "sides": len(sides),
        "rel_median": float(np.median(rel)),
        "within_1pct": float(np.mean(rel <= 0.01)),
        "within_1pct_scored": float(np.mean(rel[np.abs([p["score"] for p in pairs]) >= 0.1] <= 0.01)),
        "abs_max": float(max(abs(p["residual"]) for p in pairs)),
        "reference_mean": float(np.mean([abs(p["reference"]) for p in pairs])),
        "sec_mean": float(secs.mean()),
        "sec_median": float(np.median(secs)),
        "sec_p90": float(np.quantile(secs, 0.9)),
        "occ_sec_mean": float(np.mean([p["occlusion_seconds"] for p in pairs])),
    }


def mark(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def markdown(res: dict) -> str:
    s = summary(res)
    st = res["static"]
    ratio = s["drop_ig"] / s["drop_random"]
    out = [
        "Command: `.venv/bin/python benchmarks/explain.py --update BENCHMARKS.md` (2 cores; JSON in "
        "`benchmarks/results/explain.json`). MiniLM (all-MiniLM-L6-v2) on "
        f"{len(res['contextual']['pairs'])} STS-B dev pairs (seed 0); deletions on the {s['sides']} sides with at "
        f"least 5 word tokens, {DELETE} tokens each, random deletions averaged over {DRAWS} draws.",
        "",
        "| ranking of the tokens | mean drop of the cosine after deleting 3 | vs random |",
        "|---|---|---|",
        f"| integrated gradients (token totals) | {s['drop_ig']:.4f} | {ratio:.2f}x |",
        f"| leave-one-token-out | {s['drop_occ']:.4f} | {s['drop_occ'] / s['drop_random']:.2f}x |",
        f"| random | {s['drop_random']:.4f} | 1x |",
        "",
        f"Integrated gradients (16 path points): the parts plus the masked reference add up to the score within "
        f"1% for {100 * s['within_1pct']:.1f}% of the pairs ({100 * s['within_1pct_scored']:.1f}% of those with "
        f"|score| ≥ 0.1); median relative gap {100 * s['rel_median']:.3f}%, largest absolute gap "
        f"{s['abs_max']:.4f}; mean |reference| {s['reference_mean']:.4f}. Seconds per pair: mean "
        f"{s['sec_mean']:.2f}, median {s['sec_median']:.2f}, p90 {s['sec_p90']:.2f} (leave-one-token-out: "
        f"{s['occ_sec_mean']:.3f}). The cost grows with the product of the two texts' token counts: each side "
        "needs one backward pass per token of the other at each path point.",
        "",
        f"Static decompositions (skip-gram dim 100 on en_wiki_early_a, {st['words']:,} words; FastText 1 epoch), "
        "largest gap between the sum of the parts and the model's own cosine:",
        "",
        "| explanation | pairs | largest gap | ms / pair |",
        "|---|---|---|---|",
    ]
    for key, name in (("dimensions", "dimensions, WordSim-353"), ("ngrams", "character n-grams, RW (FastText)"),
                      ("pooled_mean", "words of mean-pooled STS-B dev pairs"),
                      ("pooled_sif", "words of SIF-pooled STS-B dev pairs")):  # fmt: skip
        r = st[key]
        extra = f" ({r['unseen_words']} unseen words)" if key == "ngrams" else ""
        out.append(f"| {name}{extra} | {r['pairs']:,} | {r['max_abs_gap']:.1e} | {r['ms_per_pair']:.2f} |")
    out += [
        "",
        "WEAT (Caliskan et al. 2017) on the skip-gram vectors, 100,000 random re-partitions; the paper's GloVe "
        "(Common Crawl 840B) figures beside them. Words are looked up as given, then lower-cased; sizes are the "
        "X/Y/A/B words found.",
        "",
        "| test | targets / attributes | words found | effect size | p-value | GloVe effect size (p) |",
        "|---|---|---|---|---|---|",
    ]
    for r in st["weat"]:
        if "skipped" in r:
            out.append(f"| {r['test']} | skipped: {r['skipped'][:80]} | | | | |")
            continue
        sizes = "/".join(str(r["sizes"][k]) for k in "XYAB")
        pub = r["published_glove"]
        out.append(f"| {r['test']} | {r['title']} | {sizes} | {r['effect_size']:+.2f} | {r['p_value']:.2g} "
                   f"| {pub['effect_size']:+.2f} ({pub['p_value']}) |")  # fmt: skip
    p = st["probe_frequency"]
    out += [
        "",
        f"Linear probe of frequency thirds (30,000 most frequent words, {p['folds']}-fold): accuracy "
        f"{p['accuracy']:.3f}, shuffled-label control {p['control']:.3f}, selectivity {p['selectivity']:+.3f}.",
        "",
        "Targets:",
        f"- deleting the 3 highest-attributed tokens lowers the similarity ≥ 2x more than 3 random ones: "
        f"{ratio:.2f}x — {mark(ratio >= 2)}",
        f"- attributions sum to the score within 1% (≥ 95% of pairs) at ≤ 1 s per pair: "
        f"{100 * s['within_1pct']:.1f}%, {s['sec_mean']:.2f} s — "
        f"{mark(s['within_1pct'] >= 0.95 and s['sec_mean'] <= 1)}",
        f"- static decompositions sum to the cosine within 1e-5: largest gap "
        f"{max(st[k]['max_abs_gap'] for k in ('dimensions', 'ngrams', 'pooled_mean', 'pooled_sif')):.1e} — "
        f"{mark(max(st[k]['max_abs_gap'] for k in ('dimensions', 'ngrams', 'pooled_mean', 'pooled_sif')) <= 1e-5)}",
    ]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    section_args(ap, HERE / "results" / "explain.json")
    args = ap.parse_args()
    measure_and_render(args, measure, markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
