"""Token attributions for MiniLM: complete (integrated gradients), faithful, and clear when refused."""

import pytest

from embedlab.errors import ConfigError
from embedlab.explain import explain_similarity


def test_integrated_gradients_sum_to_the_score(minilm):
    a, b = "A man is playing a guitar.", "A man plays the guitar loudly."
    e = explain_similarity(minilm, a, b)
    va, vb = minilm.encode([a, b], normalize=True)
    assert e.mode == "integrated" and e.score == pytest.approx(float(va @ vb), abs=1e-4)
    assert abs(e.residual) < 0.01 * e.score
    assert abs(e.reference) < 0.1  # masked references keep almost no similarity
    assert e.pairs.shape == (len(e.a_parts), len(e.b_parts)) and e.a_parts[0] == "[CLS]"
    assert e.ranked("a")[0][0] == "guitar" and e.ranked("b")[0][0] == "guitar"
    assert ("guitar", "guitar") in [p[:2] for p in e.top_pairs(3)]


def test_occlusion_drops(minilm):
    a, b = "The cat sat on the mat.", "A cat was sitting on a rug."
    e = explain_similarity(minilm, a, b, mode="occlusion")
    assert e.pairs is None and e.mode == "occlusion"
    assert e.ranked("a")[0][0] == "cat"
    from embedlab.explain.contextual import ContextualExplainer

    i = e.a_parts.index("cat")
    without = ContextualExplainer(minilm).similarity_without(a, b, [i], [])
    assert e.score - without == pytest.approx(e.a_totals[i], abs=1e-4)


def test_contextual_refusals(minilm):
    with pytest.raises(ConfigError, match="empty"):
        explain_similarity(minilm, "", "text")
    with pytest.raises(ConfigError, match="integrated"):
        explain_similarity(minilm, "a", "b", mode="dimensions")


def test_int8_models_are_explained_by_occlusion_only():
    from embedlab.encoders.transformer import SentenceEncoder

    enc = SentenceEncoder(precision="int8")
    with pytest.raises(ConfigError, match="occlusion"):
        explain_similarity(enc, "one text", "another text")
    assert explain_similarity(enc, "one text", "another text", mode="occlusion").score > 0
