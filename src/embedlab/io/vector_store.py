"""A vector store: a folder of Parquet shards (id, vector, metadata) and a manifest that vouches for them.

Layout::

    manifest.json          format, model, dim, dtype, normalisation, settings, inputs, shards (file, rows,
                           SHA-256) and whether the encode is complete
    shard-000000.parquet   columns id (string), vector (fixed-size list of float32, or of int8 with a
                           float32 ``scale`` column: vector ≈ int8 × scale), metadata (JSON text), and
                           text (the document, where the encode kept it)

A shard is written under a temporary name, renamed into place, and only then entered in the manifest
(itself replaced atomically): a kill at any moment leaves every listed shard whole, and a resumed encode
writes again only the shard it was writing. Shard ``k`` holds rows ``k × shard_rows`` to ``(k + 1) ×
shard_rows - 1`` of the inputs, so every row lands in exactly one shard however often a run is resumed.
Any tool that reads Parquet reads the shards (pyarrow, pandas, DuckDB, Spark, Ray Data).

>>> import numpy as np, tempfile
>>> store = VectorStore.create(tempfile.mkdtemp() + "/s", dim=2, model="m", settings={})
>>> store.write_shard(0, ["a", "b"], np.array([[1, 0], [0, 1]], dtype=np.float32), [{}, {"lang": "ko"}])
>>> store.finish(); VectorStore(store.path).rows
2
>>> batch = next(VectorStore(store.path).batches())
>>> batch.ids, batch.vectors.tolist(), batch.metadata, batch.texts
(['a', 'b'], [[1.0, 0.0], [0.0, 1.0]], [{}, {'lang': 'ko'}], None)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import atomic_file, file_sha256
from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError, FormatError

__all__ = ["DTYPES", "StoreBatch", "VectorStore"]

FORMAT = "embedlab-vector-store"
VERSION = 1
MANIFEST = "manifest.json"
#: how vectors are kept: float32, or int8 with one float32 scale a row
DTYPES = ("float32", "int8")


@dataclass
class StoreBatch:
    """One shard's rows: ids, float32 vectors ``[n, dim]``, metadata, and texts where the store keeps them."""

    ids: list[str]
    vectors: np.ndarray
    metadata: list[dict[str, Any]]
    texts: list[str] | None = None


