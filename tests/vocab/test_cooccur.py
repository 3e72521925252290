import random

import numpy as np
import pytest

from embedlab.errors import ConfigError
from embedlab.vocab import EncodedCorpus
from embedlab.vocab.build import encode_sentences
from embedlab.vocab.cooccur import count_cooccurrences


def brute_force(corpus: EncodedCorpus, window: int) -> np.ndarray:
    n = len(corpus.vocab)
    dense = np.zeros((n, n))
    for s in range(corpus.n_sentences):
        ids = corpus.sentence(s).tolist()
        for p, wi in enumerate(ids):
            for q in range(p + 1, min(len(ids), p + window + 1)):
                wj = ids[q]
                dense[wi, wj] += 1.0 / (q - p)
                dense[wj, wi] += 1.0 / (q - p)
    return dense


@pytest.fixture
def corpus():
    rng = random.Random(3)
    words = [f"w{i}" for i in range(60)]
    sents = [rng.choices(words, [1 / (i + 1) for i in range(60)], k=rng.randrange(1, 40)) for _ in range(300)]
    return encode_sentences(sents, min_count=1)


@pytest.mark.parametrize("window", [1, 3, 10])
def test_counts_equal_brute_force(corpus, window):
    X = count_cooccurrences(corpus, window=window)
    assert X.stats["spills"] == 0
    assert (X.rows <= X.cols).all()
    np.testing.assert_allclose(X.to_dense(), brute_force(corpus, window), rtol=1e-6)


def test_spilling_to_disk_gives_the_same_counts(corpus, tmp_path):
    full = count_cooccurrences(corpus, window=5)
    spilled = count_cooccurrences(corpus, window=5, max_entries=100, tmp_dir=tmp_path)
    assert spilled.stats["spills"] > 5
    assert spilled.rows.tolist() == full.rows.tolist() and spilled.cols.tolist() == full.cols.tolist()
    np.testing.assert_allclose(spilled.vals, full.vals, rtol=1e-6)
    assert list(tmp_path.iterdir()) == []  # scratch files are removed


def test_growth_from_a_small_table_keeps_counts(corpus):
    big = encode_sentences([[f"t{i % 700}" for i in range(j, j + 50)] for j in range(0, 5000, 7)], min_count=1)
    X = count_cooccurrences(big, window=4)
    np.testing.assert_allclose(X.to_dense(), brute_force(big, 4), rtol=1e-6)


def test_bad_window(corpus):
    with pytest.raises(ConfigError, match="window must be an int >= 1"):
        count_cooccurrences(corpus, window=0)
