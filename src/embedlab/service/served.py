"""What a server serves: word vectors, a collection or a sentence encoder, loaded once, plus its 2-D map."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import ConfigError

__all__ = ["Served", "load_served", "serve_vectors"]


@dataclass
class Served:
    kind: str  # "words" (key-addressed vectors), "collection", "encoder", "recommender" (no item vectors), "classifier"
    name: str
    dim: int
    kv: Any = None
    collection: Any = None
    encoder: Any = None
    max_points: int = 1_000_000
    color_by: str | None = None
    method: str = "pca"  # the map's final projection: "pca", or "umap" / "tsne" computed in the background
    key_labels: dict[str, str] | None = None  # words/nodes: a label per key that colours the map
    recommender: Any = None  # a fitted recommender (its item vectors, if any, are ``kv``)
    classifier: Any = None  # a supervised model, a classifier head or an intent model

    source: str | None = None  # the model's path: the neighbourhood map is cached beside it
    _map: dict[str, Any] = field(default_factory=dict)
    _job: Any = None

    # ------------------------------------------------------------------ explorer map
    def map(self) -> dict[str, Any]:
        """Coordinates, labels and colourings of up to ``max_points`` points (PCA, computed once; a
        neighbourhood map replaces it when :meth:`start_map` has finished)."""
        if self._map:
            return self._map
        if self.kind == "encoder":
            raise ConfigError("an encoder alone has no points to map; serve word vectors or a collection")
        if self.kind == "recommender":
            raise ConfigError("this recommender has no item vectors to map; ALS, BPR and item2vec models have")
        if self.kind == "classifier":
            raise ConfigError("a classifier has no points to map; serve word vectors or a collection")
        t0 = time.perf_counter()
        colorings: dict[str, tuple[list[str], np.ndarray]] = {}
        if self.kind == "words":
            n = min(len(self.kv), self.max_points)
            vecs = np.asarray(self.kv.vectors[:n], dtype=np.float32)
            labels = self.kv.words[:n]
            titles = labels
            ranks = np.arange(n)
            bands = [("top 1k", 1_000), ("1k-10k", 10_000), ("10k-100k", 100_000), ("100k+", 1 << 62)]
            cats = np.searchsorted(np.array([b for _, b in bands]), ranks, side="right").astype(np.uint16)
            colorings["frequency rank"] = ([name for name, _ in bands], cats)
            if self.key_labels is not None:
                colorings["label"] = _categorise([self.key_labels.get(k, "(no label)") for k in labels])
            color_by: str | None = "label" if self.key_labels is not None else "frequency rank"
        else:
            slots, matrix = self.collection.vectors()
            n = min(len(slots), self.max_points)
            vecs, slots = matrix[:n], slots[:n]
            rows = self.collection.metadata_for_slots(slots, self.color_by)
            labels = [r[0] for r in rows]
            titles = self.collection.titles_for_slots(slots)
            if self.color_by is not None:
                colorings[self.color_by] = _categorise([("" if r[1] is None else str(r[1])) for r in rows])
            for name in _metadata_fields(self.collection, labels):
                if name not in colorings:
                    values = self.collection.metadata_for_slots(slots, name)
                    colorings[name] = _categorise([("" if r[1] is None else str(r[1])) for r in values])
            color_by = self.color_by
        from embedlab.viz.projection import PCA2

        pca = PCA2(2).fit(vecs)  # at once; a UMAP / t-SNE map replaces it when ready (start_map)
        xy, method = pca.transform(vecs), "pca"
        self._map = {
            "xy": np.ascontiguousarray(xy, dtype=np.float32),
            "labels": labels,  # the keys: words, or document ids
            "titles": titles,  # what the explorer shows: words, or document titles / text starts
            "index": {w: i for i, w in enumerate(labels)},
            "color_by": color_by,  # the colouring shown first; None: one colour
            "colorings": colorings,  # name -> (categories, category of each point)
            "vecs": vecs,
            "pca": pca,
            "method": method,
            "version": 0,
            "seconds": time.perf_counter() - t0,
        }
        return self._map

    def start_map(self) -> None:
        """Start computing the neighbourhood map (``method`` umap or tsne) in the background; idempotent."""
        from embedlab.service.maps import MapJob

        m = self.map()
        if self.method == "pca" or len(m["labels"]) < 3:
            return
        if self._job is None:
            self._job = MapJob(m, self.method, self.source)
        self._job.start()

    def coloring(self, name: str | None) -> tuple[str | None, list[str], np.ndarray]:
        """``(name, categories, category of each point)`` of the colouring ``name`` (None: the map's own);
        ``"cluster"`` is computed on first use."""
        m = self.map()
        name = m["color_by"] if name is None else name
        if name is None:
            return None, [""], np.zeros(len(m["labels"]), np.uint16)
        if name == "cluster" and "cluster" not in m["colorings"]:
            from embedlab.service.maps import cluster_coloring

            m["colorings"]["cluster"] = cluster_coloring(m["vecs"], m["titles"])
        if name not in m["colorings"]:
            raise ConfigError(f"no colouring {name!r}; this map has {', '.join(self.colorings())}")
        categories, cats = m["colorings"][name]
        return name, categories, cats

    def colorings(self) -> list[str]:
        """Names of the colourings this map offers (clusters always)."""
        names = list(self.map()["colorings"])
        return names if "cluster" in names else [*names, "cluster"]


def _metadata_fields(collection: Any, ids: list[str], sample: int = 200) -> list[str]:
    """Metadata fields with short scalar values among the first ``sample`` documents (they can colour the map)."""
    fields: dict[str, None] = {}
    for doc_id in ids[:sample]:
        for key, value in (collection.get(doc_id).metadata or {}).items():
            if isinstance(value, (str, int, bool)) and len(str(value)) <= 60:
                fields[key] = None
    return list(fields)[:20]


def _categorise(values: list[str], most: int = 64) -> tuple[list[str], np.ndarray]:
    """Colour categories (sorted; past ``most``, the rarest share one "other") and each point's index."""
    names, counts = np.unique(np.asarray(values, dtype=object).astype(str), return_counts=True)
    if names.size > most:
        kept = set(names[np.argsort(-counts, kind="stable")[: most - 1]].tolist())
        values = [v if v in kept else "other" for v in values]
        names = np.unique(np.asarray(values, dtype=object).astype(str))
    categories = names.tolist()
    where = {c: i for i, c in enumerate(categories)}
    return categories, np.array([where[v] for v in values], dtype=np.uint16)


def read_key_labels(path: str | os.PathLike[str]) -> dict[str, str]:
    """``{key: label}`` from a 'key label [label ...]' file (a node's first label colours it)."""
    from embedlab.graph.classify_nodes import read_node_labels

    return {k: v[0] for k, v in read_node_labels(path).items()}


def load_served(
    spec: str | os.PathLike[str] | None,
    *,
    encoder: str | None = None,
    max_points: int = 1_000_000,
    color_by: str | None = None,
    method: str = "umap",
    labels: str | os.PathLike[str] | None = None,
) -> Served:
    """Open what ``spec`` names: a collection folder, a sentence-transformers folder / ``minilm``,
    or word vectors in any format ``embedlab.load`` reads. ``encoder`` overrides the text encoder
    (default: the collection's model; mean pooling for word vectors). ``labels`` (word or node
    vectors) is a 'key label' file whose labels colour the explorer's map."""
    from embedlab.encoders import load_encoder
    from embedlab.encoders.factory import is_image_model_spec, is_transformer_spec

    if spec is None or is_transformer_spec(spec) or is_image_model_spec(spec):
        if labels is not None:
            raise ConfigError("labels colour the map of word or node vectors; an encoder alone has no map")
        enc = load_encoder(spec)
        return Served("encoder", getattr(enc, "name", str(spec)), enc.dim, encoder=enc)
    path = Path(spec)
    if not path.exists():
        raise FileNotFoundError(2, "nothing to serve at this path", str(path))
    if (path / "recommender.json").is_file():
        from embedlab.recommend.store import load_recommender

        model: Any = load_recommender(path)
        if hasattr(model, "item_factors"):  # ALS, BPR: item vectors for similar items and the explorer's map
            served = serve_vectors(model.item_vectors, path.name, max_points=max_points, method=method)
            served.recommender = model
            if labels is not None:
                served.key_labels = read_key_labels(labels)
            return served
        return Served("recommender", path.name, 0, recommender=model)
    if _is_classifier(path):
        if labels is not None:
            raise ConfigError("labels colour the map of word or node vectors; a classifier has no map")
        from embedlab.classify import SupervisedFastText, open_classifier

        clf: Any = open_classifier(path)
        enc = clf if isinstance(clf, SupervisedFastText) else clf.encoder
        return Served("classifier", path.name, enc.dim, encoder=enc, classifier=clf)
    if (path / "collection.db").is_file():
        if labels is not None:
            raise ConfigError("labels colour word or node vectors; colour a collection by a metadata field (color_by)")
        from embedlab.search.long_collection import open_collection

        col = open_collection(path, encoder=load_encoder(encoder) if encoder else None)
        col.encoder  # load the model now, not on the first request  # noqa: B018
        return Served("collection", path.name, col.dim, collection=col, encoder=col.encoder, max_points=max_points,
                      color_by=color_by, method=method, source=str(path))  # fmt: skip
    from embedlab.io import load

    served = serve_vectors(load(path), path.name, encoder=load_encoder(encoder) if encoder else None,
                           max_points=max_points, method=method)  # fmt: skip
    served.source = str(path)
    if labels is not None:
        served.key_labels = read_key_labels(labels)
    return served


def _is_classifier(path: Path) -> bool:
    """A classifier folder, or a fastText ``.bin`` whose header says "supervised"."""
    if (path / "classifier.json").is_file() or (path / "supervised.json").is_file():
        return True
    if path.is_file():
        import struct

        from embedlab.io.fasttext_bin import MAGIC

        with open(path, "rb") as fh:
            head = fh.read(8 + 4 * 8)
        if len(head) == 40:
            magic, _version = struct.unpack_from("<ii", head)
            model = struct.unpack_from("<i", head, 8 + 4 * 7)[0]
            return magic == MAGIC and model == 3  # model 3: supervised
    return False


def serve_vectors(
    kv: Any, name: str, *, encoder: Any = None, max_points: int = 1_000_000, method: str = "umap"
) -> Served:
    """Serve key-addressed vectors already in memory; texts are encoded by ``encoder`` (default: mean pooling)."""
    from embedlab.encoders.static import StaticEncoder

    enc = encoder if encoder is not None else StaticEncoder(kv)
    return Served("words", name, kv.dim, kv=kv, encoder=enc, max_points=max_points, method=method)
