"""Recommenders on planted data: the right items come back; metrics by hand; fold-in; item2vec; taste."""

import numpy as np
import pytest

from embedlab.errors import ConfigError, UnknownKeyError
from embedlab.recommend import (
    ALS,
    BPR,
    Interactions,
    Item2Vec,
    ItemKNN,
    NextItem,
    Popularity,
    SessionKNN,
    Taste,
    evaluate_next_item,
    evaluate_recommender,
    ranking_metrics,
)

GROUPS = 4
PER_GROUP = 10


def planted_log(users_per_group=30, items_per_user=6, seed=0):
    """Users of group g interact only with items of group g (plus a rare random item)."""
    rng = np.random.default_rng(seed)
    recs = []
    t = 0
    for g in range(GROUPS):
        for u in range(users_per_group):
            for i in rng.choice(PER_GROUP, items_per_user, replace=False):
                t += 1
                recs.append((f"g{g}u{u}", f"g{g}i{i}", 1, t))
            if rng.random() < 0.2:
                t += 1
                recs.append((f"g{g}u{u}", f"g{rng.integers(GROUPS)}i{rng.integers(PER_GROUP)}", 1, t))
    return Interactions.from_records(recs)


def group_precision(model, log, k=3):
    hits = total = 0
    for user in log.users:
        for item, _ in model.recommend(user, k=k):
            hits += item.split("i")[0] == user.split("u")[0]
            total += 1
    return hits / total


@pytest.fixture(scope="module")
def log():
    return planted_log()


def test_metrics_by_hand():
    m = ranking_metrics([[5, 1, 2], [7, 8, 9]], [{1, 2}, {3}], n_items=10, k=3)
    ideal = 1 + 1 / np.log2(3)
    assert m["hr@3"] == 0.5 and m["mrr@3"] == 0.25
    assert m["ndcg@3"] == pytest.approx((1 / np.log2(3) + 1 / np.log2(4)) / ideal / 2)
    assert m["precision@3"] == pytest.approx(1 / 3) and m["recall@3"] == 0.5 and m["coverage@3"] == 0.6
    with pytest.raises(ConfigError, match="no relevant"):
        ranking_metrics([[1]], [set()], n_items=2, k=1)


@pytest.mark.parametrize("make", [ItemKNN, lambda: ALS(factors=8, iterations=10, threads=1),
                                  lambda: BPR(factors=8, iterations=200, learning_rate=0.05, threads=1)])  # fmt: skip
def test_models_recover_planted_groups(log, make):
    model = make().fit(log)
    assert group_precision(model, log) > 0.8  # chance: 0.25
    seen = set(log.items[i] for i in log.item_ids[log.user_ids == 0])
    assert not seen & {x for x, _ in model.recommend(log.users[0], k=5)}


def test_popularity_ignores_the_user(log):
    pop = Popularity().fit(log)
    assert group_precision(pop, log) < 0.5
    counts = np.asarray(log.matrix("binary").sum(axis=0)).ravel()
    assert pop.recommend(log.users[0], k=1, exclude_seen=False)[0][0] == log.items[int(np.argmax(counts))]


def test_evaluation_ranks_models_above_popularity(log):
    train, test = log.leave_last_out(2)
    knn = evaluate_recommender(ItemKNN().fit(train), test, k=5)
    pop = evaluate_recommender(Popularity().fit(train), test, k=5)
    assert knn["primary_metric"] == "ndcg@5" and knn["hr@5"] > pop["hr@5"] and knn["cases"] > 50
    with pytest.raises(ConfigError, match="same log"):
        evaluate_recommender(ItemKNN().fit(train), planted_log(seed=5), k=5)


