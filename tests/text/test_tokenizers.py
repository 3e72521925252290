import pytest

from embedlab.errors import ConfigError
from embedlab.text.tokenizers import UnicodeTokenizer, WhitespaceTokenizer, get_tokenizer


def test_unicode_tokenizer_english_and_korean():
    tok = UnicodeTokenizer()
    assert tok.tokenize("The King's CROWN, 2 crowns!") == ["the", "king", "s", "crown", "2", "crowns"]
    assert tok.tokenize("임베딩은 단어를 벡터로 바꾼다. 한국어도!") == [
        "임베딩은",
        "단어를",
        "벡터로",
        "바꾼다",
        "한국어도",
    ]
    assert tok.tokenize("snake_case Ünïcödé ΣΟΦΙΑ") == ["snake", "case", "ünïcödé", "σοφια"]
    assert UnicodeTokenizer(lowercase=False).tokenize("Hello World") == ["Hello", "World"]


def test_unicode_tokenizer_matches_python_isalnum_on_random_text():
    import random

    rng = random.Random(0)
    alphabet = "abcXYZ 가나다,.!?_-\t" + "ÀÉßΣΩЖжñ1234" + "\u00a0\u3000😀"
    tok = UnicodeTokenizer()
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(40))
        expected = "".join(
            ch.lower() if ch.isalnum() and len(ch.lower()) == 1 else (ch if ch.isalnum() else " ") for ch in text
        ).split()
        assert tok.tokenize(text) == expected


def test_newlines_survive_normalization():
    assert UnicodeTokenizer().normalize_bytes(b"a b\nc, d\n") == b"a b\nc d\n"


def test_whitespace_tokenizer_keeps_punctuation_and_case():
    assert WhitespaceTokenizer().tokenize("Don't  split\tthis.") == ["Don't", "split", "this."]
    assert WhitespaceTokenizer(lowercase=True).tokenize("A B") == ["a", "b"]


def test_get_tokenizer():
    assert get_tokenizer().name == "unicode"
    assert get_tokenizer("whitespace").name == "whitespace"
    with pytest.raises(ConfigError, match="tokenizer must be one of"):
        get_tokenizer("bpe")
