"""``embedlab words evaluate`` and ``embedlab sentences evaluate-sts|nli|retrieval``: scores of models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab.cli._common import console, fail, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._options import MODEL_HELP, PRECISION_HELP, encoder_options


@handle_errors
def evaluate(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    analogies: Annotated[
        list[Path] | None,
        typer.Option(
            "--analogies",
            "-a",
            help="Analogy file(s) (': section' + 'a b c d' lines); default: the bundled Google set.",
        ),
    ] = None,
    pairs: Annotated[
        list[Path] | None,
        typer.Option(
            "--pairs", "-p", help="Word-pair file(s) 'w1 w2 score'; default: the bundled WordSim-353 and SimLex-999."
        ),
    ] = None,
    restrict_vocab: Annotated[int, typer.Option(help="Analogy candidates: this many most frequent words.")] = 30_000,
    sections: Annotated[bool, typer.Option(help="Show per-section analogy accuracy.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with every score.")] = False,
) -> None:
    """Score a model on word-similarity (Spearman) and analogy (3CosAdd, 3CosMul) sets.

    Without --analogies / --pairs it uses the bundled English sets.
    """
    from embedlab.eval import bundled_path, evaluate_analogies, evaluate_word_pairs
    from embedlab.io import load

    kv = load(model)
    analogy_files: list[Path] = list(analogies) if analogies else [bundled_path("questions-words")]
    pair_files: list[Path] = list(pairs) if pairs else [bundled_path("wordsim353"), bundled_path("simlex999")]
    results: dict[str, Any] = {"model": str(model), "word_pairs": [], "analogies": []}
    for f in pair_files:
        results["word_pairs"].append(evaluate_word_pairs(kv, f))
    for f in analogy_files:
        for method in ("add", "mul"):
            results["analogies"].append(evaluate_analogies(kv, f, restrict_vocab=restrict_vocab, method=method))
    if json_out:
        print_json(results)
        return
    from rich.table import Table

    con = console()
    t = Table(title="word similarity")
    for col in ("set", "spearman", "pearson", "pairs", "oov"):
        t.add_column(col, justify="left" if col == "set" else "right")
    for r in results["word_pairs"]:
        t.add_row(r["name"], fmt(r["spearman"]), fmt(r["pearson"]), str(r["pairs"]), f"{r['oov_ratio']:.1%}")
    con.print(t)
    t = Table(title=f"analogies (top {restrict_vocab:,} words)")
    for col in ("set", "method", "accuracy", "semantic", "syntactic", "answered", "coverage"):
        t.add_column(col, justify="left" if col in ("set", "method") else "right")
    for r in results["analogies"]:
        t.add_row(
            r["name"], r["method"], fmt(r["accuracy"]), fmt(r["semantic"]), fmt(r["syntactic"]),
            str(r["answered"]), f"{r['coverage']:.1%}",
        )  # fmt: skip
    con.print(t)
    if sections:
        t = Table(title="analogy sections (3CosAdd)")
        for col in ("section", "accuracy", "answered", "oov"):
            t.add_column(col, justify="left" if col == "section" else "right")
        for r in results["analogies"]:
            if r["method"] == "3CosAdd":
                for s in r["sections"]:
                    t.add_row(s["section"], fmt(s["accuracy"]), str(s["answered"]), str(s["oov"]))
        con.print(t)


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
    from embedlab.encoders.factory import is_word_vectors_spec, require_encoder
    from embedlab.eval.sts import evaluate_sts as run
    from embedlab.eval.sts import read_sts

    chosen = [p.strip() for p in pooling.split(",") if p.strip()]
    if not chosen or any(p not in ("mean", "sif") for p in chosen):
        fail(f"--pooling takes 'mean', 'sif' or 'mean,sif', got {pooling!r}")
    for spec in list(model) if model else [None]:
        require_encoder(spec)
    datasets = [read_sts(f) for f in files]
    rows = []
    specs: list[str | None] = list(model) if model else [None]
    for spec in specs:
        poolings: list[str | None] = [None]
        if is_word_vectors_spec(spec):
            poolings = list(chosen)
        for pool in poolings:
            enc = load_encoder(spec, **encoder_options(precision)) if pool is None else load_encoder(spec, pooling=pool)
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
    folder: Annotated[
        Path,
        typer.Argument(
            help="BEIR-layout folder (corpus.jsonl, queries.jsonl, qrels), or a SQuAD-format file such as "
            "KorQuAD_v1.0_dev.json(.xz): questions retrieve their paragraphs."
        ),
    ],
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)] = None,
    method: Annotated[
        str, typer.Option(help="dense (the model), lexical (BM25, no model) or hybrid (both, rank-fused).")
    ] = "dense",
    language: Annotated[
        str | None, typer.Option(help="Language of the texts for BM25: en, ko (Kiwi morphemes), ...")
    ] = None,
    fusion: Annotated[
        str, typer.Option(help="How hybrid fuses the rankings: rrf (reciprocal rank) or linear (scaled scores).")
    ] = "rrf",
    split: Annotated[str, typer.Option(help="Which qrels to score.")] = "test",
    index: Annotated[str, typer.Option(help="exact, hnsw, ivf, int8, binary (rescored) or pq.")] = "exact",
    k: Annotated[int, typer.Option(help="Documents retrieved per query.")] = 100,
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 32,
    precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "float32",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """nDCG, Recall, MRR and MAP of dense, lexical (BM25) or hybrid ranking on a BEIR dataset or a SQuAD file.

    Example: embedlab sentences evaluate-retrieval KorQuAD_v1.0_dev.json.xz -m e5 --method hybrid --language ko
    """
    from embedlab._deps import require
    from embedlab.encoders import load_encoder
    from embedlab.encoders.factory import require_encoder
    from embedlab.eval.retrieval import evaluate_retrieval as run
    from embedlab.eval.retrieval import read_beir
    from embedlab.eval.squad import read_squad

    if method != "dense":
        require("bm25s", extra="search")
    if method != "lexical":
        require_encoder(model)
    data = read_squad(folder) if folder.is_file() else read_beir(folder, split)
    enc = None if method == "lexical" else load_encoder(model, **encoder_options(precision))
    r = run(
        enc,
        data,
        method=method,
        language=language,
        fusion=fusion,
        index=index,
        k=k,
        batch_size=batch_size,
        show_progress=progress_enabled(quiet),
    )
    r["model"] = "bm25" if method == "lexical" else model or "minilm"
    if json_out:
        print_json(r)
        return
    from rich.table import Table

    how = index if method == "dense" else method
    t = Table(title=f"retrieval on {data.name} ({r['queries']} queries, {r['documents']:,} documents, {how})")
    t.add_column("k", justify="right")
    for col in ("nDCG", "Recall", "MRR", "MAP"):
        t.add_column(col, justify="right")
    for kk in (1, 3, 5, 10, 20, 100):
        if f"ndcg@{kk}" in r:
            t.add_row(str(kk), *(fmt(r[f"{m}@{kk}"]) for m in ("ndcg", "recall", "mrr", "map")))
    console().print(t)


@handle_errors
def evaluate_nli(
    train: Annotated[Path, typer.Argument(help="Labelled pairs the logistic head learns from (e.g. xnli.dev.ko.tsv).")],
    test: Annotated[Path, typer.Argument(help="Labelled pairs it is scored on (e.g. xnli.test.ko.tsv).")],
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help=MODEL_HELP + " Repeat to compare models.")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 64,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """NLI accuracy of a logistic head on frozen pair features [u, v, |u-v|, u*v], one row per model.

    Example: embedlab sentences evaluate-nli xnli.dev.ko.tsv xnli.test.ko.tsv -m e5 -m minilm
    """
    from embedlab._deps import require
    from embedlab.encoders import load_encoder
    from embedlab.encoders.factory import require_encoder
    from embedlab.eval.nli import evaluate_nli as run
    from embedlab.eval.nli import read_nli

    require("sklearn", extra="classify")  # the logistic head
    for spec in list(model) if model else [None]:
        require_encoder(spec)
    train_pairs, test_pairs = read_nli(train), read_nli(test)
    rows = []
    for spec in list(model) if model else [None]:
        r = run(load_encoder(spec), train_pairs, test_pairs, batch_size=batch_size)
        rows.append({"model": spec or "minilm", **r})
    if json_out:
        print_json({"results": rows})
        return
    from rich.table import Table

    t = Table(title=f"NLI: logistic head on pair features ({len(train_pairs):,} train, {len(test_pairs):,} test pairs)")
    for col in ("model", "accuracy", "majority", "seconds"):
        t.add_column(col, justify="left" if col == "model" else "right")
    for r in rows:
        t.add_row(r["model"], fmt(r["accuracy"]), fmt(r["majority"]), f"{r['seconds_encode']:.1f}")
    console().print(t)
