"""Every hyperparameter and query knob is written once, in a config: the CLI's options and the service's
request fields are made from it, with the same default, bounds and choices."""

from __future__ import annotations

import dataclasses
import typing

import pytest
import typer
from typer.testing import CliRunner

from embedlab._params import Config
from embedlab.cli.main import app
from embedlab.queries import MAX_K
from embedlab.service import schemas

ROOT = typer.main.get_command(app)
#: names that always mean a hyperparameter or a result count: an option by one of these names that no config
#: made is a default written a second time. Options of evaluations and encoding runs (batch sizes, the k of a
#: metric, a permutation test's seed) are the command's own and listed here with why.
HYPERPARAMETERS = {"k", "topn", "top", "lr", "alpha", "eta", "dim", "epochs", "window", "negative", "min_count"}
OWN = {
    ("sentences evaluate-retrieval", "k"): "the cut-off of recall@k / nDCG@k, a metric's setting",
    ("images evaluate", "k"): "the neighbours of the kNN vote that measures an embedding",
    ("explain probe", "top"): "how many of the most frequent keys a probe reads",
    ("words plot", "top"): "how many of the most frequent words are drawn",
    ("recommend train als", "negative"): "keep or drop negative quantities of a purchase file: a reading option",
    ("recommend train bpr", "negative"): "keep or drop negative quantities of a purchase file: a reading option",
    ("search create", "dim"): "a Matryoshka cut of the encoder's vectors, read from the model by default",
}


def commands(cmd=ROOT, path=()):
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            yield from commands(sub, (*path, name))
    else:
        yield " ".join(path), cmd


def options(cmd):
    return {p.name.removesuffix("_"): p for p in cmd.params if getattr(p, "param_type_name", "") == "option"}


CONFIGURED = [(name, cmd) for name, cmd in commands() if getattr(cmd.callback, "__config__", None) is not None]


def test_the_commands_that_take_hyperparameters_are_made_from_configs():
    names = {name for name, _ in CONFIGURED}
    for expected in ("words train word2vec", "words train glove", "words train fasttext", "graph train",
                     "recommend train als", "recommend train bpr", "recommend train item2vec", "classify train",
                     "classify train-head", "images train-cnn", "images train-text", "words similar",
                     "words analogy", "explain similarity", "search query", "recommend items", "classify predict",
                     "classify test", "compress distill", "sentences finetune", "graph evaluate-links"):  # fmt: skip
        assert expected in names, expected


@pytest.mark.parametrize("name,cmd", CONFIGURED, ids=[n for n, _ in CONFIGURED])
def test_every_option_of_a_config_has_its_default_and_choices(name, cmd):
    cls: type[Config] = cmd.callback.__config__
    opts = options(cmd)
    defaults = cls.defaults()
    for field, spec in cls.specs().items():
        if field not in opts:  # left out by the command (it sets that field itself)
            continue
        opt = opts[field]
        assert opt.default == defaults[field], (name, field)
        flags = set(opt.opts) | set(opt.secondary_opts)
        assert (spec.flag or "--" + field.replace("_", "-")) in flags, (name, field, flags)
        if spec.choices is not None:
            choices = typing.get_args(opt.type_descriptor.annotation)
            assert tuple(c for c in choices if c is not type(None)) == spec.choices, (name, field)
        assert spec.help in opt.help, (name, field)


def test_no_command_writes_a_hyperparameter_default_of_its_own():
    stray = []
    for name, cmd in commands():
        cls = getattr(cmd.callback, "__config__", None)
        fields = set(cls.specs()) if cls else set()
        for opt in options(cmd):
            if opt in HYPERPARAMETERS and opt not in fields and (name, opt) not in OWN:
                stray.append(f"{name} --{opt}")
    assert not stray, f"options written by hand, not from a config: {stray}"


def _required_args(cmd):
    """Placeholder values for a command's required arguments: a bad option must fail before they are read."""
    out = []
    for p in cmd.params:
        if getattr(p, "param_type_name", "") == "argument" and p.required:
            out += ["x"] * (p.nargs if p.nargs > 0 else 1)
        elif getattr(p, "param_type_name", "") == "option" and p.required:
            out += [p.opts[0], "x"]
    return out


