"""Supervised fastText kernels: a line's hidden vector is the mean of its input rows; three losses.

- softmax (``LOSS_SOFTMAX``): one label of the line drawn at random is the target of a full
  softmax over all labels (fastText's ``SoftmaxLoss``);
- one-vs-all (``LOSS_OVA``): an independent logistic loss per label, every label of the line a
  positive (multi-label, fastText's ``OneVsAllLoss``);
- hierarchical softmax (``LOSS_HS``): binary logistic steps along the target's path in a Huffman
  tree over label counts (``paths``/``codes`` CSR, node ``i`` is row ``i`` of the output matrix).

As in fastText, the gradient of the hidden vector is divided by the number of input rows and
added to every one of them, and the learning rate falls linearly over the run.
"""

from __future__ import annotations

import math

import numpy as np

from embedlab.kernels._common import jit, splitmix64, xorshift
from embedlab.kernels._prefetch import prefetch_row

LOSS_SOFTMAX, LOSS_OVA, LOSS_HS = 0, 1, 2


@jit
def _hidden(rows, a, b, syn0, h):
    dim = h.shape[0]
    for d in range(dim):
        h[d] = 0.0
    for r in range(a, b):
        row = rows[r]
        for d in range(dim):
            h[d] += syn0[row, d]
    inv = np.float32(1.0 / (b - a))
    for d in range(dim):
        h[d] *= inv


@jit
def _sigmoid(x):
    if x < -30.0:
        return 0.0
    if x > 30.0:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


@jit
def _logistic(target, label, h, syn1, grad, lr):
    """One binary logistic step on output row ``target``; returns its loss."""
    dim = h.shape[0]
    f = np.float32(0.0)  # float32 sums, as fastText: the loop vectorises
    for d in range(dim):
        f += h[d] * syn1[target, d]
    p = _sigmoid(f)
    g = np.float32(lr * (label - p))
    for d in range(dim):
        grad[d] += g * syn1[target, d]
        syn1[target, d] += g * h[d]
    return -math.log(p + 1e-5) if label > 0.5 else -math.log(1.0 - p + 1e-5)


@jit
def _softmax(h, syn1, out):
    n_out = syn1.shape[0]
    dim = h.shape[0]
    top = -np.inf
    for i in range(n_out):
        f = np.float32(0.0)
        for d in range(dim):
            f += h[d] * syn1[i, d]
        out[i] = f
        if f > top:
            top = f
    z = 0.0
    for i in range(n_out):
        out[i] = math.exp(out[i] - top)
        z += out[i]
    for i in range(n_out):
        out[i] /= z


@jit
def _flush(syn1, delta):
    for i in range(syn1.shape[0]):
        for d in range(syn1.shape[1]):
            syn1[i, d] += delta[i, d]
            delta[i, d] = 0.0


