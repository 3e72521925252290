"""The FastAPI app: built by :func:`create_app`, everything loaded once at start-up.

Routes: ``GET /health``; ``POST /v1/embeddings`` (OpenAI-compatible); ``POST /v1/similar``;
``POST /v1/analogy``; ``POST /v1/search`` (collections); ``GET /v1/map``, ``GET /v1/points``,
``GET /v1/labels``, ``GET /v1/colors`` and ``POST /v1/project`` (the explorer's map);
``GET /`` the web explorer; ``GET /docs`` the OpenAPI documentation.

Errors are JSON ``{"error": {"message", "type"}}`` with a 4xx status for the caller's mistakes
(404 unknown word or id, 413 too large, 422 wrong types, 401 missing API key); no stack trace
ever leaves the server.

>>> from fastapi.testclient import TestClient                          # doctest: +SKIP
>>> client = TestClient(create_app("my-model"))                         # doctest: +SKIP
>>> client.post("/v1/similar", json={"word": "king", "k": 3}).json()    # doctest: +SKIP
"""

# No "from __future__ import annotations" here: FastAPI reads the annotations of the route functions
# defined inside create_app at run time, and the names they use are local to it.
import base64
import hmac
import logging
import os
from importlib import resources
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab.errors import ConfigError, EmbedlabError, FormatError, MissingDependencyError, UnknownWordError
from embedlab.service import schemas as S
from embedlab.service.served import Served, load_served

__all__ = ["create_app"]

log = logging.getLogger("embedlab.service")


