"""FastText and GloVe kernels against their numpy references; Word2Vec's noise shared per window."""

import numpy as np
import pytest

from embedlab.kernels._sgd import LOG_SIGMOID_TABLE, SIGMOID_TABLE
from embedlab.kernels.fasttext import ft_cbow_job, ft_skipgram_job
from embedlab.kernels.glove import glove_job, glove_rates
from embedlab.kernels.reference import ft_cbow_step, ft_skipgram_step, glove_step
from embedlab.kernels.word2vec import sgns_job
from embedlab.vocab.sampling import alias_table

V, BUCKET, DIM, NOISE = 8, 5, 16, 7


def subwords():
    """Word w has its own row and n-gram rows V + w % BUCKET and V + (w * 3) % BUCKET (distinct)."""
    rows = [[w, V + w % BUCKET, V + (w * 3 + 1) % BUCKET] for w in range(V)]
    rows = [list(dict.fromkeys(r)) for r in rows]
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    return rows, offsets, np.array([x for r in rows for x in r], dtype=np.int64)


def setup(seed):
    rng = np.random.default_rng(seed)
    syn0 = (rng.standard_normal((V + BUCKET, DIM)) * 0.3).astype(np.float32)
    syn1 = (rng.standard_normal((V, DIM)) * 0.3).astype(np.float32)
    keep = np.full(V, 2**32, dtype=np.uint64)  # no subsampling
    prob = np.zeros(V, dtype=np.uint64)  # every draw lands on NOISE
    prob[NOISE] = 2**32 - 1
    alias = np.full(V, NOISE, dtype=np.int32)
    return syn0, syn1, keep, prob, alias


def run_ft(kernel, sentence, negative, seed):
    rows, sub_offsets, sub_ids = subwords()
    syn0, syn1, keep, prob, alias = setup(seed)
    ref0, ref1 = syn0.copy(), syn1.copy()
    tokens = np.array(sentence, dtype=np.int32)
    stats = np.zeros(3)
    kernel(tokens, np.array([0, len(sentence)], dtype=np.int64), 0, 1, sub_offsets, sub_ids, syn0, syn1, keep,
           prob, alias, 1, negative, 0.05, 0.05, 3, SIGMOID_TABLE, LOG_SIGMOID_TABLE, stats)  # fmt: skip
    return rows, (syn0, syn1), (ref0, ref1), stats


def neighbours(sentence, i):
    return [sentence[j] for j in (i - 1, i + 1) if 0 <= j < len(sentence)]  # window=1


def test_fasttext_skipgram_kernel_equals_reference():
    sentence = [1, 2, 3, NOISE, 2, 0]
    rows, (syn0, syn1), (ref0, ref1), stats = run_ft(ft_skipgram_job, sentence, 3, seed=0)
    for i, center in enumerate(sentence):
        contexts = neighbours(sentence, i)
        ft_skipgram_step(ref0, ref1, rows[center], contexts, [[NOISE] * 3 for _ in contexts], 0.05)
    np.testing.assert_allclose(syn0, ref0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1, ref1, rtol=1e-5, atol=1e-6)
    assert stats[1] == 10 and stats[2] == len(sentence)  # (centre, context) pairs; words


def test_fasttext_cbow_kernel_equals_reference():
    sentence = [4, 1, 2, 3, 5]
    rows, (syn0, syn1), (ref0, ref1), stats = run_ft(ft_cbow_job, sentence, 4, seed=1)
    for i, center in enumerate(sentence):
        ft_cbow_step(ref0, ref1, center, [rows[c] for c in neighbours(sentence, i)], [NOISE] * 4, 0.05)
    np.testing.assert_allclose(syn0, ref0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1, ref1, rtol=1e-5, atol=1e-6)
    assert stats[1] == len(sentence)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])  # embedlab's default and the C tool's precision
