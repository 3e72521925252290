"""``POST /v1/explain``: why two words or texts are similar under the served model."""

from typing import Any

from fastapi import APIRouter

from embedlab.errors import UnknownIdError
from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.served import Served


def router(served: Served, limits: Limits) -> APIRouter:
    r = APIRouter(tags=["v1"])

    def text_of(x: str) -> str:
        """A collection's document id stands for its text; anything else is the text itself."""
        if served.collection is not None:
            try:
                return served.collection.get(x).text
            except UnknownIdError:
                return x
        return x

    @r.post("/v1/explain")
    def explain(req: S.ExplainRequest) -> dict[str, Any]:
        """The similarity of ``a`` and ``b`` split into what each part contributed (see ``embedlab explain``)."""
        from embedlab.explain import explain_similarity, shared_contributions

        a, b = limits.texts([text_of(req.a), text_of(req.b)])
        model = served.kv if served.kind == "words" else served.encoder
        e = explain_similarity(model, a, b, mode=req.mode, steps=req.steps)
        out = e.to_dict(req.k)
        if e.mode == "ngrams":
            out["shared_contributions"] = [{"part": g, "contribution": c} for g, c in shared_contributions(e)]
        return out

    return r
