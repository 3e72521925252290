"""A transformer encoder's vocabulary pruned to the tokens your text uses: the same vectors, a smaller model.

A multilingual model spends most of its size on token embeddings (multilingual-e5-small: 250,037 rows of
384, 96M of its 118M parameters) for scripts a Korean and English user never meets. ``prune_vocabulary``
tokenizes a sample of the text the model will read, keeps every token it used, the special tokens and
every single-character piece (so any text still tokenizes without falling back to ``<unk>`` more than it
did), drops the other rows of the embedding matrix and the matching pieces of the Unigram tokenizer, in
their order, and saves the smaller sentence-transformers folder. A text made only of kept pieces gets
exactly the vectors it got before.

>>> report = prune_vocabulary("e5-small", texts, "e5-small-ko")    # doctest: +SKIP
>>> report["kept"], report["of"]                                   # doctest: +SKIP
(61034, 250037)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._params import Config, param
from embedlab.errors import ConfigError

__all__ = ["PruneConfig", "prune_vocabulary"]


@dataclass(frozen=True, kw_only=True)
class PruneConfig(Config):
    """What :func:`prune_vocabulary` keeps."""

    min_count: int = param(1, "Keep tokens the text uses at least this often.", ge=1)


def _used_ids(tokenizer: Any, texts: Iterable[str], size: int, batch: int = 2000) -> np.ndarray:
    from itertools import islice

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # texts longer than the model reads are counted, not fed to it
    counts = np.zeros(size, dtype=np.int64)
    it = iter(texts)
    while part := list(islice(it, batch)):
        for ids in tokenizer(part, add_special_tokens=False)["input_ids"]:
            np.add.at(counts, np.asarray(ids, dtype=np.int64), 1)
    return counts


def prune_vocabulary(
    model: str | os.PathLike[str],
    texts: Iterable[str],
    output: str | os.PathLike[str],
    *,
    min_count: int = PruneConfig.min_count,
) -> dict[str, Any]:
    """Save ``model`` (a sentence-transformers folder with a Unigram tokenizer) with only the tokens that
    ``texts`` use at least ``min_count`` times (plus special tokens and single characters) to ``output``;
    returns what was kept."""
    import torch

    from embedlab._files import atomic_dir

    min_count = PruneConfig(min_count=min_count).min_count
    from embedlab.encoders.transformer import _quiet_loading, _sentence_transformers

    st_module, _ = _sentence_transformers()
    with _quiet_loading():
        st = st_module.SentenceTransformer(str(model), device="cpu")
    tok = st.tokenizer
    spec = json.loads(tok.backend_tokenizer.to_str())
    if spec["model"]["type"] != "Unigram":
        raise ConfigError(f"pruning reads a Unigram (SentencePiece) vocabulary; {model} has a {spec['model']['type']}")
    vocab = spec["model"]["vocab"]
    emb = st[0].auto_model.get_input_embeddings()
    rows = emb.weight.shape[0]
    counts = _used_ids(tok, texts, rows)
    if counts.sum() == 0:
        raise ConfigError("the texts gave no tokens: give the text the model will read")
    special = {t["id"] for t in spec.get("added_tokens", [])} | {spec["model"].get("unk_id") or 0}
    single = {i for i, (piece, _) in enumerate(vocab) if len(piece.lstrip("▁")) <= 1}
    keep = sorted({int(i) for i in np.flatnonzero(counts >= min_count)} | special | single)
    keep = [i for i in keep if i < len(vocab)]
    new_id = {old: new for new, old in enumerate(keep)}
    spec["model"]["vocab"] = [vocab[i] for i in keep]
    if spec["model"].get("unk_id") is not None:
        spec["model"]["unk_id"] = new_id[spec["model"]["unk_id"]]
    for t in spec.get("added_tokens", []):
        t["id"] = new_id[t["id"]]
    post = spec.get("post_processor") or {}
    for t in (post.get("special_tokens") or {}).values():
        t["ids"] = [new_id[i] for i in t["ids"]]
    from tokenizers import Tokenizer

    new_tok = Tokenizer.from_str(json.dumps(spec))
    index = torch.tensor(keep, dtype=torch.long)
    with torch.no_grad():
        smaller = torch.nn.Embedding(len(keep), emb.weight.shape[1], padding_idx=None)
        smaller.weight.copy_(emb.weight[index])
    bert = st[0].auto_model
    bert.set_input_embeddings(smaller)
    bert.config.vocab_size = len(keep)
    if bert.config.pad_token_id is not None:
        bert.config.pad_token_id = new_id.get(bert.config.pad_token_id, 0)
    from transformers import PreTrainedTokenizerFast

    kwargs = {k: getattr(tok, k) for k in ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
                                           "cls_token", "mask_token") if getattr(tok, k, None)}  # fmt: skip
    smaller_tok = PreTrainedTokenizerFast(tokenizer_object=new_tok, model_max_length=tok.model_max_length,
                                          **kwargs)  # fmt: skip
    with atomic_dir(output) as tmp, _quiet_loading():
        st.save(str(tmp))
        smaller_tok.save_pretrained(str(tmp))  # over the tokenizer files the full model wrote
        (tmp / "pruned.json").write_text(json.dumps({"from": str(Path(model).resolve()), "kept": len(keep),
                                                     "of": rows, "min_count": min_count}, indent=1))  # fmt: skip
    return {"kept": len(keep), "of": rows, "used": int((counts >= min_count).sum()), "single_characters": len(single)}
