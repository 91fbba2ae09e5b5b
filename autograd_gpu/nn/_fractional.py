"""Fractional max pooling (F.fractional_max_pool2d, nn.FractionalMaxPool2d): windows whose
starts step by input/output ratios drawn from per-plane random samples, PyTorch's interval
rule (so `_random_samples` reproduces PyTorch's output), through gather and max so that the
gradient reaches each window's maximum."""
from __future__ import annotations

import numpy as np

from .. import creation
from ..ops.nn_ops import _pairs
from ..tensor import Tensor
from .modules.module import Module


def _intervals(samples: np.ndarray, size: int, out: int, pool: int, dtype) -> np.ndarray:
    """Window starts (..., out) from samples (...,), in the input's precision, truncated."""
    starts = np.empty(samples.shape + (out,), dtype=np.int64)
    if out > 1:
        alpha = dtype.type(size - pool) / dtype.type(out - 1)
        i = np.arange(out - 1, dtype=dtype)
        s = samples.astype(dtype)[..., None]
        starts[..., :-1] = ((i + s) * alpha).astype(np.int64) - (s * alpha).astype(np.int64)
    if out > 0:
        starts[..., -1] = size - pool
    return starts


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or "
                         "an output_ratio")
    kh, kw = _pairs(kernel_size, 2)
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    n, c, h, w = x.shape
    if output_size is None:
        ratio = _pairs(output_ratio, 2)
        output_size = (int(h * ratio[0]), int(w * ratio[1]))
    oh, ow = _pairs(output_size, 2)
    if oh + kh - 1 > h:
        raise RuntimeError(f"fractional_max_pool2d(): pool height {kh} too large relative to "
                           f"input height {h}")
    if ow + kw - 1 > w:
        raise RuntimeError(f"fractional_max_pool2d(): pool width {kw} too large relative to "
                           f"input width {w}")
    if _random_samples is None:
        _random_samples = creation.rand(n, c, 2, dtype=x.dtype, device=x.device)
    if _random_samples.shape[-1] != 2:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to 2; got "
                           f"{_random_samples.shape[-1]}.")
    samples = _random_samples.numpy(force=True).reshape(n, c, 2)
    dtype = x._data.dtype
    starts_w = _intervals(samples[..., 0], w, ow, kw, dtype)  # (n, c, ow)
    starts_h = _intervals(samples[..., 1], h, oh, kh, dtype)  # (n, c, oh)
    rows = starts_h[:, :, :, None, None, None] + np.arange(kh)[:, None]  # (n,c,oh,1,kh,1)
    cols = starts_w[:, :, None, :, None, None] + np.arange(kw)  # (n,c,1,ow,1,kw)
    flat = (rows * w + cols).reshape(n, c, -1)  # (n, c, oh*ow*kh*kw)
    index = creation.tensor(flat, device=x.device)
    windows = x.reshape(n, c, h * w).gather(2, index).reshape(n, c, oh, ow, kh * kw)
    values, which = windows.max(-1)
    out = values.squeeze(0) if unbatched else values
    if not return_indices:
        return out
    positions = index.reshape(n, c, oh, ow, kh * kw).gather(-1, which.unsqueeze(-1)).squeeze(-1)
    return out, positions.squeeze(0) if unbatched else positions


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


class FractionalMaxPool2d(Module):
    def __init__(self, kernel_size, output_size=None, output_ratio=None,
                 return_indices: bool = False, _random_samples=None):
        super().__init__()
        self.kernel_size, self.output_size = kernel_size, output_size
        self.output_ratio, self.return_indices = output_ratio, return_indices
        self.register_buffer("_random_samples", _random_samples)
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires specifying either an output size, "
                             "or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if output_ratio is not None:
            ratio = _pairs(output_ratio, 2)
            if not (0 < ratio[0] < 1 and 0 < ratio[1] < 1):
                raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor):
        return fractional_max_pool2d(input, self.kernel_size, self.output_size,
                                     self.output_ratio, self.return_indices,
                                     _random_samples=self._random_samples)
