"""Image collections: documents that are images, found by image or (with an image-text model) by text.

A collection whose model is an image encoder (``Collection.create(path, model="efficientnet-lite0")``
or a saved CNN / image-text folder) takes images through :func:`add_images`; each document keeps
the image's absolute path in its metadata field ``image`` (the explorer and plots show it as a
thumbnail). :func:`search_images` finds the nearest documents to query images; with an image-text
model, ``Collection.search("a red heart")`` finds images by text.

>>> col = Collection.create("pics", model="efficientnet-lite0")          # doctest: +SKIP
>>> add_images(col, list_images("photos/"))                               # doctest: +SKIP
>>> search_images(col, ["query.jpg"], k=5)                                # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import ConfigError
from embedlab.io.images import ImageInput, as_image_list, list_images
from embedlab.search.documents import Hit

__all__ = ["IMAGE_FIELD", "add_images", "image_inputs", "search_images"]

#: the metadata field that holds an image document's file path
IMAGE_FIELD = "image"


def image_inputs(sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Image files from ``sources``: each a file, or a folder whose images are taken (sorted)."""
    out: list[Path] = []
    for source in sources:
        p = Path(source)
        out += list_images(p) if p.is_dir() else [p]
    if not out:
        raise ConfigError("no images given")
    return out


def _image_encoder(collection: Any) -> Any:
    encoder = collection.encoder
    if getattr(encoder, "modality", "text") != "image":
        raise ConfigError(
            f"the collection's model ({collection.model or 'minilm'}) encodes text; create the collection with an "
            "image model (efficientnet-lite0, a trained CNN or image-text folder) to add or search images"
        )
    return encoder


def add_images(
    collection: Any,
    images: ImageInput | Sequence[ImageInput],
    ids: Sequence[str] | None = None,
    *,
    metadata: Sequence[dict[str, Any] | None] | None = None,
    upsert: bool = False,
    batch_size: int = 64,
    show_progress: Any = None,
) -> int:
    """Encode ``images`` with the collection's image model and add them; returns how many were added.

    Ids default to the file names of path inputs (arrays and PIL images need ``ids``). Metadata of
    path inputs gains ``image``: the absolute path. Committed in batches, as :meth:`Collection.add`.
    """
    encoder = _image_encoder(collection)
    items = as_image_list(images)
    paths = [Path(i).resolve() if isinstance(i, (str, os.PathLike)) else None for i in items]
    if ids is None:
        if any(p is None for p in paths):
            raise ConfigError("give ids for images that are arrays or PIL images (paths default to their file names)")
        ids = [p.name for p in paths if p is not None]
        if len(set(ids)) != len(ids):
            raise ConfigError("two images share a file name; give ids (the CLI uses paths relative to the folder)")
    ids = [str(i) for i in ids]
    if len(ids) != len(items):
        raise ConfigError(f"{len(items)} images but {len(ids)} ids")
    if metadata is not None and len(metadata) != len(items):
        raise ConfigError(f"{len(items)} images but {len(metadata)} metadata")
    metas = [dict(m or {}) for m in metadata] if metadata is not None else [{} for _ in items]
    for meta, path in zip(metas, paths, strict=True):
        if path is not None:
            meta.setdefault(IMAGE_FIELD, str(path))
    added = 0
    step = max(1, batch_size) * 4  # encode a few batches, then commit them: an interruption keeps what was added
    for start in range(0, len(items), step):
        chunk = items[start : start + step]
        vecs = encoder.encode(chunk, batch_size=batch_size, show_progress=False)
        added += collection.add(
            ids[start : start + step], vectors=vecs, metadata=metas[start : start + step], upsert=upsert
        )
        if callable(show_progress):
            show_progress("add images", added, len(items))
    return added


def search_images(
    collection: Any,
    images: ImageInput | Sequence[ImageInput],
    k: int = 10,
    *,
    filter: dict[str, Any] | None = None,
    index: str | None = None,
) -> list[list[Hit]]:
    """The ``k`` nearest documents to each query image (encoded with the collection's image model)."""
    vecs = _image_encoder(collection).encode(images, show_progress=False)
    return collection.search_vectors(np.asarray(vecs, np.float32), k, filter=filter, index=index, with_text=False)
