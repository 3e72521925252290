"""Query-time vector containers."""

from embedlab.vectors.keyed import KeyedVectors

__all__ = ["KeyedVectors"]
