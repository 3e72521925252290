"""Labelled image sets for evaluation and training: class folders, (Fashion-)MNIST IDX files, OpenMoji.

- :func:`read_labelled_images`: a folder with one subfolder of images per class (ImageNet's
  layout), or an IDX images file with its labels file (MNIST, Fashion-MNIST);
- :func:`read_openmoji`: the OpenMoji emoji (``openmoji.csv`` + rendered PNGs, a folder or a
  ``.tar.xz``) with their annotations, tags and groups, as image-caption pairs.
"""

from __future__ import annotations

import csv
import io
import lzma
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import ConfigError, FormatError
from embedlab.io.images import ImageInput, images_to_array, list_images, read_idx

__all__ = [
    "FASHION_MNIST_CLASSES",
    "OPENMOJI_GROUPS",
    "LabelledImages",
    "OpenMoji",
    "read_labelled_images",
    "read_openmoji",
]

#: Fashion-MNIST's ten classes, in label order
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


@dataclass
class LabelledImages:
    """Images (a uint8 batch or a list of paths) with one label each; ``classes`` in label order."""

    images: Any
    labels: np.ndarray
    classes: list[str]
    name: str = ""

    def __len__(self) -> int:
        return len(self.labels)


def _labels_file_for(images_file: Path) -> Path:
    name = images_file.name
    for a, b in (("images-idx3", "labels-idx1"), ("images", "labels")):
        if a in name:
            return images_file.with_name(name.replace(a, b))
    raise ConfigError(f"give the labels file of {images_file} (its name does not say where it is)")


def read_labelled_images(
    path: str | os.PathLike[str], labels: str | os.PathLike[str] | None = None, *, classes: list[str] | None = None
) -> LabelledImages:
    """A labelled image set from a folder of class subfolders, or from IDX files.

    For IDX, ``labels`` defaults to the file beside ``path`` with ``labels`` for ``images`` in its
    name (``t10k-images-idx3-ubyte.gz`` -> ``t10k-labels-idx1-ubyte.gz``); ``classes`` names the
    label numbers (default: the numbers themselves).
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "image set not found", str(p))
    if p.is_dir():
        subdirs = sorted(d for d in p.iterdir() if d.is_dir())
        if not subdirs:
            raise ConfigError(f"{p} has no class subfolders; put each class's images in a folder named after it")
        paths: list[Path] = []
        ys: list[int] = []
        names: list[str] = []
        for d in subdirs:
            try:
                found = list_images(d)
            except ConfigError:
                continue  # a subfolder without images is not a class
            names.append(d.name)
            paths += found
            ys += [len(names) - 1] * len(found)
        if len(names) < 2:
            raise ConfigError(f"{p} needs at least two class subfolders holding images")
        return LabelledImages(paths, np.array(ys), names, p.name)
    x = read_idx(p)
    y = read_idx(Path(labels) if labels is not None else _labels_file_for(p))
    if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
        raise FormatError(f"{p}: {x.shape} images do not match {y.shape} labels")
    n_classes = int(y.max()) + 1
    names = list(classes) if classes is not None else [str(i) for i in range(n_classes)]
    if len(names) < n_classes:
        raise ConfigError(f"{len(names)} class names for {n_classes} labels")
    return LabelledImages(x, y.astype(np.int64), names, p.name)


#: OpenMoji's groups in words (for captions and zero-shot prompts)
OPENMOJI_GROUPS = {
    "smileys-emotion": "smileys and emotions", "people-body": "people and body parts",
    "animals-nature": "animals and nature", "food-drink": "food and drink", "travel-places": "travel and places",
    "activities": "activities and sports", "objects": "objects", "symbols": "symbols and signs",
    "flags": "flags", "component": "components", "extras-openmoji": "openmoji extras",
    "extras-unicode": "unicode extras",
}  # fmt: skip


@dataclass
class OpenMoji:
    """OpenMoji emoji as image-caption pairs: ``images`` uint8 ``[n, H, W, 3]`` and one row of
    ``hexcode``, ``annotation``, ``tags``, ``group``, ``subgroups`` per image."""

    images: np.ndarray
    rows: list[dict[str, str]] = field(default_factory=list)

    def captions(self, *, tags: bool = True, groups: bool = False) -> list[str]:
        """``"annotation"``, with ``tags`` ``"annotation: tag, tag, ..."``, with ``groups`` followed by
        ``" (group in words, subgroup)"`` for each emoji."""
        out = []
        for r in self.rows:
            text = f"{r['annotation']}: {r['tags']}" if tags and r["tags"] else r["annotation"]
            if groups:
                group = OPENMOJI_GROUPS.get(r["group"], r["group"].replace("-", " "))
                text += f" ({group}, {r['subgroups'].replace('-', ' ')})"
            out.append(text)
        return out

    def column(self, name: str) -> np.ndarray:
        return np.array([r[name] for r in self.rows])


def _png_source(images: Path) -> dict[str, bytes] | Path:
    if images.is_dir():
        return images
    try:
        with tarfile.open(images, "r:*") as tar:
            return {Path(m.name).stem: tar.extractfile(m).read() for m in tar.getmembers()  # type: ignore[union-attr]
                    if m.isfile() and m.name.endswith(".png")}  # fmt: skip
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise FormatError(f"{images} is not a folder or a tar of PNG files ({exc})") from None


def read_openmoji(folder: str | os.PathLike[str], *, size: int = 72) -> OpenMoji:
    """The emoji of ``folder`` (``openmoji.csv`` or ``.csv.xz``, and the PNGs as ``openmoji_72px/``
    or ``openmoji_72px.tar.xz``) that have an image, in the csv's order, as RGB ``size`` x ``size``."""
    from PIL import Image

    root = Path(folder)
    csv_path = next((root / n for n in ("openmoji.csv", "openmoji.csv.xz") if (root / n).is_file()), None)
    png_path = next((root / n for n in ("openmoji_72px", "openmoji_72px.tar.xz") if (root / n).exists()), None)
    if csv_path is None or png_path is None:
        raise FileNotFoundError(2, "OpenMoji needs openmoji.csv(.xz) and openmoji_72px(.tar.xz) in", str(root))
    text = (
        lzma.decompress(csv_path.read_bytes()).decode("utf-8")
        if csv_path.suffix == ".xz"
        else csv_path.read_text("utf-8")
    )
    source = _png_source(png_path)
    rows, pictures = [], []
    for r in csv.DictReader(io.StringIO(text)):
        hexcode = r.get("hexcode", "")
        if isinstance(source, Path):
            f = source / f"{hexcode}.png"
            if not f.is_file():
                continue
            picture: ImageInput = f
        else:
            if hexcode not in source:
                continue
            picture = Image.open(io.BytesIO(source[hexcode]))
        rows.append({k: (r.get(k) or "").strip() for k in ("hexcode", "annotation", "tags", "group", "subgroups")})
        pictures.append(picture)
    if not rows:
        raise FormatError(f"{root}: no emoji of the csv has an image")
    return OpenMoji(images_to_array(pictures, size, 3), rows)
