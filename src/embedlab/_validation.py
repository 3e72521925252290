"""Parameter checks that give scikit-learn style messages (name, allowed range, value received)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from embedlab.errors import ConfigError, FormatError


def check_int(name: str, value: object, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int or raise :class:`ConfigError` naming the parameter and range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(f"{name} must be an int{_range(minimum, maximum)}, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} must be an int{_range(minimum, maximum)}, got {value!r}")
    return value


def check_float(
    name: str,
    value: object,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    exclusive_minimum: bool = False,
) -> float:
    """Return ``value`` as a float or raise :class:`ConfigError` naming the parameter and range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be a number{_range(minimum, maximum, exclusive_minimum)}, got {value!r}")
    value = float(value)
    bad = value != value  # NaN
    if minimum is not None:
        bad |= value <= minimum if exclusive_minimum else value < minimum
    if maximum is not None:
        bad |= value > maximum
    if bad:
        raise ConfigError(f"{name} must be a number{_range(minimum, maximum, exclusive_minimum)}, got {value!r}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices`` or raise :class:`ConfigError` listing them."""
    choices = tuple(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ConfigError(f"{name} must be one of {listed}, got {value!r}")
    return str(value)


def _range(minimum: float | None, maximum: float | None, exclusive_minimum: bool = False) -> str:
    low = ">" if exclusive_minimum else ">="
    if minimum is not None and maximum is not None:
        return f" {low} {minimum} and <= {maximum}"
    if minimum is not None:
        return f" {low} {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def is_number(value: object) -> bool:
    """Whether ``float(value)`` works (a number, or text that reads as one)."""
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


#: the largest count an int64 array holds
MAX_INT64 = 2**63 - 1
_DIGITS = frozenset("0123456789")


def parse_count(text: str | bytes, where: str, minimum: int = 0, maximum: int = MAX_INT64) -> int:
    """A whole number written in a saved text file (a vocabulary count, a size, a setting): ASCII digits
    only, within ``[minimum, maximum]``; anything else is a :class:`~embedlab.errors.FormatError` naming
    ``where``. Python's ``int()`` reads ``'١٢'``, ``'1_000'`` and ``' 7'`` and has no upper bound; a saved
    file never holds those, so a damaged one is reported rather than read as some other number.

    >>> parse_count("42", "vocab.tsv, line 3")
    42
    >>> parse_count("4²", "vocab.tsv, line 3")
    Traceback (most recent call last):
    ...
    embedlab.errors.FormatError: vocab.tsv, line 3: expected a whole number from 0 to 9223372036854775807, got '4²'
    """
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    if not s or not _DIGITS.issuperset(s) or len(s) > 20 or not minimum <= int(s) <= maximum:
        raise FormatError(f"{where}: expected a whole number from {minimum} to {maximum}, got {s[:40]!r}")
    return int(s)


def config_int(config: object, key: str, where: str, minimum: int = 0, maximum: int = MAX_INT64) -> int:
    """``config[key]`` of a saved JSON file as an int in ``[minimum, maximum]``: a JSON integer (not a
    bool, a float or digits in a string), else a :class:`~embedlab.errors.FormatError` naming ``where``.

    >>> config_int({"dim": 8}, "dim", "config.json")
    8
    >>> config_int({"dim": "8"}, "dim", "config.json")
    Traceback (most recent call last):
    ...
    embedlab.errors.FormatError: config.json: 'dim' should be a whole number from 0 to 9223372036854775807, got '8'
    """
    value = config.get(key) if isinstance(config, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise FormatError(f"{where}: {key!r} should be a whole number from {minimum} to {maximum}, got {value!r}")
    return value
