"""``explain_similarity``: one entry point that picks the explanation a model allows."""

from __future__ import annotations

from typing import Any

from embedlab._validation import check_choice
from embedlab.errors import ConfigError
from embedlab.explain.result import MODES, SimilarityExplanation

__all__ = ["explain_similarity"]


def explain_similarity(
    model: Any,
    a: str,
    b: str,
    *,
    mode: str = "auto",
    steps: int = 16,
    pooling: str = "mean",
    tokenizer: str | None = None,
) -> SimilarityExplanation:
    """Why ``a`` and ``b`` are similar under ``model``.

    - word vectors and two words: the cosine per dimension (``mode="dimensions"``); for a FastText
      model per character n-gram, unseen words included (``"ngrams"``, its default);
    - word vectors and two texts (or ``mode="pooled"``), or a static encoder: per word and per pair
      of words of the pooled sentence vectors (``pooling`` ``"mean"`` or ``"sif"``);
    - a sentence-transformers encoder with mean pooling (MiniLM): token×token integrated gradients
      through the pooling and the encoder (``"integrated"``, ``steps`` points on the path), or the
      score's drop when each token is deleted (``"occlusion"``).

    >>> import numpy as np
    >>> from embedlab.vectors.keyed import KeyedVectors
    >>> kv = KeyedVectors(["cat", "dog", "car"], np.array([[1, 1, 0], [1, 0.8, 0.1], [0, 0.2, 1]], np.float32))
    >>> e = explain_similarity(kv, "cat", "dog")
    >>> e.mode, abs(e.total - kv.similarity("cat", "dog")) < 1e-6
    ('dimensions', True)
    >>> explain_similarity(kv, "the cat", "a dog car").top_pairs(1)[0][:2]
    ('cat', 'dog')
    """
    from embedlab.encoders.static import StaticEncoder
    from embedlab.explain import static
    from embedlab.vectors.keyed import KeyedVectors

    mode = check_choice("mode", mode, ("auto", *MODES))
    for text, side in ((a, "a"), (b, "b")):
        if not isinstance(text, str):
            raise ConfigError(f"{side} must be a str, got {type(text).__name__}")
        if not text.strip():
            raise ConfigError(f"{side} is empty; give two words or two non-empty texts to compare")
    if isinstance(model, KeyedVectors):
        words = not any(c.isspace() for c in a.strip() + b.strip())
        if mode == "auto":
            mode = ("ngrams" if hasattr(model, "ngrams") else "dimensions") if words else "pooled"
        if mode == "pooled":
            return static.explain_pooled(StaticEncoder(model, pooling=pooling, tokenizer=tokenizer), a, b)
        if mode in ("integrated", "occlusion"):
            raise ConfigError(f"mode {mode!r} explains contextual models; word vectors are explained by "
                              "'dimensions', 'ngrams' (FastText) or 'pooled' (texts)")  # fmt: skip
        a, b = a.strip(), b.strip()
        if not words:
            raise ConfigError(f"mode {mode!r} compares two words; for texts use mode 'pooled'")
        return static.explain_ngrams(model, a, b) if mode == "ngrams" else static.explain_dimensions(model, a, b)
    if isinstance(model, StaticEncoder):
        if mode not in ("auto", "pooled"):
            raise ConfigError(f"a static encoder is explained by mode 'pooled', not {mode!r}")
        return static.explain_pooled(model, a, b)
    from embedlab.encoders.transformer import SentenceEncoder

    if isinstance(model, SentenceEncoder):
        from embedlab.explain.contextual import ContextualExplainer

        if mode not in ("auto", "integrated", "occlusion"):
            raise ConfigError(f"a contextual model is explained by mode 'integrated' or 'occlusion', not {mode!r}")
        return ContextualExplainer(model).explain(a, b, mode="integrated" if mode == "auto" else mode, steps=steps)
    raise ConfigError(
        f"cannot explain similarities under a {type(model).__name__}: give word vectors, a StaticEncoder "
        "or a sentence-transformers encoder with mean pooling"
    )
