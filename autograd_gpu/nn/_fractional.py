"""Fractional max pooling (F.fractional_max_pool2d/3d, nn.FractionalMaxPool2d/3d): windows whose
starts step by input/output ratios drawn from per-plane random samples, PyTorch's interval
rule (so `_random_samples` reproduces PyTorch's output), through gather and max so that the
gradient reaches each window's maximum."""
from __future__ import annotations

import numpy as np

from .. import creation
from ..autograd.grad_mode import no_grad
from ..ops.nn_ops import _pairs
from ..ops.one_node import call_as_one_node
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
    return _pooled("FractionalMaxPool2DBackward0", x, flat, (n, c, oh, ow), unbatched,
                   return_indices)


def _pooled(node: str, x: Tensor, flat: np.ndarray, shape: tuple, unbatched: bool,
            return_indices: bool):
    """Each window's maximum (one node named as PyTorch's), and with return_indices its
    flat position in the input plane."""
    index = creation.tensor(flat, device=x.device)
    values = call_as_one_node(node, ("x",), _window_max, x, index, shape)
    out = values.squeeze(0) if unbatched else values
    if not return_indices:
        return out
    with no_grad():
        which = _windows(x, index, shape).argmax(-1, keepdim=True)
        positions = index.reshape(shape + (-1,)).gather(-1, which).squeeze(-1)
    return out, positions.squeeze(0) if unbatched else positions


def _windows(x: Tensor, index: Tensor, shape: tuple) -> Tensor:
    n, c = shape[:2]
    return x.reshape(n, c, -1).gather(2, index).reshape(shape + (-1,))


def _window_max(x: Tensor, index: Tensor, shape: tuple) -> Tensor:
    return _windows(x, index, shape).max(-1)[0]


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


class _FractionalMaxPoolNd(Module):
    _dims = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None,
                 return_indices: bool = False, _random_samples=None):
        super().__init__()
        self.kernel_size, self.output_size = kernel_size, output_size
        self.output_ratio, self.return_indices = output_ratio, return_indices
        self.register_buffer("_random_samples", _random_samples)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{type(self).__name__} requires specifying either an output "
                             f"size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if output_ratio is not None:
            if not all(0 < r < 1 for r in _pairs(output_ratio, self._dims)):
                raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor):
        pool = fractional_max_pool2d if self._dims == 2 else fractional_max_pool3d
        return pool(input, self.kernel_size, self.output_size, self.output_ratio,
                    self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    _dims = 2


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """fractional_max_pool2d over (T, H, W): sample k of each plane places its windows along
    T, H and W in that order (PyTorch's)."""
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool3d requires specifying either an output_size or "
                         "an output_ratio")
    kt, kh, kw = _pairs(kernel_size, 3)
    unbatched = input.dim() == 4
    x = input.unsqueeze(0) if unbatched else input
    n, c, t, h, w = x.shape
    if output_size is None:
        ratio = _pairs(output_ratio, 3)
        output_size = (int(t * ratio[0]), int(h * ratio[1]), int(w * ratio[2]))
    ot, oh, ow = _pairs(output_size, 3)
    for name, out, k, size in (("time", ot, kt, t), ("height", oh, kh, h),
                               ("width", ow, kw, w)):
        if out + k - 1 >= size:  # (strictly inside, unlike the 2-d check: PyTorch's)
            raise RuntimeError(f"fractional_max_pool3d_out(): pool {name} {k} too large "
                               f"relative to input {name} {size}")
    if _random_samples is None:
        _random_samples = creation.rand(n, c, 3, dtype=x.dtype, device=x.device)
    samples = _random_samples.numpy(force=True).reshape(n, c, 3)
    dtype = x._data.dtype
    st = _intervals(samples[..., 0], t, ot, kt, dtype)  # (n, c, ot)
    sh = _intervals(samples[..., 1], h, oh, kh, dtype)
    sw = _intervals(samples[..., 2], w, ow, kw, dtype)
    dt = st[:, :, :, None, None, None, None, None] + np.arange(kt)[:, None, None]
    dh = sh[:, :, None, :, None, None, None, None] + np.arange(kh)[:, None]
    dw = sw[:, :, None, None, :, None, None, None] + np.arange(kw)
    flat = ((dt * h + dh) * w + dw).reshape(n, c, -1)  # (n, c, ot*oh*ow*kt*kh*kw)
    return _pooled("FractionalMaxPool3DBackward0", x, flat, (n, c, ot, oh, ow), unbatched,
                   return_indices)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None):
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    _dims = 3
