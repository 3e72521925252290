"""Korean: FastText with character vs jamo n-grams, and Word2Vec, on plain words vs Kiwi morphemes.

    python benchmarks/korean.py --update BENCHMARKS.md

Corpus: ../shared/data/text/ko_wiki_a.txt.xz (WikiExtractor tags dropped). Two
tokenizations: "words" (embedlab's default Unicode tokenizer: eojeol without punctuation)
and "morphemes" (Kiwi). Models: skip-gram Word2Vec, FastText with character n-grams and
FastText with jamo n-grams (Park et al., 2018); dim 100, window 5, negative 5, sample 1e-4,
min_count 5, 5 epochs, 2 threads. Scores: Spearman on the Korean WS-353 (FastText answers
unknown words from n-grams; the pairs column counts the pairs scored) and accuracy on the
Korean analogy set over the 30,000 most frequent words, with coverage.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from embedlab.vocab.build import build_corpus

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import update_section  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"
CORPUS = DATA / "text" / "ko_wiki_a.txt.xz"
WS = DATA / "word_eval" / "ko" / "WS353_korean.csv"
ANALOGY = DATA / "word_eval" / "ko" / "word_analogy_korean.txt"
MARK_BEGIN = "<!-- korean:begin -->"
MARK_END = "<!-- korean:end -->"
SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "threads": 2}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=HERE / "results" / "korean.json")
    ap.add_argument("--update", type=Path)
    args = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS} (the shared data folder beside the checkout)")
    from embedlab import FastText, Word2Vec, evaluate_analogies, evaluate_word_pairs

    rows = []
    with tempfile.TemporaryDirectory(prefix="ko-bench-") as cache:
        for tok in ("unicode", "kiwi"):
            t0 = time.perf_counter()
            corpus = build_corpus(CORPUS, tokenizer=tok, skip_doc_tags=True, min_count=5, cache_dir=cache)
            encode_seconds = time.perf_counter() - t0
            print(f"{tok}: {corpus} in {encode_seconds:.0f} s", file=sys.stderr)
            for name, make in (
                ("Word2Vec", lambda: Word2Vec(arch="skipgram", **SETTINGS)),
                ("FastText char", lambda: FastText(arch="skipgram", subword="char", **SETTINGS)),
                ("FastText jamo", lambda: FastText(arch="skipgram", subword="jamo", **SETTINGS)),
            ):
                t1 = time.perf_counter()
                kv = make().fit(corpus, progress=False)
                seconds = time.perf_counter() - t1
                ws = evaluate_word_pairs(kv, WS, answer_oov=True)
                an = evaluate_analogies(kv, ANALOGY, restrict_vocab=30_000)
                row = {
                    "tokens": "words" if tok == "unicode" else "morphemes",
                    "model": name,
                    "vocab": len(kv),
                    "corpus_tokens": corpus.n_tokens,
                    "encode_seconds": encode_seconds,
                    "train_seconds": seconds,
                    "ws353": ws["spearman"],
                    "ws_pairs": ws["pairs"],
                    "analogy": an["accuracy"],
                    "analogy_semantic": an["semantic"],
                    "analogy_syntactic": an["syntactic"],
                    "analogy_coverage": an["coverage"],
                }
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
                del kv
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2))
    lines = [
        f"Corpus ko_wiki_a ({rows[0]['corpus_tokens']:,} word tokens after min_count), skip-gram, "
        f"{json.dumps(SETTINGS)}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| tokens | model | vocab | train s | WS353-ko Spearman (pairs) | analogy-ko | semantic | syntactic "
        "| coverage |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['tokens']} | {r['model']} | {r['vocab']:,} | {r['train_seconds']:.0f} | {r['ws353']:.4f} "
            f"({r['ws_pairs']}) | {r['analogy']:.4f} | {r['analogy_semantic']:.4f} | {r['analogy_syntactic']:.4f} "
            f"| {r['analogy_coverage']:.1%} |"
        )
    md = "\n".join(lines)
    print(md)
    if args.update:
        update_section(args.update, MARK_BEGIN, MARK_END, md)


if __name__ == "__main__":
    main()
