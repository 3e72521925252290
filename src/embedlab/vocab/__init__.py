"""Vocabulary, encoded corpora and the sampling tables built from them."""

from embedlab.vocab.encoded import EncodedCorpus, as_encoded_corpus, default_cache_dir
from embedlab.vocab.vocab import Vocab

__all__ = ["EncodedCorpus", "Vocab", "as_encoded_corpus", "default_cache_dir"]
