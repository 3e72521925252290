"""Explanations drawn: each side's parts as bars (what each brought to the similarity) and the pair
table as a heat map (red adds to the similarity, blue takes from it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import atomic_file
from embedlab.errors import ConfigError, MissingDependencyError

__all__ = ["plot_explanation"]


def plot_explanation(e: Any, path: str | os.PathLike[str], *, top_dimensions: int = 20) -> Path:
    """Draw a :class:`~embedlab.explain.SimilarityExplanation` to ``path`` (.png, .svg or .pdf)."""
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ConfigError(f"explanations are drawn as .png, .svg or .pdf, not {out.suffix or 'no suffix'}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError("matplotlib", "viz") from None
    title = f"{e.a!r} vs {e.b!r}: cosine {e.score:.3f} ({e.mode})"
    if e.dimensions is not None:
        top = e.top_dimensions(top_dimensions)
        fig = plt.figure(figsize=(8, 4), dpi=110)
        ax: Any = fig.add_subplot()
        ax.bar([str(d) for d, _ in top], [c for _, c in top], color="#c0392b")
        ax.set_xlabel("dimension")
        ax.set_ylabel("â_k · b̂_k")
        ax.set_title(title, fontsize=10)
    else:
        na, nb = len(e.a_parts), len(e.b_parts)
        has_pairs = e.pairs is not None
        fig = plt.figure(figsize=(min(4 + 0.45 * nb, 24) + 3, min(3 + 0.35 * na, 24) + (2.5 if has_pairs else 0)),
                         dpi=110)  # fmt: skip
        grid = fig.add_gridspec(2 if has_pairs else 1, 2, height_ratios=[1, 2] if has_pairs else [1])
        for k, (parts, totals, label) in enumerate(((e.a_parts, e.a_totals, "a"), (e.b_parts, e.b_totals, "b"))):
            ax = fig.add_subplot(grid[0, k])
            colors = ["#c0392b" if t >= 0 else "#2e86c1" for t in totals]
            ax.barh(range(len(parts)), totals, color=colors)
            ax.set_yticks(range(len(parts)), parts, fontsize=8)
            ax.invert_yaxis()
            ax.set_title(f"{label}: " + ("score drop without the token" if e.mode == "occlusion" else "share"),
                         fontsize=9)  # fmt: skip
        if has_pairs:
            ax = fig.add_subplot(grid[1, :])
            lim = float(np.abs(e.pairs).max()) or 1.0
            im = ax.imshow(e.pairs, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
            ax.set_xticks(range(nb), e.b_parts, rotation=90, fontsize=8)
            ax.set_yticks(range(na), e.a_parts, fontsize=8)
            fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="contribution to the cosine")
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    with atomic_file(out, "wb") as fh:
        fig.savefig(fh, format=out.suffix.lower()[1:])
    plt.close(fig)
    return out
