"""What one request may ask for: texts per request, characters per text, body bytes, the API key."""

import hmac
import json
from dataclasses import dataclass
from typing import Any

from embedlab.errors import ConfigError
from embedlab.service.errors import TooLargeError

__all__ = ["BodyLimit", "Limits"]


@dataclass(frozen=True)
class Limits:
    max_texts: int = 256
    max_text_chars: int = 20_000
    api_key: str | None = None

    def images(self, images: list[str]) -> list[str]:
        """``images`` (base64 strings) if within the count limit; their bytes are bounded by the body limit."""
        if not images:
            raise ConfigError("images is empty; send at least one base64-encoded image")
        if len(images) > self.max_texts:
            raise TooLargeError(f"{len(images):,} images in one request; the limit is {self.max_texts:,}")
        return images

    def texts(self, texts: list[str]) -> list[str]:
        """``texts`` if within the limits; otherwise a 400 (empty) or 413 (too many / too long)."""
        if not texts:
            raise ConfigError("input is empty; send at least one text")
        if len(texts) > self.max_texts:
            raise TooLargeError(f"{len(texts):,} texts in one request; the limit is {self.max_texts:,}")
        long = next((i for i, t in enumerate(texts) if len(t) > self.max_text_chars), None)
        if long is not None:
            raise TooLargeError(
                f"text {long} has {len(texts[long]):,} characters; the limit is {self.max_text_chars:,}"
            )
        return texts

    def check_key(self, headers: Any) -> None:
        """401 unless the request carries the API key (when the server has one); constant-time compare."""
        if self.api_key is None:
            return
        given = headers.get("x-api-key") or ""
        auth = headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            given = given or auth[7:].strip()
        if not hmac.compare_digest(given.encode(), self.api_key.encode()):
            from fastapi import HTTPException

            raise HTTPException(401, "missing or wrong API key (send Authorization: Bearer KEY or X-API-Key: KEY)")


class BodyLimit:
    """ASGI middleware: 413 for a body over ``limit`` bytes, whether it announces its length
    (Content-Length, refused before reading) or arrives in chunks (read up to the limit first,
    then handed on whole); 408 when the body does not arrive within ``timeout`` seconds, so slow
    clients cannot hold connections open (uvicorn itself only times out idle keep-alive ones)."""

    def __init__(self, app: Any, limit: int, timeout: float = 30.0) -> None:
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        import asyncio

        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            return await self._refuse(send, f"request body is {int(length):,} bytes; the limit is {self.limit:,}")
        body, more = b"", True
        deadline = asyncio.get_running_loop().time() + self.timeout
        while more:
            left = deadline - asyncio.get_running_loop().time()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(left, 0.001))
            except TimeoutError:
                return await self._refuse(send, f"the request body did not arrive within {self.timeout:g} s",
                                          408, "timeout")  # fmt: skip
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
    async def _refuse(send: Any, message: str, status: int = 413, kind: str = "too_large") -> None:
        body = json.dumps({"error": {"message": message, "type": kind}}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
