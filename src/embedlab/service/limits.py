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
        body = json.dumps({"error": {"message": message, "type": "too_large"}}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
