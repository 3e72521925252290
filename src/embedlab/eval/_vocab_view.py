"""The case-insensitive, frequency-restricted view of a vocabulary that gensim's evaluators use."""

from __future__ import annotations

from embedlab._validation import check_int
from embedlab.vectors.protocol import ReadableVectors


def lookup_table(kv: ReadableVectors, restrict_vocab: int | None, case_insensitive: bool) -> dict[str, int]:
    """Map (upper-cased) words among the ``restrict_vocab`` most frequent to their rows.

    Like gensim, a word's most frequent spelling wins when several differ only in case.
    ``restrict_vocab`` None takes every word; 0 or less is a ConfigError (it would leave none).
    """
    if restrict_vocab is not None:
        restrict_vocab = check_int("restrict_vocab", restrict_vocab, 1)
    words = kv.words[:restrict_vocab] if restrict_vocab else kv.words
    table: dict[str, int] = {}
    for i in range(len(words) - 1, -1, -1):
        key = words[i].upper() if case_insensitive else words[i]
        table[key] = i
    return table


def key(word: str, case_insensitive: bool) -> str:
    return word.upper() if case_insensitive else word
