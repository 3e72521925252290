"""Hyperparameter search under a time budget, scored on validation data or by k-fold cross-validation.

The search follows fastText's autotune: the defaults are tried first, then settings drawn at
random from the search space, more and more often near the best so far (each numeric value
multiplied by a random factor, each choice kept or redrawn); a trial whose model would exceed
``max_size`` bytes is skipped before it is trained. It stops when the time budget is spent or
after ``max_trials``; the best settings are then refitted on all the training data.

Three searches share that loop:

- :func:`tune_supervised`: dim, learning rate, epochs, word n-grams, min count (and character
  n-gram lengths when subwords are on) of :class:`~embedlab.classify.SupervisedFastText`;
- :func:`tune_head`: head kind, C, hidden size, dropout of an
  :class:`~embedlab.classify.EmbeddingClassifier` over vectors encoded once;
- :func:`tune_word_vectors`: dim, window, epochs, min count, learning rate of Word2Vec or
  FastText, scored by any evaluation (e.g. word-pair similarity).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_float, check_int
from embedlab.errors import ConfigError

__all__ = ["Trial", "TuneResult", "random_search", "tune_head", "tune_supervised", "tune_word_vectors"]

#: name -> ("int" | "float" | "log" | "choice", low / choices, high)
Space = dict[str, tuple[Any, ...]]

SUPERVISED_SPACE: Space = {
    "dim": ("int", 10, 300),
    "lr": ("log", 0.05, 2.0),
    "epochs": ("int", 5, 100),
    "word_ngrams": ("int", 1, 3),
    "min_count": ("int", 1, 3),
}
HEAD_SPACE: Space = {
    "head": ("choice", ["logistic", "mlp"]),
    "C": ("log", 0.002, 5.0),
    "hidden": ("choice", [128, 256, 512]),
    "dropout": ("float", 0.0, 0.5),
}
WORD_SPACE: Space = {
    "dim": ("int", 50, 300),
    "window": ("int", 2, 10),
    "epochs": ("int", 3, 20),
    "min_count": ("int", 1, 10),
    "lr": ("log", 0.01, 0.1),
}


@dataclass
class Trial:
    params: dict[str, Any]
    score: float
    seconds: float
    size: int | None = None
    skipped: str | None = None


@dataclass
class TuneResult:
    """Every trial (in the order run), the best one, and the model refitted with its settings."""

    trials: list[Trial] = field(default_factory=list)
    best: Trial | None = None
    model: Any = None
    seconds: float = 0.0
    metric: str = "accuracy"

    def table(self) -> list[dict[str, Any]]:
        rows = [t for t in self.trials if t.skipped is None]
        rows.sort(key=lambda t: -t.score)
        return [
            {**t.params, self.metric: round(t.score, 4), "seconds": round(t.seconds, 2), "size": t.size} for t in rows
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "best": None if self.best is None else {"params": self.best.params, "score": self.best.score},
            "default_score": self.trials[0].score if self.trials else None,
            "trials": [t.__dict__ for t in self.trials],
            "seconds": round(self.seconds, 2),
        }


def _draw(space: Space, rng: np.random.Generator, around: dict[str, Any] | None) -> dict[str, Any]:
    out = {}
    for name, (kind, *spec) in space.items():
        near = around is not None and name in around and rng.random() < 0.7
        if kind == "choice":
            out[name] = around[name] if near and rng.random() < 0.7 else spec[0][rng.integers(len(spec[0]))]  # type: ignore[index]
            continue
        low, high = spec
        if near:
            value = float(around[name]) * math.exp(rng.normal(0.0, 0.4))  # type: ignore[index]
        elif kind == "log":
            value = math.exp(rng.uniform(math.log(low), math.log(high)))
        else:
            value = rng.uniform(low, high)
        value = min(max(value, low), high)
        out[name] = round(value) if kind == "int" else float(f"{value:.4g}")
    return out


def random_search(
    evaluate: Callable[[dict[str, Any]], float],
    space: Space,
    defaults: dict[str, Any],
    *,
    budget: float = 600.0,
    max_trials: int | None = None,
    size_of: Callable[[dict[str, Any]], int] | None = None,
    max_size: int | None = None,
    seed: int = 0,
    progress: ProgressArg = False,
    metric: str = "accuracy",
) -> TuneResult:
    """Run trials until ``budget`` seconds are spent; ``evaluate(params)`` returns the score to maximise."""
    budget = check_float("budget", budget, 0.0, exclusive_minimum=True)
    if max_trials is not None:
        check_int("max_trials", max_trials, 1)
    rng = np.random.default_rng(seed)
    result = TuneResult(metric=metric)
    t0 = time.perf_counter()
    seen: set[str] = set()
    with Progress("tuning", int(budget), enabled=progress) as bar:
        while True:
            n = len(result.trials)
            if max_trials is not None and n >= max_trials:
                break
            if n and time.perf_counter() - t0 >= budget:
                break
            if n == 0:
                params = dict(defaults)
            else:
                around = result.best.params if result.best is not None and rng.random() < min(0.8, n / 10) else None
                params = {**defaults, **_draw(space, rng, around)}
            key = repr(sorted(params.items()))
            if key in seen and n < 1000:
                if n > 0 and len(seen) > 10_000:
                    break
                continue
            seen.add(key)
            size = size_of(params) if size_of is not None else None
            if max_size is not None and size is not None and size > max_size:
                result.trials.append(Trial(params, float("-inf"), 0.0, size, skipped=f"model of {size:,} bytes"))
                continue
            t = time.perf_counter()
            score = float(evaluate(params))
            trial = Trial(params, score, time.perf_counter() - t, size)
            result.trials.append(trial)
            if result.best is None or score > result.best.score:
                result.best = trial
            elapsed = time.perf_counter() - t0
            bar.update(
                min(int(elapsed), int(budget)),
                info=f"{len(result.trials)} trials, best {metric} {result.best.score:.4f}",
            )
    result.seconds = time.perf_counter() - t0
    if result.best is None:
        raise ConfigError("no trial could run: every setting exceeded the size limit (raise --max-size)")
    return result


def _folds(n: int, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    order = np.random.default_rng(seed).permutation(n)
    parts = np.array_split(order, k)
    return [(np.concatenate([p for j, p in enumerate(parts) if j != i]), parts[i]) for i in range(k)]


def _accuracy(pred: Sequence[Any], truth: Sequence[Any]) -> float:
    return float(np.mean([p == t for p, t in zip(pred, truth, strict=True)]))


def _splits(n: int, valid: bool, folds: int | None, seed: int) -> list[tuple[np.ndarray, np.ndarray]] | None:
    if valid:
        return None
    k = check_int("folds", folds if folds is not None else 5, 2, 50)
    if n < 2 * k:
        raise ConfigError(f"{n} examples are too few for {k}-fold cross-validation; give validation data")
    return _folds(n, k, seed)


def tune_supervised(
    texts: Sequence[str],
    labels: Sequence[str],
    valid: tuple[Sequence[str], Sequence[str]] | None = None,
    *,
    folds: int | None = None,
    budget: float = 600.0,
    max_trials: int | None = None,
    max_size: int | None = None,
    space: Space | None = None,
    seed: int = 0,
    progress: ProgressArg = False,
    **fixed: Any,
) -> TuneResult:
    """Tune :class:`~embedlab.classify.SupervisedFastText` on a validation set (or k-fold CV, 5 folds)."""
    from embedlab.classify.config import SupervisedConfig
    from embedlab.classify.supervised import SupervisedFastText

    texts, labels = list(texts), list(labels)
    splits = _splits(len(texts), valid is not None, folds, seed)
    space = dict(space or SUPERVISED_SPACE)
    if fixed.get("subword", "none") != "none":
        space.setdefault("minn", ("int", 1, 3))
        space.setdefault("maxn", ("int", 3, 6))
    defaults = {k: getattr(SupervisedConfig(**fixed), k) for k in space}

    def config(params: dict[str, Any]) -> SupervisedConfig:
        p = {**fixed, **params}
        if "minn" in p and "maxn" in p:
            p["maxn"] = max(p["maxn"], p["minn"])
        return SupervisedConfig(**p)

    def fit_score(tr_t: list[str], tr_y: list[str], te_t: list[str], te_y: list[str], params: dict[str, Any]) -> float:
        m = SupervisedFastText(config(params)).fit(tr_t, tr_y)
        return _accuracy([lab[0] if lab else None for lab in m.predict(te_t)[0]], te_y)

    def evaluate(params: dict[str, Any]) -> float:
        if valid is not None:
            return fit_score(texts, labels, list(valid[0]), list(valid[1]), params)
        assert splits is not None
        return float(np.mean([fit_score([texts[i] for i in tr], [labels[i] for i in tr], [texts[i] for i in te],
                                        [labels[i] for i in te], params) for tr, te in splits]))  # fmt: skip

    n_words = len({w for t in texts for w in t.split()})
    n_tokens = sum(len(t.split()) + 1 for t in texts)  # with </s>

    def size_of(params: dict[str, Any]) -> int:
        """Bytes of the native model: the rows training will use (at most words + n-grams) x dim."""
        c = config(params)
        rows = n_words + (n_tokens * (c.word_ngrams - 1) if c.word_ngrams > 1 else 0)
        rows = min(rows, n_words + (c.bucket or 0))
        return 4 * c.dim * (rows + 200)

    result = random_search(evaluate, space, defaults, budget=budget, max_trials=max_trials, size_of=size_of,
                           max_size=max_size, seed=seed, progress=progress)  # fmt: skip
    assert result.best is not None
    result.model = SupervisedFastText(config(result.best.params)).fit(texts, labels)
    return result


def tune_head(
    x: np.ndarray,
    labels: Sequence[str],
    valid: tuple[np.ndarray, Sequence[str]] | None = None,
    *,
    encoder: Any = None,
    folds: int | None = None,
    budget: float = 600.0,
    max_trials: int | None = None,
    space: Space | None = None,
    seed: int = 0,
    progress: ProgressArg = False,
) -> TuneResult:
    """Tune an :class:`~embedlab.classify.EmbeddingClassifier` head on vectors encoded once."""
    from embedlab.classify.heads import EmbeddingClassifier

    labels = list(labels)
    splits = _splits(len(labels), valid is not None, folds, seed)
    space = dict(space or HEAD_SPACE)
    defaults = {"head": "logistic", "C": 0.05, "hidden": 256, "dropout": 0.1}
    defaults = {k: v for k, v in defaults.items() if k in space}

    def fit_score(xt: np.ndarray, yt: list[str], xv: np.ndarray, yv: list[str], params: dict[str, Any]) -> float:
        clf = EmbeddingClassifier(None, calibrate=False, **params).fit_vectors(xt, yt)
        return _accuracy(clf.predict_vectors(xv), yv)

    def evaluate(params: dict[str, Any]) -> float:
        if valid is not None:
            return fit_score(x, labels, valid[0], list(valid[1]), params)
        assert splits is not None
        return float(np.mean([fit_score(x[tr], [labels[i] for i in tr], x[te], [labels[i] for i in te], params)
                              for tr, te in splits]))  # fmt: skip

    result = random_search(evaluate, space, defaults, budget=budget, max_trials=max_trials, seed=seed,
                           progress=progress)  # fmt: skip
    assert result.best is not None
    result.model = EmbeddingClassifier(encoder, **result.best.params).fit_vectors(x, labels)
    return result


def tune_word_vectors(
    sentences: Any,
    score: Callable[[Any], float],
    *,
    model: str = "word2vec",
    budget: float = 600.0,
    max_trials: int | None = None,
    space: Space | None = None,
    seed: int = 0,
    progress: ProgressArg = False,
    metric: str = "score",
    **fixed: Any,
) -> TuneResult:
    """Tune Word2Vec or FastText; ``score(vectors)`` is the evaluation to maximise (e.g. Spearman on WS353)."""
    from embedlab.train.config import FastTextConfig, Word2VecConfig
    from embedlab.train.fasttext import FastText
    from embedlab.train.word2vec import Word2Vec

    if model not in ("word2vec", "fasttext"):
        raise ConfigError(f"model must be 'word2vec' or 'fasttext', got {model!r}")
    trainer, config_cls = (Word2Vec, Word2VecConfig) if model == "word2vec" else (FastText, FastTextConfig)
    space = dict(space or WORD_SPACE)
    base = config_cls(**fixed)
    defaults = {k: getattr(base, k) for k in space}

    def evaluate(params: dict[str, Any]) -> float:
        value = float(score(trainer(**{**fixed, **params}).fit(sentences)))
        return float("-inf") if math.isnan(value) else value

    result = random_search(evaluate, space, defaults, budget=budget, max_trials=max_trials, seed=seed,
                           progress=progress, metric=metric)  # fmt: skip
    assert result.best is not None
    result.model = trainer(**{**fixed, **result.best.params}).fit(sentences)
    return result
