"""Progress reporting shared by long-running work (corpus encoding, training).

Library code reports progress through a small callable interface; the CLI and
interactive users get a rich progress bar, tests and scripts get nothing unless asked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

ProgressArg = bool | None | Callable[..., Any]


class Progress:
    """A task with a total; ``update(done, **fields)`` moves it. Quiet unless enabled."""

    def __init__(self, description: str, total: float, *, enabled: ProgressArg = None, unit: str = "") -> None:
        self._callback = enabled if callable(enabled) else None
        if enabled is None:
            enabled = sys.stderr.isatty()
        self._bar = None
        self.description = description
        self.total = total
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
        if self._bar is not None:
            self._bar.update(self._task, completed=done, info=info)
        if self._callback is not None:
            self._callback(self.description, done, self.total, info=info, **fields)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
