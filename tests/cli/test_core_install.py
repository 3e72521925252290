"""After ``pip install embedlab`` with no extra, every command either works or says in one line which extra
to install, before any work starts: never a traceback, never a trained model lost to a missing extra.
The commands run in one process where every optional package is impossible to import
(tests/core_only_harness.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import planted_sentences, shape_images, write_images, write_lines

HARNESS = Path(__file__).resolve().parents[1] / "core_only_harness.py"


@pytest.fixture(scope="module")
def results(tmp_path_factory, planted_model):
    d = tmp_path_factory.mktemp("core")
    corpus = write_lines(d / "corpus.txt", planted_sentences(300))
    (d / "edges.tsv").write_text("".join(f"{i} {(i + 1) % 20}\n" for i in range(20)))
    (d / "labels.tsv").write_text("".join(f"{i} {'ab'[i % 2]}\n" for i in range(20)))
    train = d / "train.txt"
    train.write_text("".join(f"__label__{'ab'[i % 2]} w{i % 5} x{i % 2}\n" for i in range(60)))
    (d / "events.tsv").write_text("user\titem\n" + "".join(f"u{i % 7}\ti{i % 11}\n" for i in range(80)))
    (d / "texts.txt").write_text("a cat sat\nthe dog ran\n")
    (d / "sts.tsv").write_text("".join(f"{s:.1f}\tcat sat {i}\tdog ran {i}\n" for i, s in enumerate([1, 2, 3, 4, 5])))
    qa = [{"context": f"cat number {i}", "qas": [{"id": f"q{i}", "question": f"which cat {i}"}]} for i in range(5)]
    (d / "qa.json").write_text(json.dumps({"data": [{"title": "t", "paragraphs": qa}]}))
    write_images(d / "shapes", *shape_images(3, size=16))
    pics = write_images(d / "pics", *shape_images(1, size=16, colour=True))
    (d / "pairs.jsonl").write_text("".join(f'{{"image": "{p}", "caption": "a picture"}}\n' for p in pics))
    m, o = str(planted_model), str(d / "out")
    sup = str(d / "sup.bin")
    commands = {
        # name: (arguments, "ok" or the extra the one-line error must name: "a|b" when either one is right)
        "train word2vec": (["words", "train", "word2vec", str(corpus), "-o", o + "-w2v", "--min-count", "1",
                            "--epochs", "1",
                            "-q"], "ok"),
        "train glove": (["words", "train", "glove", str(corpus), "-o", o + "-glove", "--min-count", "1",
                         "--epochs", "1", "-q"],
                        "ok"),
        "train fasttext": (["words", "train", "fasttext", str(corpus), "-o", o + "-ft", "--min-count", "1",
                            "--epochs", "1",
                            "--bucket", "1000", "-q"], "ok"),
        "train node2vec": (["graph", "train", str(d / "edges.tsv"), "-o", o + "-n2v", "--walks-per-node", "1",
                            "-q"], "ok"),
        "train item2vec": (["recommend", "train", "item2vec", str(d / "events.tsv"), "--user", "user", "--item",
                            "item", "--by",
                            "user", "-o", o + "-i2v", "-q"], "ok"),
        "train supervised": (["classify", "train", str(train), "--valid", str(train), "-o", sup, "--epochs", "2",
                              "-q"], "ok"),
        "test": (["classify", "test", sup, str(train)], "ok"),
        "predict": (["classify", "predict", sup, str(d / "texts.txt")], "ok"),
        "tune supervised": (["classify", "tune", str(train), "-o", o + "-tuned.bin", "--trials", "1"], "ok"),
        "similar": (["words", "similar", m, "cat"], "ok"),
        "analogy": (["words", "analogy", m, "cat", "dog", "red"], "ok"),
        "info": (["words", "info", m], "ok"),
        "evaluate": (["words", "evaluate", m], "ok"),
        "convert": (["words", "convert", m, o + ".txt"], "ok"),
        "compress float16": (["compress", "vectors", m, "-o", o + "-f16", "--method", "float16", "--no-evaluate"],
                              "ok"),
        "explain": (["explain", "similarity", m, "cat", "dog"], "ok"),
        "weat": (["explain", "weat", m, "--x", "cat,dog", "--y", "red,blue", "--a", "paris", "--b", "run"], "ok"),
        "train als": (["recommend", "train", "als", str(d / "events.tsv"), "--user", "user", "--item", "item",
                       "-o", o + "-als"],
                      "recommend"),
        "train bpr": (["recommend", "train", "bpr", str(d / "events.tsv"), "--user", "user", "--item", "item",
                       "-o", o + "-bpr"],
                      "recommend"),
        "train classifier": (["classify", "train-head", str(train), "-o", o + "-clf"], "classify|sentence"),
        "tune classifier": (["classify", "tune-head", str(train), "-o", o + "-tclf"], "classify|sentence"),
        "train image-cnn": (["images", "train-cnn", str(d / "shapes"), "-o", o + "-cnn", "--epochs", "1"], "images"),
        "train image-text": (["images", "train-text", str(d / "pairs.jsonl"), "-o", o + "-it"], "images"),
        "encode": (["encode", str(d / "texts.txt"), "-o", o + ".npy"], "sentence"),
        "encode --images": (["encode", "--images", str(d / "shapes"), "-o", o + "-img.npy"], "images"),
        "finetune": (["sentences", "finetune", str(d / "sts.tsv"), "-o", o + "-ft-st"], "sentence"),
        "distill": (["compress", "distill", "-o", o + "-distilled"], "sentence"),
        "compress pq": (["compress", "vectors", m, "-o", o + "-pq", "--method", "pq", "--no-evaluate"], "search"),
        "export torch": (["words", "export", m, "-o", o + ".pt", "--to", "torch"], "sentence"),
        "evaluate-sts": (["sentences", "evaluate-sts", str(d / "sts.tsv")], "sentence"),
        "evaluate-retrieval": (["sentences", "evaluate-retrieval", str(d / "qa.json"), "--method", "lexical"],
                                "search"),
        "evaluate-nodes": (["graph", "evaluate-nodes", m, str(d / "labels.tsv")], "graph"),
        "evaluate-links": (["graph", "evaluate-links", str(d / "edges.tsv")], "graph"),
        "evaluate-images": (["images", "evaluate", str(d / "shapes"), "-q"], "images"),
        "zero-shot": (["images", "zero-shot", "image-text-model", str(d / "shapes"), "--classes", "a,b"], "images"),
        "probe": (["explain", "probe", m, "--top", "20", "--folds", "2"], "classify"),
        "plot": (["words", "plot", m, "--top", "10", "-o", o + ".png"], "viz"),
        "plot-images": (["images", "plot", str(d / "shapes"), "-o", o + "-img.png"], "viz"),
        "serve": (["serve", m], "serve"),
        "collection create": (["search", "create", o + "-col"], "sentence"),  # MiniLM, the default model
        "collection create -m": (["search", "create", o + "-wcol", "-m", m], "ok"),
        "collection add": (["search", "add", o + "-wcol", str(d / "texts.txt")], "ok"),
        "collection search": (["search", "query", o + "-wcol", "the cat", "--k", "1"], "ok"),
        "store encode": (["store", "encode", str(d / "texts.txt"), "-o", o + "-store", "-m", m], "store"),
        "store encode ray": (["store", "encode", str(d / "texts.txt"), "-o", o + "-rstore", "-m", m, "--backend",
                              "ray"], "store|distributed"),
    }  # fmt: skip
    proc = subprocess.run([sys.executable, str(HARNESS), json.dumps([args for args, _ in commands.values()])],
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    ran = json.loads(proc.stdout.strip().splitlines()[-1])
    return {name: (expect, r) for (name, (_, expect)), r in zip(commands.items(), ran, strict=True)}, sup


@pytest.mark.slow
def test_no_command_ends_in_a_traceback(results):
    for name, (_, r) in results[0].items():
        assert r["exception"] is None, f"{name}: {r['exception']}"
        assert "Traceback" not in r["stderr"] + r["stdout"], f"{name}: {r['stderr'][-2000:]}"


def test_commands_that_need_an_extra_say_which_in_one_line(results):
    for name, (expect, r) in results[0].items():
        if expect == "ok":
            continue
        lines = [ln for ln in r["stderr"].splitlines() if ln.strip() and not ln.startswith("warning:")]
        assert r["code"] == 1 and len(lines) == 1, f"{name}: exit {r['code']}, {r['stderr'][-1500:]}"
        named = [x for x in expect.split("|") if f'pip install "embedlab[{x}]"' in lines[0]]
        assert lines[0].startswith("error: ") and named, f"{name}: {lines}"


def test_the_core_commands_work(results):
    for name, (expect, r) in results[0].items():
        if expect == "ok":
            assert r["code"] == 0, f"{name}: exit {r['code']}, {r['stderr'][-1500:]}"
    assert Path(results[1]).is_file()  # trained, validated and saved without scikit-learn
