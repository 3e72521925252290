"""The shared training driver: threads, epochs, learning-rate schedule, progress, callbacks.

Trainers describe one *job* (a range of sentences trained by a numba kernel that
releases the GIL); the driver runs jobs on ``threads`` Python threads (Hogwild: shared
weights, no locks), decays the learning rate linearly by words processed across the
whole run, shows a progress bar, calls epoch callbacks and turns Ctrl-C into
:class:`~embedlab.errors.TrainingInterrupted` once the jobs in flight have finished, so
the weights are never left mid-update.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embedlab._progress import Progress, ProgressArg
from embedlab.errors import TrainingInterrupted

__all__ = ["EpochReport", "TrainReport", "job_bounds", "run_epochs"]

#: kernel(job_id, s_begin, s_end, alpha_start, alpha_end, stats) -> None; stats = [loss, pairs, effective words]
JobFn = Callable[[int, int, int, float, float, np.ndarray], None]


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


def run_epochs(
    run_job: JobFn,
    offsets: np.ndarray,
    *,
    epochs: int,
    threads: int,
    alpha: float,
    min_alpha: float,
    words_per_job: int = 20_000,
    progress: ProgressArg = None,
    callbacks: Sequence[Callable[[EpochReport], Any]] = (),
    description: str = "training",
    snapshot: Callable[[], Any] | None = None,
) -> TrainReport:
    """Run ``epochs`` passes of ``run_job`` over all jobs; return the report.

    Job ``k`` of the whole run always gets the same id and learning-rate range, whatever
    the thread timing, so one thread and a fixed seed give identical results.
    """
    jobs = job_bounds(offsets, words_per_job)
    n_words = int(offsets[-1])
    total = n_words * epochs
    report = TrainReport(threads=threads, corpus_tokens=n_words)
    t_start = time.perf_counter()
    stop = threading.Event()
    lock = threading.Lock()

    with Progress(description, total, enabled=progress) as bar:
        for epoch in range(epochs):
            t_epoch = time.perf_counter()
            stats = np.zeros(3, dtype=np.float64)
            next_job = [0]
            done_words = [0]
            errors: list[BaseException] = []

            def worker(stats=stats, next_job=next_job, done_words=done_words, errors=errors, epoch=epoch) -> None:
                local = np.zeros(3, dtype=np.float64)
                try:
                    while not stop.is_set():
                        with lock:
                            k = next_job[0]
                            if k >= len(jobs):
                                break
                            next_job[0] = k + 1
                        a, b = jobs[k]
                        w0 = epoch * n_words + int(offsets[a])
                        w1 = epoch * n_words + int(offsets[b])
                        a0 = alpha - (alpha - min_alpha) * (w0 / total)
                        a1 = alpha - (alpha - min_alpha) * (w1 / total)
                        run_job(epoch * len(jobs) + k, a, b, a0, a1, local)
                        with lock:
                            done_words[0] += w1 - w0
                except BaseException as exc:  # surfaced in the main thread
                    errors.append(exc)
                finally:
                    with lock:
                        stats += local

            pool = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, threads))]
            for t in pool:
                t.start()
            try:
                while True:
                    alive = [t for t in pool if t.is_alive()]
                    if not alive:
                        break
                    alive[0].join(timeout=0.2)
                    with lock:
                        done = epoch * n_words + done_words[0]
                    elapsed = time.perf_counter() - t_start
                    bar.update(done, info=f"epoch {epoch + 1}/{epochs}  {done / max(elapsed, 1e-9):,.0f} words/s")
            except KeyboardInterrupt:
                stop.set()
                for t in pool:
                    t.join()
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
