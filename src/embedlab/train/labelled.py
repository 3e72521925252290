"""fastText's supervised engine: a linear classifier over the mean of a line's input rows, trained by SGD
(softmax, one-vs-all or hierarchical softmax), and the scoring and top-k of its labels. The classify
product builds the lines (``embedlab.vocab.labelled``) and keeps the model; the kernels stay here.

>>> import numpy as np
>>> rows, row_offsets = np.array([0, 1, 2, 3]), np.array([0, 2, 4])      # two lines of two rows each
>>> labels, label_offsets = np.array([0, 1]), np.array([0, 1, 2])
>>> inp, out, report = fit_labelled(rows, row_offsets, labels, label_offsets, n_rows=4, n_labels=2, dim=4,
...                                 epochs=50, lr=0.5, threads=1)
>>> scores = label_probabilities(rows, row_offsets, inp, out, "softmax", label_tree("softmax", np.array([1, 1])))
>>> best_labels(scores, 1)[0].ravel().tolist()
[0, 1]
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from embedlab._progress import ProgressArg
from embedlab._validation import check_choice
from embedlab.errors import ConfigError
from embedlab.kernels.supervised import LOSS_HS, LOSS_OVA, LOSS_SOFTMAX, label_scores, supervised_job, top_labels
from embedlab.train._weights import aligned_zeros, compact_rows, padded_width
from embedlab.train.driver import TrainReport, linear_schedule, run_epochs

__all__ = ["LOSSES", "best_labels", "fit_labelled", "huffman_paths", "label_probabilities", "label_tree"]

LOSSES = ("softmax", "ova", "hs")
_LOSS_IDS = {"softmax": LOSS_SOFTMAX, "ova": LOSS_OVA, "hs": LOSS_HS}
#: with several threads, softmax's output-matrix updates are added every this many examples (kernels/supervised.py):
#: on Banking77 (77 labels) 2 threads train 1.9x faster at the same accuracy, on CLINC150 (150 labels) 2.6x
OUT_BATCH = 16
Tree = tuple[np.ndarray, np.ndarray, np.ndarray]


def huffman_paths(counts: np.ndarray) -> Tree:
    """fastText's Huffman tree over label counts (sorted most frequent first): CSR ``paths``/``codes``.

    Node ``i`` of a path is row ``i`` of the output matrix; ``codes`` is 1 for a right branch.
    """
    n = counts.shape[0]
    size = max(2 * n - 1, 1)
    count = np.full(size, 1e15)
    count[:n] = counts
    parent = np.full(size, -1, np.int64)
    binary = np.zeros(size, bool)
    leaf, node = n - 1, n
    for i in range(n, 2 * n - 1):
        mini = [0, 0]
        for j in range(2):
            if leaf >= 0 and count[leaf] < count[node]:
                mini[j] = leaf
                leaf -= 1
            else:
                mini[j] = node
                node += 1
        count[i] = count[mini[0]] + count[mini[1]]
        parent[mini[0]] = parent[mini[1]] = i
        binary[mini[1]] = True
    paths: list[int] = []
    codes: list[float] = []
    offsets = [0]
    for i in range(n):
        j = i
        while parent[j] != -1:
            paths.append(int(parent[j]) - n)
            codes.append(1.0 if binary[j] else 0.0)
            j = int(parent[j])
        offsets.append(len(paths))
    return np.array(paths, np.int64), np.array(offsets, np.int64), np.array(codes, np.float32)


def label_tree(loss: str, label_counts: np.ndarray) -> Tree:
    """The label tree's paths and codes for hierarchical softmax; empty ones for the other losses."""
    if check_choice("loss", loss, LOSSES) == "hs":
        return huffman_paths(np.asarray(label_counts, dtype=np.float64))
    n = np.asarray(label_counts).shape[0]
    return np.zeros(0, np.int64), np.zeros(n + 1, np.int64), np.zeros(0, np.float32)


