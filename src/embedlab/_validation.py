"""Parameter checks that give scikit-learn style messages (name, allowed range, value received)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from embedlab.errors import ConfigError


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
