"""Long-document collections: each document kept whole, found by its chunks, fused with BM25.

A :class:`LongCollection` is a :class:`~embedlab.search.collection.Collection` of whole documents (id,
text, metadata, and one vector: the token-weighted mean of its chunk vectors, which ``search_vectors``,
similar documents and the explorer's map use) beside a collection of their chunks in ``chunks/``: one
vector per chunk, made late (chunks that saw the whole document) or naively (each chunk alone) by
:func:`~embedlab.encoders.chunking.chunk_documents`. A search scores each document by its best chunk
(``chunk_score="max"``, max-sim) or a soft maximum over its chunks (``"softmax"``); ``mode="hybrid"``
fuses that ranking with BM25 over the whole texts (Korean through Kiwi morphemes with ``language="ko"``).
Every hit carries the chunk that matched best as its ``passage``.

Layout of the folder::

    collection.db, vectors.f32   the documents (settings: chunking, chunk_tokens, chunk_split)
    chunks/                      a Collection of chunks: metadata ``doc``, ``start``, ``end`` (characters), ``tokens``

An add writes a batch's chunks first, then commits its documents, then drops the chunks the documents
had before: a process killed in between leaves chunks of no committed document, which searches skip and
the next add of that id removes.

>>> import tempfile
>>> col = LongCollection.create(tempfile.mkdtemp() + "/docs", chunk_tokens=32)
>>> doc = "The river runs through the old town. " * 30 + "Mina's pass key is 40721. Remember it."
>>> col.add(["a", "b"], [doc, "A short note about cooking rice."])
2
>>> hit = col.search("What is Mina's pass key?", k=1, mode="hybrid")[0][0]
>>> hit.id, "40721" in hit.passage
('a', True)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.encoders.chunking import CHUNK_MODES, chunk_documents
from embedlab.encoders.late import CHUNKINGS
from embedlab.errors import ConfigError
from embedlab.index.base import as_matrix, prepare
from embedlab.index.fusion import CHUNK_SCORES, SEARCH_MODES
from embedlab.search.collection import Collection
from embedlab.search.database import DB_FILE, guarded
from embedlab.search.documents import Hit

__all__ = ["CHUNK_SCORES", "LongCollection", "PassageHit", "open_collection"]

_CHUNKS = "chunks"
_SOFTMAX_TEMPERATURE = 0.05  # cosine differences of this size count; a document of many middling chunks does not win
_QUERY_BLOCK = 64


@dataclass
class PassageHit(Hit):
    """A document found by a :class:`LongCollection` search, with the chunk that matched best."""

    passage: str | None = None
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "passage": self.passage, "span": list(self.span) if self.span else None}


def open_collection(path: str | os.PathLike[str], *, encoder: Any = None) -> Collection:
    """The collection in ``path``: a :class:`LongCollection` where it was made as one, else a
    :class:`~embedlab.search.collection.Collection`."""
    col = Collection(path, encoder=encoder)
    if not col._settings.get("chunking"):
        return col
    col.close()
    return LongCollection(path, encoder=encoder)


class _ChunkMap:
    """Which document each live chunk belongs to, chunks grouped by document in text order."""

    def __init__(self, chunk_slots: np.ndarray, doc_slots: np.ndarray, spans: np.ndarray, vectors: np.ndarray):
        self.chunk_slots, self.doc_slots, self.spans, self.vectors = chunk_slots, doc_slots, spans, vectors
        change = np.flatnonzero(np.diff(doc_slots)) + 1
        self.starts = np.concatenate([[0], change]).astype(np.int64) if len(doc_slots) else np.zeros(0, np.int64)
        self.ends = np.append(self.starts[1:], len(doc_slots)).astype(np.int64)
        self.docs = doc_slots[self.starts] if len(doc_slots) else np.zeros(0, np.int64)  # one per group


class LongCollection(Collection):
    """A collection of long documents searched through their chunks (see the module docstring).

    Create with :meth:`create`, reopen with ``LongCollection(path)`` or :func:`open_collection`.
    """

    def __init__(self, path: str | os.PathLike[str], *, encoder: Any = None) -> None:
        super().__init__(path, encoder=encoder)
        raw = self._settings
        if not raw.get("chunking"):
            raise ConfigError(f"{path} holds a collection of short documents; open it with Collection({str(path)!r})")
        self.chunking: str = check_choice("chunking", raw["chunking"], CHUNK_MODES)
        self.chunk_tokens: int = check_int("chunk_tokens", int(raw.get("chunk_tokens", 128)), 1)
        self.chunk_split: str = check_choice("chunk_split", raw.get("chunk_split", "tokens"), CHUNKINGS)
        self.chunks = Collection(self.path / _CHUNKS)  # never encodes: it is handed its chunks' vectors
        self._map: tuple[tuple[int, int], _ChunkMap] | None = None

    @classmethod
    def create(  # type: ignore[override]
        cls,
        path: str | os.PathLike[str],
        *,
        chunking: str = "late",
        chunk_tokens: int = 128,
        chunk_split: str = "tokens",
        model: str | None = None,
        metric: str = "cosine",
        encoder: Any = None,
        exist_ok: bool = False,
        index: str = "exact",
        language: str | None = None,
        dim: int | None = None,
    ) -> LongCollection:
        """A new empty long-document collection. ``chunking``: ``"late"`` (MiniLM and other mean-pooling
        transformer models) or ``"naive"`` (any text encoder); chunks of about ``chunk_tokens`` tokens
        (``chunk_split="tokens"``) or whole sentences up to that (``"sentences"``). The other options are
        :meth:`Collection.create`'s; ``index`` is the chunks' (the documents are few beside them)."""
        check_choice("chunking", chunking, CHUNK_MODES)
        chunk_tokens = check_int("chunk_tokens", chunk_tokens, 4)
        check_choice("chunk_split", chunk_split, CHUNKINGS)
        p = Path(path)
        if (p / DB_FILE).exists():
            if exist_ok:
                return cls(p, encoder=encoder)
            raise ConfigError(f"{p} already holds a collection; open it with LongCollection({str(p)!r})")
        if chunking == "late":
            _check_late(model, encoder)
        kw = {"model": model, "metric": metric, "encoder": encoder, "dim": dim}
        Collection.create(p / _CHUNKS, index=index, exist_ok=True, **kw).close()
        settings = {"chunking": chunking, "chunk_tokens": chunk_tokens, "chunk_split": chunk_split}
        Collection.create(p, language=language, settings=settings, **kw).close()
        return cls(p, encoder=encoder)

    def close(self) -> None:
        self.chunks.close()
        super().close()

    def __repr__(self) -> str:
        return (f"LongCollection({str(self.path)!r}, docs={len(self):,}, chunks={len(self.chunks):,}, "
                f"chunking={self.chunking!r}, chunk_tokens={self.chunk_tokens})")  # fmt: skip

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
        batch_size: int = 16,
        show_progress: Any = None,
    ) -> int:
        """Chunk, encode and add whole documents; committed ``batch_size`` documents at a time (an
        interruption keeps every batch committed before it). Returns how many were added."""
        if vectors is not None:
            raise ConfigError("a long-document collection makes its vectors from the texts, chunk by chunk; give texts")
        ids = [str(i) for i in ids]
        if texts is None or len(texts) != len(ids):
            raise ConfigError(f"give one text per id ({len(ids)} ids, {0 if texts is None else len(texts)} texts)")
        if len(set(ids)) != len(ids) or any(not i for i in ids):
            raise ConfigError("ids must be unique, non-empty strings")
        if metadata is not None and len(metadata) != len(ids):
            raise ConfigError(f"{len(ids)} ids but {len(metadata)} metadata")
        if not upsert and (existing := list(self._slots_of(ids))):
            raise ConfigError(f"ids already in the collection: {existing[:5]}; replace them with upsert (--upsert)")
        batch_size = check_int("batch_size", batch_size, 1)
        metas = list(metadata) if metadata is not None else [None] * len(ids)
        added = 0
        for start in range(0, len(ids), batch_size):
            part = slice(start, min(len(ids), start + batch_size))
            added += self._add_batch(ids[part], [str(t) for t in texts[part]], metas[part], upsert)
            if callable(show_progress):
                show_progress("add", added, len(ids))
        return added

    def _add_batch(self, ids: list[str], texts: list[str], metas: list[Any], upsert: bool) -> int:
        chunked = chunk_documents(self.encoder, texts, chunking=self.chunking, chunk_tokens=self.chunk_tokens,
                                  split=self.chunk_split)  # fmt: skip
        tag = secrets.token_hex(4)  # new chunk ids never clash with a document's earlier chunks
        chunk_ids, chunk_meta, rows, doc_vecs = [], [], [], np.empty((len(ids), self.dim), dtype=np.float32)
        for d, (doc_id, doc) in enumerate(zip(ids, chunked, strict=True)):
            vecs = as_matrix(doc.vectors, self.dim)
            weights = np.asarray(doc.n_tokens, dtype=np.float32)
            weights = weights if weights.sum() > 0 else np.ones(len(vecs), dtype=np.float32)
            doc_vecs[d] = (weights[:, None] * prepare(vecs, self.dim, self.metric)).sum(axis=0) / weights.sum()
            for i, ((a, b), n) in enumerate(zip(doc.spans, doc.n_tokens, strict=True)):
                chunk_ids.append(f"{doc_id}#{tag}.{i}")
                chunk_meta.append({"doc": doc_id, "start": a, "end": b, "tokens": int(n)})
            rows.append(vecs)
        self.chunks.add(chunk_ids, vectors=np.concatenate(rows), metadata=chunk_meta, batch_size=len(chunk_ids))
        n = super().add(ids, texts, vectors=doc_vecs, metadata=metas, upsert=upsert, batch_size=len(ids))
        self._drop_chunks(ids, keep=set(chunk_ids))
        return n

    def _drop_chunks(self, doc_ids: list[str], keep: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Delete the chunks of ``doc_ids`` other than ``keep``."""
        stale: list[str] = []
        db = self.chunks._db
        for start in range(0, len(doc_ids), 500):
            part = doc_ids[start : start + 500]
            q = f"SELECT id FROM docs WHERE json_extract(metadata, '$.doc') IN ({','.join('?' * len(part))})"
            stale += [r[0] for r in db.execute(q, part) if r[0] not in keep]
        if stale:
            self.chunks.delete(stale, missing_ok=True)

    @guarded
    def delete(self, ids: Sequence[str] | str, *, missing_ok: bool = False) -> int:
        """Delete documents (and their chunks) by id; an unknown id is an error unless ``missing_ok``."""
        ids = [ids] if isinstance(ids, str) else [str(i) for i in ids]
        n = super().delete(ids, missing_ok=missing_ok)
        self._drop_chunks(ids)
        return n

    # ------------------------------------------------------------------ search
    def _chunk_map(self) -> _ChunkMap:
        """Live chunks of committed documents, grouped by document (cached until either side changes)."""
        gen = (self.generation, self.chunks.generation)
        if self._map is not None and self._map[0] == gen:
            return self._map[1]
        doc_slot = dict(self._db.execute("SELECT id, slot FROM docs").fetchall())
        rows = self.chunks._db.execute(
            "SELECT slot, json_extract(metadata, '$.doc'), json_extract(metadata, '$.start'), "
            "json_extract(metadata, '$.end') FROM docs"
        ).fetchall()
        rows = [(s, doc_slot[d], a, b) for s, d, a, b in rows if d in doc_slot]  # skip chunks of no document
        rows.sort(key=lambda r: (r[1], r[2]))
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
        slots, matrix = self.chunks.vectors()
        vectors = matrix[np.searchsorted(slots, arr[:, 0])] if len(arr) else matrix[:0]
        found = _ChunkMap(arr[:, 0], arr[:, 1], arr[:, 2:4], vectors)
        self._map = (gen, found)
        return found

    @guarded
    def search(  # type: ignore[override]
        self,
        queries: str | Sequence[str],
        k: int = 10,
        *,
        filter: dict[str, Any] | None = None,
        index: str | None = None,
        with_text: bool = True,
        mode: str | None = "hybrid",
        fusion: str = "rrf",
        chunk_score: str = "max",
        lexical_weight: float = 1.0,
    ) -> list[list[PassageHit]]:
        """The ``k`` best documents for each query, each with its best-matching chunk as ``passage``.

        ``mode``: ``"dense"`` (documents by their chunks' similarity, ``chunk_score`` ``"max"`` or
        ``"softmax"``), ``"lexical"`` (BM25 over the whole texts) or ``"hybrid"`` (both, fused by
        ``fusion`` over the top ``max(k, 100)`` of each, BM25's list weighted ``lexical_weight`` against the
        dense one's 1). ``filter`` applies to the documents' metadata; ``index`` to the chunks (exact: every
        chunk scored)."""
        from embedlab.encoders.base import check_texts
        from embedlab.index.fusion import fuse_hybrid

        mode = check_choice("mode", mode or "hybrid", SEARCH_MODES)
        check_choice("chunk_score", chunk_score, CHUNK_SCORES)
        qs = check_texts([queries] if isinstance(queries, str) else list(queries))
        k = check_int("k", k, 1)
        depth = max(k, 100) if mode == "hybrid" else k
        allowed = self._filter_slots(filter) if filter else None
        rankings, best = [], None
        qv = None
        if mode != "lexical":
            qv = getattr(self.encoder, "encode_queries", self.encoder.encode)(qs, show_progress=False)
            found, scores, best = self._dense(qv, depth, allowed, index, chunk_score)
            rankings.append((found, scores))
        if mode != "dense":
            rankings.append(self.lexical().search(qs, depth, allowed=allowed))
        found, scores = fuse_hybrid(rankings, k, fusion, lexical_weight) if mode == "hybrid" else rankings[0]
        hits = self._hits(found, scores, True)
        return [self._with_passages(q, row, best[i] if best is not None else {}, qv, i, with_text)
                for i, (q, row) in enumerate(zip(qs, hits, strict=True))]  # fmt: skip

    def _dense(
        self, qv: np.ndarray, depth: int, allowed: np.ndarray | None, index: str | None, chunk_score: str
    ) -> tuple[np.ndarray, np.ndarray, list[dict[int, int]]]:
        """Documents ranked by their chunks: ``(doc slots [q, depth], scores, [{doc slot: chunk row}])``."""
        cm = self._chunk_map()
        q = prepare(as_matrix(qv, self.dim, "queries"), self.dim, self.metric)
        index = self.chunks.index if index is None else index
        found = np.full((len(q), depth), -1, dtype=np.int64)
        out = np.full((len(q), depth), -np.inf, dtype=np.float32)
        best: list[dict[int, int]] = []
        if index == "exact" or len(cm.doc_slots) == 0:
            ok = np.ones(len(cm.docs), dtype=bool) if allowed is None else np.isin(cm.docs, allowed)
            for a in range(0, len(q), _QUERY_BLOCK):
                sims = self._similarities(q[a : a + _QUERY_BLOCK], cm.vectors)
                for j, s in enumerate(sims):
                    per_doc = _group_scores(s, cm.starts, cm.ends, chunk_score)
                    per_doc[~ok] = -np.inf
                    top = _top(per_doc, depth)
                    found[a + j, : len(top)], out[a + j, : len(top)] = cm.docs[top], per_doc[top]
                    best.append({int(cm.docs[t]): int(cm.starts[t] + np.argmax(s[cm.starts[t] : cm.ends[t]]))
                                 for t in top})  # fmt: skip
            return found, out, best
        # an ANN index over the chunks: group the best chunks it returns
        allowed_chunks = None if allowed is None else cm.chunk_slots[np.isin(cm.doc_slots, allowed)]
        per_q = min(len(cm.chunk_slots), max(50 * depth, 1000))
        slots, sims = self.chunks.ann(index).search(q, per_q, allowed=allowed_chunks)
        order = np.argsort(cm.chunk_slots)
        for i in range(len(q)):
            valid = slots[i] >= 0
            pos = order[np.searchsorted(cm.chunk_slots, slots[i][valid], sorter=order)]
            pos = pos[np.argsort(cm.doc_slots[pos], kind="stable")]  # the found chunks, grouped by document
            s = self._similarities(q[i : i + 1], cm.vectors[pos])[0].astype(np.float32)
            docs = cm.doc_slots[pos]
            starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]]) if len(docs) else np.zeros(0, np.int64)
            ends = np.append(starts[1:], len(docs))
            per_doc = _group_scores(s, starts, ends, chunk_score) if len(docs) else s
            top = _top(per_doc, depth)
            found[i, : len(top)], out[i, : len(top)] = docs[starts[top]], per_doc[top]
            best.append({int(docs[starts[t]]): int(pos[starts[t] + np.argmax(s[starts[t] : ends[t]])]) for t in top})
        return found, out, best

    def _similarities(self, q: np.ndarray, rows: np.ndarray) -> np.ndarray:
        sims = q @ rows.T
        if self.metric == "l2":  # larger is nearer: minus the squared distance
            sims = 2 * sims - (rows * rows).sum(axis=1)[None, :] - (q * q).sum(axis=1)[:, None]
        return sims

    def _with_passages(
        self, query: str, hits: list[Hit], best: dict[int, int], qv: np.ndarray | None, i: int, with_text: bool
    ) -> list[PassageHit]:
        cm = self._chunk_map()
        doc_slot = self._slots_of([h.id for h in hits])
        out = []
        for h in hits:
            slot = doc_slot[h.id]
            row = best.get(slot)
            if row is None:  # found by BM25 alone: the chunk with the query's terms, else its nearest one
                g = int(np.searchsorted(cm.docs, slot))
                if g < len(cm.docs) and cm.docs[g] == slot:
                    lo, hi = int(cm.starts[g]), int(cm.ends[g])
                    row = lo + self._lexical_best(query, h.text or "", cm.spans[lo:hi], qv, i, cm.vectors[lo:hi])
            span = (int(cm.spans[row][0]), int(cm.spans[row][1])) if row is not None else None
            passage = (h.text or "")[span[0] : span[1]] if span else None
            out.append(PassageHit(h.id, h.score, h.text if with_text else None, h.metadata, passage, span))
        return out

    def _lexical_best(
        self, query: str, text: str, spans: np.ndarray, qv: np.ndarray | None, i: int, vectors: np.ndarray
    ) -> int:
        if qv is not None:
            return int(np.argmax(self._similarities(prepare(qv[i : i + 1], self.dim, self.metric), vectors)[0]))
        tok = self.lexical().tokenizer
        terms = set(tok.tokenize(query))
        hits = [len(terms & set(tok.tokenize(text[a:b]))) for a, b in spans]
        return int(np.argmax(hits))


