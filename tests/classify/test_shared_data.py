"""Agreement with the fasttext package on real data (TREC question types), when ../shared/data is present."""

import numpy as np
import pytest

from conftest import shared, train_fasttext_package
from embedlab.classify import SupervisedFastText, read_labelled

pytest.importorskip("fasttext", reason="the fasttext package is needed for the agreement test")


def _convert(src, dst):
    lines = src.read_bytes().decode("utf-8", errors="replace").splitlines()
    dst.write_text("".join(f"__label__{ln.split(' ', 1)[0]} {ln.split(' ', 1)[1]}\n" for ln in lines if " " in ln))
    return dst


def test_trec_accuracy_matches_the_fasttext_package(tmp_path):
    folder = shared("classification", "en_sentence")
    train = _convert(folder / "TREC.train.all", tmp_path / "train.txt")
    test = _convert(folder / "TREC.test.all", tmp_path / "test.txt")
    texts, labels = read_labelled(test)
    settings = {"epoch": 25, "lr": 0.5, "wordNgrams": 2, "dim": 50, "bucket": 200_000}
    ft = train_fasttext_package(train, supervised=True, verbose=0, thread=2, **settings)
    res = ft.f.multilinePredict([t + "\n" for t in texts], 1, 0.0, "strict")
    ft_labels = res[0] if isinstance(res[0][0][0], str) else res[1]
    ft_acc = np.mean([p[0].removeprefix("__label__") == y[0] for p, y in zip(ft_labels, labels, strict=True)])
    ours = SupervisedFastText(epochs=25, lr=0.5, word_ngrams=2, dim=50, bucket=200_000, threads=2).fit_file(train)
    acc = ours.test(texts, labels)["accuracy"]
    assert acc > 0.88 and acc >= ft_acc - 0.015, (acc, ft_acc)
