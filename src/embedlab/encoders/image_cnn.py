"""A small CNN image embedder that embedlab trains on labelled images (Fashion-MNIST, your own).

Five 3x3 convolutions with batch norm and ReLU in three stages (``width``, 2x, 4x channels; 2x2
max pooling after the first two stages). The last stage's maps, averaged on a ``grid`` x ``grid``
layout and flattened, are the last hidden layer (with ``hidden`` > 0, a fully connected layer of
that size on top of them); a cosine classifier over it (normalised layer against normalised
class weights, scaled) is trained by cross-entropy, with images shifted by up to ``shift`` pixels
and (optionally) mirrored.

The embedding is that last hidden layer, with ``multiscale`` the middle stage's maps averaged on
the same grid before it, and with ``power`` square-rooted (power normalisation, as for Fisher
vectors: a few strong channels no longer dominate the cosine). The grid keeps a coarse layout of
the image and the middle stage keeps strokes and edges that the class-trained last stage
discards: that is what lets an embedder trained on clothing place handwritten digits well
(BENCHMARKS.md, "Images": 97% kNN on MNIST, where the last hidden layer alone gives 96%).

>>> enc = train_image_embedder(images, labels, epochs=4)   # doctest: +SKIP
>>> enc.save("fashion-cnn"); CNNEncoder.load("fashion-cnn").encode(images[:2]).shape   # doctest: +SKIP
(2, 1296)
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from embedlab._files import atomic_dir
from embedlab._progress import Progress, ProgressArg
from embedlab._validation import check_int, config_int
from embedlab.encoders.base import read_model_config
from embedlab.encoders.image_config import ImageCNNConfig as CFG
from embedlab.encoders.images import ImageEncoder
from embedlab.errors import ConfigError, FormatError
from embedlab.io.images import images_to_array

__all__ = ["CNN_CONFIG", "CNNEncoder", "is_cnn_folder", "train_image_embedder"]

CNN_CONFIG = "image_cnn.json"
FORMAT_NAME = "embedlab-image-cnn"


def _out_dim(config: dict[str, Any], *, readout: bool = True) -> int:
    """Width of the embedding (``readout``) or of the layer the classifier sees."""
    w, hidden, grid = int(config["width"]), int(config["hidden"]), int(config["grid"])
    last = hidden if hidden else 4 * w * grid * grid
    return last + (2 * w * grid * grid if readout and config.get("multiscale") else 0)


def _build(config: dict[str, Any]) -> Any:
    """The network a config describes: conv stages, the embedding, a cosine classifier over it."""
    import torch
    from torch import nn

    channels, w, hidden, grid = (int(config[k]) for k in ("channels", "width", "hidden", "grid"))
    multiscale, power = bool(config.get("multiscale")), bool(config.get("power"))

    def conv(cin: int, cout: int) -> list:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stage1 = nn.Sequential(*conv(channels, w), nn.MaxPool2d(2))
            self.stage2 = nn.Sequential(*conv(w, 2 * w), *conv(2 * w, 2 * w))
            self.stage3 = nn.Sequential(nn.MaxPool2d(2), *conv(2 * w, 4 * w), *conv(4 * w, 4 * w))
            self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(grid), nn.Flatten())
            flat = 4 * w * grid * grid
            self.embed = (
                nn.Sequential(nn.Linear(flat, hidden), nn.BatchNorm1d(hidden), nn.ReLU()) if hidden else nn.Identity()
            )
            self.classes = nn.Parameter(torch.randn(int(config["classes"]), _out_dim(config, readout=False)) * 0.01)
            self.logit_scale = 16.0

        def _layers(self, x: Any) -> tuple[Any, Any]:
            s2 = self.stage2(self.stage1(x))
            return s2, self.embed(self.pool(self.stage3(s2)))

        def forward(self, x: Any) -> Any:
            """The embedding: the last hidden layer, with (multiscale) the middle stage's pooled grid before
            it, square-rooted (power)."""
            s2, last = self._layers(x)
            h = torch.cat([self.pool(s2), last], 1) if multiscale else last
            # power normalisation (the square root of the non-negative activations, as for Fisher vectors):
            # a few strong channels no longer dominate the cosine
            return h.clamp(min=0).sqrt() if power else h

        def logits(self, x: Any) -> Any:
            e = nn.functional.normalize(self._layers(x)[1], dim=1)
            return self.logit_scale * e @ nn.functional.normalize(self.classes, dim=1).T

    return Net()


class CNNEncoder(ImageEncoder):
    """A trained :func:`train_image_embedder` network behind the encoder protocol."""

    def __init__(self, net: Any, config: dict[str, Any]) -> None:
        self.net = net
        self.config = config
        self.size = int(config["size"])
        self.channels = int(config["channels"])
        self.labels: list[str] = list(config.get("labels", []))
        self.name = str(config.get("name", "image-cnn"))

    def __repr__(self) -> str:
        return f"CNNEncoder(size={self.size}, channels={self.channels}, dim={self.dim})"

    @property
    def dim(self) -> int:
        return int(self.config["dim"])

    def with_readout(self, *, multiscale: bool, power: bool) -> CNNEncoder:
        """The same trained network read out another way: with or without the middle stage's grid, with or
        without the square root. The readout does not change training (the classifier sees the last hidden
        layer either way), so one network serves every readout, e.g. to choose one on validation images."""
        config = {**self.config, "multiscale": bool(multiscale), "power": bool(power)}
        config["dim"] = _out_dim(config)
        net = _build(config)
        net.load_state_dict(self.net.state_dict())
        net.eval()
        return CNNEncoder(net, config)

    def scale(self, pixels: np.ndarray) -> np.ndarray:
        return (pixels.astype(np.float32) / 255.0 - float(self.config["mean"])) / float(self.config["std"])

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the network as a folder: ``image_cnn.json`` and ``weights.safetensors`` (atomic)."""
        from safetensors.torch import save_file

        with atomic_dir(path) as tmp:
            state = {k: v.detach().contiguous() for k, v in self.net.state_dict().items()}
            save_file(state, str(tmp / "weights.safetensors"))
            (tmp / CNN_CONFIG).write_text(json.dumps(self.config, indent=2), encoding="utf-8")
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CNNEncoder:
        from safetensors.torch import load_file

        p = Path(path)
        config = read_model_config(p, CNN_CONFIG, FORMAT_NAME, "an embedlab image CNN")
        # the sizes the network is built from, checked before anything is allocated
        for key, low, high in (("channels", 1, 4), ("width", 1, 512), ("hidden", 0, 8192), ("grid", 1, 8),
                               ("size", 8, 4096), ("classes", 2, 10**6)):  # fmt: skip
            config_int(config, key, str(p / CNN_CONFIG), low, high)
        try:
            net = _build(config)
            net.load_state_dict(load_file(str(p / "weights.safetensors")))
        except (OSError, KeyError, RuntimeError, ValueError) as exc:
            raise FormatError(f"{p}: the weights do not fit the network its config describes ({exc})") from None
        net.eval()
        return cls(net, config)


