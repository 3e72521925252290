"""The ``embedlab`` console script: imports the CLI inside a guard, so Ctrl-C at any moment is one line.

Loading typer and the command modules takes a few tenths of a second; a Ctrl-C then would reach
Python before any command's own handling and print a traceback. Here it exits with code 130 and a
line saying nothing was started. Once a command runs, its own handler reports what happened.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130


def main() -> None:
    try:
        from embedlab.cli.main import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted while starting; nothing was done\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    try:
        run()
    except KeyboardInterrupt:  # between a command's end and the exit
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
