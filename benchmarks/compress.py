"""Compression: what each codec keeps of word vectors and of MiniLM retrieval, at what size and speed.

    .venv/bin/python benchmarks/compress.py --update BENCHMARKS.md

- Word vectors: skip-gram trained by embedlab on en_wiki_early_a (dim 100, 5 epochs, min_count 5,
  sample 1e-4), compressed with each codec; Google analogies (top 30k words), WordSim-353 and
  SimLex-999 before and after, bytes of the stored rows, milliseconds per ``most_similar`` query
  and the overlap of the top-10 neighbours with the float vectors.
- Retrieval: the 5,183 SciFact documents encoded once by MiniLM, searched through a collection
  index of each kind (exact float32, int8, binary + rescoring on the float rows, PQ with m = 96);
  nDCG@10, Recall@100, the bytes the index holds in memory, and ms per query. Beside them,
  sentence-transformers' own ``quantize_embeddings`` (int8 with the corpus as calibration, and
  binary with rescoring through ``semantic_search_faiss``) on the same vectors, as the peer.
- STS Benchmark test: Spearman of cosine on vectors decoded from each codec (int8 ranges learnt
  from the SciFact document vectors, so calibration and evaluation data differ).
- Sentence models for the edge: MiniLM with int8 linear layers, and MiniLM distilled into a static
  encoder (model2vec's recipe), each against the float32 transformer on the same documents.
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
SCIFACT = DATA / "retrieval" / "scifact"
RW = DATA / "word_eval" / "en" / "faruqui" / "EN-RW-STANFORD.txt"
STSB = DATA / "sts" / "stsbenchmark" / "sts-test.csv"
SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "threads": 2}
MARK_BEGIN = "<!-- compress:begin -->"
MARK_END = "<!-- compress:end -->"
CODECS = ("float16", "int8", "binary", "pq")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def word_rows() -> list[dict]:
    from embedlab import Word2Vec
    from embedlab.compress import compress_vectors, retention

    with tempfile.TemporaryDirectory(prefix="compress-bench-") as cache:
        t0 = time.perf_counter()
        kv = Word2Vec(arch="skipgram", **SETTINGS).fit(CORPUS, skip_doc_tags=True, cache_dir=cache, progress=False)
        log(f"trained {len(kv):,} words in {time.perf_counter() - t0:.0f} s")
    rows = []
    for method in CODECS:
        small = compress_vectors(kv, method)
        r = retention(kv, small)
        rows.append(r)
        log(method, {x["metric"]: (x["before"], x["after"]) for x in r["rows"]}, r["ratio"])
    return rows


def fasttext_rows() -> dict:
    """FastText (skip-gram, the FastText benchmark's settings: n-grams 3-6 in 2M buckets) compressed whole:
    WS353 and RW with unseen words answered from the kept n-gram buckets, before and after."""
    from embedlab import FastText
    from embedlab.compress import compress_vectors
    from embedlab.eval.word_similarity import evaluate_word_pairs

    with tempfile.TemporaryDirectory(prefix="compress-ft-") as cache:
        t0 = time.perf_counter()
        ft = FastText(arch="skipgram", minn=3, maxn=6, bucket=2_000_000, alpha=0.05, min_alpha=0.0, **SETTINGS).fit(
            CORPUS, skip_doc_tags=True, cache_dir=cache, progress=False
        )
        log(f"FastText trained in {time.perf_counter() - t0:.0f} s")

    def scores(kv) -> dict:
        return {name: evaluate_word_pairs(kv, path, answer_oov=True)["spearman"] for name, path in
                (("wordsim353", "wordsim353"), ("rw", str(RW)))}  # fmt: skip

    out = {"bytes": int(ft.vectors.nbytes + ft.ngrams.nbytes), "float32": scores(ft), "rows": []}
    for method in ("int8", "pq"):
        small = compress_vectors(ft, method)
        out["rows"].append({"method": method, "bytes": small.nbytes, "kept": len(small.kept), **scores(small)})
        log(out["rows"][-1])
    return out


def _ms_per_query(col, q, index) -> float:
    col.search_vectors(q[:8], k=100, index=index)  # builds (and saves) the index once
    t0 = time.perf_counter()
    for i in range(0, len(q), 32):
        col.search_vectors(q[i : i + 32], k=100, index=index, with_text=False)
    return 1000 * (time.perf_counter() - t0) / len(q)


def retrieval_rows(minilm, data, docs: np.ndarray) -> list[dict]:
    from embedlab.eval.retrieval import retrieval_metrics
    from embedlab.search.collection import Collection

    q = minilm.encode(data.query_texts, normalize=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="compress-col-") as tmp:
        col = Collection.create(Path(tmp) / "c", dim=docs.shape[1])
        col.add([str(i) for i in range(len(docs))], vectors=docs, batch_size=2048)
        for index in ("exact", "int8", "binary", "pq"):
            found = col.search_vectors(q, k=100, index=index, with_text=False)
            ranked = {qid: [data.doc_ids[int(h.id)] for h in hits] for qid, hits in zip(data.query_ids, found,
                                                                                           strict=True)}  # fmt: skip
            m = retrieval_metrics(ranked, {x: data.qrels[x] for x in data.query_ids})
            memory = docs.nbytes if index == "exact" else col.ann(index).code_bytes
            # binary rescoring reads rescore x k float32 rows per query from the collection's vector file
            rescored = min(len(docs), 100 * col.ann(index).rescore) if index == "binary" else 0
            rows.append({"index": index, "ndcg@10": m["ndcg@10"], "recall@100": m["recall@100"],
                         "index_bytes": int(memory), "ms_per_query": _ms_per_query(col, q, index),
                         "float_rows_read_per_query": rescored,
                         "float_bytes_read_per_query": rescored * docs.shape[1] * 4})  # fmt: skip
            log(rows[-1])
        col.close()
    return rows


def peer_rows(minilm, data, docs: np.ndarray) -> list[dict]:
    """sentence-transformers' own quantized search on the same vectors, top 100.

    int8: ``semantic_search_usearch`` with an int8 corpus (ranges from the corpus itself) and its default
    rescoring (the float query against the dequantized int8 rows of rescore_multiplier x k candidates).
    binary: ``semantic_search_faiss`` on the packed sign bits, rescored two ways: its own (the float query
    against the candidates' bits), and on the candidates' float32 rows, the data embedlab's binary index
    rescores with (both take 4 x k candidates, as embedlab's index does)."""
    from sentence_transformers.util.quantization import (
        quantize_embeddings,
        semantic_search_faiss,
        semantic_search_usearch,
    )

    from embedlab.eval.retrieval import retrieval_metrics

    q = minilm.encode(data.query_texts, normalize=True)
    rows = []

    def score(hits) -> dict:
        ranked = {qid: [data.doc_ids[h["corpus_id"]] for h in hs] for qid, hs in zip(data.query_ids, hits,
                                                                                       strict=True)}  # fmt: skip
        m = retrieval_metrics(ranked, {x: data.qrels[x] for x in data.query_ids})
        return {"ndcg@10": m["ndcg@10"], "recall@100": m["recall@100"]}

    def attempt(method: str, call) -> None:
        try:
            rows.append({"method": method, **score(call())})
        except Exception as exc:  # the peer's own failure is reported, not hidden
            rows.append({"method": method, "error": f"{type(exc).__name__}: {exc}"})
        log(rows[-1])

    attempt("int8 + rescore (semantic_search_usearch)", lambda: semantic_search_usearch(
        q, corpus_embeddings=docs, corpus_precision="int8", calibration_embeddings=docs, top_k=100,
        rescore=True, exact=True)[0])  # fmt: skip
    bits = quantize_embeddings(docs, precision="ubinary")
    attempt("binary + rescore on bits (semantic_search_faiss)", lambda: semantic_search_faiss(
        q, corpus_embeddings=bits, corpus_precision="ubinary", top_k=100, rescore=True, rescore_multiplier=4,
        exact=True)[0])  # fmt: skip

    def float_rescored() -> list:
        cands, _t = semantic_search_faiss(q, corpus_embeddings=bits, corpus_precision="ubinary", top_k=400,
                                          rescore=False, exact=True)  # fmt: skip
        out = []
        for qv, hs in zip(q, cands, strict=True):
            ids = np.array([h["corpus_id"] for h in hs])
            order = np.argsort(-(docs[ids] @ qv), kind="stable")[:100]
            out.append([{"corpus_id": int(i)} for i in ids[order]])
        return out

    attempt("binary (semantic_search_faiss) + rescore on float32 rows", float_rescored)
    return rows


def sts_rows(minilm, docs: np.ndarray) -> list[dict]:
    from scipy.stats import spearmanr

    from embedlab.eval.sts import read_sts
    from embedlab.vectors.codecs import make_codec

    pairs = read_sts(STSB)
    a = minilm.encode(pairs.sentences1, normalize=True)
    b = minilm.encode(pairs.sentences2, normalize=True)
    rows = [{"codec": "float32", "spearman": float(spearmanr((a * b).sum(1), pairs.scores).statistic)}]
    for name in CODECS:
        codec = make_codec(name, a.shape[1], **({"m": 96} if name == "pq" else {}))
        if name in ("int8", "pq"):
            codec.fit(docs)
        da, db = codec.decode(codec.encode(a)), codec.decode(codec.encode(b))
        cos = (da * db).sum(1) / (np.linalg.norm(da, axis=1) * np.linalg.norm(db, axis=1))
        rows.append({"codec": name, "spearman": float(spearmanr(cos, pairs.scores).statistic)})
        log(rows[-1])
    return rows


def transformer_rows(minilm, data) -> dict:
    """MiniLM with int8 linear layers against float32: STS-B and encoding time on the same 1,000 documents,
    alternating runs, best of three each."""
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.sts import evaluate_sts, read_sts

    small = SentenceEncoder(precision="int8")
    pairs = read_sts(STSB)
    texts = data.doc_texts[:1000]
    for enc in (minilm, small):
        enc.encode(texts[:64], batch_size=32)
    times: dict[str, list[float]] = {"float32": [], "int8": []}
    for _ in range(3):
        for name, enc in (("float32", minilm), ("int8", small)):
            t0 = time.perf_counter()
            enc.encode(texts, batch_size=32)
            times[name].append(time.perf_counter() - t0)
    out = {
        "documents": len(texts),
        "seconds": {k: min(v) for k, v in times.items()},
        "sts_float32": evaluate_sts(minilm, pairs)["spearman"],
        "sts_int8": evaluate_sts(small, pairs)["spearman"],
    }
    out["speedup"] = out["seconds"]["float32"] / out["seconds"]["int8"]
    log(out)
    return out


def distill_rows(minilm, data) -> dict:
    """MiniLM distilled into a static encoder: STS-B, size, and encoding time against the transformer
    on the same 1,000 SciFact documents (best of three alternating runs)."""
    from embedlab.compress import distill
    from embedlab.eval.sts import evaluate_sts, read_sts

    pairs = read_sts(STSB)
    texts = data.doc_texts[:1000]
    out: dict = {"documents": len(texts)}
    with tempfile.TemporaryDirectory(prefix="distill-") as tmp:
        t0 = time.perf_counter()
        student = distill(Path(tmp) / "s", minilm, show_progress=False)
        out["distill_seconds"] = time.perf_counter() - t0
        out["megabytes"] = sum(f.stat().st_size for f in student.path.iterdir()) / 1e6
        out["teacher_megabytes"] = sum(f.stat().st_size for f in minilm.path.rglob("*") if f.is_file()) / 1e6
        out["sts_student"] = evaluate_sts(student, pairs)["spearman"]
        out["sts_teacher"] = evaluate_sts(minilm, pairs)["spearman"]
        student.encode(texts[:64])
        times: dict[str, list[float]] = {"transformer": [], "static": []}
        for _ in range(3):
            for name, enc in (("transformer", minilm), ("static", student)):
                t0 = time.perf_counter()
                enc.encode(texts)
                times[name].append(time.perf_counter() - t0)
    out["seconds"] = {k: min(v) for k, v in times.items()}
    out["speedup"] = out["seconds"]["transformer"] / out["seconds"]["static"]
    log(out)
    return out


def measure() -> dict:
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.retrieval import read_beir

    words = word_rows()
    fasttext = fasttext_rows()
    minilm = SentenceEncoder()
    data = read_beir(SCIFACT)
    t0 = time.perf_counter()
    docs = minilm.encode(data.doc_texts, batch_size=32, normalize=True)
    log(f"encoded {len(docs):,} documents in {time.perf_counter() - t0:.0f} s")
    return {
        "versions": versions("numpy", "faiss-cpu", "sentence-transformers", "torch"),
        "words": words,
        "fasttext": fasttext,
        "retrieval": retrieval_rows(minilm, data, docs),
        "peer": peer_rows(minilm, data, docs),
        "sts": sts_rows(minilm, docs),
        "transformer_int8": transformer_rows(minilm, data),
        "distilled": distill_rows(minilm, data),
    }


def _pct(a, b) -> str:
    return "-" if a is None or not b else f"{100 * a / b:.2f}%"


def markdown(res: dict) -> str:
    out = [
        "Command: `.venv/bin/python benchmarks/compress.py --update BENCHMARKS.md` (2 cores; JSON in "
        "`benchmarks/results/compress.json`). Word vectors: skip-gram on en_wiki_early_a trained by embedlab "
        "(dim 100, 5 epochs); each codec stores the unit rows plus one float32 length per row.",
        "",
        "| codec | analogy | WS353 | SimLex-999 | retained (analogy / WS353) | bytes | ratio | ms / query "
        "| top-10 overlap |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    first = res["words"][0]
    base = {r["metric"]: r["before"] for r in first["rows"]}
    out.append(f"| float32 | {base['analogy']:.4f} | {base['wordsim353']:.4f} | {base['simlex999']:.4f} | 100% / 100% "
               f"| {first['bytes_before']:,} | 1 | {first['query_ms_before']:.2f} | 1 |")  # fmt: skip
    for r in res["words"]:
        v = {x["metric"]: x["after"] for x in r["rows"]}
        out.append(
            f"| {r['method']} | {v['analogy']:.4f} | {v['wordsim353']:.4f} | {v['simlex999']:.4f} | "
            f"{_pct(v['analogy'], base['analogy'])} / {_pct(v['wordsim353'], base['wordsim353'])} | "
            f"{r['bytes_after']:,} | {r['ratio']:.1f} | {r['query_ms_after']:.2f} | {r['neighbour_overlap@10']:.3f} |"
        )
    ft = res.get("fasttext")
    if ft:
        out += [
            "",
            "FastText (skip-gram, n-grams 3-6 in 2,000,000 buckets, the FastText benchmark's settings) compressed "
            "whole: word rows, and the n-gram buckets some vocabulary word uses; WS353 and RW with unseen words "
            "answered from n-grams:",
            "",
            "| model | buckets kept | bytes | of float32 | WS353 | RW |",
            "|---|---|---|---|---|---|",
            f"| float32 | 2,000,000 | {ft['bytes']:,} | 100% | {ft['float32']['wordsim353']:.4f} "
            f"| {ft['float32']['rw']:.4f} |",
        ]
        out += [f"| {r['method']} | {r['kept']:,} | {r['bytes']:,} | {100 * r['bytes'] / ft['bytes']:.1f}% "
                f"| {r['wordsim353']:.4f} | {r['rw']:.4f} |" for r in ft["rows"]]  # fmt: skip
    exact = res["retrieval"][0]
    out += [
        "",
        "SciFact (MiniLM vectors, one collection, each index kind; index memory = what the index holds):",
        "",
        "| index | nDCG@10 | of float | Recall@100 | index memory | less memory | float32 rows read from disk "
        "per query | ms / query |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in res["retrieval"]:
        read = r.get("float_rows_read_per_query", 0)
        shown = f"{read:,} ({r['float_bytes_read_per_query'] / 1e3:,.0f} KB)" if read else "none"
        out.append(
            f"| {r['index']} | {r['ndcg@10']:.4f} | {_pct(r['ndcg@10'], exact['ndcg@10'])} | {r['recall@100']:.4f} | "
            f"{r['index_bytes']:,} | {exact['index_bytes'] / r['index_bytes']:.1f}x | {shown} | "
            f"{r['ms_per_query']:.2f} |"
        )
    out += ["", "The peer, sentence-transformers' quantized search on the same vectors (int8 with its default "
            "rescoring; binary rescored on its bits, and on the float32 rows embedlab's binary index rescores with):",
            "",
            "| method | nDCG@10 | of float | Recall@100 |", "|---|---|---|---|"]  # fmt: skip
    for r in res["peer"]:
        if "error" in r:
            out.append(f"| {r['method']} | failed: {r['error']} | | |")
        else:
            out.append(f"| {r['method']} | {r['ndcg@10']:.4f} | {_pct(r['ndcg@10'], exact['ndcg@10'])} | "
                       f"{r['recall@100']:.4f} |")  # fmt: skip
    out += ["", "STS Benchmark test, Spearman of cosine on decoded vectors:", "", "| codec | Spearman |", "|---|---|"]
    out += [f"| {r['codec']} | {r['spearman']:.4f} |" for r in res["sts"]]
    t = res["transformer_int8"]
    out += [
        "",
        f'MiniLM with int8 linear layers (`SentenceEncoder(precision="int8")`, per-channel weight scales) '
        f"against float32, {t['documents']:,} SciFact documents, best of three alternating runs:",
        "",
        "| model | seconds | speed-up | STS-B Spearman |",
        "|---|---|---|---|",
        f"| float32 | {t['seconds']['float32']:.1f} | 1 | {t['sts_float32']:.4f} |",
        f"| int8 | {t['seconds']['int8']:.1f} | {t['speedup']:.2f}x | {t['sts_int8']:.4f} |",
    ]
    d = res.get("distilled")
    if d:
        out += [
            "",
            f"MiniLM distilled into a static encoder (`embedlab compress distill`: 240 dims, float16, SIF weights "
            f"from Zipf ranks; distilled in "
            f"{d['distill_seconds']:.0f} s), {d['documents']:,} SciFact documents, best of three alternating runs:",
            "",
            "| encoder | size | seconds | speed-up | STS-B Spearman |",
            "|---|---|---|---|---|",
            f"| MiniLM (transformer) | {d['teacher_megabytes']:.1f} MB | {d['seconds']['transformer']:.2f} | 1 "
            f"| {d['sts_teacher']:.4f} |",
            f"| distilled (static) | {d['megabytes']:.1f} MB | {d['seconds']['static']:.3f} | {d['speedup']:.0f}x "
            f"| {d['sts_student']:.4f} |",
        ]
    return "\n".join([*out, "", *targets(res)])


def summary_rows(res: dict) -> list[dict]:
    ours = {r["index"]: r for r in res["retrieval"]}
    peer = {r["method"]: r for r in res["peer"] if "error" not in r}
    link = "#compression-codecs-for-word-vectors-and-compressed-collection-indexes"
    pairs = [("int8", "int8 + rescore (semantic_search_usearch)", "embedlab scores the int8 codes, no rescoring"),
             ("binary", "binary (semantic_search_faiss) + rescore on float32 rows", "none (both rescore 4 x k "
              "candidates on float32 rows)"),
             ("binary", "binary + rescore on bits (semantic_search_faiss)", "rescoring data: embedlab float32 rows "
              "from disk, the peer the candidates' bits")]  # fmt: skip
    out = []
    for index, method, differ in pairs:
        if method in peer:
            d = ours[index]["ndcg@10"] - peer[method]["ndcg@10"]
            out.append({"task": f"{index} search of SciFact (MiniLM)", "peer": f"sentence-transformers {method}",
                        "ratio": "–", "quality": f"nDCG@10 {d:+.4f}", "differ": differ, "link": link})  # fmt: skip
    return out


def targets(res: dict) -> list[str]:
    """Each target of the issue, met or not, computed from the run's numbers."""

    def mark(ok: bool) -> str:
        return "met" if ok else "not met"

    lines = ["Targets:"]
    w = next(r for r in res["words"] if r["method"] == "int8")
    rel = {x["metric"]: abs(x["after"] - x["before"]) / x["before"] for x in w["rows"] if x["metric"] != "simlex999"}
    lines.append(f"- int8 word vectors keep analogy and WS353 within 0.5% relative: analogy "
                 f"{100 * rel['analogy']:.2f}%, WS353 {100 * rel['wordsim353']:.2f}% — "
                 f"{mark(max(rel.values()) <= 0.005)}")  # fmt: skip
    ex = res["retrieval"][0]
    r8 = next(r for r in res["retrieval"] if r["index"] == "int8")
    rb = next(r for r in res["retrieval"] if r["index"] == "binary")
    k8, kb = r8["ndcg@10"] / ex["ndcg@10"], rb["ndcg@10"] / ex["ndcg@10"]
    less = ex["index_bytes"] / rb["index_bytes"]
    lines.append(f"- int8 collection ≥ 99% of float nDCG@10 on SciFact: {100 * k8:.2f}% — {mark(k8 >= 0.99)}")
    lines.append(f"- binary + rescoring ≥ 97% of float at ≥ 10x less index memory: {100 * kb:.2f}% at {less:.0f}x less "
                 f"— {mark(kb >= 0.97 and less >= 10)}")  # fmt: skip
    ft = res.get("fasttext")
    if ft:
        f8 = next(r for r in ft["rows"] if r["method"] == "int8")
        dw, dr = f8["wordsim353"] - ft["float32"]["wordsim353"], f8["rw"] - ft["float32"]["rw"]
        frac = f8["bytes"] / ft["bytes"]
        lines.append(f"- FastText at ≤ 1/10 of its size keeps WS353 and RW (unseen words included) within 0.01: "
                     f"{100 * frac:.1f}% of the bytes, WS353 {dw:+.4f}, RW {dr:+.4f} — "
                     f"{mark(frac <= 0.1 and abs(dw) <= 0.01 and abs(dr) <= 0.01)}")  # fmt: skip
    d = res.get("distilled")
    if d:
        lines.append(f"- distilled static MiniLM: STS-B ≥ 0.70 ({d['sts_student']:.4f}, "
                     f"{mark(d['sts_student'] >= 0.70)}), ≥ 100x faster ({d['speedup']:.0f}x, "
                     f"{mark(d['speedup'] >= 100)}), ≤ 16 MB ({d['megabytes']:.1f} MB, "
                     f"{mark(d['megabytes'] <= 16)})")  # fmt: skip
    t = res["transformer_int8"]
    gap = t["sts_float32"] - t["sts_int8"]
    lines.append(f"- int8 transformer ≥ 2x faster with STS-B within 0.01: {t['speedup']:.2f}x "
                 f"({mark(t['speedup'] >= 2)}), STS-B {-gap:+.4f} ({mark(abs(gap) <= 0.01)})")  # fmt: skip
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    section_args(ap, HERE / "results" / "compress.json")
    args = ap.parse_args()
    measure_and_render(args, measure, markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
