"""Past one machine and one window: Ray Data against the local loop, resuming after kills, and a collection
of millions of real vectors searched in bounded memory against LanceDB.

    .venv/bin/pip install -e '.[bench]'                                          # Ray Data and LanceDB
    .venv/bin/python benchmarks/scale.py --update BENCHMARKS.md                 # every part (hours, ~25 GB disk)
    .venv/bin/python benchmarks/scale.py --part ray --part resume               # the short parts
    .venv/bin/python benchmarks/scale.py --vectors 1000000 --part large         # a smaller collection

Parts (each kept in a partial file as it finishes, so an interrupted run goes on where it stopped):

- ``ray``: 20,000 SciFact-corpus passages (two sentences each) encoded with MiniLM into a vector store by
  the local loop and by the Ray Data backend (Ray started beforehand; its start-up reported apart), in
  alternating runs; the time ratio and the largest difference between their vectors.
- ``resume``: a 200,000-row encode (the distilled static encoder) killed with SIGKILL at 20 random moments
  and started again each time with the same command; every row must end up in the store exactly once, with
  the vectors of a run never killed.
- ``large``: every overlapping 16-word window (stride 4) of the Wikipedia parts in ../shared/data/text, up
  to ``--vectors``, encoded with the distilled static encoder through ``encode_corpus`` and imported into one
  collection with a binary index (codes in RAM, candidates rescored from the vector file on disk); 1,000
  query sentences not in it (STS-B and KorSTS test sentences). Recall@10 against exact search, p50 / p99
  latency of one query at a time (text in, hits out), the searching process's peak RSS, build time and
  disk size. The binary index's rescoring depth is chosen on 200 validation queries (other sentences of the
  same files), never on the 1,000. The same vectors (the first ``--lancedb-vectors``) and queries through
  LanceDB (embedded, on disk, IVF-PQ) in the same run, its ``nprobes`` and ``refine_factor`` chosen on the
  same validation queries, and our collection over the same vectors beside it.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, Parts, measure_and_render, section_args, versions

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
SCIFACT = DATA / "retrieval" / "scifact"
TEXTS = [DATA / "text" / n for n in ("en_wiki_early_a.txt.xz", "ko_wiki_a.txt.xz", "en_wiki_early_b.txt.xz",
                                     "ko_wiki_b.txt.xz")]  # fmt: skip
STS = [DATA / "sts" / "stsbenchmark" / "sts-test.csv", DATA / "sts" / "korsts" / "sts-test.tsv"]
STS_VALIDATION = [DATA / "sts" / "stsbenchmark" / "sts-dev.csv", DATA / "sts" / "korsts" / "sts-dev.tsv"]
MARK_BEGIN = "<!-- scale:begin -->"
MARK_END = "<!-- scale:end -->"
PARTS = ("ray", "resume", "large")
RESCORE_CHOICES = (4, 8, 16, 32, 64)
LANCE_CHOICES = [(nprobes, refine) for nprobes in (20, 50, 100) for refine in (1, 5, 20)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", action="append", choices=PARTS, help="Parts to run (default: all).")
    ap.add_argument("--vectors", type=int, default=10_000_000, help="Windows in the large collection.")
    ap.add_argument("--lancedb-vectors", type=int, default=1_000_000, help="Of those, how many LanceDB indexes.")
    ap.add_argument("--work", type=Path, default=HERE / ".cache-scale",
                    help="Folder for the stores, collections and the distilled model (not committed).")  # fmt: skip
    section_args(ap, RESULTS / "scale.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


# ------------------------------------------------------------------------------------------------ helpers
def log(*a: Any) -> None:
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def distilled(work: Path) -> Path:
    """The static encoder distilled from MiniLM (made once, kept in ``work``)."""
    path = work / "minilm-static"
    if not (path / "config.json").is_file():
        from embedlab.compress.distill import distill

        log("distilling MiniLM into a static encoder")
        distill(path)
    return path


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def scifact_passages(n: int) -> list[dict[str, str]]:
    from embedlab.eval.retrieval import read_beir

    data = read_beir(SCIFACT, "test")
    out = []
    for doc_id, text in zip(data.doc_ids, data.doc_texts, strict=True):
        s = sentences_of(text)
        for j in range(0, len(s), 2):
            out.append({"id": f"{doc_id}-{j // 2}", "text": " ".join(s[j : j + 2])})
            if len(out) == n:
                return out
    return out


def read_store(path: Path) -> tuple[list[str], np.ndarray]:
    from embedlab.io.vector_store import VectorStore

    ids, vecs = [], []
    for b in VectorStore(path).batches():
        ids += b.ids
        vecs.append(b.vectors)
    return ids, np.concatenate(vecs)


def first_rows(store: Path, limit: int | None) -> Any:
    """``(ids, vectors)`` of the store's shards, in order, cut after its first ``limit`` rows (None: all)."""
    from embedlab.io.vector_store import VectorStore

    seen = 0
    for b in VectorStore(store).batches():
        take = len(b.ids) if limit is None else min(len(b.ids), limit - seen)
        if take <= 0:
            return
        yield b.ids[:take], b.vectors[:take]
        seen += take


