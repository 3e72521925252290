"""Shared fixtures: small generated corpora, the shared-data location, an isolated cache."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("EMBEDLAB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

#: Word groups planted in the generated corpus: words of a group share contexts.
GROUPS = [
    ["cat", "dog", "horse", "cow", "sheep", "goat"],
    ["red", "green", "blue", "yellow", "purple", "orange"],
    ["paris", "berlin", "rome", "madrid", "tokyo", "seoul"],
    ["run", "walk", "swim", "jump", "climb", "crawl"],
]


def planted_sentences(n: int = 6000, seed: int = 0) -> list[list[str]]:
    """Sentences that mix words of one group with that group's own context words."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        g = rng.randrange(len(GROUPS))
        words = rng.sample(GROUPS[g], 3) + [f"ctx{g}x{rng.randrange(4)}" for _ in range(3)]
        words += [f"noise{rng.randrange(30)}"]
        rng.shuffle(words)
        out.append(words)
    return out


def group_hit_rate(kv, topn: int = 5) -> float:
    """Share of each planted word's nearest neighbours that are in its group or its contexts.

    Random vectors score about 0.14 on the generated corpus.
    """
    hits = total = 0
    for g, group in enumerate(GROUPS):
        for w in group:
            top = [x for x, _ in kv.most_similar(w, topn=topn)]
            hits += sum(x in group or x.startswith(f"ctx{g}x") for x in top)
            total += topn
    return hits / total


def write_lines(path: Path, sentences: list[list[str]]) -> Path:
    path.write_text("".join(" ".join(s) + "\n" for s in sentences), encoding="utf-8")
    return path


def planted_graph(communities: int = 4, size: int = 25, p_in: float = 0.3, p_out: float = 0.01, seed: int = 0):
    """A graph with planted communities, dense inside with a few edges between: (graph, {node: community}).

    Nodes are named ``c{community}n{i}``.
    """
    import numpy as np

    from embedlab.graph import Graph

    rng = np.random.default_rng(seed)
    names = [f"c{c}n{i}" for c in range(communities) for i in range(size)]
    comm = np.repeat(np.arange(communities), size)
    edges = []
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            if rng.random() < (p_in if comm[a] == comm[b] else p_out):
                edges.append((names[a], names[b]))
    # a ring inside each community keeps every node connected
    for c in range(communities):
        for i in range(size):
            edges.append((f"c{c}n{i}", f"c{c}n{(i + 1) % size}"))
    return Graph.from_edges(edges, nodes=names), {n: f"community{c}" for n, c in zip(names, comm, strict=True)}


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Encoded-corpus caches of the whole run (subprocesses too) go to a temporary folder."""
    old = os.environ.get("EMBEDLAB_CACHE_DIR")
    os.environ["EMBEDLAB_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("EMBEDLAB_CACHE_DIR", None)
    else:
        os.environ["EMBEDLAB_CACHE_DIR"] = old


@pytest.fixture
def planted_corpus(tmp_path) -> Path:
    return write_lines(tmp_path / "planted.txt", planted_sentences())


def shared(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test with a clear reason when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs {p} (the shared data folder beside the checkout); not present on this machine")
    return p


def train_fasttext_package(path, supervised=False, **kwargs):
    """Train with the fasttext package in a fresh process and load the result here.

    Inside a long test process the package now and then aborts training with
    "Encountered NaN" (its own fault: the same call succeeds in a fresh interpreter), so
    training runs in a subprocess, retried a few times, and only the loading happens here.
    """
    import json
    import subprocess
    import sys

    import fasttext

    model_path = str(path) + ".ft.bin"
    code = (
        "import fasttext, json, sys; "
        f"fasttext.{'train_supervised' if supervised else 'train_unsupervised'}"
        "(sys.argv[1], **json.loads(sys.argv[2])).save_model(sys.argv[3])"
    )
    for attempt in range(5):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(path), json.dumps(kwargs), model_path], capture_output=True, text=True
        )
        if proc.returncode == 0:
            return fasttext.load_model(model_path)
        if "NaN" not in proc.stderr or attempt == 4:
            raise RuntimeError(f"fasttext training failed: {proc.stderr[-2000:]}")
    return None


@pytest.fixture(scope="session")
def minilm():
    """The bundled MiniLM, loaded once per test run."""
    from embedlab.encoders.transformer import SentenceEncoder

    return SentenceEncoder()


@pytest.fixture(scope="session")
def planted_model(tmp_path_factory):
    """A small Word2Vec model trained on the planted corpus and saved in the native format."""
    from embedlab import Word2Vec

    kv = Word2Vec(dim=32, min_count=1, epochs=5, threads=1, seed=3).fit(planted_sentences(4000))
    path = tmp_path_factory.mktemp("planted") / "model"
    kv.save(path)
    return path
