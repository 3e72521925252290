"""Routes of the kinds a server does not serve: 400 saying what kind of server they need."""

from fastapi import APIRouter, Request

from embedlab.errors import ConfigError

#: route -> the served kind that answers it
OWNER = {"/v1/similar": "words or collection", "/v1/analogy": "words", "/v1/search": "collection",
         "/v1/recommend": "words or recommender", "/v1/classify": "classifier",
         "/v1/explain": "words or collection or encoder"}  # fmt: skip
_NEEDS = {"words": "word vectors", "collection": "a collection", "words or collection": "a collection",
          "words or recommender": "a recommender or item vectors",
          "classifier": "a classifier (embedlab classify train|train-head)",
          "words or collection or encoder": "word vectors, a collection or a sentence encoder"}  # fmt: skip


def router(kind: str) -> APIRouter:
    """POST routes for every path in :data:`OWNER` that a server of ``kind`` does not answer."""
    r = APIRouter(include_in_schema=False)
    for path, owner in OWNER.items():
        if kind in owner.split(" or "):
            continue

        r.add_api_route(path, _refusal(f"{path} needs a server started with {_NEEDS[owner]}"), methods=["POST"])
    return r


def _refusal(message: str):
    def refuse(_req: Request) -> None:
        raise ConfigError(message)

    return refuse
