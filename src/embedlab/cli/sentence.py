"""Sentence-level commands: encode, evaluate-sts, evaluate-retrieval, finetune."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import console, fmt, handle_errors, print_json, progress_enabled

PRECISION_HELP = (
    "Transformer models: float32 (as sentence-transformers) or bfloat16 (about 2.4x faster on CPUs with BF16)."
)


def _options(precision: str) -> dict:
    return {} if precision == "float32" else {"precision": precision}


MODEL_HELP = (
    "Encoder: a sentence-transformers folder, an embedlab word-vector model (mean/SIF pooling), "
    "or 'minilm' (the bundled all-MiniLM-L6-v2, the default)."
)


@handle_errors
def encode(
    input: Annotated[Path, typer.Argument(help="Text file (one text per line) or .jsonl with a text field.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the float32 [n, dim] .npy.")],
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)] = None,
    field: Annotated[str | None, typer.Option(help="JSON field holding the text (default: text).")] = None,
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 32,
    normalize: Annotated[bool, typer.Option(help="Scale vectors to unit length.")] = False,
    chunk: Annotated[
        bool, typer.Option(help="Encode long texts as overlapping chunks and pool them instead of truncating.")
    ] = False,
    overlap: Annotated[int, typer.Option(help="Tokens shared by neighbouring chunks (with --chunk).")] = 32,
    precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "float32",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Encode texts into a .npy matrix (row i = text i)."""
    import numpy as np

    from embedlab.cli._inputs import read_records
    from embedlab.encoders import load_encoder
    from embedlab.io.atomic import atomic_file

    texts = [r["text"] for r in read_records(input, field)]
    enc = load_encoder(model, **_options(precision))
    show = progress_enabled(quiet)
    info = ""
    if chunk:
        if not hasattr(enc, "encode_long"):
            raise typer.BadParameter("--chunk needs a transformer model")
        res = enc.encode_long(texts, overlap=overlap, batch_size=batch_size, normalize=normalize, show_progress=show)
        vecs = res.vectors
        info = f", {int(res.n_chunks.sum()):,} chunks ({int((res.n_chunks > 1).sum()):,} texts split)"
    else:
        vecs = enc.encode(texts, batch_size=batch_size, normalize=normalize, show_progress=show)
    with atomic_file(output) as fh:
        np.save(fh, vecs)
    typer.echo(f"wrote {vecs.shape[0]:,} x {vecs.shape[1]} vectors to {output}{info}", err=True)


