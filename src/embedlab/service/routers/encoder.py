"""The route every server has: ``POST /v1/embeddings`` (OpenAI-compatible), through the served encoder."""

import base64
from typing import Any

import numpy as np
from fastapi import APIRouter

from embedlab._linalg import normalize_rows
from embedlab.errors import ConfigError
from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.served import Served


def router(served: Served, limits: Limits) -> APIRouter:
    r = APIRouter()

    @r.post("/v1/embeddings", response_model=S.EmbeddingsResponse, tags=["v1"])
    def embeddings(req: S.EmbeddingsRequest) -> S.EmbeddingsResponse:
        raw = [req.input] if isinstance(req.input, str) else list(req.input)
        if any(not isinstance(x, str) for x in raw):
            raise ConfigError("token-id input is not supported: send text, a string or a list of strings")
        texts = limits.texts([x for x in raw if isinstance(x, str)])
        vecs = served.encoder.encode(texts, normalize=True, show_progress=False)
        empty = np.flatnonzero(~np.any(vecs, axis=1))
        if empty.size:  # an all-zero vector makes every cosine NaN on the client's side: refuse it
            first = int(empty[0])
            raise ConfigError(f"input {first} ({texts[first][:40]!r}) has no word the model knows, so it has no "
                              f"vector ({empty.size} such input(s)); send text with known words")  # fmt: skip
        if req.dimensions is not None:
            if req.dimensions > vecs.shape[1]:
                raise ConfigError(f"dimensions must be <= {vecs.shape[1]}, got {req.dimensions}")
            vecs = normalize_rows(np.ascontiguousarray(vecs[:, : req.dimensions]))
        if req.encoding_format == "base64":
            data: list[Any] = [base64.b64encode(v.astype("<f4").tobytes()).decode() for v in vecs]
        else:
            data = vecs.tolist()
        tokens = sum(len(t.split()) for t in texts)
        return S.EmbeddingsResponse(
            data=[S.EmbeddingItem(index=i, embedding=e) for i, e in enumerate(data)],
            model=req.model or served.name,
            usage=S.Usage(prompt_tokens=tokens, total_tokens=tokens),
        )

    return r
