"""The encoder protocol and what every encoder shares."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._progress import ProgressArg
from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError, FormatError

__all__ = ["MODALITIES", "ON_LONG", "Encoder", "TextEncoder", "Truncation", "check_texts", "normalize_rows",
           "read_model_config"]  # fmt: skip

#: What an encoder's ``encode`` takes: ``"text"`` (strings); image encoders will say ``"image"``.
MODALITIES = ("text", "image")


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns inputs of one modality into a ``float32 [n, dim]`` matrix.

    ``modality`` says what ``encode`` takes (one of :data:`MODALITIES`), so collections, the
    service and the explorer know whether to hand it texts or images.
    """

    modality: str

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, normalize: bool = False, show_progress: ProgressArg = None
    ) -> np.ndarray: ...


#: What an encoder with a length limit does with a longer text: cut it at the limit (as sentence-transformers
#: does, but counted and said), encode it in windows and pool them, or refuse it.
ON_LONG = ("truncate", "window", "error")


@dataclass(frozen=True)
class Truncation:
    """What an encoder's last ``encode`` cut: ``texts`` of the ``of`` texts were longer than ``max_tokens``
    (special tokens included) and lost ``tokens`` tokens in all. False when nothing was cut."""

    texts: int = 0
    tokens: int = 0
    of: int = 0
    max_tokens: int = 0
    #: tokens the texts have uncut, special tokens included (None: the encoder does not count tokens)
    read: int | None = None

    def __bool__(self) -> bool:
        return self.texts > 0

    def as_dict(self) -> dict[str, int]:
        return {"truncated_texts": self.texts, "truncated_tokens": self.tokens, "max_tokens": self.max_tokens}

    def message(self) -> str:
        """One line for a person: what was cut and what to do instead."""
        return (f"{self.texts:,} of {self.of:,} texts were longer than the model's {self.max_tokens} tokens and were "
                f"cut ({self.tokens:,} tokens left out); on_long='window' (--on-long window) encodes them in windows "
                "and pools them, on_long='error' refuses them")  # fmt: skip


class TextEncoder:
    """Base of embedlab's text encoders: :meth:`encode` checks what it is given, asks the subclass's
    ``_vectors`` for the rows and scales them to unit length when asked, so every encoder answers bad
    input and ``normalize`` alike. ``last_truncation`` says what the last ``encode`` cut (encoders with no
    length limit never cut)."""

    last_truncation: Truncation = Truncation()
    #: what ``encode`` does with a text past the model's length limit (see ``ON_LONG``; no limit: never asked)
    on_long: str = "truncate"
    _said_cut = False

    def encode(
        self,
        texts: Sequence[str] | str,
        *,
        batch_size: int = 32,
        normalize: bool = False,
        show_progress: ProgressArg = None,
        on_long: str | None = None,
    ) -> np.ndarray:
        """``float32 [n, dim]`` vectors of ``texts``, rows in their order (unit length with ``normalize``).

        ``on_long`` (default: the encoder's) says what happens to a text longer than the model reads;
        what was cut is in ``last_truncation`` afterwards, and said once per encoder as a warning."""
        out, cut = self.encode_counted(texts, batch_size=batch_size, normalize=normalize,
                                       show_progress=show_progress, on_long=on_long)  # fmt: skip
        self.last_truncation = cut
        if cut and not self._said_cut:
            import warnings

            warnings.warn(cut.message(), stacklevel=2)
            self._said_cut = True
        return out

    def encode_counted(
        self,
        texts: Sequence[str] | str,
        *,
        batch_size: int = 32,
        normalize: bool = False,
        show_progress: ProgressArg = None,
        on_long: str | None = None,
    ) -> tuple[np.ndarray, Truncation]:
        """:meth:`encode` that returns what it cut beside the vectors and keeps nothing on the encoder (what a
        server answering many requests at once calls)."""
        texts = check_texts(texts)
        on_long = self.on_long if on_long is None else check_choice("on_long", on_long, ON_LONG)
        out, cut = self._counted(texts, check_int("batch_size", batch_size, 1), show_progress, on_long)
        return (normalize_rows(out) if normalize else out), cut

    def _counted(
        self, texts: list[str], batch_size: int, show_progress: ProgressArg, on_long: str
    ) -> tuple[np.ndarray, Truncation]:
        """The rows and what was cut; an encoder without a length limit cuts nothing."""
        return self._vectors(texts, batch_size, show_progress), Truncation(of=len(texts))

    def _vectors(
        self, texts: list[str], batch_size: int, show_progress: ProgressArg
    ) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def check_texts(texts: Sequence[str] | str, *, allow_empty: bool = False) -> list[str]:
    """Return ``texts`` as a list of str, or raise :class:`ConfigError` saying what is wrong.

    >>> check_texts("one text")
    ['one text']
    >>> check_texts([])
    Traceback (most recent call last):
    ...
    embedlab.errors.ConfigError: texts is empty; pass at least one text to encode
    """
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)):
        raise ConfigError("texts must be str, not bytes; decode them first (e.g. data.decode('utf-8'))")
    try:
        out = list(texts)
    except TypeError:
        raise ConfigError(f"texts must be a list of strings, got {type(texts).__name__}") from None
    if not out and not allow_empty:
        raise ConfigError("texts is empty; pass at least one text to encode")
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise ConfigError(f"texts[{i}] must be a str, got {type(t).__name__}")
    return out


def read_model_config(folder: str | os.PathLike[str], name: str, format_name: str, kind: str) -> dict[str, Any]:
    """The JSON config ``name`` of a saved model folder, checked to say ``"format": format_name``;
    a :class:`FormatError` names the folder and what it should have been (``kind``)."""
    p = Path(folder)
    try:
        config = json.loads((p / name).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"{p}/{name} is missing or not JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != format_name:
        raise FormatError(f"{p} is not {kind} folder")
    return config
