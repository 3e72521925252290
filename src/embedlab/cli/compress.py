"""``embedlab compress``: store a word-vector model smaller and show what it cost."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab.cli._common import console, fmt, handle_errors, print_json
from embedlab.cli._config_options import with_config
from embedlab.cli._options import ForceOpt
from embedlab.compress.distill import DistillConfig
from embedlab.encoders.prune import PruneConfig


class Method(StrEnum):
    float16 = "float16"
    int8 = "int8"
    binary = "binary"
    pq = "pq"


@handle_errors
def compress(
    model: Annotated[Path, typer.Argument(help="Word-vector model (any format embedlab reads).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the compressed model.")],
    method: Annotated[
        Method,
        typer.Option(help="float16 (2 bytes a value), int8 (1 byte, calibrated ranges), binary (1 bit), pq (m bytes)."),
    ] = Method.int8,
    m: Annotated[
        int | None, typer.Option("--m", min=1, help="pq: sub-vectors per row (bytes per row; divides the dim).")
    ] = None,
    max_ngrams: Annotated[
        int | None,
        typer.Option(min=1, help="FastText models: keep only this many n-gram buckets, the most used ones."),
    ] = None,
    evaluate: Annotated[
        bool, typer.Option("--evaluate/--no-evaluate", help="Measure quality before and after (bundled sets).")
    ] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    force: ForceOpt = False,
) -> None:
    """Compress word vectors (float16, int8, binary or product quantization) and print a retention table.

    The compressed folder loads with embedlab.load and answers similar, analogy, evaluate and
    the service from its codes. Example: embedlab compress vectors model -o model-int8 --method int8
    """
    from embedlab._deps import require
    from embedlab.compress import compress_vectors, retention
    from embedlab.io import check_output, load

    if method.value == "pq":
        require("faiss", extra="search")
    check_output(output, "native", inputs=[model], force=force)
    kv = load(model)
    small = compress_vectors(kv, method.value, m=m, max_ngrams=max_ngrams)
    if evaluate:
        report: dict[str, Any] = retention(kv, small)
    else:
        report = {"method": method.value, "rows": [], "bytes_before": kv.vectors.nbytes, "bytes_after": small.nbytes}
    report["ratio"] = report["bytes_before"] / max(1, report["bytes_after"])
    small.save(output)
    if json_out:
        print_json({"output": str(output), **report})
        return
    _print_report(report, output)


def _print_report(report: dict[str, Any], output: Path) -> None:
    from rich.table import Table

    table = Table(title=f"{report['method']} → {output}")
    for col in ("metric", "before", "after", "retained"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for row in report["rows"]:
        retained = "-" if row["retained"] is None else f"{100 * row['retained']:.2f}%"
        table.add_row(row["metric"], fmt(row["before"]), fmt(row["after"]), retained)
    table.add_row("bytes", f"{report['bytes_before']:,}", f"{report['bytes_after']:,}", f"1/{report['ratio']:.1f}")
    if "query_ms_before" in report:
        table.add_row("ms / query", f"{report['query_ms_before']:.2f}", f"{report['query_ms_after']:.2f}", "")
        table.add_row("top-10 overlap", "", f"{report['neighbour_overlap@10']:.3f}", "")
    console().print(table)


@handle_errors
@with_config(DistillConfig)
def distill(
    model: Annotated[
        str | None, typer.Argument(help="sentence-transformers folder to distil (default: the bundled MiniLM).")
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the static encoder.")] = Path("distilled"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    force: ForceOpt = False,
    *,
    config: DistillConfig,
) -> None:
    """Distil a sentence-transformers model into a static encoder (no transformer at inference).

    Every token of the model's vocabulary is encoded once; a text becomes the mean of its tokens'
    vectors. The folder works wherever an encoder is taken (--model, --encoder, serve).
    Example: embedlab compress distill -o minilm-static
    """
    from embedlab.cli._common import progress_enabled
    from embedlab.compress import distill as run
    from embedlab.encoders.factory import load_encoder
    from embedlab.io import check_output

    teacher_path = [] if model is None or model.lower() == "minilm" else [model]
    check_output(output, "native", inputs=teacher_path, force=force, marker="distilled.json")
    teacher = load_encoder(model)
    student = run(output, teacher, show_progress=progress_enabled(quiet), **config.as_dict())
    size = sum(f.stat().st_size for f in output.iterdir())
    typer.echo(f"wrote {output}: {student.embeddings.shape[0]:,} tokens x {student.dim} dims, {size / 1e6:.1f} MB",
               err=True)  # fmt: skip


@handle_errors
@with_config(PruneConfig)
def prune(
    model: Annotated[Path, typer.Argument(help="A sentence-transformers folder with a Unigram vocabulary (E5).")],
    texts: Annotated[list[Path], typer.Argument(help="Text the model will read (files of lines, compressed too).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the smaller model.")],
    max_lines: Annotated[int, typer.Option(help="Lines read from each file at most.", min=1)] = 200_000,
    *,
    config: PruneConfig,
) -> None:
    """Drop the tokens your text never uses from a transformer's vocabulary: the same vectors for that
    text, a model a third of the size (multilingual E5 for Korean and English).

    Example: embedlab compress prune e5-small ko.txt en.txt -o e5-small-koen
    """
    from itertools import islice

    from embedlab.encoders.prune import prune_vocabulary
    from embedlab.text.readers import open_text

    lines: list[str] = []
    for f in texts:
        if not f.is_file():
            raise FileNotFoundError(2, "text file not found", str(f))
        with open_text(f) as fh:
            lines += [ln.strip() for ln in islice(fh, max_lines) if ln.strip()]
    r = prune_vocabulary(model, lines, output, min_count=config.min_count)
    typer.echo(f"kept {r['kept']:,} of {r['of']:,} tokens ({r['used']:,} used by the text, the rest special "
               f"tokens and single characters); wrote {output}", err=True)  # fmt: skip