def test_als_fold_in_equals_implicits_recalculation_and_refit(log):
    als = ALS(factors=8, iterations=10, threads=1).fit(log)
    user = log.users[3]
    items = [log.items[i] for i in log.item_ids[log.user_ids == 3]]
    folded = als.fold_in(items)
    exact = als._model.recalculate_user(3, log.matrix("confidence", confidence=als.confidence)[3])
    assert folded == pytest.approx(np.asarray(exact).ravel(), rel=1e-3, abs=1e-4)  # implicit's own user solve
    cos = folded @ als.user_factors[3] / np.linalg.norm(folded) / np.linalg.norm(als.user_factors[3])
    assert cos > 0.95  # and close to the fitted user (fitted against the items one step earlier)
    assert {x for x, _ in als.recommend_for_items(items, k=3)} == {x for x, _ in als.recommend(user, k=3)}
    assert als.history and all("loss" in row for row in als.history)
    assert als.history[-1]["loss"] <= als.history[0]["loss"]


def test_bpr_fold_in_agrees_with_the_fitted_user(log):
    bpr = BPR(factors=8, iterations=200, learning_rate=0.05, threads=1).fit(log)
    items = [log.items[i] for i in log.item_ids[log.user_ids == 5]]
    got = {x.split("i")[0] for x, _ in bpr.recommend_for_items(items, k=3)}
    assert got == {log.users[5].split("u")[0]}
    assert bpr.history[-1]["correct"] > 0.8  # BPR's own training metric per iteration


def test_validation_metric_per_iteration(log):
    train, test = log.leave_last_out(1)
    rows = []
    als = ALS(factors=8, iterations=4, threads=1).fit(train, validation=test, k=5, callbacks=[rows.append])
    assert [r["iteration"] for r in rows] == [1, 2, 3, 4] and all("ndcg@5" in r for r in rows)
    assert als.item_vectors.keys == train.items and als.user_vectors.dim == 8


def test_item2vec_sessions_next_item_and_session_knn():
    rng = np.random.default_rng(1)
    sessions = [[f"g{g}i{i}" for i in rng.choice(PER_GROUP, 5, replace=False)] for g in rng.integers(GROUPS, size=600)]
    log = Interactions.from_records([(f"s{n}", item, 1, n * 10 + j) for n, s in enumerate(sessions)
                                     for j, item in enumerate(s)])  # fmt: skip
    kv = Item2Vec(dim=16, window=5, epochs=30, sample=0, threads=1, seed=2).fit(log, by="user")
    assert kv.metadata["model"] == "item2vec" and len(kv) == GROUPS * PER_GROUP
    same = [x.split("i")[0] == "g0" for x, _ in kv.most_similar("g0i0", topn=5)]
    assert np.mean(same) >= 0.8
    nxt = NextItem(kv)
    guess = [x for x, _ in nxt.recommend(["g1i0", "g1i1"], k=3)]
    assert all(x.startswith("g1") for x in guess) and "g1i0" not in guess
    sknn = SessionKNN(neighbours=50).fit(log.sequences("user"))
    assert all(x.startswith("g2") for x, _ in sknn.recommend(["g2i3", "g2i4"], k=3))
    res = evaluate_next_item(sknn, sessions[:100], k=5)
    assert res["primary_metric"] == "hr@5" and res["hr@5"] > 0.3  # chance: 0.125
    with pytest.raises(UnknownKeyError):
        nxt.recommend(["nope"])


def test_taste_vectors_time_decay_and_reasons(log):
    kv = ALS(factors=8, iterations=10, threads=1).fit(log).item_vectors
    taste = Taste(kv, half_life_days=1.0).fit(log)
    assert group_precision(taste, log) > 0.8
    user = log.users[0]
    recs = taste.recommend_with_reasons(user, k=2)
    mine = {log.items[i] for i in log.item_ids[log.user_ids == 0]}
    assert all(set(r["because"]) <= mine and r["because"] for r in recs)
    # with content vectors alone, content decides
    content = kv.__class__(kv.keys, np.eye(len(kv), dtype=np.float32))
    only = Taste(kv, content=content, content_weight=1.0).fit(log)
    assert only.explain(user, next(iter(mine)))  # an item the user has explains itself
    with pytest.raises(ConfigError, match="not fitted"):
        Taste(kv).recommend(user)