def fastest_good(tried: list[dict[str, Any]]) -> dict[str, Any]:
    """The validation trial with the lowest p50 latency among those of recall@10 ≥ 0.9 (else the best recall)."""
    good = [t for t in tried if t["recall@10"] >= 0.9] or [max(tried, key=lambda t: t["recall@10"])]
    return min(good, key=lambda t: t["p50_ms"])


def folder_bytes(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


# ------------------------------------------------------------------------------------------------ ray
def part_ray(work: Path) -> dict[str, Any]:
    import ray

    from embedlab.store.encode_corpus import encode_corpus

    passages = scifact_passages(20_000)
    src = work / "scifact-passages.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in passages))
    t = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
    ray_start = time.perf_counter() - t
    seconds: dict[str, list[float]] = {"local": [], "ray": []}
    try:
        encode_corpus([src], work / "warm", shard_rows=500, batch_size=64)  # model and kernels loaded once
        for round_ in range(2):
            for backend in ("local", "ray") if round_ == 0 else ("ray", "local"):
                out = work / f"ray-{backend}-{round_}"
                shutil.rmtree(out, ignore_errors=True)
                t = time.perf_counter()
                encode_corpus([src], out, backend=backend, shard_rows=5_000, batch_size=64)
                seconds[backend].append(time.perf_counter() - t)
                log(backend, f"{seconds[backend][-1]:.1f} s")
    finally:
        ray.shutdown()
    ids_l, vec_l = read_store(work / "ray-local-0")
    ids_r, vec_r = read_store(work / "ray-ray-0")
    med = {k: float(np.median(v)) for k, v in seconds.items()}
    return {"passages": len(passages), "seconds": seconds, "median_seconds": med, "ratio": med["ray"] / med["local"],
            "ray_start_seconds": ray_start, "same_ids": ids_l == ids_r,
            "max_abs_diff": float(np.abs(vec_l - vec_r).max()), "cpus": os.cpu_count()}  # fmt: skip


# ------------------------------------------------------------------------------------------------ resume
def part_resume(work: Path, model: Path, n_rows: int = 200_000, kills: int = 20) -> dict[str, Any]:
    src = work / "resume-rows.txt"
    rng = random.Random(0)
    words = ["the", "of", "a", "river", "town", "school", "music", "film", "league", "station", "war", "island"]
    src.write_text("".join(" ".join(rng.choices(words, k=rng.randint(4, 14))) + f" {i}\n" for i in range(n_rows)))
    code = (
        "import sys; from embedlab.store.encode_corpus import encode_corpus; "
        f"encode_corpus([{str(src)!r}], sys.argv[1], model={str(model)!r}, shard_rows=2000, batch_size=256)"
    )
    clean, store = work / "resume-clean", work / "resume-killed"
    for p in (clean, store):
        shutil.rmtree(p, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(clean)], check=True)
    full = time.perf_counter() - t
    done_kills, runs = 0, 0
    while True:
        proc = subprocess.Popen([sys.executable, "-c", code, str(store)])
        runs += 1
        if done_kills < kills:
            time.sleep(rng.uniform(0.3, full))  # anywhere in a run: start-up, reading, encoding, writing
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                done_kills += 1
        if proc.wait() == 0:
            break
    a_ids, a = read_store(clean)
    b_ids, b = read_store(store)
    return {"rows": n_rows, "kills": done_kills, "runs": runs, "seconds_unkilled": full,
            "every_row_once": len(b_ids) == n_rows and len(set(b_ids)) == n_rows and sorted(b_ids) == sorted(a_ids),
            "same_vectors": bool(b_ids == a_ids and np.array_equal(a, b))}  # fmt: skip


# ------------------------------------------------------------------------------------------------ large
def windows(limit: int, out: Path, size: int = 16, stride: int = 4) -> int:
    """Every ``size``-word window, ``stride`` apart, of each line of the Wikipedia parts, up to ``limit``."""
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for path in TEXTS:
            with lzma.open(path, "rt", encoding="utf-8") as src:
                for line in src:
                    w = line.split()
                    if len(w) < size or line.startswith("<"):
                        continue
                    for a in range(0, len(w) - size + 1, stride):
                        fh.write(" ".join(w[a : a + size]) + "\n")
                        n += 1
                        if n == limit:
                            return n
    return n


