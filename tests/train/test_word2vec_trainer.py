import _thread
import threading

import numpy as np
import pytest

from conftest import group_hit_rate, planted_sentences
from embedlab import ConfigError, CorpusError, TrainingInterrupted, Word2Vec
from embedlab.train.driver import job_bounds
from embedlab.vocab.build import encode_sentences


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_planted_groups_become_neighbours(planted_corpus, arch):
    kv = Word2Vec(arch=arch, dim=32, window=5, min_count=2, epochs=5, threads=2, sample=0).fit(planted_corpus)
    assert group_hit_rate(kv) > 0.9


def test_in_memory_and_file_corpora_train_the_same(planted_corpus):
    sents = planted_sentences()
    a = Word2Vec(dim=16, min_count=2, epochs=2, threads=1, seed=3).fit(sents)
    b = Word2Vec(dim=16, min_count=2, epochs=2, threads=1, seed=3).fit(planted_corpus)
    assert a.words == b.words
    assert np.array_equal(a.vectors, b.vectors)


def test_one_thread_and_a_seed_reproduce_bit_for_bit(planted_corpus):
    runs = [Word2Vec(dim=16, min_count=2, epochs=2, threads=1, seed=7).fit(planted_corpus) for _ in range(2)]
    assert np.array_equal(runs[0].vectors, runs[1].vectors)
    other = Word2Vec(dim=16, min_count=2, epochs=2, threads=1, seed=8).fit(planted_corpus)
    assert not np.array_equal(runs[0].vectors, other.vectors)


def test_loss_is_reported_per_epoch_and_falls(planted_corpus):
    seen = []
    w2v = Word2Vec(dim=16, min_count=2, epochs=4, threads=2, sample=0)
    w2v.fit(planted_corpus, callbacks=[seen.append])
    assert [e.epoch for e in seen] == [1, 2, 3, 4]
    losses = w2v.report.losses
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert w2v.report.words == 4 * w2v.report.corpus_tokens
    assert w2v.report.words_per_sec > 0


def test_defaults_follow_gensim():
    assert Word2Vec().config.lr == 0.025
    assert Word2Vec(arch="cbow").config.lr == 0.05
    c = Word2Vec().config
    assert (c.dim, c.window, c.negative, c.sample, c.min_count, c.epochs) == (100, 5, 5, 1e-3, 5, 5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dim": 0}, "dim must be an int >= 1 and <= 10000, got 0"),
        ({"window": -1}, "window must be an int >= 1, got -1"),
        ({"arch": "sg"}, "arch must be one of 'skipgram', 'cbow', got 'sg'"),
        ({"sample": -0.1}, "sample must be a number >= 0.0"),
        ({"alpha": 0}, "lr must be a number > 0.0"),  # gensim's alpha is lr here
        ({"epochs": 1.5}, "epochs must be an int"),
        ({"threads": 0}, "threads must be an int >= 1"),
    ],
)
def test_bad_parameters_say_what_is_wrong(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        Word2Vec(**kwargs)


def test_bad_corpora(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        Word2Vec().fit(tmp_path / "missing.txt")
    (tmp_path / "few.txt").write_text("a b c\n")
    with pytest.raises(CorpusError, match="min_count=5"):
        Word2Vec().fit(tmp_path / "few.txt")
    with pytest.raises(CorpusError, match="is a string"):
        Word2Vec(min_count=1).fit(["not", "tokenized"][0:1] and iter(["a sentence as a string"]))


def test_ctrl_c_stops_cleanly_with_the_weights_so_far(tmp_path):
    import signal

    sents = planted_sentences(n=60_000)
    w2v = Word2Vec(dim=64, min_count=2, epochs=50, threads=2, sample=0)
    assert w2v.corpus is None  # nothing yet

    enc = encode_sentences(sents, min_count=2)
    # a runner started in the background may have SIGINT ignored, and interrupt_main then does nothing
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    stop = threading.Timer(0.5, _thread.interrupt_main)
    try:
        stop.start()
        with pytest.raises(TrainingInterrupted, match="interrupted during epoch") as info:
            w2v.fit(enc)
    finally:
        stop.cancel()
        signal.signal(signal.SIGINT, saved)
    kv = info.value.vectors
    assert kv is not None and len(kv) == len(enc.vocab) and np.isfinite(kv.vectors).all()


def test_job_bounds_cover_every_sentence_once():
    offsets = np.array([0, 5, 6, 30, 31, 32, 90, 100])
    jobs = job_bounds(offsets, 10)
    assert jobs[0][0] == 0 and jobs[-1][1] == 7
    assert all(a < b for a, b in jobs) and all(jobs[i][1] == jobs[i + 1][0] for i in range(len(jobs) - 1))
