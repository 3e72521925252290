"""Long-document retrieval tasks built from local text, in the recipe of LongEmbed (Zhu et al., 2024).

- **passkey**: every document is the same filler ("The grass is green. The sky is blue. ...") of a given
  length with one person's pass key hidden at a random depth; the query asks for that person's pass key,
  and the one relevant document is the one that holds it.
- **needle**: every document is a run of consecutive sentences of a long text (Wikipedia) of a given
  length with one sentence hidden at a random depth; the query is a paraphrase of that sentence (a pair
  of the STS training sets with a high similarity score and few words in common), so neither exact words
  nor the first tokens of a document find it.

Lengths are counted in the tokens of a model (``count_tokens``: texts in, token counts out), so a task at
8,192 tokens is 8,192 tokens for the model that reads it. Tasks are seeded: the same arguments give the
same documents. Each is a :class:`~embedlab.eval.retrieval.RetrievalData` (queries ``q<i>``, documents
``d<i>``), scored by :func:`~embedlab.eval.retrieval.retrieval_metrics`.

>>> words = lambda texts: [len(t.split()) for t in texts]
>>> task = passkey_task(200, count_tokens=words, n_docs=4, n_queries=2)
>>> len(task.doc_texts), len(task.query_texts), 190 <= words(task.doc_texts)[0] <= 200
(4, 2, True)
>>> task.query_texts[0] in ("What is the pass key of " + n + "?" for n in _names("en", 4, 0))
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError
from embedlab.eval.retrieval import RetrievalData
from embedlab.text.readers import open_text

__all__ = ["LENGTHS", "TASKS", "needle_task", "paraphrase_pairs", "passkey_task", "text_sentences"]

#: the lengths of LongEmbed's synthetic tasks, in tokens
LENGTHS = (256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
TASKS = ("passkey", "needle")
CountTokens = Callable[[list[str]], Sequence[int]]

_FILLER = {
    "en": ["The grass is green.", "The sky is blue.", "The sun is yellow.", "Here we go.", "There and back again."],
    "ko": ["풀은 초록색이다.", "하늘은 파랗다.", "해는 노랗다.", "자, 간다.", "갔다가 다시 돌아온다."],
}
_PASSKEY = {
    "en": ("{name}'s pass key is {key}. Remember it. {key} is the pass key of {name}.",
           "What is the pass key of {name}?"),
    "ko": ("{name}의 패스키는 {key}이다. 기억하라. {key}가 {name}의 패스키이다.", "{name}의 패스키는 무엇인가?"),
}  # fmt: skip
# names of the people whose pass keys are hidden (split at spaces)
_FIRST_NAMES = {
    "en": "Mina James Olivia Noah Emma Liam Ava Lucas Sofia Ethan Chloe Mason Aria Logan Nora Owen Ella Caleb "
    "Zoe Isaac Lily Hugo Ruby Felix Maya Oscar Iris Leo Alma Theo",
    "ko": "민준 서연 지호 하은 도윤 수아 예준 지우 시우 서윤 주원 하린 지환 채원 건우 지아 현우 유나 선우 "
    "다은 우진 소율 정우 예린 승민 가은 태윤 나연 시온 아린",
}
_LAST_NAMES = {
    "en": "Park Smith Garcia Kim Brown Lopez Wilson Clark Lewis Walker Young Allen King Wright Scott Morgan Baker "
    "Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins",
    "ko": "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")


def _names(language: str, n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    first, last = _FIRST_NAMES[language].split(), _LAST_NAMES[language].split()
    if n > len(first) * len(last):
        raise ConfigError(f"at most {len(first) * len(last)} documents have distinct names, asked for {n}")
    picks = rng.choice(len(first) * len(last), size=n, replace=False)
    if language == "ko":
        return [last[p % len(last)] + first[p // len(last)] for p in picks]
    return [f"{first[p // len(last)]} {last[p % len(last)]}" for p in picks]


def _fill(sentences: list[str], tokens: Sequence[int], start: int, budget: int) -> list[str]:
    """Sentences from ``start`` on (cycling) while their tokens fit ``budget``."""
    out, used, i = [], 0, start
    while used + tokens[i % len(sentences)] <= budget:
        out.append(sentences[i % len(sentences)])
        used += tokens[i % len(sentences)]
        i += 1
        if len(out) > 10 * budget + 10:  # sentences of no tokens: never ends
            raise ConfigError("count_tokens gives 0 tokens for every sentence; it should count a model's tokens")
    return out


def _plant(parts: list[str], hidden: str, rng: np.random.Generator) -> str:
    at = int(rng.integers(0, len(parts) + 1))
    return " ".join([*parts[:at], hidden, *parts[at:]])


def _check(length: int, n_docs: int, n_queries: int) -> tuple[int, int, int]:
    length = check_int("length", length, 16)
    n_docs = check_int("n_docs", n_docs, 1)
    n_queries = check_int("n_queries", n_queries, 1)
    if n_queries > n_docs:
        raise ConfigError(f"n_queries ({n_queries}) cannot exceed n_docs ({n_docs}): each query has its own document")
    return length, n_docs, n_queries


def passkey_task(
    length: int,
    *,
    count_tokens: CountTokens,
    language: str = "en",
    n_docs: int = 100,
    n_queries: int = 50,
    seed: int = 0,
) -> RetrievalData:
    """Documents of about ``length`` tokens of filler, each with one person's pass key; queries ask for a
    person's pass key (see the module docstring). ``language``: ``"en"`` or ``"ko"``."""
    language = check_choice("language", language, tuple(_FILLER))
    length, n_docs, n_queries = _check(length, n_docs, n_queries)
    rng = np.random.default_rng([seed, length, 1])
    names = _names(language, n_docs, seed)
    keys = rng.choice(90_000, size=n_docs, replace=False) + 10_000
    said, asked = _PASSKEY[language]
    hidden = [said.format(name=n, key=k) for n, k in zip(names, keys.tolist(), strict=True)]
    filler = _FILLER[language]
    counts = list(count_tokens(filler + hidden))
    filler_tokens, hidden_tokens = counts[: len(filler)], counts[len(filler) :]
    docs = []
    for i in range(n_docs):
        parts = _fill(filler, filler_tokens, int(rng.integers(0, len(filler))), length - hidden_tokens[i])
        docs.append(_plant(parts, hidden[i], rng))
    asked_of = rng.permutation(n_docs)[:n_queries]
    return _task(f"passkey-{language}-{length}", docs, [asked.format(name=names[i]) for i in asked_of], asked_of)


