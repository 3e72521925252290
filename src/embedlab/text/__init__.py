"""Text in: corpus readers and tokenizers."""

from embedlab.text.readers import CorpusReader, iter_corpus_files, open_binary
from embedlab.text.tokenizers import Tokenizer, UnicodeTokenizer, WhitespaceTokenizer, get_tokenizer

__all__ = [
    "CorpusReader",
    "Tokenizer",
    "UnicodeTokenizer",
    "WhitespaceTokenizer",
    "get_tokenizer",
    "iter_corpus_files",
    "open_binary",
]
