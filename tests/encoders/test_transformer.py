"""SentenceEncoder: equal to sentence-transformers, contextual token vectors, long texts."""

import numpy as np
import pytest

from embedlab.encoders import load_encoder
from embedlab.encoders.transformer import SentenceEncoder, _chunk_spans
from embedlab.errors import ConfigError, FormatError

TEXTS = [
    "A man is playing a guitar.",
    "Someone plays music on stage.",
    "ok",
    "The quick brown fox jumps over the lazy dog. " * 4,
    "한국어 문장도 인코딩된다.",
    "A man is playing a guitar.",
]


def test_encode_equals_sentence_transformers(minilm):
    ours = minilm.encode(TEXTS, batch_size=2)
    theirs = minilm.model.encode(TEXTS, batch_size=32, convert_to_numpy=True)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    np.testing.assert_array_equal(ours[0], ours[5])  # order restored after length sorting


def test_normalize_and_similarity_ranks_meaning(minilm):
    v = minilm.encode(
        ["A man is playing a guitar.", "A person plays an instrument.", "The stock market fell."], normalize=True
    )
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_token_vectors_depend_on_context(minilm):
    # "bank" by a river and "bank" for money: same word, different vectors, grouped by sense
    sentences = [
        "We sat on the river bank.",
        "The boat drifted toward the muddy bank of the stream.",
        "She deposited the cash at the bank.",
        "The bank approved my loan.",
    ]
    tv = minilm.encode_tokens(sentences)
    assert tv[0].tokens[0] == "[CLS]" and "bank" in tv[0].tokens
    assert tv[0].vectors.shape == (len(tv[0].tokens), 384)
    v = np.stack([t.word_vector("bank") for t in tv])
    sim = v @ v.T
    assert sim[0, 1] < 0.95 and sim[2, 3] < 0.95  # never the same vector twice
    same_sense = (sim[0, 1] + sim[2, 3]) / 2
    cross_sense = sim[:2, 2:].mean()
    assert same_sense > cross_sense + 0.03
    with pytest.raises(ConfigError, match="occurs 0 time"):
        tv[0].word_vector("loan")


def test_encode_long_pools_chunks(minilm):
    long_text = "Embeddings map words to vectors. " * 120
    res = minilm.encode_long([long_text, "short text"], chunk_tokens=64, overlap=16)
    assert res.n_chunks[0] > 5 and res.n_chunks[1] == 1
    np.testing.assert_allclose(res.vectors[1], minilm.encode(["short text"])[0], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(res.vectors, axis=1), 1.0, atol=1e-5)
    spans = res.chunk_spans[0]
    assert all(spans[i + 1][0] < spans[i][1] for i in range(len(spans) - 1))  # chunks overlap
    assert spans[-1][1] == len(long_text.rstrip())


def test_chunk_spans_cover_and_respect_words():
    word_ids = [0, 0, 1, 2, 2, 2, 3, 4, 5, 5]
    offsets = [(i, i + 1) for i in range(10)]
    spans = _chunk_spans(word_ids, offsets, window=4, overlap=1)
    assert spans[0][0] == 0 and spans[-1][1] == 10
    starts = {i for i in range(10) if i == 0 or word_ids[i] != word_ids[i - 1]}
    assert all(s in starts for s, _, _ in spans)


def test_bad_inputs(tmp_path, minilm):
    with pytest.raises(ConfigError, match="texts is empty"):
        minilm.encode([])
    with pytest.raises(ConfigError, match=r"texts\[1\] must be a str"):
        minilm.encode(["ok", 3])
    with pytest.raises(FileNotFoundError):
        SentenceEncoder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FormatError, match="not a sentence-transformers model folder"):
        SentenceEncoder(tmp_path / "empty")
    with pytest.raises(FileNotFoundError):
        load_encoder(tmp_path / "nothing-here")


