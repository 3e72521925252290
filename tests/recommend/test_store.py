"""Saved recommenders answer exactly as before; bad folders are clear errors."""

import json

import numpy as np
import pytest
from test_models import planted_log

from embedlab.errors import FormatError
from embedlab.recommend import ALS, BPR, ItemKNN, Popularity
from embedlab.recommend.store import load_recommender, save_recommender


@pytest.mark.parametrize("make", [lambda: ALS(factors=8, iterations=5, threads=1),
                                  lambda: BPR(factors=8, iterations=20, threads=1), ItemKNN, Popularity])  # fmt: skip
def test_round_trip_gives_the_same_recommendations(tmp_path, make):
    log = planted_log()
    model = make().fit(log)
    save_recommender(model, tmp_path / "m")
    back = load_recommender(tmp_path / "m")
    assert type(back) is type(model)
    for user in log.users[:20]:
        assert back.recommend(user, k=5) == model.recommend(user, k=5)
    if hasattr(model, "fold_in"):
        items = [log.items[0], log.items[1]]
        assert np.allclose(back.fold_in(items), model.fold_in(items))


def test_bad_folders(tmp_path):
    with pytest.raises(FormatError, match="recommender.json is missing"):
        load_recommender(tmp_path)
    model = ItemKNN().fit(planted_log())
    save_recommender(model, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "recommender.json").read_text())
    (tmp_path / "m" / "recommender.json").write_text(json.dumps({**meta, "kind": "magic"}))
    with pytest.raises(FormatError, match="kind 'magic'"):
        load_recommender(tmp_path / "m")
    save_recommender(model, tmp_path / "m")  # replaces the broken folder atomically
    (tmp_path / "m" / "items.txt").write_text("only\n")
    with pytest.raises(FormatError, match="items.txt"):
        load_recommender(tmp_path / "m")
    with pytest.raises(Exception, match="not fitted"):
        save_recommender(ItemKNN(), tmp_path / "unfitted")
    assert not (tmp_path / "unfitted").exists()
