"""``embedlab train word2vec|glove|fasttext`` (``node2vec`` is in cli/graph.py); defaults come from the configs."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import VectorFormat, console, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._options import DocTagsOpt, ForceOpt
from embedlab.train.config import FastTextConfig as FT
from embedlab.train.config import GloVeConfig as GV
from embedlab.train.config import Word2VecConfig as W2V

app = typer.Typer(
    help="Train word embeddings (word2vec, glove, fasttext), node embeddings (node2vec) or recommenders "
    "(als, bpr, item2vec).",
    no_args_is_help=True,
)


class Arch(StrEnum):
    skipgram = "skipgram"
    cbow = "cbow"


class Tok(StrEnum):
    unicode = "unicode"
    whitespace = "whitespace"
    kiwi = "kiwi"
    kiwi_content = "kiwi-content"


TOK_HELP = (
    "unicode (lowercased words), whitespace (pre-tokenized), kiwi (Korean morphemes) or kiwi-content "
    "(Korean morphemes without particles and endings: the best Korean word vectors, see BENCHMARKS.md)."
)


class GloveOutput(StrEnum):
    sum = "sum"
    word = "word"
    concat = "concat"


class Subword(StrEnum):
    char = "char"
    jamo = "jamo"


# enum defaults, read from the configs
_W2V_ARCH, _FT_ARCH = Arch(W2V.arch), Arch(FT.arch)
_FT_SUBWORD, _GV_OUTPUT = Subword(FT.subword), GloveOutput(GV.output)


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
    arch: Annotated[Arch, typer.Option(help="skipgram or cbow.")] = _W2V_ARCH,
    dim: Annotated[int, typer.Option(help="Vector size.")] = W2V.dim,
    window: Annotated[int, typer.Option(help="Max distance between a word and its context.")] = W2V.window,
    negative: Annotated[int, typer.Option(help="Noise words per positive pair.")] = W2V.negative,
    sample: Annotated[float, typer.Option(help="Subsampling threshold for frequent words (0 = off).")] = W2V.sample,
    min_count: Annotated[int, typer.Option(help="Ignore words seen fewer times.")] = W2V.min_count,
    epochs: Annotated[int, typer.Option(help="Passes over the corpus.")] = W2V.epochs,
    alpha: Annotated[
        float | None, typer.Option(help="Start learning rate (default: 0.025 skipgram, 0.05 cbow).")
    ] = None,
    min_alpha: Annotated[float, typer.Option(help="Final learning rate.")] = W2V.min_alpha,
    threads: Annotated[int | None, typer.Option(help="Worker threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (with --threads 1: bit-identical runs).")] = W2V.seed,
    tokenizer: Annotated[Tok, typer.Option(help=TOK_HELP)] = Tok.unicode,
    skip_doc_tags: DocTagsOpt = None,
    jsonl_field: Annotated[str | None, typer.Option(help="Read JSON lines and train on this field.")] = None,
    format: Annotated[VectorFormat, typer.Option("--format", help="Output format.")] = VectorFormat.native,
    cache: Annotated[bool, typer.Option(help="Reuse the encoded corpus on the next run.")] = True,
    force: ForceOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Train Word2Vec (skip-gram or CBOW, negative sampling) and save the vectors.

    Example: embedlab train word2vec corpus.txt.xz -o model --arch cbow --epochs 5
    """
    from embedlab.train.word2vec import Word2Vec

    w2v = Word2Vec(
        dim=dim, window=window, negative=negative, sample=sample, min_count=min_count, epochs=epochs,
        arch=arch.value, alpha=alpha, min_alpha=min_alpha, threads=threads, seed=seed,
    )  # fmt: skip
    _train_and_save(
        w2v, f"word2vec {arch.value}", corpus, output, format, tokenizer, skip_doc_tags, jsonl_field, cache,
        json_out, quiet, {"arch": arch.value}, force,
    )  # fmt: skip


