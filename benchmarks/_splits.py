"""Fixed dev and test halves of the word-evaluation sets, so that a benchmark chooses its settings on the
dev half and reports the test half.

Each split is a committed list (``benchmarks/splits/<name>.json``): the source file's name and SHA-256,
the seed, and the line numbers of the dev half; the test half is every other data line. Word-pair files are
halved at random; analogy files half of each section, so both halves keep every kind of question. A split
is made once (seed 0) and from then on read; a source whose checksum changed is an error, not a new split.

    halves = split_files("ws353-ko", WS_KO, tmp)       # {"dev": Path, "test": Path}, same format as the source
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from _common import HERE
from embedlab._files import file_sha256

SPLITS = HERE / "splits"
SEED = 0


def _data_lines(lines: list[str], analogy: bool) -> list[list[int]]:
    """Groups of data line numbers (0-based): one group per analogy section, one group for word pairs."""
    groups: list[list[int]] = [[]]
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if analogy and line.startswith(":"):
            groups.append([])
            continue
        groups[-1].append(i)
    return [g for g in groups if g]


def _is_analogy(lines: list[str]) -> bool:
    return any(ln.startswith(":") for ln in lines)


def load_split(name: str, source: Path) -> list[int]:
    """The dev half's line numbers for ``source``, made (and written) on first use."""
    path = SPLITS / f"{name}.json"
    digest = file_sha256(source)
    if path.exists():
        saved = json.loads(path.read_text())
        if saved["sha256"] != digest:
            raise SystemExit(f"{source} is not the file {path} was made from (checksum differs)")
        return saved["dev"]
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    rng = np.random.default_rng(SEED)
    dev: list[int] = []
    groups = _data_lines(lines, _is_analogy(lines))
    if not _is_analogy(lines):  # a header line of a pair file is not data: it has no numeric score
        groups = [[i for i in groups[0] if _has_score(lines[i])]]
    for group in groups:
        chosen = rng.permutation(len(group))[: len(group) // 2]
        dev += sorted(group[k] for k in chosen)
    SPLITS.mkdir(exist_ok=True)
    body = {"source": source.name, "sha256": digest, "seed": SEED, "dev": sorted(dev)}
    path.write_text(json.dumps(body) + "\n")
    return body["dev"]


def _has_score(line: str) -> bool:
    sep = "\t" if "\t" in line else ("," if "," in line else None)
    parts = line.split(sep)
    try:
        float(parts[2])
    except (IndexError, ValueError):
        return False
    return True


def split_files(name: str, source: Path, out_dir: Path) -> dict[str, Path]:
    """Write the dev and test halves of ``source`` to ``out_dir`` in its own format; return their paths."""
    dev = set(load_split(name, source))
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    analogy = _is_analogy(lines)
    data = {i for group in _data_lines(lines, analogy) for i in group}
    if not analogy:
        data = {i for i in data if _has_score(lines[i])}
    out = {}
    for half in ("dev", "test"):
        # headers, comments and section lines are kept in both halves
        keep = [ln for i, ln in enumerate(lines) if i not in data or (i in dev) == (half == "dev")]
        path = out_dir / f"{name}.{half}{source.suffix}"
        path.write_text("\n".join(keep) + "\n", encoding="utf-8")
        out[half] = path
    return out


#: the English sets bundled with embedlab, by the score names the word-vector benchmarks use
ENGLISH = {"analogy": "questions-words", "ws353": "wordsim353", "simlex": "simlex999"}


def english_halves(out_dir: Path) -> dict[str, dict[str, str]]:
    """Dev and test halves of the bundled Google analogies, WordSim-353 and SimLex-999 (paths as strings, for
    a child process's JSON spec)."""
    from embedlab.eval.datasets import bundled_path

    return {key: {h: str(p) for h, p in split_files(name, bundled_path(name), out_dir).items()}
            for key, name in ENGLISH.items()}  # fmt: skip


def half_scores(
    kv: object, halves: dict[str, dict[str, str]], restrict_vocab: int = 30_000, answer_oov: bool = False
) -> dict[str, float]:
    """``<score>_dev`` and ``<score>_test`` for each set of ``halves`` (analogies over the ``restrict_vocab``
    most frequent words, word pairs by Spearman; ``answer_oov``: subword models answer unseen words), and
    ``dev_mean``: the mean of the dev scores, the one number a benchmark chooses its settings by."""
    from embedlab import evaluate_analogies, evaluate_word_pairs

    out: dict[str, float] = {}
    for key, parts in halves.items():
        for half, path in parts.items():
            if key.startswith("analogy"):
                out[f"{key}_{half}"] = evaluate_analogies(kv, path, restrict_vocab=restrict_vocab)["accuracy"]
            else:
                out[f"{key}_{half}"] = evaluate_word_pairs(kv, path, answer_oov=answer_oov)["spearman"]
    devs = [v for k, v in out.items() if k.endswith("_dev")]
    out["dev_mean"] = sum(devs) / len(devs)
    return out
