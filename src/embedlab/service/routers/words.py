"""Routes of a server of word (key-addressed) vectors: ``/v1/similar`` by word or vector, ``/v1/analogy``."""

from fastapi import APIRouter

from embedlab.errors import ConfigError
from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.routers._vectors import query_vector
from embedlab.service.served import Served


def router(served: Served, limits: Limits) -> APIRouter:
    r = APIRouter(tags=["v1"])
    kv = served.kv

    @r.post("/v1/similar", response_model=S.NeighboursResponse)
    def similar(req: S.SimilarRequest) -> S.NeighboursResponse:
        what = req.one_of()
        if what in ("text", "id"):
            raise ConfigError(f"{what!r} applies to collections; ask by 'word' or 'vector'")
        if what == "word":
            assert req.word is not None
            rows = kv.most_similar(req.word, k=req.k)
            query = req.word
        else:
            assert req.vector is not None
            rows = kv.similar_by_vector(query_vector(req.vector, served.dim), k=req.k)
            query = "vector"
        return S.NeighboursResponse(query=query, results=[S.Neighbour(item=w, score=s) for w, s in rows])

    @r.post("/v1/analogy", response_model=S.NeighboursResponse)
    def analogy(req: S.AnalogyRequest) -> S.NeighboursResponse:
        rows = kv.analogy(req.a, req.b, req.c, k=req.k, method=req.method)
        rows = rows if isinstance(rows, list) else [rows]
        return S.NeighboursResponse(
            query=f"{req.a} : {req.b} :: {req.c} : ?", results=[S.Neighbour(item=w, score=s) for w, s in rows]
        )

    return r
