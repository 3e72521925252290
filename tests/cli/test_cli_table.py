"""Every command against the same bad inputs: a missing file, a folder where a file belongs, bad numbers,
an unwritable output, an existing output that is not a model of the kind. Each must end with exit != 0 and
either one ``error:`` line (exit 1) or click's usage message (exit 2): never a traceback, never a file
half-written or destroyed. Runs in-process (typer's CliRunner), so the whole table takes seconds."""

import pytest
from typer.testing import CliRunner

from conftest import planted_sentences, shape_images, write_images, write_lines
from embedlab.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory, planted_model):
    d = tmp_path_factory.mktemp("table")
    corpus = write_lines(d / "corpus.txt", planted_sentences(300))
    (d / "edges.tsv").write_text("".join(f"{i} {(i + 1) % 20}\n" for i in range(20)))
    (d / "labels.tsv").write_text("".join(f"{i} {'ab'[i % 2]}\n" for i in range(20)))
    (d / "train.txt").write_text("".join(f"__label__{'ab'[i % 2]} w{i % 5} x{i % 2}\n" for i in range(60)))
    (d / "events.tsv").write_text("user\titem\n" + "".join(f"u{i % 7}\ti{i % 11}\n" for i in range(80)))
    (d / "notes.txt").write_text("a user's notes\n")
    (d / "texts.txt").write_text("the cat sat\nthe dog ran\n")
    (d / "sts.tsv").write_text("".join(f"{s:.1f}\tcat sat {i}\tdog ran {i}\n" for i, s in enumerate([1, 2, 3, 4, 5])))
    paragraphs = [
        {"context": f"cat number {i}", "qas": [{"id": f"q{i}", "question": f"which cat {i}"}]} for i in range(5)
    ]
    (d / "qa.json").write_text(__import__("json").dumps({"data": [{"title": "t", "paragraphs": paragraphs}]}))
    (d / "folder").mkdir()
    x, y = shape_images(5, size=16)
    write_images(d / "shapes", x, y)
    pics = write_images(d / "pics", *shape_images(1, size=16, colour=True))
    (d / "pairs.jsonl").write_text("".join(f'{{"image": "{p}", "caption": "a picture"}}\n' for p in pics))
    return {"shapes": d / "shapes", "pairs": d / "pairs.jsonl",
            "dir": d, "corpus": corpus, "model": planted_model, "edges": d / "edges.tsv",
            "labels": d / "labels.tsv", "train": d / "train.txt", "events": d / "events.tsv", "notes": d / "notes.txt",
            "folder": d / "folder", "qa": d / "qa.json", "texts": d / "texts.txt", "sts": d / "sts.tsv"}  # fmt: skip


