"""The shared training driver: threads, epochs, learning-rate schedule, progress, callbacks.

It knows nothing of words: a corpus is ``offsets`` over units (tokens of sentences, nodes
of walks, items of sessions, entries of a co-occurrence matrix, lines of a labelled file),
and progress is counted in ``unit``. Trainers describe one *job* (a range of sequences
trained by a numba kernel that releases the GIL); the driver runs jobs on ``threads``
Python threads (Hogwild: shared weights, no locks), sets each job's learning rate from the
schedule (linear decay by units handed out across the whole run, as word2vec.c), calls
``on_epoch_start`` before each epoch and the callbacks after it, shows a progress bar, and
turns Ctrl-C into :class:`~embedlab.errors.TrainingInterrupted` once the jobs in flight
have finished, so the weights are never left mid-update.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embedlab._progress import Progress, ProgressArg
from embedlab.errors import TrainingInterrupted

__all__ = ["EpochReport", "TrainReport", "default_threads", "job_bounds", "linear_schedule", "run_epochs"]

#: kernel(job_id, s_begin, s_end, alpha_start, alpha_end, stats) -> None; stats = [loss, pairs, effective units]
JobFn = Callable[[int, int, int, float, float, np.ndarray], None]
#: learning rate after ``done`` of ``total`` units
Schedule = Callable[[int, int], float]


def default_threads() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def linear_schedule(alpha: float, min_alpha: float) -> Schedule:
    """From ``alpha`` down to ``min_alpha`` linearly in the units processed (word2vec.c, gensim, fastText).

    >>> rate = linear_schedule(0.025, 0.0001)
    >>> [round(rate(done, 100), 5) for done in (0, 50, 100)]
    [0.025, 0.01255, 0.0001]
    """

    def rate(done: int, total: int) -> float:
        return alpha - (alpha - min_alpha) * (done / total) if total else alpha

    return rate


@dataclass
class EpochReport:
    epoch: int
    loss: float
    seconds: float
    words: int
    effective_words: int

    @property
    def words_per_sec(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0


@dataclass
class TrainReport:
    """What a training run did: per-epoch loss and speed, totals."""

    epochs: list[EpochReport] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0
    vocab_size: int = 0
    corpus_tokens: int = 0
    threads: int = 1

    @property
    def words_per_sec(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0

    @property
    def losses(self) -> list[float]:
        return [e.loss for e in self.epochs]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "words": self.words,
            "words_per_sec": round(self.words_per_sec, 1),
            "vocab_size": self.vocab_size,
            "corpus_tokens": self.corpus_tokens,
            "threads": self.threads,
            "loss_per_epoch": [round(e.loss, 6) for e in self.epochs],
            "epochs": [
                {
                    "epoch": e.epoch,
                    "loss": e.loss,
                    "seconds": round(e.seconds, 3),
                    "words_per_sec": round(e.words_per_sec, 1),
                }
                for e in self.epochs
            ],
        }


def job_bounds(offsets: np.ndarray, words_per_job: int) -> list[tuple[int, int]]:
    """Split sentences into consecutive jobs of about ``words_per_job`` tokens."""
    n_sent = offsets.shape[0] - 1
    if n_sent <= 0:
        return []
    targets = np.arange(words_per_job, int(offsets[-1]), words_per_job)
    cuts = np.unique(np.searchsorted(offsets, targets, side="left"))
    cuts = cuts[(cuts > 0) & (cuts < n_sent)]
    edges = [0, *cuts.tolist(), n_sent]
    return list(itertools.pairwise(edges))


class _Stripes:
    """Jobs of one epoch cut into one contiguous stripe per thread, with work stealing.

    Each thread walks its own part of the corpus, so two threads rarely train the same
    article (and the same rows) at once: fewer Hogwild collisions and less cache-line
    traffic between cores. A thread that finishes early takes jobs from the end of the
    stripe with the most left.
    """

    def __init__(self, n_jobs: int, threads: int) -> None:
        edges = np.linspace(0, n_jobs, threads + 1).astype(int)
        self.next = edges[:-1].tolist()
        self.end = edges[1:].tolist()

    def take(self, t: int) -> int | None:
        if self.next[t] < self.end[t]:
            self.next[t] += 1
            return self.next[t] - 1
        left = [e - n for n, e in zip(self.next, self.end, strict=True)]
        victim = int(np.argmax(left))
        if left[victim] <= 0:
            return None
        self.end[victim] -= 1
        return self.end[victim]


def run_epochs(
    run_job: JobFn,
    offsets: np.ndarray,
    *,
    epochs: int,
    threads: int,
    schedule: Schedule,
    words_per_job: int = 20_000,
    progress: ProgressArg = None,
    callbacks: Sequence[Callable[[EpochReport], Any]] = (),
    on_epoch_start: Callable[[int], Any] | None = None,
    description: str = "training",
    unit: str = "words",
    snapshot: Callable[[], Any] | None = None,
) -> TrainReport:
    """Run ``epochs`` passes of ``run_job`` over all jobs; return the report.

    A job's learning rate runs from ``schedule(before, total)`` to ``schedule(after, total)``
    by the units handed out before it and with it, over all threads (``words_per_job`` units
    make a job). ``on_epoch_start(epoch)`` (0-based) runs before each epoch's jobs, e.g. to
    reshuffle; ``callbacks`` get the :class:`EpochReport` after it. A job's id (its random
    stream) depends only on its place in the corpus, so with one thread a fixed seed gives
    identical results.
    """
    jobs = job_bounds(offsets, words_per_job)
    n_words = int(offsets[-1])
    total = n_words * epochs
    threads = max(1, threads)
    report = TrainReport(threads=threads, corpus_tokens=n_words)
    t_start = time.perf_counter()
    stop = threading.Event()
    lock = threading.Lock()

    def rate(words: int) -> float:
        return schedule(words, total)

    with Progress(description, total, enabled=progress) as bar:
        for epoch in range(epochs):
            if on_epoch_start is not None:
                on_epoch_start(epoch)
            t_epoch = time.perf_counter()
            stats = np.zeros(3, dtype=np.float64)
            stripes = _Stripes(len(jobs), threads)
            handed = [epoch * n_words]  # words handed out so far in the run
            done_words = [0]
            errors: list[BaseException] = []

            def worker(t: int, stats=stats, stripes=stripes, handed=handed, done_words=done_words, errors=errors,
                       epoch=epoch) -> None:  # fmt: skip
                local = np.zeros(3, dtype=np.float64)
                try:
                    while not stop.is_set():
                        with lock:
                            k = stripes.take(t)
                            if k is None:
                                break
                            a, b = jobs[k]
                            size = int(offsets[b]) - int(offsets[a])
                            w0 = handed[0]
                            handed[0] += size
                        run_job(epoch * len(jobs) + k, a, b, rate(w0), rate(w0 + size), local)
                        with lock:
                            done_words[0] += size
                            stats += local
                        local[:] = 0.0
                except BaseException as exc:  # surfaced in the main thread
                    errors.append(exc)

            pool = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads)]
            for th in pool:
                th.start()
            try:
                while True:
                    alive = [th for th in pool if th.is_alive()]
                    if not alive:
                        break
                    alive[0].join(timeout=0.2)
                    with lock:
                        done = epoch * n_words + done_words[0]
                        loss = stats[0] / stats[1] if stats[1] > 0 else float("nan")
                    elapsed = time.perf_counter() - t_start
                    speed = done / max(elapsed, 1e-9)
                    bar.update(done, info=f"epoch {epoch + 1}/{epochs}  loss {loss:.4f}  {speed:,.0f} {unit}/s")
            except KeyboardInterrupt:
                stop.set()
                for th in pool:
                    th.join()
                report.seconds = time.perf_counter() - t_start
                raise TrainingInterrupted(
                    f"training interrupted during epoch {epoch + 1} of {epochs}",
                    snapshot() if snapshot else None,
                ) from None
            if errors:
                raise errors[0]
            seconds = time.perf_counter() - t_epoch
            loss = float(stats[0] / stats[1]) if stats[1] > 0 else float("nan")
            ep = EpochReport(epoch + 1, loss, seconds, n_words, int(stats[2]))
            report.epochs.append(ep)
            report.words += n_words
            for cb in callbacks:
                cb(ep)
            bar.update((epoch + 1) * n_words, info=f"epoch {epoch + 1}/{epochs}  loss {loss:.4f}")
    report.seconds = time.perf_counter() - t_start
    return report
