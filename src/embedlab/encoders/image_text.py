"""An image-text shared space in the LiT style: a frozen text tower, a trained image tower.

The text tower is a sentence encoder (the bundled MiniLM by default) used as is; the image tower is
a frozen image encoder (EfficientNet-Lite0 by default, or an embedlab CNN) followed by a projection
that embedlab trains so that an image lands next to its captions. Training is contrastive: InfoNCE
in both directions with a learnt temperature (CLIP's ``logit_scale``), where captions shared by
several images of a batch (class descriptions) count as positives for all of them.

>>> model = train_image_text(image_paths, captions, epochs=40)      # doctest: +SKIP
>>> model.zero_shot(["shoe.png"], ["sneaker", "sandal"])             # doctest: +SKIP
>>> model.save("emoji-space"); ImageTextEncoder.load("emoji-space")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import atomic_dir
from embedlab._linalg import normalize_rows
from embedlab._progress import Progress, ProgressArg
from embedlab._validation import config_int
from embedlab.encoders.base import check_texts, read_model_config
from embedlab.encoders.image_config import ImageTextConfig as CFG
from embedlab.errors import ConfigError, FormatError
from embedlab.io.images import ImageInput, as_image_list

__all__ = ["IMAGE_TEXT_CONFIG", "ImageTextEncoder", "is_image_text_folder", "train_image_text"]

IMAGE_TEXT_CONFIG = "image_text.json"
FORMAT_NAME = "embedlab-image-text"


def _projection(din: int, dout: int, hidden: int) -> Any:
    from torch import nn

    if hidden:
        return nn.Sequential(nn.Linear(din, hidden), nn.GELU(), nn.Dropout(0.1), nn.Linear(hidden, dout))
    return nn.Sequential(nn.Dropout(0.1), nn.Linear(din, dout))


def _load_tower(spec: str | os.PathLike[str], base: Path | None = None, **options: Any) -> Any:
    """The frozen image tower named by ``spec``: EfficientNet-Lite0 by name, or a CNN folder (relative to ``base``)."""
    from embedlab.encoders.image_cnn import CNNEncoder, is_cnn_folder
    from embedlab.encoders.images import EFFICIENTNET_NAMES, EfficientNetEncoder

    if str(spec).lower() in EFFICIENTNET_NAMES:
        return EfficientNetEncoder(**options)
    path = base / spec if base is not None and (base / spec).exists() else Path(spec)
    if not is_cnn_folder(path):
        raise ConfigError(f"image tower {str(spec)!r} is not an image encoder (efficientnet-lite0 or a CNN folder)")
    return CNNEncoder.load(path)


def _text_spec(text: Any) -> str:
    """How a saved model names its text tower: "minilm" for the bundled one, else the model's folder."""
    if getattr(text, "name", None) == "all-MiniLM-L6-v2" or getattr(text, "path", None) is None:
        return "minilm"
    return str(Path(text.path).resolve())


def _load_text(spec: str | None) -> Any:
    """The frozen text tower: the bundled MiniLM (``None``, ``"minilm"``) or a sentence-transformers folder."""
    from embedlab.encoders.transformer import SentenceEncoder

    return SentenceEncoder(None if spec is None or str(spec).lower() in ("minilm", "default") else spec)


