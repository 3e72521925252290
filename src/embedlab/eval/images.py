"""Evaluation of image embeddings and of image-text spaces, over vectors (any encoder's).

- :func:`knn_accuracy`: k-nearest-neighbour classification, on a train/test split or by
  stratified k-fold cross-validation on one labelled set;
- :func:`linear_probe_accuracy`: a logistic-regression probe on frozen embeddings, the same two ways;
- :func:`precision_at_k`: image search quality, the share of each query's ``k`` nearest neighbours
  (itself left out) that have its label;
- :func:`cross_modal_recall`: Recall@K text->image and image->text for matched pairs;
- :func:`zero_shot_accuracy`: each image's label is the class whose text prompt lies nearest.

Every function returns a dict with ``primary_metric`` like the other evaluators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError

__all__ = ["cross_modal_recall", "knn_accuracy", "linear_probe_accuracy", "precision_at_k", "zero_shot_accuracy"]


def _xy(vectors: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(vectors, dtype=np.float32)
    y = np.asarray(labels)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ConfigError(f"vectors must be a non-empty [n, dim] matrix, got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ConfigError(f"{x.shape[0]} vectors but labels of shape {y.shape}")
    if not np.isfinite(x).all():
        raise ConfigError("vectors hold NaN or infinite values")
    return x, y


def _splits(x: np.ndarray, y: np.ndarray, test: tuple[Any, Any] | None, folds: int, seed: int):
    if test is not None:
        xt, yt = _xy(*test)
        if xt.shape[1] != x.shape[1]:
            raise ConfigError(f"train vectors are {x.shape[1]}-d, test vectors {xt.shape[1]}-d")
        yield x, y, xt, yt
        return
    from sklearn.model_selection import StratifiedKFold

    folds = check_int("folds", folds, 2)
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < folds:
        raise ConfigError(f"every label needs at least {folds} examples for {folds}-fold cross-validation")
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        yield x[tr], y[tr], x[te], y[te]


def knn_accuracy(
    vectors: Any,
    labels: Any,
    *,
    k: int = 5,
    metric: str = "cosine",
    test: tuple[Any, Any] | None = None,
    folds: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Accuracy of a ``k``-NN vote (distance-weighted) under ``metric`` (``"cosine"`` or ``"euclidean"``).

    With ``test=(vectors, labels)`` the neighbours come from ``vectors`` and the test set is scored;
    otherwise ``folds``-fold stratified cross-validation on the one set.
    """
    from sklearn.neighbors import KNeighborsClassifier

    x, y = _xy(vectors, labels)
    metric = check_choice("metric", metric, ("cosine", "euclidean"))
    k = check_int("k", k, 1)
    right = total = 0
    for xa, ya, xb, yb in _splits(x, y, test, folds, seed):
        if metric == "cosine":  # Euclidean on unit vectors ranks as cosine, and runs in BLAS
            xa, xb = normalize_rows(xa), normalize_rows(xb)
        clf = KNeighborsClassifier(n_neighbors=min(k, len(xa)), weights="distance", algorithm="brute").fit(xa, ya)
        right += int((clf.predict(xb) == yb).sum())
        total += len(yb)
    return {"accuracy": right / total, "k": k, "metric": metric, "n": total, "primary_metric": "accuracy"}


#: L2 strengths a probe chooses from (inverse: smaller is stronger), on a validation split
PROBE_CS = (0.01, 0.1, 1.0)


def _probe(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))


def _choose_c(x: np.ndarray, y: np.ndarray, cs: Sequence[float], seed: int) -> float:
    """The ``C`` of ``cs`` that scores best on a stratified 20% validation split of the training part."""
    from sklearn.model_selection import train_test_split

    xa, xb, ya, yb = train_test_split(x, y, test_size=0.2, stratify=y, random_state=seed)
    scores = [float((_probe(c).fit(xa, ya).predict(xb) == yb).mean()) for c in cs]
    return float(cs[int(np.argmax(scores))])


