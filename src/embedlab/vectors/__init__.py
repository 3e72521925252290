"""Query-time vector containers."""

from embedlab.vectors.keyed import KeyedVectors
from embedlab.vectors.subword import SubwordVectors

__all__ = ["KeyedVectors", "SubwordVectors"]