@pytest.mark.parametrize("bias_eta", [0.05, 1.0])  # the GloVe paper's rule and the C tool's
def test_glove_kernel_equals_reference_on_both_halves_of_each_entry(bias_eta, dtype):
    rng = np.random.default_rng(2)
    n, dim, x_max, power, eta = 6, 8, 10.0, 0.75, 0.05
    rows = np.array([0, 0, 1, 2, 3, 4, 5, 2], dtype=np.int32)
    cols = np.array([1, 0, 3, 5, 3, 5, 5, 4], dtype=np.int32)  # diagonal entries (0,0), (3,3), (5,5) included
    vals = np.array([3.0, 12.0, 1.0, 0.5, 40.0, 2.5, 7.0, 1.5])
    W, Wt = [((rng.random((n, dim)) - 0.5) / dim).astype(dtype) for _ in range(2)]
    bw, bwt = [((rng.random(n) - 0.5) / dim).astype(dtype) for _ in range(2)]
    gW, gWt = np.ones((n, dim), dtype), np.ones((n, dim), dtype)
    gbw, gbwt = np.ones(n, dtype), np.ones(n, dtype)
    ref = [a.copy() for a in (W, Wt, bw, bwt, gW, gWt, gbw, gbwt)]
    fx = np.where(vals >= x_max, 1.0, (vals / x_max) ** power).astype(dtype)
    logx = np.log(vals).astype(dtype)
    perm = np.array([3, 0, 7, 1, 6, 2, 5, 4], dtype=np.int64)
    stats = np.zeros(3)
    rates = glove_rates(eta, bias_eta, dtype)
    glove_job(perm, 0, len(perm), rows, cols, logx, fx, W, Wt, bw, bwt, gW, gWt, gbw, gbwt, rates, stats)
    entries = [(int(rows[e]), int(cols[e]), float(vals[e])) for e in perm]
    cost = sum(glove_step(*ref, i, j, x, x_max, power, eta, bias_eta) for i, j, x in entries)
    tol = {"rtol": 2e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-13}
    for ours, theirs in zip((W, Wt, bw, bwt, gW, gWt, gbw, gbwt), ref, strict=True):
        assert ours.dtype == dtype
        np.testing.assert_allclose(ours, theirs, **tol)
    assert stats[0] == pytest.approx(cost, rel=1e-4)
    assert stats[1] == 2 * len(perm) - 3 and stats[2] == len(perm)  # diagonal entries train once


def test_skipgram_shares_noise_words_across_a_centres_window():
    """pWord2Vec's scheme: one set of noise words per centre word, reused by every context word
    of its window; per-pair draws would touch about (2 x mean window) times as many noise rows."""
    n_tokens, window, negative, v = 60, 4, 5, 200_000
    tokens = np.arange(n_tokens, dtype=np.int32)  # all distinct; noise comes only from rows >= n_tokens
    weights = np.ones(v)
    weights[:n_tokens] = 0.0
    prob, alias = alias_table(weights)
    rng = np.random.default_rng(5)
    syn0 = (rng.standard_normal((v, 8)) * 0.1).astype(np.float32)
    syn1 = np.zeros((v, 8), dtype=np.float32)
    stats = np.zeros(3)
    sgns_job(tokens, np.array([0, n_tokens], dtype=np.int64), 0, 1, syn0, syn1, np.full(v, 2**32, np.uint64),
             prob, alias, window, negative, 0.025, 0.025, 11, SIGMOID_TABLE, LOG_SIGMOID_TABLE, stats)  # fmt: skip
    touched = int(np.count_nonzero(np.abs(syn1[n_tokens:]).sum(axis=1)))
    pairs = int(stats[1])
    assert pairs >= 2 * n_tokens  # windows of 1..4 words on each side
    # shared per centre: at most `negative` new rows per centre (collisions among 200k rows are rare)
    assert 0.9 * n_tokens * negative <= touched <= n_tokens * negative, (touched, pairs)
    assert touched < 0.6 * pairs * negative  # what per-pair draws would give
