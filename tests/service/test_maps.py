"""The explorer's neighbourhood map: computed in the background, cached beside the model, better at
keeping neighbours than PCA; colourings; placing points that are not on the map."""

import os
import sys
import threading

import numpy as np
import pytest
from fastapi.testclient import TestClient

from conftest import GROUPS
from embedlab.service.app import create_app
from embedlab.service.maps import cache_path
from embedlab.service.served import load_served


def _wait(served, seconds=300):
    served.start_map()
    served._job.thread.join(seconds)
    assert not served._job.pending and served._job.error is None, served._job.error


def _group_neighbour_rate(m, k=5):
    """Share of each planted word's k nearest points on the 2-D map that are of its group."""
    where = {w: g for g, group in enumerate(GROUPS) for w in group}
    hits = total = 0
    xy = m["xy"]
    for w, g in where.items():
        i = m["index"][w]
        d = np.linalg.norm(xy - xy[i], axis=1)
        d[i] = np.inf
        near = [m["labels"][j] for j in np.argsort(d)[:k]]
        hits += sum(where.get(x) == g or x.startswith(f"ctx{g}x") for x in near)
        total += k
    return hits / total


@pytest.fixture
def model(planted_model, tmp_path):
    import shutil

    shutil.copytree(planted_model, tmp_path / "model")
    return tmp_path / "model"


def test_umap_map_replaces_pca_and_is_cached(model):
    served = load_served(str(model))
    m = served.map()
    assert m["method"] == "pca" and m["version"] == 0
    _wait(served)
    assert m["method"] == "umap" and m["version"] == 1 and m["pca"] is None
    assert _group_neighbour_rate(m) > 0.6
    cache = cache_path(str(model), "umap")
    assert cache.is_file()
    again = load_served(str(model))
    _wait(again)
    np.testing.assert_array_equal(again.map()["xy"], m["xy"])
    cache.write_bytes(b"not an npz")  # a damaged cache is recomputed
    third = load_served(str(model))
    _wait(third)
    assert third.map()["method"] == "umap" and np.load(cache)["xy"].shape == m["xy"].shape


def test_umap_keeps_neighbourhoods_that_pca_mixes(tmp_path):
    from embedlab.vectors.keyed import KeyedVectors

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(30, 64))
    vecs = np.repeat(centres, 10, axis=0) + rng.normal(size=(300, 64))
    kv = KeyedVectors([f"c{i // 10}w{i % 10}" for i in range(300)], vecs.astype(np.float32))
    kv.save(tmp_path / "clusters")
    served = load_served(str(tmp_path / "clusters"))

    def rate(m, k=5):
        xy, labels = m["xy"], m["labels"]
        hits = 0
        for i, w in enumerate(labels):
            d = np.linalg.norm(xy - xy[i], axis=1)
            d[i] = np.inf
            hits += sum(labels[j].split("w")[0] == w.split("w")[0] for j in np.argsort(d)[:k])
        return hits / (k * len(labels))

    pca = rate(served.map())
    _wait(served)
    assert rate(served.map()) > 0.9 > 0.5 > pca  # 30 clusters: two PCA axes cannot hold them apart


def test_map_routes_report_the_background_map_and_colourings(model):
    client = TestClient(create_app(str(model), max_points=60))
    info = client.get("/v1/map").json()
    assert info["method"] == "pca" and set(info["colorings"]) == {"frequency rank", "cluster"}
    served = client.app.state.served
    _wait(served)
    info = client.get("/v1/map").json()
    assert info["method"] == "umap" and info["version"] == 1 and not info["pending"]
    col = client.get("/v1/coloring", params={"by": "cluster"}).json()
    assert col["color_by"] == "cluster" and len(col["categories"]) == 12
    cats = np.frombuffer(client.get("/v1/colors", params={"by": "cluster"}).content, dtype="<u2")
    assert len(cats) == 60 and cats.max() < 12
    assert client.get("/v1/coloring", params={"by": "nope"}).status_code == 400
    # a word beyond the 60 mapped ones is placed among its neighbours on the UMAP map
    m, outside = served.map(), served.kv.words[65]
    p = client.post("/v1/project", json={"words": [outside]}).json()["points"][0]
    assert p.get("index") is None
    near = [m["index"][w] for w, _ in served.kv.most_similar(outside, topn=70) if w in m["index"]][:10]
    box = m["xy"][near]
    assert (box.min(axis=0) - 1e-3 <= [p["x"], p["y"]]).all() and ([p["x"], p["y"]] <= box.max(axis=0) + 1e-3).all()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_the_map_thread_yields_the_cpu_to_requests():
    import numba

    from embedlab.service.maps import _yield_to_requests

    seen = {}
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def run():
        _yield_to_requests()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen["threads"] = numba.get_num_threads()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == {"nice": 19, "threads": 1}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # this thread keeps its own
    assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS
