"""``embedlab words convert|export|info``: a model's files, in other formats or described."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import VectorFormat, console, handle_errors, print_json
from embedlab.cli._options import ForceOpt


class ExportFormat(StrEnum):
    projector = "projector"
    sentence_transformers = "sentence-transformers"
    torch = "torch"


@handle_errors
def convert(
    source: Annotated[Path, typer.Argument(help="Model to read (format detected).")],
    target: Annotated[Path, typer.Argument(help="Where to write.")],
    to: Annotated[VectorFormat, typer.Option("--to", help="Output format.")] = VectorFormat.word2vec_bin,
    force: ForceOpt = False,
) -> None:
    """Convert vectors between the native folder, word2vec text / binary and GloVe text."""
    from embedlab.io import check_output, load, save

    check_output(target, to.value, inputs=[source], force=force)
    kv = load(source)
    save(kv, target, format=to.value)
    typer.echo(f"wrote {len(kv):,} vectors of dim {kv.dim} to {target} ({to.value})")


@handle_errors
def export(
    model: Annotated[Path, typer.Argument(help="Word-vector model (any format embedlab reads).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder (projector, sentence-transformers) or .pt file.")
    ],
    to: Annotated[ExportFormat, typer.Option("--to", help="Target tool.")] = ExportFormat.projector,
    limit: Annotated[int | None, typer.Option(min=1, help="Projector: only the N most frequent words.")] = None,
    force: ForceOpt = False,
) -> None:
    """Export word vectors to the TensorFlow Embedding Projector, sentence-transformers or PyTorch."""
    from embedlab.io import load
    from embedlab.viz import export as ex

    _check_export_output(output, to, model, force)
    kv = load(model)
    if to is ExportFormat.projector:
        vecs, meta = ex.to_projector_tsv(kv, output, limit=limit)
        typer.echo(f"wrote {vecs} and {meta}; load them at projector.tensorflow.org", err=True)
    elif to is ExportFormat.sentence_transformers:
        ex.to_sentence_transformers(kv, output)
        typer.echo(f"wrote a sentence-transformers model to {output}", err=True)
    else:
        import torch

        from embedlab._files import atomic_file

        layer, _ = ex.to_torch_embedding(kv)
        with atomic_file(output) as fh:
            torch.save({"weight": layer.weight.data, "words": kv.words}, fh)
        typer.echo(
            f"wrote {output}; load with d = torch.load(path); "
            "nn.Embedding.from_pretrained(d['weight']) and d['words'] for the row order",
            err=True,
        )


def _check_export_output(output: Path, to: ExportFormat, model: Path, force: bool) -> None:
    """Before any work: never an input; a sentence-transformers folder or a .pt file replaces only its own kind."""
    import zipfile

    from embedlab.errors import ConfigError
    from embedlab.io import check_output

    if to is ExportFormat.sentence_transformers:
        check_output(output, inputs=[model], force=force, marker="modules.json")
    elif to is ExportFormat.projector:
        check_output(output, inputs=[model], force=True)  # only vectors.tsv and metadata.tsv inside are replaced
        if output.exists() and not output.is_dir():
            raise ConfigError(f"{output} is a file; the projector export writes two files into a folder")
    else:
        check_output(output, inputs=[model], force=True)
        if output.exists() and not force and not (output.is_file() and zipfile.is_zipfile(output)):
            raise ConfigError(f"{output} exists and is not a PyTorch file; choose another output path, or pass "
                              "--force to replace it")  # fmt: skip


@handle_errors
def info(
    model: Annotated[Path, typer.Argument(help="Model folder or word2vec file.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what a model is: size, dimension, parameters and training report."""
    from embedlab.io import detect_format, load

    kv = load(model)
    out = {"model": str(model), "format": detect_format(model), "words": len(kv), "dim": kv.dim, **kv.metadata}
    if json_out:
        print_json(out)
        return
    from rich.table import Table

    t = Table(title=f"{model}", show_header=False)
    t.add_column("field", style="bold")
    t.add_column("value")
    for key, value in out.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items() if not isinstance(v, (dict, list)))
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value[:10]) + (" ..." if len(value) > 10 else "")
        t.add_row(str(key), str(value))
    console().print(t)
