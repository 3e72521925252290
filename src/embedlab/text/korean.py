"""Korean text: jamo decomposition and morpheme tokenization with Kiwi.

Hangul syllables are built from jamo: an initial consonant (choseong), a vowel
(jungseong) and an optional final consonant (jongseong). Splitting syllables into jamo
before taking character n-grams is the subword scheme of Park et al. (2018), "Subword-level
word vector representations for Korean": 먹었다 and 먹는다 then share n-grams even
though their syllables differ. Decomposition uses Unicode's conjoining jamo
(U+1100–U+11FF), so it is exactly reversible.

>>> [hex(ord(c)) for c in decompose_jamo("한")]
['0x1112', '0x1161', '0x11ab']
>>> compose_jamo(decompose_jamo("임베딩 embedding")) == "임베딩 embedding"
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from embedlab.errors import ConfigError, MissingDependencyError

__all__ = ["KiwiTokenizer", "compose_jamo", "decompose_jamo"]

# Sejong tag groups by first letter: nouns, verbs/adjectives, modifiers, interjection, particles,
# endings, prefixes, suffixes, roots, symbols, web tokens (URL, e-mail, hashtag, mention)
_TAG_GROUPS = ("N", "V", "M", "I", "J", "E", "XP", "XS", "XR", "S", "W")
_S_BASE, _L_BASE, _V_BASE, _T_BASE = 0xAC00, 0x1100, 0x1161, 0x11A7
_L_COUNT, _V_COUNT, _T_COUNT = 19, 21, 28
_N_COUNT = _V_COUNT * _T_COUNT  # 588
_S_COUNT = _L_COUNT * _N_COUNT  # 11172


def decompose_jamo(text: str, empty_final: str = "") -> str:
    """Replace every Hangul syllable by its conjoining jamo; other characters stay.

    ``empty_final`` (e.g. ``"ㆍ"``) is inserted for syllables without a final consonant,
    which keeps syllable boundaries visible to n-grams, as in Park et al. (2018).
    """
    out = []
    for ch in text:
        s = ord(ch) - _S_BASE
        if 0 <= s < _S_COUNT:
            out.append(chr(_L_BASE + s // _N_COUNT))
            out.append(chr(_V_BASE + (s % _N_COUNT) // _T_COUNT))
            t = s % _T_COUNT
            out.append(chr(_T_BASE + t) if t else empty_final)
        else:
            out.append(ch)
    return "".join(out)


def compose_jamo(text: str, empty_final: str = "") -> str:
    """Inverse of :func:`decompose_jamo` (with the same ``empty_final``)."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = ord(text[i])
        if 0 <= c - _L_BASE < _L_COUNT and i + 1 < n and 0 <= ord(text[i + 1]) - _V_BASE < _V_COUNT:
            l_idx = c - _L_BASE
            v_idx = ord(text[i + 1]) - _V_BASE
            t_idx = 0
            i += 2
            if i < n and 0 < ord(text[i]) - _T_BASE < _T_COUNT:
                t_idx = ord(text[i]) - _T_BASE
                i += 1
            elif empty_final and text.startswith(empty_final, i):
                i += len(empty_final)
            out.append(chr(_S_BASE + (l_idx * _V_COUNT + v_idx) * _T_COUNT + t_idx))
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


class KiwiTokenizer:
    """Korean morphemes from Kiwi (kiwipiepy): 먹었다 → 먹, 었, 다.

    ``tags=True`` appends the part-of-speech tag (``먹/VV``); punctuation and symbols
    (tags starting with ``S`` other than foreign words and numbers) are dropped unless
    ``keep_punctuation``. ``drop`` names further tag prefixes to leave out, e.g. ``("J",)`` for
    particles (조사) or ``("J", "E")`` for particles and endings (어미), which leaves the content
    morphemes closer together in a context window. Latin-script forms are lowercased. Batches of
    lines are analysed on ``num_workers`` threads (-1: every core); the output does not depend on
    it. Needs the ``korean`` extra: ``pip install "embedlab[korean]"``.
    """

    name = "kiwi"

    def __init__(
        self, tags: bool = False, keep_punctuation: bool = False, num_workers: int = -1, drop: Sequence[str] = ()
    ) -> None:
        try:
            from kiwipiepy import Kiwi
        except ImportError:
            raise MissingDependencyError("kiwipiepy", "korean") from None
        if isinstance(drop, str) or not all(isinstance(d, str) and d in _TAG_GROUPS for d in drop):
            raise ConfigError(
                f"drop must be a list of Kiwi tag prefixes from {', '.join(_TAG_GROUPS)} "
                f"(e.g. ['J'] for particles), got {drop!r}"
            )
        if not isinstance(num_workers, int) or num_workers == 0 or num_workers < -1:
            raise ConfigError(
                f"num_workers must be a positive number of threads or -1 (every core), got {num_workers!r}"
            )
        self.tags = bool(tags)
        self.keep_punctuation = bool(keep_punctuation)
        self.drop = tuple(sorted(set(drop)))
        self._kiwi = Kiwi(num_workers=num_workers)  # -1: every core, for batches of lines

    def _forms(self, tokens) -> list[str]:
        out = []
        drop = self.drop
        for t in tokens:
            if not self.keep_punctuation and t.tag.startswith("S") and t.tag not in ("SL", "SH", "SN"):
                continue
            if drop and t.tag.startswith(drop):
                continue
            form = t.form.lower().replace(" ", "_")
            out.append(f"{form}/{t.tag}" if self.tags else form)
        return out

    def tokenize(self, text: str) -> list[str]:
        return self._forms(self._kiwi.tokenize(text))

    def tokenize_batch(self, texts: list[str]) -> list[list[str]]:
        """Morphemes of each text, the texts analysed on ``num_workers`` threads."""
        return [self._forms(toks) for toks in self._kiwi.tokenize(list(texts))]

    def normalize_bytes(self, data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\n")
        results = self._kiwi.tokenize(lines)
        return "\n".join(" ".join(self._forms(toks)) for toks in results).encode("utf-8")

    def config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "tags": self.tags, "keep_punctuation": self.keep_punctuation}
        if self.drop:  # only when set, so corpora cached before the option keep their key
            out["drop"] = list(self.drop)
        return out
