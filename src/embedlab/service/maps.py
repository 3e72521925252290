"""The explorer's map: PCA at once, then a neighbourhood-preserving map (UMAP or t-SNE) computed in
a background thread and cached beside the model; colourings (frequency, labels, metadata fields,
clusters) and the placement of points that are not on it.

UMAP is fitted on the first 30,000 points (for word vectors: the most frequent words) and the rest
are placed by the fitted model; t-SNE, which cannot place new points, maps at most 30,000. The
cache (``MODEL.map-umap.npz`` beside a model file or folder) holds the coordinates and a
fingerprint of the vectors and keys, so a changed model is mapped again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["NEIGHBOURHOOD_METHODS", "MapJob", "cluster_coloring", "fingerprint", "place"]

NEIGHBOURHOOD_METHODS = ("umap", "tsne")
FIT_POINTS = 30_000


def fingerprint(vecs: np.ndarray, labels: list[str]) -> str:
    """A cheap digest of what is mapped: shape, every key, and 4,096 rows spread over the matrix."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{vecs.shape}".encode())
    h.update("\n".join(labels).encode("utf-8", "surrogatepass"))
    rows = np.unique(np.linspace(0, max(len(vecs) - 1, 0), num=min(4096, len(vecs))).astype(np.int64))
    h.update(np.ascontiguousarray(vecs[rows], dtype=np.float32).tobytes())
    return h.hexdigest()


def cache_path(source: str | None, method: str) -> Path | None:
    if not source:
        return None
    p = Path(source)
    return p.parent / f"{p.name}.map-{method}.npz"


def read_cached(path: Path | None, fp: str, n: int) -> np.ndarray | None:
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["fingerprint"]) != fp:
                return None
            xy = np.asarray(z["xy"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        return None  # a damaged cache is recomputed, never trusted
    return xy if xy.shape == (n, 2) and np.isfinite(xy).all() else None


def write_cached(path: Path | None, fp: str, xy: np.ndarray) -> None:
    if path is None:
        return
    from embedlab._files import atomic_file

    try:
        with atomic_file(path, "wb") as fh:
            np.savez(fh, xy=xy, fingerprint=np.array(fp))
    except OSError as exc:  # a read-only place: the map still works, it is just not kept
        warnings.warn(f"could not cache the explorer's map at {path}: {exc}", stacklevel=2)


def neighbourhood_xy(vecs: np.ndarray, method: str, seed: int = 0) -> np.ndarray:
    """2-D coordinates by UMAP (fit on the first :data:`FIT_POINTS`, the rest placed) or t-SNE."""
    from embedlab.viz.projection import project

    x = np.asarray(vecs, dtype=np.float32)
    if method == "tsne":
        return project(x[:FIT_POINTS], "tsne", 2, seed=seed)
    if len(x) <= FIT_POINTS:
        return project(x, "umap", 2, seed=seed)
    import umap

    reducer = umap.UMAP(n_components=2, n_neighbors=15, metric="cosine", random_state=seed, n_jobs=1)
    out = np.empty((len(x), 2), dtype=np.float32)
    out[:FIT_POINTS] = reducer.fit_transform(x[:FIT_POINTS])
    for s in range(FIT_POINTS, len(x), 50_000):
        out[s : s + 50_000] = reducer.transform(x[s : s + 50_000])
    return out


class MapJob:
    """Computes the neighbourhood map of ``m`` (the served map dict) once, in a daemon thread, and swaps
    it in when done: ``m["xy"]``, ``m["method"]``, ``m["version"]`` change together under ``lock``."""

    def __init__(self, m: dict[str, Any], method: str, source: str | None) -> None:
        self.m, self.method, self.source = m, method, source
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.error: str | None = None

    @property
    def pending(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        with self.lock:
            if self.thread is not None or self.m["method"] == self.method:
                return
            self.thread = threading.Thread(target=self._run, name="embedlab-map", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        _yield_to_requests()
        t0 = time.perf_counter()
        vecs, labels = self.m["vecs"], self.m["labels"]
        try:
            n = len(vecs) if self.method == "umap" else min(len(vecs), FIT_POINTS)
            fp = fingerprint(vecs[:n], labels[:n])
            path = cache_path(self.source, self.method)
            xy = read_cached(path, fp, n)
            if xy is None:
                xy = neighbourhood_xy(vecs[:n], self.method)
                write_cached(path, fp, xy)
        except Exception as exc:  # the PCA map stays; the page says why the other did not come
            self.error = f"{type(exc).__name__}: {exc}"
            return
        with self.lock:
            m = self.m
            if n < len(vecs):  # t-SNE maps the first points only
                for key in ("labels", "titles"):
                    m[key] = m[key][:n]
                m["index"] = {w: i for i, w in enumerate(m["labels"])}
                m["colorings"] = {k: (c, cats[:n]) for k, (c, cats) in m["colorings"].items()}
                m["vecs"] = vecs[:n]
                m.pop("norms", None)
            m["xy"] = np.ascontiguousarray(xy, dtype=np.float32)
            m["method"], m["pca"] = self.method, None
            m["version"] += 1
            m["seconds"] = time.perf_counter() - t0


def _yield_to_requests() -> None:
    """Run this (map) thread at the lowest CPU priority and on one numba thread: a server answers its
    requests first and draws the map with what is left (measured: a UMAP of 73k words beside 16 clients
    took 60% of the requests/s away at equal priority)."""
    if sys.platform.startswith("linux"):  # Linux gives each thread its own nice value
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    from embedlab.kernels.threads import set_kernel_threads

    set_kernel_threads(1)  # per thread: the request threads keep every core


def cluster_coloring(vecs: np.ndarray, titles: list[str], k: int = 12, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """k-means clusters of the unit vectors, each named after its first three points (for word
    vectors: its most frequent words)."""
    from sklearn.cluster import MiniBatchKMeans

    x = np.asarray(vecs, dtype=np.float32)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    k = max(1, min(k, len(x)))
    fit = x if len(x) <= 50_000 else x[np.random.default_rng(seed).choice(len(x), 50_000, replace=False)]
    km = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096).fit(fit)
    cats = np.concatenate([km.predict(x[s : s + 100_000]) for s in range(0, len(x), 100_000)]).astype(np.uint16)
    names = []
    for c in range(k):
        members = np.flatnonzero(cats == c)[:3]
        names.append(f"{c + 1}: " + " · ".join(titles[i][:16] for i in members) if len(members) else f"{c + 1}")
    return names, cats


def place(m: dict[str, Any], queries: np.ndarray, k: int = 10) -> np.ndarray:
    """Map coordinates for vectors not on the map: the similarity-weighted mean of the coordinates of
    their ``k`` nearest points (cosine), which is where a neighbourhood map would put them."""
    q = np.asarray(queries, dtype=np.float32)
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    if "norms" not in m:  # the mapped rows' lengths, on the first placement (not at start-up)
        m["norms"] = np.maximum(np.linalg.norm(m["vecs"], axis=1), 1e-12)
    out = np.empty((len(q), 2), dtype=np.float32)
    for i, row in enumerate(q):
        scores = (m["vecs"] @ row) / m["norms"]
        top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
        w = np.maximum(scores[top], 0) + 1e-6
        out[i] = (m["xy"][top] * w[:, None]).sum(axis=0) / w.sum()
    return out
