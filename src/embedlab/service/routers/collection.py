"""Routes of a server of a collection: ``/v1/similar`` by text, id or vector; ``/v1/search`` (dense,
lexical or hybrid) with filters."""

import numpy as np
from fastapi import APIRouter

from embedlab.errors import ConfigError
from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.routers._vectors import query_vector
from embedlab.service.served import Served


def router(served: Served, limits: Limits) -> APIRouter:
    r = APIRouter(tags=["v1"])
    col = served.collection

    @r.post("/v1/similar", response_model=S.NeighboursResponse)
    def similar(req: S.SimilarRequest) -> S.NeighboursResponse:
        what = req.one_of()
        if what == "word":
            raise ConfigError("'word' applies to word vectors; ask a collection by 'text', 'id' or 'vector'")
        if what == "text":
            assert req.text is not None
            hits = col.search([limits.texts([req.text])[0]], k=req.k, with_text=False)[0]
            query = req.text
        elif what == "id":
            assert req.id is not None
            slots, matrix = col.vectors()
            slot = col.slot_of(req.id)  # UnknownIdError -> 404
            vec = matrix[np.searchsorted(slots, slot)]
            hits = [h for h in col.search_vectors(vec[None], k=req.k + 1, with_text=False)[0] if h.id != req.id]
            hits = hits[: req.k]
            query = req.id
        else:
            assert req.vector is not None
            hits = col.search_vectors(query_vector(req.vector, served.dim)[None], k=req.k, with_text=False)[0]
            query = "vector"
        return S.NeighboursResponse(
            query=query, results=[S.Neighbour(item=h.id, score=h.score, metadata=h.metadata) for h in hits]
        )

    @r.post("/v1/search", response_model=S.SearchResponse)
    def search(req: S.SearchRequest) -> S.SearchResponse:
        if (req.query is None) == (req.queries is None):
            raise ConfigError("give 'query' (one text) or 'queries' (a list)")
        qs = limits.texts([req.query] if req.query is not None else list(req.queries or []))
        found = col.search(qs, k=req.k, filter=req.filter, index=req.index, mode=req.mode, fusion=req.fusion,
                           lexical_weight=req.lexical_weight, chunk_score=req.chunk_score)  # fmt: skip
        return S.SearchResponse(
            results=[
                S.SearchResult(query=q, hits=[S.Hit(**h.to_dict()) for h in hits])
                for q, hits in zip(qs, found, strict=True)
            ]
        )

    return r
