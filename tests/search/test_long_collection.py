"""Long-document collections: documents kept whole, found by their chunks (max-sim or soft max) fused with
BM25, every hit with the passage that matched; adds, upserts and deletes keep the chunks in step."""

import numpy as np
import pytest

pytest.importorskip("bm25s")

from embedlab.errors import ConfigError
from embedlab.search.collection import Collection
from embedlab.search.long_collection import LongCollection, _group_scores, open_collection

FILLER = ("The committee met in the spring to discuss the harbour. Records of the town describe its mills, "
          "its bridges and the weather of each season. ")  # fmt: skip
NEEDLE = "Professor Alvarez keeps her violin in a locked blue cabinet."
QUERY = "Where does Alvarez store the violin?"


def long_doc(n_repeats, needle_at=None):
    parts = [FILLER] * n_repeats
    if needle_at is not None:
        parts.insert(needle_at, NEEDLE + " ")
    return "".join(parts)


@pytest.fixture
def col(tmp_path, minilm):
    c = LongCollection.create(tmp_path / "long", encoder=minilm, chunk_tokens=48)
    c.add(["n", "f", "s"], [long_doc(12, needle_at=7), long_doc(12), "A short note about cooking rice."],
          metadata=[{"lang": "en"}, {"lang": "en"}, {"lang": "fr"}])  # fmt: skip
    yield c
    c.close()


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_every_mode_finds_the_document_and_its_passage(col, mode):
    hit = col.search(QUERY, k=3, mode=mode)[0][0]
    assert hit.id == "n" and NEEDLE in hit.passage
    assert hit.text == long_doc(12, needle_at=7) and hit.text[hit.span[0] : hit.span[1]] == hit.passage
    assert hit.to_dict()["passage"] == hit.passage


def test_soft_max_an_ann_index_and_filters(col):
    assert col.search(QUERY, k=1, mode="dense", chunk_score="softmax")[0][0].id == "n"
    assert col.search(QUERY, k=1, mode="dense", index="hnsw")[0][0].id == "n"
    hits = col.search(QUERY, k=3, mode="hybrid", filter={"lang": "fr"})[0]
    assert [h.id for h in hits] == ["s"]
    with pytest.raises(ConfigError, match="chunk_score"):
        col.search(QUERY, chunk_score="mean")


def test_the_soft_max_lies_between_mean_and_best_and_ignores_the_chunk_count():
    s = np.array([0.9, 0.1, 0.1, 0.7, 0.7, 0.5, 0.5, 0.5, 0.5], np.float32)
    starts, ends = np.array([0, 3, 5]), np.array([3, 5, 9])
    np.testing.assert_allclose(_group_scores(s, starts, ends, "max"), [0.9, 0.7, 0.5])
    soft = _group_scores(s, starts, ends, "softmax")
    assert 0.3 < soft[0] < 0.9  # near its best chunk, below it
    assert soft[0] > 0.899  # the two weak chunks weigh nothing at t = 0.05
    np.testing.assert_allclose(soft[1:], [0.7, 0.5], rtol=1e-6)  # equal chunks: their score, however many
    # a document of two chunks scores the same as the same two chunks repeated four times
    twice = _group_scores(np.array([0.8, 0.6] * 4, np.float32), np.array([0, 2]), np.array([2, 8]), "softmax")
    assert twice[0] == pytest.approx(twice[1], rel=1e-6)


def chunks_of(col, doc_id):
    q = "SELECT COUNT(*) FROM docs WHERE json_extract(metadata, '$.doc') = ?"
    return col.chunks._db.execute(q, (doc_id,)).fetchone()[0]


def test_the_document_vector_is_its_chunks_mean(col, minilm):
    assert chunks_of(col, "n") > 5 and chunks_of(col, "s") == 1
    cm = col._chunk_map()
    rows = np.flatnonzero(cm.doc_slots == col.slot_of("f"))
    q = "SELECT json_extract(metadata, '$.tokens') FROM docs WHERE slot = ?"
    tokens = np.array([col.chunks._db.execute(q, (int(s),)).fetchone()[0] for s in cm.chunk_slots[rows]], float)
    assert len(tokens) == chunks_of(col, "f") and tokens.max() <= 48
    mean = (tokens[:, None] * cm.vectors[rows]).sum(axis=0)
    slots, matrix = col.vectors()
    got = matrix[np.searchsorted(slots, col.slot_of("f"))]
    np.testing.assert_allclose(got, mean / np.linalg.norm(mean), atol=1e-5)
    doc = col.search_vectors(minilm.encode([long_doc(12)], on_long="window"), k=1)[0][0]
    assert doc.id in ("n", "f")


