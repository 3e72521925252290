"""Text classification: the fasttext package against embedlab's supervised trainer, and classifier heads
on FastText vectors and MiniLM, in one run, on the same splits.

    .venv/bin/python benchmarks/classification.py --update BENCHMARKS.md

Data (../shared/data/classification, SOURCES.md there): SST-2 and SST-5 (sentence level, official
train/test), TREC (train/test), CLINC150 (in-scope train/test; the out-of-scope test queries for
OOS recall), Banking77 (train/test), 3i4k (fci_train_val / fci_test), NSMC raw (ratings 1-4
negative, 9-10 positive, empty reviews dropped; 60,000 of each class drawn with numpy seed 1234,
the first 50,000 of each for training and the last 10,000 for testing), Korean hate speech (train /
dev, the "hate" column: none / offensive / hate).

Rows:
- ``fasttext`` (the package, 0.9.3) and ``embedlab supervised`` at the same settings: 25 epochs,
  learning rate 0.5, word bigrams, dim 100, 2,000,000 buckets, softmax, 2 threads; Korean sets add
  character n-grams of 1-3 characters on both sides, and embedlab's jamo n-grams (3-6 jamo) are a
  third row. Train seconds are wall time in this process (embedlab's kernels loaded once before, on
  a ten-line file); predictions/s is the whole test set in one call (the fasttext package's Python
  ``predict`` on a list calls ``multilinePredict``; that call is timed, since ``predict`` itself
  breaks under NumPy 2; fastest of 5 calls on each side); model size is the saved ``.bin``
  (fastText's format, the full bucket matrix) and embedlab's native folder (only the rows
  training used). Each supervised row is run
  10 times on sets with under 10,000 test texts and 3 times on NSMC (seeds 1, 2, ...; the fasttext
  package with seeds 0, 100, 200, ...), the two tools taking turns: mean accuracy ± its spread,
  median times.
- ``FastText vectors + logistic``: embedlab FastText (skip-gram, dim 100, 10 epochs, char n-grams
  3-6, jamo for Korean) trained on the training texts only, mean pooled, embedlab's logistic head.
- ``MiniLM + logistic`` / ``MiniLM + MLP``: all-MiniLM-L6-v2 sentence vectors (normalised) and
  embedlab's heads at their defaults. 3i4k and NSMC train these heads on 20,000 training texts
  (MiniLM encoding of every text would take most of the run; the supervised rows use all of them).

CLINC150 out-of-scope: every row gets a threshold on its top probability chosen on the in-scope
validation queries so that 5% of them are flagged; OOS recall is measured on the 1,000
out-of-scope test queries. ``IntentClassifier`` (MiniLM + logistic) is measured with each of its
confidences at validation flag rates of 1, 2, 3 and 5%. Banking77 also runs
MTEB's few-shot protocol: 8 training examples per label, scikit-learn's LogisticRegression at its
defaults (max_iter 100), 10 draws.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, SHARED, measure_and_render, section_args, versions

DATA = SHARED / "data" / "classification"
MARK_BEGIN = "<!-- classification:begin -->"
MARK_END = "<!-- classification:end -->"
THREADS = 2
#: runs of each supervised row: a test set under 10,000 texts moves a run's accuracy by about half a point,
#: so those sets get 10 runs (the comparison is of means); NSMC (20,000 test reviews) gets 3
REPEATS_SMALL, REPEATS_LARGE = 10, 3
SUP = {"epochs": 25, "lr": 0.5, "word_ngrams": 2, "dim": 100, "bucket": 2_000_000}
HEAD_SUBSAMPLE = 20_000
OOS_RATE = 0.05
INTENT_FLAG_RATES = (0.01, 0.02, 0.03, 0.05)

Split = tuple[list[str], list[str]]


def _read(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def _sentence_file(path: Path) -> Split:
    texts, labels = [], []
    for line in _read(path).splitlines():
        label, _, text = line.partition(" ")
        if text.strip():
            texts.append(text.strip())
            labels.append(label)
    return texts, labels


def _csv(path: Path, text_col: str, label_col: str, delimiter: str = ",") -> Split:
    rows = list(csv.DictReader(_read(path).splitlines(), delimiter=delimiter))
    return [r[text_col] for r in rows], [r[label_col] for r in rows]


def _tsv(path: Path) -> Split:
    texts, labels = [], []
    for line in _read(path).splitlines():
        label, _, text = line.partition("\t")
        if text.strip():
            texts.append(text.strip())
            labels.append(label)
    return texts, labels


def _nsmc() -> tuple[Split, Split]:
    neg, pos = [], []
    with lzma.open(DATA / "ko_nsmc_raw" / "nsmc_raw_reviews.tsv.xz", "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5 or not parts[4].strip():
                continue
            rating = int(parts[3])
            if rating <= 4:
                neg.append(parts[4].strip())
            elif rating >= 9:
                pos.append(parts[4].strip())
    rng = np.random.default_rng(1234)
    neg = [neg[i] for i in rng.permutation(len(neg))[:60_000]]
    pos = [pos[i] for i in rng.permutation(len(pos))[:60_000]]
    train = (neg[:50_000] + pos[:50_000], ["neg"] * 50_000 + ["pos"] * 50_000)
    test = (neg[50_000:] + pos[50_000:], ["neg"] * 10_000 + ["pos"] * 10_000)
    return train, test


def datasets() -> dict[str, dict[str, Any]]:
    en = DATA / "en_sentence"
    clinc = json.loads((DATA / "clinc150" / "data_full.json").read_text("utf-8"))

    def pairs(key: str) -> Split:
        return [t for t, _ in clinc[key]], [lab for _, lab in clinc[key]]

    nsmc_train, nsmc_test = _nsmc()
    return {
        "SST-2": {
            "train": _sentence_file(en / "stsa.binary.train"),
            "test": _sentence_file(en / "stsa.binary.test"),
            "lang": "en",
        },
        "SST-5": {
            "train": _sentence_file(en / "stsa.fine.train"),
            "test": _sentence_file(en / "stsa.fine.test"),
            "lang": "en",
        },
        "TREC": {
            "train": _sentence_file(en / "TREC.train.all"),
            "test": _sentence_file(en / "TREC.test.all"),
            "lang": "en",
        },
        "CLINC150": {
            "train": pairs("train"),
            "test": pairs("test"),
            "val": pairs("val"),
            "oos_val": pairs("oos_val"),
            "oos_test": pairs("oos_test"),
            "lang": "en",
        },
        "Banking77": {
            "train": _csv(DATA / "banking77" / "train.csv", "text", "category"),
            "test": _csv(DATA / "banking77" / "test.csv", "text", "category"),
            "lang": "en",
        },
        "3i4k": {
            "train": _tsv(DATA / "ko_3i4k" / "fci_train_val.txt"),
            "test": _tsv(DATA / "ko_3i4k" / "fci_test.txt"),
            "lang": "ko",
        },
        "NSMC": {"train": nsmc_train, "test": nsmc_test, "lang": "ko"},
        "KoHateSpeech": {
            "train": _csv(DATA / "ko_hate_speech" / "train.tsv", "comments", "hate", "\t"),
            "test": _csv(DATA / "ko_hate_speech" / "dev.tsv", "comments", "hate", "\t"),
            "lang": "ko",
        },
    }


def _clean(text: str) -> str:
    return " ".join(text.split())


def _write_fasttext(path: Path, split: Split) -> None:
    rng = np.random.default_rng(0)  # the files are often grouped by label; both trainers read this order
    order = rng.permutation(len(split[0]))
    with open(path, "w", encoding="utf-8") as fh:
        for i in order:
            fh.write(f"__label__{split[1][i].replace(' ', '_')} {_clean(split[0][i])}\n")


def _accuracy(pred: list[str], truth: list[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    truth = [t.replace(" ", "_") for t in truth]
    return {"accuracy": round(float(np.mean([p == t for p, t in zip(pred, truth, strict=True)])), 4),
            "macro_f1": round(float(f1_score(truth, pred, average="macro")), 4)}  # fmt: skip


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


def _oos_recall(val_conf: np.ndarray, oos_conf: np.ndarray) -> float:
    threshold = float(np.quantile(val_conf, OOS_RATE))
    return round(float(np.mean(oos_conf < threshold)), 4)


def _ft_train(path: Path, seed_base: int = 0, **kw: Any) -> tuple[Any, float, int]:
    """fasttext 0.9.3 sometimes stops with 'Encountered NaN' on settings that train on the next call;
    retried (the failed attempts' time is not counted, the number of retries is reported)."""
    import fasttext

    for attempt in range(20):
        t0 = time.perf_counter()
        try:
            model = fasttext.train_supervised(str(path), verbose=0, seed=seed_base + attempt, **kw)
            return model, time.perf_counter() - t0, attempt
        except RuntimeError as exc:
            if "NaN" not in str(exc):
                raise
    raise RuntimeError("fasttext failed 20 times with 'Encountered NaN'")


def _fastest(call: Any, repeats: int = 5) -> tuple[Any, float]:
    """The result of ``call()`` and its fastest time of ``repeats`` (as timeit: the least disturbed run)."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - t0)
    return out, best


def _ft_predict(model: Any, texts: list[str]) -> tuple[list[str], np.ndarray, float]:
    lines = [_clean(t) + "\n" for t in texts]
    res, seconds = _fastest(lambda: model.f.multilinePredict(lines, 1, 0.0, "strict"))
    labs, probs = (res[0], res[1]) if res[0] and isinstance(res[0][0][0], str) else (res[1], res[0])
    return ([lab[0].removeprefix("__label__") for lab in labs], np.array([p[0] for p in probs]), seconds)


def _ft_run(train_file: Path, ds: dict[str, Any], test_texts: list[str], rep: int, tmp: Path,
            char: dict[str, int]) -> dict[str, Any]:  # fmt: skip
    ft, secs, retries = _ft_train(train_file, epoch=SUP["epochs"], lr=SUP["lr"], wordNgrams=SUP["word_ngrams"],
                                  dim=SUP["dim"], bucket=SUP["bucket"], thread=THREADS, seed_base=100 * rep,
                                  **char)  # fmt: skip
    pred, _, psecs = _ft_predict(ft, test_texts)
    run = {"train_s": secs, "pred_per_s": len(test_texts) / psecs, "retries": retries, **_accuracy(pred, ds["test"][1])}
    if rep == 0:
        path = tmp / "ft.bin"
        ft.save_model(str(path))
        run["size_mb"] = _size(path) / 1e6
        path.unlink()
        if "oos_test" in ds:
            _, val_p, _ = _ft_predict(ft, ds["val"][0])
            _, oos_p, _ = _ft_predict(ft, ds["oos_test"][0])
            run["oos_recall"] = _oos_recall(val_p, oos_p)
    return run


def _our_run(train_file: Path, ds: dict[str, Any], test_texts: list[str], rep: int, tmp: Path,
             extra: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    from embedlab.classify import SupervisedFastText

    t0 = time.perf_counter()
    m = SupervisedFastText(**SUP, threads=THREADS, seed=1 + rep, **extra).fit_file(train_file)
    secs = time.perf_counter() - t0
    # prediction on one thread, as the fasttext package's multilinePredict; and on THREADS threads apart
    (labs, _), psecs = _fastest(lambda: m.predict(test_texts, threads=1))
    _, psecs_threads = _fastest(lambda: m.predict(test_texts, threads=THREADS))
    pred = [lab[0] if lab else "" for lab in labs]
    run = {
        "train_s": secs,
        "pred_per_s": len(test_texts) / psecs,
        "pred_per_s_threads": len(test_texts) / psecs_threads,
        **_accuracy(pred, ds["test"][1]),
    }
    if rep == 0:
        if extra.get("subword") != "jamo":
            path = tmp / "ours.bin"
            m.save(path)
            run["size_mb"] = _size(path) / 1e6
            path.unlink()
        folder = tmp / "ours_folder"
        m.save(folder)
        run["native_mb"] = _size(folder) / 1e6
        shutil.rmtree(folder)
        if "oos_test" in ds:
            run["oos_recall"] = _oos_recall(m.predict_proba(ds["val"][0]).max(axis=1),
                                            m.predict_proba(ds["oos_test"][0]).max(axis=1))  # fmt: skip
    return run


def supervised_rows(name: str, ds: dict[str, Any], tmp: Path) -> list[dict[str, Any]]:
    """fasttext and embedlab runs interleaved (one of each in turn), so both meet the same machine state."""
    train_file = tmp / f"{name}.train"
    _write_fasttext(train_file, ds["train"])
    test_texts = [_clean(t) for t in ds["test"][0]]
    korean = ds["lang"] == "ko"
    char = {"minn": 1, "maxn": 3} if korean else {}
    variants = {"embedlab supervised": {"subword": "char", **char} if korean else {}}
    if korean:
        variants["embedlab supervised jamo"] = {"subword": "jamo", "minn": 3, "maxn": 6}
    runs: dict[str, list[dict[str, Any]]] = {"fasttext": [], **{label: [] for label in variants}}
    repeats = REPEATS_SMALL if len(test_texts) < 10_000 else REPEATS_LARGE
    for rep in range(repeats):
        runs["fasttext"].append(_ft_run(train_file, ds, test_texts, rep, tmp, char))
        for label, extra in variants.items():
            runs[label].append(_our_run(train_file, ds, test_texts, rep, tmp, extra))
    return [_summary(label, r) for label, r in runs.items()]


def _summary(label: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean accuracy and macro-F1 over the runs (with their spread), median times, the first run's sizes."""
    acc = [r["accuracy"] for r in runs]
    row = {"row": label, "runs": len(runs), "accuracy": round(float(np.mean(acc)), 4),
           "accuracy_sd": round(float(np.std(acc)), 4), "accuracies": acc,
           "macro_f1": round(float(np.mean([r["macro_f1"] for r in runs])), 4),
           "train_s": round(float(np.median([r["train_s"] for r in runs])), 3),
           "pred_per_s": round(float(np.median([r["pred_per_s"] for r in runs])))}  # fmt: skip
    if "pred_per_s_threads" in runs[0]:
        row["pred_per_s_threads"] = round(float(np.median([r["pred_per_s_threads"] for r in runs])))
    for key in ("size_mb", "native_mb", "oos_recall"):
        if key in runs[0]:
            row[key] = round(runs[0][key], 4 if key == "oos_recall" else 1)
    if "retries" in runs[0]:
        row["nan_retries"] = sum(r["retries"] for r in runs)
    return row


def _subsample(split: Split, n: int, seed: int = 0) -> Split:
    if len(split[0]) <= n:
        return split
    idx = np.random.default_rng(seed).permutation(len(split[0]))[:n]
    return [split[0][i] for i in idx], [split[1][i] for i in idx]


def head_rows(name: str, ds: dict[str, Any], minilm: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from embedlab import FastText
    from embedlab.classify import EmbeddingClassifier
    from embedlab.encoders.static import StaticEncoder

    rows, extra = [], {}
    korean = ds["lang"] == "ko"
    train = _subsample(ds["train"], HEAD_SUBSAMPLE)
    test = ds["test"]
    # FastText vectors trained on the training texts only
    t0 = time.perf_counter()
    from embedlab.text.tokenizers import UnicodeTokenizer

    tok = UnicodeTokenizer()
    sents = [tok.tokenize(t) for t in ds["train"][0]]
    kv = FastText(dim=100, epochs=10, min_count=1, subword="jamo" if korean else "char", threads=THREADS,
                  bucket=500_000).fit(sents)  # fmt: skip
    enc = StaticEncoder(kv)
    clf = EmbeddingClassifier(enc, head="logistic").fit(train[0], train[1])
    secs = time.perf_counter() - t0
    t0 = time.perf_counter()
    probs = clf.predict_proba(test[0])
    psecs = time.perf_counter() - t0
    pred = [clf.classes_[j].replace(" ", "_") for j in probs.argmax(axis=1)]
    row = {"row": "FastText vectors + logistic", "train_s": round(secs, 2), "pred_per_s": round(len(test[0]) / psecs),
           **_accuracy(pred, test[1])}  # fmt: skip
    if "oos_test" in ds:
        row["oos_recall"] = _oos_recall(clf.predict_proba(ds["val"][0]).max(axis=1),
                                        clf.predict_proba(ds["oos_test"][0]).max(axis=1))  # fmt: skip
    rows.append(row)
    # MiniLM: encode once, then every head on the same vectors
    t0 = time.perf_counter()
    x_train = minilm.encode(train[0], batch_size=64, normalize=True)
    enc_train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    x_test = minilm.encode(test[0], batch_size=64, normalize=True)
    enc_rate = len(test[0]) / (time.perf_counter() - t0)
    extra["minilm_sentences_per_s"] = round(enc_rate, 1)
    vecs = {}
    if "oos_test" in ds:
        vecs["val"] = minilm.encode(ds["val"][0], batch_size=64, normalize=True)
        vecs["oos"] = minilm.encode(ds["oos_test"][0], batch_size=64, normalize=True)
    for head in ("logistic", "mlp"):
        t0 = time.perf_counter()
        clf = EmbeddingClassifier(None, head=head).fit_vectors(x_train, train[1])
        secs = time.perf_counter() - t0 + enc_train_s
        probs = clf.proba_vectors(x_test)
        pred = [clf.classes_[j].replace(" ", "_") for j in probs.argmax(axis=1)]
        row = {"row": f"MiniLM + {head}", "train_s": round(secs, 2), "pred_per_s": round(enc_rate),
               **_accuracy(pred, test[1]), "train_texts": len(train[0])}  # fmt: skip
        if "oos_test" in ds:
            row["oos_recall"] = _oos_recall(clf.proba_vectors(vecs["val"]).max(axis=1),
                                            clf.proba_vectors(vecs["oos"]).max(axis=1))  # fmt: skip
        rows.append(row)
    if "oos_test" in ds:  # the intent model: its operating point chosen on validation data, reported on test
        vecs["oos_val"] = minilm.encode(ds["oos_val"][0], batch_size=64, normalize=True)
        extra["intents"] = intent_points(x_train, train[1], x_test, test[1], vecs, ds["val"][1])
    if name == "Banking77":
        extra["mteb_8shot"] = _mteb_few_shot(x_train, train[1], x_test, test[1])
    return rows, extra


def _flagged_metrics(conf: np.ndarray, right: np.ndarray, oos_conf: np.ndarray, threshold: float) -> dict:
    """In-scope accuracy (a flagged in-scope query counts as wrong), share of in-scope flagged, OOS recall."""
    kept = conf >= threshold
    return {
        "in_scope_accuracy": float(np.mean(right & kept)),
        "in_scope_flagged": float(np.mean(~kept)),
        "oos_recall": float(np.mean(oos_conf < threshold)),
    }


def intent_points(
    x_train: np.ndarray,
    y_train: list[str],
    x_test: np.ndarray,
    y_test: list[str],
    vecs: dict[str, np.ndarray],
    y_val: list[str],
) -> dict[str, Any]:
    """Every confidence kind at every flag rate, scored on validation data and on test.

    Validation (what the choice is made on): the 3,000 in-scope validation queries in two seeded halves,
    the threshold set on one half and in-scope accuracy and the flagged share measured on the other (both
    ways, averaged), out-of-scope recall on the 100 out-of-scope validation queries; the criterion is the
    mean of in-scope accuracy and OOS recall. Test: the threshold set on all validation queries (as
    ``calibrate_oos`` does), in-scope accuracy and flagged share on the test queries, recall on the 1,000
    out-of-scope test queries."""
    from embedlab.classify import IntentClassifier

    halves = np.array_split(np.random.default_rng(0).permutation(len(y_val)), 2)
    points = []
    for score in ("probability", "prototype", "combined"):
        ic = IntentClassifier(None, oos_score=score).fit_vectors(x_train, y_train)
        best_v, conf_v = ic.confidence_vectors(vecs["val"])
        right_v = np.array([ic.classes_[b] == t for b, t in zip(best_v, y_val, strict=True)])
        _, conf_ov = ic.confidence_vectors(vecs["oos_val"])
        best_t, conf_t = ic.confidence_vectors(x_test)
        right_t = np.array([ic.classes_[b] == t for b, t in zip(best_t, y_test, strict=True)])
        _, conf_ot = ic.confidence_vectors(vecs["oos"])
        for rate in INTENT_FLAG_RATES:
            folds = []
            for a, b in ((0, 1), (1, 0)):
                threshold = float(np.quantile(conf_v[halves[a]], rate))
                folds.append(_flagged_metrics(conf_v[halves[b]], right_v[halves[b]], conf_ov, threshold))
            val = {k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0]}
            val["criterion"] = round((val["in_scope_accuracy"] + val["oos_recall"]) / 2, 4)
            threshold = ic.calibrate_oos(vectors=vecs["val"], target_flag_rate=rate)
            test = {k: round(v, 4) for k, v in _flagged_metrics(conf_t, right_t, conf_ot, threshold).items()}
            points.append(
                {
                    "confidence": score,
                    "val_flag_rate": rate,
                    "threshold": round(threshold, 4),
                    "validation": val,
                    **test,
                }
            )
    from embedlab.classify.intents import DEFAULT_FLAG_RATE, DEFAULT_OOS_SCORE

    chosen = max(points, key=lambda p: p["validation"]["criterion"])
    return {
        "points": points,
        "chosen": {"confidence": chosen["confidence"], "flag_rate": chosen["val_flag_rate"]},
        "library_default": {"confidence": DEFAULT_OOS_SCORE, "flag_rate": DEFAULT_FLAG_RATE},
        "criterion": "mean of in-scope accuracy and OOS recall on validation",
    }


def _mteb_few_shot(x_train: np.ndarray, y_train: list[str], x_test: np.ndarray, y_test: list[str]) -> dict[str, Any]:
    """MTEB's classification protocol: 8 examples per label, LogisticRegression(max_iter=100), 10 draws."""
    from sklearn.linear_model import LogisticRegression

    scores = []
    y = np.array(y_train)
    for draw in range(10):
        rng = np.random.default_rng(42 + draw)
        idx = []
        for label in sorted(set(y_train)):
            members = np.flatnonzero(y == label)
            idx.extend(rng.choice(members, min(8, members.size), replace=False).tolist())
        clf = LogisticRegression(max_iter=100).fit(x_train[idx], y[idx])
        scores.append(float(np.mean(clf.predict(x_test) == np.array(y_test))))
    return {"accuracy_mean": round(float(np.mean(scores)), 4), "accuracy_sd": round(float(np.std(scores)), 4),
            "draws": len(scores), "mteb_reported": 0.8004}  # fmt: skip


def tuning_rows(budget: float) -> dict[str, Any]:
    """``tune_supervised`` against the trainer's defaults (fastText's: lr 0.1, 5 epochs, unigrams, dim 100),
    scored on validation data (SST-2: its dev set; TREC: a seeded tenth of the training set), the best
    settings refitted on the training set, both measured on the test set."""
    from embedlab.classify import SupervisedFastText
    from embedlab.classify.tune import tune_supervised

    en = DATA / "en_sentence"
    trec = _sentence_file(en / "TREC.train.all")
    order = np.random.default_rng(0).permutation(len(trec[0]))
    cut = len(order) // 10
    trec_valid = ([trec[0][i] for i in order[:cut]], [trec[1][i] for i in order[:cut]])
    trec_train = ([trec[0][i] for i in order[cut:]], [trec[1][i] for i in order[cut:]])
    cases = {
        "SST-2": (_sentence_file(en / "stsa.binary.train"), _sentence_file(en / "stsa.binary.dev"),
                  _sentence_file(en / "stsa.binary.test")),
        "TREC": (trec_train, trec_valid, _sentence_file(en / "TREC.test.all")),
    }  # fmt: skip
    out = {}
    for name, (train, valid, test) in cases.items():
        clean = [_clean(t) for t in train[0]]
        test_texts = [_clean(t) for t in test[0]]
        default = SupervisedFastText(threads=THREADS).fit(clean, train[1])
        default_acc = _accuracy([lab[0] for lab in default.predict(test_texts)[0]], test[1])["accuracy"]
        result = tune_supervised(clean, train[1], ([_clean(t) for t in valid[0]], valid[1]), budget=budget,
                                 seed=0, threads=THREADS)  # fmt: skip
        tuned_acc = _accuracy([lab[0] for lab in result.model.predict(test_texts)[0]], test[1])["accuracy"]
        out[name] = {"default_accuracy": default_acc, "tuned_accuracy": tuned_acc, "budget_s": budget,
                     "trials": len(result.trials), "seconds": round(result.seconds, 1),
                     "best": result.best.params, "best_valid": round(result.best.score, 4),
                     "default_valid": round(result.trials[0].score, 4)}  # fmt: skip
        print(f"tuning {name}: {json.dumps(out[name])}", file=sys.stderr, flush=True)
    return out


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from embedlab.classify import SupervisedFastText
    from embedlab.encoders.transformer import SentenceEncoder

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sets = datasets()
    if args.only:
        sets = {k: v for k, v in sets.items() if k in args.only}
    out: dict[str, Any] = {"settings": {"supervised": SUP, "threads": THREADS, "head_subsample": HEAD_SUBSAMPLE,
                                        "oos_flag_rate": OOS_RATE},
                           "versions": versions("embedlab", "fasttext", "numpy", "scikit-learn", "torch",
                                                "sentence-transformers"),
                           "sets": {}}  # fmt: skip
    SupervisedFastText(dim=8, epochs=1, word_ngrams=2, bucket=100, subword="char", threads=THREADS).fit(
        ["a b", "c d"] * 5, ["x", "y"] * 5
    )  # load the kernels once, as the fasttext package's are loaded on import
    minilm = None if args.no_heads else SentenceEncoder(None)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for name, ds in sets.items():
            t0 = time.perf_counter()
            entry: dict[str, Any] = {"train": len(ds["train"][0]), "test": len(ds["test"][0]),
                                     "classes": len(set(ds["train"][1]))}  # fmt: skip
            entry["rows"] = supervised_rows(name, ds, tmp)
            if minilm is not None:
                rows, extra = head_rows(name, ds, minilm)
                entry["rows"] += rows
                entry.update(extra)
            entry["seconds"] = round(time.perf_counter() - t0, 1)
            out["sets"][name] = entry
            print(f"{name}: {json.dumps(entry['rows'])}", file=sys.stderr, flush=True)
    if args.tune_budget > 0:
        out["tuning"] = tuning_rows(args.tune_budget)
    return out


def targets(res: dict[str, Any]) -> list[str]:
    """The issue's targets, each checked against this run's numbers."""
    out = ["", "**Targets** (checked on this run):", ""]
    sets = res["sets"]
    pairs = _pairs(res)
    if pairs:
        worst_acc = min(pairs, key=lambda p: p[2]["accuracy"] - p[1]["accuracy"])
        worst_time = max(pairs, key=lambda p: p[2]["train_s"] / p[1]["train_s"])
        worst_pred = min(pairs, key=lambda p: p[2]["pred_per_s"] / p[1]["pred_per_s"])  # 1 thread each
        d = 100 * (worst_acc[2]["accuracy"] - worst_acc[1]["accuracy"])
        t = worst_time[2]["train_s"] / worst_time[1]["train_s"]
        q = worst_pred[2]["pred_per_s"] / worst_pred[1]["pred_per_s"]
        out.append(f"- accuracy ≥ fasttext − 0.5 point on every set: worst {d:+.2f} ({worst_acc[0]}) — "
                   f"{'met' if d >= -0.5 else 'not met'}")  # fmt: skip
        out.append(f"- training time ≤ 0.5x: worst {t:.2f}x ({worst_time[0]}) — {'met' if t <= 0.5 else 'not met'}")
        out.append(
            f"- prediction ≥ 2x (1 thread each): worst {q:.1f}x ({worst_pred[0]}) — {'met' if q >= 2 else 'not met'}"
        )
    intents = sets.get("CLINC150", {}).get("intents")
    if intents:
        c = intents["chosen"]
        r = next(
            p for p in intents["points"] if p["confidence"] == c["confidence"] and p["val_flag_rate"] == c["flag_rate"]
        )
        met = r["in_scope_accuracy"] >= 0.935 and r["oos_recall"] >= 0.6 and r["in_scope_flagged"] <= 0.05
        out.append(
            "- CLINC150 in-scope accuracy ≥ 93.5%, OOS recall ≥ 60%, ≤ 5% flagged, at the point chosen on "
            f"validation ({r['confidence']}, {r['val_flag_rate']:.0%}): {r['in_scope_accuracy']:.2%}, "
            f"{r['oos_recall']:.1%}, {r['in_scope_flagged']:.1%} flagged — {'met' if met else 'not met'}"
        )
    bank = sets.get("Banking77", {})
    if "mteb_8shot" in bank:
        few = bank["mteb_8shot"]
        full = {r["row"]: r for r in bank["rows"]}.get("MiniLM + logistic", {}).get("accuracy", float("nan"))
        gap = 100 * abs(few["accuracy_mean"] - few["mteb_reported"])
        out.append(f"- Banking77 8-shot within 1 point of MTEB's {few['mteb_reported']:.2%}: "
                   f"{few['accuracy_mean']:.2%} "
                   f"({gap:.2f} points) — {'met' if gap <= 1 else 'not met'}; all training data ≥ 88%: {full:.2%} — "
                   f"{'met' if full >= 0.88 else 'not met'}")  # fmt: skip
    for name in ("NSMC", "3i4k"):
        rows = {r["row"]: r for r in sets.get(name, {}).get("rows", [])}
        if "embedlab supervised jamo" in rows:
            c, j = rows["embedlab supervised"]["accuracy"], rows["embedlab supervised jamo"]["accuracy"]
            out.append(f"- {name}: jamo ≥ char: jamo {j:.4f}, char {c:.4f} — {'met' if j >= c else 'not met'}")
    for name, r in res.get("tuning", {}).items():
        gain = 100 * (r["tuned_accuracy"] - r["default_accuracy"])
        out.append(f"- tuning {name} ≥ +1 point within 10 minutes: {gain:+.2f} points in {r['seconds']} s — "
                   f"{'met' if gain >= 1 else 'not met'}")  # fmt: skip
    return out


def _pairs(res: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(set, fasttext row, embedlab supervised row) for every set that has both."""
    out = []
    for name, entry in res["sets"].items():
        rows = {r["row"]: r for r in entry["rows"]}
        if "fasttext" in rows and "embedlab supervised" in rows:
            out.append((name, rows["fasttext"], rows["embedlab supervised"]))
    return out


def summary_rows(res: dict[str, Any]) -> list[dict[str, str]]:
    pairs = _pairs(res)
    if not pairs:
        return []
    train = [f["train_s"] / o["train_s"] for _, f, o in pairs]
    pred = [o["pred_per_s"] / f["pred_per_s"] for _, f, o in pairs]
    delta = [100 * (o["accuracy"] - f["accuracy"]) for _, f, o in pairs]
    link = "#text-classification-the-fasttext-package-heads-on-fasttext-vectors-and-minilm"
    return [
        {
            "task": f"supervised classifier, training ({len(pairs)} sets)",
            "peer": "fasttext 0.9.3",
            "ratio": f"{min(train):.1f}x–{max(train):.1f}x",
            "quality": f"accuracy {min(delta):+.2f} to {max(delta):+.2f} points",
            "differ": "none",
            "link": link,
        },
        {
            "task": f"supervised classifier, prediction ({len(pairs)} sets, 1 thread each)",
            "peer": "fasttext 0.9.3",
            "ratio": f"{min(pred):.1f}x–{max(pred):.1f}x",
            "quality": "the accuracy of the row above",
            "differ": "none",
            "link": link,
        },
        *_intent_rows(res, link),
    ]


def _intent_rows(res: dict[str, Any], link: str) -> list[dict[str, str]]:
    """CLINC150's intents at the operating point validation chose, against the usual recipe (a threshold
    on the top probability) at the same flag rate, both reported on the test split."""
    intents = res["sets"].get("CLINC150", {}).get("intents")
    if not intents:
        return []
    c = intents["chosen"]
    points = {(p["confidence"], p["val_flag_rate"]): p for p in intents["points"]}
    ours, usual = points[(c["confidence"], c["flag_rate"])], points.get(("probability", c["flag_rate"]))
    if usual is None:
        return []
    acc = 100 * (ours["in_scope_accuracy"] - usual["in_scope_accuracy"])
    rec = 100 * (ours["oos_recall"] - usual["oos_recall"])
    return [{
        "task": f"intents, CLINC150 (MiniLM + head): in-scope accuracy {100 * ours['in_scope_accuracy']:.1f}%, "
                f"out-of-scope recall {100 * ours['oos_recall']:.1f}%, {100 * ours['in_scope_flagged']:.1f}% flagged",
        "peer": "a threshold on the top probability (the usual recipe)",
        "ratio": "–",
        "quality": f"in-scope accuracy {acc:+.2f} points, out-of-scope recall {rec:+.2f} points",
        "differ": f"confidence: {c['confidence']} (chosen on validation) vs probability; both flag "
                  f"{100 * c['flag_rate']:.0f}% of in-scope validation queries",
        "link": link,
    }]  # fmt: skip


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "## Text classification: the fasttext package, heads on FastText vectors and MiniLM",
        "",
        "Command: `.venv/bin/python benchmarks/classification.py --update BENCHMARKS.md` "
        "(JSON: `benchmarks/results/classification.json`). Settings and data: the script's docstring.",
        "",
    ]
    lines += ["| set | row | accuracy | macro-F1 | OOS recall | train s | predictions/s | .bin MB | folder MB |",
              "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, entry in res["sets"].items():
        for r in entry["rows"]:
            oos = f"{r['oos_recall']:.3f}" if "oos_recall" in r else ""
            size = f"{r['size_mb']:,}" if "size_mb" in r else ""
            native = f"{r['native_mb']:,}" if "native_mb" in r else ""
            acc = f"{r['accuracy']:.4f}" + (f" ± {r['accuracy_sd']:.4f}" if r.get("runs", 1) > 1 else "")
            lines.append(f"| {name} | {r['row']} | {acc} | {r['macro_f1']:.4f} | {oos} | "
                         f"{r['train_s']} | {r['pred_per_s']:,} | {size} | {native} |")  # fmt: skip
    lines += [
        "",
        f"**embedlab supervised against the fasttext package** (same settings; training on {THREADS} threads "
        "each; prediction on 1 thread each, as the fasttext package's `multilinePredict` runs, with embedlab on "
        f"{THREADS} threads in a separate column; its sets of 4,096 texts or more are split between threads):",
        "",
        f"| set | accuracy Δ (points) | train time ratio | prediction speed ratio, 1 thread | embedlab on "
        f"{THREADS} threads / fasttext on 1 |",
        "|---|---|---|---|---|",
    ]
    for name, ft, ours in _pairs(res):
        lines.append(
            f"| {name} | {100 * (ours['accuracy'] - ft['accuracy']):+.2f} | "
            f"{ours['train_s'] / ft['train_s']:.2f}x | {ours['pred_per_s'] / ft['pred_per_s']:.1f}x | "
            f"{ours['pred_per_s_threads'] / ft['pred_per_s']:.1f}x |"
        )
    deltas = [100 * (o["accuracy"] - f["accuracy"]) for _, f, o in _pairs(res)]
    if deltas:
        lines += [
            "",
            f"Accuracy of embedlab against the fasttext package runs from {min(deltas):+.2f} to "
            f"{max(deltas):+.2f} points across the sets (means of the runs above).",
        ]
    ko = [(n, {r["row"]: r for r in e["rows"]}) for n, e in res["sets"].items() if "embedlab supervised jamo" in
          {r["row"] for r in e["rows"]}]  # fmt: skip
    if ko:
        lines += [
            "",
            "**Korean subwords** (embedlab supervised): character n-grams (1-3) against jamo n-grams (3-6):",
            "",
            "| set | char accuracy | jamo accuracy |",
            "|---|---|---|",
        ]
        for n, rows in ko:
            lines.append(f"| {n} | {rows['embedlab supervised']['accuracy']:.4f} | "
                         f"{rows['embedlab supervised jamo']['accuracy']:.4f} |")  # fmt: skip
    intents = res["sets"].get("CLINC150", {}).get("intents")
    if intents:
        c, d = intents["chosen"], intents["library_default"]
        lines += [
            "",
            "**CLINC150 intents** (MiniLM + logistic head, `IntentClassifier`). Each confidence at each flag "
            "rate: the threshold flags that share of in-scope validation queries. The operating point is chosen "
            f"on validation data only ({intents['criterion']}: the in-scope validation queries in two halves, "
            "the threshold set on one and measured on the other, recall on the 100 out-of-scope validation "
            "queries); the test columns are what each point gives on the test split (in-scope accuracy counts "
            "a flagged in-scope query as wrong):",
            "",
            "| confidence | flag rate | validation criterion | test in-scope accuracy | test in-scope flagged "
            "| test OOS recall |",
            "|---|---|---|---|---|---|",
        ]
        for r in intents["points"]:
            mark = []
            if (r["confidence"], r["val_flag_rate"]) == (c["confidence"], c["flag_rate"]):
                mark.append("chosen on validation")
            if (r["confidence"], r["val_flag_rate"]) == (d["confidence"], d["flag_rate"]):
                mark.append("library default")
            label = f"{r['confidence']}" + (f" (**{', '.join(mark)}**)" if mark else "")
            lines.append(
                f"| {label} | {r['val_flag_rate']:.0%} | {r['validation']['criterion']:.4f} | "
                f"{r['in_scope_accuracy']:.4f} | {r['in_scope_flagged']:.4f} | {r['oos_recall']:.4f} |"
            )
    bank = res["sets"].get("Banking77", {}).get("mteb_8shot")
    if bank:
        lines += [
            "",
            f"**Banking77, MTEB 8-shot protocol** (MiniLM): accuracy {bank['accuracy_mean']:.4f} "
            f"± {bank['accuracy_sd']:.4f} over {bank['draws']} draws (MTEB reports {bank['mteb_reported']:.4f}).",
        ]
    tune = res.get("tuning")
    if tune:
        lines += [
            "",
            "**Tuning** (`embedlab classify tune`, validation split of the training data, time budget per set):",
            "",
            "| set | default accuracy | tuned accuracy | gain (points) | trials | seconds | best settings |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, r in tune.items():
            lines.append(
                f"| {name} | {r['default_accuracy']:.4f} | {r['tuned_accuracy']:.4f} | "
                f"{100 * (r['tuned_accuracy'] - r['default_accuracy']):+.2f} | {r['trials']} | {r['seconds']} | "
                f"`{json.dumps(r['best'])}` |"
            )
    lines += targets(res)
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="Run only these sets (by name).")
    ap.add_argument(
        "--no-heads", action="store_true", help="Only the supervised rows (no MiniLM, no FastText vectors)."
    )
    ap.add_argument("--tune-budget", type=float, default=300.0, help="Seconds of tuning on SST-2 and TREC (0: skip).")
    section_args(ap, RESULTS / "classification.json")
    args = ap.parse_args()
    measure_and_render(args, lambda: measure(args), markdown, MARK_BEGIN, MARK_END)


if __name__ == "__main__":
    main()
