import subprocess
import sys

import embedlab


def test_all_is_curated_and_importable():
    assert sorted(embedlab.__all__) == sorted(set(embedlab.__all__))
    for name in embedlab.__all__:
        assert getattr(embedlab, name) is not None


def test_import_is_light():
    # importing the package must not pull numba, scipy or the CLI stack
    code = "import sys, embedlab; print(any(m in sys.modules for m in ('numba', 'scipy', 'typer')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_error_tree():
    assert issubclass(embedlab.UnknownWordError, KeyError)
    assert issubclass(embedlab.ConfigError, ValueError)
    for name in ("ConfigError", "CorpusError", "FormatError", "UnknownWordError", "MissingDependencyError"):
        assert issubclass(getattr(embedlab, name), embedlab.EmbedlabError)
    err = embedlab.UnknownWordError("kign", ["king"])
    assert "kign" in str(err) and "king" in str(err)
