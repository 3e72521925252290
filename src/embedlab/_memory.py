"""This machine's memory, and a clear refusal before an allocation that would not fit in it.

A ``MemoryError`` (or the kernel's OOM killer) half-way through a build helps nobody: the builds that know
their size beforehand (a collection's search index, a FastText bucket table) ask :func:`check_fits`
first and stop with a line that says what would not fit and what to do instead.

>>> check_fits(1, "one byte", "nothing to do")
>>> physical_memory() is None or physical_memory() > 0
True
"""

from __future__ import annotations

import os

from embedlab.errors import ConfigError

__all__ = ["available_memory", "check_fits", "gib", "physical_memory"]


def physical_memory() -> int | None:
    """The machine's RAM in bytes (None where the platform does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def available_memory() -> int | None:
    """RAM a process could take now without swapping, in bytes: Linux's MemAvailable (free memory plus the
    page cache it can drop), else the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return physical_memory()


def gib(n: float) -> str:
    """``n`` bytes as GiB for messages: ``'1.5 GiB'``."""
    return f"{n / 2**30:,.1f} GiB" if n >= 2**27 else f"{n / 2**20:,.1f} MiB"


def check_fits(needed: int, what: str, advice: str, *, whole_machine: bool = False) -> None:
    """Raise :class:`ConfigError` when ``needed`` bytes exceed the memory available now (or, with
    ``whole_machine``, the machine's whole RAM: for tables that may push the page cache out)."""
    have = physical_memory() if whole_machine else available_memory()
    if have is not None and needed > have:
        where = "this machine has" if whole_machine else "is available"
        raise ConfigError(f"{what} needs about {gib(needed)} of RAM, more than the {gib(have)} {where}: {advice}")
