"""Chunk vectors of long documents: late and naive cut at the same places; naive is each chunk's plain
encoding; encoders without a sub-word tokenizer are cut by words."""

import numpy as np
import pytest

from embedlab.encoders.chunking import chunk_documents, chunk_spans, supports_late
from embedlab.errors import ConfigError

DOC = " ".join(f"Sentence number {i} is about the river and topic {i % 5}." for i in range(60))


class WordCounter:
    """An encoder with no tokenizer: a vector of counts of a few words."""

    dim = 3

    def encode(self, texts, batch_size=32, normalize=False, show_progress=False):
        words = ("river", "topic", "number")
        return np.array([[t.split().count(w) + 0.5 for w in words] for t in texts], dtype=np.float32)


def test_late_and_naive_chunks_cut_at_the_same_places(minilm):
    late = chunk_documents(minilm, [DOC], chunking="late", chunk_tokens=40)[0]
    naive = chunk_documents(minilm, [DOC], chunking="naive", chunk_tokens=40)[0]
    assert late.spans == naive.spans and late.n_tokens == naive.n_tokens
    assert max(late.n_tokens) <= 40 and sum(late.n_tokens) == len(minilm.tokenizer.tokenize(DOC))
    np.testing.assert_allclose(naive.vectors, minilm.encode(naive.passages()), atol=1e-5)
    # late vectors saw the rest of the document: close to the naive ones, not equal to them
    cos = (late.vectors * naive.vectors).sum(axis=1)
    assert cos.min() > 0.5 and cos.max() < 0.9999


def test_sentence_chunks_end_at_sentence_ends(minilm):
    doc = chunk_documents(minilm, [DOC], chunking="naive", chunk_tokens=50, split="sentences")[0]
    assert all(p.rstrip().endswith(".") for p in doc.passages())


def test_an_encoder_without_a_tokenizer_is_cut_by_words():
    enc = WordCounter()
    assert not supports_late(enc)
    ((spans, counts),) = chunk_spans(enc, [DOC], 25, "tokens")
    assert counts[:-1] == [25] * (len(counts) - 1) and sum(counts) == len(DOC.split())
    assert spans[0][0] == 0 and spans[-1][1] == len(DOC)
    doc = chunk_documents(enc, [DOC], chunking="naive", chunk_tokens=25)[0]
    np.testing.assert_allclose(doc.vectors, enc.encode(doc.passages()))
    with pytest.raises(ConfigError, match="chunking='naive'"):
        chunk_documents(enc, [DOC], chunking="late")


def test_bad_options_are_refused(minilm):
    with pytest.raises(ConfigError, match="chunking"):
        chunk_documents(minilm, [DOC], chunking="smart")
    with pytest.raises(ConfigError, match="chunk_tokens"):
        chunk_documents(minilm, [DOC], chunk_tokens=0)