#: name -> (arguments with {input} where the file under test goes and {out} for the output, a bad-number option)
COMMANDS = {
    "train word2vec": (["words", "train", "word2vec", "{input}", "-o", "{out}", "--min-count", "1", "--epochs", "1"],
                       ["--dim", "0"]),
    "train glove": (["words", "train", "glove", "{input}", "-o", "{out}", "--min-count", "1", "--epochs", "1"],
                     ["--dim", "-3"]),
    "train fasttext": (["words", "train", "fasttext", "{input}", "-o", "{out}", "--min-count", "1", "--epochs", "1",
                        "--bucket", "1000"], ["--bucket", "-5"]),
    "train node2vec": (["graph", "train", "{input}", "-o", "{out}", "--walks-per-node", "1"], ["--p", "-1"]),
    "train supervised": (["classify", "train", "{input}", "-o", "{out}", "--epochs", "1"], ["--lr", "0"]),
    "train item2vec": (["recommend", "train", "item2vec", "{input}", "--user", "user", "--item", "item", "--by",
                        "user", "-o",
                        "{out}"], ["--window", "0"]),
    "convert": (["words", "convert", "{input}", "{out}"], None),
    "compress": (["compress", "vectors", "{input}", "-o", "{out}", "--method", "float16", "--no-evaluate"],
                  ["--m", "0"]),
    "export": (["words", "export", "{input}", "-o", "{out}", "--to", "torch"], ["--limit", "0"]),
    "similar": (["words", "similar", "{input}", "cat"], ["--topn", "0"]),
    "analogy": (["words", "analogy", "{input}", "cat", "dog", "red"], ["--topn", "-1"]),
    "info": (["words", "info", "{input}"], None),
    "evaluate": (["words", "evaluate", "{input}"], ["--restrict-vocab", "0"]),
    "evaluate restrict-vocab": (["words", "evaluate", "{input}"], ["--restrict-vocab", "-1"]),
    "encode": (["encode", "{input}", "-o", "{out}", "-m", "{model}"], ["--batch-size", "0"]),
    "encode --images": (["encode", "--images", "{input}", "-o", "{out}", "-q"], ["--batch-size", "0"]),
    "plot-images": (["images", "plot", "{input}", "-o", "{out}", "--method", "pca"], ["--thumb", "0"]),
    "recommend": (["recommend", "items", "{input}", "--similar-to", "cat"], ["--k", "0"]),
    "recommend negative k": (["recommend", "items", "{input}", "--similar-to", "cat"], ["--k", "-1"]),
    "serve": (["serve", "{input}"], ["--max-texts", "0"]),
    "evaluate-sts": (["sentences", "evaluate-sts", "{input}", "-m", "{model}", "-q"], ["--pooling", ""]),
    "evaluate-nodes": (["graph", "evaluate-nodes", "{input}", "{labels}"], ["--repeats", "0"]),
    "evaluate-links": (["graph", "evaluate-links", "{input}"], ["--test-fraction", "2"]),
    "predict": (["classify", "predict", "{input}", "-"], ["--k", "0"]),
    "test": (["classify", "test", "{input}", "{train}"], ["--k", "0"]),
    "plot": (["words", "plot", "{input}", "--top", "10", "-o", "{out}"], ["--top", "-5"]),
    "tune supervised": (["classify", "tune", "{input}", "-o", "{out}", "--trials", "1"], ["--budget", "-1"]),
    "explain": (["explain", "similarity", "{input}", "cat", "dog"], ["--steps", "0"]),
    "weat": (["explain", "weat", "{input}", "--x", "cat,dog", "--y", "red,blue", "--a", "paris", "--b", "run"],
             ["--permutations", "0"]),
    "probe": (["explain", "probe", "{input}", "--top", "20", "--folds", "2"], ["--folds", "1"]),
    "evaluate-retrieval": (["sentences", "evaluate-retrieval", "{input}", "--method", "lexical"], ["--k", "0"]),
    "evaluate-nli": (["sentences", "evaluate-nli", "{input}", "{input}"], None),
    "train image-cnn": (["images", "train-cnn", "{input}", "-o", "{out}", "--epochs", "1", "--width", "4", "-q"],
                        ["--epochs", "0"]),
    "train image-text": (["images", "train-text", "{input}", "-o", "{out}", "--epochs", "1", "-q"], ["--lr", "0"]),
    "evaluate-images": (["images", "evaluate", "{input}", "-q"], ["--k", "0"]),
}  # fmt: skip

#: which good file each command reads, and what its output is
GOOD_INPUT = {"train word2vec": "corpus", "train glove": "corpus", "train fasttext": "corpus",
              "train node2vec": "edges",
              "train supervised": "train", "train item2vec": "events", "convert": "model", "compress": "model",
              "export": "model",
              "similar": "model", "analogy": "model", "info": "model", "evaluate": "model", "evaluate-nodes": "model",
              "evaluate-links": "edges", "predict": "model", "test": "model", "plot": "model",
              "tune supervised": "train", "explain": "model", "weat": "model", "probe": "model",
              "evaluate-retrieval": "qa", "evaluate-nli": "train", "train image-cnn": "shapes",
              "train image-text": "pairs", "evaluate-images": "shapes", "evaluate restrict-vocab": "model",
              "encode": "texts", "encode --images": "shapes", "plot-images": "shapes", "recommend": "model",
              "recommend negative k": "model", "serve": "model", "evaluate-sts": "sts"}  # fmt: skip
OUTPUT_NAME = {"export": "out.pt", "plot": "out.png", "train supervised": "out.bin", "tune supervised": "out.bin",
               "encode": "out.npy", "encode --images": "out.npy", "plot-images": "out.png"}  # fmt: skip


