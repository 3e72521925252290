"""Configs validate on creation and feed trainers and CLI; the driver is unit-neutral and owns its hooks."""

import inspect

import numpy as np
import pytest

from embedlab import ConfigError, FastText, GloVe, Word2Vec
from embedlab.train.config import FastTextConfig, GloVeConfig, Word2VecConfig
from embedlab.train.driver import default_threads, linear_schedule, run_epochs


@pytest.mark.parametrize(
    "cls, kwargs, message",
    [
        (Word2VecConfig, {"dim": 0}, "dim must be an int >= 1"),
        (Word2VecConfig, {"arch": "sg"}, "arch must be one of"),
        (FastTextConfig, {"minn": 5, "maxn": 3}, "maxn must be 0"),
        (FastTextConfig, {"subword": "bytes"}, "subword must be one of"),
        (GloVeConfig, {"x_max": 0}, "x_max must be a number > 0"),
        (GloVeConfig, {"threads": 0}, "threads must be an int >= 1"),
    ],
)
def test_configs_refuse_bad_values_when_made(cls, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        cls(**kwargs)


def test_configs_resolve_machine_and_arch_defaults():
    assert Word2VecConfig().threads == default_threads()
    assert Word2VecConfig(arch="cbow").lr == 0.05 and Word2VecConfig().lr == 0.025
    with pytest.raises(Exception, match="frozen|cannot assign"):
        Word2VecConfig().dim = 3  # type: ignore[misc]


def test_trainers_take_a_config_or_its_fields():
    cfg = Word2VecConfig(dim=16, threads=1)
    assert Word2Vec(cfg).config is cfg
    assert Word2Vec(cfg, epochs=2).config.epochs == 2 and Word2Vec(cfg, epochs=2).config.dim == 16
    assert Word2Vec(dim=16, threads=1).config == cfg
    with pytest.raises(TypeError, match="dimm"):
        Word2Vec(dimm=3)
    with pytest.raises(ConfigError, match="takes a Word2VecConfig"):
        Word2Vec(GloVeConfig())  # type: ignore[arg-type]
    sig = inspect.signature(FastText)
    assert sig.parameters["bucket"].default == FastTextConfig.bucket
    assert next(iter(inspect.signature(GloVe).parameters)) == "config"


def test_driver_counts_any_unit_and_calls_epoch_hooks_in_order():
    offsets = np.arange(0, 101, 10, dtype=np.int64)  # 10 "sessions" of 10 items
    events: list[tuple] = []
    rates: list[tuple[float, float]] = []

    def job(job_id, a, b, a0, a1, stats):
        rates.append((a0, a1))
        stats += [1.0, 1.0, offsets[b] - offsets[a]]

    report = run_epochs(
        job, offsets, epochs=3, threads=1, schedule=linear_schedule(1.0, 0.0), words_per_job=30,
        on_epoch_start=lambda e: events.append(("start", e)), callbacks=[lambda r: events.append(("end", r.epoch))],
        unit="items", progress=False,
    )  # fmt: skip
    assert events == [("start", 0), ("end", 1), ("start", 1), ("end", 2), ("start", 2), ("end", 3)]
    assert report.words == 300 and [e.effective_words for e in report.epochs] == [100, 100, 100]
    assert rates[0][0] == 1.0 and rates[-1][1] == pytest.approx(0.0)
    assert all(a0 >= a1 for a0, a1 in rates)  # the rate never rises
