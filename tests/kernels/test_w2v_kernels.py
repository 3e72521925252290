"""The numba kernels against the numpy reference of one update step."""

import numpy as np
import pytest

from embedlab.kernels._sgd import LOG_SIGMOID_TABLE, SIGMOID_TABLE
from embedlab.kernels.reference import cbow_step, sgns_step
from embedlab.kernels.word2vec import cbow_job, sgns_job

V, DIM, NOISE = 10, 16, 7


def setup(scale=0.3, seed=0):
    rng = np.random.default_rng(seed)
    syn0 = (rng.standard_normal((V, DIM)) * scale).astype(np.float32)
    syn1 = (rng.standard_normal((V, DIM)) * scale).astype(np.float32)
    keep = np.full(V, 2**32, dtype=np.uint64)  # no subsampling
    prob = np.zeros(V, dtype=np.uint64)  # every draw lands on NOISE
    prob[NOISE] = 2**32 - 1
    alias = np.full(V, NOISE, dtype=np.int32)
    return syn0, syn1, keep, prob, alias


def run(kernel, sentence, negative, syn0, syn1, keep, prob, alias, *extra):
    tokens = np.array(sentence, dtype=np.int32)
    offsets = np.array([0, len(sentence)], dtype=np.int64)
    stats = np.zeros(3)
    kernel(tokens, offsets, 0, 1, syn0, syn1, keep, prob, alias, 1, negative, 0.05, 0.05, 3,
           SIGMOID_TABLE, LOG_SIGMOID_TABLE, stats, *extra)  # fmt: skip
    return stats


def test_skipgram_kernel_equals_reference():
    sentence = [1, 2, 3, NOISE, 2]
    syn0, syn1, keep, prob, alias = setup()
    ref0, ref1 = syn0.copy(), syn1.copy()
    stats = run(sgns_job, sentence, 3, syn0, syn1, keep, prob, alias)
    for i, center in enumerate(sentence):  # window=1: neighbours at distance 1
        contexts = [sentence[j] for j in (i - 1, i + 1) if 0 <= j < len(sentence)]
        sgns_step(ref0, ref1, center, contexts, [NOISE] * 3, 0.05)
    np.testing.assert_allclose(syn0, ref0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1, ref1, rtol=1e-5, atol=1e-6)
    assert stats[1] == 8  # (context, centre) pairs
    assert stats[2] == len(sentence)


def test_cbow_kernel_equals_reference():
    sentence = [4, 1, 2, 3, 5]
    syn0, syn1, keep, prob, alias = setup(seed=1)
    ref0, ref1 = syn0.copy(), syn1.copy()
    stats = run(cbow_job, sentence, 4, syn0, syn1, keep, prob, alias)
    for i, center in enumerate(sentence):
        contexts = [sentence[j] for j in (i - 1, i + 1) if 0 <= j < len(sentence)]
        cbow_step(ref0, ref1, center, contexts, [NOISE] * 4, 0.05)
    np.testing.assert_allclose(syn0, ref0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1, ref1, rtol=1e-5, atol=1e-6)
    assert stats[1] == len(sentence)


def test_saturated_pairs_are_not_updated_but_counted_in_loss():
    syn0, syn1, keep, prob, alias = setup(scale=3.0, seed=2)
    syn0[:] = 2.0
    syn1[:] = 2.0  # every dot product is 64 >= MAX_EXP
    before0, before1 = syn0.copy(), syn1.copy()
    stats = run(sgns_job, [1, 2], 2, syn0, syn1, keep, prob, alias)
    assert np.array_equal(syn0, before0) and np.array_equal(syn1, before1)
    # positives cost ~0, each noise word costs ~64
    assert stats[0] == pytest.approx(2 * 2 * 64.0, rel=1e-3)


def test_noise_word_equal_to_centre_is_skipped():
    syn0, syn1, keep, prob, alias = setup(seed=3)
    ref0, ref1 = syn0.copy(), syn1.copy()
    run(sgns_job, [1, NOISE], 2, syn0, syn1, keep, prob, alias)
    sgns_step(ref0, ref1, 1, [NOISE], [NOISE] * 2, 0.05)
    sgns_step(ref0, ref1, NOISE, [1], [NOISE] * 2, 0.05)  # the reference drops noise == centre too
    np.testing.assert_allclose(syn0, ref0, rtol=1e-5, atol=1e-6)


def test_same_seed_same_result_and_subsampling_drops_words():
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, V, 5000).astype(np.int32)
    offsets = np.array([0, 2500, 5000], dtype=np.int64)
    _, _, _, prob, alias = setup()
    keep = np.full(V, 2**31, dtype=np.uint64)  # keep each word with probability 1/2
    outs = []
    for _ in range(2):
        syn0, syn1, *_ = setup(seed=4)
        stats = np.zeros(3)
        sgns_job(tokens, offsets, 0, 2, syn0, syn1, keep, prob, alias, 5, 3, 0.025, 0.0001, 42,
                 SIGMOID_TABLE, LOG_SIGMOID_TABLE, stats)  # fmt: skip
        outs.append((syn0, stats))
    assert np.array_equal(outs[0][0], outs[1][0])
    assert 2300 < outs[0][1][2] < 2700  # about half the words kept