OUT_OF_RANGE = []
for _name, _cmd in CONFIGURED:
    _opts = options(_cmd)
    for _field, _spec in _cmd.callback.__config__.specs().items():
        if _field in _opts and _spec.kind in (int, float) and (_spec.minimum is not None or _spec.maximum is not None):
            OUT_OF_RANGE.append((_name, _field))


@pytest.mark.parametrize("name,field", OUT_OF_RANGE, ids=[f"{n}:{f}" for n, f in OUT_OF_RANGE])
def test_a_value_out_of_the_configs_bounds_is_one_error_line(name, field):
    cmd = dict(commands())[name]
    spec = cmd.callback.__config__.specs()[field]
    if spec.minimum is not None:
        bad = spec.minimum - 1 if spec.kind is int or not spec.exclusive_minimum else spec.minimum
    else:
        bad = spec.maximum + 1
    flag = spec.flag or "--" + field.replace("_", "-")
    result = CliRunner().invoke(app, [*name.split(), *_required_args(cmd), flag, str(bad)])
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.output.startswith(f"error: {flag} must be "), result.output  # named as the person typed it
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def _request_models():
    return [m for m in vars(schemas).values() if isinstance(m, type) and issubclass(m, schemas.BaseModel)
            and m.__module__ == schemas.__name__]  # fmt: skip


QUERY_FIELDS = {
    schemas.SimilarRequest: "NeighboursQuery",
    schemas.AnalogyRequest: "AnalogyQuery",
    schemas.ExplainRequest: "ExplainQuery",
    schemas.SearchRequest: "SearchQuery",
    schemas.RecommendRequest: "RecommendQuery",
    schemas.ClassifyRequest: "ClassifyQuery",
}


@pytest.mark.parametrize("model", list(QUERY_FIELDS), ids=lambda m: m.__name__)
def test_every_request_field_of_a_query_matches_its_config(model):
    import embedlab.queries as q

    cls: type[Config] = getattr(q, QUERY_FIELDS[model])
    hints = typing.get_type_hints(model)
    for field, spec in cls.specs().items():
        info = model.model_fields[field]
        assert info.default == cls.defaults()[field], field
        bounds = {type(m).__name__.lower(): next(iter(dataclasses.asdict(m).values())) for m in info.metadata}
        low = "gt" if spec.exclusive_minimum else "ge"
        assert bounds.get(low) == spec.minimum and bounds.get("le") == spec.maximum, (field, bounds)
        if spec.choices is not None:
            allowed = set(typing.get_args(hints[field])) - {type(None)}
            literal = {a for arg in typing.get_args(hints[field]) for a in typing.get_args(arg)} or allowed
            assert literal == set(spec.choices), field
        if spec.aliases:  # peers' names reach the same field
            assert set(info.validation_alias.choices) == {field, *spec.aliases}, field


def test_every_k_in_the_service_has_one_upper_bound():
    for model in _request_models():
        info = model.model_fields.get("k")
        if info is None:
            continue
        bounds = {type(m).__name__.lower(): next(iter(dataclasses.asdict(m).values())) for m in info.metadata}
        assert bounds["le"] == MAX_K, model.__name__


def test_a_peers_name_reaches_the_same_request_field():
    assert schemas.SimilarRequest.model_validate({"word": "king", "topn": 3}).k == 3
    assert schemas.ExplainRequest.model_validate({"a": "x", "b": "y", "top": 4}).k == 4


def test_a_peers_name_reaches_the_same_option(tmp_path):
    import numpy as np

    from embedlab.vectors import KeyedVectors

    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32) + 0.1)
    kv.save(tmp_path / "m")
    both = [CliRunner().invoke(app, ["words", "similar", str(tmp_path / "m"), "a", flag, "2", "--json"]) for flag in
            ("--k", "--topn", "-n", "-k")]  # fmt: skip
    assert all(r.exit_code == 0 for r in both), [r.output for r in both]
    assert len({r.output for r in both}) == 1
