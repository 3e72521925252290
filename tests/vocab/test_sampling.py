import numpy as np

from embedlab.kernels._common import draw_alias, xorshift
from embedlab.vocab.sampling import alias_table, keep_thresholds, noise_weights


def test_keep_thresholds_follow_word2vec_formula():
    counts = np.array([1_000_000, 10_000, 100, 1])
    sample = 1e-3
    th = keep_thresholds(counts, sample)
    total = counts.sum()
    for c, t in zip(counts, th, strict=True):
        p = (np.sqrt(c / (sample * total)) + 1) * (sample * total) / c
        assert t == (2**32 if p >= 1 else int(p * 2**32))
    assert (keep_thresholds(counts, 0.0) == 2**32).all()


def test_alias_table_draws_the_noise_distribution():
    from numba import njit

    counts = np.array([500, 200, 100, 50, 1, 1, 0])
    w = noise_weights(counts)
    prob, alias = alias_table(w)

    @njit
    def draw_many(prob, alias, n):
        state = np.array([12345], dtype=np.uint64)
        out = np.zeros(prob.shape[0], np.int64)
        for _ in range(n):
            out[draw_alias(prob, alias, xorshift(state))] += 1
        return out

    n = 2_000_000
    freq = draw_many(prob, alias, n) / n
    assert np.allclose(freq, w, atol=2e-3)
    assert freq[-1] == 0.0  # a zero-weight word is never drawn
