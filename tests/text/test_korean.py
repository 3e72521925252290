import pytest

from embedlab.text.korean import compose_jamo, decompose_jamo


def test_every_syllable_round_trips():
    syllables = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
    jamo = decompose_jamo(syllables)
    assert len(jamo) == 3 * 11172 - sum(1 for c in range(11172) if c % 28 == 0)
    assert all(0x1100 <= ord(ch) <= 0x11FF for ch in jamo)
    assert compose_jamo(jamo) == syllables
    marked = decompose_jamo(syllables, empty_final="ㆍ")
    assert compose_jamo(marked, empty_final="ㆍ") == syllables


def test_mixed_text_and_shared_jamo():
    text = "먹었다, 먹는다 and ABC 123!"
    assert compose_jamo(decompose_jamo(text)) == text
    a, b = decompose_jamo("먹었다"), decompose_jamo("먹는다")
    assert a[:3] == b[:3]  # 먹 is shared even where the following syllables differ
    assert decompose_jamo("가") == "\u1100\u1161"
    assert decompose_jamo("가", empty_final="e") == "\u1100\u1161e"


@pytest.mark.slow
def test_kiwi_tokenizer_splits_morphemes(tmp_path):
    pytest.importorskip("kiwipiepy")
    from embedlab import Word2Vec
    from embedlab.text.tokenizers import get_tokenizer

    tok = get_tokenizer("kiwi")
    assert tok.tokenize("임베딩은 단어를 벡터로 바꾼다.") == ["임베딩", "은", "단어", "를", "벡터", "로", "바꾸", "ᆫ다"]
    assert get_tokenizer("kiwi", tags=True).tokenize("단어를")[:2] == ["단어/NNG", "를/JKO"]
    assert tok.normalize_bytes("첫 문장입니다\n둘째 문장\n".encode()).decode().split("\n")[:2] == [
        "첫 문장 이 ᆸ니다",
        "둘째 문장",
    ]
    corpus = tmp_path / "ko.txt"
    corpus.write_text("고양이는 귀엽다. 강아지는 귀엽다.\n고양이가 잔다. 강아지가 잔다.\n" * 50, encoding="utf-8")
    kv = Word2Vec(dim=8, min_count=2, epochs=2, threads=1).fit(corpus, tokenizer="kiwi")
    assert "고양이" in kv and "강아지" in kv and "고양이는" not in kv


@pytest.mark.slow
def test_parallel_tokenization_equals_serial_exactly():
    pytest.importorskip("kiwipiepy")
    from embedlab.text.korean import KiwiTokenizer

    rng = __import__("random").Random(0)
    words = [
        "고양이는",
        "강아지가",
        "밥을",
        "먹었다",
        "공원에서",
        "뛰었다",
        "임베딩은",
        "벡터로",
        "바꾼다",
        "2026년",
        "AI",
    ]
    lines = [
        " ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) + rng.choice([".", "!", ""]) for _ in range(600)
    ]
    data = "\n".join(lines).encode()
    serial, parallel = KiwiTokenizer(num_workers=1), KiwiTokenizer(num_workers=2)
    assert parallel.normalize_bytes(data) == serial.normalize_bytes(data)
    assert parallel.normalize_bytes(data).count(b"\n") == len(lines) - 1  # every line kept, empty ones too
    assert parallel.tokenize_batch(lines) == [serial.tokenize(line) for line in lines]


@pytest.mark.slow
def test_kiwi_options_drop_and_bad_values():
    pytest.importorskip("kiwipiepy")
    from embedlab.errors import ConfigError
    from embedlab.text.korean import KiwiTokenizer
    from embedlab.text.tokenizers import tokenizer_for_language

    assert KiwiTokenizer(drop=["J"]).tokenize("고양이가 밥을 먹었다") == ["고양이", "밥", "먹", "었", "다"]
    assert KiwiTokenizer(drop=["J", "E"]).tokenize("고양이가 밥을 먹었다") == ["고양이", "밥", "먹"]
    assert KiwiTokenizer(drop=["J"]).config()["drop"] == ["J"] and "drop" not in KiwiTokenizer().config()
    assert tokenizer_for_language("ko").config()["drop"] == ["E", "J"]
    with pytest.raises(ConfigError, match="drop must be a list of Kiwi tag prefixes"):
        KiwiTokenizer(drop="J")
    with pytest.raises(ConfigError, match="drop must be"):
        KiwiTokenizer(drop=["Q"])
    with pytest.raises(ConfigError, match="num_workers"):
        KiwiTokenizer(num_workers=0)
    with pytest.raises(ConfigError, match="unsupported language 'jp'"):
        tokenizer_for_language("jp")
