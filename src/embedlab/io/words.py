"""Words read from binary model files: UTF-8, with invalid bytes replaced and counted, then one warning.

word2vec's and fastText's binary files store words as raw bytes; a file from another tool can hold
bytes that are not UTF-8. They are replaced by U+FFFD (as the tools themselves never decode them)
and the reader warns once, naming how many words were affected.

>>> d = WordDecoder()
>>> d.decode(b"caf\\xc3\\xa9"), d.decode(b"bad\\xff"), d.invalid
('café', 'bad\\ufffd', 1)
"""

from __future__ import annotations

import warnings
from pathlib import Path

__all__ = ["WordDecoder"]


class WordDecoder:
    """Decodes word bytes, counting those that are not valid UTF-8."""

    def __init__(self) -> None:
        self.invalid = 0

    def decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.invalid += 1
            return raw.decode("utf-8", errors="replace")

    def warn(self, path: Path, stacklevel: int = 3) -> None:
        """One warning when any word was not valid UTF-8."""
        if self.invalid:
            warnings.warn(
                f"{path}: {self.invalid:,} word(s) are not valid UTF-8; their bad bytes were replaced by U+FFFD",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
