"""Static distillation of MiniLM: a small folder, no torch at inference, sentences still rank by meaning."""

import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from embedlab.cli.main import app
from embedlab.compress import distill
from embedlab.encoders.distilled import DistilledEncoder
from embedlab.encoders.factory import load_encoder
from embedlab.errors import ConfigError, FormatError


@pytest.fixture(scope="module")
def student(tmp_path_factory, minilm):
    folder = tmp_path_factory.mktemp("distilled") / "minilm-static"
    return distill(folder, minilm, dim=128)


@pytest.mark.slow
def test_the_student_is_small_and_ranks_sentences_by_meaning(student):
    assert student.dim == 128 and student.embeddings.dtype == np.float16
    size = sum(f.stat().st_size for f in student.path.iterdir())
    assert size < 16e6
    q = student.encode(["someone is playing music"], normalize=True)[0]
    docs = student.encode(["A man plays the guitar.", "The stock market crashed today."], normalize=True)
    assert docs[0] @ q > docs[1] @ q
    assert load_encoder(student.path).dim == 128  # any command that takes an encoder takes it


def test_inference_needs_no_torch(student):
    code = (
        "import sys; from embedlab.encoders.distilled import DistilledEncoder; "
        f"e = DistilledEncoder({str(student.path)!r}); e.encode(['hello world']); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_edge_cases_and_bad_input(student, tmp_path, planted_model):
    v = student.encode(["", "hello"])
    assert not v[0].any() and v[1].any()  # a text with no token is the zero vector
    with pytest.raises(ConfigError, match="texts is empty"):
        student.encode([])
    with pytest.raises(ConfigError, match="sentence-transformers encoder"):
        distill(tmp_path / "x", load_encoder(planted_model))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "distilled.json").write_text('{"format": "embedlab-distilled"}')
    with pytest.raises(FormatError, match="tokenizer.json"):
        DistilledEncoder(tmp_path / "broken")


def test_the_cli_refuses_to_overwrite_a_user_file(tmp_path):
    (tmp_path / "notes.txt").write_text("keep")
    result = CliRunner().invoke(app, ["compress", "distill", "-o", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1 and (tmp_path / "notes.txt").read_text() == "keep"
