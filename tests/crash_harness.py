"""Kill -9 trials, run as a script by tests/test_crash_safety.py.

``python crash_harness.py JOB TRIALS SEED FOLDER`` imports embedlab once, then for each trial forks a
child that does one write (``train``, ``convert`` and ``collection add`` through the CLI's own
entry point, ``save`` through ``KeyedVectors.save``), SIGKILLs it at a random moment of that write
and checks what is on disk: the previous good model (or a complete new one), or every committed
document. A fork is a real process killed the hard way, without paying the interpreter's start-up
for each of the hundreds of trials. The parent never runs a kernel or starts a thread, so forking
it is safe. Prints one JSON object: trials, how many kills landed before the write finished, and
every failed check.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from embedlab.cli.main import app
from embedlab.io import load
from embedlab.vectors.keyed import KeyedVectors

DIM = 32


def _fork(work: Callable[[], object]) -> int:
    """Run ``work`` in a child process (its stdout discarded, so the parent's JSON line stays alone)."""
    pid = os.fork()
    if pid == 0:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            work()
        finally:
            os._exit(3)
    return pid


def _cli(args: list[str]) -> None:
    try:
        app(args, standalone_mode=True)
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    os._exit(0)


def _fingerprint(path: Path) -> str:
    """A hash of every file at ``path`` (a file or a folder), names included."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _corpus(folder: Path, rng: np.random.Generator) -> Path:
    words = [f"w{i}" for i in range(1500)]
    p = 1.0 / np.arange(1, len(words) + 1)
    p /= p.sum()
    path = folder / "corpus.txt"
    with open(path, "w") as fh:
        for _ in range(6000):
            fh.write(" ".join(words[i] for i in rng.choice(len(words), size=12, p=p)) + "\n")
    return path


class Job:
    """One kind of write: ``start(trial)`` runs in the child; ``check(trial, finished)`` in the parent."""

    def __init__(self, folder: Path, rng: np.random.Generator) -> None:
        self.folder = folder
        self.rng = rng

    def start(self, trial: int) -> None:
        raise NotImplementedError

    def check(self, trial: int, finished: bool) -> list[str]:
        raise NotImplementedError

    def expected_entries(self) -> list[str]:
        raise NotImplementedError


class ModelJob(Job):
    """A write of a model to one of ``outputs`` (``folder/out/...``, one per trial in turn): after a kill
    the path holds the old model untouched or a complete new one, which ``check_new`` checks."""

    outputs: list[Path]

    def output(self, trial: int) -> Path:
        return self.outputs[trial % len(self.outputs)]

    def prepare(self, trial: int) -> None:
        out = self.output(trial)
        if out.exists():
            self.before[out] = _fingerprint(out)

    def check(self, trial: int, finished: bool) -> list[str]:
        out = self.output(trial)
        if not out.exists():
            return [f"trial {trial}: nothing at {out.name} after the kill"]
        if not finished and _fingerprint(out) == self.before.get(out):
            return []  # the old model, untouched
        return self.check_new(trial, out)

    def check_new(self, trial: int, out: Path) -> list[str]:
        raise NotImplementedError

    def expected_entries(self) -> list[str]:
        return [p.name for p in self.outputs]

    @property
    def watched(self) -> Path:
        return self.folder / "out"


class Train(ModelJob):
    """``embedlab words train word2vec`` over an existing model: a native folder or a word2vec-bin file."""

    def __init__(self, folder: Path, rng: np.random.Generator) -> None:
        super().__init__(folder, rng)
        self.corpus = _corpus(folder, rng)
        self.outputs = [folder / "out" / "model", folder / "out" / "model.bin"]
        (folder / "out").mkdir()
        self.before: dict[Path, str] = {}

    def _args(self, trial: int) -> list[str]:
        out = self.output(trial)
        fmt = ["--format", "word2vec-bin"] if out.suffix == ".bin" else []
        settings = ["--dim", str(DIM), "--min-count", "1", "--epochs", "2", "--threads", "2", "--quiet"]
        return [
            "words",
            "train",
            "word2vec",
            str(self.corpus),
            "-o",
            str(out),
            *settings,
            "--seed",
            str(trial + 1),
            *fmt,
        ]

    def start(self, trial: int) -> None:
        _cli(self._args(trial))

    def check_new(self, trial: int, out: Path) -> list[str]:
        kv = load(out)
        problems = []
        self.n_words = getattr(self, "n_words", len(kv))  # the first finished model sets the vocabulary size
        if kv.vectors.shape != (self.n_words, DIM) or not np.isfinite(kv.vectors).all():
            problems.append(f"trial {trial}: {out.name} holds a damaged model {kv.vectors.shape}")
        if out.is_dir() and json.loads((out / "config.json").read_text()).get("train", {}).get("seed") not in (
            None,
            trial + 1,
        ):
            problems.append(f"trial {trial}: {out.name} is neither the old model nor this trial's")
        return problems


class Convert(ModelJob):
    """``embedlab words convert`` of one of two models over the previous result (native and word2vec-bin)."""

    def __init__(self, folder: Path, rng: np.random.Generator) -> None:
        super().__init__(folder, rng)
        n = 20000
        self.sources = []
        for k, value in enumerate((1.0, 2.0)):
            kv = KeyedVectors([f"s{k}w{i}" for i in range(n)], np.full((n, DIM), value, np.float32))
            src = folder / f"source{k}.txt"
            kv.save(src, format="word2vec-txt")
            self.sources.append(src)
        (folder / "out").mkdir()
        self.outputs = [folder / "out" / "native", folder / "out" / "model.bin"]
        self.before: dict[Path, str] = {}

    def start(self, trial: int) -> None:
        out = self.output(trial)
        to = "word2vec-bin" if out.suffix == ".bin" else "native"
        _cli(["words", "convert", str(self.sources[(trial // 2) % 2]), str(out), "--to", to])

    def check_new(self, trial: int, out: Path) -> list[str]:
        kv = load(out)
        k = (trial // 2) % 2
        if len(kv) != 20000 or kv.keys[0] != f"s{k}w0" or not np.all(kv.vectors == float(k + 1)):
            return [f"trial {trial}: {out.name} is neither the old model nor this trial's"]
        return []


class Save(ModelJob):
    """``KeyedVectors.save`` of one of two models, cycling through the formats."""

    FORMATS = ("native", "word2vec-bin", "word2vec-txt")

    def __init__(self, folder: Path, rng: np.random.Generator) -> None:
        super().__init__(folder, rng)
        n = 20000
        self.kvs = [KeyedVectors([f"w{i}" for i in range(n)], np.full((n, 64), v, np.float32)) for v in (1.0, 2.0)]
        (folder / "out").mkdir()
        self.outputs = [folder / "out" / f for f in self.FORMATS]
        self.before: dict[Path, str] = {}

    def start(self, trial: int) -> None:
        self.kvs[(trial // 3) % 2].save(self.output(trial), format=self.FORMATS[trial % 3])
        os._exit(0)

    def check_new(self, trial: int, out: Path) -> list[str]:
        kv = load(out)
        value = float((trial // 3) % 2 + 1)
        if kv.vectors.shape != (20000, 64) or not np.all(kv.vectors == value):
            return [f"trial {trial}: {out.name} is neither the old model nor this trial's"]
        return []


class Add(Job):
    """``embedlab search add`` of a fresh file of documents to a collection on word vectors."""

    BATCH = 50

    def __init__(self, folder: Path, rng: np.random.Generator) -> None:
        super().__init__(folder, rng)
        words = [f"w{i}" for i in range(500)]
        KeyedVectors(words, rng.normal(size=(500, DIM)).astype(np.float32)).save(folder / "words")
        self.collection = folder / "col"
        self.words = words
        self.done: set[str] = set()  # ids of adds that finished
        self.texts: dict[str, str] = {}
        self.created = False

    def _file(self, trial: int) -> Path:
        path = self.folder / f"docs{trial}.jsonl"
        if not path.exists():
            rng = np.random.default_rng(trial)
            with open(path, "w") as fh:
                for i in range(1000):
                    text = " ".join(self.words[j] for j in rng.integers(0, 500, size=8))
                    self.texts[f"t{trial}-{i}"] = text
                    fh.write(json.dumps({"id": f"t{trial}-{i}", "text": text, "trial": trial}) + "\n")
        return path

    def prepare(self, trial: int) -> None:
        self._file(trial)
        if not self.created:
            args = ["search", "create", str(self.collection), "--model", str(self.folder / "words")]
            os.waitpid(_fork(lambda: _cli(args)), 0)
            self.created = True

    def start(self, trial: int) -> None:
        _cli(["search", "add", str(self.collection), str(self._file(trial)), "--batch-size", str(self.BATCH)])

    def check(self, trial: int, finished: bool) -> list[str]:
        from embedlab.search.collection import Collection

        col = Collection(self.collection)
        try:
            ids = set(col.ids())
            problems = []
            if missing := self.done - ids:
                problems.append(f"trial {trial}: {len(missing)} committed documents lost")
            mine = {i for i in ids if i.startswith(f"t{trial}-")}
            if finished:
                if len(mine) != 1000:
                    problems.append(f"trial {trial}: a finished add left {len(mine)} of 1000 documents")
                self.done |= mine
            elif len(mine) % self.BATCH or mine != {f"t{trial}-{i}" for i in range(len(mine))}:
                problems.append(f"trial {trial}: a killed add left a partial batch ({len(mine)} documents)")
            else:
                self.done |= mine  # committed batches are kept from now on
            _slots, matrix = col.vectors()
            if matrix.shape != (len(ids), DIM) or not np.isfinite(matrix).all():
                problems.append(f"trial {trial}: vectors {matrix.shape} for {len(ids)} documents")
            probe = sorted(mine)[:3]
            for doc_id in probe:
                if col.get(doc_id).text != self.texts[doc_id]:
                    problems.append(f"trial {trial}: document {doc_id} holds another text")
            return problems
        finally:
            col.close()

    def expected_entries(self) -> list[str]:
        return ["col"]

    @property
    def watched(self) -> Path:
        return self.folder / "col"


JOBS: dict[str, Callable[[Path, np.random.Generator], Job]] = {
    "train": Train,
    "convert": Convert,
    "save": Save,
    "add": Add,
}


def _run_child(job: Job, trial: int) -> int:
    return _fork(lambda: job.start(trial))


def main() -> None:
    name, trials, seed, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    rng = random.Random(seed)
    job = JOBS[name](folder, np.random.default_rng(seed))
    write_s: dict[int, float] = {}  # seconds a write takes, per output
    n_out = len(job.expected_entries())
    n_warm = len(job.expected_entries()) + 1  # every output gets a first version; the first run compiles
    for trial in range(n_warm):
        job.prepare(trial)
        t0 = time.perf_counter()
        _, status = os.waitpid(_run_child(job, trial), 0)
        if trial:
            write_s[trial % n_out] = max(write_s.get(trial % n_out, 0.0), time.perf_counter() - t0)
        if status != 0:
            print(json.dumps({"error": f"warm-up write {trial} failed with status {status}"}))
            return
        job.check(trial, True)
    problems: list[str] = []
    killed = 0
    for trial in range(n_warm, trials + n_warm):
        job.prepare(trial)
        pid = _run_child(job, trial)
        time.sleep(rng.uniform(0.0, 1.1 * write_s[trial % n_out]))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        finished = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        if os.WIFEXITED(status) and not finished:
            problems.append(f"trial {trial}: the write failed with exit code {os.WEXITSTATUS(status)}")
        killed += not finished
        try:
            problems += job.check(trial, finished)
        except Exception as exc:  # a damaged result is what is looked for
            problems.append(f"trial {trial}: reading the result raised {type(exc).__name__}: {exc}")
    # the next write after all those kills works and leaves nothing of the killed writers behind
    for trial in range(trials + n_warm, trials + 2 * n_warm - 1):
        job.prepare(trial)
        _, status = os.waitpid(_run_child(job, trial), 0)
        if status != 0:
            problems.append(f"the write after the kills failed (status {status})")
        problems += job.check(trial, True)
    watched = job.watched
    parent = watched if isinstance(job, ModelJob) else watched.parent
    left = [e for e in _entries(parent) if e.startswith(".")]
    if left:
        problems.append(f"temporary entries left after a successful write: {left}")
    print(
        json.dumps(
            {
                "trials": trials,
                "killed": killed,
                "write_s": sorted(round(t, 3) for t in write_s.values()),
                "problems": problems,
            }
        )
    )


if __name__ == "__main__":
    main()
