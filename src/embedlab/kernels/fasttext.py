"""FastText kernels: skip-gram and CBOW over subword rows, with negative sampling.

A word's input vector is the mean of its rows in the input matrix: its own row and one
row per hashed character n-gram (``sub_offsets`` / ``sub_ids``, CSR). The gradient of
that mean is added in full to every one of those rows, as fastText does.

Skip-gram: fastText recomputes the centre word's input vector after every context
word; here it is computed once per centre word, the gradients of all its context
predictions are summed, and the sum is applied once — the window batching that makes
skip-gram with ~10 rows per word affordable. Noise words are drawn per context word,
one step early, and their rows prefetched like the centre's next subword rows.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import draw_alias, jit, splitmix64, xorshift
from embedlab.kernels._prefetch import prefetch_row
from embedlab.kernels._sgd import MAX_SENTENCE_LEN, grad_and_loss, subsample


@jit
def _hidden(rows_from, rows_to, sub_ids, syn0, h):
    dim = h.shape[0]
    for d in range(dim):
        h[d] = 0.0
    for r in range(rows_from, rows_to):
        row = sub_ids[r]
        for d in range(dim):
            h[d] += syn0[row, d]
    inv = np.float32(1.0 / max(rows_to - rows_from, 1))
    for d in range(dim):
        h[d] *= inv


@jit
def _predict(h, target, label, syn1, grad, alpha, sig_table, logsig_table):
    dim = h.shape[0]
    f = np.float32(0.0)
    for d in range(dim):
        f += h[d] * syn1[target, d]
    g, loss = grad_and_loss(f, label, alpha, sig_table, logsig_table)
    g32 = np.float32(g)
    for d in range(dim):
        grad[d] += g32 * syn1[target, d]
        syn1[target, d] += g32 * h[d]
    return loss


@jit
def ft_skipgram_job(
    tokens, offsets, s_begin, s_end, sub_offsets, sub_ids, syn0, syn1, keep, alias_prob, alias_idx,
    window, negative, alpha_start, alpha_end, seed, sig_table, logsig_table, stats,
):  # fmt: skip
    dim = syn0.shape[1]
    rng = np.empty(1, np.uint64)
    rng[0] = splitmix64(np.uint64(seed)) | np.uint64(1)
    sent = np.empty(MAX_SENTENCE_LEN, np.int32)
    h = np.empty(dim, np.float32)
    grad = np.empty(dim, np.float32)
    noise = np.empty(negative, np.int64)
    total = max(offsets[s_end] - offsets[s_begin], 1)
    done = 0
    loss_sum = 0.0
    n_pos = 0
    n_eff = 0
    for s in range(s_begin, s_end):
        a = offsets[s]
        b = offsets[s + 1]
        alpha = alpha_start + (alpha_end - alpha_start) * (done / total)
        done += b - a
        n = subsample(tokens, a, b, keep, rng, sent)
        n_eff += n
        for k in range(negative):
            noise[k] = draw_alias(alias_prob, alias_idx, xorshift(rng))
        for i in range(n):
            center = sent[i]
            if i + 1 < n:  # start loading the next centre's subword rows
                nxt = sent[i + 1]
                for r in range(sub_offsets[nxt], sub_offsets[nxt + 1]):
                    prefetch_row(syn0, sub_ids[r])
            win = window - np.int64(xorshift(rng) % np.uint64(window))
            lo = max(0, i - win)
            hi = min(n, i + win + 1)
            if hi - lo <= 1:
                continue
            r0 = sub_offsets[center]
            r1 = sub_offsets[center + 1]
            _hidden(r0, r1, sub_ids, syn0, h)
            for d in range(dim):
                grad[d] = 0.0
            for j in range(lo, hi):
                if j == i:
                    continue
                target = sent[j]
                loss_sum += _predict(h, target, 1.0, syn1, grad, alpha, sig_table, logsig_table)
                for k in range(negative):
                    t = noise[k]
                    if t != target:
                        loss_sum += _predict(h, t, 0.0, syn1, grad, alpha, sig_table, logsig_table)
                    noise[k] = draw_alias(alias_prob, alias_idx, xorshift(rng))
                    prefetch_row(syn1, noise[k])
                n_pos += 1
            for r in range(r0, r1):
                row = sub_ids[r]
                for d in range(dim):
                    syn0[row, d] += grad[d]
    stats[0] += loss_sum
    stats[1] += n_pos
    stats[2] += n_eff


@jit
def ft_cbow_job(
    tokens, offsets, s_begin, s_end, sub_offsets, sub_ids, syn0, syn1, keep, alias_prob, alias_idx,
    window, negative, alpha_start, alpha_end, seed, sig_table, logsig_table, stats,
):  # fmt: skip
    dim = syn0.shape[1]
    rng = np.empty(1, np.uint64)
    rng[0] = splitmix64(np.uint64(seed)) | np.uint64(1)
    sent = np.empty(MAX_SENTENCE_LEN, np.int32)
    h = np.empty(dim, np.float32)
    grad = np.empty(dim, np.float32)
    noise = np.empty(negative, np.int64)
    total = max(offsets[s_end] - offsets[s_begin], 1)
    done = 0
    loss_sum = 0.0
    n_pos = 0
    n_eff = 0
    for s in range(s_begin, s_end):
        a = offsets[s]
        b = offsets[s + 1]
        alpha = alpha_start + (alpha_end - alpha_start) * (done / total)
        done += b - a
        n = subsample(tokens, a, b, keep, rng, sent)
        n_eff += n
        for k in range(negative):
            noise[k] = draw_alias(alias_prob, alias_idx, xorshift(rng))
        for i in range(n):
            center = sent[i]
            win = window - np.int64(xorshift(rng) % np.uint64(window))
            lo = max(0, i - win)
            hi = min(n, i + win + 1)
            count = 0
            for d in range(dim):
                h[d] = 0.0
                grad[d] = 0.0
            for j in range(lo, hi):
                if j == i:
                    continue
                w = sent[j]
                for r in range(sub_offsets[w], sub_offsets[w + 1]):
                    row = sub_ids[r]
                    for d in range(dim):
                        h[d] += syn0[row, d]
                    count += 1
            if count == 0:
                continue
            inv = np.float32(1.0 / count)
            for d in range(dim):
                h[d] *= inv
            loss_sum += _predict(h, center, 1.0, syn1, grad, alpha, sig_table, logsig_table)
            for k in range(negative):
                t = noise[k]
                if t != center:
                    loss_sum += _predict(h, t, 0.0, syn1, grad, alpha, sig_table, logsig_table)
                noise[k] = draw_alias(alias_prob, alias_idx, xorshift(rng))
                prefetch_row(syn1, noise[k])
            for j in range(lo, hi):
                if j == i:
                    continue
                w = sent[j]
                for r in range(sub_offsets[w], sub_offsets[w + 1]):
                    row = sub_ids[r]
                    for d in range(dim):
                        syn0[row, d] += grad[d]
            n_pos += 1
    stats[0] += loss_sum
    stats[1] += n_pos
    stats[2] += n_eff


@jit
def mean_rows(sub_offsets, sub_ids, syn0, out):
    """``out[w]`` = mean of word ``w``'s subword rows (fastText's word vector)."""
    dim = out.shape[1]
    for w in range(out.shape[0]):
        a = sub_offsets[w]
        b = sub_offsets[w + 1]
        for d in range(dim):
            out[w, d] = 0.0
        for r in range(a, b):
            row = sub_ids[r]
            for d in range(dim):
                out[w, d] += syn0[row, d]
        if b > a:
            inv = np.float32(1.0 / (b - a))
            for d in range(dim):
                out[w, d] *= inv
