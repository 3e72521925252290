"""The CLI through real subprocesses: happy paths, JSON output, user mistakes, Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import planted_sentences, write_lines


def run(*args, check_rc=0, env=None, input_text=None):
    proc = subprocess.run(
        [sys.executable, "-m", "embedlab", *map(str, args)],
        capture_output=True,
        text=True,
        input=input_text,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    if check_rc is not None:
        assert proc.returncode == check_rc, proc.stderr
    return proc


def default_sigint():
    """In the child: Ctrl-C as a terminal delivers it, even when this runner was started with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def assert_one_line_error(proc, text):
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert text in lines[0], lines[0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    corpus = write_lines(d / "corpus.txt", planted_sentences())
    model = d / "model"
    proc = run("words", "train", "word2vec", corpus, "-o", model, "--dim", 24, "--min-count", 2, "--epochs", 3,
               "--threads", 2, "--json")  # fmt: skip
    return d, corpus, model, json.loads(proc.stdout)


def test_train_json_report(trained):
    _, _, model, report = trained
    assert report["vocab_size"] > 50 and report["dim"] == 24
    assert len(report["loss_per_epoch"]) == 3 and report["words_per_sec"] > 0
    assert report["train_seconds"] > 0 and report["corpus_tokens"] > 0
    assert (model / "config.json").exists()


def test_retraining_reuses_the_encoded_corpus(trained, tmp_path):
    _, corpus, _, first = trained
    again = json.loads(run("words", "train", "word2vec", corpus, "-o", tmp_path / "m2", "--dim", 8, "--min-count", 2,
                           "--epochs", 1, "--json").stdout)  # fmt: skip
    assert first["corpus_cache_hit"] is False and again["corpus_cache_hit"] is True


@pytest.mark.slow
def test_similar_analogy_evaluate_convert(trained, tmp_path):
    _, _, model, _ = trained
    out = json.loads(run("words", "similar", model, "cat", "--json", "-n", 3).stdout)
    assert out["word"] == "cat" and len(out["neighbours"]) == 3
    assert "cat" in run("words", "similar", model, "dog").stdout
    out = json.loads(run("words", "analogy", model, "cat", "dog", "red", "--json").stdout)
    assert len(out["answers"]) == 5
    ev = json.loads(run("words", "evaluate", model, "--json").stdout)
    assert {r["name"] for r in ev["word_pairs"]} == {"wordsim353", "simlex999"}
    assert {r["method"] for r in ev["analogies"]} == {"3CosAdd", "3CosMul"}
    binary = tmp_path / "m.bin"
    assert "wrote" in run("words", "convert", model, binary, "--to", "word2vec-bin").stdout
    from gensim.models import KeyedVectors

    assert "cat" in KeyedVectors.load_word2vec_format(str(binary), binary=True)
    info = json.loads(run("words", "info", binary, "--json").stdout)
    assert info["format"] == "word2vec-bin" and info["dim"] == 24


@pytest.mark.slow
def test_builtin_demo_corpus_needs_no_path(tmp_path):
    report = json.loads(run("words", "train", "word2vec", "-o", tmp_path / "demo", "--epochs", 3, "--json").stdout)
    assert "demo corpus" in report["corpus"]
    out = json.loads(run("words", "analogy", tmp_path / "demo", "man", "king", "woman", "--json").stdout)
    assert out["answers"][0]["word"] == "queen"


@pytest.mark.slow
def test_user_mistakes_get_one_line_and_nonzero_exit(trained, tmp_path):
    _, corpus, model, _ = trained
    out = tmp_path / "never"
    assert_one_line_error(
        run("words", "train", "word2vec", tmp_path / "missing.txt", "-o", out, check_rc=None), "not found"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert_one_line_error(run("words", "train", "word2vec", empty, "-o", out, check_rc=None), "corpus is empty")
    assert_one_line_error(run("words", "train", "word2vec", corpus, "-o", out, "--min-count", 100000, check_rc=None),
                          "no word occurs min_count=100000")  # fmt: skip
    assert_one_line_error(run("words", "train", "word2vec", corpus, "-o", out, "--dim", 0, check_rc=None),
                          "dim must be an int >= 1")  # fmt: skip
    assert not out.exists()
    assert_one_line_error(run("words", "similar", model, "caat", check_rc=None), "did you mean 'cat'")
    truncated = tmp_path / "t.bin"
    run("words", "convert", model, truncated, "--to", "word2vec-bin")
    truncated.write_bytes(truncated.read_bytes()[:-50])
    assert_one_line_error(run("words", "similar", truncated, "cat", check_rc=None), "truncated binary file")
    assert_one_line_error(run("words", "similar", tmp_path / "nomodel", "cat", check_rc=None), "model not found")
    bad_usage = run("words", "train", "word2vec", corpus, "--arch", "sg", check_rc=None)
    assert bad_usage.returncode == 2 and "Traceback" not in bad_usage.stderr


def test_non_utf8_corpus_trains_with_one_warning(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes(("café résumé naïve " * 3 + "\n").encode("latin-1") * 20 + b"plain words here\n" * 20)
    proc = run("words", "train", "word2vec", p, "-o", tmp_path / "m", "--min-count", 1, "--dim", 8, "--json")
    assert proc.stderr.count("invalid UTF-8") == 1
    assert json.loads(proc.stdout)["vocab_size"] > 3


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_exits_130_and_writes_nothing(tmp_path):
    corpus = write_lines(tmp_path / "big.txt", planted_sentences(n=100_000))
    out, cache = tmp_path / "model", tmp_path / "cache"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "embedlab",
            "words",
            "train",
            "word2vec",
            str(corpus),
            "-o",
            str(out),
            "--epochs",
            "200",
            "--min-count",
            "2",
            "--threads",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
        env={**os.environ, "EMBEDLAB_CACHE_DIR": str(cache)},
    )
    # The encoded corpus is cached before training starts: its metadata, written last, says training is
    # under way (or about to be), whatever the machine's speed.
    deadline = time.monotonic() + 300
    while not list(cache.glob("corpora/*/meta.json")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "training ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    # Training (TrainingInterrupted) or the step before it (loading kernels): one line either way.
    assert err.startswith("interrupted") and err.count("\n") == 1, err
    assert "nothing was written" in err or "nothing was left half-written" in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".model")]
    assert list(cache.glob("corpora/*/meta.json")), "the cache is kept for the next run"


def test_train_glove_json(tmp_path):
    corpus = write_lines(tmp_path / "c.txt", planted_sentences(n=2000))
    out = json.loads(
        run(
            "words",
            "train",
            "glove",
            corpus,
            "-o",
            tmp_path / "g.txt",
            "--format",
            "glove",
            "--dim",
            16,
            "--epochs",
            5,
            "--min-count",
            2,
            "--x-max",
            10,
            "--json",
        ).stdout
    )
    assert out["cooccurrence"]["nnz"] > 0 and len(out["loss_per_epoch"]) == 5
    assert json.loads(run("words", "similar", tmp_path / "g.txt", "cat", "--json").stdout)["neighbours"]


def test_train_fasttext_and_query_an_unseen_word(tmp_path):
    corpus = write_lines(tmp_path / "c.txt", planted_sentences(n=3000))
    model = tmp_path / "ft"
    out = json.loads(
        run(
            "words",
            "train",
            "fasttext",
            corpus,
            "-o",
            model,
            "--dim",
            16,
            "--epochs",
            3,
            "--min-count",
            2,
            "--bucket",
            20000,
            "--sample",
            0,
            "--json",
        ).stdout
    )
    assert out["subword"] == "char" and out["vocab_size"] > 50
    neighbours = json.loads(run("words", "similar", model, "cats", "--json").stdout)["neighbours"]
    assert neighbours[0]["word"] == "cat"


@pytest.mark.slow
def test_output_never_destroys_user_data(tmp_path, trained):
    _, corpus, model, _ = trained
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("keep me")
    for target in (notes, docs):
        proc = run("words", "train", "word2vec", corpus, "-o", target, "--min-count", 2, "--epochs", 1, check_rc=None)
        assert_one_line_error(proc, "not an embedlab model")
    assert notes.read_text() == "my notes\n" and (docs / "a.md").read_text() == "keep me"
    assert_one_line_error(run("words", "train", "word2vec", corpus, "-o", corpus, check_rc=None), "is an input")
    assert_one_line_error(run("words", "train", "word2vec", corpus, "-o", corpus.parent, check_rc=None), "is an input")
    assert_one_line_error(
        run("words", "convert", model, docs, "--to", "native", check_rc=None), "not an embedlab model"
    )
    assert_one_line_error(
        run("words", "convert", model, model, "--to", "native", "--force", check_rc=None), "is an input"
    )
    out = tmp_path / "vectors.bin"
    out.mkdir()  # a folder where a file format goes: refused before training, not after it
    assert_one_line_error(
        run("words", "train", "word2vec", corpus, "-o", out, "--format", "word2vec-bin", check_rc=None), "is a folder"
    )
    run("words", "convert", model, notes, "--to", "word2vec-txt", "--force")  # --force replaces it
    run("words", "convert", model, notes, "--to", "word2vec-txt")  # a model of the same kind is replaced without it
    assert notes.read_text().split("\n", 1)[0].split()[1] == "24"


@pytest.mark.slow
def test_rough_edges_a_new_user_hits(trained, tmp_path):
    _, corpus, model, _ = trained
    helps = run("words", "plot", "--help").stdout + run("serve", "--help").stdout
    assert "'man:king:woman:queen'" in helps and not any(0x1F000 <= ord(ch) <= 0x1FAFF for ch in helps)  # no emoji
    assert_one_line_error(
        run("words", "train", "word2vec", corpus, "-o", tmp_path / "m", "--seed", 10**23, check_rc=None),
        "seed must be an int >= 0 and <= 4294967295",
    )
    for args in (("words", "analogy", model, "man", "king", "woman", "--topn", 0),
                 ("words", "similar", model, "cat", "-n", -1)):  # fmt: skip
        assert_one_line_error(run(*args, check_rc=None), "--k must be an int >= 1")  # before any work
    for args in (("words", "export", model, "--to", "projector", "-o", tmp_path / "p", "--limit", 0),
                 ("serve", model, "--port", 70000)):  # fmt: skip
        assert run(*args, check_rc=None).returncode == 2  # a usage error, before any work
    mul = run("words", "analogy", model, "cat", "dog", "red", "--method", "mul").stdout
    assert "3CosMul" in mul and "cosine" not in mul
    info = run("words", "info", model).stdout
    assert "dim" in info and "{" not in info  # a table, not a Python dict
    assert json.loads(run("words", "info", model, "--json").stdout)["dim"] == 24


def test_progress_lines_when_stderr_is_not_a_terminal(trained, tmp_path):
    _, corpus, _, _ = trained
    proc = run("words", "train", "word2vec", corpus, "-o", tmp_path / "m", "--min-count", 2, "--epochs", 2,
               env={"EMBEDLAB_PROGRESS_INTERVAL": "0"})  # fmt: skip
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("word2vec skipgram: ")]
    assert lines and "elapsed" in lines[0] and lines[-1].endswith("done") and "100%" in lines[-1]
    quiet = run("words", "train", "word2vec", corpus, "-o", tmp_path / "m", "--min-count", 2, "--epochs", 1, "-q",
                env={"EMBEDLAB_PROGRESS_INTERVAL": "0"})  # fmt: skip
    assert "elapsed" not in quiet.stderr