def is_cnn_folder(path: str | os.PathLike[str]) -> bool:
    return (Path(path) / CNN_CONFIG).is_file()


def _labels(labels: Any, n: int) -> tuple[np.ndarray, list[str]]:
    values = list(labels)
    if len(values) != n:
        raise ConfigError(f"{n} images but {len(values)} labels")
    names = sorted({str(v) for v in values}, key=lambda s: (len(s), s) if s.isdigit() else (0, s))
    if len(names) < 2:
        raise ConfigError("labels must name at least two classes")
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[str(v)] for v in values], np.int64), names


def _native_bf16() -> bool:
    """True where oneDNN runs bfloat16 natively on this CPU (else autocast would be slower, not faster)."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _augment(x: Any, shift: int, flip: bool, gen: Any) -> Any:
    """Random shifts (zero padding) and horizontal mirroring of a batch ``[n, C, H, W]``."""
    import torch

    if shift:
        n, _, h, w = x.shape
        padded = torch.nn.functional.pad(x, [shift] * 4)
        dy = torch.randint(0, 2 * shift + 1, (n,), generator=gen)
        dx = torch.randint(0, 2 * shift + 1, (n,), generator=gen)
        rows = (dy[:, None] + torch.arange(h)[None, :])[:, None, :, None].expand(n, x.shape[1], h, w + 2 * shift)
        x = padded.gather(2, rows)
        cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, None, :].expand(n, x.shape[1], h, w)
        x = x.gather(3, cols)
    if flip:
        mask = torch.rand(x.shape[0], generator=gen) < 0.5
        x = torch.where(mask[:, None, None, None], x.flip(3), x)
    return x


def train_image_embedder(
    images: Any,
    labels: Any,
    *,
    width: int = CFG.width,
    hidden: int = CFG.hidden,
    grid: int = CFG.grid,
    multiscale: bool = CFG.multiscale,
    power: bool = CFG.power,
    size: int | None = None,
    channels: int | None = None,
    epochs: int = CFG.epochs,
    batch_size: int = CFG.batch_size,
    lr: float = CFG.lr,
    shift: int = CFG.shift,
    flip: bool = CFG.flip,
    seed: int = CFG.seed,
    precision: str = CFG.precision,
    show_progress: ProgressArg = None,
) -> CNNEncoder:
    """Train a CNN embedder on labelled images and return it as an encoder.

    ``images``: anything :func:`~embedlab.io.images.images_to_array` reads (a uint8 batch
    ``[n, H, W(, C)]``, paths, PIL images); ``labels``: one class per image (ints or names).
    ``size`` / ``channels`` default to the first image's (grey when it has one channel). SGD with
    Nesterov momentum and a one-cycle learning rate for ``epochs`` passes. ``precision``: ``"auto"``
    trains under bfloat16 autocast where the CPU computes bfloat16 natively (AVX512-BF16, AMX;
    about twice as fast, weights and the embedding stay float32), else float32; or say which.
    """
    import torch

    from embedlab.io.images import as_image_list

    items = as_image_list(images)
    n = len(items)
    if n < 2:
        raise ConfigError("training needs at least two labelled images")
    y, names = _labels(labels, n)
    probe = items[0]
    if size is None or channels is None:
        arr = np.asarray(probe) if isinstance(probe, np.ndarray) else None
        if arr is None:
            from embedlab.io.images import _to_pil

            im = _to_pil(probe, 0)
            size = size or max(im.size)
            channels = channels or (1 if im.mode in ("L", "1", "I", "F") else 3)
        else:
            size = size or max(arr.shape[:2])
            channels = channels or (1 if arr.ndim == 2 or arr.shape[-1] == 1 else 3)
    size = check_int("size", size, 8, 512)
    if channels not in (1, 3):
        raise ConfigError(f"channels must be 1 (grey) or 3 (RGB), got {channels}")
    cfg = CFG(width=width, hidden=hidden, grid=grid, multiscale=bool(multiscale), power=bool(power), epochs=epochs,
              batch_size=batch_size, lr=lr, shift=shift, flip=bool(flip), seed=seed, precision=precision)  # fmt: skip
    width, hidden, grid, epochs, batch_size, lr = cfg.width, cfg.hidden, cfg.grid, cfg.epochs, cfg.batch_size, cfg.lr
    shift = check_int("shift", cfg.shift, 0, size // 2)
    precision = cfg.precision
    bf16 = precision == "bfloat16" or (precision == "auto" and _native_bf16())
    pixels = images_to_array(items, size, channels)
    mean, std = float(pixels.mean() / 255.0), float(pixels.std() / 255.0) or 1.0
    config: dict[str, Any] = {
        "format": FORMAT_NAME, "name": "image-cnn", "size": size, "channels": channels, "width": width,
        "hidden": hidden, "grid": grid, "multiscale": bool(multiscale), "power": bool(power), "classes": len(names),
        "labels": names, "mean": mean, "std": std,
    }  # fmt: skip
    config["dim"] = _out_dim(config)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    net = _build(config)
    enc = CNNEncoder(net, config)
    x_all = torch.from_numpy(np.ascontiguousarray(enc.scale(pixels).transpose(0, 3, 1, 2)))
    y_all = torch.from_numpy(y)
    steps = epochs * max(1, n // batch_size)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    # (at least 10 steps: the schedule needs a warm-up and a decay phase; tiny runs stop early in it)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 10), pct_start=0.25)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    t0, step = time.perf_counter(), 0
    net.train()
    with Progress("train image CNN", steps, enabled=show_progress, unit="steps") as bar:
        for _epoch in range(epochs):
            order = torch.randperm(n, generator=gen)
            for start in range(0, n - batch_size + 1 if n >= batch_size else 1, batch_size):
                idx = order[start : start + batch_size]
                xb = _augment(x_all[idx], shift, flip, gen)
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    loss = loss_fn(net.logits(xb).float(), y_all[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                if step < steps - 1:
                    sched.step()
                step += 1
                if step % 20 == 0 or step == steps:
                    bar.update(min(step, steps), info=f"loss {loss.item():.3f}")
    net.eval()
    config["train_seconds"] = round(time.perf_counter() - t0, 2)
    config["epochs"] = epochs
    config["precision"] = "bfloat16" if bf16 else "float32"
    return enc
