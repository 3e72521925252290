"""One description of every hyperparameter, from which everything else is made.

A config is a frozen, keyword-only dataclass whose fields are made with :func:`param`: the default,
a line of help, the bounds or choices, and the names peers give it (gensim's ``alpha`` for a learning
rate, implicit's ``factors`` for a vector size). From that one description:

- the config validates itself when it is made (:class:`Config`; a bad value is a
  :class:`~embedlab.errors.ConfigError` naming the parameter, its range and the value received);
- the CLI builds its options (``embedlab.cli._config_options``): flag, default, help, bounds;
- the service builds its request fields (``embedlab.service.fields``).

So a default or a bound is written once, and a new trainer is one config plus one function.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, kw_only=True)
... class Toy(Config):
...     dim: int = param(100, "Vector size.", ge=1, le=10_000)
...     lr: float = param(0.025, "Start learning rate.", gt=0.0, aliases=("alpha",))
>>> Toy(dim=8).dim, Toy.specs()["lr"].aliases
(8, ('alpha',))
>>> Toy(dim=0)
Traceback (most recent call last):
...
embedlab.errors.ConfigError: dim must be an int >= 1 and <= 10000, got 0
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from embedlab._validation import check_choice, check_float, check_int
from embedlab.errors import ConfigError

__all__ = ["Config", "Spec", "keyword_aliases", "param", "resolve_aliases"]

C = TypeVar("C", bound="Config")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Spec:
    """What a hyperparameter is: its kind, a line of help, its bounds or choices, its other names."""

    kind: type
    help: str
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[str, ...] | None = None
    optional: bool = False  # None is allowed: the config resolves it (from the machine or other fields)
    flag: str | None = None  # the CLI option, when not --<name with dashes>
    aliases: tuple[str, ...] = ()  # the names peers give it, accepted as keywords
    short: tuple[str, ...] = ()  # one-letter CLI spellings (``-k``)

    def check(self, name: str, value: Any) -> Any:
        """``value`` validated (ints as ints, numbers as floats), or a ConfigError naming ``name``."""
        if value is None and self.optional:
            return None
        if self.choices is not None:
            return check_choice(name, value, self.choices)
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"{name} must be True or False, got {value!r}")
            return value
        if self.kind is int:
            low = None if self.minimum is None else int(self.minimum)
            high = None if self.maximum is None else int(self.maximum)
            return check_int(name, value, low, high)
        if self.kind is float:
            return check_float(name, value, self.minimum, self.maximum, exclusive_minimum=self.exclusive_minimum)
        if not isinstance(value, self.kind):
            raise ConfigError(f"{name} must be a {self.kind.__name__}, got {value!r}")
        return value

    def describe(self) -> str:
        """The allowed values in words, for help texts: ``>= 1 and <= 10000``, ``one of a, b``."""
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        low = ">" if self.exclusive_minimum else ">="
        parts = []
        if self.minimum is not None:
            parts.append(f"{low} {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"<= {self.maximum:g}")
        return " and ".join(parts)


def param(
    default: Any,
    help: str,
    *,
    kind: type | None = None,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    choices: tuple[str, ...] | None = None,
    optional: bool = False,
    flag: str | None = None,
    aliases: tuple[str, ...] = (),
    short: tuple[str, ...] = (),
) -> Any:
    """A config field: its default and everything the library, the CLI and the service need to know about it.

    ``kind`` defaults to the default's type (give it when the default is None); ``ge``/``gt``/``le`` bound
    numbers, ``choices`` names the values a string may take, ``optional`` lets None through (the config
    resolves it), ``flag`` overrides the CLI option name, ``aliases`` are peers' names for it, ``short`` its
    one-letter CLI spellings.
    """
    if kind is None:
        if default is None:
            raise TypeError("give kind= for a parameter whose default is None")
        kind = type(default)
    if ge is not None and gt is not None:
        raise TypeError("give ge= or gt=, not both")
    spec = Spec(kind=kind, help=help, minimum=gt if gt is not None else ge, maximum=le,
                exclusive_minimum=gt is not None, choices=choices, optional=optional or default is None,
                flag=flag, aliases=aliases, short=short)  # fmt: skip
    return field(default=default, metadata={"spec": spec})


class Config:
    """Base of every hyperparameter config: each :func:`param` field validated on creation, then
    :meth:`resolve` for what depends on other fields or on the machine. Frozen: change one with
    ``dataclasses.replace``."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            spec = f.metadata.get("spec")
            if spec is not None:
                self._set(f.name, spec.check(f.name, getattr(self, f.name)))
        self.resolve()

    def resolve(self) -> None:
        """Defaults that depend on other fields or on the machine, and rules across fields (subclasses)."""

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)  # frozen dataclass: validation normalises in place

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def specs(cls) -> dict[str, Spec]:
        """Every field's :class:`Spec`, in field order."""
        return {f.name: f.metadata["spec"] for f in dataclasses.fields(cls) if "spec" in f.metadata}  # type: ignore[arg-type]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every field's default as written (before :meth:`resolve`)."""
        return {f.name: f.default for f in dataclasses.fields(cls)}  # type: ignore[arg-type]


def resolve_aliases(cls: type[Config], params: dict[str, Any], owner: str) -> dict[str, Any]:
    """``params`` with peers' names (``alpha`` for ``lr``, ``topn`` for ``k``...) turned into the config's own;
    a name given twice (as itself and as an alias) is a ConfigError."""
    out = dict(params)
    for name, spec in cls.specs().items():
        for alias in spec.aliases:
            if alias in out:
                if name in out:
                    raise ConfigError(f"{owner}: {alias!r} is another name for {name!r}; give one of them")
                out[name] = out.pop(alias)
    return out


def keyword_aliases(**aliases: str) -> Callable[[F], F]:
    """Let a function take peers' names for its keywords: ``@keyword_aliases(topn="k")`` makes
    ``most_similar("king", topn=5)`` (gensim's spelling) the same call as ``most_similar("king", k=5)``.
    Both names at once is a ConfigError."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            for alias, name in aliases.items():
                if alias in kwargs:
                    if name in kwargs:
                        raise ConfigError(f"{fn.__name__}: {alias!r} is another name for {name!r}; give one of them")
                    kwargs[name] = kwargs.pop(alias)
            return fn(*args, **kwargs)

        return call  # type: ignore[return-value]

    return wrap
