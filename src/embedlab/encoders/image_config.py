"""Defaults of the image trainers, in one place: the library functions and the CLI read them here.

The values are the ones ``benchmarks/images.py`` measures (Fashion-MNIST for the CNN, OpenMoji
for the image-text space); see BENCHMARKS.md.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ImageCNNConfig", "ImageTextConfig"]


@dataclass(frozen=True)
class ImageCNNConfig:
    """:func:`~embedlab.encoders.image_cnn.train_image_embedder`."""

    width: int = 24
    hidden: int = 0
    grid: int = 3
    multiscale: bool = True
    power: bool = True
    epochs: int = 10
    batch_size: int = 256
    lr: float = 0.05
    shift: int = 2
    flip: bool = True
    seed: int = 0
    precision: str = "auto"


@dataclass(frozen=True)
class ImageTextConfig:
    """:func:`~embedlab.encoders.image_text.train_image_text`."""

    image_model: str = "efficientnet-lite0"
    hidden: int = 0
    epochs: int = 40
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    seed: int = 0
