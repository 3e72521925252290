"""The REST service and web explorer: ``create_app(...)`` builds a FastAPI app; ``embedlab serve`` runs it."""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from embedlab.service.app import create_app

        return create_app
    raise AttributeError(name)
