"""Projections (PCA agrees with scikit-learn; t-SNE and UMAP keep groups apart) and semantic axes."""

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.vectors.keyed import KeyedVectors
from embedlab.viz.axes import axis_coordinates
from embedlab.viz.projection import PCA2, project


def blobs(n_per=30, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(3, dim)) * 5
    return np.concatenate([c + rng.normal(size=(n_per, dim)) for c in centers]).astype(np.float32)


def test_pca_matches_scikit_learn_up_to_sign():
    from sklearn.decomposition import PCA

    x = blobs()
    ours = project(x, "pca", 2)
    theirs = PCA(2).fit_transform(x)
    for j in range(2):
        assert abs(np.corrcoef(ours[:, j], theirs[:, j])[0, 1]) > 0.9999


def test_pca_places_new_points_on_the_same_map():
    x = blobs()
    p = PCA2(2).fit(x)
    np.testing.assert_allclose(p.transform(x[:3]), p.transform(x)[:3], rtol=1e-5)


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_nonlinear_projections_keep_clusters_apart(method):
    xy = project(blobs(), method, 2, seed=0)
    assert xy.shape == (90, 2) and np.isfinite(xy).all()
    labels = np.repeat(np.arange(3), 30)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    assert (labels[d.argmin(axis=1)] == labels).mean() > 0.95


def test_projection_bad_inputs():
    with pytest.raises(ConfigError, match="method must be one of"):
        project(blobs(), "mds")
    with pytest.raises(ConfigError, match="at least 2 vectors"):
        project(np.ones((1, 4)), "pca")
    with pytest.raises(ConfigError, match="dim must be an int >= 2 and <= 3"):
        project(blobs(), "pca", 4)


def test_semantic_axes_place_the_poles_at_zero_and_one():
    vecs = {"man": [1, 0, 0], "woman": [1, 1, 0], "king": [1, 0, 1], "queen": [1, 1, 1], "apple": [1, 0, -1]}
    kv = KeyedVectors(list(vecs), np.array(list(vecs.values()), dtype=np.float32))
    c = axis_coordinates(kv, list(vecs), [("man", "woman"), ("man", "king")])
    np.testing.assert_allclose(c[:, 0], [0, 1, 0, 1, 0], atol=1e-6)  # gender
    np.testing.assert_allclose(c[:, 1], [0, 0, 1, 1, -1], atol=1e-6)  # royalty (apple lies below man)
    with pytest.raises(ConfigError, match="zero length"):
        axis_coordinates(kv, ["man"], [("man", "man")])
