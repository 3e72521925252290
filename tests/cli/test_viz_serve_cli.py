"""plot, export and serve through real subprocesses."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from test_cli_end_to_end import assert_one_line_error, default_sigint, run


@pytest.mark.slow
def test_plot_and_export(planted_model, tmp_path):
    run("words", "plot", planted_model, "--words", "cat,dog,cow,red,blue,green", "-o", tmp_path / "m.png")
    assert (tmp_path / "m.png").stat().st_size > 5000
    run("words", "plot", planted_model, "--top", "30", "--method", "tsne", "-o", tmp_path / "m.html")
    assert "Plotly.newPlot" in (tmp_path / "m.html").read_text()
    run("words", "plot", planted_model, "--words", "cat,dog,red,blue", "--axes", "cat:dog,red:blue",
        "--analogy", "cat:dog:red:blue", "-o", tmp_path / "a.svg")  # fmt: skip
    assert_one_line_error(
        run("words", "plot", planted_model, "--words", "cat,zebra", "-o", tmp_path / "z.png", check_rc=None), "zebra"
    )
    assert_one_line_error(
        run("words", "plot", planted_model, "-o", tmp_path / "z.png", check_rc=None), "--words a,b,c or --top N"
    )
    assert_one_line_error(
        run(
            "words",
            "plot",
            planted_model,
            "--words",
            "cat,dog",
            "--axes",
            "cat",
            "-o",
            tmp_path / "z.png",
            check_rc=None,
        ),
        "--axes must look like a:b",
    )
    assert not (tmp_path / "z.png").exists()
    run("words", "export", planted_model, "--to", "projector", "-o", tmp_path / "proj")
    assert (tmp_path / "proj" / "vectors.tsv").is_file() and (tmp_path / "proj" / "metadata.tsv").is_file()
    run("words", "export", planted_model, "--to", "torch", "-o", tmp_path / "emb.pt")
    import torch

    d = torch.load(tmp_path / "emb.pt")
    layer = torch.nn.Embedding.from_pretrained(d["weight"])
    assert layer.weight.shape[0] == len(d["words"])
    run("words", "export", planted_model, "--to", "torch", "-o", tmp_path / "emb.pt")  # its own kind: replaced


@pytest.mark.slow
def test_export_never_destroys_other_files(planted_model, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("keep me")
    (tmp_path / "notes.txt").write_text("keep me too")
    for to, out, text in [("sentence-transformers", docs, "not a sentence-transformers model"),
                          ("torch", tmp_path / "notes.txt", "not a PyTorch file"),
                          ("projector", tmp_path / "notes.txt", "is a file"),
                          ("torch", planted_model, "input of this command")]:  # fmt: skip
        assert_one_line_error(run("words", "export", planted_model, "--to", to, "-o", out, check_rc=None), text)
    assert (docs / "notes.txt").read_text() == "keep me" and (tmp_path / "notes.txt").read_text() == "keep me too"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_on_loopback_with_a_key_and_stops_on_ctrl_c(planted_model):
    port = free_port()
    env = {**os.environ, "EMBEDLAB_API_KEY": "k3y"}
    proc = subprocess.Popen([sys.executable, "-m", "embedlab", "serve", str(planted_model), "--port", str(port)],
                            env=env, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                health = json.load(urllib.request.urlopen(base + "/health", timeout=2))
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.time() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.2)
        assert health["status"] == "ok"
        body = json.dumps({"word": "cat", "k": 2}).encode()
        req = urllib.request.Request(base + "/v1/similar", data=body, headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=5)
            raise AssertionError("the key was not enforced")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
        req.add_header("X-API-Key", "k3y")
        assert len(json.load(urllib.request.urlopen(req, timeout=5))["results"]) == 2
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert "Traceback" not in proc.stderr.read()


def test_serve_missing_model_is_one_line(tmp_path):
    assert_one_line_error(run("serve", tmp_path / "nothing", check_rc=None), "nothing to serve")
