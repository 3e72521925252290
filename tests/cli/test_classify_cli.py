"""``embedlab classify train|classifier``, ``predict``, ``test`` and ``tune`` through real subprocesses."""

import json

import numpy as np
import pytest
from test_cli_end_to_end import assert_one_line_error, run


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("clf")
    rng = np.random.default_rng(0)
    topics = {"sport": ["goal", "match", "team"], "tech": ["code", "chip", "cloud"], "food": ["pizza", "soup", "bread"]}
    noise = [f"n{i}" for i in range(15)]

    def lines(n):
        out = []
        for i in range(n):
            lab = list(topics)[i % 3]
            out.append(
                f"__label__{lab} " + " ".join(rng.choice(topics[lab], 2).tolist() + rng.choice(noise, 2).tolist())
            )
        return "\n".join(out) + "\n"

    (d / "train.txt").write_text(lines(300))
    (d / "valid.txt").write_text(lines(60))
    (d / "valid.tsv").write_text("".join(f"{ln.split()[0][9:]}\t{' '.join(ln.split()[1:])}\n"
                                         for ln in lines(60).splitlines()))  # fmt: skip
    return d


@pytest.mark.slow
def test_train_predict_test_supervised(data):
    d = data
    out = json.loads(
        run(
            "classify",
            "train",
            d / "train.txt",
            "--valid",
            d / "valid.txt",
            "-o",
            d / "m.bin",
            "--epochs",
            20,
            "--lr",
            0.5,
            "--dim",
            10,
            "--word-ngrams",
            2,
            "--bucket",
            10000,
            "--threads",
            1,
            "--json",
        ).stdout
    )
    assert out["labels"] == 3 and out["valid"]["accuracy"] > 0.9
    pred = run("classify", "predict", d / "m.bin", "-", "--k", 2, "--json", input_text="goal team n1\npizza soup\n")
    rows = [json.loads(x) for x in pred.stdout.splitlines()]
    assert [r["labels"][0] for r in rows] == ["sport", "food"] and len(rows[0]["probs"]) == 2
    plain = run("classify", "predict", d / "m.bin", "-", input_text="code chip\n").stdout
    assert plain.startswith("tech ")
    test = json.loads(
        run("classify", "test", d / "m.bin", d / "valid.tsv", "--json", "--confusion", d / "cm.png").stdout
    )
    assert test["accuracy"] > 0.9 and test["examples"] == 60 and (d / "cm.png").stat().st_size > 1000
    cv = json.loads(run("classify", "train", d / "valid.txt", "-o", d / "cv.bin", "--folds", 3, "--epochs", 10,
                        "--lr", 0.5, "--dim", 10, "--threads", 1, "--json").stdout)["cross_validation"]  # fmt: skip
    assert cv["folds"] == 3 and len(cv["fold_accuracies"]) == 3 and cv["accuracy"] > 0.6
    table = run("classify", "test", d / "m.bin", d / "valid.txt").stdout
    assert "per class" in table and "sport" in table


@pytest.mark.slow
def test_tune_supervised_writes_the_best_model_and_its_report(data):
    d = data
    out = json.loads(run("classify", "tune", d / "train.txt", "--valid", d / "valid.txt", "-o", d / "best",
                         "--trials", 3, "--threads", 1, "--json").stdout)  # fmt: skip
    assert len(out["trials"]) == 3 and out["best"]["score"] >= out["default_score"]
    assert (d / "best" / "supervised.json").is_file() and (d / "best.tune.json").is_file()
    assert run("classify", "predict", d / "best", "-", input_text="cloud code\n").stdout.startswith("tech ")


