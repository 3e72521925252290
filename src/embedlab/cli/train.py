"""``embedlab train word2vec``."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import console, fmt, handle_errors, print_json, progress_enabled

app = typer.Typer(help="Train static word embeddings.", no_args_is_help=True)


class Arch(StrEnum):
    skipgram = "skipgram"
    cbow = "cbow"


class Tok(StrEnum):
    unicode = "unicode"
    whitespace = "whitespace"


class OutFormat(StrEnum):
    native = "native"
    word2vec_bin = "word2vec-bin"
    word2vec_txt = "word2vec-txt"


@app.command("word2vec")
@handle_errors
def word2vec(
    corpus: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Text file(s) or folder(s), one sentence per line; .gz/.bz2/.xz read directly. "
            "Leave out to use the built-in demo corpus."
        ),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the model.")] = Path("model"),
    arch: Annotated[Arch, typer.Option(help="skipgram or cbow.")] = Arch.skipgram,
    dim: Annotated[int, typer.Option(help="Vector size.")] = 100,
    window: Annotated[int, typer.Option(help="Max distance between a word and its context.")] = 5,
    negative: Annotated[int, typer.Option(help="Noise words per positive pair.")] = 5,
    sample: Annotated[float, typer.Option(help="Subsampling threshold for frequent words (0 = off).")] = 1e-3,
    min_count: Annotated[int, typer.Option(help="Ignore words seen fewer times.")] = 5,
    epochs: Annotated[int, typer.Option(help="Passes over the corpus.")] = 5,
    alpha: Annotated[
        float | None, typer.Option(help="Start learning rate (default: 0.025 skipgram, 0.05 cbow).")
    ] = None,
    min_alpha: Annotated[float, typer.Option(help="Final learning rate.")] = 0.0001,
    threads: Annotated[int | None, typer.Option(help="Worker threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (with --threads 1: bit-identical runs).")] = 1,
    tokenizer: Annotated[
        Tok, typer.Option(help="unicode (lowercased words) or whitespace (pre-tokenized).")
    ] = Tok.unicode,
    skip_doc_tags: Annotated[bool, typer.Option(help="Drop WikiExtractor <doc ...> and </doc> lines.")] = False,
    jsonl_field: Annotated[str | None, typer.Option(help="Read JSON lines and train on this field.")] = None,
    format: Annotated[OutFormat, typer.Option("--format", help="Output format.")] = OutFormat.native,
    cache: Annotated[bool, typer.Option(help="Reuse the encoded corpus on the next run.")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Train Word2Vec (skip-gram or CBOW, negative sampling) and save the vectors.

    Example: embedlab train word2vec corpus.txt.xz -o model --arch cbow --epochs 5
    """
    from embedlab.io import save
    from embedlab.train.word2vec import Word2Vec

    w2v = Word2Vec(
        dim=dim, window=window, negative=negative, sample=sample, min_count=min_count, epochs=epochs,
        arch=arch.value, alpha=alpha, min_alpha=min_alpha, threads=threads, seed=seed,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="embedlab-demo-") as tmp:
        if corpus:
            source: list[Path] | Path = list(corpus)
            corpus_name = ", ".join(str(c) for c in corpus)
        else:
            from embedlab.text.demo_corpus import write_demo_corpus

            source = write_demo_corpus(Path(tmp) / "demo.txt")
            corpus_name = "built-in demo corpus (synthetic, 60,000 sentences)"
        kv = w2v.fit(
            source,
            tokenizer=tokenizer.value,
            skip_doc_tags=skip_doc_tags,
            jsonl_field=jsonl_field,
            cache_dir=None if cache and corpus else False,
            progress=progress_enabled(quiet or json_out),
        )
    save(kv, output, format=format.value)
    report = w2v.report
    assert report is not None
    stats = w2v.corpus.stats if w2v.corpus is not None else {}
    result = {
        "model": str(output),
        "format": format.value,
        "corpus": corpus_name,
        "arch": arch.value,
        "vocab_size": len(kv),
        "dim": kv.dim,
        "corpus_tokens": report.corpus_tokens,
        "raw_tokens": stats.get("n_raw_tokens"),
        "corpus_cache_hit": stats.get("cache_hit"),
        "corpus_build_seconds": stats.get("build_seconds"),
        "train_seconds": round(report.seconds, 3),
        "words_per_sec": round(report.words_per_sec, 1),
        "loss_per_epoch": [round(x, 6) for x in report.losses],
        "threads": report.threads,
    }
    if json_out:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"word2vec {arch.value} → {output}", show_header=True)
    table.add_column("epoch", justify="right")
    table.add_column("loss", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("words/s", justify="right")
    for e in report.epochs:
        table.add_row(str(e.epoch), fmt(e.loss), f"{e.seconds:.2f}", f"{e.words_per_sec:,.0f}")
    con = console()
    con.print(table)
    con.print(
        f"corpus: {corpus_name}\nvocabulary: {len(kv):,} words, {report.corpus_tokens:,} tokens; "
        f"{report.words_per_sec:,.0f} words/s on {report.threads} thread(s), {report.seconds:.1f} s"
    )
    if not corpus:
        con.print(f"try:  embedlab similar {output} king")
        con.print(f"      embedlab analogy {output} man king woman")
