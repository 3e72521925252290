"""Static word vectors to other tools: TensorFlow Embedding Projector, PyTorch, sentence-transformers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import MissingDependencyError

__all__ = ["to_projector_tsv", "to_sentence_transformers", "to_torch_embedding"]


def to_projector_tsv(kv, folder: str | os.PathLike[str], *, limit: int | None = None) -> tuple[Path, Path]:
    """Write ``vectors.tsv`` and ``metadata.tsv`` (word, count) for projector.tensorflow.org.

    ``limit`` keeps the most frequent words (the Projector itself handles about 100k points).
    """
    from embedlab._files import atomic_file

    out = Path(folder)
    n = len(kv) if limit is None else min(limit, len(kv))
    vecs, meta = out / "vectors.tsv", out / "metadata.tsv"
    with atomic_file(vecs, "w") as fh:
        for start in range(0, n, 10_000):
            block = np.asarray(kv.vectors[start : min(n, start + 10_000)])
            np.savetxt(fh, block, fmt="%.6g", delimiter="\t")
    counts = kv.vocab.counts
    with atomic_file(meta, "w") as fh:
        fh.write("word\tcount\n")
        for i in range(n):
            # tabs or newlines inside a token would break the TSV rows
            word = kv.words[i].replace("\t", " ").replace("\n", " ")
            fh.write(f"{word}\t{int(counts[i])}\n")
    return vecs, meta


def to_torch_embedding(kv, *, freeze: bool = True) -> tuple[Any, dict[str, int]]:
    """``(torch.nn.Embedding, word → row)``, the layer built with ``nn.Embedding.from_pretrained``."""
    try:
        import torch
    except ImportError:
        raise MissingDependencyError("torch", "sentence") from None
    weights = torch.from_numpy(np.array(kv.vectors, dtype=np.float32))
    return torch.nn.Embedding.from_pretrained(weights, freeze=freeze), dict(kv.vocab.index)


def to_sentence_transformers(kv, folder: str | os.PathLike[str], *, lowercase: bool = True) -> Path:
    """Save the word vectors as a sentence-transformers model (``StaticEmbedding``: mean of word vectors).

    The model's tokenizer is a word-level one over this vocabulary (unknown words are skipped);
    ``SentenceTransformer(folder).encode(texts)`` then gives mean-pooled sentence vectors.
    """
    try:
        from sentence_transformers import SentenceTransformer

        try:
            from sentence_transformers.sentence_transformer.modules import StaticEmbedding
        except ImportError:  # sentence-transformers < 6
            from sentence_transformers.models import StaticEmbedding  # type: ignore[no-redef]
        from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    except ImportError:
        raise MissingDependencyError("sentence-transformers", "sentence") from None
    from embedlab._files import atomic_dir

    vocab = {"[UNK]": 0, "[PAD]": 1}
    for w in kv.words:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    if lowercase:
        tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    weights = np.zeros((len(vocab), kv.dim), dtype=np.float32)
    rows = [vocab[w] for w in kv.words]
    weights[rows] = np.asarray(kv.vectors, dtype=np.float32)
    # [UNK] and [PAD] are zero rows; StaticEmbedding averages over every token, so unknown words
    # pull the mean towards zero but do not change its direction (cosine is unaffected)
    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_weights=weights)], device="cpu")
    with atomic_dir(folder) as tmp:
        model.save(str(tmp))
    return Path(folder)
