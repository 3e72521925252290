"""Request fields made from a config's descriptions (:mod:`embedlab._params`), so a query's default and
bounds are the ones the CLI and the library use: written once, in :mod:`embedlab.queries`.

    class SimilarRequest(BaseModel):
        k: int = config_field(NeighboursQuery, "k")   # default 10, 1 <= k <= MAX_K, also sent as "topn"
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from embedlab._params import Config

__all__ = ["config_field"]


def config_field(cls: type[Config], name: str) -> Any:
    """The pydantic field of ``cls``'s parameter ``name``: its default, bounds, description, and its
    peers' names as other keys a request may use. Choices are the annotation's ``Literal``."""
    spec = cls.specs()[name]
    bounds: dict[str, Any] = {}
    if spec.minimum is not None:
        bounds["gt" if spec.exclusive_minimum else "ge"] = spec.minimum
    if spec.maximum is not None:
        bounds["le"] = spec.maximum
    alias = AliasChoices(name, *spec.aliases) if spec.aliases else None
    return Field(default=cls.defaults()[name], description=spec.help, validation_alias=alias, **bounds)