def test_bfloat16_precision_stays_close_to_float32(minilm):
    fast = SentenceEncoder(precision="bfloat16")
    a = minilm.encode(TEXTS, normalize=True)
    b = fast.encode(TEXTS, normalize=True)
    assert b.dtype == np.float32
    assert (a * b).sum(axis=1).min() > 0.999
    with pytest.raises(ConfigError, match="precision must be one of"):
        SentenceEncoder(precision="int4")


def test_int8_precision_keeps_the_vectors_and_the_ranking(minilm):
    small = SentenceEncoder(precision="int8")
    assert "int8" in repr(small)
    a = minilm.encode(TEXTS, normalize=True)
    b = small.encode(TEXTS, normalize=True)
    assert b.dtype == np.float32 and (a * b).sum(axis=1).min() > 0.9  # a two-letter text moves most
    q = small.encode(["someone is making music"], normalize=True)[0]
    d = small.encode(["A man plays the guitar.", "The stock market crashed."], normalize=True)
    assert d[0] @ q > d[1] @ q


def test_encoder_dim_reads_the_files_without_loading_the_model(tmp_path, monkeypatch):
    import embedlab.encoders.factory as factory
    from embedlab.encoders.factory import encoder_dim
    from embedlab.vectors.keyed import KeyedVectors

    def no_loading(*_a, **_k):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(factory, "load_encoder", no_loading)
    assert encoder_dim(None) == 384  # the bundled MiniLM, from 1_Pooling/config.json
    monkeypatch.undo()
    KeyedVectors(["a", "b"], np.ones((2, 7), np.float32)).save(tmp_path / "words")
    assert encoder_dim(tmp_path / "words") == 7


def test_truncation_is_counted_and_said_once(monkeypatch):
    """'word' is one MiniLM token: 300 of them and [CLS]/[SEP] are 302 tokens, 46 past the 256 it reads."""
    import warnings

    from embedlab.encoders.transformer import SentenceEncoder

    said: list[str] = []  # warnings.warn itself, not the filters: a map thread of another test may reset those
    # only ours: torch may warn of its own deprecations on a process's first forward pass
    monkeypatch.setattr(warnings, "warn", lambda message, *a, **kw: said.append(str(message))
                        if "longer than the model's" in str(message) else None)  # fmt: skip
    enc = SentenceEncoder()
    long_text = " ".join(["word"] * 300)
    assert enc.token_counts([long_text, "a word"]).tolist() == [302, 4]
    enc.encode([long_text, "a word"])
    assert enc.last_truncation.as_dict() == {"truncated_texts": 1, "truncated_tokens": 46, "max_tokens": 256}
    assert len(said) == 1 and "1 of 2 texts were longer than the model's 256 tokens" in said[0]
    enc.encode([long_text, long_text])  # said once per encoder, counted every time
    assert enc.last_truncation.texts == 2 and enc.last_truncation.tokens == 92 and len(said) == 1
    enc.encode(["a word"])
    assert not enc.last_truncation and enc.last_truncation.of == 1


def test_on_long_error_and_window(minilm):
    from embedlab.encoders.transformer import SentenceEncoder

    long_text = "Embeddings map words to vectors. " * 120
    strict = SentenceEncoder(on_long="error")
    with pytest.raises(ConfigError, match=r"1 of 2 texts are longer than the model's 256 tokens \(text 0 has"):
        strict.encode([long_text, "short text"])
    np.testing.assert_allclose(strict.encode(["short text"]), minilm.encode(["short text"]), atol=1e-6)
    windowed = SentenceEncoder(on_long="window")
    got = windowed.encode([long_text, "short text"])
    assert not windowed.last_truncation
    np.testing.assert_allclose(got[0], minilm.encode_long([long_text]).vectors[0], atol=1e-5)
    np.testing.assert_allclose(got[1], minilm.encode(["short text"])[0], atol=1e-6)
    with pytest.raises(ConfigError, match="on_long"):
        SentenceEncoder(on_long="cut")
