"""Plots (PNG, SVG, offline HTML) and exports (Projector TSV, PyTorch, sentence-transformers)."""

import numpy as np
import pytest

from conftest import GROUPS
from embedlab.errors import ConfigError, UnknownWordError
from embedlab.io import load
from embedlab.viz.export import to_projector_tsv, to_sentence_transformers, to_torch_embedding
from embedlab.viz.plots import plot_words


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_plot_files(planted_model, tmp_path, suffix):
    kv = load(planted_model)
    out = plot_words(kv, GROUPS[0] + GROUPS[1], tmp_path / f"map{suffix}", analogies=[("cat", "dog", "red", "blue")])
    data = out.read_bytes()
    assert len(data) > 5000
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    if suffix == ".svg":
        assert b"<svg" in data[:500] and b"cat" in data
    if suffix == ".html":
        text = data.decode()
        assert "Plotly.newPlot" in text and "<script src=" not in text  # plotly.js is inside the file
        assert len(text) > 1_000_000


def test_plot_on_semantic_axes_and_top(planted_model, tmp_path):
    kv = load(planted_model)
    out = plot_words(kv, None, tmp_path / "axes.png", top=20, axes=[("cat", "dog"), ("red", "blue")])
    assert out.stat().st_size > 5000
    with pytest.raises(UnknownWordError, match="zebra"):
        plot_words(kv, ["cat", "zebra"], tmp_path / "x.png")
    with pytest.raises(ConfigError, match="must end in"):
        plot_words(kv, ["cat", "dog"], tmp_path / "x.jpg")
    assert not (tmp_path / "x.png").exists()


def test_projector_tsv(planted_model, tmp_path):
    kv = load(planted_model)
    vecs, meta = to_projector_tsv(kv, tmp_path / "proj", limit=10)
    rows = vecs.read_text().splitlines()
    assert len(rows) == 10 and len(rows[0].split("\t")) == kv.dim
    np.testing.assert_allclose(np.array(rows[3].split("\t"), dtype=float), kv.vectors[3], rtol=1e-5)
    lines = meta.read_text().splitlines()
    assert lines[0] == "word\tcount" and lines[1].split("\t")[0] == kv.words[0] and len(lines) == 11


def test_torch_embedding(planted_model):
    import torch

    kv = load(planted_model)
    layer, index = to_torch_embedding(kv)
    row = layer(torch.tensor([index["cat"]]))[0].detach().numpy()
    np.testing.assert_array_equal(row, kv["cat"])
    assert not layer.weight.requires_grad


def test_sentence_transformers_export_gives_mean_pooling(planted_model, tmp_path):
    from sentence_transformers import SentenceTransformer

    from embedlab.encoders.static import StaticEncoder

    kv = load(planted_model)
    to_sentence_transformers(kv, tmp_path / "st")
    st = SentenceTransformer(str(tmp_path / "st"), device="cpu")
    texts = ["cat dog horse", "red, green and blue"]  # "and" is unknown: only direction is compared
    ours = StaticEncoder(kv).encode(texts, normalize=True)
    theirs = st.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(theirs, ours, atol=1e-5)


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_three_d_plots(planted_model, tmp_path, suffix):
    kv = load(planted_model)
    out = plot_words(
        kv, GROUPS[0] + GROUPS[3], tmp_path / f"map3{suffix}", dims=3, analogies=[("cat", "dog", "run", "walk")]
    )
    assert out.stat().st_size > 5000
    if suffix == ".html":
        assert "scatter3d" in out.read_text()
    out = plot_words(kv, GROUPS[0], tmp_path / f"axes3{suffix}", axes=[("cat", "dog"), ("cat", "cow"), ("cat", "goat")])
    assert out.stat().st_size > 5000