def needle_task(
    length: int,
    *,
    sentences: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    count_tokens: CountTokens,
    n_docs: int = 100,
    n_queries: int = 50,
    seed: int = 0,
    name: str = "needle",
) -> RetrievalData:
    """Documents of about ``length`` tokens of consecutive ``sentences``, each with the first sentence of
    one of ``pairs`` hidden in it; queries are the pairs' second sentences. Each document takes its own
    stretch of ``sentences``: they must hold ``n_docs * length`` tokens."""
    length, n_docs, n_queries = _check(length, n_docs, n_queries)
    if len(pairs) < n_docs:
        raise ConfigError(f"{n_docs} documents need as many sentence pairs, got {len(pairs)}")
    rng = np.random.default_rng([seed, length, 2])
    chosen = [pairs[i] for i in rng.choice(len(pairs), size=n_docs, replace=False)]
    sentences = list(sentences)
    tokens = np.asarray(count_tokens(sentences), dtype=np.int64)
    needle_tokens = list(count_tokens([a for a, _ in chosen]))
    stretch = len(sentences) // n_docs
    if tokens.sum() < n_docs * length or stretch == 0:
        raise ConfigError(f"{n_docs} documents of {length:,} tokens need {n_docs * length:,} tokens of sentences; "
                          f"got {int(tokens.sum()):,}: give more text")  # fmt: skip
    docs = []
    for i in range(n_docs):
        budget = length - needle_tokens[i]
        lo = i * stretch
        part = _fill(sentences[lo : lo + stretch], tokens[lo : lo + stretch].tolist(), 0, budget)
        if len(part) >= stretch:  # the stretch ran out before the budget: it would repeat itself
            raise ConfigError(f"the sentences hold too few tokens for {n_docs} documents of {length:,}: give more text")
        docs.append(_plant(part, chosen[i][0], rng))
    asked_of = rng.permutation(n_docs)[:n_queries]
    return _task(f"{name}-{length}", docs, [chosen[i][1] for i in asked_of], asked_of)


def _task(name: str, docs: list[str], queries: list[str], relevant: np.ndarray) -> RetrievalData:
    doc_ids = [f"d{i}" for i in range(len(docs))]
    query_ids = [f"q{i}" for i in range(len(queries))]
    qrels = {q: {doc_ids[int(d)]: 1} for q, d in zip(query_ids, relevant, strict=True)}
    return RetrievalData(doc_ids, docs, query_ids, queries, qrels, name)


def text_sentences(path: str | Path, *, max_sentences: int, min_words: int = 5) -> list[str]:
    """Sentences of a text file (Wikipedia extracts: ``<doc>`` lines and headings skipped), in order."""
    max_sentences = check_int("max_sentences", max_sentences, 1)
    out: list[str] = []
    with open_text(Path(path)) as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("<") or len(line.split()) < min_words:
                continue
            for s in _SENTENCE_END.split(line):
                if len(s.split()) >= min_words:
                    out.append(s)
            if len(out) >= max_sentences:
                return out[:max_sentences]
    return out


def paraphrase_pairs(
    rows: Iterable[tuple[str, str, float]], *, min_score: float, max_overlap: float = 0.5, min_words: int = 6
) -> list[tuple[str, str]]:
    """Sentence pairs ``(a, b)`` of an STS set scored at least ``min_score`` whose word sets overlap at most
    ``max_overlap`` (Jaccard): paraphrases, not copies. Each sentence is used once."""
    out, used = [], set()
    for a, b, score in rows:
        if score < min_score or a in used or b in used or len(a.split()) < min_words:
            continue
        wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
        if wa and wb and len(wa & wb) / len(wa | wb) <= max_overlap:
            out.append((a, b))
            used |= {a, b}
    return out