def test_upserts_and_deletes_keep_the_chunks_in_step(col):
    before, of_n = len(col.chunks), chunks_of(col, "n")
    col.add(["n"], ["Only a short text now."], upsert=True)
    assert len(col.chunks) == before - of_n + 1 and chunks_of(col, "n") == 1
    hits = {h.id: h for h in col.search("a short text", k=3, mode="dense")[0]}
    assert hits["n"].passage == hits["n"].text == "Only a short text now."
    col.delete(["n", "f"])
    assert len(col) == 1 and len(col.chunks) == 1
    with pytest.raises(ConfigError, match="already in the collection"):
        col.add(["s"], ["again"])
    with pytest.raises(ConfigError, match="give texts"):
        col.add(["z"], vectors=np.zeros((1, 384)))


def test_chunks_left_by_an_interrupted_add_are_skipped_then_removed(col):
    # an add killed after writing its chunks, before committing its document
    col.chunks.add(["ghost#0.0"], vectors=np.ones((1, 384)), metadata=[{"doc": "ghost", "start": 0, "end": 5}])
    assert all(h.id != "ghost" for h in col.search(QUERY, k=5, mode="dense")[0])
    col.add(["ghost"], ["Now the ghost document is committed."])
    assert "ghost#0.0" not in col.chunks and col.get("ghost").text.startswith("Now")


def test_opening_and_creating(tmp_path, minilm, col):
    path = col.path
    col.close()
    again = open_collection(path, encoder=minilm)
    assert isinstance(again, LongCollection) and again.chunking == "late" and again.chunk_tokens == 48
    assert "chunks=" in repr(again)
    again.close()
    plain = Collection.create(tmp_path / "plain", encoder=minilm)
    assert type(open_collection(tmp_path / "plain")) is Collection
    with pytest.raises(ConfigError, match="short documents"):
        LongCollection(plain.path)
    with pytest.raises(ConfigError, match="chunking='naive'"):
        LongCollection.create(tmp_path / "e5", model="e5")
    with pytest.raises(ConfigError, match="chunking"):
        LongCollection.create(tmp_path / "bad", chunking="smart")


def test_naive_chunks_work_with_any_encoder(tmp_path, minilm):
    c = LongCollection.create(tmp_path / "naive", encoder=minilm, chunking="naive", chunk_tokens=48,
                              chunk_split="sentences")  # fmt: skip
    c.add(["n", "f"], [long_doc(12, needle_at=3), long_doc(12)])
    hit = c.search(QUERY, k=1, mode="dense")[0][0]
    assert hit.id == "n" and NEEDLE in hit.passage


def test_a_plain_collection_says_what_it_does_with_long_texts(tmp_path, minilm):
    c = Collection.create(tmp_path / "strict", encoder=minilm, on_long="error")
    with pytest.raises(ConfigError, match="longer than the model's 256 tokens"):
        c.add(["x"], [long_doc(20)])
    c.close()
    assert Collection(tmp_path / "strict").on_long == "error"
    with pytest.raises(ConfigError, match="on_long"):
        Collection.create(tmp_path / "bad", encoder=minilm, on_long="drop")


@pytest.mark.slow
def test_a_needle_is_found_in_documents_of_8k_tokens(tmp_path, minilm):
    n = 8192 // 28  # the filler is 28 tokens
    docs = [long_doc(n, needle_at=n * 2 // 3), long_doc(n), long_doc(n, needle_at=None).replace("harbour", "river")]
    assert minilm.token_counts(docs[:1])[0] >= 8000
    c = LongCollection.create(tmp_path / "8k", encoder=minilm)
    c.add(["needle", "plain", "river"], docs)
    for mode in ("dense", "hybrid"):
        hit = c.search(QUERY, k=1, mode=mode)[0][0]
        assert hit.id == "needle" and NEEDLE in hit.passage
