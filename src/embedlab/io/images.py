"""Reading images: files, folders, PIL images, uint8 arrays and the IDX files of (Fashion-)MNIST.

Every image encoder takes the same inputs and turns them into one float array here:

- a path (``str`` or ``PathLike``) to an image file Pillow reads (PNG, JPEG, BMP, GIF, WebP ...);
- a ``PIL.Image.Image``;
- a ``uint8`` array, ``[H, W]`` (grey) or ``[H, W, C]`` with C = 1, 3 or 4;
- a whole batch as one ``uint8`` array ``[n, H, W]`` or ``[n, H, W, C]``.

Errors say which input was wrong and why: an unreadable file is a :class:`FormatError` naming it,
a wrong dtype or shape a :class:`ConfigError`, an empty folder a :class:`ConfigError`.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import ConfigError, FormatError, MissingDependencyError

__all__ = ["IMAGE_SUFFIXES", "ImageInput", "as_image_list", "images_to_array", "list_images", "read_idx"]

#: file endings ``list_images`` picks up from a folder
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")

ImageInput = Any  # str | PathLike | PIL.Image.Image | np.ndarray


def _pil():
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with the images extra
        raise MissingDependencyError("pillow", "images") from None
    return Image


def list_images(folder: str | os.PathLike[str], *, recursive: bool = True) -> list[Path]:
    """The image files under ``folder`` (sorted), by their ending (:data:`IMAGE_SUFFIXES`).

    Raises :class:`ConfigError` when the folder holds none, and ``FileNotFoundError`` when it is missing.
    """
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(2, "image folder not found", str(root))
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder; give a folder of images (or the image files themselves)")
    walk = root.rglob("*") if recursive else root.iterdir()
    found = sorted(p for p in walk if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not found:
        raise ConfigError(f"no images in {root} (looked for files ending in {', '.join(IMAGE_SUFFIXES)})")
    return found


def as_image_list(images: ImageInput | Sequence[ImageInput]) -> list[ImageInput]:
    """``images`` as a list of single images: a batch array is split, one image becomes a list of one."""
    Image = _pil()
    if isinstance(images, (str, os.PathLike, Image.Image)):
        return [images]
    if isinstance(images, np.ndarray):
        if images.ndim == 4 or (images.ndim == 3 and images.shape[-1] not in (1, 3, 4)):
            return list(images)
        if images.ndim in (2, 3):
            return [images]
        raise ConfigError(
            f"an image array must be [H, W], [H, W, C], [n, H, W] or [n, H, W, C]; got shape {images.shape}"
        )
    if isinstance(images, (bytes, bytearray)):
        raise ConfigError("images must be paths, PIL images or uint8 arrays, not bytes; decode them first")
    try:
        out = list(images)
    except TypeError:
        raise ConfigError(
            f"images must be a list of paths, PIL images or arrays, got {type(images).__name__}"
        ) from None
    if not out:
        raise ConfigError("images is empty; pass at least one image to encode")
    return out


def _to_pil(image: ImageInput, index: int):
    Image = _pil()
    if isinstance(image, Image.Image):
        return image
    if isinstance(image, (str, os.PathLike)):
        path = Path(image)
        if not path.is_file():
            raise FileNotFoundError(2, "image file not found", str(path))
        try:
            with Image.open(path) as im:
                im.load()
                return im.copy()
        except (OSError, SyntaxError, ValueError) as exc:
            raise FormatError(f"{path} is not an image Pillow can read ({exc})") from None
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8:
            raise ConfigError(f"images[{index}] is a {image.dtype} array; image arrays must be uint8 (0-255)")
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        if image.ndim == 2:
            return Image.fromarray(image, mode="L")
        if image.ndim == 3 and image.shape[-1] in (3, 4):
            return Image.fromarray(image, mode="RGB" if image.shape[-1] == 3 else "RGBA")
        raise ConfigError(
            f"images[{index}] has shape {image.shape}; an image array is [H, W] or [H, W, C] with C = 1, 3 or 4"
        )
    raise ConfigError(f"images[{index}] is a {type(image).__name__}; give a path, a PIL image or a uint8 array")


def _fast_array(image: ImageInput, size: int, channels: int) -> np.ndarray | None:
    """The image as ``[size, size, channels]`` uint8 without Pillow when it already is one."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        return None
    if image.shape[:2] != (size, size):
        return None
    if channels == 1 and image.ndim == 2:
        return image[..., None]
    if image.ndim == 3 and image.shape[-1] == channels:
        return image
    return None


def images_to_array(images: ImageInput | Sequence[ImageInput], size: int, channels: int) -> np.ndarray:
    """``images`` as one ``uint8 [n, size, size, channels]`` array: converted to grey (1 channel) or RGB
    (3; transparency over white), resized (bilinear) to ``size`` x ``size``.

    >>> images_to_array(np.zeros((2, 28, 28), np.uint8), 28, 1).shape
    (2, 28, 28, 1)
    """
    items = as_image_list(images)
    if channels not in (1, 3):
        raise ConfigError(f"channels must be 1 or 3, got {channels}")
    out = np.empty((len(items), size, size, channels), np.uint8)
    Image = _pil()
    for i, image in enumerate(items):
        fast = _fast_array(image, size, channels)
        if fast is not None:
            out[i] = fast
            continue
        im = _to_pil(image, i)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            im = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            im.alpha_composite(rgba)
        im = im.convert("L" if channels == 1 else "RGB")
        if im.size != (size, size):
            im = im.resize((size, size), Image.BILINEAR)
        arr = np.asarray(im, dtype=np.uint8)
        out[i] = arr[..., None] if channels == 1 else arr
    return out


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """An IDX file (the format of MNIST and Fashion-MNIST, plain or ``.gz``) as a uint8 array:
    images ``[n, 28, 28]``, labels ``[n]``.

    Raises :class:`FormatError` for a file that is not IDX uint8 data.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "IDX file not found", str(p))
    try:
        data = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
    except (OSError, EOFError) as exc:
        raise FormatError(f"{p} cannot be decompressed ({exc})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise FormatError(f"{p} is not an IDX file of uint8 data (bad magic number)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise FormatError(f"{p} has a truncated IDX header")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if len(data) - header != int(np.prod(shape)):
        raise FormatError(f"{p}: the header says {shape} ({int(np.prod(shape))} bytes) but {len(data) - header} follow")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape).copy()
