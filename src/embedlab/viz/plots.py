"""Word maps as PNG/SVG (matplotlib) or as one self-contained HTML file (plotly, script embedded).

>>> import numpy as np, tempfile, os
>>> from embedlab.vectors.keyed import KeyedVectors
>>> kv = KeyedVectors(list("abcdef"), np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32))
>>> out = plot_words(kv, list("abcdef"), tempfile.mkdtemp() + "/map.png")
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
from embedlab.viz.axes import axis_coordinates
from embedlab.viz.projection import project

__all__ = ["plot_points", "plot_words"]


def plot_words(
    kv,
    words: Sequence[str] | None,
    output: str | os.PathLike[str],
    *,
    top: int | None = None,
    method: str = "pca",
    axes: Sequence[tuple[str, str]] | None = None,
    analogies: Sequence[tuple[str, str, str, str]] = (),
    title: str | None = None,
    dims: int = 2,
    seed: int = 0,
) -> Path:
    """Plot ``words`` (or the ``top`` most frequent) projected with ``method`` or on semantic ``axes``.

    ``dims`` is 2 or 3 (a 3-D scatter; rotatable in HTML). With ``axes`` (two or three
    ``(from, to)`` pairs) each axis is one semantic direction instead of a projection.
    ``analogies`` draws arrows a→b and c→d for each ``(a, b, c, d)``, which run parallel when the
    analogy holds. The file type follows the suffix: ``.png``, ``.svg``, ``.pdf`` or ``.html``.
    """
    dims = check_int("dims", dims, 2, 3)
    if words is None:
        if not top:
            raise ConfigError("give words or top=N")
        words = kv.words[: check_int("top", top, 2)]
    words = list(dict.fromkeys([*words, *(w for q in analogies for w in q)]))
    missing = [w for w in words if w not in kv]
    if missing:
        from embedlab.errors import UnknownWordError

        raise UnknownWordError(missing[0], kv.vocab.suggest(missing[0]) if hasattr(kv, "vocab") else [])
    if axes:
        if len(axes) not in (2, 3):
            raise ConfigError("semantic plots need two or three axes, e.g. [('man', 'woman'), ('king', 'queen')]")
        xy = axis_coordinates(kv, words, axes)
        labels = tuple(f"{a} → {b}" for a, b in axes)
    else:
        xy = project(np.stack([kv.get_vector(w) for w in words]), method, dims, seed=seed)
        labels = tuple(f"{method.upper()} {i + 1}" for i in range(dims))
    pos = {w: xy[i] for i, w in enumerate(words)}
    arrows = [(pos[a], pos[b]) for a, b, c, d in analogies] + [(pos[c], pos[d]) for a, b, c, d in analogies]
    return plot_points(xy, words, output, title=title or "word map", axis_labels=labels, arrows=arrows)


def plot_points(
    xy: np.ndarray,
    labels: Sequence[str],
    output: str | os.PathLike[str],
    *,
    title: str = "",
    axis_labels: tuple[str, ...] = ("x", "y", "z"),
    arrows: Sequence[tuple[np.ndarray, np.ndarray]] = (),
    colors: Sequence[str] | None = None,
) -> Path:
    """Write a labelled scatter plot of 2-D or 3-D points (``xy`` with 2 or 3 columns); atomic."""
    from embedlab._files import atomic_file

    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf", ".html"):
        raise ConfigError(f"output must end in .png, .svg, .pdf or .html, got {out.name!r}")
    xy = np.asarray(xy, dtype=np.float64)
    if suffix == ".html":
        html = _plotly_html(xy, labels, title, axis_labels, arrows, colors)
        with atomic_file(out, "w") as fh:
            fh.write(html)
        return out
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError("matplotlib", "viz") from None
    three = xy.shape[1] == 3
    fig = plt.figure(figsize=(9, 7), dpi=110)
    ax: Any = fig.add_subplot(projection="3d" if three else None)  # 2-D or 3-D axes
    ax.scatter(*xy.T, s=14, c=None if colors is None else list(colors), alpha=0.8)
    if len(labels) <= 500:
        for p, text in zip(xy, labels, strict=True):
            if three:
                ax.text(*p, text, fontsize=8)
            else:
                ax.annotate(text, tuple(p), fontsize=8, xytext=(3, 3), textcoords="offset points")
    for a, b in arrows:
        if three:
            ax.quiver(*a, *(np.asarray(b) - np.asarray(a)), color="tab:red", arrow_length_ratio=0.15)
        else:
            ax.annotate("", xy=b, xytext=a, arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 1.2})
    ax.set_title(title)
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if three:
        ax.set_zlabel(axis_labels[2])
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_file(out, "wb") as fh:
        fig.savefig(fh, format=suffix[1:])
    plt.close(fig)
    return out


def _plotly_html(xy, labels, title, axis_labels, arrows, colors) -> str:
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise MissingDependencyError("plotly", "viz") from None
    common = {
        "mode": "markers+text" if len(labels) <= 500 else "markers",
        "text": list(labels),
        "textposition": "top center",
        "hovertext": list(labels),
        "marker": {"size": 6 if xy.shape[1] == 2 else 3, "color": None if colors is None else list(colors)},
    }
    if xy.shape[1] == 3:
        fig = go.Figure(go.Scatter3d(x=xy[:, 0], y=xy[:, 1], z=xy[:, 2], **common))
        for a, b in arrows:
            fig.add_trace(go.Scatter3d(x=[a[0], b[0]], y=[a[1], b[1]], z=[a[2], b[2]], mode="lines",
                                       line={"color": "crimson", "width": 4}, showlegend=False))  # fmt: skip
        scene = {"xaxis_title": axis_labels[0], "yaxis_title": axis_labels[1], "zaxis_title": axis_labels[2]}
        fig.update_layout(title=title, scene=scene, template="plotly_white")
    else:
        # SVG traces keep labels as text (searchable, selectable); WebGL only for large maps
        trace = go.Scatter if len(labels) <= 5000 else go.Scattergl
        fig = go.Figure(trace(x=xy[:, 0], y=xy[:, 1], **common))
        for a, b in arrows:
            fig.add_annotation(x=b[0], y=b[1], ax=a[0], ay=a[1], xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=2, arrowcolor="crimson")  # fmt: skip
        fig.update_layout(title=title, xaxis_title=axis_labels[0], yaxis_title=axis_labels[1], template="plotly_white")
    # the whole plotly.js goes into the file: it opens offline, with no CDN
    return fig.to_html(include_plotlyjs=True, full_html=True)
