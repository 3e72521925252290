"""The long-document tasks: seeded, of the asked length in the given tokens, each needle in its own
document, queries that name their document."""

import re

import pytest

from embedlab.errors import ConfigError
from embedlab.eval.long_documents import needle_task, paraphrase_pairs, passkey_task, text_sentences


def words(texts):
    return [len(t.split()) for t in texts]


def test_passkey_documents_hold_one_key_each_and_the_query_names_its_person():
    task = passkey_task(300, count_tokens=words, n_docs=20, n_queries=8, seed=3)
    assert len(task.doc_texts) == 20 and len(task.query_texts) == 8
    assert all(280 <= n <= 300 for n in words(task.doc_texts))
    for qid, text in zip(task.query_ids, task.query_texts, strict=True):
        name = re.fullmatch(r"What is the pass key of (.+)\?", text).group(1)
        (doc,) = task.qrels[qid]
        holders = [d for d, t in zip(task.doc_ids, task.doc_texts, strict=True) if f"{name}'s pass key" in t]
        assert holders == [doc]
    again = passkey_task(300, count_tokens=words, n_docs=20, n_queries=8, seed=3)
    assert again.doc_texts == task.doc_texts and again.query_texts == task.query_texts
    assert passkey_task(300, count_tokens=words, n_docs=20, n_queries=8, seed=4).doc_texts != task.doc_texts


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_name_part_is_a_filler_word(language):
    # a surname that is also a filler word ("Green" beside "The grass is green.") is in every document,
    # so a query for that person matches every document by it and BM25 ranks another person's first
    from embedlab.eval.long_documents import _FILLER, _FIRST_NAMES, _LAST_NAMES

    filler = {w.lower() for s in _FILLER[language] for w in re.findall(r"\w+", s)}
    names = {w.lower() for w in (_FIRST_NAMES[language] + " " + _LAST_NAMES[language]).split()}
    if language == "ko":  # names are joined to what follows; no filler word may start with a name part
        assert not [w for w in filler for n in names if w.startswith(n)]
    else:
        assert not names & filler


def test_korean_passkeys():
    task = passkey_task(200, count_tokens=words, language="ko", n_docs=5, n_queries=5)
    assert all(q.endswith("의 패스키는 무엇인가?") for q in task.query_texts)
    assert all("패스키" in d and "하늘은 파랗다." in d for d in task.doc_texts)


def test_needles_are_hidden_once_in_their_own_stretch_of_text():
    sentences = [f"Sentence {i} tells of place {i} and its river." for i in range(3000)]
    pairs = [(f"Needle {i} says the lamp {i} is bright.", f"How bright is lamp {i}?") for i in range(40)]
    task = needle_task(200, sentences=sentences, pairs=pairs, count_tokens=words, n_docs=12, n_queries=6, seed=1)
    assert all(190 <= n <= 200 for n in words(task.doc_texts))
    for qid, query in zip(task.query_ids, task.query_texts, strict=True):
        i = re.search(r"lamp (\d+)", query).group(1)
        (doc,) = task.qrels[qid]
        holders = [d for d, t in zip(task.doc_ids, task.doc_texts, strict=True) if f"the lamp {i} is" in t]
        assert holders == [doc]
    firsts = [t.split(".")[0] for t in task.doc_texts]
    assert len(set(firsts)) == len(firsts)  # every document its own stretch of the text
    with pytest.raises(ConfigError, match="give more text"):
        needle_task(10_000, sentences=sentences[:100], pairs=pairs, count_tokens=words, n_docs=12, n_queries=6)
    with pytest.raises(ConfigError, match="cannot exceed"):
        needle_task(200, sentences=sentences, pairs=pairs, count_tokens=words, n_docs=3, n_queries=6)


def test_paraphrase_pairs_keep_similar_sentences_with_different_words():
    rows = [
        ("The boy fell off his bike today.", "A child tumbled from a bicycle today.", 4.4),
        ("The boy fell off his bike today.", "The boy fell off his bike today.", 5.0),  # a copy
        ("A man is slicing a red tomato.", "A woman is walking a dog in town.", 0.2),  # not similar
        ("A cat sleeps on the warm sofa.", "A kitten naps on a heated couch.", 4.2),
    ]
    assert paraphrase_pairs(rows, min_score=4.0) == [rows[0][:2], rows[3][:2]]


def test_text_sentences_skip_markup_and_headings(tmp_path):
    p = tmp_path / "wiki.txt"
    p.write_text('<doc id="1" title="X">\nX\n\nThe first sentence has six words. The second one is here too.\n'
                 "Heading.\n</doc>\n")  # fmt: skip
    assert text_sentences(p, max_sentences=10) == ["The first sentence has six words.", "The second one is here too."]
