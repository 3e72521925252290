"""Word2Vec kernels: skip-gram and CBOW with negative sampling.

Both kernels train one *job* (a contiguous range of sentences of an EncodedCorpus)
and release the GIL, so a driver can run one job per thread (Hogwild: threads update
the shared weight matrices without locks, as word2vec.c and gensim do).

Skip-gram shares one set of ``negative`` noise words across the whole window of a
centre word (the scheme of Intel's pWord2Vec, Ji et al. 2016). For a centre word ``w``
with context words ``c_1..c_B``, every pair ``(c_b, w)`` is trained against the same
``1 + negative`` output rows, which stay in L1 cache while the ``B`` input rows stream
past them. Each pair still gets the exact negative-sampling gradient; only the noise
draws are shared. This is what makes the kernel faster than per-pair sampling at the
same quality (see BENCHMARKS.md).

The learning rate falls linearly from ``alpha_start`` to ``alpha_end`` across the job,
by raw words, so the schedule over a whole run is the usual linear decay by words
processed. ``stats`` receives ``[loss_sum, positive_examples, effective_words]``;
``loss_sum`` adds ``-log σ(u·v)`` for each positive and ``-log σ(-u·v)`` for each noise
word, so ``loss_sum / positive_examples`` is the mean negative-sampling loss.

Seeding: every job derives its random stream from ``seed`` alone, so a run with one
thread is reproducible bit for bit.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import draw_alias, jit, splitmix64, xorshift
from embedlab.kernels._prefetch import prefetch_row
from embedlab.kernels._sgd import MAX_SENTENCE_LEN, grad_and_loss, subsample


@jit
def _draw_noise(out, negative, alias_prob, alias_idx, rng, syn1):
    """Draw ``negative`` noise words into ``out[1:]`` and start loading their output rows."""
    for k in range(1, negative + 1):
        t = draw_alias(alias_prob, alias_idx, xorshift(rng))
        out[k] = t
        prefetch_row(syn1, t)


@jit
def sgns_job(
    tokens, offsets, s_begin, s_end, syn0, syn1, keep, alias_prob, alias_idx,
    window, negative, alpha_start, alpha_end, seed, sig_table, logsig_table, stats,
):  # fmt: skip
    """Skip-gram with negative sampling over sentences ``[s_begin, s_end)``."""
    dim = syn0.shape[1]
    rng = np.empty(1, np.uint64)
    rng[0] = splitmix64(np.uint64(seed)) | np.uint64(1)
    sent = np.empty(MAX_SENTENCE_LEN, np.int32)
    n_targets = negative + 1
    targets = np.empty(n_targets, np.int64)
    upcoming = np.empty(n_targets, np.int64)  # noise words of the next centre, drawn early
    neu1e = np.empty(dim, np.float32)
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
        if n > 0:
            _draw_noise(upcoming, negative, alias_prob, alias_idx, rng, syn1)
        for i in range(n):
            center = sent[i]
            for k in range(1, n_targets):
                targets[k] = upcoming[k]
            targets[0] = center
            if i + 1 < n:
                _draw_noise(upcoming, negative, alias_prob, alias_idx, rng, syn1)
                prefetch_row(syn1, sent[i + 1])
            win = window - np.int64(xorshift(rng) % np.uint64(window))
            lo = max(0, i - win)
            hi = min(n, i + win + 1)
            for j in range(lo, hi):
                if j == i:
                    continue
                c = sent[j]
                for d in range(dim):
                    neu1e[d] = 0.0
                for k in range(n_targets):
                    t = targets[k]
                    if k > 0 and t == center:
                        continue
                    label = 1.0 if k == 0 else 0.0
                    f = np.float32(0.0)
                    for d in range(dim):
                        f += syn0[c, d] * syn1[t, d]
                    g, loss = grad_and_loss(f, label, alpha, sig_table, logsig_table)
                    loss_sum += loss
                    g32 = np.float32(g)
                    for d in range(dim):
                        neu1e[d] += g32 * syn1[t, d]
                        syn1[t, d] += g32 * syn0[c, d]
                for d in range(dim):
                    syn0[c, d] += neu1e[d]
                n_pos += 1
    stats[0] += loss_sum
    stats[1] += n_pos
    stats[2] += n_eff


@jit
def cbow_job(
    tokens, offsets, s_begin, s_end, syn0, syn1, keep, alias_prob, alias_idx,
    window, negative, alpha_start, alpha_end, seed, sig_table, logsig_table, stats,
):  # fmt: skip
    """CBOW (mean of context vectors) with negative sampling over sentences ``[s_begin, s_end)``."""
    dim = syn0.shape[1]
    rng = np.empty(1, np.uint64)
    rng[0] = splitmix64(np.uint64(seed)) | np.uint64(1)
    sent = np.empty(MAX_SENTENCE_LEN, np.int32)
    n_targets = negative + 1
    targets = np.empty(n_targets, np.int64)
    upcoming = np.empty(n_targets, np.int64)
    neu1 = np.empty(dim, np.float32)
    neu1e = np.empty(dim, np.float32)
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
        if n > 0:
            _draw_noise(upcoming, negative, alias_prob, alias_idx, rng, syn1)
        for i in range(n):
            center = sent[i]
            for k in range(1, n_targets):
                targets[k] = upcoming[k]
            targets[0] = center
            if i + 1 < n:
                _draw_noise(upcoming, negative, alias_prob, alias_idx, rng, syn1)
                prefetch_row(syn1, sent[i + 1])
                if i + window + 1 < n:
                    prefetch_row(syn0, sent[i + window + 1])  # the context word entering the window next
            win = window - np.int64(xorshift(rng) % np.uint64(window))
            lo = max(0, i - win)
            hi = min(n, i + win + 1)
            count = hi - lo - 1
            if count <= 0:
                continue
            for d in range(dim):
                neu1[d] = 0.0
                neu1e[d] = 0.0
            for j in range(lo, hi):
                if j != i:
                    c = sent[j]
                    for d in range(dim):
                        neu1[d] += syn0[c, d]
            inv = np.float32(1.0 / count)
            for d in range(dim):
                neu1[d] *= inv
            for k in range(n_targets):
                t = targets[k]
                if k > 0 and t == center:
                    continue
                label = 1.0 if k == 0 else 0.0
                f = np.float32(0.0)
                for d in range(dim):
                    f += neu1[d] * syn1[t, d]
                g, loss = grad_and_loss(f, label, alpha, sig_table, logsig_table)
                loss_sum += loss
                g32 = np.float32(g)
                for d in range(dim):
                    neu1e[d] += g32 * syn1[t, d]
                    syn1[t, d] += g32 * neu1[d]
            for j in range(lo, hi):
                if j != i:
                    c = sent[j]
                    for d in range(dim):
                        syn0[c, d] += neu1e[d]
            n_pos += 1
    stats[0] += loss_sum
    stats[1] += n_pos
    stats[2] += n_eff