class ImageTextEncoder:
    """Images and texts in one space: ``encode`` takes images, ``encode_texts`` (and
    ``encode_queries``, which collections call for text queries) takes texts; both give unit vectors."""

    modality = "image"

    def __init__(self, image_tower: Any, text_encoder: Any, projection: Any, config: dict[str, Any]) -> None:
        self.image_tower = image_tower
        self.text_encoder = text_encoder
        self.projection = projection
        self.config = config
        self.name = str(config.get("name", "image-text"))

    def __repr__(self) -> str:
        towers = f"image={self.config['image_tower']!r}, text={self.config['text_model']!r}"
        return f"ImageTextEncoder({towers}, dim={self.dim})"

    @property
    def dim(self) -> int:
        return int(self.config["dim"])

    @property
    def temperature(self) -> float:
        return 1.0 / float(self.config["logit_scale"])

    def project(self, features: np.ndarray) -> np.ndarray:
        """Image-tower features ``[n, tower dim]`` to unit vectors of the shared space."""
        import torch

        self.projection.eval()
        with torch.inference_mode():
            out = self.projection(torch.from_numpy(np.ascontiguousarray(features, dtype=np.float32))).numpy()
        return normalize_rows(out.astype(np.float32))

    def encode(
        self, images: ImageInput | Sequence[ImageInput], *, batch_size: int = 64, normalize: bool = True,
        show_progress: ProgressArg = None,
    ) -> np.ndarray:  # fmt: skip
        """Unit vectors for ``images`` (the shared space is cosine; ``normalize`` is always true)."""
        return self.project(self.image_tower.encode(images, batch_size=batch_size, show_progress=show_progress))

    def encode_texts(self, texts: Sequence[str] | str, *, batch_size: int = 64, **kwargs: Any) -> np.ndarray:
        """Unit vectors for ``texts`` from the frozen text tower."""
        return normalize_rows(self.text_encoder.encode(check_texts(texts), batch_size=batch_size, show_progress=False))

    def encode_queries(self, texts: Sequence[str] | str, **kwargs: Any) -> np.ndarray:
        return self.encode_texts(texts)

    def class_vectors(
        self,
        classes: Sequence[str],
        *,
        template: str | Sequence[str] = "a photo of a {}",
        descriptions: Mapping[str, Sequence[str]] | None = None,
    ) -> np.ndarray:
        """One unit vector per class: the mean of its prompts' vectors (prompt ensembling, as CLIP does).

        A class's prompts are each ``template`` filled with its name, plus its ``descriptions`` (texts
        used as they are, e.g. the names of its subclasses).
        """
        names = check_texts(list(classes))
        if len(names) < 2:
            raise ConfigError("zero-shot classification needs at least two classes")
        templates = [template] if isinstance(template, str) else list(template)
        for t in templates:
            if not isinstance(t, str) or "{}" not in t:
                raise ConfigError(f"template must hold '{{}}' where the class name goes, got {t!r}")
        extra = descriptions or {}
        out = []
        for name in names:
            prompts = [t.format(name) for t in templates] + check_texts(list(extra.get(name, [])), allow_empty=True)
            out.append(self.encode_texts(prompts).mean(axis=0))
        return normalize_rows(np.stack(out).astype(np.float32))

    def zero_shot(
        self,
        images: ImageInput | Sequence[ImageInput] | np.ndarray,
        classes: Sequence[str],
        *,
        template: str | Sequence[str] = "a photo of a {}",
        descriptions: Mapping[str, Sequence[str]] | None = None,
        image_vectors: np.ndarray | None = None,
    ) -> tuple[list[str], np.ndarray]:
        """Label each image with the class whose prompts (:meth:`class_vectors`) lie nearest.

        Returns the labels and the ``[n, classes]`` probabilities (softmax at the learnt temperature).
        Give ``image_vectors`` (from :meth:`encode`) to skip encoding.
        """
        names = check_texts(list(classes))
        cv = self.class_vectors(names, template=template, descriptions=descriptions)
        iv = self.encode(images) if image_vectors is None else normalize_rows(np.asarray(image_vectors, np.float32))
        logits = float(self.config["logit_scale"]) * iv @ cv.T
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        return [names[i] for i in probs.argmax(axis=1)], probs.astype(np.float32)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """A plain folder: ``image_text.json`` and ``projection.safetensors`` (a trained CNN tower is
        copied in as ``image_tower/``); atomic."""
        from safetensors.torch import save_file

        config = dict(self.config)
        with atomic_dir(path) as tmp:
            if hasattr(self.image_tower, "save"):  # a trained CNN; EfficientNet is rebuilt from its package
                self.image_tower.save(tmp / "image_tower")
                config["image_tower"] = "image_tower"
            state = {k: v.detach().contiguous() for k, v in self.projection.state_dict().items()}
            save_file(state, str(tmp / "projection.safetensors"))
            (tmp / IMAGE_TEXT_CONFIG).write_text(json.dumps(config, indent=2), encoding="utf-8")
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, text_encoder: Any = None) -> ImageTextEncoder:
        from safetensors.torch import load_file

        p = Path(path)
        config = read_model_config(p, IMAGE_TEXT_CONFIG, FORMAT_NAME, "an embedlab image-text")
        try:
            where = str(p / IMAGE_TEXT_CONFIG)
            projection = _projection(config_int(config, "tower_dim", where, 1, 65_536),
                                     config_int(config, "dim", where, 1, 65_536),
                                     config_int(config, "hidden", where, 0, 65_536))  # fmt: skip
            projection.load_state_dict(load_file(str(p / "projection.safetensors")))
        except (OSError, KeyError, RuntimeError, ValueError) as exc:
            raise FormatError(f"{p}: the projection does not fit its config ({exc})") from None
        tower = _load_tower(str(config["image_tower"]), p, **config.get("image_tower_options", {}))
        text = text_encoder if text_encoder is not None else _load_text(config.get("text_model"))
        return cls(tower, text, projection, config)


