"""``embedlab search create|add|add-images|delete|query|info``: a document collection, made, filled and searched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli._common import console, handle_errors, print_json
from embedlab.cli._config_options import with_config
from embedlab.errors import ConfigError, FormatError
from embedlab.queries import SearchQuery
from embedlab.text.readers import split_lines


@handle_errors
def create(
    path: Annotated[Path, typer.Argument(help="Folder for the new collection.")],
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Encoder (default: bundled MiniLM); for images: efficientnet-lite0, a CNN or image-text folder.",
        ),
    ] = None,
    dim: Annotated[int | None, typer.Option(help="Vector size (default: the model's).")] = None,
    metric: Annotated[str, typer.Option(help="cosine, ip or l2.")] = "cosine",
    index: Annotated[
        str,
        typer.Option(
            help="Index searches use by default: exact, hnsw, ivf, or compressed: int8 (1 byte a value), "
            "binary (1 bit a value, candidates rescored on the stored floats), pq."
        ),
    ] = "exact",
    language: Annotated[
        str | None,
        typer.Option(help="Language of the texts, for lexical and hybrid search: en, ko (Kiwi morphemes), ..."),
    ] = None,
    chunking: Annotated[
        str | None,
        typer.Option(
            help="Long documents: keep each whole and search it by its chunks, made late (chunks that saw the "
            "whole document; MiniLM) or naive (each chunk alone; any encoder). Default: one vector a document."
        ),
    ] = None,
    chunk_tokens: Annotated[int, typer.Option(help="With --chunking: tokens a chunk holds (about).")] = 128,
    chunk_split: Annotated[
        str, typer.Option(help="With --chunking: cut chunks by token counts (tokens) or at sentence ends (sentences).")
    ] = "tokens",
    on_long: Annotated[
        str | None,
        typer.Option(help="A text longer than the model reads: truncate, window (pooled windows) or error."),
    ] = None,
    from_store: Annotated[
        Path | None,
        typer.Option("--from", help="Fill it from a vector store (store encode): its model, its rows."),
    ] = None,
) -> None:
    """Create a collection: empty (of short documents, or of long ones with --chunking), or from a store."""
    from embedlab.search.collection import Collection
    from embedlab.search.long_collection import LongCollection

    if from_store is not None:
        from embedlab.io.vector_store import VectorStore
        from embedlab.search.from_store import add_store

        if chunking is not None:
            raise ConfigError("a store holds one vector a document: --from and --chunking do not go together")
        store = VectorStore(from_store)
        col = Collection.create(path, dim=store.dim, model=model or store.model, metric=metric, index=index,
                                language=language, on_long=on_long)  # fmt: skip
        n = add_store(col, store)
        typer.echo(f"created {path} from {from_store}: {n:,} documents ({col.dim}-d, {col.index} index)", err=True)
        return
    if chunking is None:
        col = Collection.create(path, dim=dim, model=model, metric=metric, index=index, language=language,
                                on_long=on_long)  # fmt: skip
        kind = ""
    else:
        if on_long is not None:
            raise ConfigError("--on-long applies to one vector a document; with --chunking every chunk fits the model")
        col = LongCollection.create(path, chunking=chunking, chunk_tokens=chunk_tokens, chunk_split=chunk_split,
                                    dim=dim, model=model, metric=metric, index=index, language=language)  # fmt: skip
        kind = f", long documents in {chunking} chunks of ~{chunk_tokens} tokens"
    typer.echo(f"created {path} ({col.dim}-d, {col.metric}, {col.index} index, encoder: "
               f"{col.model or 'the bundled MiniLM'}{kind})", err=True)  # fmt: skip


@handle_errors
def add(
    path: Annotated[Path, typer.Argument(help="The collection folder.")],
    input: Annotated[
        Path,
        typer.Argument(help=".jsonl with id, text and metadata fields, text lines, or a vector store folder."),
    ],
    field: Annotated[str, typer.Option(help="JSON field holding the text.")] = "text",
    id_field: Annotated[
        str, typer.Option(help="JSON field holding the id (text lines get FILE-NAME:LINE-NUMBER, unique per file).")
    ] = "id",
    upsert: Annotated[bool, typer.Option(help="Replace documents whose id is already present.")] = False,
    batch_size: Annotated[
        int | None, typer.Option(help="Documents per committed batch (default: 256, long documents 16).")
    ] = None,
) -> None:
    """Encode and add documents (fields other than id and text become metadata), or add a vector store's
    rows as they are (made by store encode with the collection's model)."""
    from embedlab.cli._inputs import read_records
    from embedlab.search.long_collection import open_collection

    if (input / "manifest.json").is_file():
        from embedlab._progress import Progress
        from embedlab.cli._common import progress_enabled
        from embedlab.search.from_store import add_store

        col = open_collection(path)
        with Progress("add", 1, enabled=progress_enabled(False)) as bar:
            shown = lambda _d, done, total: bar.update(done / total, info=f"{done:,} rows")  # noqa: E731
            n = add_store(col, input, upsert=upsert, show_progress=shown)
        typer.echo(f"added {n:,} documents from the store {input}; {len(col):,} in {path}", err=True)
        return

    records = read_records(input, field if ".jsonl" in input.name else None)
    ids, texts, metas = [], [], []
    for n, r in enumerate(records, 1):
        doc_id = r.get(id_field, f"{input.name}:{n}" if ".jsonl" not in input.name else None)
        if doc_id is None:
            raise ConfigError(f"{input}: record {n} has no {id_field!r} field; name it with --id-field")
        ids.append(str(doc_id))
        texts.append(r["text"])
        metas.append(r.get("metadata") if isinstance(r.get("metadata"), dict) else
                     {k: v for k, v in r.items() if k not in (id_field, field, "text")})  # fmt: skip
    col = open_collection(path)
    from embedlab._progress import Progress
    from embedlab.cli._common import progress_enabled

    with Progress("add", len(ids), enabled=progress_enabled(False)) as bar:
        n = col.add(ids, texts, metadata=metas, upsert=upsert, **({"batch_size": batch_size} if batch_size else {}),  # type: ignore[arg-type]
                    show_progress=lambda _d, done, _t: bar.update(done, info=f"{done:,} docs"))  # fmt: skip
    typer.echo(f"added {n:,} documents; {len(col):,} in {path}", err=True)


@handle_errors
def add_images(
    path: Annotated[Path, typer.Argument(help="The collection folder (created with an image model).")],
    sources: Annotated[list[Path], typer.Argument(help="Image files or folders (every image under them).")],
    metadata: Annotated[
        Path | None, typer.Option(help='.jsonl of {"id": ..., other fields} merged into the images\' metadata.')
    ] = None,
    upsert: Annotated[bool, typer.Option(help="Replace documents whose id is already present.")] = False,
    batch_size: Annotated[int, typer.Option(help="Images per model call.")] = 64,
) -> None:
    """Encode and add images; ids are paths relative to the folder given (file names for files),
    and each document's metadata keeps the image's path (field "image")."""
    from embedlab._progress import Progress
    from embedlab.cli._common import progress_enabled
    from embedlab.io.images import list_images
    from embedlab.search.images import add_images as run
    from embedlab.search.long_collection import open_collection

    paths, ids = [], []
    for src in sources:
        found = list_images(src) if src.is_dir() else [src]
        paths += found
        ids += [p.relative_to(src).as_posix() if src.is_dir() else p.name for p in found]
    extra: dict[str, dict] = {}
    if metadata is not None:
        from embedlab.cli._inputs import read_records

        for r in read_records(metadata, "id"):
            extra[str(r.get("id"))] = {k: v for k, v in r.items() if k not in ("id", "text")}
    col = open_collection(path)
    with Progress("add images", len(ids), enabled=progress_enabled(False)) as bar:
        n = run(col, paths, ids, metadata=[extra.get(i, {}) for i in ids], upsert=upsert, batch_size=batch_size,
                show_progress=lambda _d, done, _t: bar.update(done, info=f"{done:,} images"))  # fmt: skip
    typer.echo(f"added {n:,} images; {len(col):,} in {path}", err=True)


@handle_errors
def delete(
    path: Annotated[Path, typer.Argument(help="The collection folder.")],
    ids: Annotated[list[str], typer.Argument(help="Ids of the documents to delete.")],
    missing_ok: Annotated[bool, typer.Option(help="Ignore ids that are not there.")] = False,
) -> None:
    """Delete documents by id."""
    from embedlab.search.long_collection import open_collection

    col = open_collection(path)
    n = col.delete(ids, missing_ok=missing_ok)
    typer.echo(f"deleted {n:,} documents; {len(col):,} left", err=True)


@handle_errors
@with_config(SearchQuery)
def query(
    path: Annotated[Path, typer.Argument(help="The collection folder.")],
    query: Annotated[str | None, typer.Argument(help="Query text.")] = None,
    queries: Annotated[Path | None, typer.Option("--queries", help="File of queries, one per line.")] = None,
    image: Annotated[
        list[Path] | None, typer.Option("--image", help="Query image(s), for collections of an image model.")
    ] = None,
    filter: Annotated[
        str | None, typer.Option(help='Metadata filter as JSON, e.g. \'{"lang": "en", "year": {"$gte": 2020}}\'.')
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    *,
    config: SearchQuery,
) -> None:
    """Search: the k documents closest to each query, by meaning, by words or both (long documents:
    each with the passage that matched best)."""
    from embedlab.search.long_collection import open_collection

    if (query is not None) + (queries is not None) + bool(image) != 1:
        raise ConfigError("give one QUERY, --queries FILE or --image FILE")
    if image:
        qs = [str(p) for p in image]
    elif query is not None:
        qs = [query]
    else:
        assert queries is not None
        try:
            qs = [x.strip() for x in split_lines(queries.read_text(encoding="utf-8")) if x.strip()]
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"{queries}: not UTF-8 text, one query a line ({exc.reason} at byte {exc.start})"
            ) from None
    flt = None
    if filter:
        try:
            flt = json.loads(filter)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"--filter is not valid JSON: {exc.msg}") from None
    col = open_collection(path)
    if image:
        from embedlab.search.images import search_images

        results = search_images(col, list(image), config.k, filter=flt, index=config.index)
    else:
        results = col.search(qs, config.k, filter=flt, index=config.index, mode=config.mode, fusion=config.fusion,
                             lexical_weight=config.lexical_weight, chunk_score=config.chunk_score)  # fmt: skip
    if json_out:
        print_json(
            {
                "results": [
                    {"query": q, "hits": [h.to_dict() for h in hits]} for q, hits in zip(qs, results, strict=True)
                ]
            }
        )
        return
    from rich.table import Table

    con = console()
    for q, hits in zip(qs, results, strict=True):
        t = Table(title=f"{q!r}")
        for col_name in ("#", "id", "score", "text", "metadata"):
            t.add_column(col_name, justify="right" if col_name in ("#", "score") else "left", overflow="fold")
        for i, h in enumerate(hits, 1):
            passage = getattr(h, "passage", None)  # long documents: the chunk that matched, shown whole
            text = passage or ((h.text or "")[:80] + ("…" if h.text and len(h.text) > 80 else ""))
            t.add_row(
                str(i), h.id, f"{h.score:.4f}", text, json.dumps(h.metadata, ensure_ascii=False) if h.metadata else ""
            )
        con.print(t)


@handle_errors
def info(
    path: Annotated[Path, typer.Argument(help="The collection folder.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Size, dimension, metric and model of a collection."""
    from embedlab.search.long_collection import LongCollection, open_collection

    col = open_collection(path)
    d = {
        "path": str(path),
        "documents": len(col),
        **(
            {"chunks": len(col.chunks), "chunking": col.chunking, "chunk_tokens": col.chunk_tokens}
            if isinstance(col, LongCollection)
            else {}
        ),
        "dim": col.dim,
        "metric": col.metric,
        "model": col.model or "minilm",
        "language": col.language or "en",
    }
    if json_out:
        print_json(d)
    else:
        for k_, v in d.items():
            typer.echo(f"{k_}: {v}")
