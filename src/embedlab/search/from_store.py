"""Filling a collection from a vector store: its shards streamed in, one at a time (memory: one shard).

>>> from embedlab.search.collection import Collection                          # doctest: +SKIP
>>> col = Collection.create("wiki", model=VectorStore("wiki-vectors").model)  # doctest: +SKIP
>>> add_store(col, "wiki-vectors")                                           # doctest: +SKIP
1000000
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from embedlab.errors import ConfigError
from embedlab.io.vector_store import VectorStore

__all__ = ["add_store", "same_model"]


def same_model(a: str | None, b: str | None) -> bool:
    """True when two model specs name one model (None and the MiniLM names alike; paths resolved)."""
    from embedlab.encoders.factory import MINILM_NAMES

    def norm(x: str | None) -> str:
        if x is None or str(x).lower() in MINILM_NAMES:
            return "minilm"
        return str(Path(x).resolve()) if Path(x).exists() else str(x).lower()

    return norm(a) == norm(b)


def add_store(
    collection: Any, store: str | os.PathLike[str] | VectorStore, *, upsert: bool = False, show_progress: Any = None
) -> int:
    """Add every row of ``store`` (ids, vectors, metadata, and texts where the store kept them) to
    ``collection``, shard by shard; returns how many. The store must be complete and of the collection's
    model and dimension, so that queries encoded by the collection meet the stored vectors."""
    st = store if isinstance(store, VectorStore) else VectorStore(store)
    if not st.complete:
        raise ConfigError(f"{st.path} is not complete: run the same store encode command again to finish it")
    if st.dim != collection.dim:
        raise ConfigError(f"{st.path} holds {st.dim}-d vectors, the collection {collection.dim}-d")
    if not same_model(st.model, collection.model):
        raise ConfigError(f"{st.path} was encoded with {st.model or 'minilm'}, the collection searches with "
                          f"{collection.model or 'minilm'}: queries would not meet its vectors")  # fmt: skip
    added = 0
    for batch in st.batches():
        added += collection.add(batch.ids, batch.texts, vectors=batch.vectors, metadata=batch.metadata,
                                upsert=upsert, batch_size=max(1, len(batch.ids)))  # fmt: skip
        if callable(show_progress):
            show_progress("add", added, st.rows)
    return added
