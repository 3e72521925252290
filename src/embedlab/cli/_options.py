"""Option texts and helpers shared by the commands that take an encoder."""

from __future__ import annotations

PRECISION_HELP = (
    "Transformer models: float32 (as sentence-transformers) or bfloat16 (about 1.8x faster on CPUs with BF16)."
)


def encoder_options(precision: str) -> dict:
    return {} if precision == "float32" else {"precision": precision}


MODEL_HELP = (
    "Encoder: a sentence-transformers folder, an embedlab word-vector model (mean/SIF pooling), "
    "or 'minilm' (the bundled all-MiniLM-L6-v2, the default)."
)
