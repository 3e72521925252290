"""Late chunking: chunks cover every token once, a document that fits one window is its plain encoding,
each token is read from the window where it is most central."""

import itertools

import numpy as np
import pytest

from embedlab.encoders.late import _central_window, late_chunks, token_chunks, window_starts
from embedlab.errors import ConfigError


def test_windows_and_the_central_one():
    assert window_starts(10, 4, 2) == [0, 2, 4, 6]
    assert window_starts(4, 4, 2) == [0]
    starts = window_starts(10, 4, 2)
    # token 3 is on window 0's edge and one in from window 1's: window 1 reads it
    assert _central_window(10, starts, 4).tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]


@pytest.mark.parametrize("size", [1, 3, 7, 50])
def test_token_chunks_cover_every_token_once_without_cutting_words(size):
    rng = np.random.default_rng(size)
    word_ids = np.repeat(np.arange(40), rng.integers(1, 4, 40)).tolist()
    chunks = token_chunks(word_ids, size)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(word_ids)
    assert all(a < b and b == c for (a, b), (c, _) in itertools.pairwise(chunks))
    if size >= 3:  # no word is longer than 3 pieces, so none is cut
        assert all(b == len(word_ids) or word_ids[b] != word_ids[b - 1] for _, b in chunks)


def test_a_document_that_fits_one_window_is_its_plain_encoding(minilm):
    text = "Late chunking keeps the context of the whole document."
    one = late_chunks(minilm, [text], chunk_tokens=512)[0]
    assert one.windows == 1 and one.spans == [(0, len(text))]
    np.testing.assert_allclose(one.vectors[0], minilm.encode([text])[0], atol=1e-5)


def test_long_documents_are_read_in_windows_and_every_token_is_in_a_chunk(minilm):
    doc = " ".join(f"Sentence number {i} talks about topic {i % 7}." for i in range(120))
    n = int(minilm.token_counts([doc])[0]) - 2
    for chunking in ("tokens", "sentences"):
        got = minilm.encode_late([doc], chunk_tokens=64, chunking=chunking)[0]
        assert got.windows > 1 and sum(got.n_tokens) == n and max(got.n_tokens) <= 64
        np.testing.assert_allclose(np.linalg.norm(got.vectors, axis=1), 1.0, atol=1e-5)
        assert got.spans[0][0] == 0 and got.spans[-1][1] == len(doc)
    sentences = minilm.encode_late([doc], chunk_tokens=64, chunking="sentences")[0].passages()
    assert all(p.rstrip().endswith(".") for p in sentences)


def test_a_late_chunk_knows_its_document(minilm):
    """The pass-key sentence, read in its document, is closer to the document's topic than the same
    sentence encoded alone (MiniLM: about 0.10 against -0.04)."""
    filler = "The history of the Korean peninsula spans many dynasties and kingdoms. " * 40
    doc = filler + "The pass key is 71432. " + filler
    late = minilm.encode_late([doc], chunk_tokens=8, chunking="sentences")[0]
    i = next(j for j, p in enumerate(late.passages()) if "71432" in p)
    alone = minilm.encode([late.passages()[i]], normalize=True)[0]
    topic = minilm.encode(["Korean history and dynasties"], normalize=True)[0]
    assert late.passages()[i] == "The pass key is 71432."
    assert float(late.vectors[i] @ topic) > float(alone @ topic) + 0.05


def test_bad_settings(minilm):
    with pytest.raises(ConfigError, match="chunking"):
        late_chunks(minilm, ["x"], chunking="pages")
    with pytest.raises(ConfigError, match="overlap must be smaller"):
        late_chunks(minilm, ["x"], overlap=10_000)
    with pytest.raises(ConfigError, match="texts is empty"):
        late_chunks(minilm, [])


def test_documents_late_chunked_together_or_alone_get_the_same_vectors(minilm):
    """Windows of several documents run in shared batches, and a repeated window is run once: neither
    changes a vector."""
    docs = [
        "The harbour was busy all summer. " * 50 + "Mina's pass key is 40721.",
        "Short text about rice.",
        "The harbour was busy all summer. " * 50 + "Joon's pass key is 11111.",
    ]
    together = late_chunks(minilm, docs, chunk_tokens=32, batch_size=4)
    for doc, got in zip(docs, together, strict=True):
        alone = late_chunks(minilm, [doc], chunk_tokens=32, batch_size=1)[0]
        assert got.spans == alone.spans
        np.testing.assert_allclose(got.vectors, alone.vectors, atol=2e-5)
