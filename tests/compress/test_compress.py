"""compress_vectors, the retention report and ``embedlab compress``."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import embedlab
from embedlab.cli.main import app
from embedlab.compress import compress_vectors, retention
from embedlab.errors import ConfigError
from embedlab.vectors.keyed import KeyedVectors


def test_refuses_what_it_cannot_compress(planted_model):
    kv = embedlab.load(planted_model)
    small = compress_vectors(kv, "int8")
    with pytest.raises(ConfigError, match="already compressed"):
        compress_vectors(small, "binary")
    with pytest.raises(ConfigError, match="method"):
        compress_vectors(kv, "zip")
    with pytest.raises(ConfigError, match="no vectors"):
        compress_vectors(KeyedVectors([], np.zeros((0, 4), np.float32)), "int8")


def test_retention_reports_quality_bytes_and_speed(planted_model):
    kv = embedlab.load(planted_model)
    report = retention(kv, compress_vectors(kv, "int8"), pairs=(), analogies=False)
    assert report["method"] == "int8" and report["ratio"] > 3.5
    assert report["neighbour_overlap@10"] > 0.8
    assert report["query_ms_after"] > 0


def test_the_cli_prints_a_table_and_writes_a_model_that_loads(planted_model, tmp_path):
    runner = CliRunner()
    out = tmp_path / "small"
    result = runner.invoke(app, ["compress", "vectors", str(planted_model), "-o", str(out), "--method", "binary"])
    assert result.exit_code == 0, result.output
    assert "retained" in result.output and "bytes" in result.output
    assert embedlab.load(out).codec.name == "binary"
    result = runner.invoke(
        app, ["compress", "vectors", str(planted_model), "-o", str(out), "--method", "float16", "--json"]
    )
    report = json.loads(result.output)
    assert report["method"] == "float16" and 1.8 < report["ratio"] < 2.0  # 2 bytes a value, plus 4 for the row length
    (tmp_path / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["compress", "vectors", str(planted_model), "-o", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1 and (tmp_path / "notes.txt").read_text() == "keep me"
