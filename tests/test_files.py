"""Atomic saves: the path always holds the old or the new version, even under kill -9; stale temp
entries of killed writers are cleaned on the next save."""

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from embedlab._files import atomic_dir, atomic_file, clean_stale, exchange

DEAD_PID = 4194303  # above Linux's largest pid: never a running process


def test_folder_and_file_replaced_whole_with_nothing_left_beside(tmp_path):
    target = tmp_path / "model"
    with atomic_dir(target) as d:
        (d / "a.txt").write_text("old")
    with atomic_dir(target) as d:
        (d / "b.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    with atomic_file(tmp_path / "f.txt", "w") as fh:
        fh.write("one")
    with atomic_file(tmp_path / "f.txt", "w") as fh:
        fh.write("two")
    assert (tmp_path / "f.txt").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "model"]


def test_failed_save_keeps_the_old_version(tmp_path):
    target = tmp_path / "model"
    with atomic_dir(target) as d:
        (d / "a.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_dir(target) as d:
        (d / "a.txt").write_text("half")
        raise RuntimeError("crash")
    assert (target / "a.txt").read_text() == "old" and len(list(tmp_path.iterdir())) == 1


def test_exchange_swaps_two_paths(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").write_text("b")
    if not exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this system has no atomic exchange (renameat2); saves fall back to two renames")
    assert (tmp_path / "a").read_text() == "b" and (tmp_path / "b" / "x").read_text() == "a"


def test_stale_entries_of_dead_writers_are_removed(tmp_path):
    target = tmp_path / "model"
    (tmp_path / f".model.{DEAD_PID}.abc.tmp").mkdir()
    (tmp_path / f".model.old-{DEAD_PID}").mkdir()
    (tmp_path / f".model.{DEAD_PID}.x.tmp").write_text("partial")
    alive = tmp_path / f".model.{os.getpid()}.keep.tmp"  # a writer still running keeps its entry
    alive.mkdir()
    (tmp_path / ".model.notes").write_text("not ours")
    with atomic_dir(target) as d:
        (d / "a.txt").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, ".model.notes", "model"])
    assert clean_stale(target) == []


SAVER = r"""
import sys, numpy as np
from embedlab import KeyedVectors
path = sys.argv[1]
rng = np.random.default_rng(0)
kvs = [KeyedVectors([f"w{i}" for i in range(20000)], np.full((20000, 64), v, np.float32)) for v in (1.0, 2.0)]
print("ready", flush=True)
n = 0
while True:
    kvs[n % 2].save(path)
    n += 1
"""


@pytest.mark.slow
def test_kill_9_during_saves_never_loses_the_model(tmp_path):
    from embedlab.io import load
    from embedlab.vectors.keyed import KeyedVectors

    path = tmp_path / "model"
    KeyedVectors(["w0"], np.zeros((1, 64), np.float32)).save(path)
    rng = random.Random(0)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kv = load(path)  # the old model or a new one, complete
        assert len(kv) in (1, 20000) and float(kv.vectors[0, 0]) in (0.0, 1.0, 2.0)
    KeyedVectors(["w0"], np.zeros((1, 64), np.float32)).save(path)  # the next save cleans up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_saved_files_and_folders_honour_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_dir(tmp_path / "m") as d:
            (d / "vectors.npy").write_bytes(b"x")
        with atomic_file(tmp_path / "plot.png") as fh:
            fh.write(b"png")
    finally:
        os.umask(old)
    assert (tmp_path / "m").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "plot.png").stat().st_mode & 0o777 == 0o644
