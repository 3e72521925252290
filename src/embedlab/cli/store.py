"""``embedlab store encode|info``: a corpus encoded into a vector store (Parquet shards), here or on Ray."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import MODEL_HELP
from embedlab.store.encode_corpus import EncodeCorpusConfig


@handle_errors
@with_config(EncodeCorpusConfig)
def encode(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Text files (a document a line), .jsonl, .csv, .parquet, folders or globs; compressed files "
            "too. For an image model: image files and folders."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The vector store folder (new, or this encode's).")],
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    *,
    config: EncodeCorpusConfig,
) -> None:
    """Encode a corpus into a vector store: Parquet shards + a manifest. Killed or interrupted, the same
    command goes on where it stopped, every row written exactly once.

    Examples: embedlab store encode wiki/ -o wiki-vectors; embedlab store encode docs.jsonl -o v --backend ray
    """
    from embedlab.store.encode_corpus import encode_corpus

    store = encode_corpus([str(p) for p in inputs], output, model=model, config=config,
                          show_progress=progress_enabled(quiet))  # fmt: skip
    typer.echo(f"{store.rows:,} rows x {store.dim} ({store.dtype}) in {output}, {len(store.shards)} shards", err=True)


@handle_errors
def info(
    path: Annotated[Path, typer.Argument(help="The vector store folder.")],
    verify: Annotated[bool, typer.Option(help="Check every shard against its checksum.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rows, dimension, model and state of a vector store (with --verify: every shard checked)."""
    from embedlab.io.vector_store import VectorStore

    store = VectorStore(path, verify=verify)
    d = {"path": str(path), "rows": store.rows, "dim": store.dim, "dtype": store.dtype,
         "model": store.model or "minilm", "normalized": store.normalized, "shards": len(store.shards),
         "complete": store.complete, **({"verified": True} if verify else {})}  # fmt: skip
    if json_out:
        print_json(d)
    else:
        for k, v in d.items():
            typer.echo(f"{k}: {v}")
