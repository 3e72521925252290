"""``embedlab plot``, ``embedlab export`` and ``embedlab serve``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import handle_errors
from embedlab.errors import ConfigError


class Method(StrEnum):
    pca = "pca"
    tsne = "tsne"
    umap = "umap"


class ExportFormat(StrEnum):
    projector = "projector"
    sentence_transformers = "sentence-transformers"
    torch = "torch"


def _pairs(spec: str, what: str, size: int) -> list[tuple[str, ...]]:
    out = []
    for part in spec.split(","):
        items = tuple(x.strip() for x in part.replace("->", ":").split(":"))
        if len(items) != size or not all(items):
            sep = ":"
            raise ConfigError(f"{what} must look like {sep.join('abcd'[:size])}[,...], got {part!r}")
        out.append(items)
    return out


@handle_errors
def plot(
    model: Annotated[Path, typer.Argument(help="Word-vector model (any format embedlab reads).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="out.png, out.svg, out.pdf or out.html (interactive).")
    ],
    words: Annotated[str | None, typer.Option(help="Comma-separated words to plot.")] = None,
    top: Annotated[int | None, typer.Option(help="Plot the N most frequent words instead.")] = None,
    method: Annotated[Method, typer.Option(help="Projection to 2-D.")] = Method.pca,
    axes: Annotated[
        str | None,
        typer.Option(help="Two or three semantic axes instead of a projection, e.g. 'man:woman,king:queen'."),
    ] = None,
    analogy: Annotated[
        str | None, typer.Option(help="Arrows a→b and c→d for each 'a:b:c:d', e.g. 'man:king:woman:queen'.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Plot title.")] = None,
    dims: Annotated[int, typer.Option(help="2 or 3 (a 3-D scatter; rotatable in .html).")] = 2,
) -> None:
    """Draw a map of words: a PCA / t-SNE / UMAP projection or two semantic axes, with analogy arrows."""
    from embedlab.io import load
    from embedlab.viz.plots import plot_words

    if (words is None) == (top is None):
        raise ConfigError("give --words a,b,c or --top N")
    kv = load(model)
    word_list = [w.strip() for w in words.split(",") if w.strip()] if words else None
    out = plot_words(
        kv,
        word_list,
        output,
        top=top,
        method=method.value,
        axes=_pairs(axes, "--axes", 2) if axes else None,
        dims=dims,
        analogies=_pairs(analogy, "--analogy", 4) if analogy else (),
        title=title,
    )
    typer.echo(f"wrote {out}", err=True)


@handle_errors
def export(
    model: Annotated[Path, typer.Argument(help="Word-vector model (any format embedlab reads).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder (projector, sentence-transformers) or .pt file.")
    ],
    to: Annotated[ExportFormat, typer.Option("--to", help="Target tool.")] = ExportFormat.projector,
    limit: Annotated[int | None, typer.Option(help="Projector: only the N most frequent words.")] = None,
) -> None:
    """Export word vectors to the TensorFlow Embedding Projector, sentence-transformers or PyTorch."""
    from embedlab.io import load
    from embedlab.viz import export as ex

    kv = load(model)
    if to is ExportFormat.projector:
        vecs, meta = ex.to_projector_tsv(kv, output, limit=limit)
        typer.echo(f"wrote {vecs} and {meta}; load them at projector.tensorflow.org", err=True)
    elif to is ExportFormat.sentence_transformers:
        ex.to_sentence_transformers(kv, output)
        typer.echo(f"wrote a sentence-transformers model to {output}", err=True)
    else:
        import torch

        from embedlab.io.atomic import atomic_file

        layer, _ = ex.to_torch_embedding(kv)
        with atomic_file(output) as fh:
            torch.save({"weight": layer.weight.data, "words": kv.words}, fh)
        typer.echo(
            f"wrote {output}; load with d = torch.load(path); "
            "nn.Embedding.from_pretrained(d['weight']) and d['words'] for the row order",
            err=True,
        )


@handle_errors
def serve(
    target: Annotated[
        str, typer.Argument(help="Word vectors, a collection folder, a sentence-transformers folder or 'minilm'.")
    ],
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    api_key: Annotated[
        str | None,
        typer.Option(envvar="EMBEDLAB_API_KEY", help="Require this key on /v1 routes (env EMBEDLAB_API_KEY)."),
    ] = None,
    encoder: Annotated[
        str | None, typer.Option(help="Encoder for /v1/embeddings (default: the collection's model or mean pooling).")
    ] = None,
    max_texts: Annotated[int, typer.Option(help="Most texts in one request (more: 413).")] = 256,
    max_points: Annotated[int, typer.Option(help="Points on the explorer's map.")] = 1_000_000,
    color_by: Annotated[str | None, typer.Option(help="Collections: metadata field that colours the map.")] = None,
    method: Annotated[Method, typer.Option(help="Projection for the explorer's map.")] = Method.pca,
    workers: Annotated[int, typer.Option(help="Threads answering requests (anyio pool).")] = 16,
) -> None:
    """Serve embeddings over HTTP (REST + OpenAPI at /docs) with the web explorer at /."""
    try:
        import uvicorn
    except ImportError:
        from embedlab.errors import MissingDependencyError

        raise MissingDependencyError("uvicorn", "serve") from None
    from embedlab.service.app import create_app

    _one_blas_thread_per_request()
    app = create_app(target, api_key=api_key, encoder=encoder, max_texts=max_texts, max_points=max_points,
                     color_by=color_by, method=method.value)  # fmt: skip
    if host not in ("127.0.0.1", "localhost", "::1") and not api_key:
        typer.echo(f"warning: serving on {host} without an API key; anyone who can reach it can use it", err=True)
    typer.echo(f"embedlab: serving {target} on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", limit_concurrency=1024, timeout_keep_alive=30)


def _one_blas_thread_per_request() -> None:
    """Concurrency comes from requests: a BLAS call per request on its own thread. Letting every
    request's matrix product fan out over all cores oversubscribes them (measured: 2.5x fewer
    requests/s and 8x the p99 latency under 16 concurrent clients)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")