@pytest.mark.slow
def test_train_classifier_on_word_vectors_with_intents(data, planted_model, tmp_path):
    train = tmp_path / "train.tsv"
    words = ["cat", "dog", "red", "blue"]  # words of the planted model: two animals, two colours
    rng = np.random.default_rng(1)
    train.write_text(
        "".join(
            f"{'animal' if i % 2 == 0 else 'colour'}\t{rng.choice(words[:2] if i % 2 == 0 else words[2:])}\n"
            for i in range(60)
        )
    )
    out = json.loads(run("classify", "train-head", train, "--encoder", planted_model, "--intents", "--valid", train,
                         "-o", tmp_path / "intents", "--json").stdout)  # fmt: skip
    assert out["classes"] == 2 and "oos_threshold" in out
    pred = [
        json.loads(x)
        for x in run("classify", "predict", tmp_path / "intents", "-", "--json", input_text="cat\n").stdout.splitlines()
    ]
    assert pred[0]["labels"][0] in ("animal", "out-of-scope")
    assert_one_line_error(
        run("classify", "predict", tmp_path / "intents", "-", "--k", 2, input_text="cat\n", check_rc=None),
        "do not apply",
    )
    # test on an intent model: out-of-scope rows labelled "oos" are measured as such, not as an unseen label
    test_file = tmp_path / "test.tsv"
    test_file.write_text("animal\tcat\ncolour\tred\nanimal\tdog\noos\tparis\noos\tberlin\n")
    r = json.loads(run("classify", "test", tmp_path / "intents", test_file, "--json").stdout)
    assert r["in_scope"] == 3 and r["out_of_scope"] == 2 and r["unseen_labels"] == []
    assert 0 <= r["in_scope_accuracy"] <= 1 and 0 <= r["oos_recall"] <= 1 and r["oos_label"] == "oos"
    shown = run("classify", "test", tmp_path / "intents", test_file).stdout
    assert "in-scope accuracy" in shown and "recall" in shown
    other = json.loads(run("classify", "test", tmp_path / "intents", test_file, "--oos-label", "none", "--json").stdout)
    assert other["out_of_scope"] == 0 and other["unseen_labels"] == ["oos"]


@pytest.mark.slow
def test_predict_keeps_one_text_a_line_whatever_unicode_separators_it_holds(data, tmp_path):
    """U+0085, U+2028 and a form feed are not line breaks in a file of one text a line: every input line gets
    exactly one output line (str.splitlines would split them and misalign every later prediction)."""
    model = tmp_path / "m"
    run("classify", "train", data / "train.txt", "-o", model, "--epochs", 1, "--dim", 4, "--threads", 1, "-q")
    lines = ["goal match", "code\u2028chip", "pizza\x85soup", "team\x0cgoal", "cloud\r", "bread"]
    (tmp_path / "in.txt").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    out = run("classify", "predict", model, tmp_path / "in.txt", "--json").stdout.split("\n")[:-1]
    assert [json.loads(x)["text"] for x in out] == [ln.removesuffix("\r") for ln in lines]


@pytest.mark.slow
def test_bad_input_is_one_line(data, tmp_path):
    d = data
    (tmp_path / "nolabels.txt").write_text("just some text\nmore text\n")
    assert_one_line_error(
        run("classify", "train", tmp_path / "nolabels.txt", "-o", tmp_path / "m.bin", check_rc=None),
        "no labels found",
    )
    assert not (tmp_path / "m.bin").exists()
    (tmp_path / "one.txt").write_text("__label__a x y\n__label__a z\n")
    assert_one_line_error(run("classify", "train", tmp_path / "one.txt", "-o", tmp_path / "m.bin", check_rc=None),
                          "only one label")  # fmt: skip
    assert_one_line_error(run("classify", "train", d / "train.txt", "-o", d / "train.txt", check_rc=None),
                          "input of this command")  # fmt: skip
    (tmp_path / "junk.bin").write_bytes(b"\x00" * 100)
    assert_one_line_error(
        run("classify", "predict", tmp_path / "junk.bin", "-", input_text="x\n", check_rc=None), "fastText"
    )
    model = tmp_path / "ok.bin"
    run("classify", "train", d / "train.txt", "-o", model, "--epochs", 1, "--dim", 4, "--threads", 1)
    assert_one_line_error(
        run("classify", "predict", model, "-", input_text="\n\n", check_rc=None), "no text to classify"
    )
    assert_one_line_error(run("classify", "predict", model, "-", "--k", 0, input_text="x\n", check_rc=None), "--k")
    assert_one_line_error(run("classify", "train", d / "train.txt", "-o", tmp_path / "j.bin", "--subword", "jamo",
                              check_rc=None), "jamo")  # fmt: skip
