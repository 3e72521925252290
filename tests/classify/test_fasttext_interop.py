"""Supervised .bin both ways with the fasttext package: the same labels on the same texts."""

import numpy as np
import pytest

from conftest import train_fasttext_package
from embedlab.classify.supervised import SupervisedFastText

fasttext = pytest.importorskip("fasttext", reason="the fasttext package is needed for the interop test")


def _data(tmp_path, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    vocab = {
        "sport": ["goal", "match", "team", "coach"],
        "tech": ["code", "chip", "cloud", "app"],
        "food": ["pizza", "salad", "bread", "soup"],
    }
    noise = [f"n{i}" for i in range(200)]
    lines, texts = [], []
    for i in range(n):
        lab = list(vocab)[i % 3]
        words = rng.choice(vocab[lab], 2).tolist() + rng.choice(noise, 3).tolist()
        rng.shuffle(words)
        texts.append(" ".join(words))
        lines.append(f"__label__{lab} {texts[-1]}")
    path = tmp_path / "train.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    test = [" ".join(rng.choice(noise + [w for ws in vocab.values() for w in ws], 4).tolist()) for _ in range(200)]
    return path, test


def _ft_labels(model, texts):
    """fasttext's own predict breaks under NumPy 2 (np.array(copy=False)); its C++ binding does not."""
    res = model.f.multilinePredict([t + "\n" for t in texts], 1, 0.0, "strict")
    labs = res[0] if isinstance(res[0][0][0], str) else res[1]
    return [lab[0].removeprefix("__label__") for lab in labs]


@pytest.mark.parametrize("loss", ["softmax", "hs", "ova"])
def test_fasttext_model_loads_here_and_predicts_the_same(tmp_path, loss):
    train, test = _data(tmp_path)
    ft = train_fasttext_package(
        train, supervised=True, verbose=0, epoch=5, lr=0.05, dim=10, wordNgrams=2, bucket=10_000, loss=loss, thread=1
    )
    ours = SupervisedFastText.load(str(train) + ".ft.bin")
    # fastText's one-vs-all reads sigmoids from a 512-entry table (steps up to ~0.008), so labels closer
    # than that may rank either way; softmax and hierarchical softmax are computed exactly on both sides
    top2 = np.sort(ours.predict_proba(test), axis=1)[:, -2:]
    clear = np.flatnonzero(top2[:, 1] - top2[:, 0] > (0.02 if loss == "ova" else 1e-4))
    assert len(clear) > 0.5 * len(test)
    mine, theirs = [p[0] for p in ours.predict(test)[0]], _ft_labels(ft, test)
    assert [mine[i] for i in clear] == [theirs[i] for i in clear]


@pytest.mark.parametrize("loss", ["softmax", "hs"])
def test_our_model_loads_in_fasttext_and_predicts_the_same(tmp_path, loss):
    train, test = _data(tmp_path)
    ours = SupervisedFastText(
        epochs=5, lr=0.05, dim=10, word_ngrams=2, bucket=10_000, subword="char", loss=loss, threads=1
    ).fit_file(train)
    ours.save(tmp_path / "ours.bin")
    ft = fasttext.load_model(str(tmp_path / "ours.bin"))
    assert _ft_labels(ft, test) == [p[0] for p in ours.predict(test)[0]]
