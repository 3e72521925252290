import random
from collections import Counter

import numpy as np
import pytest

from conftest import write_lines
from embedlab.errors import CorpusError, FormatError
from embedlab.vocab import EncodedCorpus, Vocab
from embedlab.vocab.build import build_corpus, encode_sentences


def random_corpus(n_sent=400, vocab=300, seed=0):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    weights = [1.0 / (i + 1) for i in range(vocab)]  # Zipf-like
    return [rng.choices(words, weights, k=rng.randrange(1, 30)) for _ in range(n_sent)]


def reference_encoding(sentences, min_count):
    counts = Counter(w for s in sentences for w in s)
    order = {}
    for s in sentences:
        for w in s:
            order.setdefault(w, len(order))
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], order[w]))
    index = {w: i for i, w in enumerate(kept)}
    tokens, ends = [], []
    for s in sentences:
        ids = [index[w] for w in s if w in index]
        if ids:
            tokens.extend(ids)
            ends.append(len(tokens))
    return kept, [counts[w] for w in kept], tokens, [0, *ends]


@pytest.mark.parametrize("min_count", [1, 3, 10])
def test_build_matches_brute_force_counting(tmp_path, min_count):
    sents = random_corpus()
    path = write_lines(tmp_path / "c.txt", sents)
    corpus = build_corpus(path, min_count=min_count, cache_dir=False)
    words, counts, tokens, offsets = reference_encoding(sents, min_count)
    assert corpus.vocab.words == words
    assert corpus.vocab.counts.tolist() == counts
    assert corpus.tokens.tolist() == tokens
    assert corpus.offsets.tolist() == offsets
    assert corpus.stats["n_raw_tokens"] == sum(len(s) for s in sents)
    # the in-memory path agrees with the file path
    mem = encode_sentences(sents, min_count=min_count)
    assert mem.vocab.words == words and mem.tokens.tolist() == tokens


def test_table_growth_keeps_exact_counts(tmp_path):
    # many distinct words force the hash table and arena to grow several times
    sents = [[f"w{i}x{j}" for j in range(50)] for i in range(2000)] + [["w0x0"] * 5]
    path = write_lines(tmp_path / "big.txt", sents)
    corpus = build_corpus(path, min_count=1, cache_dir=False)
    assert len(corpus.vocab) == 100_000
    assert corpus.vocab.words[0] == "w0x0" and corpus.vocab.counts[0] == 6


def test_pruning_bounds_the_table_like_word2vec(tmp_path):
    sents = random_corpus(n_sent=2000, vocab=5000, seed=1)
    path = write_lines(tmp_path / "c.txt", sents)
    full = build_corpus(path, min_count=1, cache_dir=False)
    pruned = build_corpus(path, min_count=1, max_vocab_size=500, cache_dir=False)
    assert pruned.stats["pruned_below"] >= 1
    assert pruned.stats["n_distinct_seen"] <= 500
    # frequent words survive pruning with nearly their full counts
    top = full.vocab.words[:20]
    assert pruned.vocab.words[:20] == top
    for w in top:
        assert pruned.vocab.counts[pruned.vocab[w]] >= 0.9 * full.vocab.counts[full.vocab[w]]
    # every surviving token id is consistent with its word
    assert all(pruned.vocab.words[t] in full.vocab for t in pruned.tokens[:200].tolist())


def test_long_sentences_are_split(tmp_path):
    path = write_lines(tmp_path / "long.txt", [["a", "b"] * 12_500])
    corpus = build_corpus(path, min_count=1, cache_dir=False)
    assert np.diff(corpus.offsets).tolist() == [10_000, 10_000, 5_000]


def test_cache_is_reused_and_invalidated(tmp_path):
    path = write_lines(tmp_path / "c.txt", random_corpus())
    cache = tmp_path / "cache"
    first = build_corpus(path, min_count=2, cache_dir=cache)
    second = build_corpus(path, min_count=2, cache_dir=cache)
    assert first.stats["cache_hit"] is False and second.stats["cache_hit"] is True
    assert isinstance(second.tokens, np.memmap)
    assert second.tokens.tolist() == first.tokens.tolist()
    other = build_corpus(path, min_count=3, cache_dir=cache)
    assert other.stats["cache_hit"] is False
    write_lines(path, random_corpus(seed=5))
    changed = build_corpus(path, min_count=2, cache_dir=cache)
    assert changed.stats["cache_hit"] is False


