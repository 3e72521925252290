"""``embedlab serve``: the REST service and the web explorer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import Projection, handle_errors


@handle_errors
def serve(
    target: Annotated[
        str,
        typer.Argument(
            help="Word vectors, a collection folder, a recommender, a classifier, a sentence-transformers folder "
            "or 'minilm'."
        ),
    ],
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
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
    labels: Annotated[
        Path | None, typer.Option(help="Word or node vectors: a 'key label' file whose labels colour the map.")
    ] = None,
    method: Annotated[
        Projection,
        typer.Option(
            help="The explorer's map: umap or tsne (computed in the background, cached beside the model; "
            "PCA shown until ready) or pca."
        ),
    ] = Projection.umap,
    workers: Annotated[
        int, typer.Option(min=1, max=1024, help="Threads answering requests at once (the anyio thread pool).")
    ] = 16,
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
                     color_by=color_by, method=method.value, labels=labels)  # fmt: skip
    app.router.on_startup.append(_thread_pool(workers))
    served = app.state.served
    if served.kind in ("words", "collection"):
        app.router.on_startup.append(_start_map(served))
    if host not in ("127.0.0.1", "localhost", "::1") and not api_key:
        typer.echo(f"warning: serving on {host} without an API key; anyone who can reach it can use it", err=True)
    typer.echo(f"embedlab: serving {target} on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", limit_concurrency=1024, timeout_keep_alive=30)


def _thread_pool(workers: int):
    """At start-up, size the thread pool that runs the (synchronous) route handlers."""

    async def size_pool() -> None:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = workers

    return size_pool


def _start_map(served):
    """At start-up, begin the neighbourhood map so it is ready by the time someone opens the explorer."""

    async def start() -> None:
        served.start_map()

    return start


def _one_blas_thread_per_request() -> None:
    """Concurrency comes from requests: a BLAS call per request on its own thread. Letting every
    request's matrix product fan out over all cores oversubscribes them (measured: 2.5x fewer
    requests/s and 8x the p99 latency under 16 concurrent clients)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")