def _args(name, files, inp, out):
    template, _ = COMMANDS[name]
    return [str(a).format(input=inp, out=out, labels=files["labels"], train=files["train"], model=files["model"])
            for a in template]  # fmt: skip


def _refused(result, usage_ok=True):
    """exit != 0, no traceback; one 'error:' line (exit 1) or click's usage message (exit 2)."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    err = result.stderr
    assert "Traceback" not in err and "Traceback" not in result.stdout
    if result.exit_code == 2 and usage_ok:
        assert "Usage:" in err or "Invalid value" in err or "Error" in err, err
    else:
        assert result.exit_code == 1, (result.exit_code, err)
        lines = [ln for ln in err.strip().splitlines() if ln.strip() and not ln.startswith("warning:")]
        assert len(lines) == 1 and lines[0].startswith("error: "), err


@pytest.mark.parametrize("name", list(COMMANDS))
def test_missing_input_file(name, files, tmp_path):
    result = runner.invoke(app, _args(name, files, tmp_path / "nowhere.txt", tmp_path / OUTPUT_NAME.get(name, "out")))
    _refused(result, usage_ok=False)
    assert not (tmp_path / OUTPUT_NAME.get(name, "out")).exists()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_folder_where_a_file_belongs(name, files, tmp_path):
    # an empty folder: where a file belongs, or where a model folder belongs but holds nothing
    result = runner.invoke(app, _args(name, files, files["folder"], tmp_path / OUTPUT_NAME.get(name, "out")))
    _refused(result)
    assert not (tmp_path / OUTPUT_NAME.get(name, "out")).exists()


@pytest.mark.parametrize("name", [n for n, (_, bad) in COMMANDS.items() if bad])
def test_bad_numbers(name, files, tmp_path):
    out = tmp_path / OUTPUT_NAME.get(name, "out")
    result = runner.invoke(app, [*_args(name, files, files[GOOD_INPUT[name]], out), *COMMANDS[name][1]], input="cat\n")
    _refused(result)
    assert not out.exists()


WRITERS = [n for n, (template, _) in COMMANDS.items() if "{out}" in template]


@pytest.mark.parametrize("name", WRITERS)
def test_output_folder_holding_a_users_files_is_kept(name, files, tmp_path):
    """Not only a file: a folder of the user's own files at the output path is refused, never replaced."""
    victim = tmp_path / OUTPUT_NAME.get(name, "out")
    victim.mkdir()
    (victim / "mine.txt").write_text("keep\n")
    result = runner.invoke(app, _args(name, files, files[GOOD_INPUT[name]], victim))
    _refused(result, usage_ok=False)
    assert (victim / "mine.txt").read_text() == "keep\n"


@pytest.mark.parametrize("name", WRITERS)
def test_output_in_a_folder_that_does_not_exist(name, files, tmp_path):
    """Only the output itself is created: a missing folder above it is an error, nothing is made."""
    out = tmp_path / "no" / "such" / OUTPUT_NAME.get(name, "out")
    result = runner.invoke(app, _args(name, files, files[GOOD_INPUT[name]], out))
    _refused(result, usage_ok=False)
    assert "does not exist" in result.stderr and not (tmp_path / "no").exists()


@pytest.mark.parametrize("name", WRITERS)
def test_unwritable_output(name, files):
    out = files["notes"] / "sub" / OUTPUT_NAME.get(name, "out")  # under a file: no folder can be made there
    result = runner.invoke(app, _args(name, files, files[GOOD_INPUT[name]], out))
    _refused(result, usage_ok=False)
    assert files["notes"].read_text() == "a user's notes\n"


@pytest.mark.parametrize("name", WRITERS)
def test_existing_output_that_is_not_a_model_is_kept(name, files, tmp_path):
    victim = tmp_path / OUTPUT_NAME.get(name, "out")
    victim.write_text("precious\n")
    result = runner.invoke(app, _args(name, files, files[GOOD_INPUT[name]], victim))
    _refused(result, usage_ok=False)
    assert victim.read_text() == "precious\n"
