"""Every benchmark, re-run on the current code, and BENCHMARKS.md rendered again from their JSON.

    .venv/bin/python benchmarks/run_all.py                       # run every script, then render (hours)
    .venv/bin/python benchmarks/run_all.py --only glove graph    # run some, render all
    .venv/bin/python benchmarks/run_all.py --render              # render BENCHMARKS.md from the JSON alone

Each script writes its JSON (benchmarks/results/, with the commit it ran on under "run") and its
section of BENCHMARKS.md; the summary table at the top is built from the same JSON by each script's
``summary_rows``. The scripts run one after another, each in its own process, so no two share the
machine. Peers that need an environment of their own (PecanPy pins NumPy below 2) are installed
into one under /tmp on first use.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import RESULTS, update_section  # noqa: E402

DOC = HERE.parent / "BENCHMARKS.md"
SUMMARY_BEGIN, SUMMARY_END = "<!-- summary:begin -->", "<!-- summary:end -->"
PECANPY = Path("/tmp/pecanpy/bin/python")


@dataclass(frozen=True)
class Section:
    """One benchmark script: its module name (= its JSON's name) and the options ``run_all`` gives it."""

    name: str
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Path:
        return RESULTS / f"{self.name}.json"

    def module(self) -> ModuleType:
        return importlib.import_module(self.name)

    def render(self) -> str:
        """The section's markdown from its saved JSON (what --render of the script writes)."""
        return self.module().markdown(json.loads(self.json.read_text()))


#: in the order they run and appear
SECTIONS = [
    Section("word2vec_vs_gensim"),
    Section("glove"),
    Section("fasttext_vs_peers"),
    Section("korean"),
    Section("sentence_eval", env={"HF_HUB_OFFLINE": "1"}),
    Section("encode_speed", env={"HF_HUB_OFFLINE": "1"}),
    Section("long", env={"HF_HUB_OFFLINE": "1"}),
    Section("ann"),
    Section("exact_search"),
    Section("finetune_korsts", env={"HF_HUB_OFFLINE": "1"}),
    Section("serve_load"),
    Section("graph", args=("--pecanpy-python", str(PECANPY))),
    Section("recsys"),
    Section("classification"),
    Section("compress"),
    Section("explain"),
    Section("images"),
]
BY_NAME = {s.name: s for s in SECTIONS}


def ensure_pecanpy() -> None:
    """PecanPy in its own environment (it pins NumPy below 2), made once."""
    if PECANPY.exists():
        return
    subprocess.run(["python3", "-m", "venv", str(PECANPY.parents[1])], check=True)
    subprocess.run([str(PECANPY.parent / "pip"), "install", "-q", "pecanpy==2.0.9"], check=True)


def run(section: Section) -> float:
    """Run one script (measure, write its JSON and its section of BENCHMARKS.md); its seconds."""
    if section.name == "graph":
        ensure_pecanpy()
    cmd = [sys.executable, str(HERE / f"{section.name}.py"), *section.args, "--update", str(DOC)]
    t0 = time.perf_counter()
    print(f"== {section.name}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, env={**os.environ, **section.env})
    return time.perf_counter() - t0


def _ran_here(section: Section) -> bool:
    """True when the section's JSON records the commit it ran on (every run since the equal-terms re-run),
    for the whole or for each part measured at its own time."""
    if not section.json.exists():
        return False
    res = json.loads(section.json.read_text())
    return "run" in res or any(isinstance(part, dict) and "run" in part for part in res.values())


def summary_table() -> str:
    """The table BENCHMARKS.md opens with: every script's ``summary_rows`` from its saved JSON, for the JSON
    that record their commit; the others are named below it until they are run again."""
    cols = ["task", "peer", "ratio (peer time / ours)", "quality (ours − peer)", "settings that differ", "commit",
            "section"]  # fmt: skip
    lines = ["| " + " | ".join(cols) + " |", "|---" * len(cols) + "|"]
    pending = []
    for s in SECTIONS:
        if s.json.exists() and not _ran_here(s):
            pending.append(s.name)
            continue
        mod = s.module()
        if not hasattr(mod, "summary_rows") or not s.json.exists():
            continue
        res = json.loads(s.json.read_text())
        commit = res["run"]["commit"][:7]
        for r in mod.summary_rows(res):
            lines.append(f"| {r['task']} | {r['peer']} | {r['ratio']} | {r['quality']} | {r['differ']} | {commit} | "
                         f"[{r['link'].lstrip('#').replace('-', ' ')}]({r['link']}) |")  # fmt: skip
    if pending:
        lines += ["", "Not yet run again on equal terms (their sections below still show an earlier run, which "
                  "recorded no commit, and no figure of theirs is quoted in the README): "
                  + ", ".join(f"`{name}`" for name in pending) + "."]  # fmt: skip
    return "\n".join(lines)


def render_all(doc: Path = DOC) -> None:
    """Every section and the summary, from the saved JSON."""
    for s in SECTIONS:
        if _ran_here(s):  # an earlier run's section stays as it was rendered then
            update_section(doc, s.module().MARK_BEGIN, s.module().MARK_END, s.render())
    update_section(doc, SUMMARY_BEGIN, SUMMARY_END, summary_table())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", choices=list(BY_NAME), help="Run only these scripts (all are rendered).")
    ap.add_argument("--render", action="store_true", help="Render BENCHMARKS.md from the saved JSON; run nothing.")
    args = ap.parse_args()
    if not args.render:
        spent = {s.name: round(run(s)) for s in SECTIONS if not args.only or s.name in args.only}
        print(f"seconds per script: {json.dumps(spent)}", file=sys.stderr)
    render_all()


if __name__ == "__main__":
    main()