def linear_probe_accuracy(
    vectors: Any,
    labels: Any,
    *,
    test: tuple[Any, Any] | None = None,
    folds: int = 5,
    c: float | Sequence[float] = PROBE_CS,
    seed: int = 0,
    show_progress: ProgressArg = False,
) -> dict[str, Any]:
    """Accuracy of a logistic-regression probe (standardised features, L2 strength ``1/c``).

    With several ``c`` (the default), each training part chooses its own on a 20% validation split
    of itself (the test part is never looked at), then the probe is fit on the whole training part.
    ``show_progress``: a bar over the folds (each fits ``len(c) + 1`` probes; minutes on large sets).
    """
    x, y = _xy(vectors, labels)
    cs = [float(c)] if isinstance(c, (int, float)) else [float(v) for v in c]
    if not cs or min(cs) <= 0:
        raise ConfigError(f"c must be one positive number or a list of them, got {c!r}")
    right = total = 0
    chosen = []
    parts = 1 if test is not None else check_int("folds", folds, 2)
    with Progress("linear probe", parts, enabled=show_progress, unit="folds") as bar:
        for done, (xa, ya, xb, yb) in enumerate(_splits(x, y, test, folds, seed), 1):
            best = cs[0] if len(cs) == 1 else _choose_c(xa, ya, cs, seed)
            chosen.append(best)
            right += int((_probe(best).fit(xa, ya).predict(xb) == yb).sum())
            total += len(yb)
            bar.update(done, info=f"C {best:g}")
    return {"accuracy": right / total, "n": total, "c": chosen, "primary_metric": "accuracy"}


def precision_at_k(vectors: Any, labels: Any, *, k: int = 10, block: int = 2048) -> dict[str, Any]:
    """Mean share of each item's ``k`` nearest others (cosine) that share its label."""
    x, y = _xy(vectors, labels)
    k = check_int("k", k, 1, x.shape[0] - 1)
    xn = normalize_rows(x)
    share = np.empty(x.shape[0], np.float64)
    for start in range(0, x.shape[0], block):
        sims = xn[start : start + block] @ xn.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf  # an item is not its own neighbour
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        share[start : start + sims.shape[0]] = (y[top] == y[start : start + sims.shape[0], None]).mean(axis=1)
    return {f"precision@{k}": float(share.mean()), "k": k, "n": int(x.shape[0]), "primary_metric": f"precision@{k}"}


def cross_modal_recall(
    image_vectors: Any, text_vectors: Any, *, ks: Sequence[int] = (1, 5, 10), groups: Any = None
) -> dict[str, Any]:
    """Recall@K both ways for row-matched pairs (image i goes with text i).

    ``groups`` (optional, one id per pair) counts any image (text) of the query's group as a hit,
    for sets where several images share one caption.
    """
    im = normalize_rows(np.asarray(image_vectors, dtype=np.float32))
    tx = normalize_rows(np.asarray(text_vectors, dtype=np.float32))
    if im.ndim != 2 or im.shape != tx.shape or im.shape[0] == 0:
        raise ConfigError(f"image and text vectors must be matched [n, dim] matrices, got {im.shape} and {tx.shape}")
    n = im.shape[0]
    g = np.arange(n) if groups is None else np.asarray(groups)
    if g.shape != (n,):
        raise ConfigError(f"{n} pairs but groups of shape {g.shape}")
    ks = [check_int("k", k, 1) for k in ks]
    sims = tx @ im.T  # [text, image]
    out: dict[str, Any] = {"n": n}
    for name, s in (("text_to_image", sims), ("image_to_text", sims.T)):
        order = np.argsort(-s, axis=1, kind="stable")[:, : max(ks)]
        hit = g[order] == g[:, None]
        for k in ks:
            out[f"{name}_recall@{k}"] = float(hit[:, :k].any(axis=1).mean())
    out["primary_metric"] = f"text_to_image_recall@{ks[-1]}" if 10 not in ks else "text_to_image_recall@10"
    return out


def zero_shot_accuracy(
    image_vectors: Any, labels: Any, class_vectors: Any, class_labels: Sequence[Any]
) -> dict[str, Any]:
    """Accuracy of labelling each image with the class whose (prompt) vector is nearest by cosine."""
    x, y = _xy(image_vectors, labels)
    c = np.asarray(class_vectors, dtype=np.float32)
    names = np.asarray(list(class_labels))
    if c.ndim != 2 or c.shape[0] != len(names) or c.shape[1] != x.shape[1]:
        raise ConfigError(f"class vectors {c.shape} do not fit {len(names)} classes of {x.shape[1]}-d vectors")
    pred = names[np.argmax(normalize_rows(x) @ normalize_rows(c).T, axis=1)]
    per_class = {str(name): float((pred[y == name] == name).mean()) for name in names if (y == name).any()}
    return {
        "accuracy": float((pred == y).mean()), "chance": 1.0 / len(names), "per_class": per_class,
        "n": int(x.shape[0]), "primary_metric": "accuracy",
    }  # fmt: skip
