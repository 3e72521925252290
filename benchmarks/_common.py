"""What every benchmark script shares: paths, the token file, a fresh interpreter per run, the
BENCHMARKS.md section writer, peak memory and library versions. Imported by the scripts beside it."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
DEFAULT_CORPUS = SHARED / "data" / "text" / "en_wiki_early_a.txt.xz"
RESULTS = HERE / "results"


def make_token_file(corpus: Path, out: Path) -> tuple[int, float]:
    from embedlab.text.readers import CorpusReader

    t0 = time.perf_counter()
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for sent in CorpusReader(corpus, skip_doc_tags=True).sentences():
            fh.write(" ".join(sent) + "\n")
            n += len(sent)
    return n, time.perf_counter() - t0


def run_child(code: str, spec: dict, env: dict[str, str] | None = None) -> Any:
    """Run ``code`` in a fresh interpreter with ``spec`` as JSON; return the JSON of its last output line."""
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark run {json.dumps(spec)[:200]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def update_section(path: Path, begin: str, end: str, md: str) -> None:
    """Replace the text between ``begin`` and ``end`` in ``path`` (or append the section)."""
    text = path.read_text() if path.exists() else ""
    block = f"{begin}\n{md}\n{end}"
    if begin in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def versions(*packages: str) -> dict[str, str]:
    """Installed versions of ``packages`` (and Python), for the JSON of a run."""
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM), in MB."""
    with open("/proc/self/status") as fh:
        line = next(ln for ln in fh if ln.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def section_args(ap: argparse.ArgumentParser, json_path: Path) -> None:
    """The options every script shares: where its JSON goes, the markdown to update, render-only."""
    ap.add_argument("--json", type=Path, default=json_path, help="Where the run's numbers are written (or read).")
    ap.add_argument("--update", type=Path, help="Replace this script's section of that markdown file.")
    ap.add_argument("--render", action="store_true", help="Only rebuild the markdown from the saved --json.")


def _measured_repo() -> Path:
    """The checkout whose ``embedlab`` this interpreter imports (``PYTHONPATH`` may point at another worktree)."""
    from importlib.util import find_spec

    spec = find_spec("embedlab")
    origin = Path(spec.origin) if spec and spec.origin else HERE / "x" / "x"
    return origin.resolve().parents[2]


def run_info() -> dict[str, Any]:
    """What a run measured: the commit of the embedlab it imports, whether that code had changes not in the
    commit (results and BENCHMARKS.md aside), the date, the CPU and its cores. Every JSON carries it."""
    repo = _measured_repo()

    def git(*a: str) -> str:
        proc = subprocess.run(["git", "-C", str(repo), *a], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "src", "benchmarks", "pyproject.toml").splitlines()
    changed = [ln for ln in changed if "benchmarks/results/" not in ln]
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")  # fmt: skip
    return {"commit": git("rev-parse", "HEAD") or "unknown", "uncommitted_changes": changed,
            "date": time.strftime("%Y-%m-%d"), "cpu": cpu, "cores": os.cpu_count()}  # fmt: skip


def cold_numba_env(cache_dir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose numba compile cache is ``cache_dir``: empty, it is a first run on a new machine
    (every kernel compiled); after one run there, a warm one (every kernel loaded from the cache)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    return {**(env if env is not None else os.environ), "NUMBA_CACHE_DIR": str(cache_dir)}


def measure_and_render(
    args: argparse.Namespace, measure: Callable[[], dict], markdown: Callable[[dict], str], begin: str, end: str
) -> None:
    """Measure (or, with --render, read the saved JSON), write the JSON, print and place the markdown.

    A measured JSON records :func:`run_info` (taken before the run starts) under ``"run"``."""
    if args.render:
        res = json.loads(args.json.read_text())
    else:
        info = run_info()
        res = measure()
        res["run"] = info
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2))
    md = markdown(res)
    print(md)
    if args.update:
        update_section(args.update, begin, end, md)


class Parts:
    """Finished parts of the run, kept on disk as they finish."""

    def __init__(self, path: Path, key: dict) -> None:
        self.path = path
        self.key = key
        old = json.loads(path.read_text()) if path.exists() else {}
        self.done: dict[str, Any] = old.get("parts", {}) if old.get("key") == key else {}

    def get(self, name: str, make: Any) -> Any:
        if name not in self.done:
            self.done[name] = {**make(), "commit": run_info().get("commit")}
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"key": self.key, "parts": self.done}))
            tmp.replace(self.path)
            print(f"{time.strftime('%H:%M:%S')} {name}: done", file=sys.stderr, flush=True)
        return self.done[name]
