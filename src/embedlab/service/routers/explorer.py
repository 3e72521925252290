"""The web explorer: its page and script, and the map routes it reads (``/v1/map``, ``/v1/points``,
``/v1/colors``, ``/v1/labels``, ``/v1/titles``, ``/v1/project``, ``/v1/thumbnail`` for image collections)."""

from importlib import resources

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from embedlab.errors import ConfigError, NotFoundError, UnknownIdError
from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.maps import place
from embedlab.service.served import Served


def _has_images(served: Served) -> bool:
    return served.kind == "collection" and getattr(served.encoder, "modality", "text") == "image"


def thumbnail_png(path: str, size: int) -> bytes:
    """The image at ``path`` shrunk to fit ``size`` x ``size``, as PNG bytes; a 404 when it is gone."""
    import io

    from PIL import Image

    try:
        with Image.open(path) as im:
            im.thumbnail((size, size))
            buf = io.BytesIO()
            im.convert("RGBA" if im.mode in ("RGBA", "LA", "P") else "RGB").save(buf, format="PNG")
    except FileNotFoundError:
        raise NotFoundError(f"the image file {path} is gone") from None
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read as an image ({exc})") from None
    return buf.getvalue()


def _window(total: int, offset: int, limit: int | None) -> slice:
    return slice(offset, total if limit is None else min(total, offset + limit))


def router(served: Served, limits: Limits) -> APIRouter:
    r = APIRouter(tags=["map"])

    @r.get("/v1/map", response_model=S.MapInfo)
    def map_info() -> S.MapInfo:
        """What the map holds now; the first call starts the neighbourhood map (UMAP) in the background."""
        served.start_map()
        m = served.map()
        job = served._job
        color_by, categories, _ = served.coloring(None)
        return S.MapInfo(total=len(m["labels"]), method=m["method"], color_by=color_by,
                         categories=categories, kind=served.kind, dim=served.dim, colorings=served.colorings(),
                         pending=bool(job and job.pending), version=m["version"],
                         error=job.error if job else None, images=_has_images(served))  # fmt: skip

    @r.get("/v1/thumbnail")
    def thumbnail(id: str, size: int = Query(96, ge=16, le=512)) -> Response:
        """A PNG thumbnail (at most ``size`` pixels a side) of an image document of the collection."""
        if not _has_images(served):
            raise ConfigError("thumbnails are for collections of an image model")
        path = served.collection.get(id).metadata.get("image")  # UnknownIdError -> 404
        if not isinstance(path, str):
            raise NotFoundError(f"document {id!r} has no image (no 'image' path in its metadata)")
        return Response(thumbnail_png(path, size), media_type="image/png")

    @r.get("/v1/coloring", response_model=S.Coloring)
    def coloring(by: str | None = None) -> S.Coloring:
        """The categories of one colouring (``by``: a name from ``/v1/map``'s ``colorings``)."""
        name, categories, _ = served.coloring(by)
        return S.Coloring(color_by=name, categories=categories)

    @r.get("/v1/points")
    def points(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1)) -> Response:
        """x, y of every point as little-endian float32 pairs (binary; 8 bytes a point)."""
        m = served.map()
        xy = m["xy"][_window(len(m["labels"]), offset, limit)]
        return Response(xy.astype("<f4").tobytes(), media_type="application/octet-stream")

    @r.get("/v1/colors")
    def colors(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1), by: str | None = None) -> Response:
        """Category index of every point as little-endian uint16 (binary), by the map's colouring or ``by``."""
        m = served.map()
        _, _, cats = served.coloring(by)
        return Response(
            cats[_window(len(m["labels"]), offset, limit)].astype("<u2").tobytes(),
            media_type="application/octet-stream",
        )

    @r.get("/v1/labels")
    def labels(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1)) -> Response:
        """Point labels, one per line (UTF-8 text)."""
        m = served.map()
        part = m["labels"][_window(len(m["labels"]), offset, limit)]
        return Response("\n".join(s.replace("\n", " ") for s in part), media_type="text/plain; charset=utf-8")

    @r.get("/v1/titles")
    def titles(offset: int = Query(0, ge=0), limit: int | None = Query(None, ge=1)) -> Response:
        """What to show for each point, one per line: the word, or a document's title or text start."""
        m = served.map()
        part = m["titles"][_window(len(m["titles"]), offset, limit)]
        return Response("\n".join(s.replace("\n", " ") for s in part), media_type="text/plain; charset=utf-8")

    @r.post("/v1/project", response_model=S.ProjectResponse)
    def project(req: S.ProjectRequest) -> S.ProjectResponse:
        """Map coordinates of words (word vectors), document ids, or any texts (encoded, then placed)."""
        m = served.map()
        if (req.words is None) == (req.texts is None):
            raise ConfigError("give 'words' (or document ids) or 'texts'")
        out = []
        if req.words is not None:
            limits.texts(req.words)
            for w in req.words:
                i = m["index"].get(w)
                if i is not None:
                    out.append(S.ProjectedPoint(item=w, x=float(m["xy"][i, 0]), y=float(m["xy"][i, 1]), index=i))
                elif served.kind == "words":
                    v = served.kv.get_vector(w)[None]  # raises UnknownKeyError
                    xy = m["pca"].transform(v)[0] if m["pca"] is not None else place(m, v)[0]
                    out.append(S.ProjectedPoint(item=w, x=float(xy[0]), y=float(xy[1])))
                else:
                    raise UnknownIdError(f"unknown id {w!r}")
        else:
            texts = limits.texts(list(req.texts or []))
            if (
                getattr(served.encoder, "modality", "text") == "image"
            ):  # image-text models place texts by their text side
                vecs = served.encoder.encode_queries(texts)
            else:
                vecs = served.encoder.encode(texts, normalize=served.kind == "collection")
            xy = m["pca"].transform(vecs) if m["pca"] is not None else place(m, vecs)
            out = [S.ProjectedPoint(item=t, x=float(a), y=float(b)) for t, (a, b) in zip(texts, xy, strict=True)]
        return S.ProjectResponse(points=out)

    return r


def page_router() -> APIRouter:
    """``GET /`` (the explorer) and its script; open, like ``/health``: the page asks the API for data."""
    r = APIRouter(include_in_schema=False)
    static = resources.files("embedlab.service") / "static"

    @r.get("/", response_class=HTMLResponse)
    def explorer() -> HTMLResponse:
        return HTMLResponse((static / "explorer.html").read_text(encoding="utf-8"))

    @r.get("/explorer.js")
    def explorer_js() -> Response:
        return Response((static / "explorer.js").read_text(encoding="utf-8"), media_type="text/javascript")

    return r
