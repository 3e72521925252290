"""BENCHMARKS.md is what the benchmarks' JSON says: every section and the summary table are their script's
rendering of the committed JSON, every JSON names the commit it ran on, no measured figure is typed by
hand outside the rendered sections, and README's feature list quotes only figures of the summary table.
Rendering needs no peer and no data: these run everywhere."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import run_all  # noqa: E402

DOC = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")

#: a measured figure: a decimal, a ratio, a percentage, or an amount of time or memory
MEASURED = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s?(?:x\b|×|%|ms\b|s\b|MB\b|GB\b|KB\b)|(?<![\w.])\d+\.\d+")


def _block(text: str, begin: str, end: str) -> str:
    assert text.count(begin) == 1 and text.count(end) == 1, f"{begin} must appear once in BENCHMARKS.md"
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def _outside_rendered(text: str) -> str:
    marks = [(s.module().MARK_BEGIN, s.module().MARK_END) for s in run_all.SECTIONS]
    marks.append((run_all.SUMMARY_BEGIN, run_all.SUMMARY_END))
    for begin, end in marks:
        head, rest = text.split(begin, 1)
        text = head + rest.split(end, 1)[1]
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # commands
    text = re.sub(r"^    .*$", "", text, flags=re.M)  # indented commands
    return re.sub(r"`[^`]*`", "", text)


def _pending(section: run_all.Section) -> bool:
    """A benchmark not yet run again since runs record their commit: the summary names it, its section keeps
    the earlier run's rendering, and README quotes none of its figures."""
    return not run_all._ran_here(section)


def test_the_summary_names_every_benchmark_not_yet_run_again():
    table = _block(DOC, run_all.SUMMARY_BEGIN, run_all.SUMMARY_END)
    pending = [s.name for s in run_all.SECTIONS if _pending(s)]
    if pending:
        assert "Not yet run again" in table and all(f"`{name}`" in table for name in pending)
    else:
        assert "Not yet run again" not in table


@pytest.mark.parametrize("section", run_all.SECTIONS, ids=lambda s: s.name)
def test_every_section_is_its_json_rendered(section):
    mod = section.module()
    assert section.json.exists(), f"{section.json} is missing: run benchmarks/{section.name}.py"
    if _pending(section):
        pytest.skip(f"{section.name} has not been run again since runs record their commit (named in the summary)")
    assert _block(DOC, mod.MARK_BEGIN, mod.MARK_END) == section.render().strip("\n"), (
        f"the {section.name} section of BENCHMARKS.md is not what its JSON renders: "
        "run `python benchmarks/run_all.py --render`"
    )


def test_the_summary_table_is_rendered_from_the_json():
    table = _block(DOC, run_all.SUMMARY_BEGIN, run_all.SUMMARY_END)
    assert table == run_all.summary_table()
    assert DOC.index(run_all.SUMMARY_BEGIN) < min(DOC.index(s.module().MARK_BEGIN) for s in run_all.SECTIONS)
    assert len(table.splitlines()) > 10


def _runs(res: dict) -> list[dict]:
    """The run records of a JSON: one for the whole, or one for each part measured at its own time."""
    if "run" in res:
        return [res["run"]]
    return [part["run"] for part in res.values() if isinstance(part, dict) and "run" in part]


@pytest.mark.parametrize("section", run_all.SECTIONS, ids=lambda s: s.name)
def test_every_json_names_the_commit_it_ran_on(section):
    if _pending(section):
        pytest.skip(f"{section.name} has not been run again since runs record their commit (named in the summary)")
    res = json.loads(section.json.read_text())
    runs = _runs(res)
    assert runs, f"{section.json} records no run (commit, date, machine)"
    for run in runs:
        assert re.fullmatch(r"[0-9a-f]{40}", run["commit"]), run["commit"]
        assert run["uncommitted_changes"] == [], (
            f"{section.name} ran on code with changes: {run['uncommitted_changes']}"
        )
        assert run["cpu"] and run["cores"] >= 1
        if (ROOT / ".git").exists():
            known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{run['commit']}^{{commit}}"])
            assert known.returncode == 0, f"{section.name} ran on {run['commit']}, which this history does not hold"


def test_no_measured_figure_is_typed_by_hand_outside_the_rendered_sections():
    typed = MEASURED.findall(_outside_rendered(DOC))
    assert typed == [], f"figures outside the rendered sections of BENCHMARKS.md (render them from JSON): {typed}"


def test_the_readme_feature_list_quotes_only_figures_of_the_summary_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    features = readme.split("## Quick start", 1)[0]
    table = _block(DOC, run_all.SUMMARY_BEGIN, run_all.SUMMARY_END)
    quoted = [m.group(0).strip() for m in MEASURED.finditer(features)]
    assert quoted, "the feature list quotes no benchmark figure"
    missing = [q for q in quoted if q not in table]
    assert missing == [], f"README quotes figures that are not in BENCHMARKS.md's summary table: {missing}"


def test_the_measured_pattern_finds_figures_and_spares_settings():
    assert MEASURED.findall("5.48x faster, 93.1%, 0.6451, 226 s, 1,548 MB") == [
        "5.48x", "93.1%", "0.6451", "226 s", "1,548 MB"
    ]  # fmt: skip
    assert MEASURED.findall("dim 100, window 5, 2 cores, 15 epochs, 10,000 images") == []


def _json(name: str) -> dict:
    return json.loads((run_all.RESULTS / f"{name}.json").read_text())


def test_cbow_learning_rate_default_is_the_dev_halves_choice():
    import word2vec_vs_gensim
    from embedlab.train.config import Word2VecConfig

    best, _ = word2vec_vs_gensim.cbow_default(_json("word2vec_vs_gensim"))
    assert Word2VecConfig(arch="cbow").lr == best


def test_intent_defaults_are_the_operating_point_validation_chose():
    from embedlab.classify.intents import DEFAULT_FLAG_RATE, DEFAULT_OOS_SCORE

    chosen = _json("classification")["sets"]["CLINC150"]["intents"]["chosen"]
    assert (chosen["confidence"], chosen["flag_rate"]) == (DEFAULT_OOS_SCORE, DEFAULT_FLAG_RATE)


def test_cnn_readout_default_is_the_one_validation_chose():
    from embedlab.encoders.image_config import ImageCNNConfig

    if _pending(run_all.BY_NAME["images"]):
        pytest.skip("the images benchmark has not been run again with its validation choice")
    chosen = _json("images")["cnn"]["validation"]["chosen"]
    assert (ImageCNNConfig.multiscale, ImageCNNConfig.power) == (chosen["multiscale"], chosen["power"])