@app.command("glove")
@handle_errors
def glove(
    corpus: Annotated[
        list[Path] | None,
        typer.Argument(help="Text file(s) or folder(s), one sentence per line. Leave out for the demo corpus."),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the model.")] = Path("model"),
    dim: Annotated[int, typer.Option(help="Vector size.")] = GV.dim,
    window: Annotated[int, typer.Option(help="Symmetric window; counts weighted by 1/distance.")] = GV.window,
    min_count: Annotated[int, typer.Option(help="Ignore words seen fewer times.")] = GV.min_count,
    epochs: Annotated[int, typer.Option(help="Passes over the co-occurrence entries.")] = GV.epochs,
    x_max: Annotated[
        float, typer.Option(help="Counts at or above this get full weight (try 10 on small corpora).")
    ] = GV.x_max,
    alpha: Annotated[float, typer.Option(help="Exponent of the weighting function.")] = GV.alpha,
    eta: Annotated[float, typer.Option(help="AdaGrad's initial learning rate.")] = GV.eta,
    bias_eta: Annotated[
        float | None,
        typer.Option(help="The biases' rate (default: --eta, as the GloVe paper; 1.0: the C tool's current rule)."),
    ] = GV.bias_eta,
    vectors: Annotated[GloveOutput, typer.Option(help="sum (W + W̃), word (W only) or concat.")] = _GV_OUTPUT,
    memory_mb: Annotated[
        int, typer.Option(help="Memory for counting; past it sorted runs spill to disk.")
    ] = GV.memory_mb,
    threads: Annotated[int | None, typer.Option(help="Worker threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (with --threads 1: bit-identical runs).")] = GV.seed,
    tokenizer: Annotated[Tok, typer.Option(help=TOK_HELP)] = Tok.unicode,
    skip_doc_tags: DocTagsOpt = None,
    jsonl_field: Annotated[str | None, typer.Option(help="Read JSON lines and train on this field.")] = None,
    format: Annotated[VectorFormat, typer.Option("--format", help="Output format.")] = VectorFormat.native,
    cache: Annotated[bool, typer.Option(help="Reuse the encoded corpus on the next run.")] = True,
    force: ForceOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Train GloVe (co-occurrence counts + weighted least squares, AdaGrad) and save the vectors.

    Example: embedlab train glove corpus.txt.xz -o model --epochs 15 --x-max 100
    """
    from embedlab.train.glove import GloVe

    trainer = GloVe(
        dim=dim, window=window, min_count=min_count, epochs=epochs, x_max=x_max, alpha=alpha, eta=eta,
        bias_eta=bias_eta, output=vectors.value, memory_mb=memory_mb, threads=threads, seed=seed,
    )  # fmt: skip
    _train_and_save(
        trainer, "glove", corpus, output, format, tokenizer, skip_doc_tags, jsonl_field, cache, json_out, quiet,
        {"x_max": x_max}, force,
    )  # fmt: skip


@app.command("fasttext")
@handle_errors
def fasttext(
    corpus: Annotated[
        list[Path] | None,
        typer.Argument(help="Text file(s) or folder(s), one sentence per line. Leave out for the demo corpus."),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the model.")] = Path("model"),
    arch: Annotated[Arch, typer.Option(help="skipgram or cbow.")] = _FT_ARCH,
    dim: Annotated[int, typer.Option(help="Vector size.")] = FT.dim,
    window: Annotated[int, typer.Option(help="Max distance between a word and its context.")] = FT.window,
    negative: Annotated[int, typer.Option(help="Noise words per positive pair.")] = FT.negative,
    sample: Annotated[float, typer.Option(help="Subsampling threshold for frequent words (0 = off).")] = FT.sample,
    min_count: Annotated[int, typer.Option(help="Ignore words seen fewer times.")] = FT.min_count,
    epochs: Annotated[int, typer.Option(help="Passes over the corpus.")] = FT.epochs,
    alpha: Annotated[float, typer.Option(help="Start learning rate (decays linearly to 0).")] = FT.alpha,
    minn: Annotated[int, typer.Option(help="Shortest character n-gram.")] = FT.minn,
    maxn: Annotated[int, typer.Option(help="Longest character n-gram (0: no n-grams).")] = FT.maxn,
    bucket: Annotated[
        int | None,
        typer.Option(help="Hash rows for n-grams (default: what the vocabulary's n-grams need, at most 2,000,000)."),
    ] = FT.bucket,
    subword: Annotated[
        Subword, typer.Option(help="char n-grams, or jamo (Hangul split into jamo first).")
    ] = _FT_SUBWORD,
    threads: Annotated[int | None, typer.Option(help="Worker threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (with --threads 1: bit-identical runs).")] = FT.seed,
    tokenizer: Annotated[Tok, typer.Option(help=TOK_HELP)] = Tok.unicode,
    skip_doc_tags: DocTagsOpt = None,
    jsonl_field: Annotated[str | None, typer.Option(help="Read JSON lines and train on this field.")] = None,
    format: Annotated[VectorFormat, typer.Option("--format", help="Output format (native keeps OOV vectors).")] = (
        VectorFormat.native
    ),
    cache: Annotated[bool, typer.Option(help="Reuse the encoded corpus on the next run.")] = True,
    force: ForceOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Train FastText (word + character n-gram vectors; vectors for unseen words) and save them.

    Example: embedlab train fasttext ko.txt --tokenizer kiwi --subword jamo -o model
    """
    from embedlab.train.fasttext import FastText

    trainer = FastText(
        dim=dim, window=window, negative=negative, sample=sample, min_count=min_count, epochs=epochs,
        arch=arch.value, alpha=alpha, minn=minn, maxn=maxn, bucket=bucket, subword=subword.value,
        threads=threads, seed=seed,
    )  # fmt: skip
    _train_and_save(
        trainer, f"fasttext {arch.value}", corpus, output, format, tokenizer, skip_doc_tags, jsonl_field, cache,
        json_out, quiet, {"arch": arch.value, "subword": subword.value}, force,
    )  # fmt: skip


def _train_and_save(
    trainer,
    title,
    corpus,
    output,
    format,
    tokenizer,
    skip_doc_tags,
    jsonl_field,
    cache,
    json_out,
    quiet,
    extra,
    force=False,
) -> None:
    from embedlab.io import check_output, save

    check_output(output, format.value, inputs=corpus or (), force=force)  # before any work

    with tempfile.TemporaryDirectory(prefix="embedlab-demo-") as tmp:
        if corpus:
            source: list[Path] | Path = list(corpus)
            corpus_name = ", ".join(str(c) for c in corpus)
        else:
            from embedlab.text.demo_corpus import write_demo_corpus

            source = write_demo_corpus(Path(tmp) / "demo.txt")
            corpus_name = "built-in demo corpus (synthetic, 60,000 sentences)"
        kv = trainer.fit(
            source,
            tokenizer=tokenizer.value,
            skip_doc_tags=skip_doc_tags,
            jsonl_field=jsonl_field,
            cache_dir=None if cache and corpus else False,
            progress=progress_enabled(quiet or json_out),
        )
    save(kv, output, format=format.value)
    report = trainer.report
    stats = trainer.corpus.stats if trainer.corpus is not None else {}
    result = {
        "model": str(output),
        "format": format.value,
        "corpus": corpus_name,
        **extra,
        "vocab_size": len(kv),
        "dim": kv.dim,
        "corpus_tokens": stats.get("n_tokens"),
        "raw_tokens": stats.get("n_raw_tokens"),
        "corpus_cache_hit": stats.get("cache_hit"),
        "corpus_build_seconds": stats.get("build_seconds"),
        "train_seconds": round(report.seconds, 3),
        "words_per_sec": round(report.words_per_sec, 1),
        "loss_per_epoch": [round(x, 6) for x in report.losses],
        "threads": report.threads,
    }
    cooc = getattr(trainer, "cooccurrence", None)
    if cooc is not None:
        result["cooccurrence"] = cooc.stats
        result.pop("words_per_sec")
    if json_out:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"{title} → {output}", show_header=True)
    table.add_column("epoch", justify="right")
    table.add_column("loss", justify="right")
    table.add_column("seconds", justify="right")
    if cooc is None:
        table.add_column("words/s", justify="right")
    for e in report.epochs:
        cells = [str(e.epoch), fmt(e.loss), f"{e.seconds:.2f}"]
        if cooc is None:
            cells.append(f"{e.words_per_sec:,.0f}")
        table.add_row(*cells)
    con = console()
    con.print(table)
    con.print(f"corpus: {corpus_name}\nvocabulary: {len(kv):,} words")
    if cooc is not None:
        con.print(
            f"co-occurrence: {cooc.nnz:,} entries in {cooc.stats['seconds']:.1f} s; training {report.seconds:.1f} s"
        )
    else:
        con.print(
            f"{report.corpus_tokens:,} tokens; {report.words_per_sec:,.0f} words/s on {report.threads} thread(s), "
            f"{report.seconds:.1f} s"
        )
    if not corpus:
        con.print(f"try:  embedlab similar {output} king")
        con.print(f"      embedlab analogy {output} man king woman")
