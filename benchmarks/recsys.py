"""Recommendation: every embedlab recommender and the baselines, in one run, on the same splits.

    .venv/bin/python benchmarks/recsys.py --update BENCHMARKS.md

**UCI Online Retail** (../shared/data/recsys/online_retail): purchases by known customers
(invoices not starting with C, quantity > 0, non-product stock codes such as POST, DOT, M, C2,
D, S, BANK CHARGES, AMAZONFEE, CRUK and gift vouchers dropped), weight = quantity. Training:
invoices up to 2011-10-31; test: a customer's items bought after it that they had not bought
before (seen items are never recommended). Rows: popularity, item-kNN (cosine, 100 neighbours),
ALS (15 iterations; factors, regularization and confidence scale chosen on the validation month),
BPR (64 factors, 100 iterations), item2vec over invoices with gensim's Word2Vec defaults, item2vec
tuned (a sweep of the Caselles-Dupré et al. parameters scored on a validation month cut from the
training data, never on the test), taste vectors (tuned item2vec, half-life chosen on the validation
month) and a hybrid of those with MiniLM vectors of the item descriptions (weight chosen there too;
content vectors only for items sold before the cutoff). Users' recommendations from item2vec are
their taste vectors without decay.

**DIGINETICA** sample (../shared/data/recsys/diginetica_sample): item-view sessions; the last 20% of
sessions by date are the test; each test session's last item is hidden and guessed from the rest.
Rows: popularity, session-kNN, item2vec default and tuned (next item from the recency-weighted mean).

Metrics at K = 10: HR, NDCG, MRR, catalogue coverage; fit seconds; recommendations per second.
Service latency: ``embedlab serve`` of the Online Retail ALS model in its own process, 1,000
sequential ``/v1/recommend`` requests for random users, p50 / p99. A goodbooks-10k table shows
similar books from title + author text alone (MiniLM).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import lzma
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, SHARED, measure_and_render, section_args, versions

DATA = SHARED / "data" / "recsys"
MARK_BEGIN = "<!-- recsys:begin -->"
MARK_END = "<!-- recsys:end -->"
K = 10
NOT_PRODUCTS = {"POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B"}
GENSIM_DEFAULTS = {"dim": 100, "window": 5, "negative": 5, "ns_exponent": 0.75, "sample": 1e-3, "epochs": 5}
#: the Caselles-Dupré et al. (2018) parameters: noise exponent (negative too), window, subsampling, epochs
SWEEP = {
    "ns_exponent": [-0.5, 0.0, 0.5, 0.75, 1.0],
    "window": [3, 10, 50],
    "sample": [0.0, 1e-3, 1e-5],
    "epochs": [5, 30],
}
SWEEP_BUDGET_S = 600
#: settings chosen on the validation month (HR@10), never on the test: ALS's factors, regularization and
#: confidence scale; the taste vectors' half-life (None: no decay); the hybrid's content weight
ALS_GRID = {"factors": [32, 64, 128], "regularization": [0.01, 0.1], "alpha": [1.0, 10.0]}
HALF_LIVES = [None, 7.0, 30.0, 90.0]
CONTENT_WEIGHTS = [0.1, 0.3, 0.5]


def online_retail(tmp: Path) -> tuple[Path, dict[str, str]]:
    """The filtered purchases as a TSV, and a description per stock code."""
    out = tmp / "retail.tsv"
    desc: dict[str, str] = {}
    with (
        lzma.open(DATA / "online_retail" / "online_retail.tsv.xz", "rt", encoding="utf-8") as fin,
        open(out, "w", encoding="utf-8") as fout,
    ):
        reader = csv.DictReader(fin, delimiter="\t", quoting=csv.QUOTE_NONE)
        fout.write("customer\titem\tqty\tinvoice\ttime\n")
        for r in reader:
            code = r["StockCode"]
            if (
                not r["CustomerID"]
                or r["InvoiceNo"].startswith("C")
                or float(r["Quantity"]) <= 0
                or code in NOT_PRODUCTS
                or code.lower().startswith("gift")
            ):
                continue
            desc.setdefault(code, r["Description"].strip().lower() or code)
            fout.write(f"{r['CustomerID']}\t{code}\t{r['Quantity']}\t{r['InvoiceNo']}\t{r['InvoiceDate']}\n")
    return out, desc


def diginetica(tmp: Path) -> Path:
    """Item views with one time column: the day plus the offset within the session."""
    out = tmp / "digi.tsv"
    with (
        open(DATA / "diginetica_sample" / "sample_train-item-views.csv", encoding="utf-8") as fin,
        open(out, "w", encoding="utf-8") as fout,
    ):
        fout.write("session\titem\ttime\n")
        for r in csv.DictReader(fin, delimiter=";"):
            t = np.datetime64(r["eventdate"], "s").astype(np.int64) + int(r["timeframe"]) // 1000
            fout.write(f"{r['session_id']}\t{r['item_id']}\t{t}\n")
    return out


def timed_eval(make, test) -> dict:
    """Fit (timed) with ``make()``, then score on ``test`` (timed: recommendations per second)."""
    from embedlab.recommend import evaluate_recommender

    t0 = time.perf_counter()
    model = make()
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = evaluate_recommender(model, test, k=K)
    rec_s = time.perf_counter() - t0
    return {**_metrics(res), "fit_seconds": fit_s, "recs_per_sec": res["cases"] / rec_s, "cases": res["cases"]}


def _metrics(res: dict) -> dict:
    return {m: res[f"{m}@{K}"] for m in ("hr", "ndcg", "mrr", "coverage")}


def sweep(train_fn, score_fn, budget_s: float) -> tuple[dict, list[dict], float]:
    """Every SWEEP combination in a seeded random order until the budget; the best by validation score."""
    combos = [dict(zip(SWEEP, vals, strict=True)) for vals in itertools.product(*SWEEP.values())]
    random.Random(1).shuffle(combos)
    t0 = time.perf_counter()
    tried = []
    for params in combos:
        if time.perf_counter() - t0 > budget_s:
            break
        tried.append({**params, "score": score_fn(train_fn(params))})
    best = max(tried, key=lambda r: r["score"])
    return {k: best[k] for k in SWEEP}, tried, time.perf_counter() - t0


def _sold(log) -> list[str]:
    """The items with an event in ``log`` (a split keeps the whole log's item list, sold later or not)."""
    return [log.items[i] for i in np.unique(log.item_ids)]


def retail_rows(tmp: Path, budget: float) -> dict:
    from embedlab.encoders import load_encoder
    from embedlab.recommend import (
        ALS,
        BPR,
        Item2Vec,
        ItemKNN,
        Popularity,
        Taste,
        content_vectors,
        evaluate_recommender,
        read_events,
    )

    path, desc = online_retail(tmp)
    log = read_events(path, user="customer", item="item", weight="qty", time="time", session="invoice")
    train, test = log.split_by_time("2011-11-01")
    fit_part, valid = train.split_by_time("2011-10-01")  # the sweep's validation month, inside training
    rows: dict[str, dict] = {}
    chosen: dict[str, dict] = {}  # every setting below that was chosen, with its validation grid

    def on_validation(name: str, grid: dict[str, list], fit) -> dict:
        """The grid's best by HR@10 on the validation month (models fitted before it); recorded."""
        tried = []
        for vals in itertools.product(*grid.values()):
            params = dict(zip(grid, vals, strict=True))
            tried.append({**params, "hr@10": evaluate_recommender(fit(params), valid, k=K)[f"hr@{K}"]})
        best = max(tried, key=lambda r: r["hr@10"])
        chosen[name] = {"best": {k: best[k] for k in grid}, "tried": tried}
        return chosen[name]["best"]

    rows["popularity"] = timed_eval(lambda: Popularity().fit(train), test)
    rows["item-kNN"] = timed_eval(lambda: ItemKNN(100).fit(train), test)
    als_params = on_validation("ALS", ALS_GRID, lambda p: ALS(**p, iterations=15, threads=2).fit(fit_part))
    als = ALS(**als_params, iterations=15, threads=2)
    rows["ALS"] = timed_eval(lambda: als.fit(train), test)
    rows["BPR"] = timed_eval(lambda: BPR(factors=64, iterations=100, threads=2).fit(train), test)

    def item2vec(data, params):
        return Item2Vec(**{**GENSIM_DEFAULTS, **params}, min_count=1, threads=2, seed=1).fit(data, by="session")

    vectors: dict = {}

    def taste_over_item2vec(name, params, **kw):
        vectors[name] = item2vec(train, params)
        return Taste(vectors[name], **kw).fit(train)

    rows["item2vec (gensim defaults)"] = timed_eval(lambda: taste_over_item2vec("default", {}), test)

    def score(kv):
        return evaluate_recommender(Taste(kv).fit(fit_part), valid, k=K)[f"hr@{K}"]

    best, tried, sweep_s = sweep(lambda p: item2vec(fit_part, p), score, budget)
    rows["item2vec (tuned)"] = timed_eval(lambda: taste_over_item2vec("tuned", best), test)
    tuned_kv = vectors["tuned"]
    valid_kv = item2vec(fit_part, best)  # the tuned vectors as the validation month would have had them
    half_life = on_validation(
        "half-life", {"half_life_days": HALF_LIVES}, lambda p: Taste(valid_kv, **p).fit(fit_part)
    )["half_life_days"]
    rows[f"taste vectors (tuned item2vec, half-life {half_life})"] = timed_eval(
        lambda: Taste(tuned_kv, half_life_days=half_life).fit(train), test
    )
    encoder = load_encoder(None)
    # content vectors only for items sold before the cutoff: an item first sold after it is not in the
    # catalogue a recommender had on the cutoff day
    t0 = time.perf_counter()
    content = content_vectors(encoder, {x: desc.get(x, x) for x in _sold(train)})
    encode_s = time.perf_counter() - t0
    valid_content = content_vectors(encoder, {x: desc.get(x, x) for x in _sold(fit_part)})
    weight = on_validation(
        "hybrid weight",
        {"content_weight": CONTENT_WEIGHTS},
        lambda p: Taste(valid_kv, half_life_days=half_life, content=valid_content, **p).fit(fit_part),
    )["content_weight"]
    name = f"hybrid (taste + MiniLM descriptions, weight {weight})"
    rows[name] = timed_eval(
        lambda: Taste(tuned_kv, half_life_days=half_life, content=content, content_weight=weight).fit(train), test
    )
    rows[name]["fit_seconds"] += encode_s
    rows["content only (MiniLM descriptions)"] = timed_eval(
        lambda: Taste(tuned_kv, content=content, content_weight=1.0).fit(train), test
    )
    model_dir = tmp / "als-model"
    from embedlab.recommend.store import save_recommender

    save_recommender(als, model_dir)
    examples = {
        x: [desc.get(y, y) for y, _ in als.similar_items(x, 5)] for x in ("85123A", "22423", "21212") if x in log.items
    }
    return {
        "events": log.n_events,
        "users": log.n_users,
        "items": log.n_items,
        "train_events": train.n_events,
        "test_events": test.n_events,
        "rows": rows,
        "sweep": {
            "best": best,
            "tried": len(tried),
            "seconds": sweep_s,
            "combinations": int(np.prod([len(v) for v in SWEEP.values()])),
            "budget_seconds": budget,
        },
        "chosen_on_validation": chosen,
        "latency": latency(model_dir, train.users),
        "als_similar": {desc.get(x, x): v for x, v in examples.items()},
    }


def digi_rows(tmp: Path, budget: float) -> dict:
    from embedlab.recommend import Interactions, Item2Vec, NextItem, SessionKNN, evaluate_next_item, read_events

    log = read_events(diginetica(tmp), user="session", item="item", time="time", session="session")
    seqs = log.sequences("session")
    sessions = list(seqs.iter_sentences())  # sessions come in the order of their first event
    cut = int(0.8 * len(sessions))
    train_s = sessions[:cut]
    test_s = [s for s in sessions[cut:] if len(s) >= 2]
    train_log = Interactions.from_records([(f"s{n}", x, 1, j) for n, s in enumerate(train_s) for j, x in enumerate(s)])
    train_seqs = train_log.sequences("user")
    rows: dict[str, dict] = {}

    class Pop:
        def __init__(self) -> None:
            counts = np.bincount(train_seqs.tokens, minlength=len(train_seqs.vocab))
            self.top = [train_seqs.vocab.words[i] for i in np.argsort(-counts, kind="stable")[:100]]
            self.items = train_seqs.vocab.words

        def recommend(self, items, k=10):
            return [(x, 0.0) for x in self.top if x not in items][:k]

    def run(name, make):
        t0 = time.perf_counter()
        model = make()
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = evaluate_next_item(model, test_s, k=K)
        rows[name] = {
            **_metrics(res),
            "fit_seconds": fit_s,
            "recs_per_sec": res["cases"] / (time.perf_counter() - t0),
            "cases": res["cases"],
        }
        return model

    run("popularity", Pop)
    run("session-kNN (100 neighbours)", lambda: SessionKNN(100).fit(train_seqs))

    def i2v(params):
        return Item2Vec(**{**GENSIM_DEFAULTS, **params}, min_count=1, threads=2, seed=1).fit(train_seqs)

    run("item2vec (gensim defaults)", lambda: NextItem(i2v({})))
    valid_cut = int(0.8 * len(train_s))  # tuned on the last 20% of training sessions
    fit_log = Interactions.from_records(
        [(f"s{n}", x, 1, j) for n, s in enumerate(train_s[:valid_cut]) for j, x in enumerate(s)]
    )
    valid = [s for s in train_s[valid_cut:] if len(s) >= 2]

    def score(kv):
        return evaluate_next_item(NextItem(kv), valid, k=K)[f"hr@{K}"]

    best, tried, sweep_s = sweep(
        lambda p: Item2Vec(**{**GENSIM_DEFAULTS, **p}, min_count=1, threads=2, seed=1).fit(fit_log.sequences("user")),
        score,
        budget,
    )
    run("item2vec (tuned)", lambda: NextItem(i2v(best)))
    return {
        "sessions": len(sessions),
        "train_sessions": len(train_s),
        "test_sessions": len(test_s),
        "items": len(seqs.vocab),
        "rows": rows,
        "sweep": {"best": best, "tried": len(tried), "seconds": sweep_s},
    }


def latency(model_dir: Path, users: list[str], n: int = 1000) -> dict:
    import httpx

    from serve_load import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "embedlab", "serve", str(model_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("embedlab serve exited before it was ready")
            time.sleep(0.3)
        rng = random.Random(1)
        times = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for i in range(n + 50):
                t0 = time.perf_counter()
                r = client.post("/v1/recommend", json={"user": rng.choice(users), "k": K})
                dt = time.perf_counter() - t0
                if r.status_code != 200:
                    raise RuntimeError(r.text)
                if i >= 50:  # the first requests warm the process up
                    times.append(dt * 1000)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {
        "requests": n,
        "p50_ms": float(np.percentile(times, 50)),
        "p99_ms": float(np.percentile(times, 99)),
        "max_ms": float(max(times)),
    }


def goodbooks(n_examples: int = 4) -> dict:
    from embedlab.encoders import load_encoder
    from embedlab.recommend import content_vectors

    with lzma.open(DATA / "goodbooks10k" / "books.csv.xz", "rt", encoding="utf-8") as fh:
        books = {r["book_id"]: f"{r['title']} by {r['authors']}" for r in csv.DictReader(fh)}
    kv = content_vectors(load_encoder(None), books)
    picks = ["1", "3", "5", "18"][:n_examples]  # The Hunger Games, Twilight, The Great Gatsby, Harry Potter 3
    return {books[b]: [books[x] for x, _ in kv.most_similar(b, topn=5)] for b in picks}


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="embedlab-recsys-") as tmp:
        res = {
            "k": K,
            "versions": versions("embedlab", "implicit", "numpy", "scipy"),
            "online_retail": retail_rows(Path(tmp), args.sweep_budget),
            "diginetica": digi_rows(Path(tmp), args.sweep_budget),
            "goodbooks_similar": goodbooks(),
        }
    return res


def markdown(res: dict) -> str:
    r, d = res["online_retail"], res["diginetica"]
    pop_hr = r["rows"]["popularity"]["hr"]
    default_hr = r["rows"]["item2vec (gensim defaults)"]["hr"]
    lines = [
        f"JSON: `benchmarks/results/recsys.json`; implicit {res['versions']['implicit']}, K = {res['k']}.",
        "",
        f"**Online Retail**: {r['events']:,} purchase lines, {r['users']:,} customers, {r['items']:,} items; "
        f"{r['train_events']:,} lines up to 2011-10-31 for training, {r['rows']['popularity']['cases']:,} test "
        "customers with a new item after it.",
        "",
        "| model | HR@10 | NDCG@10 | MRR@10 | coverage | fit s | recs/s | HR vs popularity |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in r["rows"].items():
        lines.append(
            f"| {name} | {row['hr']:.4f} | {row['ndcg']:.4f} | {row['mrr']:.4f} | {row['coverage']:.3f} | "
            f"{row['fit_seconds']:.1f} | {row['recs_per_sec']:,.0f} | {row['hr'] / pop_hr:.2f}x |"
        )
    s = r["sweep"]
    tuned_hr = r["rows"]["item2vec (tuned)"]["hr"]
    lines += [
        "",
        f"item2vec sweep: {s['tried']} of {s['combinations']} combinations of {SWEEP} in {s['seconds']:.0f} s "
        f"(budget {s['budget_seconds']} s), scored by HR@10 on October 2011 with models fitted before it; best "
        f"{s['best']}: tuned HR@10 = {tuned_hr / default_hr:.2f}x the defaults'.",
        "",
    ]
    for name, c in r["chosen_on_validation"].items():
        grid = ", ".join(f"{k} in {sorted({t[k] for t in c['tried']}, key=str)}" for k in c["best"])
        lines.append(
            f"{name} chosen on the same validation month (HR@10 of models fitted before it) from {grid}: "
            f"{c['best']} ({max(t['hr@10'] for t in c['tried']):.4f} on validation)."
        )
    lines += [
        "",
        "The content rows (hybrid, content only) recommend only items sold before the cutoff, the catalogue "
        "a recommender had on that day.",
        "",
    ]
    lat = r["latency"]
    lines += [
        f"Service: `embedlab serve` of the ALS model, {lat['requests']:,} sequential `/v1/recommend` requests: "
        f"p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms.",
        "",
    ]
    d_default = d["rows"]["item2vec (gensim defaults)"]["hr"]
    lines += [
        f"**DIGINETICA sample**: {d['sessions']:,} sessions, {d['items']:,} items; next item of "
        f"{d['rows']['popularity']['cases']:,} later sessions.",
        "",
        "| model | HR@10 | NDCG@10 | MRR@10 | coverage | fit s | recs/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in d["rows"].items():
        lines.append(
            f"| {name} | {row['hr']:.4f} | {row['ndcg']:.4f} | {row['mrr']:.4f} | {row['coverage']:.3f} | "
            f"{row['fit_seconds']:.1f} | {row['recs_per_sec']:,.0f} |"
        )
    ds = d["sweep"]
    lines += [
        "",
        f"Sweep: {ds['tried']} combinations in {ds['seconds']:.0f} s (scored on the last 20% of training "
        f"sessions), best {ds['best']}: tuned HR@10 {d['rows']['item2vec (tuned)']['hr']:.4f} against "
        f"{d_default:.4f} with the defaults.",
        "",
        "Similar books from title and author text alone (goodbooks-10k, MiniLM):",
        "",
    ]
    for book, similar in res["goodbooks_similar"].items():
        lines.append(f"- *{book}* → " + "; ".join(similar[:4]))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sweep-budget", type=float, default=SWEEP_BUDGET_S, help="Seconds for each item2vec sweep.")
    section_args(ap, RESULTS / "recsys.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
