"""The built-in demo corpus: a small synthetic world with known analogies.

It needs no download and trains in seconds, so ``embedlab words train word2vec`` works on a
fresh machine with no corpus at all. Sentences come from templates over a few word
families whose structure an embedding should recover:

- people by gender and role (man/woman, king/queen, prince/princess, father/mother, ...):
  ``king - man + woman ≈ queen``;
- countries, capitals and languages: ``paris - france + germany ≈ berlin``;
- fillers (animals, foods, colours) that give each family its own context.

It is synthetic text, not a sample of any real corpus: use it to see the whole workflow,
and a real corpus (a text file or folder) to get real vectors.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from embedlab._files import atomic_file

__all__ = ["ANALOGIES", "demo_analogies", "demo_sentences", "write_demo_corpus"]

PEOPLE = [  # (male, female, role)
    ("man", "woman", "adult"),
    ("boy", "girl", "child"),
    ("king", "queen", "royal"),
    ("prince", "princess", "royal_child"),
    ("father", "mother", "parent"),
    ("son", "daughter", "offspring"),
    ("brother", "sister", "sibling"),
    ("husband", "wife", "spouse"),
    ("uncle", "aunt", "relative"),
    ("actor", "actress", "performer"),
]
ROLE_CONTEXT = {
    "adult": ["works", "office", "city", "job", "drives"],
    "child": ["plays", "school", "toys", "learns", "young"],
    "royal": ["rules", "kingdom", "throne", "crown", "palace"],
    "royal_child": ["heir", "palace", "crown", "young", "castle"],
    "parent": ["raises", "family", "home", "children", "cares"],
    "offspring": ["parents", "family", "grows", "home", "born"],
    "sibling": ["shares", "family", "siblings", "childhood", "twin"],
    "spouse": ["married", "wedding", "partner", "marriage", "ring"],
    "relative": ["visits", "family", "nephew", "niece", "holidays"],
    "performer": ["stage", "film", "theater", "role", "movie"],
}
GENDER_CONTEXT = {"male": ["he", "his", "him", "himself", "mr"], "female": ["she", "her", "hers", "herself", "mrs"]}
COUNTRIES = [  # (country, capital, language, region)
    ("france", "paris", "french", "europe"),
    ("germany", "berlin", "german", "europe"),
    ("italy", "rome", "italian", "europe"),
    ("spain", "madrid", "spanish", "europe"),
    ("russia", "moscow", "russian", "europe"),
    ("japan", "tokyo", "japanese", "asia"),
    ("korea", "seoul", "korean", "asia"),
    ("china", "beijing", "chinese", "asia"),
    ("egypt", "cairo", "arabic", "africa"),
    ("greece", "athens", "greek", "europe"),
]
FILLER = ["dog", "cat", "horse", "bread", "apple", "rice", "red", "blue", "green", "river", "mountain", "sea"]

#: Analogy questions (a, b, c, d) meaning a : b :: c : d that the corpus supports.
ANALOGIES: list[tuple[str, str, str, str]] = [
    *[(m1, f1, m2, f2) for m1, f1, _ in PEOPLE for m2, f2, _ in PEOPLE if m1 != m2],
    *[(c1, k1, c2, k2) for c1, k1, _, _ in COUNTRIES for c2, k2, _, _ in COUNTRIES if c1 != c2],
]


def demo_sentences(n_sentences: int = 60_000, seed: int = 0) -> Iterator[str]:
    """Yield the demo corpus, one sentence per string, deterministically for a seed."""
    rng = random.Random(seed)
    for _ in range(n_sentences):
        kind = rng.random()
        if kind < 0.55:
            male, female, role = rng.choice(PEOPLE)
            gender = rng.choice(("male", "female"))
            word = male if gender == "male" else female
            ctx_role = rng.sample(ROLE_CONTEXT[role], 2)
            ctx_gender = rng.sample(GENDER_CONTEXT[gender], 2)
            filler = rng.choice(FILLER)
            words = [word, ctx_gender[0], ctx_role[0], "the", ctx_role[1], ctx_gender[1], filler]
        else:
            country, capital, language, region = rng.choice(COUNTRIES)
            if rng.random() < 0.5:
                words = [capital, "city", language, "capital", "streets", country if rng.random() < 0.3 else region]
            else:
                words = [country, "nation", language, "state", "borders", capital if rng.random() < 0.3 else region]
            words.append(rng.choice(FILLER))
        rng.shuffle(words)
        yield " ".join(words)


def write_demo_corpus(path: str | Path, n_sentences: int = 60_000, seed: int = 0) -> Path:
    """Write the demo corpus to ``path`` (atomically) and return the path."""
    with atomic_file(path, "w") as fh:
        for s in demo_sentences(n_sentences, seed):
            fh.write(s + "\n")
    return Path(path)


def demo_analogies() -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """The demo questions as analogy sections (for :func:`embedlab.evaluate_analogies`)."""
    people = [q for q in ANALOGIES if q[0] in {p[0] for p in PEOPLE}]
    places = [q for q in ANALOGIES if q[0] in {c[0] for c in COUNTRIES}]
    return [("family-gender", people), ("capital-country", places)]
