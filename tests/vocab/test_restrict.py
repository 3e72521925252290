"""Rare words dropped from a corpus on disk, a block at a time: the same corpus as the in-memory path,
written once beside the source and reused, in the memory of a block."""

import tracemalloc

import numpy as np

from embedlab.vocab.encoded import EncodedCorpus


def corpus_on_disk(tmp_path, n=200_000, vocab=300, seed=0, mean_length=7):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab + 1) ** 1.2
    tokens = rng.choice(vocab, size=n, p=p / p.sum())
    cuts = np.sort(rng.choice(np.arange(1, n), size=n // mean_length, replace=False))
    offsets = np.concatenate([[0], cuts, [n]]).astype(np.int64)
    mem = EncodedCorpus.from_ids(tokens, offsets, keys=[f"w{i}" for i in range(vocab)])
    mem.save(tmp_path / "c")
    return mem, EncodedCorpus.load(tmp_path / "c")


def restrict_in_blocks(disk, min_count, keep, block, monkeypatch=None):
    """``disk.restrict(min_count)`` reading blocks of ``block`` tokens."""
    import embedlab.vocab.restrict as r

    old = r.restrict_arrays.__defaults__
    r.restrict_arrays.__defaults__ = (block,)
    try:
        got = disk._restricted_on_disk(keep, min_count)
    finally:
        r.restrict_arrays.__defaults__ = old
    return got


def test_the_same_corpus_as_in_memory_written_once(tmp_path):
    mem, disk = corpus_on_disk(tmp_path)
    for min_count in (5, 40, 400):
        want = mem.restrict(min_count)
        got = restrict_in_blocks(disk, min_count, len(want.vocab), 997)  # blocks cut sentences anywhere
        assert got.path == tmp_path / f"c.min{min_count}" and isinstance(got.tokens, np.memmap)
        np.testing.assert_array_equal(got.tokens, want.tokens)
        np.testing.assert_array_equal(got.offsets, want.offsets)
        assert got.vocab.words == want.vocab.words and got.n_tokens == want.stats["n_tokens"]
    again = disk.restrict(400)  # the method takes the on-disk path, and the folder written before
    stamp = (tmp_path / "c.min400" / "tokens.npy").stat().st_mtime_ns
    assert again.path == tmp_path / "c.min400" and disk.restrict(400).n_tokens == again.n_tokens
    assert (tmp_path / "c.min400" / "tokens.npy").stat().st_mtime_ns == stamp


def test_a_damaged_restricted_folder_is_made_again(tmp_path):
    _, disk = corpus_on_disk(tmp_path, n=20_000)
    want = np.array(disk.restrict(40).offsets)  # a copy: the file under the map is about to be damaged
    (tmp_path / "c.min40" / "offsets.npy").unlink()
    (tmp_path / "c.min40" / "offsets.npy").write_bytes(b"not npy")
    np.testing.assert_array_equal(disk.restrict(40).offsets, want)


def test_memory_is_one_block(tmp_path):
    _, disk = corpus_on_disk(tmp_path, n=2_000_000, vocab=2000, mean_length=50)
    tracemalloc.start()
    restrict_in_blocks(disk, 10, 500, 65_536)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 0.25 * disk.n_tokens * 4  # 8 MB of ids; a block and the sentence ends (0.3 MB) in memory


def test_a_folder_that_cannot_be_written_beside_is_restricted_in_memory(tmp_path, monkeypatch):
    mem, disk = corpus_on_disk(tmp_path, n=20_000)

    def refuse(*a, **k):
        raise PermissionError("read-only")

    monkeypatch.setattr("embedlab.vocab.encoded.atomic_dir", refuse)
    got = disk.restrict(40)
    assert got.path is None and not (tmp_path / "c.min40").exists()
    np.testing.assert_array_equal(got.tokens, mem.restrict(40).tokens)