class VectorStore:
    """A vector store folder (see the module docstring). Open with ``VectorStore(path)``; make one with
    :meth:`create` (what :func:`~embedlab.store.encode_corpus.encode_corpus` does)."""

    def __init__(self, path: str | os.PathLike[str], *, verify: bool = False) -> None:
        self.path = Path(path)
        m = self.path / MANIFEST
        if not m.is_file():
            raise FileNotFoundError(2, "not a vector store (no manifest.json)", str(m.parent))
        try:
            manifest = json.loads(m.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise FormatError(f"{m}: not JSON ({exc}); the store is damaged: encode it again") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise FormatError(f"{m} is not the manifest of a vector store")
        if manifest.get("version") != VERSION:
            raise FormatError(f"{m}: store format {manifest.get('version')!r}, this embedlab reads {VERSION}")
        try:
            self.dim = check_int("dim", manifest["dim"], 1)
            self.dtype = check_choice("dtype", manifest["dtype"], DTYPES)
            shards = manifest["shards"]
            assert isinstance(shards, list) and all(isinstance(s, dict) for s in shards)
            for s in shards:
                check_int("rows", s["rows"], 0)
                if not isinstance(s["file"], str) or "/" in s["file"] or not isinstance(s["sha256"], str):
                    raise ValueError(s)
        except (KeyError, ValueError, AssertionError, ConfigError) as exc:
            raise FormatError(f"{m}: a field is missing or wrong ({exc}); the store is damaged: encode again") from None
        self.manifest = manifest
        if verify:
            self.verify()

    # ------------------------------------------------------------------ facts
    @property
    def model(self) -> str | None:
        return self.manifest.get("model")

    @property
    def normalized(self) -> bool:
        return bool(self.manifest.get("normalized"))

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def rows(self) -> int:
        return sum(s["rows"] for s in self.manifest["shards"])

    @property
    def shards(self) -> dict[int, dict[str, Any]]:
        """Written shards by number."""
        return {int(s["index"]): s for s in self.manifest["shards"]}

    def __repr__(self) -> str:
        state = "complete" if self.complete else "incomplete"
        return f"VectorStore({str(self.path)!r}, rows={self.rows:,}, dim={self.dim}, {self.dtype}, {state})"

    def verify(self) -> None:
        """Check every shard against its checksum; FormatError naming the first damaged one."""
        for s in self.manifest["shards"]:
            f = self.path / s["file"]
            if not f.is_file():
                raise FormatError(f"{f} is missing: the store is damaged; encode it again (the same command resumes)")
            if file_sha256(f) != s["sha256"]:
                raise FormatError(f"{f} does not match its checksum in the manifest: the shard is damaged; delete "
                                  "it from the manifest's list or encode the store again")  # fmt: skip

    # ------------------------------------------------------------------ writing
    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        dim: int,
        model: str | None,
        settings: dict[str, Any],
        dtype: str = "float32",
        normalized: bool = False,
        inputs: list[dict[str, Any]] | None = None,
    ) -> VectorStore:
        """An empty store in ``path`` (a new or empty folder)."""
        p = Path(path)
        if p.exists() and any(p.iterdir()):
            raise ConfigError(f"{p} is not empty; give a new folder for the store")
        p.mkdir(parents=True, exist_ok=True)
        manifest = {"format": FORMAT, "version": VERSION, "model": model, "dim": check_int("dim", dim, 1),
                    "dtype": check_choice("dtype", dtype, DTYPES), "normalized": normalized, "settings": settings,
                    "inputs": inputs or [], "shards": [], "complete": False}  # fmt: skip
        _write_manifest(p, manifest)
        return cls(p)

    def write_shard(
        self,
        index: int,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadata: Sequence[dict[str, Any]],
        texts: Sequence[str] | None = None,
    ) -> None:
        """Write shard ``index`` whole (replacing a half-written one), then list it in the manifest."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dim) or len(metadata) != len(ids):
            raise ConfigError(f"a shard needs {len(ids)} rows of {self.dim} numbers and as many metadata")
        columns: dict[str, Any] = {"id": pa.array([str(i) for i in ids], pa.string())}
        if self.dtype == "int8":
            scale = np.abs(vectors).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            codes = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
            columns["vector"] = pa.FixedSizeListArray.from_arrays(pa.array(codes.ravel()), self.dim)
            columns["scale"] = pa.array(scale.astype(np.float32))
        else:
            columns["vector"] = pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), self.dim)
        columns["metadata"] = pa.array([json.dumps(m, ensure_ascii=False) for m in metadata], pa.string())
        if texts is not None:
            columns["text"] = pa.array(list(texts), pa.string())
        name = f"shard-{index:06d}.parquet"
        with atomic_file(self.path / name) as fh:
            pq.write_table(pa.table(columns), fh)
        entry = {"index": index, "file": name, "rows": len(ids), "sha256": file_sha256(self.path / name)}
        shards = [s for s in self.manifest["shards"] if s["index"] != index] + [entry]
        self.manifest["shards"] = sorted(shards, key=lambda s: s["index"])
        _write_manifest(self.path, self.manifest)

    def finish(self, **facts: Any) -> None:
        """Mark the store complete (every row written), with ``facts`` (counts, timings) kept in the manifest."""
        self.manifest.update(facts, complete=True)
        _write_manifest(self.path, self.manifest)

    # ------------------------------------------------------------------ reading
    def batches(self) -> Iterator[StoreBatch]:
        """The rows shard by shard (a :class:`StoreBatch` each), in row order; memory holds one shard."""
        from embedlab._deps import require

        require("pyarrow", extra="store")
        import pyarrow.parquet as pq

        for s in self.manifest["shards"]:
            f = self.path / s["file"]
            try:
                table = pq.read_table(f)
                ids = table.column("id").to_pylist()
                flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
                vectors = flat.reshape(len(ids), self.dim).astype(np.float32)
                if self.dtype == "int8":
                    vectors *= table.column("scale").to_numpy()[:, None]
                metadata = [json.loads(m) for m in table.column("metadata").to_pylist()]
                texts = table.column("text").to_pylist() if "text" in table.column_names else None
            except (OSError, KeyError, ValueError) as exc:
                raise FormatError(f"{f}: not a readable shard of this store ({exc}); encode the store again") from None
            if len(ids) != s["rows"]:
                raise FormatError(f"{f} holds {len(ids)} rows, the manifest says {s['rows']}: the store is damaged")
            yield StoreBatch(ids, vectors, metadata, texts)


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    with atomic_file(path / MANIFEST, "w") as fh:
        json.dump(manifest, fh, indent=1)
