"""The Recommender protocol, run for every user-to-item recommender embedlab makes: at most k
``(item, score)`` pairs best first, never an item the user has, ids that agree with names, clear
errors for an unfitted model, an unknown user and a bad k, and (for the kinds that are saved) the
same answers after a save and load."""

import numpy as np
import pytest

from embedlab.errors import ConfigError, UnknownKeyError
from embedlab.recommend import ALS, BPR, Interactions, ItemKNN, Popularity, Recommender, Taste
from embedlab.recommend.store import KINDS, load_recommender, save_recommender
from embedlab.vectors import KeyedVectors


def _log() -> Interactions:
    """Two tastes (tea things, tools) over 30 users; each user has 3 of the 6 items of their taste."""
    rng = np.random.default_rng(0)
    tea = ["tea", "cake", "scone", "jam", "milk", "cup"]
    tools = ["saw", "nail", "drill", "hammer", "glue", "screw"]
    records = []
    for u in range(30):
        group = tea if u % 2 else tools
        for item in rng.choice(group, size=3, replace=False):
            records.append((f"u{u}", str(item)))
    return Interactions.from_records(records)


def _taste(log: Interactions) -> Taste:
    rng = np.random.default_rng(1)
    centres = {0: rng.normal(size=8), 1: rng.normal(size=8)}
    vecs = np.stack([centres[i in {"tea", "cake", "scone", "jam", "milk", "cup"}] + 0.1 * rng.normal(size=8)
                     for i in log.items]).astype(np.float32)  # fmt: skip
    return Taste(KeyedVectors(list(log.items), vecs))


MAKERS = {
    "popularity": lambda log: Popularity(),
    "itemknn": lambda log: ItemKNN(neighbours=5),
    "als": lambda log: ALS(dim=4, epochs=5, threads=1, seed=0),
    "bpr": lambda log: BPR(dim=4, epochs=100, lr=0.05, threads=1, seed=0),
    "taste": _taste,
}


@pytest.fixture(scope="module")
def log() -> Interactions:
    return _log()


@pytest.fixture(scope="module", params=sorted(MAKERS))
def fitted(request, log) -> tuple[str, Recommender]:
    return request.param, MAKERS[request.param](log).fit(log)


def test_every_saved_kind_is_in_the_contract():
    assert set(KINDS) <= set(MAKERS)


def test_recommend_gives_at_most_k_new_items_best_first(fitted, log):
    _, model = fitted
    for user in log.users[:6]:
        recs = model.recommend(user, k=4)
        assert 0 < len(recs) <= 4
        items, scores = [i for i, _ in recs], [s for _, s in recs]
        assert all(isinstance(i, str) and i in log.items for i in items) and len(set(items)) == len(items)
        assert all(isinstance(s, float) and np.isfinite(s) for s in scores)
        assert scores == sorted(scores, reverse=True)
        have = {log.items[i] for i in log.item_ids[log.user_ids == log.user_index(user)]}
        assert not have & set(items)


def test_ids_agree_with_names(fitted, log):
    _, model = fitted
    users = np.arange(log.n_users)
    ids = model.recommend_ids(users, k=3)
    assert ids.shape == (log.n_users, 3) and ids.dtype == np.int64
    for u in (0, 7, 29):
        by_name = [name for name, _ in model.recommend(log.users[u], k=3)]
        assert [log.items[i] for i in ids[u] if i >= 0] == by_name


def test_a_taste_is_found(fitted, log):
    """Every model but popularity puts an item of the user's own taste first for most users."""
    kind, model = fitted
    if kind == "popularity":
        pytest.skip("popularity ignores taste by design")
    tea = {"tea", "cake", "scone", "jam", "milk", "cup"}
    right = [(model.recommend(u, k=1)[0][0] in tea) == bool(int(u[1:]) % 2) for u in log.users]
    assert np.mean(right) >= 0.7


def test_clear_errors(fitted, log):
    kind, model = fitted
    with pytest.raises(UnknownKeyError, match="nobody"):
        model.recommend("nobody", k=3)
    with pytest.raises(ConfigError, match="k"):
        model.recommend(log.users[0], k=0)
    with pytest.raises(ConfigError, match="not fitted"):
        MAKERS[kind](log).recommend(log.users[0], k=3)


def test_save_and_load_answer_the_same(fitted, log, tmp_path):
    kind, model = fitted
    if kind not in KINDS:
        with pytest.raises(Exception, match="cannot save"):
            save_recommender(model, tmp_path / "m")
        return
    again = load_recommender(save_recommender(model, tmp_path / "m"))
    assert type(again) is type(model)
    for user in log.users[:5]:
        a, b = model.recommend(user, k=5), again.recommend(user, k=5)
        assert [i for i, _ in a] == [i for i, _ in b]
        np.testing.assert_allclose([s for _, s in a], [s for _, s in b], rtol=1e-5, atol=1e-6)