def _group_scores(s: np.ndarray, starts: np.ndarray, ends: np.ndarray, how: str) -> np.ndarray:
    """Each document's score from its chunks' (group ``starts[g]:ends[g]`` of ``s``)."""
    best = np.maximum.reduceat(s, starts)
    if how == "softmax":
        # the Boltzmann soft maximum: the chunks' scores averaged with softmax weights. It lies between the
        # mean and the best chunk and does not grow with the number of chunks (log-sum-exp adds up to
        # t * log(#chunks), which ranks long documents up for their length alone)
        e = np.exp((s - np.repeat(best, ends - starts)) / _SOFTMAX_TEMPERATURE)
        best = np.add.reduceat(e * s, starts) / np.add.reduceat(e, starts)
    return best.astype(np.float32)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, int(np.isfinite(scores).sum()))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def _check_late(model: str | None, encoder: Any) -> None:
    from embedlab.encoders.chunking import supports_late
    from embedlab.encoders.factory import MINILM_NAMES, is_model_name

    if encoder is not None:
        ok = supports_late(encoder)
    else:
        from embedlab.encoders.transformer import is_sentence_transformers_folder

        ok = model is None or (is_sentence_transformers_folder(model) if not is_model_name(model) else
                               str(model).lower() in MINILM_NAMES)  # fmt: skip
    if not ok:
        raise ConfigError(f"late chunking reads a transformer's token vectors (MiniLM, mean pooling); the model "
                          f"{model or encoder!r} cannot: create with chunking='naive' (--chunking naive)")  # fmt: skip
