"""Text classification on embeddings: supervised fastText, classifier heads on any encoder, intents.

>>> from embedlab.classify import SupervisedFastText
>>> model = SupervisedFastText(dim=8, epochs=20, threads=1).fit(["good", "bad"] * 20, ["pos", "neg"] * 20)
>>> model.predict("good")[0]
('pos',)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from embedlab.classify.config import SupervisedConfig
from embedlab.classify.heads import EmbeddingClassifier
from embedlab.classify.intents import IntentClassifier
from embedlab.classify.lines import read_labelled
from embedlab.classify.metrics import evaluate_intents, evaluate_predictions
from embedlab.classify.store import load_classifier
from embedlab.classify.supervised import SupervisedFastText
from embedlab.errors import FormatError

__all__ = [
    "EmbeddingClassifier",
    "IntentClassifier",
    "SupervisedConfig",
    "SupervisedFastText",
    "evaluate_intents",
    "evaluate_predictions",
    "load_classifier",
    "open_classifier",
    "read_labelled",
]


def open_classifier(path: str | os.PathLike[str], **options: Any) -> SupervisedFastText | EmbeddingClassifier:
    """Any saved classifier: a fastText supervised ``.bin``, a supervised folder, or a head folder."""
    p = Path(path)
    if (p / "classifier.json").is_file():
        return load_classifier(p, **options)
    if p.is_file() or (p / "supervised.json").is_file():
        return SupervisedFastText.load(p)
    if not p.exists():
        raise FormatError(f"model not found: {p}")
    raise FormatError(f"{p}: not a classifier (expected a fastText .bin, or a folder with supervised.json or "
                      "classifier.json)")  # fmt: skip
