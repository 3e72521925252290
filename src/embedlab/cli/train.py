"""``embedlab words train word2vec|glove|fasttext``; every hyperparameter option comes from the configs."""

import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab._params import Config
from embedlab.cli._common import VectorFormat, console, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import DocTagsOpt, ForceOpt
from embedlab.train.config import FastTextConfig, GloVeConfig, Word2VecConfig


class Tok(StrEnum):
    unicode = "unicode"
    whitespace = "whitespace"
    kiwi = "kiwi"
    kiwi_content = "kiwi-content"


TOK_HELP = (
    "unicode (lowercased words), whitespace (pre-tokenized), kiwi (Korean morphemes) or kiwi-content "
    "(Korean morphemes without particles and endings: the best Korean word vectors, see BENCHMARKS.md)."
)

CorpusArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Text file(s) or folder(s), one sentence per line; .gz/.bz2/.xz read directly. Leave out "
        "to use the built-in demo corpus."
    ),
]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Where to write the model.")]
TokOpt = Annotated[Tok, typer.Option(help=TOK_HELP)]
JsonlOpt = Annotated[str | None, typer.Option(help="Read JSON lines and train on this field.")]
FormatOpt = Annotated[VectorFormat, typer.Option("--format", help="Output format.")]
CacheOpt = Annotated[bool, typer.Option(help="Reuse the encoded corpus on the next run.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def _command(
    name: str,
    config_cls: type[Config],
    make: Callable[[Any], Any],
    make_title: Callable[[Any], str],
    make_extra: Callable[[Any], dict[str, Any]],
    doc: str,
    format_help: str = "Output format.",
) -> Callable[..., None]:
    """One ``words train`` command: the arguments all three share, the trainer's options from its config."""

    def command(
        corpus: CorpusArg = None,
        output: OutputOpt = Path("model"),
        tokenizer: TokOpt = Tok.unicode,
        skip_doc_tags: DocTagsOpt = None,
        jsonl_field: JsonlOpt = None,
        format: Annotated[VectorFormat, typer.Option("--format", help=format_help)] = VectorFormat.native,
        cache: CacheOpt = True,
        force: ForceOpt = False,
        json_out: JsonOpt = False,
        quiet: QuietOpt = False,
        *,
        config: Any,
    ) -> None:
        from embedlab.io import check_output, save

        trainer, title = make(config), make_title(config)

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
            **make_extra(config),
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
            con.print(f"try:  embedlab words similar {output} king")
            con.print(f"      embedlab words analogy {output} man king woman")

    command.__name__ = command.__qualname__ = name
    command.__doc__ = doc
    return handle_errors(with_config(config_cls)(command))


def _word2vec(config: Word2VecConfig) -> Any:
    from embedlab.train.word2vec import Word2Vec

    return Word2Vec(config)


def _glove(config: GloVeConfig) -> Any:
    from embedlab.train.glove import GloVe

    return GloVe(config)


def _fasttext(config: FastTextConfig) -> Any:
    from embedlab.train.fasttext import FastText

    return FastText(config)


word2vec = _command(
    "word2vec",
    Word2VecConfig,
    _word2vec,
    lambda c: f"word2vec {c.arch}",
    lambda c: {"arch": c.arch},
    """Train Word2Vec (skip-gram or CBOW, negative sampling) and save the vectors.

    Example: embedlab words train word2vec corpus.txt.xz -o model --arch cbow --epochs 5
    """,
)
glove = _command(
    "glove",
    GloVeConfig,
    _glove,
    lambda c: "glove",
    lambda c: {"x_max": c.x_max},
    """Train GloVe (co-occurrence counts + weighted least squares, AdaGrad) and save the vectors.

    Example: embedlab words train glove corpus.txt.xz -o model --epochs 15 --x-max 100
    """,
)
fasttext = _command(
    "fasttext",
    FastTextConfig,
    _fasttext,
    lambda c: f"fasttext {c.arch}",
    lambda c: {"arch": c.arch, "subword": c.subword},
    """Train FastText (word + character n-gram vectors; vectors for unseen words) and save them.

    Example: embedlab words train fasttext ko.txt --tokenizer kiwi --subword jamo -o model
    """,
    format_help="Output format (native keeps OOV vectors).",
)
