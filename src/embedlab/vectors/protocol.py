"""The read protocol: what evaluators, encoders and plots need from key-addressed vectors.

Anything with these members can be evaluated and queried, whatever its storage: float32
:class:`~embedlab.vectors.keyed.KeyedVectors`, subword vectors, or compressed vectors that
decode rows on demand. ``unit_rows`` is the one bulk read: unit-length float32 rows.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["ReadableVectors"]


@runtime_checkable
class ReadableVectors(Protocol):
    """Key-addressed vectors, read as float32 whatever they are stored as."""

    @property
    def keys(self) -> list[str]: ...

    @property
    def words(self) -> list[str]: ...

    @property
    def dim(self) -> int: ...

    def __len__(self) -> int: ...

    def __contains__(self, key: object) -> bool: ...

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray: ...

    def unit_rows(self, start: int = 0, stop: int | None = None) -> np.ndarray: ...
