"""Collection: a persistent, crash-safe store of documents, their vectors and metadata, searchable.

Layout of a collection folder::

    collection.db   SQLite (WAL): documents (string id, text, JSON metadata, vector slot) and settings
    vectors.f32     raw float32 rows, append-only; row ``slot`` belongs to the document with that slot
    index-hnsw.faiss / index-ivf.faiss   saved ANN indexes (rebuilt when out of date)

An add writes and fsyncs the new vector rows first and then commits their documents in one
SQLite transaction, so a process killed in the middle of an add leaves every document committed
before it readable, and rows written without a committed document are simply never referenced.

>>> import numpy as np, tempfile
>>> col = Collection.create(tempfile.mkdtemp() + "/c", dim=2)
>>> col.add(["a", "b"], vectors=np.array([[1, 0], [0, 1]]), metadata=[{"lang": "en"}, {"lang": "ko"}])
2
>>> [h.id for h in col.search_vectors(np.array([[1.0, 0.1]]), k=2)[0]]
['a', 'b']
>>> [h.id for h in col.search_vectors(np.array([[1.0, 0.1]]), k=2, filter={"lang": "ko"})[0]]
['b']
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.encoders.base import ON_LONG
from embedlab.errors import ConfigError, UnknownIdError
from embedlab.index.base import INDEX_KINDS, METRICS, as_matrix, prepare
from embedlab.index.fusion import SEARCH_MODES
from embedlab.search import memory
from embedlab.search.database import DB_FILE as _DB
from embedlab.search.database import create_database, damaged, decode_metadata, guarded, int_setting, open_database
from embedlab.search.documents import Hit, check_metadata, document_titles, hits_for
from embedlab.search.filters import filter_sql
from embedlab.search.memory import exact_fits, search_streamed
from embedlab.search.vector_file import VectorFile
from embedlab.text.tokenizers import LANGUAGES

__all__ = ["Collection", "Hit"]

FORMAT_VERSION = 1
_VECS = "vectors.f32"
_BRUTE_FORCE_BELOW = 20_000  # filtered searches with fewer candidates than this are exact
_LEARNS_FROM = {"int8": 2, "pq": 256}  # documents an index needs to learn from; below, searches are exact


class Collection:
    """Documents with string ids, optional text and JSON metadata, and one vector each.

    Create with :meth:`create`, reopen with ``Collection(path)``. ``model`` names the encoder
    that turns texts into vectors (``None``: the bundled MiniLM); pass ``encoder=`` to reuse one.
    """

    def __init__(self, path: str | os.PathLike[str], *, encoder: Any = None) -> None:
        self.path = Path(path)
        db = self.path / _DB
        if not db.is_file():
            raise FileNotFoundError(2, "not a collection (no collection.db); create one first", str(self.path))
        self._db, settings = open_database(db, FORMAT_VERSION)
        self.dim: int = settings["dim"]
        self.metric: str = settings["metric"]
        self.model: str | None = settings["model"]
        self.index: str = settings["index"]
        self.language: str | None = settings["language"]  # the tokenizer of lexical (BM25) search
        self.on_long: str | None = settings["on_long"]  # what adding a text past the model's length does
        self._settings: dict[str, str] = settings["raw"]
        self._encoder = encoder
        self._file = VectorFile(self.path / _VECS, self.dim)
        self._cache: tuple[int, np.ndarray, np.ndarray] | None = None  # generation, slots, matrix
        self._slots: tuple[int, np.ndarray] | None = None  # generation, live slots (8 bytes a document)
        self._ann: dict[str, Any] = {}
        self._lexical: tuple[int, Any] | None = None  # generation, BM25 index

    # ------------------------------------------------------------------ creation
    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        dim: int | None = None,
        model: str | None = None,
        metric: str = "cosine",
        encoder: Any = None,
        exist_ok: bool = False,
        index: str = "exact",
        language: str | None = None,
        on_long: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> Collection:
        """A new empty collection. ``dim`` defaults to the encoder's (the bundled MiniLM: 384); a local
        ``model`` path is stored absolute, so the collection finds its encoder from any working folder.
        ``index`` is the one searches use unless told otherwise (kept with the collection): exact, hnsw,
        ivf, or a compressed one: int8, binary (with rescoring), pq. ``language`` (``"en"``, ``"ko"``, ...)
        chooses how lexical and hybrid searches split texts into terms (Korean: Kiwi morphemes). ``on_long``
        says what adding a text longer than the model reads does (truncate, window, error; default: the
        encoder's own); ``settings`` are kept with the collection (for kinds that keep more)."""
        check_choice("metric", metric, METRICS)
        if on_long is not None:
            check_choice("on_long", on_long, ON_LONG)
        if language is not None:
            language = check_choice("language", language, tuple(LANGUAGES))
        check_choice("index", index, INDEX_KINDS)
        if index == "binary" and metric != "cosine":
            raise ConfigError("a binary index needs the cosine metric")
        if model and Path(model).exists():
            model = str(Path(model).resolve())
        p = Path(path)
        if (p / _DB).exists():
            if exist_ok:
                return cls(p, encoder=encoder)
            raise ConfigError(f"{p} already holds a collection; open it with Collection({str(p)!r})")
        if dim is None:
            if encoder is None:
                from embedlab.encoders.factory import encoder_dim

                dim = encoder_dim(model)  # from the model's files: an empty collection needs no weights loaded
            else:
                dim = encoder.dim
        dim = check_int("dim", dim, 1)
        p.mkdir(parents=True, exist_ok=True)
        rows = {
            "format_version": FORMAT_VERSION,
            "dim": dim,
            "metric": metric,
            "model": model or "",
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "generation": 0,
            "index": index,
            "language": language or "",
            **({"on_long": on_long} if on_long else {}),
            **(settings or {}),
        }
        (p / _VECS).write_bytes(b"")
        create_database(p / _DB, rows)
        return cls(p, encoder=encoder)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @guarded
    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    @guarded
    def __contains__(self, doc_id: object) -> bool:
        return self._db.execute("SELECT 1 FROM docs WHERE id = ?", (str(doc_id),)).fetchone() is not None

    def __repr__(self) -> str:
        return f"Collection({str(self.path)!r}, docs={len(self):,}, dim={self.dim}, metric={self.metric!r})"

    @property
    @guarded
    def generation(self) -> int:
        """Counter bumped by every committed change (tells saved indexes they are stale)."""
        rows = dict(self._db.execute("SELECT key, value FROM settings WHERE key='generation'").fetchall())
        return int_setting(self.path / _DB, rows, "generation", 0, 2**62)

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from embedlab.encoders import load_encoder

            self._encoder = load_encoder(self.model)
            if self._encoder.dim != self.dim:
                raise ConfigError(
                    f"encoder {self.model!r} gives {self._encoder.dim}-d vectors, the collection holds {self.dim}-d"
                )
        return self._encoder

    # ------------------------------------------------------------------ writing
    @guarded
    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str] | None = None,
        *,
        vectors: np.ndarray | None = None,
        metadata: Sequence[dict[str, Any] | None] | None = None,
        upsert: bool = False,
        batch_size: int = 256,
        show_progress: Any = None,
    ) -> int:
        """Add documents; vectors are encoded from ``texts`` unless given. Returns how many were added.

        Documents are committed in batches of ``batch_size``: an interruption keeps every
        batch committed before it. With ``upsert=True`` an existing id is replaced; otherwise
        it is an error (nothing of that batch is written).
        """
        ids = [str(i) for i in ids]
        n = len(ids)
        if n == 0:
            raise ConfigError("nothing to add: ids is empty")
        if len(set(ids)) != n:
            raise ConfigError("ids must be unique within one add")
        if any(not i for i in ids):
            raise ConfigError("ids must be non-empty strings")
        for name, seq in (("texts", texts), ("metadata", metadata)):
            if seq is not None and len(seq) != n:
                raise ConfigError(f"{n} ids but {len(seq)} {name}")
        if texts is None and vectors is None:
            raise ConfigError("give texts (to encode) or vectors")
        metas = [check_metadata(m, i) for i, m in enumerate(metadata)] if metadata is not None else [{}] * n
        if vectors is not None:
            vectors = as_matrix(vectors, self.dim)
            if vectors.shape[0] != n:
                raise ConfigError(f"{n} ids but {vectors.shape[0]} vectors")
        if not upsert:
            existing = list(self._slots_of(ids))
            if existing:
                raise ConfigError(f"ids already in the collection: {existing[:5]}; replace them with upsert (--upsert)")
        batch_size = check_int("batch_size", batch_size, 1)
        added = 0
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            chunk_ids = ids[start:stop]
            chunk_texts: list[str | None] = list(texts[start:stop]) if texts is not None else [None] * (stop - start)
            if vectors is not None:
                vecs = vectors[start:stop]
            else:
                encode = getattr(self.encoder, "encode_documents", self.encoder.encode)  # E5: "passage: "
                long = {"on_long": self.on_long} if self.on_long else {}
                vecs = as_matrix(encode(chunk_texts, show_progress=False, **long), self.dim)
            self._commit(chunk_ids, chunk_texts, vecs, metas[start:stop])
            added += stop - start
            if callable(show_progress):
                show_progress("add", added, n)
        return added

    def upsert(self, ids: Sequence[str], texts: Sequence[str] | None = None, **kwargs: Any) -> int:
        """:meth:`add` that replaces documents whose id is already present."""
        return self.add(ids, texts, upsert=True, **kwargs)

    def _commit(self, ids: list[str], texts: list[str | None], vecs: np.ndarray, metas: list[dict]) -> None:
        vecs = prepare(vecs, self.dim, self.metric)
        # The write lock is taken first so that concurrent writers never share vector slots; the
        # rows are on disk (fsync) before the documents that point at them are committed.
        with self._write() as cur:
            top = cur.execute("SELECT MAX(slot) FROM docs").fetchone()[0]
            first = max(-1 if top is None else top, self._max_dead_slot(cur)) + 1
            # rows past the last committed slot belong to an add that never committed: reuse them
            self._file.write_at(first, vecs)
            slots = np.arange(first, first + len(ids), dtype=np.int64)
            old = self._slots_of(ids, cur)
            if old:
                cur.executemany("DELETE FROM docs WHERE id = ?", [(i,) for i in old])
                self._note_dead(cur, list(old.values()))
            cur.executemany(
                "INSERT INTO docs (id, slot, text, metadata) VALUES (?, ?, ?, ?)",
                [
                    (i, int(s), t, json.dumps(m, ensure_ascii=False))
                    for i, s, t, m in zip(ids, slots, texts, metas, strict=True)
                ],
            )
        for ann in self._ann.values():
            if old:
                ann.remove(np.fromiter(old.values(), dtype=np.int64))
            ann.add(vecs, slots)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction: the database's write lock, then commit with the generation
        counter bumped, or roll back on any error (Ctrl-C included)."""
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
            cur.execute("UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def _max_dead_slot(self, cur: Any = None) -> int:
        rows = dict((cur or self._db).execute("SELECT key, value FROM settings WHERE key='max_dead_slot'").fetchall())
        return int_setting(self.path / _DB, rows, "max_dead_slot", -1, 2**62, default=-1)

    def _note_dead(self, cur: sqlite3.Cursor, slots: list[int]) -> None:
        # slots freed by deletes are never reused (a saved ANN index may still name them)
        top = max([*slots, self._max_dead_slot(cur)])
        cur.execute("INSERT OR REPLACE INTO settings VALUES ('max_dead_slot', ?)", (str(top),))

    def _slots_of(self, ids: list[str], cur: Any = None) -> dict[str, int]:
        cur = cur or self._db
        out: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            q = f"SELECT id, slot FROM docs WHERE id IN ({','.join('?' * len(part))})"
            out.update({r[0]: int(r[1]) for r in cur.execute(q, part)})
        return out

    @guarded
    def delete(self, ids: Sequence[str] | str, *, missing_ok: bool = False) -> int:
        """Delete documents by id; an unknown id is an error unless ``missing_ok``."""
        ids = [ids] if isinstance(ids, str) else [str(i) for i in ids]
        slots = self._slots_of(ids)
        missing = [i for i in ids if i not in slots]
        if missing and not missing_ok:
            raise UnknownIdError(f"unknown id(s): {missing[:5]}; nothing was deleted")
        if not slots:
            return 0
        with self._write() as cur:
            cur.executemany("DELETE FROM docs WHERE id = ?", [(i,) for i in slots])
            self._note_dead(cur, list(slots.values()))
        for ann in self._ann.values():
            ann.remove(np.fromiter(slots.values(), dtype=np.int64))
        return len(slots)

    # ------------------------------------------------------------------ reading
    @guarded
    def get(self, doc_id: str) -> Hit:
        """The document ``doc_id`` (score 1.0); ConfigError when unknown."""
        row = self._db.execute("SELECT id, text, metadata FROM docs WHERE id = ?", (str(doc_id),)).fetchone()
        if row is None:
            raise UnknownIdError(f"unknown id {doc_id!r}")
        return Hit(row[0], 1.0, row[1], decode_metadata(self.path / _DB, row[0], row[2]))

    @guarded
    def slot_of(self, doc_id: str) -> int:
        """The vector slot of ``doc_id``; ConfigError when unknown."""
        row = self._db.execute("SELECT slot FROM docs WHERE id = ?", (str(doc_id),)).fetchone()
        if row is None:
            raise UnknownIdError(f"unknown id {doc_id!r}")
        return int(row[0])

    @guarded
    def metadata_for_slots(self, slots: np.ndarray, field: str | None) -> list[tuple[str, Any]]:
        """``(id, metadata[field])`` for each slot in ``slots`` (field None: ``(id, None)``)."""
        if field is not None:
            filter_sql({field: 0})  # validates the field name
            col = f"json_extract(metadata, '$.\"{field}\"')"
        else:
            col = "NULL"
        found = {r[0]: (r[1], r[2]) for r in self._db.execute(f"SELECT slot, id, {col} FROM docs")}
        return [found[int(s)] for s in slots]

    @guarded
    def titles_for_slots(self, slots: np.ndarray, length: int = 60) -> list[str]:
        """Each slot's ``title`` / ``name`` metadata, else its text's start, else its id."""
        return document_titles(self._db, slots, length)

    @guarded
    def ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM docs ORDER BY slot")]

    @guarded
    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """``(slots, matrix)`` of all live documents, slot order (cached until the next change)."""
        gen = self.generation
        if self._cache is not None and self._cache[0] == gen:
            return self._cache[1], self._cache[2]
        slots = self._live_slots()
        matrix = self._file.rows(slots)
        self._cache = (gen, slots, matrix)
        return slots, matrix

    # ------------------------------------------------------------------ search
    @guarded
    def search(
        self,
        queries: str | Sequence[str],
        k: int = 10,
        *,
        filter: dict[str, Any] | None = None,
        index: str | None = None,
        with_text: bool = True,
        mode: str | None = "dense",
        fusion: str = "rrf",
        lexical_weight: float = 1.0,
        chunk_score: str = "max",
    ) -> list[list[Hit]]:
        """The ``k`` best documents for each query text. ``mode``: ``"dense"`` (the query encoded with the
        collection's model), ``"lexical"`` (BM25 over the texts) or ``"hybrid"`` (both, fused by ``fusion``,
        ``"rrf"`` or ``"linear"``, over the top ``max(k, 100)`` of each, BM25 weighted ``lexical_weight``).
        ``chunk_score`` changes nothing here: a document is its own one chunk (max = soft max)."""
        from embedlab.encoders.base import check_texts
        from embedlab.index.fusion import CHUNK_SCORES, fuse_hybrid

        mode = check_choice("mode", mode or "dense", SEARCH_MODES)
        check_choice("chunk_score", chunk_score, CHUNK_SCORES)
        qs = check_texts([queries] if isinstance(queries, str) else list(queries))
        k = check_int("k", k, 1)
        depth = max(k, 100) if mode == "hybrid" else k
        rankings = []
        if mode != "lexical":
            qv = getattr(self.encoder, "encode_queries", self.encoder.encode)(qs, show_progress=False)
            rankings.append(self._search_slots(qv, depth, filter, index))
        if mode != "dense":
            allowed = self._filter_slots(filter) if filter else None
            rankings.append(self.lexical().search(qs, depth, allowed=allowed))
        found, scores = fuse_hybrid(rankings, k, fusion, lexical_weight) if mode == "hybrid" else rankings[0]
        return self._hits(found, scores, with_text)

    @guarded
    def search_vectors(
        self,
        queries: np.ndarray,
        k: int = 10,
        *,
        filter: dict[str, Any] | None = None,
        index: str | None = None,
        with_text: bool = True,
    ) -> list[list[Hit]]:
        """The ``k`` best documents for each query vector. ``index``: exact, hnsw, ivf, int8, binary or pq
        (default: the collection's own, chosen at creation)."""
        return self._hits(*self._search_slots(queries, k, filter, index), with_text)

    def _search_slots(
        self, queries: np.ndarray, k: int, filter: dict[str, Any] | None, index: str | None
    ) -> tuple[np.ndarray, np.ndarray]:
        index = check_choice("index", self.index if index is None else index, INDEX_KINDS)
        k = check_int("k", k, 1)
        q = as_matrix(queries, self.dim, "queries")
        allowed = self._filter_slots(filter) if filter else None
        if allowed is not None and index != "exact" and len(allowed) < _BRUTE_FORCE_BELOW:
            index = "exact"  # a graph walk finds too few neighbours inside a small filtered subset
        if index in _LEARNS_FROM and len(self) < _LEARNS_FROM[index]:
            index = "exact"  # too few documents yet to learn int8 ranges or PQ centroids from
        if index == "exact" and self._cache is None and not exact_fits(len(self._live_slots()), self.dim):
            blocks = self._live_rows(memory.STREAM_BLOCK)  # rows from disk, a block at a time
            found, scores = search_streamed(blocks, q, k, self.metric, allowed)
        elif index == "exact":
            from embedlab.index.exact import ExactIndex

            slots, matrix = self.vectors()
            if allowed is not None:
                keep = np.isin(slots, allowed)
                slots, matrix = slots[keep], matrix[keep]
            # the cached matrix holds unit rows already (cosine) and is searched in place
            found, scores = ExactIndex.from_matrix(matrix, slots, self.metric).search(q, k)
        else:
            found, scores = self.ann(index).search(q, k, allowed=allowed)
        return found, scores

    @guarded
    def ann(self, kind: str = "hnsw", **params: Any) -> Any:
        """The collection's index of ``kind`` (hnsw, ivf, int8, binary, pq), loaded from disk when current,
        else (re)built from the vector file block by block and saved."""
        from embedlab.search.saved_indexes import vector_index

        return vector_index(self, kind, params)

    @guarded
    def lexical(self) -> Any:
        """The collection's BM25 index over its documents' texts (tokenized for its ``language``),
        loaded from disk when current, else rebuilt from the texts and saved."""
        from embedlab.search.saved_indexes import lexical_index

        return lexical_index(self)

    def _live_rows(self, block: int = 65_536) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(slots, float32 rows)`` of the live documents, ``block`` at a time, read from the vector file."""
        slots = self.vectors()[0] if self._cache is not None else self._live_slots()
        for start in range(0, len(slots), block):
            part = slots[start : start + block]
            yield part, self._rows_of_slots(part)

    def _live_slots(self) -> np.ndarray:
        """The live documents' slots in order, read from the database once per generation (a search that
        streams the rows from disk needs them on every query)."""
        gen = self.generation
        if self._slots is not None and self._slots[0] == gen:
            return self._slots[1]
        if self._db.execute("SELECT 1 FROM docs WHERE typeof(slot) != 'integer' OR slot < 0 LIMIT 1").fetchone():
            raise damaged(self.path / _DB, "a document's vector slot is not a non-negative integer")
        slots = np.fromiter((r[0] for r in self._db.execute("SELECT slot FROM docs ORDER BY slot")), dtype=np.int64)
        self._slots = (gen, slots)
        return slots

    def _rows_of_slots(self, slots: np.ndarray) -> np.ndarray:
        """The stored rows of ``slots`` (read from the vector file, not the in-memory cache)."""
        return self._file.rows(slots)

    def _filter_slots(self, flt: dict[str, Any]) -> np.ndarray:
        where, args = filter_sql(flt)
        rows = self._db.execute(f"SELECT slot FROM docs WHERE {where}", args)
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def _hits(self, found: np.ndarray, scores: np.ndarray, with_text: bool) -> list[list[Hit]]:
        return hits_for(self._db, self.path / _DB, found, scores, with_text, Hit)