class _TooLarge(Exception):
    pass


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
    method: str = "pca",
) -> Any:
    """A FastAPI app serving ``served`` (a :class:`Served`, or a path / ``"minilm"`` to load).

    ``api_key`` (or the ``EMBEDLAB_API_KEY`` environment variable) makes every ``/v1`` route
    require ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``.
    """
    try:
        from fastapi import Depends, FastAPI, Query, Request
        from fastapi.exceptions import RequestValidationError
        from fastapi.responses import HTMLResponse, JSONResponse, Response
    except ImportError:
        raise MissingDependencyError("fastapi", "serve") from None
    if not isinstance(served, Served):
        served = load_served(served, encoder=encoder, max_points=max_points, color_by=color_by, method=method)
    api_key = api_key if api_key is not None else os.environ.get("EMBEDLAB_API_KEY") or None
    if served.kind != "encoder":
        served.map()  # the explorer's projection is computed at start-up, not on the first visit

    app = FastAPI(
        title="embedlab",
        version=__import__("embedlab").__version__,
        description=f"Embeddings of **{served.name}** ({served.kind}, {served.dim}-d).",
    )
    app.state.served = served

    # ------------------------------------------------------------------ errors
    def error(status: int, message: str, kind: str) -> JSONResponse:
        return JSONResponse({"error": {"message": message, "type": kind}}, status_code=status)

    @app.exception_handler(UnknownWordError)
    async def _unknown(_req: Request, exc: UnknownWordError) -> JSONResponse:
        return error(404, str(exc), "not_found")

    @app.exception_handler(_TooLarge)
    async def _large(_req: Request, exc: _TooLarge) -> JSONResponse:
        return error(413, str(exc), "too_large")

    @app.exception_handler(EmbedlabError)
    async def _bad(_req: Request, exc: EmbedlabError) -> JSONResponse:
        status = 404 if "unknown id" in str(exc) else 400
        return error(status, str(exc), "not_found" if status == 404 else "invalid_request")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where or 'body'}: {e.get('msg')}")
        return error(422, "; ".join(parts) or "invalid request", "invalid_request")

    @app.exception_handler(Exception)
    async def _crash(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error(500, "internal server error", "server_error")

    # ------------------------------------------------------------------ limits and keys
    app.add_middleware(_BodyLimit, limit=max_body_bytes)

    def check_key(request: Request) -> None:
        if api_key is None:
            return
        given = request.headers.get("x-api-key") or ""
        auth = request.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            given = given or auth[7:].strip()
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            from fastapi import HTTPException

            raise HTTPException(401, "missing or wrong API key (send Authorization: Bearer KEY or X-API-Key: KEY)")

    @app.exception_handler(__import__("fastapi").HTTPException)
    async def _http(_req: Request, exc: Any) -> JSONResponse:
        kind = {401: "unauthorized", 404: "not_found", 413: "too_large"}.get(exc.status_code, "invalid_request")
        return error(exc.status_code, str(exc.detail), kind)

    @app.exception_handler(404)
    async def _no_route(_req: Request, _exc: Any) -> JSONResponse:
        return error(404, "no such route; see /docs", "not_found")

    keyed = [Depends(check_key)]

    def check_texts(texts: list[str]) -> list[str]:
        if not texts:
            raise ConfigError("input is empty; send at least one text")
        if len(texts) > max_texts:
            raise _TooLarge(f"{len(texts):,} texts in one request; the limit is {max_texts:,}")
        long = next((i for i, t in enumerate(texts) if len(t) > max_text_chars), None)
        if long is not None:
            raise _TooLarge(f"text {long} has {len(texts[long]):,} characters; the limit is {max_text_chars:,}")
        return texts

    def need(kind: str, what: str) -> None:
        if served.kind != kind:
            raise ConfigError(
                f"{what} needs a server started with {'word vectors' if kind == 'words' else 'a collection'}"
            )

    # ------------------------------------------------------------------ routes
    @app.get("/health")
    def health() -> dict[str, Any]:
        out: dict[str, Any] = {"status": "ok", "kind": served.kind, "name": served.name, "dim": served.dim}
        if served.kv is not None:
            out["words"] = len(served.kv)
        if served.collection is not None:
            out["documents"] = len(served.collection)
        return out

    @app.post("/v1/embeddings", response_model=S.EmbeddingsResponse, dependencies=keyed)
    def embeddings(req: S.EmbeddingsRequest) -> S.EmbeddingsResponse:
        texts = check_texts([req.input] if isinstance(req.input, str) else list(req.input))
        vecs = served.encoder.encode(texts, normalize=True, show_progress=False)
        if req.dimensions is not None:
            if req.dimensions > vecs.shape[1]:
                raise ConfigError(f"dimensions must be <= {vecs.shape[1]}, got {req.dimensions}")
            vecs = normalize_rows(np.ascontiguousarray(vecs[:, : req.dimensions]))
        if req.encoding_format == "base64":
            data = [base64.b64encode(v.astype("<f4").tobytes()).decode() for v in vecs]
        else:
            data = vecs.tolist()
        tokens = sum(len(t.split()) for t in texts)
        return S.EmbeddingsResponse(
            data=[S.EmbeddingItem(index=i, embedding=e) for i, e in enumerate(data)],
            model=req.model or served.name,
            usage=S.Usage(prompt_tokens=tokens, total_tokens=tokens),
        )

    @app.post("/v1/similar", response_model=S.NeighboursResponse, dependencies=keyed)
    def similar(req: S.SimilarRequest) -> S.NeighboursResponse:
        given = [x for x in ("word", "text", "id", "vector") if getattr(req, x) is not None]
        if len(given) != 1:
            raise ConfigError("give exactly one of word, text, id or vector")
        what = given[0]
        if served.kind == "words":
            if what in ("text", "id"):
                raise ConfigError(f"{what!r} applies to collections; ask by 'word' or 'vector'")
            if what == "word":
                rows = served.kv.most_similar(req.word, topn=req.k)
                query = req.word
            else:
                rows = served.kv.similar_by_vector(_vector(req.vector, served.dim), topn=req.k)
                query = "vector"
            return S.NeighboursResponse(query=query, results=[S.Neighbour(item=w, score=s) for w, s in rows])
        need("collection", "/v1/similar")
        col = served.collection
        if what == "word":
            raise ConfigError("'word' applies to word vectors; ask a collection by 'text', 'id' or 'vector'")
        if what == "text":
            hits = col.search([check_texts([req.text])[0]], k=req.k, with_text=False)[0]
            query = req.text
        else:
            if what == "id":
                slots, matrix = col.vectors()
                slot = col.slot_of(req.id)
                vec = matrix[np.searchsorted(slots, slot)]
                hits = [h for h in col.search_vectors(vec[None], k=req.k + 1, with_text=False)[0] if h.id != req.id]
                hits = hits[: req.k]
                query = req.id
            else:
                hits = col.search_vectors(_vector(req.vector, served.dim)[None], k=req.k, with_text=False)[0]
                query = "vector"
        return S.NeighboursResponse(
            query=query, results=[S.Neighbour(item=h.id, score=h.score, metadata=h.metadata) for h in hits]
        )

    @app.post("/v1/analogy", response_model=S.NeighboursResponse, dependencies=keyed)
    def analogy(req: S.AnalogyRequest) -> S.NeighboursResponse:
        need("words", "/v1/analogy")
        rows = served.kv.analogy(req.a, req.b, req.c, topn=req.k, method=req.method)
        rows = rows if isinstance(rows, list) else [rows]
        return S.NeighboursResponse(
            query=f"{req.a} : {req.b} :: {req.c} : ?", results=[S.Neighbour(item=w, score=s) for w, s in rows]
        )

    @app.post("/v1/search", response_model=S.SearchResponse, dependencies=keyed)
    def search(req: S.SearchRequest) -> S.SearchResponse:
        need("collection", "/v1/search")
        if (req.query is None) == (req.queries is None):
            raise ConfigError("give 'query' (one text) or 'queries' (a list)")
        qs = check_texts([req.query] if req.query is not None else req.queries)
        found = served.collection.search(qs, k=req.k, filter=req.filter, index=req.index)
        return S.SearchResponse(
            results=[
                S.SearchResult(query=q, hits=[S.Hit(**h.to_dict()) for h in hits])
                for q, hits in zip(qs, found, strict=True)
            ]
        )

    # ------------------------------------------------------------------ the explorer's map
    @app.get("/v1/map", response_model=S.MapInfo, dependencies=keyed)
    def map_info() -> S.MapInfo:
        m = served.map()
        return S.MapInfo(total=len(m["labels"]), method=served.method, color_by=m["color_by"],
                         categories=m["categories"], kind=served.kind, dim=served.dim)  # fmt: skip

    def _window(total: int, offset: int, limit: int | None) -> slice:
        return slice(offset, total if limit is None else min(total, offset + limit))

    @app.get("/v1/points", dependencies=keyed)
    def points(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1)) -> Response:
        """x, y of every point as little-endian float32 pairs (binary; 8 bytes a point)."""
        m = served.map()
        xy = m["xy"][_window(len(m["labels"]), offset, limit)]
        return Response(xy.astype("<f4").tobytes(), media_type="application/octet-stream")

    @app.get("/v1/colors", dependencies=keyed)
    def colors(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1)) -> Response:
        """Category index of every point as little-endian uint16 (binary)."""
        m = served.map()
        return Response(
            m["cats"][_window(len(m["labels"]), offset, limit)].astype("<u2").tobytes(),
            media_type="application/octet-stream",
        )

    @app.get("/v1/labels", dependencies=keyed)
    def labels(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1)) -> Response:
        """Point labels, one per line (UTF-8 text)."""
        m = served.map()
        part = m["labels"][_window(len(m["labels"]), offset, limit)]
        return Response("\n".join(s.replace("\n", " ") for s in part), media_type="text/plain; charset=utf-8")

    @app.post("/v1/project", response_model=S.ProjectResponse, dependencies=keyed)
    def project(req: S.ProjectRequest) -> S.ProjectResponse:
        """Map coordinates of words (word vectors), document ids, or any texts (encoded, then placed)."""
        m = served.map()
        if (req.words is None) == (req.texts is None):
            raise ConfigError("give 'words' (or document ids) or 'texts'")
        out = []
        if req.words is not None:
            check_texts(req.words)
            for w in req.words:
                i = m["index"].get(w)
                if i is not None:
                    out.append(S.ProjectedPoint(item=w, x=float(m["xy"][i, 0]), y=float(m["xy"][i, 1]), index=i))
                elif served.kind == "words":
                    if m["pca"] is None:
                        raise ConfigError(f"{w!r} is not on the map (only PCA maps place new points)")
                    xy = m["pca"].transform(served.kv.get_vector(w)[None])[0]  # raises UnknownWordError
                    out.append(S.ProjectedPoint(item=w, x=float(xy[0]), y=float(xy[1])))
                else:
                    raise ConfigError(f"unknown id {w!r}")
        else:
            if m["pca"] is None:
                raise ConfigError("only PCA maps place new texts; start the server with the default projection")
            texts = check_texts(req.texts)
            xy = m["pca"].transform(served.encoder.encode(texts, normalize=served.kind == "collection"))
            out = [S.ProjectedPoint(item=t, x=float(a), y=float(b)) for t, (a, b) in zip(texts, xy, strict=True)]
        return S.ProjectResponse(points=out)

    # ------------------------------------------------------------------ the explorer page
    static = resources.files("embedlab.service") / "static"

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def explorer() -> HTMLResponse:
        return HTMLResponse((static / "explorer.html").read_text(encoding="utf-8"))

    @app.get("/explorer.js", include_in_schema=False)
    def explorer_js() -> Response:
        return Response((static / "explorer.js").read_text(encoding="utf-8"), media_type="text/javascript")

    return app


class _BodyLimit:
    """ASGI middleware: 413 for a body over ``limit`` bytes, whether it announces its length
    (Content-Length, refused before reading) or arrives in chunks (read up to the limit first,
    then handed on whole)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit():
            if int(length) > self.limit:
                return await self._refuse(send, f"request body is {int(length):,} bytes; the limit is {self.limit:,}")
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                return await self._refuse(send, f"request body is over the limit of {self.limit:,} bytes")
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Any, message: str) -> None:
        import json

        body = json.dumps({"error": {"message": message, "type": "too_large"}}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _vector(v: list[float], dim: int) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    if a.shape != (dim,):
        raise ConfigError(f"vector must have {dim} numbers, got {a.size}")
    if not np.isfinite(a).all():
        raise FormatError("vector holds NaN or infinite values")
    return a
