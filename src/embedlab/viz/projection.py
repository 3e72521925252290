"""Projections of vectors to 2 or 3 dimensions: PCA, t-SNE and UMAP behind one function."""

from __future__ import annotations

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError, MissingDependencyError

__all__ = ["METHODS", "PCA2", "project"]

METHODS = ("pca", "tsne", "umap")


class PCA2:
    """A PCA fitted once, then applied to any vector (so new points land on the same map).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(100, 5)) * [10, 1, 0.1, 0.1, 0.1]
    >>> p = PCA2(2).fit(x)
    >>> p.transform(x).shape
    (100, 2)
    """

    def __init__(self, dim: int = 2, sample: int = 200_000, seed: int = 0) -> None:
        self.dim = check_int("dim", dim, 1)
        self.sample = sample
        self.seed = seed
        self.mean: np.ndarray | None = None
        self.components: np.ndarray | None = None

    def fit(self, x: np.ndarray) -> PCA2:
        x = np.asarray(x, dtype=np.float32)
        if x.shape[0] > self.sample:  # the principal directions of a large sample are the same
            rows = np.sort(np.random.default_rng(self.seed).choice(x.shape[0], self.sample, replace=False))
            x = x[rows]
        self.mean = x.mean(axis=0)
        _, _, vt = np.linalg.svd(x - self.mean, full_matrices=False)
        # fix each component's sign so maps are reproducible
        signs = np.sign(vt[:, np.argmax(np.abs(vt), axis=1)].diagonal())
        self.components = (vt[: self.dim] * signs[: self.dim, None]).astype(np.float32)
        return self

    def transform(self, x: np.ndarray, block: int = 262_144) -> np.ndarray:
        if self.components is None:
            raise ConfigError("PCA2 is not fitted; call fit() first")
        x = np.asarray(x, dtype=np.float32)
        out = np.empty((x.shape[0], self.dim), dtype=np.float32)
        for s in range(0, x.shape[0], block):
            out[s : s + block] = (x[s : s + block] - self.mean) @ self.components.T
        return out


def project(vectors: np.ndarray, method: str = "pca", dim: int = 2, *, seed: int = 0, **options) -> np.ndarray:
    """``float32 [n, dim]`` coordinates of ``vectors`` by ``"pca"``, ``"tsne"`` or ``"umap"``.

    t-SNE and UMAP use cosine distance (what embedding neighbourhoods mean); options go to
    scikit-learn's ``TSNE`` or umap-learn's ``UMAP`` (e.g. ``perplexity``, ``n_neighbors``).

    >>> project(np.eye(4, dtype=np.float32), "pca").shape
    (4, 2)
    """
    method = check_choice("method", method, METHODS)
    dim = check_int("dim", dim, 2, 3)
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ConfigError(f"need at least 2 vectors to project, got shape {list(x.shape)}")
    if method == "pca":
        return PCA2(dim, seed=seed).fit(x).transform(x)
    if method == "tsne":
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise MissingDependencyError("scikit-learn", "viz") from None
        perplexity = options.pop("perplexity", min(30.0, (x.shape[0] - 1) / 3))
        tsne = TSNE(dim, perplexity=perplexity, metric="cosine", init="pca", random_state=seed, **options)
        return tsne.fit_transform(x).astype(np.float32)
    try:
        import umap
    except ImportError:
        raise MissingDependencyError("umap-learn", "viz") from None
    n_neighbors = options.pop("n_neighbors", max(2, min(15, x.shape[0] - 1)))
    options.setdefault("n_jobs", 1)  # a fixed random_state makes umap-learn single-threaded anyway
    reducer = umap.UMAP(n_components=dim, n_neighbors=n_neighbors, metric="cosine", random_state=seed, **options)
    return reducer.fit_transform(x).astype(np.float32)