@pytest.mark.slow
def test_plain_text_files_add_to_one_collection_without_id_clashes(trained, tmp_path):
    _, _, model, _ = trained
    col = tmp_path / "col"
    created = run("search", "create", col, "--model", model)
    assert str(model.resolve()) in created.stderr  # says which encoder, by a path that works from anywhere
    (tmp_path / "a.txt").write_text("cat dog horse\nred green blue\n")
    (tmp_path / "b.txt").write_text("paris berlin rome\nrun walk swim\n")
    run("search", "add", col, tmp_path / "a.txt")
    run("search", "add", col, tmp_path / "b.txt")  # used to collide: both files numbered from 1
    assert json.loads(run("search", "info", col, "--json").stdout)["documents"] == 4
    hit = json.loads(run("search", "query", col, "rome", "--k", "1", "--json").stdout)["results"][0]["hits"][0]
    assert hit["id"] == "b.txt:1"


@pytest.mark.slow
def test_out_of_range_values_are_errors_not_tracebacks(trained, tmp_path):
    _, corpus, model, _ = trained
    proc = run("words", "train", "fasttext", corpus, "-o", tmp_path / "ft", "--bucket", 2147483647, "--dim", 300,
               "--min-count", 2, check_rc=None)  # fmt: skip
    assert_one_line_error(proc, "GiB of RAM, more than")
    col = tmp_path / "col"
    run("search", "create", col, "--model", model)
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "cat dog", "year": 2020}\n')
    run("search", "add", col, tmp_path / "a.jsonl")
    assert_one_line_error(run("search", "query", col, "cat", "-k", 10**12, check_rc=None), "k must be an int")
    too_big = run("search", "query", col, "cat", "--filter", '{"year": {"$lt": 1000000000000000000000000000000}}',
                  check_rc=None)  # fmt: skip
    assert_one_line_error(too_big, "64-bit")
    assert_one_line_error(run("search", "query", col, "cat", "--filter", '{"year": {"$gt": 2021, "$lt": 2019}}',
                              check_rc=None), "holds no value")  # fmt: skip
    (tmp_path / "q.bin").write_bytes(b"\xff\xfe\x00binary")
    assert_one_line_error(run("search", "query", col, "--queries", tmp_path / "q.bin", check_rc=None),
                          "not UTF-8 text")  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_starting_is_one_line_never_a_traceback():
    """SIGINT at seeded moments while the CLI loads: exit 130, no traceback. The child says when the console
    script's guard is about to run (Python's own start-up, which no program can guard, is not under test), and
    the signal follows that line by a seeded delay, whatever the machine's speed."""
    import random

    start = (
        "import sys; from embedlab.cli.entry import main; sys.argv = ['embedlab', 'info', '--help']; "
        "print('ready', file=sys.stderr, flush=True); main()"
    )
    rng = random.Random(7)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", start], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)  # fmt: skip
        assert proc.stderr is not None and proc.stderr.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        # 130: our guard; -SIGINT: ended by the signal itself after our one line (a shell shows it as 130 too);
        # 0: the command had finished
        assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err)