def query_sentences(paths: list[Path], n: int, seed: int) -> list[str]:
    from embedlab.eval.sts import read_sts

    pool: list[str] = []
    for p in paths:
        s = read_sts(p)
        pool += list(dict.fromkeys(s.sentences1 + s.sentences2))
    random.Random(seed).shuffle(pool)
    return pool[:n]


SEARCHER = """
import json, resource, sys, time
import numpy as np
from embedlab.search.collection import Collection
path, queries, k = sys.argv[1], json.loads(open(sys.argv[2]).read()), 10
col = Collection(path)
col.search(queries[:5], k=k, with_text=False)  # the encoder, the index and the page cache of its codes
lat, found = [], []
for q in queries:
    t = time.perf_counter()
    hits = col.search(q, k=k, with_text=False)[0]
    lat.append(time.perf_counter() - t)
    found.append([h.id for h in hits])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"lat": lat, "found": found, "peak_rss": peak}))
"""


def search_in_child(col: Path, queries: list[str], work: Path) -> dict[str, Any]:
    qfile = work / "queries.json"
    qfile.write_text(json.dumps(queries))
    out = subprocess.run([sys.executable, "-c", SEARCHER, str(col), str(qfile)], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def exact_truth(store: Path, qv: np.ndarray, k: int, limit: int | None = None) -> list[list[str]]:
    """The exact top ``k`` ids of each query over the store's rows (the first ``limit``), a shard at a time."""
    from embedlab.search.memory import search_streamed

    names: list[str] = []

    def blocks() -> Any:
        for ids, v in first_rows(store, limit):
            first = len(names)
            names.extend(ids)
            yield np.arange(first, first + len(ids)), v / np.linalg.norm(v, axis=1, keepdims=True).clip(1e-12)

    ids, _ = search_streamed(blocks(), qv, k, "cosine")
    return [[names[i] for i in row if i >= 0] for row in ids]


def recall(found: list[list[str]], truth: list[list[str]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / max(1, len(t)) for f, t in zip(found, truth, strict=True)]))


