"""Every loader against damaged files: it loads, or it raises an EmbedlabError; never another
exception, a crash, a hang or a MemoryError.

The cases run in tests/fuzz_harness.py, a separate process under a 3 GiB address-space limit (so a
huge declared size shows as a MemoryError, not as swapping), seeded: 500 damaged files of each of
nine kinds in the quick test (4,500 in all), 2,000 of each at another seed in the slow one.
"""

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import train_fasttext_package

HARNESS = Path(__file__).parent.parent / "fuzz_harness.py"
MADE_HERE = ["w2v.txt", "w2v.bin", "vecs.glove", "ft.bin", "native", "ft-native", "col", "supervised-folder"]
BY_THE_PACKAGE = ["fasttext-package", "supervised"]
MEMORY_LIMIT = 3 << 30


@pytest.fixture(scope="module")
def package_files(tmp_path_factory):
    """A word-vector model and a classifier written by the fasttext package itself."""
    import random

    folder = tmp_path_factory.mktemp("package")
    words = [f"w{i}" for i in range(40)] + ["king", "queen", "über"]
    settings = {"dim": 8, "bucket": 500, "epoch": 3, "thread": 1}
    # on some tiny corpora the package stops with "Encountered NaN" every time: another corpus then
    for attempt in range(10):
        r = random.Random(attempt)
        (folder / "u.txt").write_text("".join(" ".join(r.choices(words, k=10)) + "\n" for _ in range(400)))
        (folder / "s.txt").write_text(
            "".join(f"__label__{r.choice('abc')} " + " ".join(r.choices(words, k=6)) + "\n" for _ in range(400))
        )
        try:
            train_fasttext_package(folder / "u.txt", model="skipgram", minCount=1, **settings)
            train_fasttext_package(folder / "s.txt", supervised=True, wordNgrams=2, **settings)
            break
        except RuntimeError:
            continue
    return {"fasttext-package": folder / "u.txt.ft.bin", "supervised": folder / "s.txt.ft.bin"}


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _fuzz(kind, seed, cases, folder, source=None):
    args = [sys.executable, str(HARNESS), kind, str(seed), str(cases), str(folder)]
    if source is not None:
        args.append(f"{kind}={source}")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=900, preexec_fn=_limit_memory)
    if proc.returncode != 0:
        case = (folder / "current").read_text() if (folder / "current").exists() else "?"
        pytest.fail(f"the harness died (exit {proc.returncode}) at case {case} of {kind}: {proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["failures"] == [], "\n".join(result["failures"][:20])
    assert result["loaded"] + result["refused"] == cases
    assert result["loaded"] > 0 and result["refused"] > 0  # both outcomes were reached
    shutil.rmtree(folder / "case", ignore_errors=True)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("kind", MADE_HERE + BY_THE_PACKAGE)
def test_damaged_files_load_or_raise_format_errors(kind, tmp_path, package_files):
    _fuzz(kind, 1, 500, tmp_path, package_files.get(kind))


@pytest.mark.slow
@pytest.mark.parametrize("kind", MADE_HERE + BY_THE_PACKAGE)
def test_two_thousand_damaged_files_of_each_kind(kind, tmp_path, package_files):
    _fuzz(kind, 11, 2000, tmp_path, package_files.get(kind))
