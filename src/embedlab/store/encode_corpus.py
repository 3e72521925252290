"""Encode a corpus into a vector store, on this machine or on Ray Data; resumable, every row exactly once.

``encode_corpus(["wiki/"], "wiki-vectors", model="minilm")`` reads the inputs in their fixed order
(:mod:`embedlab.store.inputs`), cuts the rows into shards of ``shard_rows``, encodes each shard and writes
it whole (:class:`~embedlab.io.vector_store.VectorStore`). Run the same call again after a crash, a
kill or Ctrl-C and it encodes only the shards not yet written.

Backends: ``"local"`` encodes in this process. ``"ray"`` sends each shard through Ray Data
(``map_batches`` over an actor pool, so each actor loads the model once) on the cluster at ``address``
(or ``RAY_ADDRESS``), else on a Ray started here; the pool leaves one CPU for reading and writing, so a
2-core machine runs one encoding actor and never deadlocks. Both cut the rows into the same batches of
``batch_size``, so both give the same vectors.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._params import Config, param
from embedlab._progress import Progress, ProgressArg
from embedlab.errors import ConfigError
from embedlab.io.vector_store import DTYPES, MANIFEST, VectorStore
from embedlab.store.inputs import Row, count_rows, expand_inputs, fingerprint, iter_rows

__all__ = ["BACKENDS", "EncodeCorpusConfig", "encode_corpus"]

#: where the encoding runs
BACKENDS = ("local", "ray")
_WAVE_ROWS = 100_000  # rows one Ray Data execution encodes: its actors start (and load the model) once per wave


def _shards(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while part := list(islice(rows, size)):
        yield part


@dataclass(frozen=True, kw_only=True)
class EncodeCorpusConfig(Config):
    """How :func:`encode_corpus` runs (the CLI's ``store encode`` options come from here)."""

    backend: str = param("local", "Where to encode: local (this process) or ray (Ray Data).", choices=BACKENDS)
    address: str | None = param(None, "Ray cluster to use (default: RAY_ADDRESS, else a Ray started here).", kind=str)
    batch_size: int = param(64, "Texts per model call (the same batches on both backends).", ge=1)
    workers: int | None = param(None, "Ray encoding actors (default: the cluster's CPUs less one).", kind=int, ge=1)
    field: str = param("text", "JSON/CSV/Parquet field holding the text.")
    id_field: str = param("id", "JSON/CSV/Parquet field holding the id (text lines get FILE:LINE).")
    shard_rows: int = param(10_000, "Rows per Parquet shard: the unit written whole and resumed.", ge=1)
    dtype: str = param("float32", "How vectors are kept: float32, or int8 with a scale a row.", choices=DTYPES)
    normalize: bool = param(False, "Scale vectors to unit length.")
    keep_text: bool = param(False, "Keep each document's text in the store (a collection made from it shows it).")

    def resolve(self) -> None:
        if self.address is not None and self.backend != "ray":
            raise ConfigError("an address names a Ray cluster: give it with backend='ray' (--backend ray)")


def encode_corpus(
    inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    store: str | os.PathLike[str],
    *,
    model: str | None = None,
    config: EncodeCorpusConfig | None = None,
    show_progress: ProgressArg = None,
    **options: Any,
) -> VectorStore:
    """Encode every row of ``inputs`` with ``model`` (default: the bundled MiniLM; an image model takes image
    files and folders) into the vector store folder ``store``; resume it where it stopped if it holds this
    same encode. ``options`` are :class:`EncodeCorpusConfig`'s (``backend="ray"``, ``batch_size``...).
    Returns the complete store."""
    from embedlab._deps import require
    from embedlab.encoders.factory import encoder_dim, is_image_model_spec, require_encoder

    require("pyarrow", extra="store")
    if config is not None and options:
        raise ConfigError("give a config or options, not both")
    cfg = config or EncodeCorpusConfig(**options)
    backend, address, batch_size, workers = cfg.backend, cfg.address, cfg.batch_size, cfg.workers
    field, id_field, shard_rows, dtype, normalize = cfg.field, cfg.id_field, cfg.shard_rows, cfg.dtype, cfg.normalize
    keep_text = cfg.keep_text
    inputs = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    if model and Path(model).exists():
        model = str(Path(model).resolve())
    require_encoder(model)
    images = is_image_model_spec(model)
    files = expand_inputs(inputs, images=images)
    settings = {
        "field": field,
        "id_field": id_field,
        "shard_rows": shard_rows,
        "images": images,
        "keep_text": keep_text,
    }
    out = _open_or_create(Path(store), model, dtype, normalize, settings, fingerprint(files), encoder_dim)
    if out.complete:
        return out
    done = out.shards
    total = count_rows(inputs, images=images)
    rows = iter_rows(inputs, field=field, id_field=id_field, images=images)
    t0 = time.perf_counter()
    run = _RayRun(model, normalize, batch_size, workers, address) if backend == "ray" else _LocalRun(model, normalize)
    wave_rows = max(shard_rows, _WAVE_ROWS) if backend == "ray" else shard_rows
    try:
        with Progress("encode", total, enabled=show_progress, unit="rows") as bar:
            at = 0  # rows read so far
            wave: list[tuple[int, list[Row]]] = []  # shards waiting to be encoded together

            def flush() -> None:
                start = at - sum(len(p) for _, p in wave)

                def shard_done(k: int, vecs: np.ndarray) -> None:
                    part = dict(wave)[k]
                    texts = [r.content for r in part] if keep_text and not images else None
                    out.write_shard(k, [r.id for r in part], vecs, [r.metadata for r in part], texts)

                run.encode([(k, [r.content for r in p]) for k, p in wave], batch_size, shard_done,
                           lambda n: bar.update(start + n, info=f"{start + n:,} rows"))  # fmt: skip
                wave.clear()

            for k, part in enumerate(_shards(rows, shard_rows)):
                if k in done:
                    if wave:
                        flush()
                    at += len(part)
                    bar.update(at, info=f"{at:,} rows (written before)")
                    continue
                wave.append((k, part))
                at += len(part)
                if sum(len(p) for _, p in wave) >= wave_rows:
                    flush()
            if wave:
                flush()
    finally:
        run.close()
    out.finish(rows_total=out.rows, backend=backend, seconds=round(time.perf_counter() - t0, 3))
    return out


def _open_or_create(
    path: Path, model: str | None, dtype: str, normalize: bool, settings: dict, inputs: list, encoder_dim: Any
) -> VectorStore:
    if (path / MANIFEST).is_file():
        old = VectorStore(path)
        wanted = {"model": model, "dtype": dtype, "normalized": normalize, "settings": settings, "inputs": inputs}
        differ = [k for k, v in wanted.items() if old.manifest.get(k) != v]
        if differ:
            raise ConfigError(
                f"{path} holds an encode with other {', '.join(differ)}; the same command resumes it, a new "
                "folder starts another"
            )
        return old
    return VectorStore.create(path, dim=encoder_dim(model), model=model, settings=settings, dtype=dtype,
                              normalized=normalize, inputs=inputs)  # fmt: skip


def _encode_batches(encoder: Any, contents: list[str], batch_size: int, normalize: bool) -> list[np.ndarray]:
    """Vectors of ``contents`` one batch of ``batch_size`` at a time (the batches both backends make)."""
    encode = getattr(encoder, "encode_documents", encoder.encode)  # E5: documents are passages
    return [np.asarray(encode(contents[a : a + batch_size], batch_size=batch_size, normalize=normalize,
                              show_progress=False), dtype=np.float32)
            for a in range(0, len(contents), batch_size)]  # fmt: skip


class _LocalRun:
    def __init__(self, model: str | None, normalize: bool) -> None:
        from embedlab.encoders.factory import load_encoder

        self.encoder = load_encoder(model)
        self.normalize = normalize

    def encode(self, shards: list[tuple[int, list[str]]], batch_size: int, shard_done: Any, progress: Any) -> None:
        at = 0
        for k, contents in shards:
            out = []
            for a in range(0, len(contents), batch_size):
                out += _encode_batches(self.encoder, contents[a : a + batch_size], batch_size, self.normalize)
                progress(at + min(len(contents), a + batch_size))
            shard_done(k, np.concatenate(out))
            at += len(contents)

    def close(self) -> None:
        pass


class _RayRun:
    """Shards through Ray Data: each batch of texts is one item, mapped by a pool of encoding actors."""

    def __init__(
        self, model: str | None, normalize: bool, batch_size: int, workers: int | None, address: str | None
    ) -> None:
        from embedlab._deps import require

        require("ray", extra="distributed")
        import ray

        self.ray = ray
        self.started = False
        if not ray.is_initialized():
            target = address or os.environ.get("RAY_ADDRESS")
            if target:
                _check_reachable(target)
            try:
                if target:
                    ray.init(address=target, log_to_driver=False, logging_level=logging.ERROR)
                else:
                    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
                             logging_level=logging.ERROR, configure_logging=False)  # fmt: skip
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"could not reach the Ray cluster at {target!r}: {exc}") from None
            self.started = True
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # embedlab's own bar counts rows
        ctx.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = workers or max(1, cpus - 1)  # one CPU left for reading: two cores never deadlock
        if self.workers >= cpus and cpus > 1:
            raise ConfigError(f"{self.workers} encoding actors on a cluster of {cpus} CPUs leave none for reading; "
                              f"give --workers {cpus - 1} or fewer")  # fmt: skip
        self.threads = max(1, cpus // self.workers) if not (address or os.environ.get("RAY_ADDRESS")) else None
        self.model, self.normalize = model, normalize

    def encode(self, shards: list[tuple[int, list[str]]], batch_size: int, shard_done: Any, progress: Any) -> None:
        ray = self.ray
        items = [{"shard": k, "k": j, "texts": contents[a : a + batch_size]}
                 for k, contents in shards for j, a in enumerate(range(0, len(contents), batch_size))]  # fmt: skip
        left = {k: -(-len(contents) // batch_size) for k, contents in shards}
        found: dict[int, dict[int, np.ndarray]] = {k: {} for k, _ in shards}
        mapped = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            _RayEncoder,
            fn_constructor_kwargs=dict(
                model=self.model, normalize=self.normalize, batch_size=batch_size, threads=self.threads
            ),
            batch_size=1,
            batch_format="pandas",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=1,
        )
        done = 0
        for row in mapped.iter_rows():
            k = int(row["shard"])
            found[k][int(row["k"])] = np.frombuffer(row["vectors"], dtype=np.float32).reshape(row["n"], -1)
            left[k] -= 1
            done += row["n"]
            progress(done)
            if left[k] == 0:  # every batch of the shard is back: write it now
                shard_done(k, np.concatenate([found[k][j] for j in range(len(found[k]))]))
                del found[k]

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()


def _check_reachable(address: str) -> None:
    """A ``host:port`` that answers, else a ConfigError now (Ray itself retries an unreachable head for minutes)."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", "local" and the like: Ray finds its cluster itself
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise ConfigError(f"could not reach the Ray cluster at {address!r}: {exc.strerror or exc}") from None


class _RayEncoder:
    """A Ray actor: loads the model once, then encodes each batch it is given."""

    def __init__(self, model: str | None, normalize: bool, batch_size: int, threads: int | None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if threads:
            with_torch = True
            try:
                import torch
            except ImportError:
                with_torch = False
            if with_torch:
                torch.set_num_threads(threads)  # this actor's own process
        from embedlab.encoders.factory import load_encoder

        self.encoder = load_encoder(model)
        self.normalize, self.batch_size = normalize, batch_size

    def __call__(self, batch: Any) -> Any:
        import pandas as pd

        out = []
        for shard, k, texts in zip(batch["shard"], batch["k"], batch["texts"], strict=True):
            (vecs,) = _encode_batches(self.encoder, [str(t) for t in texts], self.batch_size, self.normalize)
            out.append({"shard": int(shard), "k": int(k), "n": len(vecs), "vectors": vecs.tobytes()})
        return pd.DataFrame(out)