LANCE_SEARCHER = """
import json, resource, sys, time
import lancedb
from embedlab.encoders import load_encoder
db_path, model, nprobes, refine = sys.argv[1], sys.argv[2], int(sys.argv[4]), int(sys.argv[5])
queries = json.loads(open(sys.argv[3]).read())
table, enc = lancedb.connect(db_path).open_table("docs"), load_encoder(model)

def search(q):
    v = enc.encode([q], show_progress=False)[0]
    rows = table.search(v).distance_type("cosine").nprobes(nprobes).refine_factor(refine).limit(10).to_list()
    return [r["id"] for r in rows]

for q in queries[:5]:  # the encoder, the index and the page cache of its codes
    search(q)
lat, found = [], []
for q in queries:
    t = time.perf_counter()
    found.append(search(q))
    lat.append(time.perf_counter() - t)
print(json.dumps({"lat": lat, "found": found, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def lancedb_side(store: Path, limit: int, model: Path, queries: list[str], val_queries: list[str],
                 truth: list[list[str]], val_truth: list[list[str]], work: Path) -> dict[str, Any]:  # fmt: skip
    """The same rows in an embedded LanceDB table with its IVF-PQ index (cosine); ``nprobes`` and
    ``refine_factor`` chosen on the validation queries; searched in a child process, text in, as ours."""
    import lancedb
    import pyarrow as pa

    db_path = work / "lancedb"
    shutil.rmtree(db_path, ignore_errors=True)
    db = lancedb.connect(str(db_path))
    t = time.perf_counter()
    table, seen = None, 0
    for ids, v in first_rows(store, limit):
        data = pa.table({"id": pa.array(ids),
                         "vector": pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), v.shape[1])})  # fmt: skip
        if table is None:
            table = db.create_table("docs", data)
        else:
            table.add(data)
        seen += len(ids)
    assert table is not None
    table.create_index(metric="cosine", vector_column_name="vector", index_type="IVF_PQ")
    build = time.perf_counter() - t

    def run(qs: list[str], nprobes: int, refine: int) -> dict[str, Any]:
        qfile = work / "lance-queries.json"
        qfile.write_text(json.dumps(qs))
        out = subprocess.run([sys.executable, "-c", LANCE_SEARCHER, str(db_path), str(model), str(qfile), str(nprobes),
                              str(refine)], capture_output=True, text=True, check=True)  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    tried = []
    for nprobes, refine in LANCE_CHOICES:
        r = run(val_queries, nprobes, refine)
        tried.append({"nprobes": nprobes, "refine_factor": refine, "recall@10": recall(r["found"], val_truth),
                      "p50_ms": 1000 * float(np.median(r["lat"]))})  # fmt: skip
        log("lancedb", tried[-1])
    best = fastest_good(tried)
    r = run(queries, best["nprobes"], best["refine_factor"])
    return {"vectors": seen, "build_seconds": build, "disk_bytes": folder_bytes(db_path), "validation": tried,
            "chosen": {k: best[k] for k in ("nprobes", "refine_factor")}, "recall@10": recall(r["found"], truth),
            "p50_ms": 1000 * float(np.median(r["lat"])), "p99_ms": 1000 * float(np.percentile(r["lat"], 99)),
            "peak_rss_bytes": r["peak_rss"]}  # fmt: skip


def our_side(store: Path, name: str, limit: int | None, queries: list[str], val_queries: list[str], qv_truth: Any,
             val_truth: list[list[str]], work: Path) -> dict[str, Any]:  # fmt: skip
    """A binary collection of the store's rows (the first ``limit``), its rescoring depth chosen on the
    validation queries; the test queries searched in a child process (latency, peak RSS)."""
    from embedlab.io.vector_store import VectorStore
    from embedlab.search.collection import Collection

    st = VectorStore(store)
    tried = []
    col_path = work / name
    t = time.perf_counter()
    if not (col_path / "collection.db").is_file() or len(Collection(col_path)) != (limit or st.rows):
        shutil.rmtree(col_path, ignore_errors=True)
        col = Collection.create(col_path, model=st.model, index="binary", settings={"rescore": RESCORE_CHOICES[0]})
        added = 0
        for ids, v in first_rows(store, limit):
            added += col.add(ids, vectors=v, batch_size=len(ids))
            log(name, f"{added:,} rows")
        col.ann("binary")  # built and saved
        col.close()
    build = time.perf_counter() - t
    for rescore in RESCORE_CHOICES:
        _set_rescore(col_path, rescore)
        r = search_in_child(col_path, val_queries, work)
        tried.append({"rescore": rescore, "recall@10": recall(r["found"], val_truth),
                      "p50_ms": 1000 * float(np.median(r["lat"]))})  # fmt: skip
        log(name, tried[-1])
    best = fastest_good(tried)
    _set_rescore(col_path, best["rescore"])
    r = search_in_child(col_path, queries, work)
    return {"vectors": limit or st.rows, "build_seconds": build, "disk_bytes": folder_bytes(col_path),
            "validation": tried, "chosen": {"rescore": best["rescore"]}, "recall@10": recall(r["found"], qv_truth),
            "p50_ms": 1000 * float(np.median(r["lat"])), "p99_ms": 1000 * float(np.percentile(r["lat"], 99)),
            "peak_rss_bytes": r["peak_rss"]}  # fmt: skip


def _set_rescore(col_path: Path, rescore: int) -> None:
    import sqlite3

    db = sqlite3.connect(col_path / "collection.db")
    with db:
        db.execute("INSERT OR REPLACE INTO settings VALUES ('rescore', ?)", (str(rescore),))
    db.close()


def part_large(work: Path, model: Path, n_vectors: int, n_lance: int) -> dict[str, Any]:
    from embedlab.encoders import load_encoder
    from embedlab.store.encode_corpus import encode_corpus

    rows, count = work / f"windows-{n_vectors}.txt", work / f"windows-{n_vectors}.count"
    if not (rows.is_file() and count.is_file()):
        log("cutting windows")
        count.write_text(str(windows(n_vectors, rows.with_suffix(".tmp"))))
        rows.with_suffix(".tmp").replace(rows)
    store = work / f"windows-{n_vectors}-store"
    t = time.perf_counter()
    encode_corpus([rows], store, model=str(model), shard_rows=100_000, batch_size=1024, show_progress="log")
    encode_seconds = time.perf_counter() - t
    queries = query_sentences(STS, 1000, 0)
    val_queries = query_sentences(STS_VALIDATION, 200, 1)
    enc = load_encoder(str(model))
    qv, val_qv = enc.encode(queries), enc.encode(val_queries)
    log("exact search for the truth")
    truth, val_truth = exact_truth(store, qv, 10), exact_truth(store, val_qv, 10)
    out: dict[str, Any] = {"windows": int(count.read_text()), "encode_seconds": encode_seconds,
                           "store_bytes": folder_bytes(store), "queries": len(queries),
                           "validation_queries": len(val_queries), "dim": int(qv.shape[1])}  # fmt: skip
    out["embedlab"] = our_side(store, "collection", None, queries, val_queries, truth, val_truth, work)
    log("embedlab", out["embedlab"])
    n_lance = min(n_lance, out["windows"])
    truth_l, val_truth_l = exact_truth(store, qv, 10, n_lance), exact_truth(store, val_qv, 10, n_lance)
    out["embedlab_at_lancedb_size"] = our_side(store, "collection-small", n_lance, queries, val_queries, truth_l,
                                               val_truth_l, work)  # fmt: skip
    out["lancedb"] = lancedb_side(store, n_lance, model, queries, val_queries, truth_l, val_truth_l, work)
    log("lancedb", out["lancedb"])
    return out


# ------------------------------------------------------------------------------------------------ run
def measure(args: argparse.Namespace) -> dict:
    args.work.mkdir(parents=True, exist_ok=True)
    parts = Parts(args.json.with_suffix(".partial.json"), {"vectors": args.vectors, "lancedb": args.lancedb_vectors})
    chosen = args.part or list(PARTS)
    out: dict[str, Any] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="scale-", dir=args.work) as tmp:
        work = Path(tmp)
        if "ray" in chosen:
            out["ray"] = parts.get("ray", lambda: part_ray(work))
        model = distilled(args.work) if {"resume", "large"} & set(chosen) else None
        if "resume" in chosen:
            out["resume"] = parts.get("resume", lambda: part_resume(work, model))
        if "large" in chosen:
            out["large"] = parts.get("large", lambda: part_large(args.work, model, args.vectors, args.lancedb_vectors))
    out["versions"] = versions("ray", "lancedb", "faiss-cpu", "pyarrow", "torch")
    out["date"] = time.strftime("%Y-%m-%d")
    return out


# ------------------------------------------------------------------------------------------------ report
def markdown(res: dict) -> str:
    lines = ["Scale, one run (`benchmarks/scale.py`, JSON `benchmarks/results/scale.json`), "
             f"{res.get('cores', '?')} cores."]  # fmt: skip
    if "ray" in res:
        r = res["ray"]
        lines += ["", f"**Ray Data against the local loop** ({r['passages']:,} SciFact passages, MiniLM, batch 64, "
                  f"medians of two alternating runs each): local {r['median_seconds']['local']:.1f} s, Ray "
                  f"{r['median_seconds']['ray']:.1f} s: **{r['ratio']:.2f}×** (target ≤ 1.15×); Ray's own start "
                  f"{r['ray_start_seconds']:.1f} s apart; same ids {r['same_ids']}, largest vector difference "
                  f"{r['max_abs_diff']:.1e}."]  # fmt: skip
    if "resume" in res:
        r = res["resume"]
        lines += ["", f"**Resume**: a {r['rows']:,}-row encode killed (SIGKILL) {r['kills']} times at random moments, "
                  f"{r['runs']} runs in all: every row exactly once: **{r['every_row_once']}**; the vectors of a run "
                  f"never killed: {r['same_vectors']}."]  # fmt: skip
    if "large" in res:
        g = res["large"]
        lines += ["", f"**{g['windows']:,} real vectors** (16-word windows, stride 4, of the English and Korean "
                  f"Wikipedia parts; the distilled static encoder, {g['dim']}-d; encoded in "
                  f"{g['encode_seconds']:.0f} s into a {g['store_bytes'] / 2**30:.1f} GiB store), {g['queries']:,} "
                  "query sentences not in it "
                  "(STS-B and KorSTS test), one at a time; settings chosen on "
                  f"{g['validation_queries']} other sentences (STS-B and KorSTS dev):", "",
                  "| system | vectors | chosen | recall@10 | p50 ms | p99 ms | peak RSS | build s | disk |",
                  "|---|---:|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
        for name, key in (("embedlab collection (binary codes, rescored from disk)", "embedlab"),
                          ("embedlab collection (binary codes, rescored from disk)", "embedlab_at_lancedb_size"),
                          ("LanceDB (embedded, IVF-PQ)", "lancedb")):  # fmt: skip
            if key not in g:
                continue
            s = g[key]
            lines.append(f"| {name} | {s['vectors']:,} | {json.dumps(s['chosen'])} | {s['recall@10']:.3f} | "
                         f"{s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {s['peak_rss_bytes'] / 2**30:.2f} GiB | "
                         f"{s['build_seconds']:.0f} | {s['disk_bytes'] / 2**30:.1f} GiB |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
