"""Kill -9 at random moments of a write: the previous good model (or every committed document) is
intact, and the next write works and cleans what the killed writers left.

The trials run in tests/crash_harness.py, a separate process that forks one child per write and
SIGKILLs it. The quick tests run a few trials of each write; the slow ones (run in CI) 50 each.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("crash_harness.py")
WRITES = ["train", "convert", "save", "add"]


def _trials(job: str, trials: int, seed: int, folder: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(HARNESS), job, str(trials), str(seed), str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" not in result, result
    return result


@pytest.mark.slow
@pytest.mark.parametrize("job", WRITES)
def test_a_few_kills_during_each_write(job, tmp_path):
    result = _trials(job, 6, 1, tmp_path)
    assert result["problems"] == []
    assert result["killed"] >= 1  # at least one kill landed before the write was done


@pytest.mark.slow
@pytest.mark.parametrize("job", WRITES)
def test_fifty_kills_during_each_write(job, tmp_path):
    result = _trials(job, 50, 2, tmp_path)
    assert result["problems"] == []
    assert result["killed"] >= 25
