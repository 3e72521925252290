"""The route every server has: ``POST /v1/embeddings`` (OpenAI-compatible), through the served encoder."""

import base64
from typing import Any

import numpy as np
from fastapi import APIRouter

from embedlab._linalg import normalize_rows
from embedlab.encoders.base import Truncation
from embedlab.errors import ConfigError
from embedlab.service import schemas as S
from embedlab.service.limits import Limits
from embedlab.service.served import Served


def decode_images(items: list[str]) -> list[Any]:
    """PIL images from base64 strings (with or without a ``data:`` URL prefix); a 400 names a bad one."""
    import binascii
    import io

    from PIL import Image, UnidentifiedImageError

    out = []
    for i, item in enumerate(items):
        data = item.split(",", 1)[1] if item.startswith("data:") else item
        try:
            raw = base64.b64decode(data, validate=True)
            with Image.open(io.BytesIO(raw)) as im:
                im.load()
                out.append(im.copy())
        except (binascii.Error, ValueError):
            raise ConfigError(f"images[{i}] is not valid base64") from None
        except (UnidentifiedImageError, OSError) as exc:
            raise ConfigError(f"images[{i}] is not an image file Pillow can read ({exc})") from None
    return out


def router(served: Served, limits: Limits) -> APIRouter:
    r = APIRouter()

    @r.post("/v1/embeddings", response_model=S.EmbeddingsResponse, tags=["v1"])
    def embeddings(req: S.EmbeddingsRequest) -> S.EmbeddingsResponse:
        if (req.input is None) == (req.images is None):
            raise ConfigError("send one of input (texts) or images (base64-encoded image files)")
        encoder = served.encoder
        cut = Truncation()
        if req.images is not None:
            if getattr(encoder, "modality", "text") != "image":
                raise ConfigError(f"the served model ({served.name}) encodes text; send input, not images")
            images = decode_images(limits.images(req.images))
            texts = [f"image {i}" for i in range(len(images))]
            vecs = encoder.encode(images, normalize=True, show_progress=False)
        else:
            raw = [req.input] if isinstance(req.input, str) else list(req.input)  # type: ignore[arg-type]
            if any(not isinstance(x, str) for x in raw):
                raise ConfigError("token-id input is not supported: send text, a string or a list of strings")
            texts = limits.texts([x for x in raw if isinstance(x, str)])
            if getattr(encoder, "modality", "text") == "image":
                vecs = encoder.encode_queries(texts)  # image-text models: the text tower; image-only: a clear error
            elif hasattr(encoder, "encode_counted"):  # nothing kept on the shared encoder between requests
                vecs, cut = encoder.encode_counted(texts, normalize=True, show_progress=False, on_long=req.on_long)
            else:
                vecs = encoder.encode(texts, normalize=True, show_progress=False)
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
        if req.images is not None:
            tokens = 0
        elif cut.read is not None:  # counted while encoding: the texts are not tokenized a second time
            tokens = cut.read
        else:
            tokens = sum(len(t.split()) for t in texts)
        return S.EmbeddingsResponse(
            data=[S.EmbeddingItem(index=i, embedding=e) for i, e in enumerate(data)],
            model=req.model or served.name,
            usage=S.Usage(
                prompt_tokens=tokens, total_tokens=tokens, truncated_texts=cut.texts, truncated_tokens=cut.tokens
            ),
        )

    return r
