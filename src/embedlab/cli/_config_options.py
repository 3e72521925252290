"""CLI options made from a config's field descriptions (:mod:`embedlab._params`): a command declares the
arguments of its own (inputs, output, format) and names its config; every hyperparameter becomes an option
with the config's default, help, bounds and choices, and peers' names as extra spellings. The command
receives the config, validated, so a bad value is one ``error:`` line before any work.

    @app.command("word2vec")
    @handle_errors
    @with_config(Word2VecConfig)
    def word2vec(corpus: ..., output: ..., config: Word2VecConfig) -> None: ...
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

import typer

from embedlab._params import Config, Spec
from embedlab.errors import ConfigError

__all__ = ["config_parameters", "option_for", "with_config"]


def option_for(
    name: str, spec: Spec, default: Any, *, taken: Iterable[str] = (), python_name: str | None = None
) -> inspect.Parameter:
    """The typer option of one hyperparameter: ``--name`` (or the spec's flag), the peers' names as other
    spellings where no other option has them, the help with the allowed values, choices as a choice."""
    decls = [spec.flag or "--" + name.replace("_", "-")]
    decls += [f"--{a.replace('_', '-')}" for a in spec.aliases if f"--{a.replace('_', '-')}" not in taken]
    decls += [s for s in spec.short if s not in taken]
    allowed = spec.describe()
    help_text = spec.help + (f" [{allowed}]" if allowed and spec.choices is None else "")
    kind: Any = Literal[spec.choices] if spec.choices is not None else spec.kind
    if default is None:
        kind = kind | None
    annotation = Annotated[kind, typer.Option(*decls, help=help_text)]
    return inspect.Parameter(python_name or name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)  # fmt: skip


def config_parameters(
    cls: type[Config],
    *,
    exclude: Iterable[str] = (),
    defaults: dict[str, Any] | None = None,
    taken: Iterable[str] = (),
    names: Iterable[str] = (),
) -> list[inspect.Parameter]:
    """One option per field of ``cls`` but ``exclude``; ``defaults`` overrides a field's default for this command
    (the config still validates it); ``taken`` are flags and ``names`` Python names the command's own
    parameters use (a field of the same name is passed as ``<name>_``)."""
    skip, own = set(exclude), {**cls.defaults(), **(defaults or {})}
    taken, used = set(taken), set(names)
    return [option_for(name, spec, own[name], taken=taken, python_name=name + "_" if name in used else name)
            for name, spec in cls.specs().items() if name not in skip]  # fmt: skip


def _flags(param: inspect.Parameter) -> list[str]:
    meta = getattr(param.annotation, "__metadata__", ())
    decls: list[str] = []
    for m in meta:
        decls += [d for d in (getattr(m, "param_decls", None) or ()) if d.startswith("-")]
        default = getattr(m, "default", None)
        if isinstance(default, str) and default.startswith("-"):
            decls.append(default)
    return decls or ["--" + param.name.replace("_", "-")]


def with_config(
    cls: type[Config], *, exclude: Iterable[str] = (), defaults: dict[str, Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command one option per field of ``cls`` (see :func:`config_parameters`); the command's own
    ``config`` parameter receives ``cls`` made from them (fields left out keep the config's defaults)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        # The command's module may say ``from __future__ import annotations``: resolve its strings there,
        # since typer reads them back from this wrapper, whose module is this one.
        hints = typing.get_type_hints(fn, include_extras=True)
        own = [p.replace(annotation=hints.get(p.name, p.annotation))
               for p in inspect.signature(fn).parameters.values() if p.name != "config"]  # fmt: skip
        taken = [flag for p in own for flag in _flags(p)]
        extra = config_parameters(cls, exclude=exclude, defaults=defaults, taken=taken, names=[p.name for p in own])
        names = [p.name for p in extra]

        specs = cls.specs()

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            values = {name.removesuffix("_") if name.endswith("_") else name: kwargs.pop(name) for name in names}
            try:
                config = cls(**values)
            except ConfigError as exc:  # say it with the option the person typed: "--k must be ...", not "k ..."
                field = str(exc).split(" ", 1)[0]
                if field in specs:
                    flag = specs[field].flag or "--" + field.replace("_", "-")
                    raise ConfigError(flag + str(exc)[len(field) :]) from None
                raise
            return fn(config=config, **kwargs)

        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + extra
        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer reads the signature above, not fn's
        command.__config__ = cls  # type: ignore[attr-defined]  # for the tests that compare faces with configs
        return command

    return wrap
