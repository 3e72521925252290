"""GloVe's word–word co-occurrence matrix, counted within a memory budget.

For every pair of words at distance ``d <= window`` in a sentence, ``X[i, j]`` and
``X[j, i]`` grow by ``1/d`` (GloVe's symmetric window with distance weighting). Only the
upper triangle is stored. Counting runs in a numba hash table sized by ``memory_mb``;
when it fills, its entries are sorted and spilled to a scratch file and counting goes
on; the sorted runs are merged at the end. A corpus much larger than RAM therefore
needs only the budget plus the final matrix, and a single scratch file — never one file
per spill, so there is no "too many open files".

>>> from embedlab.vocab.build import encode_sentences
>>> c = encode_sentences([["a", "b", "a"]], min_count=1)
>>> X = count_cooccurrences(c, window=2)
>>> sorted(zip(X.rows.tolist(), X.cols.tolist(), X.vals.tolist()))
[(0, 0, 1.0), (0, 1, 2.0)]
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_int
from embedlab.errors import CorpusError
from embedlab.kernels import cooccur as K
from embedlab.vocab.encoded import EncodedCorpus
from embedlab.vocab.vocab import Vocab

__all__ = ["Cooccurrence", "count_cooccurrences"]

_BYTES_PER_SLOT = 16 + 16 * 7 // 10  # table slot + its share of the drain buffer


@dataclass
class Cooccurrence:
    """Upper triangle (``rows <= cols``) of the symmetric co-occurrence matrix."""

    vocab: Vocab
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    window: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def nnz(self) -> int:
        """Stored entries (the full symmetric matrix has about twice as many)."""
        return int(self.vals.shape[0])

    def to_dense(self) -> np.ndarray:
        """The full symmetric matrix as a dense array (small vocabularies only)."""
        n = len(self.vocab)
        dense = np.zeros((n, n), dtype=np.float64)
        np.add.at(dense, (self.rows, self.cols), self.vals)
        off = self.rows != self.cols
        np.add.at(dense, (self.cols[off], self.rows[off]), self.vals[off])
        return dense


def drain(keys: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The table's entries sorted by key (the table is cleared)."""
    n_max = int(np.count_nonzero(keys != K.EMPTY))
    out_k = np.empty(n_max, dtype=np.int64)
    out_v = np.empty(n_max, dtype=np.float64)
    n = K.drain_sorted(keys, vals, out_k, out_v)
    return out_k, out_v, n


def count_cooccurrences(
    corpus: EncodedCorpus,
    *,
    window: int = 10,
    memory_mb: int = 1024,
    max_entries: int | None = None,
    tmp_dir: str | os.PathLike[str] | None = None,
    progress: ProgressArg = None,
) -> Cooccurrence:
    """Count co-occurrences of ``corpus`` within ``memory_mb`` of table memory.

    ``max_entries`` sets the table's capacity directly (it overrides ``memory_mb``; tests
    use it to force spilling). Spilled runs go to a scratch file in ``tmp_dir`` (default:
    the system's temporary folder), removed afterwards.
    """
    window = check_int("window", window, 1)
    memory_mb = check_int("memory_mb", memory_mb, 1)
    vocab_size = len(corpus.vocab)
    if vocab_size == 0 or corpus.n_tokens == 0:
        raise CorpusError("the corpus is empty: nothing to count")
    if max_entries is None:
        max_slots = 1 << max(10, int(np.log2(memory_mb * (1 << 20) / _BYTES_PER_SLOT)))
    else:
        max_slots = 1 << max(4, int(np.ceil(np.log2(check_int("max_entries", max_entries, 1) / 0.7))))
    slots = min(1 << 16, max_slots)  # start small, double up to the budget
    keys = np.full(slots, K.EMPTY, dtype=np.int64)
    vals = np.zeros(slots, dtype=np.float64)
    state = np.zeros(3, dtype=np.int64)
    offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
    read = corpus.token_reader()
    t0 = time.perf_counter()
    runs: list[int] = []
    with tempfile.TemporaryDirectory(prefix="embedlab-cooccur-", dir=tmp_dir) as scratch_dir:
        spill_keys = Path(scratch_dir) / "keys.i64"
        spill_vals = Path(scratch_dir) / "vals.f64"
        with (
            Progress("co-occurrences", corpus.n_tokens, enabled=progress) as bar,
            open(spill_keys, "wb") as fk,
            open(spill_vals, "wb") as fv,
        ):

            def full() -> None:
                nonlocal keys, vals
                if keys.shape[0] < max_slots:  # grow
                    new_keys = np.full(2 * keys.shape[0], K.EMPTY, dtype=np.int64)
                    new_vals = np.zeros(2 * keys.shape[0], dtype=np.float64)
                    K.rehash(keys, vals, new_keys, new_vals)
                    keys, vals = new_keys, new_vals
                    return
                out_k, out_v, n = drain(keys, vals)  # at the budget: spill a sorted run
                out_k[:n].tofile(fk)
                out_v[:n].tofile(fv)
                runs.append(n)
                state[0] = 0

            step = 1 << 20
            n_sent = offsets.shape[0] - 1
            s = 0
            try:
                while s < n_sent:
                    e = int(np.searchsorted(offsets, offsets[s] + step, side="left"))
                    e = min(max(e, s + 1), n_sent)
                    start = int(offsets[s])
                    tokens = read(start, int(offsets[e]))
                    local = offsets[s : e + 1] - start
                    state[1], state[2] = 0, 0
                    while not K.count_pairs(
                        tokens, local, 0, e - s, window, vocab_size, keys, vals, state, int(keys.shape[0] * 0.7)
                    ):
                        full()
                    bar.update(int(offsets[e]), info=f"{len(runs)} spill(s)")
                    s = e
            finally:
                read.close()
            if runs:
                out_k, out_v, n = drain(keys, vals)
                out_k[:n].tofile(fk)
                out_v[:n].tofile(fv)
                runs.append(n)
        if not runs:
            out_keys, out_vals, n = drain(keys, vals)
            out_keys, out_vals = out_keys[:n], out_vals[:n]
        else:
            del keys, vals  # the merge needs the memory more
            total = sum(runs)
            run_keys = np.memmap(spill_keys, dtype=np.int64, mode="r", shape=(total,))
            run_vals = np.memmap(spill_vals, dtype=np.float64, mode="r", shape=(total,))
            ends = np.cumsum(runs).astype(np.int64)
            starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
            out_keys = np.empty(total, dtype=np.int64)
            out_vals = np.empty(total, dtype=np.float64)
            n = K.merge_runs(run_keys, run_vals, starts, ends, out_keys, out_vals)
            out_keys, out_vals = out_keys[:n].copy(), out_vals[:n].copy()
            del run_keys, run_vals
    rows = (out_keys // vocab_size).astype(np.int32)
    cols = (out_keys % vocab_size).astype(np.int32)
    stats = {"nnz": int(n), "spills": len(runs), "seconds": round(time.perf_counter() - t0, 3)}
    return Cooccurrence(corpus.vocab, rows, cols, out_vals.astype(np.float32), window, stats)
