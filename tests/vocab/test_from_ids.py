"""EncodedCorpus.from_ids: integer sequences (walks, sessions) with no text code."""

import numpy as np
import pytest

from embedlab import ConfigError, CorpusError, Word2Vec
from embedlab.kernels._sgd import MAX_SENTENCE_LEN
from embedlab.vocab.encoded import EncodedCorpus


def test_from_ids_lists_and_flat_arrays_agree():
    a = EncodedCorpus.from_ids([[0, 1, 2], [], [2, 1]], keys=["x", "y", "z"])
    b = EncodedCorpus.from_ids(np.array([0, 1, 2, 2, 1]), np.array([0, 3, 3, 5]), keys=["x", "y", "z"])
    for c in (a, b):
        assert c.tokens.tolist() == [0, 1, 2, 2, 1] and c.offsets.tolist() == [0, 3, 5]  # the empty one is gone
        assert c.vocab.keys == ["x", "y", "z"] and c.vocab.counts.tolist() == [1, 2, 2]
        assert c.tokens.dtype == np.int32 and c.offsets.dtype == np.int64


def test_long_sequences_are_split_without_losing_ids():
    c = EncodedCorpus.from_ids([np.arange(2 * MAX_SENTENCE_LEN + 5) % 7])
    assert c.n_tokens == 2 * MAX_SENTENCE_LEN + 5 and np.diff(c.offsets).max() == MAX_SENTENCE_LEN
    assert c.vocab.keys == [str(i) for i in range(7)]


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        (([[0, -1]],), {}, ConfigError, "ids must be >= 0"),
        (([[0, 3]],), {"keys": ["a", "b"]}, ConfigError, "id 3 has no key"),
        (([],), {}, CorpusError, "empty"),
        ((np.array([0, 1]), np.array([0, 3])), {}, ConfigError, "offsets must start at 0 and end"),
    ],
)
def test_bad_ids_say_what_is_wrong(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        EncodedCorpus.from_ids(*args, **kwargs)


def test_sgns_trains_on_integer_walks():
    rng = np.random.default_rng(0)
    # two communities of 10 nodes: walks stay inside one community
    walks = [rng.integers(0, 10, 20) + 10 * (i % 2) for i in range(400)]
    corpus = EncodedCorpus.from_ids(walks, keys=[f"n{i}" for i in range(20)])
    kv = Word2Vec(dim=16, window=3, min_count=1, epochs=3, threads=1, sample=0).fit(corpus)
    same = np.mean([kv.similarity("n0", f"n{i}") for i in range(1, 10)])
    other = np.mean([kv.similarity("n0", f"n{i}") for i in range(10, 20)])
    assert same > other + 0.2, (same, other)