def is_image_text_folder(path: str | os.PathLike[str]) -> bool:
    return (Path(path) / IMAGE_TEXT_CONFIG).is_file()


def _infonce(img: Any, txt: Any, caption_ids: Any, logit_scale: Any) -> Any:
    """Symmetric InfoNCE over a batch where several images may share a caption.

    ``txt`` holds the batch's distinct captions; ``caption_ids[i]`` is image i's caption row. Image to
    text: cross-entropy over the distinct captions; text to image: each caption's log-probability
    averaged over all its images.
    """
    import torch

    logits = logit_scale.exp() * img @ txt.T  # [images, distinct captions]
    i2t = torch.nn.functional.cross_entropy(logits, caption_ids)
    logp = logits.log_softmax(dim=0)
    own = logp.gather(1, caption_ids[:, None])[:, 0]
    counts = torch.bincount(caption_ids, minlength=txt.shape[0]).clamp(min=1)
    t2i = -(torch.zeros(txt.shape[0]).index_add(0, caption_ids, own) / counts).mean()
    return (i2t + t2i) / 2


def train_image_text(
    images: ImageInput | Sequence[ImageInput] | None,
    captions: Sequence[str],
    *,
    image_encoder: Any = CFG.image_model,
    text_encoder: Any = None,
    image_features: np.ndarray | None = None,
    hidden: int = CFG.hidden,
    epochs: int = CFG.epochs,
    batch_size: int = CFG.batch_size,
    lr: float = CFG.lr,
    weight_decay: float = CFG.weight_decay,
    seed: int = CFG.seed,
    show_progress: ProgressArg = None,
) -> ImageTextEncoder:
    """Train the image tower's projection so ``images[i]`` lands next to ``captions[i]``.

    ``image_encoder``: the frozen image tower (a name, a CNN folder or an image encoder);
    ``text_encoder``: the frozen text tower (default: the bundled MiniLM). Give ``image_features``
    (the tower's ``encode`` output for ``images``) to reuse features computed once. ``hidden`` > 0
    puts a GELU layer of that width in the projection (0: linear). AdamW, cosine learning rate.
    """
    import torch

    from embedlab.encoders.images import EfficientNetEncoder

    captions = check_texts(captions)
    cfg = CFG(hidden=hidden, epochs=epochs, batch_size=batch_size, lr=lr, weight_decay=weight_decay, seed=seed)
    hidden, epochs, batch_size, lr, weight_decay = cfg.hidden, cfg.epochs, cfg.batch_size, cfg.lr, cfg.weight_decay
    tower = _load_tower(image_encoder) if isinstance(image_encoder, (str, os.PathLike)) else image_encoder
    if getattr(tower, "modality", "text") != "image":
        raise ConfigError(f"image_encoder {getattr(tower, 'name', tower)!r} is not an image encoder")
    text = text_encoder if text_encoder is not None else _load_text(None)
    if image_features is None:
        if images is None:
            raise ConfigError("give images (or their image_features)")
        items = as_image_list(images)
        if len(items) != len(captions):
            raise ConfigError(f"{len(items)} images but {len(captions)} captions")
        image_features = tower.encode(items, show_progress=show_progress)
    feats = np.ascontiguousarray(image_features, dtype=np.float32)
    if feats.ndim != 2 or feats.shape[0] != len(captions):
        raise ConfigError(f"{len(captions)} captions but image features of shape {feats.shape}")
    n = len(captions)
    if n < 2:
        raise ConfigError("training needs at least two image-caption pairs")
    distinct, caption_ids = np.unique(np.asarray(captions, dtype=object), return_inverse=True)
    text_vecs = torch.from_numpy(normalize_rows(text.encode([str(c) for c in distinct], show_progress=False)))
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    # standardised features: the towers' scales differ (ReLU6 averages, BN'd CNN layers)
    mu, sd = feats.mean(axis=0), feats.std(axis=0) + 1e-6
    projection = _projection(feats.shape[1], text_vecs.shape[1], hidden)
    x = torch.from_numpy((feats - mu) / sd)
    ids = torch.from_numpy(caption_ids.astype(np.int64))
    logit_scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    opt = torch.optim.AdamW([*projection.parameters(), logit_scale], lr=lr, weight_decay=weight_decay)
    steps_per_epoch = max(1, math.ceil(n / batch_size))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * steps_per_epoch)
    t0 = time.perf_counter()
    with Progress("train image-text", epochs * steps_per_epoch, enabled=show_progress, unit="steps") as bar:
        step = 0
        for _ in range(epochs):
            projection.train()
            order = torch.randperm(n, generator=gen)
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                if len(idx) < 2:
                    continue
                used, local = torch.unique(ids[idx], return_inverse=True)
                img = torch.nn.functional.normalize(projection(x[idx]), dim=1)
                loss = _infonce(img, text_vecs[used], local, logit_scale)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                with torch.no_grad():
                    logit_scale.clamp_(0.0, math.log(100.0))
                step += 1
                bar.update(step, info=f"loss {loss.item():.3f}")
    _fold_standardisation(projection, mu, sd)  # inference then takes the tower's raw features
    config = {
        "format": FORMAT_NAME, "name": "image-text", "dim": int(text_vecs.shape[1]), "tower_dim": int(feats.shape[1]),
        "hidden": hidden, "image_tower": getattr(tower, "name", str(image_encoder)),
        "image_tower_options": {"size": int(tower.size), "precision": str(tower.precision)}
        if isinstance(tower, EfficientNetEncoder) else {},
        "text_model": _text_spec(text),
        "logit_scale": float(logit_scale.detach().exp()), "pairs": n, "epochs": epochs,
        "train_seconds": round(time.perf_counter() - t0, 2),
    }  # fmt: skip
    projection.eval()
    return ImageTextEncoder(tower, text, projection, config)


def _fold_standardisation(projection: Any, mu: np.ndarray, sd: np.ndarray) -> None:
    """Make the first linear layer take raw tower features: W((f - mu) / sd) + b = (W / sd) f + (b - W mu / sd)."""
    import torch

    first = next(m for m in projection.modules() if isinstance(m, torch.nn.Linear))
    with torch.no_grad():
        w = first.weight / torch.from_numpy(sd)[None, :]
        first.bias.sub_(w @ torch.from_numpy(mu))
        first.weight.copy_(w)
