"""Classifier heads over sentence vectors: "embed the text, feed it to a classifier".

:class:`EmbeddingClassifier` puts a head on any :class:`~embedlab.encoders.base.Encoder`
(pooled word vectors, FastText with OOV words, sentence-transformers models):

- ``head="logistic"``: scikit-learn's logistic regression (one-vs-rest for multi-label);
- ``head="mlp"``: a PyTorch MLP with optional normalisation of the embedding (``"layer"`` or
  ``"l2"``) and dropout after it, trained with AdamW and early stopping on a held-out tenth.

Probabilities are calibrated by temperature scaling (Guo et al. 2017): one temperature, fitted on
held-out predictions, that makes the confidence match the accuracy; it changes no prediction.
Heads work on precomputed vectors too (``fit_vectors``), which is how intent models and tuning
reuse one encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab._progress import Phase
from embedlab.classify.config import HEADS, HeadConfig
from embedlab.classify.metrics import label_lists
from embedlab.encoders.base import Encoder, check_texts
from embedlab.errors import ConfigError, CorpusError

__all__ = ["HEADS", "EmbeddingClassifier", "fit_temperature", "softmax"]


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def fit_temperature(logits: np.ndarray, targets: np.ndarray, multi_label: bool = False) -> float:
    """The temperature T > 0 minimising the log loss of ``logits / T`` on held-out ``targets``."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        if multi_label:
            p = np.clip(_sigmoid(z), 1e-12, 1 - 1e-12)
            return float(-(targets * np.log(p) + (1 - targets) * np.log(1 - p)).mean())
        p = softmax(z)
        return float(-np.log(np.clip(p[np.arange(len(targets)), targets], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(-4.0, 4.0), method="bounded")
    return float(np.exp(res.x))


class EmbeddingClassifier:
    """A classifier head on an encoder's sentence vectors.

    ``encoder`` is an Encoder or what :func:`~embedlab.encoders.factory.load_encoder` takes
    (``"minilm"``, a sentence-transformers folder, a word-vector model); a name or path is kept so
    the saved classifier can load it again.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(+1, 0.3, (20, 4)), rng.normal(-1, 0.3, (20, 4))]).astype(np.float32)
    >>> clf = EmbeddingClassifier(None).fit_vectors(x, ["up"] * 20 + ["down"] * 20)
    >>> clf.predict_vectors(np.ones((1, 4), np.float32))
    ['up']
    """

    def __init__(
        self,
        encoder: Encoder | str | None = "minilm",
        *,
        head: str = "logistic",
        C: float = 0.05,
        hidden: int = 256,
        dropout: float = 0.1,
        normalize: str | None = "layer",
        epochs: int = 100,
        lr: float = 1e-3,
        calibrate: bool = True,
        standardize: bool = True,
        multi_label: bool = False,
        batch_size: int = 64,
        seed: int = 0,
    ) -> None:
        c = self.config = HeadConfig(head=head, C=C, hidden=hidden, dropout=dropout, normalize=normalize,
                                     epochs=epochs, lr=lr, calibrate=bool(calibrate), standardize=bool(standardize),
                                     multi_label=bool(multi_label), batch_size=batch_size, seed=seed)  # fmt: skip
        self.head, self.C, self.hidden, self.dropout, self.normalize = c.head, c.C, c.hidden, c.dropout, c.normalize
        self.epochs, self.lr, self.calibrate, self.standardize = c.epochs, c.lr, c.calibrate, c.standardize
        self.multi_label, self.batch_size, self.seed = c.multi_label, c.batch_size, c.seed
        self.encoder_spec: str | None = None
        self._encoder: Encoder | None = None
        if isinstance(encoder, str):
            self.encoder_spec = encoder
        elif encoder is not None:
            self._encoder = encoder
        self.classes_: list[str] = []
        self.temperature = 1.0
        self.weights: dict[str, np.ndarray] = {}
        self.dim = 0

    def __repr__(self) -> str:
        state = f"{len(self.classes_)} classes" if self.classes_ else "not fitted"
        enc = self.encoder_spec or type(self._encoder).__name__
        return f"EmbeddingClassifier(head={self.head!r}, encoder={enc}; {state})"

    # -- encoder ---------------------------------------------------------------------------------
    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            if self.encoder_spec is None:
                raise ConfigError("this classifier has no encoder; pass one (EmbeddingClassifier(encoder, ...))")
            from embedlab.encoders.factory import load_encoder

            self._encoder = load_encoder(self.encoder_spec)
        return self._encoder

    def embed(self, texts: Sequence[str] | str, *, show_progress: Any = False) -> np.ndarray:
        texts = check_texts(texts)
        return np.asarray(self.encoder.encode(texts, normalize=True, show_progress=show_progress), dtype=np.float32)

    # -- training --------------------------------------------------------------------------------
    def fit(
        self, texts: Sequence[str], labels: Sequence[str | Sequence[str]], *, show_progress: Any = False
    ) -> EmbeddingClassifier:
        """Encode ``texts`` and fit the head on their labels (a label or, multi-label, a list per text)."""
        texts = check_texts(texts)
        if len(texts) != len(labels):
            raise ConfigError(f"texts and labels differ in length ({len(texts)} vs {len(labels)})")
        return self.fit_vectors(self.embed(texts, show_progress=show_progress), labels, show_progress=show_progress)

    def fit_vectors(
        self, x: np.ndarray, labels: Sequence[str | Sequence[str]], *, show_progress: Any = False
    ) -> EmbeddingClassifier:
        """Fit the head on precomputed sentence vectors (``show_progress``: a status line while it fits)."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[0] != len(labels):
            raise ConfigError(
                f"vectors must be [n, dim] with one row per label, got {x.shape} for {len(labels)} labels"
            )
        if not np.isfinite(x).all():
            raise ConfigError("the vectors hold NaN or infinite values")
        y, classes = self._targets(labels)
        self.classes_ = classes
        self.dim = int(x.shape[1])
        fit = self._fit_logistic if self.head == "logistic" else self._fit_mlp
        what = f"fitting the {self.head} head on {len(x):,} vectors, {len(classes):,} classes"
        with Phase(what, enabled=show_progress):
            self.weights = fit(x, y)
        val_logits, val_y = self.weights.pop("_val_logits", None), self.weights.pop("_val_y", None)
        self.temperature = 1.0
        if self.calibrate and self.head == "mlp" and val_logits is not None and val_y is not None and len(val_y) >= 10:
            self.temperature = fit_temperature(val_logits, val_y, self.multi_label)
        elif self.calibrate and self.head == "logistic":
            with Phase("calibrating its probabilities (a held-out fifth, refitted)", enabled=show_progress):
                self.temperature = self._calibrate(x, y, fit)
        return self

    def _targets(self, labels: Sequence[str | Sequence[str]]) -> tuple[np.ndarray, list[str]]:
        lists = label_lists(labels)
        if any(not labs for labs in lists):
            raise CorpusError("every text needs a label; some have none")
        classes = sorted({lab for labs in lists for lab in labs})
        if len(classes) < 2:
            raise CorpusError(f"only one class ({classes[0]!r}) in the training labels; a classifier needs two or more")
        index = {c: i for i, c in enumerate(classes)}
        if self.multi_label:
            y = np.zeros((len(lists), len(classes)), np.float32)
            for i, labs in enumerate(lists):
                y[i, [index[lab] for lab in labs]] = 1.0
            return y, classes
        if any(len(labs) > 1 for labs in lists):
            raise ConfigError("some texts have several labels; pass multi_label=True to train a multi-label head")
        return np.array([index[labs[0]] for labs in lists], np.int64), classes

    def _fit_logistic(self, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """Logistic regression on standardised features (each dimension to mean 0, variance 1, so one C
        suits every encoder: pooled word vectors share a large common direction that raw features would
        let dominate); the scaling is folded back into the weights, so prediction needs nothing else."""
        if not self.standardize:
            return self._fit_logistic_raw(x, y)
        mean = x.mean(axis=0, dtype=np.float64)
        std = x.std(axis=0, dtype=np.float64)
        std[std < 1e-8] = 1.0
        w = self._fit_logistic_raw(((x - mean) / std).astype(np.float32), y)
        coef = w["coef"].astype(np.float64) / std
        intercept = w["intercept"].astype(np.float64) - coef @ mean
        return {"coef": coef.astype(np.float32), "intercept": intercept.astype(np.float32)}

    def _fit_logistic_raw(self, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        if self.multi_label:
            coefs, intercepts = [], []
            for j in range(y.shape[1]):
                col = y[:, j]
                if col.min() == col.max():  # a label on every text or on none: a constant
                    coefs.append(np.zeros(x.shape[1]))
                    intercepts.append(20.0 if col[0] else -20.0)
                    continue
                m = LogisticRegression(C=self.C, max_iter=1000).fit(x, col)
                coefs.append(m.coef_[0])
                intercepts.append(float(m.intercept_[0]))
            return {"coef": np.array(coefs, np.float32), "intercept": np.array(intercepts, np.float32)}
        m = LogisticRegression(C=self.C, max_iter=1000, random_state=self.seed).fit(x, y)
        coef, intercept = m.coef_, m.intercept_
        if coef.shape[0] == 1:  # binary: scikit-learn keeps one row; two logits give the same softmax
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        return {"coef": coef.astype(np.float32), "intercept": intercept.astype(np.float32)}

    def _fit_mlp(self, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        from embedlab.classify.mlp import train_mlp

        return train_mlp(x, y, n_out=len(self.classes_), hidden=self.hidden, dropout=self.dropout,
                         normalize=self.normalize, epochs=self.epochs, lr=self.lr, batch_size=self.batch_size,
                         multi_label=self.multi_label, seed=self.seed)  # fmt: skip

    def _calibrate(self, x: np.ndarray, y: np.ndarray, fit: Any) -> float:
        """Temperature from held-out logits: 3 folds, each head fitted on the other two."""
        n = x.shape[0]
        if n < 30:
            return 1.0
        rng = np.random.default_rng(self.seed)
        folds = np.array_split(rng.permutation(n), 3)
        held_logits, held_y = [], []
        keep = self.weights
        for f in folds:
            train = np.setdiff1d(np.arange(n), f)
            y_train = y[train]
            if not self.multi_label and np.unique(y_train).shape[0] < len(self.classes_):
                continue  # a class missing from this fold's training part: skip the fold
            self.weights = fit(x[train], y_train)
            held_logits.append(self._logits(x[f]))
            held_y.append(y[f])
        self.weights = keep
        if not held_logits:
            return 1.0
        return fit_temperature(np.vstack(held_logits), np.concatenate(held_y), self.multi_label)

    # -- prediction ------------------------------------------------------------------------------
    def _fitted(self) -> None:
        if not self.weights:
            raise ConfigError("the classifier is not fitted yet: call fit() or load one")

    def _logits(self, x: np.ndarray) -> np.ndarray:
        if self.head == "logistic":
            return x.astype(np.float64) @ self.weights["coef"].T.astype(np.float64) + self.weights["intercept"]
        from embedlab.classify.mlp import mlp_logits

        return mlp_logits(self.weights, x, self.normalize)

    def proba_vectors(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities ``[n, n_classes]`` (columns in ``classes_`` order) of sentence vectors."""
        self._fitted()
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ConfigError(
                f"vectors must be [n, {self.dim}], got {x.shape}: is this the encoder the head was fitted on?"
            )
        z = self._logits(x) / self.temperature
        return _sigmoid(z) if self.multi_label else softmax(z)

    def predict_vectors(self, x: np.ndarray, threshold: float = 0.5) -> list[Any]:
        p = self.proba_vectors(x)
        if self.multi_label:
            return [[self.classes_[j] for j in np.flatnonzero(row >= threshold)] for row in p]
        return [self.classes_[j] for j in p.argmax(axis=1)]

    def predict_proba(self, texts: Sequence[str] | str) -> np.ndarray:
        return self.proba_vectors(self.embed(texts))

    def predict(self, texts: Sequence[str] | str, threshold: float = 0.5) -> list[Any]:
        """The best class of each text (multi-label: every class with probability >= ``threshold``)."""
        return self.predict_vectors(self.embed(texts), threshold)

    def top_k(self, texts: Sequence[str] | str, k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` most probable classes of each text with their probabilities."""
        p = self.predict_proba(texts)
        k = max(1, min(int(k), len(self.classes_)))
        order = np.argsort(-p, axis=1, kind="stable")[:, :k]
        return [[(self.classes_[j], float(row[j])) for j in idx] for row, idx in zip(p, order, strict=True)]

    def evaluate(self, texts: Sequence[str], labels: Sequence[str | Sequence[str]], *, k: int = 1) -> dict[str, Any]:
        return self.evaluate_vectors(self.embed(texts), labels, k=k)

    def evaluate_vectors(self, x: np.ndarray, labels: Sequence[str | Sequence[str]], *, k: int = 1) -> dict[str, Any]:
        """:meth:`evaluate` on sentence vectors already computed (one encoding serves several uses)."""
        from embedlab.classify.metrics import evaluate_predictions

        return evaluate_predictions(self.proba_vectors(x), self.classes_, labels, k=k)

    # -- files -----------------------------------------------------------------------------------
    def save(self, path: Any) -> Any:
        """Write ``classifier.json`` + ``head.safetensors`` to the folder ``path`` (atomically)."""
        from embedlab.classify.head_files import save_classifier

        return save_classifier(self, path)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What a saved classifier records (JSON-able) and its arrays."""
        self._fitted()
        meta = {"kind": "embedding", "settings": self.settings(), "classes": self.classes_,
                "temperature": self.temperature, "dim": self.dim}  # fmt: skip
        return meta, dict(self.weights)

    def settings(self) -> dict[str, Any]:
        names = ("head", "C", "hidden", "dropout", "normalize", "epochs", "lr", "calibrate", "standardize",
                 "multi_label", "batch_size", "seed")  # fmt: skip
        return {name: getattr(self, name) for name in names}
