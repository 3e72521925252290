"""Quality agreement with gensim on a slice of the shared English Wikipedia corpus."""

import lzma

import pytest

from conftest import shared
from embedlab import Word2Vec, evaluate_analogies, evaluate_word_pairs
from embedlab.text.readers import CorpusReader

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]
gensim_models = pytest.importorskip("gensim.models")

N_LINES = 45_000  # about 2.3M tokens


@pytest.fixture(scope="module")
def token_file(tmp_path_factory):
    src = shared("text", "en_wiki_early_a.txt.xz")
    d = tmp_path_factory.mktemp("wiki")
    raw = d / "slice.txt"
    with lzma.open(src, "rt", encoding="utf-8") as fh, open(raw, "w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i >= N_LINES:
                break
            out.write(line)
    tok = d / "slice.tok"
    with open(tok, "w", encoding="utf-8") as out:
        for sent in CorpusReader(raw, skip_doc_tags=True).sentences():
            out.write(" ".join(sent) + "\n")
    return tok


def scores(kv):
    return (
        evaluate_analogies(kv)["accuracy"],
        evaluate_word_pairs(kv, "wordsim353")["spearman"],
    )


@pytest.mark.parametrize("arch", ["cbow", "skipgram"])
def test_quality_within_tolerance_of_gensim(token_file, arch):
    settings = dict(window=5, negative=5, sample=1e-4, min_count=5, epochs=5)
    ours = Word2Vec(arch=arch, dim=64, threads=2, **settings).fit(token_file, tokenizer="whitespace")
    g = gensim_models.Word2Vec(
        corpus_file=str(token_file), vector_size=64, workers=2, sg=int(arch == "skipgram"), **settings
    )
    assert len(ours) == len(g.wv)
    from embedlab import KeyedVectors

    theirs = KeyedVectors(list(g.wv.index_to_key), g.wv.vectors)
    (oa, ow), (ga, gw) = scores(ours), scores(theirs)
    assert oa >= ga - 0.03, (oa, ga)
    assert ow >= gw - 0.05, (ow, gw)