def test_a_cached_corpus_hands_the_kernels_writeable_arrays(tmp_path):
    """numba types a read-only array apart: a memory-mapped cache read as read-only would make every training
    kernel compile a second time. The maps are copy-on-write, and token blocks are read into fresh arrays."""
    path = write_lines(tmp_path / "c.txt", random_corpus())
    build_corpus(path, min_count=2, cache_dir=tmp_path / "cache")
    corpus = build_corpus(path, min_count=2, cache_dir=tmp_path / "cache")
    assert corpus.stats["cache_hit"] and corpus.tokens.flags.writeable and corpus.offsets.flags.writeable
    reader = corpus.token_reader()
    block = reader(3, 40)
    assert block.flags.writeable and block.tolist() == corpus.tokens[3:40].tolist()
    reader.close()
    before = path.read_bytes()
    corpus.tokens[0] = -1  # a write stays in this process: the cache file is not changed
    again = build_corpus(path, min_count=2, cache_dir=tmp_path / "cache")
    assert again.tokens[0] != -1 and path.read_bytes() == before


def test_save_load_and_validation(tmp_path):
    corpus = encode_sentences(random_corpus(), min_count=2)
    out = corpus.save(tmp_path / "enc")
    back = EncodedCorpus.load(out)
    assert back.tokens.tolist() == corpus.tokens.tolist() and back.vocab.words == corpus.vocab.words
    np.save(out / "offsets.npy", np.asarray(corpus.offsets)[:-1])
    with pytest.raises(FormatError, match="does not match"):
        EncodedCorpus.load(out)
    with pytest.raises(FormatError, match="meta.json is missing"):
        EncodedCorpus.load(tmp_path)


def test_restrict_drops_rare_words_and_empty_sentences():
    corpus = encode_sentences([["a", "a", "b"], ["c"], ["a", "c", "b"], ["d"]], min_count=1)
    r = corpus.restrict(2)
    assert r.vocab.words == ["a", "b", "c"]
    assert [[r.vocab.words[t] for t in r.sentence(i)] for i in range(r.n_sentences)] == [
        ["a", "a", "b"],
        ["c"],
        ["a", "c", "b"],
    ]


def test_empty_and_too_rare_corpora(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    with pytest.raises(CorpusError, match="empty"):
        build_corpus(empty, cache_dir=False)
    rare = write_lines(tmp_path / "rare.txt", [["only", "once", "each"]])
    with pytest.raises(CorpusError, match="min_count=5"):
        build_corpus(rare, min_count=5, cache_dir=False)
    with pytest.raises(CorpusError, match="min_count=5"):
        encode_sentences([["x", "y"]], min_count=5)


def test_vocab_tsv_round_trip_and_errors(tmp_path):
    v = Vocab(["the", "왕"], [5, 2])
    v.save_tsv(tmp_path / "v.tsv")
    back = Vocab.load_tsv(tmp_path / "v.tsv")
    assert back.words == v.words and back.counts.tolist() == [5, 2]
    (tmp_path / "bad.tsv").write_text("word\tnotanumber\n")
    with pytest.raises(FormatError, match="line 1"):
        Vocab.load_tsv(tmp_path / "bad.tsv")


@pytest.mark.parametrize("count", ["١٢", "１２", "²", "1_000", " 7", "+7", "-7", str(2**63), str(2**64), "9" * 40, ""])
def test_a_count_that_int_would_misread_or_overflow_is_a_format_error(tmp_path, count):
    """Python's int() reads non-ASCII digits and underscores, and no int64 holds 2**63: every count of a
    saved vocabulary goes through one checked reader instead."""
    (tmp_path / "v.tsv").write_text(f"the\t5\nword\t{count}\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 2: expected a whole number"):
        Vocab.load_tsv(tmp_path / "v.tsv")