def fit_labelled(
    rows: np.ndarray,
    row_offsets: np.ndarray,
    labels: np.ndarray,
    label_offsets: np.ndarray,
    *,
    n_rows: int,
    n_labels: int,
    dim: int,
    loss: str = "softmax",
    tree: Tree | None = None,
    epochs: int = 5,
    lr: float = 0.1,
    threads: int = 1,
    seed: int = 0,
    zero_rows: int = 0,
    progress: ProgressArg = False,
) -> tuple[np.ndarray, np.ndarray, TrainReport]:
    """Train on lines (CSR ``rows`` per line and ``labels`` per line); return the input matrix
    (``n_rows`` rows uniform in ±1/dim as fastText's, then ``zero_rows`` rows of zeros no line uses),
    the output matrix (one row per label, or per inner node of ``tree`` under ``"hs"``) and the report.
    The learning rate falls linearly to 0."""
    loss = check_choice("loss", loss, LOSSES)
    if tree is None:
        if loss == "hs":
            raise ConfigError("hierarchical softmax needs the label tree (label_tree('hs', counts))")
        tree = label_tree(loss, np.ones(n_labels))
    width = padded_width(dim)  # rows padded to 16 floats (zeros that stay zero): whole SIMD vectors
    syn0 = aligned_zeros(n_rows + zero_rows, width)
    rng = np.random.default_rng(seed)
    for start in range(0, n_rows, 65_536):  # uniform in +-1/dim, as fastText; in blocks, no big temporaries
        block = syn0[start : min(start + 65_536, n_rows), :dim]
        block[:] = rng.random(block.shape, dtype=np.float32)
        block *= np.float32(2.0 / dim)
        block -= np.float32(1.0 / dim)
    syn1 = aligned_zeros(max(n_labels - 1, 1) if loss == "hs" else n_labels, width)
    paths, path_offsets, codes = tree
    loss_id = _LOSS_IDS[loss]
    out_batch = OUT_BATCH if threads > 1 else 1

    def run_job(job: int, a: int, b: int, lr0: float, lr1: float, stats: np.ndarray) -> None:
        job_seed = (seed * 1_000_003 + job) & 0x7FFF_FFFF_FFFF_FFFF  # the kernel mixes it with splitmix64
        supervised_job(rows, row_offsets, labels, label_offsets, a, b, syn0, syn1, loss_id, paths, path_offsets,
                       codes, lr0, lr1, job_seed, out_batch, stats)  # fmt: skip

    report = run_epochs(run_job, row_offsets, epochs=epochs, threads=threads, schedule=linear_schedule(lr, 0.0),
                        words_per_job=5_000, progress=progress, description="supervised",
                        unit="features")  # fmt: skip
    return compact_rows(syn0, dim), compact_rows(syn1, dim), report


def label_probabilities(
    rows: np.ndarray,
    row_offsets: np.ndarray,
    inp: np.ndarray,
    out: np.ndarray,
    loss: str,
    tree: Tree,
    *,
    threads: int = 1,
) -> np.ndarray:
    """``[n_lines, n_labels]`` probabilities of every label for each line, on ``threads`` threads (a set
    under 4,096 lines always in the calling thread: handing work to threads costs more than it saves)."""
    n = row_offsets.shape[0] - 1
    n_labels = tree[1].shape[0] - 1
    scores = np.zeros((n, n_labels), np.float64)
    loss_id = _LOSS_IDS[check_choice("loss", loss, LOSSES)]

    def part(bounds: tuple[int, int]) -> None:
        a, b = bounds
        label_scores(rows, row_offsets, a, b, inp, out, loss_id, *tree, scores[a:b])

    threads = max(1, min(threads, n // 2048 or 1))
    if threads == 1:
        part((0, n))
        return scores
    edges = np.linspace(0, n, threads + 1).astype(int)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(part, zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)))
    return scores


def best_labels(scores: np.ndarray, k: int = 1, threshold: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``scores``, the ids of the ``k`` best labels with probability >= ``threshold`` (-1 past the
    last one) and their probabilities; ``k=-1``: every label above the threshold."""
    n_labels = scores.shape[1]
    if not isinstance(k, int) or k == 0 or k < -1:
        raise ConfigError(f"k must be a positive int or -1 (all labels), got {k!r}")
    k = n_labels if k == -1 else min(k, n_labels)
    ids = np.empty((scores.shape[0], k), np.int64)
    probs = np.empty((scores.shape[0], k), np.float64)
    top_labels(scores, k, float(threshold), ids, probs)
    return ids, probs
