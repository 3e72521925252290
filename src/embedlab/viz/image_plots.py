"""Image maps: each image drawn as a thumbnail where its embedding projects (PCA, t-SNE, UMAP).

>>> import numpy as np, tempfile, os
>>> images = np.random.default_rng(0).integers(0, 255, (12, 16, 16, 3), dtype=np.uint8)
>>> vecs = images.reshape(12, -1).astype(np.float32)
>>> out = plot_images(vecs, images, tempfile.mkdtemp() + "/map.png")
>>> os.path.getsize(out) > 1000
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._validation import check_int
from embedlab.errors import ConfigError, MissingDependencyError
from embedlab.io.images import ImageInput, as_image_list, images_to_array
from embedlab.viz.projection import project

__all__ = ["plot_images"]


def plot_images(
    vectors: np.ndarray,
    images: ImageInput | Sequence[ImageInput],
    output: str | os.PathLike[str],
    *,
    method: str = "pca",
    labels: Sequence[str] | None = None,
    thumb: int = 32,
    title: str = "image map",
    seed: int = 0,
) -> Path:
    """Write a 2-D map of ``vectors`` (row i belongs to ``images[i]``) with each image as a ``thumb``-pixel
    thumbnail at its point; ``labels`` (optional) frame thumbnails by class colour. PNG, SVG or PDF; atomic."""
    from embedlab._files import atomic_file

    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise ConfigError(f"output must end in .png, .svg or .pdf, got {out.name!r}")
    items = as_image_list(images)
    vecs = np.asarray(vectors, dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[0] != len(items):
        raise ConfigError(f"{len(items)} images but vectors of shape {vecs.shape}")
    if labels is not None and len(labels) != len(items):
        raise ConfigError(f"{len(items)} images but {len(labels)} labels")
    if len(items) < 3:
        raise ConfigError("an image map needs at least three images")
    thumb = check_int("thumb", thumb, 8, 256)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.offsetbox import AnnotationBbox, OffsetImage
    except ImportError:
        raise MissingDependencyError("matplotlib", "viz") from None
    xy = project(vecs, method, 2, seed=seed)
    pixels = images_to_array(items, thumb, 3)
    fig = plt.figure(figsize=(10, 8), dpi=110)
    ax: Any = fig.add_subplot()
    ax.scatter(*xy.T, s=2, alpha=0.0)  # sets the limits; the thumbnails are the marks
    palette = plt.get_cmap("tab10")
    classes = {c: i for i, c in enumerate(dict.fromkeys(labels))} if labels is not None else {}
    for i, (p, im) in enumerate(zip(xy, pixels, strict=True)):
        frame = palette(classes[labels[i]] % 10) if labels is not None else "none"
        box = AnnotationBbox(OffsetImage(im, zoom=1.0), tuple(p), frameon=labels is not None, pad=0.1,
                             bboxprops={"edgecolor": frame, "linewidth": 1.5})  # fmt: skip
        ax.add_artist(box)
    if labels is not None:
        for c, i in classes.items():
            ax.scatter([], [], color=palette(i % 10), label=str(c))
        ax.legend(loc="best", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel(f"{method.upper()} 1")
    ax.set_ylabel(f"{method.upper()} 2")
    ax.margins(0.08)
    fig.tight_layout()
    with atomic_file(out, "wb") as fh:
        fig.savefig(fh, format=suffix[1:])
    plt.close(fig)
    return out
