"""Option texts and helpers shared by the commands that take an encoder."""

from __future__ import annotations

from typing import Annotated

import typer

PRECISION_HELP = (
    "Transformer models: float32 (as sentence-transformers), bfloat16 (faster on CPUs with BF16 or AMX, BENCHMARKS.md) "
    "or int8 (linear layers' weights quantized, for CPU inference)."
)


ON_LONG_HELP = (
    "A text longer than a transformer model reads (MiniLM: 256 tokens): truncate (cut it there, as "
    "sentence-transformers does; a warning says how many), window (encode it in windows and pool them) or "
    "error (refuse it)."
)


def encoder_options(precision: str, on_long: str | None = None) -> dict:
    """The options of ``load_encoder`` a command's --precision and --on-long give (defaults left out)."""
    out = {} if precision == "float32" else {"precision": precision}
    return out | ({"on_long": on_long} if on_long is not None else {})


#: the train commands: WikiExtractor's <doc ...> lines, dropped from files that open with one unless told
DocTagsOpt = Annotated[
    bool | None,
    typer.Option(
        "--skip-doc-tags/--keep-doc-tags",
        help="Drop WikiExtractor's <doc ...> and </doc> lines (default: from files that open with one).",
        show_default=False,
    ),
]


MODEL_HELP = (
    "Encoder: a sentence-transformers folder, an embedlab word-vector model (mean/SIF pooling), "
    "or 'minilm' (the bundled all-MiniLM-L6-v2, the default)."
)


#: every command that writes a model: replace what is at the output path even if it is not a model of that kind
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace the output path even if it is not a model of this kind.")
]
