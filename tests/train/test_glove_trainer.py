import numpy as np
import pytest

import embedlab
from conftest import group_hit_rate, planted_sentences
from embedlab import ConfigError
from embedlab.train.glove import GloVe


@pytest.fixture(scope="module")
def sentences():
    return planted_sentences(n=4000)


def test_loss_falls_and_planted_groups_become_neighbours(sentences):
    g = GloVe(dim=24, window=5, min_count=2, epochs=40, threads=2)
    kv = g.fit(sentences)
    losses = g.report.losses
    assert losses[-1] < 0.5 * losses[0]
    assert group_hit_rate(kv) > 0.9
    assert kv.metadata["model"] == "glove" and kv.metadata["cooccurrence"]["nnz"] > 0


def test_double_precision_trains_the_same_model_in_float64(sentences):
    """precision="float64" (the C tool's) runs every step in double: from the same start, one thread, it
    ends where float32 does up to float32 rounding, and the vectors come back as float32."""
    kw = {"dim": 8, "min_count": 2, "epochs": 2, "threads": 1, "seed": 4}
    single = GloVe(**kw).fit(sentences)
    double = GloVe(**kw, precision="float64").fit(sentences)
    assert double.vectors.dtype == np.float32 and double.metadata["params"]["precision"] == "float64"
    np.testing.assert_allclose(double.vectors, single.vectors, rtol=1e-3, atol=1e-4)
    assert not np.array_equal(double.vectors, single.vectors)


def test_one_thread_and_a_seed_reproduce(sentences):
    a = GloVe(dim=8, min_count=2, epochs=2, threads=1, seed=4).fit(sentences)
    b = GloVe(dim=8, min_count=2, epochs=2, threads=1, seed=4).fit(sentences)
    c = GloVe(dim=8, min_count=2, epochs=2, threads=1, seed=5).fit(sentences)
    assert np.array_equal(a.vectors, b.vectors) and not np.array_equal(a.vectors, c.vectors)


def test_output_modes(sentences):
    g = GloVe(dim=8, min_count=2, epochs=1, threads=1, output="word")
    word = g.fit(sentences)
    both = GloVe(dim=8, min_count=2, epochs=1, threads=1, output="concat").fit(sentences)
    summed = GloVe(dim=8, min_count=2, epochs=1, threads=1, output="sum").fit(sentences)
    assert word.dim == 8 and both.dim == 16 and summed.dim == 8
    np.testing.assert_allclose(summed.vectors, both.vectors[:, :8] + both.vectors[:, 8:], rtol=1e-6)
    np.testing.assert_array_equal(word.vectors, both.vectors[:, :8])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x_max": 0}, "x_max must be a number > 0.0"),
        ({"output": "both"}, "output must be one of"),
        ({"window": 0}, "window"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        GloVe(**kwargs)


def test_glove_text_format_round_trip(tmp_path, sentences):
    kv = GloVe(dim=6, min_count=2, epochs=1, threads=1).fit(sentences)
    path = tmp_path / "vectors.txt"
    kv.save(path, format="glove")
    assert path.read_text().split("\n", 1)[0].split()[0] == kv.words[0]  # no header line
    assert embedlab.io.detect_format(path) == "glove"
    back = embedlab.load(path)
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