@handle_errors
def evaluate_sts(
    files: Annotated[list[Path], typer.Argument(help="STS files (STS Benchmark .csv, KorSTS .tsv, .jsonl).")],
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help=MODEL_HELP + " Repeat to compare models.")
    ] = None,
    pooling: Annotated[
        str, typer.Option(help="For word-vector models: 'mean', 'sif' or 'mean,sif' (one row each).")
    ] = "mean,sif",
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 32,
    precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "float32",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Spearman correlation of cosine similarity with gold STS scores, one row per model and file."""
    from embedlab.encoders import load_encoder
    from embedlab.encoders.transformer import is_sentence_transformers_folder
    from embedlab.eval.sts import evaluate_sts as run
    from embedlab.eval.sts import read_sts

    datasets = [read_sts(f) for f in files]
    rows = []
    for spec in model or [None]:
        poolings = [None]
        if spec not in (None, "minilm") and not is_sentence_transformers_folder(spec):
            poolings = [p.strip() for p in pooling.split(",") if p.strip()]
        for pool in poolings:
            enc = load_encoder(spec, **_options(precision)) if pool is None else load_encoder(spec, pooling=pool)
            label = (spec or "minilm") + ("" if pool is None else f" ({pool})")
            for ds in datasets:
                r = run(enc, ds, batch_size=batch_size, show_progress=progress_enabled(quiet))
                rows.append({"model": label, **r})
    if json_out:
        print_json({"results": rows})
        return
    from rich.table import Table

    t = Table(title="semantic textual similarity (Spearman of cosine)")
    for col in ("model", "dataset", "spearman", "pearson", "pairs", "seconds"):
        t.add_column(col, justify="left" if col in ("model", "dataset") else "right")
    for r in rows:
        t.add_row(
            r["model"], r["dataset"], fmt(r["spearman"]), fmt(r["pearson"]), str(r["pairs"]), f"{r['seconds']:.1f}"
        )
    console().print(t)


@handle_errors
def evaluate_retrieval(
    folder: Annotated[Path, typer.Argument(help="BEIR-layout folder (corpus.jsonl, queries.jsonl, qrels).")],
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)] = None,
    split: Annotated[str, typer.Option(help="Which qrels to score.")] = "test",
    index: Annotated[str, typer.Option(help="exact, hnsw or ivf.")] = "exact",
    k: Annotated[int, typer.Option(help="Documents retrieved per query.")] = 100,
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 32,
    precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "float32",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """nDCG@10, Recall@100, MRR and MAP of cosine ranking on a BEIR dataset."""
    from embedlab.encoders import load_encoder
    from embedlab.eval.retrieval import evaluate_retrieval as run
    from embedlab.eval.retrieval import read_beir

    data = read_beir(folder, split)
    enc = load_encoder(model, **_options(precision))
    r = run(enc, data, index=index, k=k, batch_size=batch_size, show_progress=progress_enabled(quiet))
    r["model"] = model or "minilm"
    if json_out:
        print_json(r)
        return
    from rich.table import Table

    t = Table(title=f"retrieval on {data.name} ({r['queries']} queries, {r['documents']:,} documents, {index})")
    t.add_column("k", justify="right")
    for col in ("nDCG", "Recall", "MRR", "MAP"):
        t.add_column(col, justify="right")
    for kk in (1, 3, 5, 10, 100):
        if f"ndcg@{kk}" in r:
            t.add_row(str(kk), *(fmt(r[f"{m}@{kk}"]) for m in ("ndcg", "recall", "mrr", "map")))
    console().print(t)


@handle_errors
def finetune(
    train: Annotated[Path, typer.Argument(help="Pairs: STS file (scored), 2-column TSV or .jsonl.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the fine-tuned model.")],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Start from this sentence-transformers folder.")
    ] = None,
    loss: Annotated[
        str, typer.Option(help="auto, cosent, cosine (scored pairs) or mnrl (in-batch negatives).")
    ] = "auto",
    epochs: Annotated[int, typer.Option(help="Passes over the pairs.")] = 1,
    batch_size: Annotated[int, typer.Option(help="Pairs per step.")] = 16,
    learning_rate: Annotated[float, typer.Option("--lr", help="Peak learning rate (AdamW).")] = 2e-5,
    evaluate: Annotated[
        Path | None, typer.Option("--eval", help="STS file scored before and after fine-tuning.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Fine-tune a sentence encoder on your pairs; writes a sentence-transformers folder."""
    from embedlab.encoders.finetune import finetune as run
    from embedlab.encoders.finetune import read_pairs
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.sts import evaluate_sts as sts
    from embedlab.eval.sts import read_sts

    pairs = read_pairs(train)
    report: dict = {}
    if evaluate is not None:
        test = read_sts(evaluate)
        report["before"] = sts(SentenceEncoder(model), test)
    r = run(pairs, output, model=model, loss=loss, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
            show_progress=progress_enabled(quiet))  # fmt: skip
    report.update(r.to_dict())
    if evaluate is not None:
        report["after"] = sts(SentenceEncoder(output), test)
    if json_out:
        print_json(report)
        return
    con = console()
    con.print(f"fine-tuned on {r.pairs:,} pairs ({r.loss}, {r.epochs} epoch(s), {r.steps} steps) in {r.seconds:.0f} s")
    if evaluate is not None:
        b, a = report["before"]["spearman"], report["after"]["spearman"]
        con.print(f"{test.name}: Spearman {b:.4f} -> {a:.4f} ({a - b:+.4f})")
    con.print(f"saved to {output}")
