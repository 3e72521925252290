"""``/v1/recommend``: items for a known user, for a session's items, or like an item.

Served by a recommender (ALS, BPR, item-kNN, popularity; users known) and by item vectors alone
(item2vec: sessions and similar items, no users). ``reasons`` adds, per item, the user's items
behind it ("because you bought X") where the model can say.
"""

from fastapi import APIRouter

from embedlab.errors import ConfigError
from embedlab.service import schemas as S
from embedlab.service.served import Served


def router(served: Served) -> APIRouter:
    r = APIRouter(tags=["v1"])
    model = served.recommender
    kv = served.kv

    @r.post("/v1/recommend", response_model=S.RecommendResponse)
    def recommend(req: S.RecommendRequest) -> S.RecommendResponse:
        from embedlab.recommend import NextItem

        what = req.one_of()
        because: dict[str, list[str]] = {}
        if what == "user":
            assert req.user is not None
            if model is None:
                raise ConfigError("item vectors know no users; ask with 'items' or 'item', or serve a user model")
            rows = model.recommend(req.user, req.k, exclude_seen=req.exclude_seen)
            if req.reasons:
                because = {x: model.because(req.user, x) for x, _ in rows}
            query = f"user {req.user}"
        elif what == "items":
            assert req.items is not None
            if model is not None:
                rows = model.recommend_for_items(req.items, req.k)
            else:
                rows = NextItem(kv).recommend(req.items, req.k)
            query = f"after {', '.join(req.items)}"
        else:
            assert req.item is not None
            rows = model.similar_items(req.item, req.k) if model is not None else kv.most_similar(req.item, k=req.k)
            query = f"like {req.item}"
        train = model.train if model is not None else None
        titled = train is not None and train.item_titles is not None
        results = [
            S.Recommendation(
                item=x,
                score=s,
                title=train.title(x) if train is not None and titled else None,
                because=because.get(x) if req.reasons else None,
            )
            for x, s in rows
        ]
        return S.RecommendResponse(query=query, results=results)

    return r
