"""encode, collection, evaluate-sts, evaluate-retrieval and finetune through real subprocesses."""

import json

import numpy as np
import pytest
from test_cli_end_to_end import assert_one_line_error, run


@pytest.mark.slow
def test_encode_text_lines_and_jsonl(tmp_path):
    (tmp_path / "t.txt").write_text("A man plays guitar.\n\nA cat sleeps.\n", encoding="utf-8")
    run("encode", tmp_path / "t.txt", "-o", tmp_path / "v.npy", "--normalize")
    v = np.load(tmp_path / "v.npy")
    assert v.shape == (2, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    (tmp_path / "t.jsonl").write_text(json.dumps({"body": "long text " * 400}) + "\n")
    proc = run("encode", tmp_path / "t.jsonl", "--field", "body", "--chunk", "-o", tmp_path / "w.npy")
    assert "chunks (1 texts split)" in proc.stderr
    assert_one_line_error(
        run("encode", tmp_path / "t.jsonl", "-o", tmp_path / "x.npy", check_rc=None), "no string field 'text'"
    )
    assert_one_line_error(run("encode", tmp_path / "nope.txt", "-o", tmp_path / "x.npy", check_rc=None), "not found")
    assert_one_line_error(
        run("encode", tmp_path / "t.txt", "-m", tmp_path / "no-model", "-o", tmp_path / "x.npy", check_rc=None),
        "not found",
    )
    assert not (tmp_path / "x.npy").exists()


@pytest.mark.slow
def test_encode_says_what_it_cuts_and_on_long_chooses(tmp_path):
    (tmp_path / "t.txt").write_text(" ".join(["word"] * 300) + "\nA cat sleeps.\n", encoding="utf-8")
    proc = run("encode", tmp_path / "t.txt", "-o", tmp_path / "v.npy")
    assert "warning: 1 of 2 texts were longer than the model's 256 tokens and were cut (46 tokens" in proc.stderr
    assert "1 of 2 texts cut to 256 tokens" in proc.stderr
    proc = run("encode", tmp_path / "t.txt", "-o", tmp_path / "w.npy", "--on-long", "window")
    assert "warning" not in proc.stderr and "texts cut" not in proc.stderr
    assert np.load(tmp_path / "w.npy").shape == (2, 384)
    assert_one_line_error(
        run("encode", tmp_path / "t.txt", "-o", tmp_path / "x.npy", "--on-long", "error", check_rc=None),
        "1 of 2 texts are longer than the model's 256 tokens (text 0 has 302)",
    )
    assert not (tmp_path / "x.npy").exists()


@pytest.mark.slow
def test_collection_commands(tmp_path):
    docs = tmp_path / "docs.jsonl"
    rows = [
        {"id": "g", "text": "A man is playing the guitar on stage.", "topic": "music"},
        {"id": "p", "text": "The orchestra performed a symphony.", "topic": "music"},
        {"id": "s", "text": "Stocks fell sharply after the report.", "topic": "finance"},
    ]
    docs.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    col = tmp_path / "col"
    run("search", "create", col)
    run("search", "add", col, docs)
    out = json.loads(run("search", "query", col, "someone making music", "--k", "2", "--json").stdout)
    hits = out["results"][0]["hits"]
    assert all(h["metadata"] == {"topic": "music"} for h in hits)
    assert {h["id"] for h in hits} == {"g", "p"}
    out = json.loads(run("search", "query", col, "music", "--filter", '{"topic": "finance"}', "--json").stdout)
    assert [h["id"] for h in out["results"][0]["hits"]] == ["s"]
    (tmp_path / "q.txt").write_text("market crash\nviolin concert\n")
    out = json.loads(run("search", "query", col, "--queries", tmp_path / "q.txt", "-k", "1", "--json").stdout)
    assert [r["hits"][0]["id"] for r in out["results"]] == ["s", "p"]
    assert "Stocks fell" in run("search", "query", col, "shares", "--index", "hnsw").stdout
    run("search", "delete", col, "s")
    assert json.loads(run("search", "info", col, "--json").stdout)["documents"] == 2
    assert_one_line_error(run("search", "delete", col, "zzz", check_rc=None), "unknown id")
    assert_one_line_error(run("search", "add", col, docs, check_rc=None), "already in the collection")
    assert_one_line_error(run("search", "query", col, "x", "--filter", "{bad", check_rc=None), "not valid JSON")
    assert_one_line_error(run("search", "query", tmp_path / "none", "x", check_rc=None), "not a collection")


@pytest.mark.slow
def test_evaluate_sts_table_compares_models(tmp_path):
    sts = tmp_path / "sts.csv"
    sts.write_text(
        "g\tf\ty\t1\t5.0\tA man plays a guitar.\tA man is playing a guitar.\n"
        "g\tf\ty\t2\t0.5\tA man plays a guitar.\tThe stock market fell.\n"
        "g\tf\ty\t3\t3.0\tA woman is cooking.\tA woman prepares food.\n"
        "g\tf\ty\t4\t1.0\tA woman is cooking.\tA dog runs in a park.\n"
    )
    r = json.loads(run("sentences", "evaluate-sts", sts, "--json").stdout)["results"]
    assert r[0]["model"] == "minilm" and r[0]["pairs"] == 4 and r[0]["spearman"] > 0.5
    assert "spearman" in run("sentences", "evaluate-sts", sts).stdout


@pytest.mark.slow
def test_finetune_with_before_and_after(tmp_path):
    train = tmp_path / "train.jsonl"
    train.write_text(
        "\n".join(
            json.dumps({"sentence1": a, "sentence2": b, "score": s})
            for a, b, s in [("a red car", "a crimson automobile", 5), ("a red car", "a green tree", 0)] * 4
        )
    )
    test = tmp_path / "test.csv"
    test.write_text("g\tf\ty\t1\t5\ta red car\ta crimson automobile\ng\tf\ty\t2\t0\ta red car\ta green tree\n"
                    "g\tf\ty\t3\t2\ta red car\ta red bicycle\n")  # fmt: skip
    out = json.loads(
        run("sentences", "finetune", train, "-o", tmp_path / "ft", "--eval", test, "--batch-size", "4", "--json").stdout
    )
    assert out["steps"] == 2 and out["loss"] == "cosent"
    assert "spearman" in out["before"] and "spearman" in out["after"]
    assert (tmp_path / "ft" / "modules.json").is_file()
    # --loss takes its config's choices: a bad one is a usage error naming them, before any work
    bad = run("sentences", "finetune", train, "-o", tmp_path / "ft2", "--loss", "nope", check_rc=None)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--loss" in bad.stderr and "cosent" in bad.stderr and not (tmp_path / "ft2").exists()


@pytest.mark.slow
def test_long_document_collection_commands(tmp_path):
    filler = "The committee met in the spring to discuss the harbour and the mills of the town. " * 40
    rows = [
        {"id": "n", "text": filler + "Professor Alvarez keeps her violin in a locked blue cabinet. " + filler},
        {"id": "f", "text": filler + filler},
    ]
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    col = tmp_path / "long"
    created = run("search", "create", col, "--chunking", "late", "--chunk-tokens", "64", "--chunk-split", "sentences")
    assert "late chunks of ~64 tokens" in created.stderr
    run("search", "add", col, docs)
    info = json.loads(run("search", "info", col, "--json").stdout)
    assert info["documents"] == 2 and info["chunks"] > 20 and info["chunking"] == "late"
    out = json.loads(run("search", "query", col, "Where does Alvarez store the violin?", "--json").stdout)
    best = out["results"][0]["hits"][0]
    assert best["id"] == "n" and "Alvarez keeps her violin in a locked blue cabinet." in best["passage"]
    assert best["text"][best["span"][0] : best["span"][1]] == best["passage"]
    out = json.loads(run("search", "query", col, "violin cabinet", "--mode", "lexical", "--json").stdout)
    assert "locked blue cabinet" in out["results"][0]["hits"][0]["passage"]
    assert "Alvarez" in run("search", "query", col, "violin cabinet").stdout  # the table shows the passage
    assert_one_line_error(run("search", "create", tmp_path / "x", "--chunking", "smart", check_rc=None), "chunking")
    assert_one_line_error(
        run("search", "create", tmp_path / "y", "--chunking", "late", "-m", "e5", check_rc=None), "--chunking naive"
    )
    strict = tmp_path / "strict"
    run("search", "create", strict, "--on-long", "error")
    assert_one_line_error(run("search", "add", strict, docs, check_rc=None), "longer than the model's 256 tokens")
