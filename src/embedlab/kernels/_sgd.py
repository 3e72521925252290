"""Shared steps of the negative-sampling SGD kernels (Word2Vec, FastText, and every trainer over ids).

The sigmoid tables follow word2vec's C tool (``MAX_EXP = 6``, 1000 entries), which is also
what gensim uses: a table lookup is several times cheaper than ``exp`` inside the innermost
loop, and saturating beyond ``|f| >= 6`` is what both reference implementations do.
"""

from __future__ import annotations

import math

import numpy as np

from embedlab.kernels._common import jit, xorshift

MAX_EXP = 6.0
EXP_TABLE_SIZE = 1000

_x = (np.arange(EXP_TABLE_SIZE, dtype=np.float64) / EXP_TABLE_SIZE * 2.0 - 1.0) * MAX_EXP
#: sigmoid(x) sampled on [-MAX_EXP, MAX_EXP) like word2vec.c's expTable.
SIGMOID_TABLE = (1.0 / (1.0 + np.exp(-_x))).astype(np.float32)
#: log(sigmoid(x)) on the same grid, for the loss.
LOG_SIGMOID_TABLE = (-np.logaddexp(0.0, -_x)).astype(np.float32)
del _x

#: Longest sentence a kernel accepts; EncodedCorpus splits longer ones.
MAX_SENTENCE_LEN = 10_000

_SCALE = EXP_TABLE_SIZE / MAX_EXP / 2.0


@jit
def grad_and_loss(f, label, alpha, sig_table, logsig_table):
    """Gradient scale g = (label - σ(f))·alpha and the pair's loss.

    Pairs with ``|f| >= MAX_EXP`` get no update, as in gensim (word2vec.c instead pushes
    them with the saturated gradient); their loss is still counted exactly.
    """
    if f >= MAX_EXP:
        g = 0.0
        loss = f + math.log1p(math.exp(-f)) if label == 0.0 else math.log1p(math.exp(-f))
    elif f <= -MAX_EXP:
        g = 0.0
        loss = -f + math.log1p(math.exp(f)) if label == 1.0 else math.log1p(math.exp(f))
    else:
        g = (label - sig_table[int((f + MAX_EXP) * _SCALE)]) * alpha
        if label == 1.0:
            loss = -logsig_table[int((f + MAX_EXP) * _SCALE)]
        else:
            idx = int((MAX_EXP - f) * _SCALE)
            if idx >= EXP_TABLE_SIZE:
                idx = EXP_TABLE_SIZE - 1
            loss = -logsig_table[idx]
    return g, loss


@jit
def subsample(tokens, a, b, keep, rng, sent):
    """Copy tokens[a:b] into ``sent``, dropping frequent words with word2vec's keep probability."""
    n = 0
    for p in range(a, b):
        w = tokens[p]
        k = keep[w]
        # a random number is drawn only for words that may be dropped, as in word2vec.c
        if k < np.uint64(4294967296) and (xorshift(rng) >> np.uint64(32)) >= k:
            continue
        sent[n] = w
        n += 1
    return n
