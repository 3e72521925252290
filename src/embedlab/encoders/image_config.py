"""Defaults of the image trainers, in one place: the library functions and the CLI read them here.

The values are the ones ``benchmarks/images.py`` measures (Fashion-MNIST for the CNN, OpenMoji
for the image-text space); see BENCHMARKS.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from embedlab._params import Config, param

__all__ = ["ImageCNNConfig", "ImageTextConfig"]

PRECISIONS = ("auto", "float32", "bfloat16")


@dataclass(frozen=True, kw_only=True)
class ImageCNNConfig(Config):
    """:func:`~embedlab.encoders.image_cnn.train_image_embedder`."""

    width: int = param(24, "Channels of the first conv stage (then 2x, 4x).", ge=4, le=512)
    hidden: int = param(
        0, "A fully connected hidden layer of this size as the embedding (0: the pooled grid).", ge=0, le=8192
    )
    grid: int = param(3, "Cells per side of the grid the last stage is averaged on.", ge=1, le=8)
    # the readout the images benchmark chose on a validation split of F-MNIST's training images
    multiscale: bool = param(False, "Read out the middle stage's grid before the last hidden layer.")
    power: bool = param(False, "Square-root the embedding (power normalisation).")
    epochs: int = param(10, "Passes over the images.", ge=1)
    batch_size: int = param(256, "Images per step.", ge=2)
    lr: float = param(0.05, "Peak learning rate (SGD, one-cycle).", gt=0.0)
    shift: int = param(2, "Random shift in pixels, as augmentation.", ge=0)
    flip: bool = param(True, "Mirror images as augmentation (off for digits and text).")
    seed: int = param(0, "Random seed.", ge=0)
    precision: str = param(
        "auto", "auto (bfloat16 autocast where the CPU computes it natively), float32 or bfloat16.", choices=PRECISIONS
    )


@dataclass(frozen=True, kw_only=True)
class ImageTextConfig(Config):
    """:func:`~embedlab.encoders.image_text.train_image_text`."""

    image_model: str = param("efficientnet-lite0", "The image tower: efficientnet-lite0 or a CNN folder.")
    hidden: int = param(0, "Hidden width of the projection (0: linear).", ge=0)
    epochs: int = param(40, "Passes over the pairs.", ge=1)
    batch_size: int = param(256, "Pairs per step (the in-batch negatives).", ge=2)
    lr: float = param(1e-3, "Peak learning rate (AdamW, cosine).", gt=0.0)
    weight_decay: float = param(1e-4, "AdamW's weight decay.", ge=0.0)
    seed: int = param(0, "Random seed.", ge=0)
