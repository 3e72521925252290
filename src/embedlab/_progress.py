"""Progress reporting shared by long-running work (corpus encoding, training).

Library code reports progress through a small callable interface; the CLI and
interactive users get a rich progress bar, tests and scripts get nothing unless asked.
``enabled="log"`` prints a plain line now and then instead (what the CLI does when stderr is
not a terminal: CI logs and ``nohup`` runs show life), every ``EMBEDLAB_PROGRESS_INTERVAL``
seconds (default 30), and once at the end of work that printed any.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any, Literal

ProgressArg = bool | None | Literal["log"] | Callable[..., Any]


class Progress:
    """A task with a total; ``update(done, **fields)`` moves it. Quiet unless enabled."""

    def __init__(self, description: str, total: float, *, enabled: ProgressArg = None, unit: str = "") -> None:
        self._callback = enabled if callable(enabled) else None
        if enabled is None:
            enabled = sys.stderr.isatty()
        self._bar = None
        self.description = description
        self.total = total
        self._log = enabled == "log"
        self._t0 = self._last = time.monotonic()
        self._done = 0.0
        self._info = ""
        self._lines = 0
        self._interval = float(os.environ.get("EMBEDLAB_PROGRESS_INTERVAL", "30"))
        if enabled is True:
            from rich.progress import (
                BarColumn,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as RichProgress,
            )

            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                transient=False,
                console=_stderr_console(),
            )
            self._bar.start()
            self._task = self._bar.add_task(description, total=total, info="")

    def update(self, done: float, info: str = "", **fields: Any) -> None:
        if self._log:
            self._done, self._info = done, info
            now = time.monotonic()
            if now - self._last >= self._interval:
                self._last = now
                self._write_line(now)
        if self._bar is not None:
            self._bar.update(self._task, completed=done, info=info)
        if self._callback is not None:
            self._callback(self.description, done, self.total, info=info, **fields)

    def _write_line(self, now: float, final: bool = False) -> None:
        self._lines += 1
        elapsed = now - self._t0
        share = self._done / self.total if self.total else 1.0
        eta = "" if final or share <= 0 else f"  ETA {_clock(elapsed * (1 - share) / share)}"
        info = f"  {self._info}" if self._info else ""
        sys.stderr.write(f"{self.description}: {share:.0%} ({self._done:,.0f}/{self.total:,.0f})  "
                         f"elapsed {_clock(elapsed)}{eta}{info}{'  done' if final else ''}\n")  # fmt: skip
        sys.stderr.flush()

    def close(self, *, completed: bool = True) -> None:
        if self._log:
            self._log = False
            if completed and self._lines:  # work short enough to print no line stays silent
                self._write_line(time.monotonic(), final=True)
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(completed=exc_type is None)


class Phase:
    """A stretch of work with no count to show (fitting a head, solving a probe): a spinner with the
    elapsed time on a terminal, a start line and a "done" line in log mode, nothing when disabled; a
    callback gets ``(description, 0, 1)`` at the start and ``(description, 1, 1)`` at the end.

    >>> with Phase("fitting the head on 10 vectors", enabled=False):
    ...     pass
    """

    def __init__(self, description: str, *, enabled: ProgressArg = None) -> None:
        self._callback = enabled if callable(enabled) else None
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.description = description
        self._log = enabled == "log"
        self._status = None
        self._t0 = time.monotonic()
        if enabled is True:
            self._status = _stderr_console().status(f"[bold]{description}[/bold] ...")
            self._status.start()
        elif self._log:
            sys.stderr.write(f"{description} ...\n")
            sys.stderr.flush()
        if self._callback is not None:
            self._callback(description, 0, 1)

    def __enter__(self) -> Phase:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        elapsed = time.monotonic() - self._t0
        if self._status is not None:
            self._status.stop()
            if exc_type is None:
                _stderr_console().print(f"{self.description}: done in {_clock(elapsed)}")
        elif self._log and exc_type is None:
            sys.stderr.write(f"{self.description}: done in {_clock(elapsed)}\n")
            sys.stderr.flush()
        if self._callback is not None and exc_type is None:
            self._callback(self.description, 1, 1)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
