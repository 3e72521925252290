"""A classifier's confusion matrix as a PNG/SVG heat map: rows the true labels, columns the predicted.

Counts are shown in each cell for up to 30 labels; rows are normalised to the share of each true
label, so a small class's errors are as visible as a large one's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import atomic_file
from embedlab.errors import ConfigError, MissingDependencyError

__all__ = ["plot_confusion"]


def plot_confusion(
    labels: Sequence[str], matrix: Sequence[Sequence[int]] | np.ndarray, path: str | os.PathLike[str],
    *, title: str = "confusion matrix",
) -> Path:  # fmt: skip
    """Draw ``matrix[true, predicted]`` with ``labels`` on both axes to ``path`` (.png or .svg)."""
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ConfigError(f"the confusion matrix is drawn as .png, .svg or .pdf, not {out.suffix or 'no suffix'}")
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape != (len(labels), len(labels)):
        raise ConfigError(f"matrix is {m.shape}, expected ({len(labels)}, {len(labels)})")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError("matplotlib", "viz") from None
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    n = len(labels)
    size = min(4 + 0.35 * n, 30)
    fig = plt.figure(figsize=(size, size * 0.85), dpi=110)
    ax: Any = fig.add_subplot()
    im = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), labels, rotation=90, fontsize=8 if n > 20 else 10)
    ax.set_yticks(range(n), labels, fontsize=8 if n > 20 else 10)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    if n <= 30:
        for i in range(n):
            for j in range(n):
                if m[i, j]:
                    ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=7,
                            color="white" if share[i, j] > 0.5 else "black")  # fmt: skip
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="share of the true label")
    fig.tight_layout()
    with atomic_file(out, "wb") as fh:
        fig.savefig(fh, format=out.suffix.lower()[1:])
    plt.close(fig)
    return out
