"""The FastAPI app: built by :func:`create_app`, everything loaded once at start-up.

Routes: ``GET /health``; ``POST /v1/embeddings`` (OpenAI-compatible); ``POST /v1/similar``;
``POST /v1/analogy``; ``POST /v1/search`` (collections); ``POST /v1/explain``; ``GET /v1/map``, ``GET /v1/points``,
``GET /v1/labels``, ``GET /v1/colors`` and ``POST /v1/project`` (the explorer's map);
``GET /`` the web explorer; ``GET /docs`` the OpenAPI documentation.

Errors are JSON ``{"error": {"message", "type"}}`` with a 4xx status for the caller's mistakes
(404 unknown word or id, 413 too large, 422 wrong types, 401 missing API key), the status taken
from the exception's class (:mod:`embedlab.service.errors`); no stack trace ever leaves the server.
The routes live in one router module per served kind (:mod:`embedlab.service.routers`).

>>> import numpy as np
>>> from fastapi.testclient import TestClient
>>> from embedlab import KeyedVectors
>>> from embedlab.service.served import serve_vectors
>>> kv = KeyedVectors(["king", "queen", "apple"], np.array([[1, 0.9], [0.9, 1], [-1, 0.2]], np.float32))
>>> client = TestClient(create_app(serve_vectors(kv, "royals")))
>>> client.post("/v1/similar", json={"word": "king", "k": 1}).json()["results"][0]["item"]
'queen'
"""

import os
from typing import Any

from embedlab._validation import check_int
from embedlab.errors import MissingDependencyError
from embedlab.service.errors import install_error_handlers
from embedlab.service.limits import BodyLimit, Limits
from embedlab.service.served import Served, load_served

__all__ = ["create_app"]


def create_app(
    served: Served | str | os.PathLike[str] | None = None,
    *,
    api_key: str | None = None,
    max_texts: int = 256,
    max_text_chars: int = 20_000,
    max_body_bytes: int = 4 << 20,
    encoder: str | None = None,
    max_points: int = 1_000_000,
    color_by: str | None = None,
    method: str = "umap",
    labels: str | os.PathLike[str] | None = None,
) -> Any:
    """A FastAPI app serving ``served`` (a :class:`Served`, or a path / ``"minilm"`` to load).

    ``api_key`` (or the ``EMBEDLAB_API_KEY`` environment variable) makes every ``/v1`` route
    require ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``.
    """
    for name, value in (("max_texts", max_texts), ("max_text_chars", max_text_chars),
                        ("max_body_bytes", max_body_bytes), ("max_points", max_points)):  # fmt: skip
        check_int(name, value, 1)  # a server that could answer nothing is refused at start
    try:
        from fastapi import Depends, FastAPI, Request
    except ImportError:
        raise MissingDependencyError("fastapi", "serve") from None
    from embedlab.service.routers import classify, collection, explain, explorer, recommend, unavailable, words
    from embedlab.service.routers import encoder as encoder_routes

    if not isinstance(served, Served):
        served = load_served(served, encoder=encoder, max_points=max_points, color_by=color_by, method=method,
                             labels=labels)  # fmt: skip
    limits = Limits(
        max_texts, max_text_chars, api_key if api_key is not None else os.environ.get("EMBEDLAB_API_KEY") or None
    )
    if served.kind not in ("encoder", "recommender", "classifier"):
        served.map()  # the explorer's projection is computed at start-up, not on the first visit

    app = FastAPI(
        title="embedlab",
        version=__import__("embedlab").__version__,
        description=f"Embeddings of **{served.name}** ({served.kind}, {served.dim}-d).",
    )
    app.state.served = served
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=max_body_bytes)

    def check_key(request: Request) -> None:
        limits.check_key(request.headers)

    keyed = [Depends(check_key)]

    @app.get("/health")
    def health() -> dict[str, Any]:
        out: dict[str, Any] = {"status": "ok", "kind": served.kind, "name": served.name, "dim": served.dim}
        if served.kv is not None:
            out["words"] = len(served.kv)
        if served.collection is not None:
            out["documents"] = len(served.collection)
        if served.classifier is not None:
            out["labels"] = list(getattr(served.classifier, "classes_", None) or served.classifier.labels)
        return out

    app.include_router(encoder_routes.router(served, limits), dependencies=keyed)
    kind_router = {"words": words.router, "collection": collection.router}.get(served.kind)
    if kind_router is not None:
        app.include_router(kind_router(served, limits), dependencies=keyed)
    if served.recommender is not None or served.kind == "words":
        app.include_router(recommend.router(served), dependencies=keyed)
    if served.classifier is not None:
        app.include_router(classify.router(served, limits), dependencies=keyed)
    if served.kind in ("words", "collection", "encoder"):
        app.include_router(explain.router(served, limits), dependencies=keyed)
    app.include_router(unavailable.router(served.kind), dependencies=keyed)
    app.include_router(explorer.router(served, limits), dependencies=keyed)
    app.include_router(explorer.page_router())
    return app
