"""Shared fixtures: small generated corpora, the shared-data location, an isolated cache."""

from __future__ import annotations

import os
import random
import threading
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


@pytest.fixture(autouse=True)
def _no_map_thread_outlives_its_test():
    """A service test may start the explorer's map (UMAP, in a background thread at low priority). Wait for it
    before the next test: libraries it calls enter ``warnings.catch_warnings()``, which saves and restores the
    process's warning filters, and one that exits in the middle of another test's own ``catch_warnings``
    puts back filters that test did not set."""
    yield
    for t in threading.enumerate():
        if t.name == "embedlab-map":
            t.join(timeout=600)


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


#: kinds of the generated images: a shape and, in colour, a fill
SHAPES = ("circle", "square", "triangle", "cross")
COLOURS = {"red": (220, 30, 30), "green": (30, 170, 50), "blue": (40, 60, 220)}


def shape_images(per_kind: int = 30, size: int = 28, *, colour: bool = False, seed: int = 0):
    """Generated images of shapes (grey, or coloured: shape x colour kinds) at random places and sizes.

    Returns uint8 ``[n, size, size]`` (grey) or ``[n, size, size, 3]`` and one label per image:
    the shape's name, or ``"<colour> <shape>"``.
    """
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    kinds = [(c, s) for c in COLOURS for s in SHAPES] if colour else [(None, s) for s in SHAPES]
    images, labels = [], []
    for col, shape in kinds:
        for _ in range(per_kind):
            im = Image.new("RGB" if colour else "L", (size, size), (255, 255, 255) if colour else 0)
            d = ImageDraw.Draw(im)
            r = rng.uniform(0.22, 0.38) * size
            cx, cy = rng.uniform(r + 1, size - r - 1, 2)
            fill = COLOURS[col] if col else int(rng.integers(170, 256))
            if shape == "circle":
                d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
            elif shape == "square":
                d.rectangle([cx - r, cy - r, cx + r, cy + r], fill=fill)
            elif shape == "triangle":
                d.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=fill)
            else:
                w = r / 3
                d.rectangle([cx - r, cy - w, cx + r, cy + w], fill=fill)
                d.rectangle([cx - w, cy - r, cx + w, cy + r], fill=fill)
            images.append(np.asarray(im, dtype=np.uint8))
            labels.append(f"{col} {shape}" if col else shape)
    return np.stack(images), labels


def write_images(folder: Path, images, labels) -> list[Path]:
    """PNG files ``folder/<label>/<i>.png`` (class subfolders, as ImageNet's layout)."""
    from PIL import Image

    paths = []
    for i, (im, lab) in enumerate(zip(images, labels, strict=True)):
        p = folder / lab.replace(" ", "_") / f"{i:04d}.png"
        p.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(im).save(p)
        paths.append(p)
    return paths


@pytest.fixture(scope="session")
def shapes_cnn(tmp_path_factory):
    """A CNN embedder trained briefly on generated grey shapes, saved; (folder, encoder)."""
    from embedlab.encoders.image_cnn import train_image_embedder

    x, y = shape_images(60, seed=1)
    enc = train_image_embedder(
        x, y, width=8, hidden=16, multiscale=False, power=True, epochs=8, batch_size=32, lr=0.05, seed=0
    )
    path = enc.save(tmp_path_factory.mktemp("cnn") / "shapes-cnn")
    return path, enc
