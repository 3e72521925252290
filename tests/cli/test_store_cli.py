"""``embedlab store encode|info``: a corpus into a vector store, its facts, the old name, clear errors."""

import json

import pytest
from test_cli_end_to_end import assert_one_line_error, run

pytest.importorskip("pyarrow")


@pytest.mark.slow
def test_store_commands(tmp_path, planted_model):
    (tmp_path / "t.txt").write_text("cat dog\nred blue\n\ngreen cat\n")
    out = run("store", "encode", tmp_path / "t.txt", "-o", tmp_path / "s", "-m", planted_model, "--shard-rows", "2")
    assert "3 rows x 32 (float32)" in out.stderr and "2 shards" in out.stderr
    info = json.loads(run("store", "info", tmp_path / "s", "--verify", "--json").stdout)
    assert info["rows"] == 3 and info["complete"] and info["verified"] and info["shards"] == 2
    moved = run("encode-corpus", tmp_path / "t.txt", "-o", tmp_path / "s", "-m", planted_model, "--shard-rows", "2")
    assert "is now 'embedlab store encode'" in moved.stderr
    bad = run("store", "encode", tmp_path / "t.txt", "-o", tmp_path / "x", "--backend", "spark", check_rc=2)
    assert "spark" in bad.stderr and "Traceback" not in bad.stderr
    assert_one_line_error(run("store", "encode", tmp_path / "t.txt", "-o", tmp_path / "s", "-m", planted_model,
                              check_rc=None), "holds an encode with other settings")  # fmt: skip
    assert_one_line_error(run("store", "info", tmp_path / "none", check_rc=None), "not a vector store")
    assert not (tmp_path / "x").exists()
    # a collection from the store, then the same rows added again to another
    run("store", "encode", tmp_path / "t.txt", "-o", tmp_path / "kept", "-m", planted_model, "--keep-text")
    made = run("search", "create", tmp_path / "col", "--from", tmp_path / "kept")
    assert "3 documents" in made.stderr
    out = json.loads(run("search", "query", tmp_path / "col", "red blue", "-k", "1", "--json").stdout)
    assert out["results"][0]["hits"][0]["text"] == "red blue"
    run("search", "create", tmp_path / "col2", "-m", planted_model)
    assert "3 documents from the store" in run("search", "add", tmp_path / "col2", tmp_path / "kept").stderr
    run("search", "create", tmp_path / "col3")
    assert_one_line_error(run("search", "add", tmp_path / "col3", tmp_path / "kept", check_rc=None),
                          "holds 32-d vectors, the collection 384-d")  # fmt: skip
