"""What every CLI command shares: one-line errors with exit codes, JSON and rich output."""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal, TypeVar

import typer

from embedlab.errors import EmbedlabError, TrainingInterrupted

F = TypeVar("F", bound=Callable[..., Any])


class Projection(StrEnum):
    """How a map of the vectors is drawn (``--method`` of plot and serve)."""

    pca = "pca"
    tsne = "tsne"
    umap = "umap"


class VectorFormat(StrEnum):
    """File formats the CLI writes (embedlab.io.FORMATS)."""

    native = "native"
    word2vec_bin = "word2vec-bin"
    word2vec_txt = "word2vec-txt"
    glove = "glove"
    fasttext_bin = "fasttext-bin"


EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_ERROR) -> None:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _fresh_line() -> str:
    """A line break on a terminal: the terminal echoed ^C where the progress bar's line ends."""
    return "\n" if sys.stderr.isatty() else ""


def handle_errors(fn: F) -> F:
    """Turn user mistakes into one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TrainingInterrupted as exc:
            typer.echo(f"{_fresh_line()}interrupted: {exc}; nothing was written", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except KeyboardInterrupt:  # outside training (reading, saving): saves are atomic, so nothing is half-written
            typer.echo(f"{_fresh_line()}interrupted; nothing was left half-written", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except EmbedlabError as exc:
            fail(str(exc))
        except ImportError as exc:  # an optional extra that no check caught before the work began
            from embedlab._deps import missing_dependency

            dep = missing_dependency(exc)
            if dep is None:
                raise
            fail(str(dep))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        except OSError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def print_json(obj: Any) -> None:
    """One JSON object on stdout (NaN becomes null so every JSON parser reads it)."""
    typer.echo(json.dumps(_clean(obj), ensure_ascii=False))


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):
        return _clean(obj.item())
    return obj


def console():
    from rich.console import Console

    return Console()


def progress_enabled(quiet: bool) -> bool | Literal["log"]:
    """A progress bar on a terminal; elsewhere (CI logs, nohup) a plain line every 30 s; nothing with --quiet."""
    if quiet:
        return False
    return True if sys.stderr.isatty() else "log"


def fmt(x: float | None, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"
