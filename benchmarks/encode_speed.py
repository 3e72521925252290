"""Sentence encoding speed: SentenceEncoder against SentenceTransformer.encode, float32 and bfloat16.

    .venv/bin/python benchmarks/encode_speed.py --update BENCHMARKS.md

The first ``--docs`` SciFact documents (default 1,000 of 5,183), batch 32, the bundled
all-MiniLM-L6-v2, one process, the same torch threads. Each tool gets the same work in each
precision: float32 against float32; bfloat16 autocast against sentence-transformers'
``encode`` under the same ``torch.autocast("cpu", dtype=torch.bfloat16)``. Runs alternate
between the configurations, ``--repeats`` of each; the median and the spread are reported, and
every bfloat16 output is compared with the float32 one (lowest cosine over the documents).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, SHARED, measure_and_render, section_args, versions

SCIFACT = SHARED / "data" / "retrieval" / "scifact"
MARK_BEGIN = "<!-- encode-speed:begin -->"
MARK_END = "<!-- encode-speed:end -->"
CONFIGS = ("sentence-transformers float32", "embedlab float32", "sentence-transformers bfloat16", "embedlab bfloat16")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    section_args(ap, RESULTS / "encode_speed.json")
    args = ap.parse_args()
    if not args.render and not SCIFACT.exists():
        sys.exit(f"SciFact not found: {SCIFACT} (the shared data folder beside the checkout)")
    measure_and_render(args, lambda: measure(args.docs, args.repeats), markdown, MARK_BEGIN, MARK_END)


def measure(n_docs: int, repeats: int) -> dict:
    import torch

    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.retrieval import read_beir

    texts = read_beir(SCIFACT).doc_texts[:n_docs]
    ours32 = SentenceEncoder()
    ours16 = SentenceEncoder(precision="bfloat16")
    st = ours32.model  # the same SentenceTransformer object, float32 weights

    def bf16() -> contextlib.AbstractContextManager:
        return torch.autocast("cpu", dtype=torch.bfloat16)

    run = {
        "sentence-transformers float32": lambda: st.encode(texts, batch_size=32, convert_to_numpy=True),
        "embedlab float32": lambda: ours32.encode(texts, batch_size=32, show_progress=False),
        "sentence-transformers bfloat16": lambda: _under(bf16(), lambda: st.encode(texts, batch_size=32)),
        "embedlab bfloat16": lambda: ours16.encode(texts, batch_size=32, show_progress=False),
    }
    for name in CONFIGS:  # warm-up: first calls pay for lazy initialisation
        _under(contextlib.nullcontext(), lambda name=name: run[name]())
    seconds: dict[str, list[float]] = {name: [] for name in CONFIGS}
    outputs: dict[str, np.ndarray] = {}
    for _ in range(repeats):
        for name in CONFIGS:
            t0 = time.perf_counter()
            out = run[name]()
            seconds[name].append(time.perf_counter() - t0)
            outputs[name] = np.asarray(out, dtype=np.float32)
    unit = {k: v / np.linalg.norm(v, axis=1, keepdims=True) for k, v in outputs.items()}
    ref = unit["sentence-transformers float32"]
    diff = float(np.abs(outputs["embedlab float32"] - outputs["sentence-transformers float32"]).max())
    median = {k: statistics.median(v) for k, v in seconds.items()}
    return {
        "docs": len(texts), "repeats": repeats, "batch_size": 32, "torch_threads": torch.get_num_threads(),
        "seconds": seconds, "median_seconds": median,
        "ratio_float32": median["sentence-transformers float32"] / median["embedlab float32"],
        "ratio_bfloat16": median["sentence-transformers bfloat16"] / median["embedlab bfloat16"],
        "min_cosine_to_st_float32": {k: float((u * ref).sum(axis=1).min()) for k, u in unit.items()},
        "max_abs_diff_float32": diff,
        "versions": versions("torch", "sentence-transformers", "transformers"),
        "date": time.strftime("%Y-%m-%d"),
    }  # fmt: skip


def _under(ctx: contextlib.AbstractContextManager, fn):
    with ctx:
        return fn()


def markdown(r: dict) -> str:
    v = r["versions"]
    rows = []
    for name in CONFIGS:
        s = r["seconds"][name]
        rows.append(
            f"| {name} | {r['median_seconds'][name]:.1f} | {min(s):.1f} – {max(s):.1f} | "
            f"{r['docs'] / r['median_seconds'][name]:.1f} | {r['min_cosine_to_st_float32'][name]:.5f} |"
        )
    return "\n".join(
        [
            f"First {r['docs']:,} SciFact documents, batch {r['batch_size']}, all-MiniLM-L6-v2, "
            f"{r['torch_threads']} torch threads, {r['repeats']} alternating runs of each, {r['date']}; "
            f"torch {v['torch']}, sentence-transformers {v['sentence-transformers']}, "
            f"transformers {v['transformers']}.",
            "",
            "| configuration | seconds (median) | min – max | texts/s | lowest cosine to ST float32 |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"**float32: {r['ratio_float32']:.2f}x** sentence-transformers (largest difference of any "
            f"vector component {r['max_abs_diff_float32']:.1e}); **bfloat16: {r['ratio_bfloat16']:.2f}x** "
            "sentence-transformers under the same bfloat16 autocast (medians). bfloat16 autocast against float32 on "
            f"this CPU: {_bf16_gain(r, 'embedlab'):.2f}x for embedlab, {_bf16_gain(r, 'sentence-transformers'):.2f}x "
            f"for sentence-transformers (CPU: {r.get('run', {}).get('cpu', '?')}).",
        ]
    )


def _bf16_gain(r: dict, tool: str) -> float:
    """How much faster ``tool`` encodes under bfloat16 autocast than in float32 (medians)."""
    return r["median_seconds"][f"{tool} float32"] / r["median_seconds"][f"{tool} bfloat16"]


def summary_rows(r: dict) -> list[dict]:
    link = "#sentence-encoding-speed"
    return [
        {
            "task": "MiniLM sentence encoding, float32",
            "peer": f"sentence-transformers {r['versions']['sentence-transformers']}",
            "ratio": f"{r['ratio_float32']:.2f}x",
            "quality": f"same vectors (max difference {r['max_abs_diff_float32']:.1e})",
            "differ": "none",
            "link": link,
        },
        {
            "task": "MiniLM sentence encoding, bfloat16 autocast",
            "peer": "sentence-transformers under the same autocast",
            "ratio": f"{r['ratio_bfloat16']:.2f}x (bfloat16 / float32 for embedlab: {_bf16_gain(r, 'embedlab'):.2f}x)",
            "quality": f"lowest cosine to float32 {r['min_cosine_to_st_float32']['embedlab bfloat16']:.5f}",
            "differ": "none",
            "link": link,
        },
    ]


if __name__ == "__main__":
    main()
