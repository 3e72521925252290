"""HTTP status from the exception class, and the JSON error body every route answers with.

Errors are ``{"error": {"message", "type"}}``. The status comes from the class of the
exception (the most specific class listed in :data:`STATUS` along its MRO), never from
the text of its message. Anything unexpected is a 500 with a generic message; the
traceback goes to the server log only.
"""

import logging
from typing import Any

from embedlab.errors import ConfigError, EmbedlabError, NotFoundError

__all__ = ["STATUS", "TooLargeError", "error_response", "install_error_handlers", "status_of"]

log = logging.getLogger("embedlab.service")


class TooLargeError(ConfigError):
    """A request over one of the server's limits (texts per request, characters, body bytes)."""


#: exception class -> (HTTP status, error type); looked up along the exception's MRO
STATUS: dict[type[BaseException], tuple[int, str]] = {
    NotFoundError: (404, "not_found"),
    TooLargeError: (413, "too_large"),
    EmbedlabError: (400, "invalid_request"),
}


def status_of(exc: BaseException) -> tuple[int, str]:
    """``(status, type)`` for an exception: its most specific class in :data:`STATUS`, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500, "server_error"


def error_response(status: int, message: str, kind: str) -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": {"message": message, "type": kind}}, status_code=status)


def install_error_handlers(app: Any) -> None:
    """Route every exception through :func:`status_of`; validation errors are 422."""
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException  # FastAPI's is a subclass; routing errors (405) raise this one

    async def embedlab_error(_req: Request, exc: Exception) -> Any:
        status, kind = status_of(exc)
        if status == 500:
            log.exception("unhandled error", exc_info=exc)
            return error_response(500, "internal server error", kind)
        return error_response(status, str(exc), kind)

    async def invalid(_req: Request, exc: RequestValidationError) -> Any:
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where or 'body'}: {e.get('msg')}")
        return error_response(422, "; ".join(parts) or "invalid request", "invalid_request")

    async def http_error(_req: Request, exc: HTTPException) -> Any:
        kind = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "invalid_request"
        )
        return error_response(exc.status_code, str(exc.detail), kind)

    async def no_route(_req: Request, _exc: Any) -> Any:
        return error_response(404, "no such route; see /docs", "not_found")

    app.add_exception_handler(EmbedlabError, embedlab_error)
    app.add_exception_handler(Exception, embedlab_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(404, no_route)