@jit
def supervised_job(
    rows, row_offsets, labels, label_offsets, s_begin, s_end, syn0, syn1, loss_kind, paths, path_offsets,
    codes, lr_start, lr_end, seed, out_batch, stats,
):  # fmt: skip
    """Train lines ``s_begin:s_end`` once; ``stats`` += [loss, examples, rows].

    ``out_batch > 1`` (several threads): softmax's updates of the output matrix, which touch every
    row for every example, are summed in a buffer of this thread's and added every ``out_batch``
    examples, so threads do not fight over the same cache lines for each example; the gradient a
    line sends to its input rows is computed from the output rows as every thread last left them,
    as Hogwild does anyway.
    """
    dim = syn0.shape[1]
    n_labels = path_offsets.shape[0] - 1
    rng = np.empty(1, np.uint64)
    rng[0] = splitmix64(np.uint64(seed)) | np.uint64(1)
    h = np.empty(dim, np.float32)
    grad = np.empty(dim, np.float32)
    probs = np.empty(syn1.shape[0], np.float64)
    buffered = out_batch > 1 and loss_kind == LOSS_SOFTMAX
    delta = np.zeros((syn1.shape[0] if buffered else 0, dim), np.float32)
    pending = 0
    total = max(row_offsets[s_end] - row_offsets[s_begin], 1)
    done = 0
    loss_sum = 0.0
    n_ex = 0
    n_rows = 0
    for s in range(s_begin, s_end):
        a = row_offsets[s]
        b = row_offsets[s + 1]
        la = label_offsets[s]
        lb = label_offsets[s + 1]
        lr = lr_start + (lr_end - lr_start) * (done / total)
        done += b - a
        if b == a or lb == la:
            continue
        _hidden(rows, a, b, syn0, h)
        if s + 1 < s_end:  # the next line's rows are scattered over the matrix: start loading them now
            for r in range(row_offsets[s + 1], row_offsets[s + 2]):
                prefetch_row(syn0, rows[r])
        for d in range(dim):
            grad[d] = 0.0
        if loss_kind == LOSS_OVA:
            for i in range(n_labels):
                y = 0.0
                for q in range(la, lb):
                    if labels[q] == i:
                        y = 1.0
                loss_sum += _logistic(i, y, h, syn1, grad, lr)
        else:
            target = labels[la + np.int64(xorshift(rng) % np.uint64(lb - la))]
            if loss_kind == LOSS_HS:
                for q in range(path_offsets[target], path_offsets[target + 1]):
                    loss_sum += _logistic(paths[q], codes[q], h, syn1, grad, lr)
            else:
                _softmax(h, syn1, probs)
                for i in range(syn1.shape[0]):
                    y = 1.0 if i == target else 0.0
                    g = np.float32(lr * (y - probs[i]))
                    if buffered:
                        for d in range(dim):
                            grad[d] += g * syn1[i, d]
                            delta[i, d] += g * h[d]
                    else:
                        for d in range(dim):
                            grad[d] += g * syn1[i, d]
                            syn1[i, d] += g * h[d]
                loss_sum += -math.log(probs[target] + 1e-5)
                if buffered:
                    pending += 1
                    if pending == out_batch:
                        _flush(syn1, delta)
                        pending = 0
        inv = np.float32(1.0 / (b - a))
        for r in range(a, b):
            row = rows[r]
            for d in range(dim):
                syn0[row, d] += grad[d] * inv
        n_ex += 1
        n_rows += b - a
    if buffered and pending:
        _flush(syn1, delta)
    stats[0] += loss_sum
    stats[1] += n_ex
    stats[2] += n_rows


@jit
def label_scores(rows, row_offsets, s_begin, s_end, syn0, syn1, loss_kind, paths, path_offsets, codes, out):
    """Probability of every label for lines ``s_begin:s_end`` (``out[s - s_begin, label]``).

    Softmax: the softmax; one-vs-all: each label's sigmoid; hierarchical softmax: the product along
    the label's path with fastText's ``log(p + 1e-5)`` per step, so labels rank as fastText ranks them.
    A line with no input rows gets all zeros.
    """
    dim = syn0.shape[1]
    n_labels = path_offsets.shape[0] - 1
    h = np.empty(dim, np.float32)
    probs = np.empty(syn1.shape[0], np.float64)
    node = np.empty(syn1.shape[0], np.float64)
    for s in range(s_begin, s_end):
        o = s - s_begin
        a = row_offsets[s]
        b = row_offsets[s + 1]
        if b == a:
            for i in range(n_labels):
                out[o, i] = 0.0
            continue
        _hidden(rows, a, b, syn0, h)
        if loss_kind == LOSS_SOFTMAX:
            _softmax(h, syn1, probs)
            for i in range(n_labels):
                out[o, i] = probs[i]
        elif loss_kind == LOSS_OVA:
            for i in range(n_labels):
                f = np.float32(0.0)
                for d in range(dim):
                    f += h[d] * syn1[i, d]
                out[o, i] = _sigmoid(f)
        else:
            for j in range(n_labels - 1):
                f = np.float32(0.0)
                for d in range(dim):
                    f += h[d] * syn1[j, d]
                node[j] = _sigmoid(f)
            for i in range(n_labels):
                score = 0.0
                for q in range(path_offsets[i], path_offsets[i + 1]):
                    p = node[paths[q]]
                    score += math.log((p if codes[q] > 0.5 else 1.0 - p) + 1e-5)
                out[o, i] = math.exp(score)


@jit
def top_labels(scores, k, threshold, out_ids, out_scores):
    """The ``k`` best labels of each row with score >= ``threshold`` (best first, -1 padded)."""
    n, m = scores.shape
    for s in range(n):
        for j in range(k):
            out_ids[s, j] = -1
            out_scores[s, j] = 0.0
        filled = 0
        for i in range(m):
            v = scores[s, i]
            if v < threshold:
                continue
            if filled == k and v <= out_scores[s, k - 1]:
                continue
            pos = filled if filled < k else k - 1
            while pos > 0 and out_scores[s, pos - 1] < v:
                out_ids[s, pos] = out_ids[s, pos - 1]
                out_scores[s, pos] = out_scores[s, pos - 1]
                pos -= 1
            out_ids[s, pos] = i
            out_scores[s, pos] = v
            if filled < k:
                filled += 1
