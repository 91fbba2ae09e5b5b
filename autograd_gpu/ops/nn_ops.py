"""Primitive ops the nn layers are built from: erf, constant padding, and im2col (unfold) /
col2im (fold), each other's gradient, so convolutions and pools are differentiable to any
order. No Python loop runs over pixels: one array copy per kernel offset."""
from __future__ import annotations

import math

import numpy as np

from .. import backends
from ..autograd.node import Node
from ..tensor import Tensor, _wrap
from ._core import method, record, recording, register, to_float
from .fusable import fused
from .one_node import call_as_one_node
from .windows import _offsets


class ErfBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        return (g * (2.0 / math.sqrt(math.pi)) * F.exp(-(x * x)),)


@register()
@method("erf")
def erf(input: Tensor) -> Tensor:
    x = to_float(input._data)
    out = backends.of(x).erf(x)
    if recording(input):
        return record(ErfBackward0, out, (input,), (input,))
    return _wrap(out)


def _fused_node(name: str, formula: str) -> type:
    """A node class whose derivative is the fusable formula `formula` of its saved input."""
    return type(name, (Node,), {"__slots__": (),
                                "grad": lambda s, F, g, x: (fused(F, formula, g, x),)})


GeluBackward0 = _fused_node("GeluBackward0", "gelu_backward")
SiluBackward0 = _fused_node("SiluBackward0", "silu_backward")


def gelu_op(input: Tensor) -> Tensor:
    """x * Phi(x) (the exact GELU) as one node; F.gelu's approximate='none'."""
    x = to_float(input._data)
    backend = backends.of(x)
    out = 0.5 * x * (1.0 + backend.erf(x * (1.0 / math.sqrt(2.0))))
    if recording(input):
        return record(GeluBackward0, out.astype(x.dtype, copy=False), (input,), (input,))
    return _wrap(out.astype(x.dtype, copy=False))


def silu_op(input: Tensor) -> Tensor:
    """x * sigmoid(x) as one node (F.silu), computed x / (1 + e^-x) as PyTorch does."""
    x = to_float(input._data)
    with np.errstate(over="ignore"):
        out = x / (1 + backends.of(x).xp.exp(-x))
    if recording(input):
        return record(SiluBackward0, out, (input,), (input,))
    return _wrap(out)


def _pairs(v, n: int = 2) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class ConstantPadNdBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (g[self.crop],)


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


@register()
def pad(input: Tensor, pad: tuple, mode: str = "constant", value: float | None = None) -> Tensor:
    """F.pad: `pad` lists (before, after) pairs from the last dimension back; a negative
    amount crops. Modes: constant (`value`, 0 by default), reflect (mirror without repeating
    the edge), replicate (repeat the edge), circular (wrap around)."""
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(int(v) for v in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.dim()}")
    widths = [(0, 0)] * input.dim()
    for k in range(len(pad) // 2):
        widths[input.dim() - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    if mode == "circular":
        return _pad_by_index(input, widths, mode, value, len(pad) // 2)
    if mode != "constant":
        name = f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{len(pad) // 2}D"
        return call_as_one_node(name + "Backward0", ("input",), _pad_by_index, input, widths,
                                mode, value, len(pad) // 2)
    if any(n + a + b < 0 for (a, b), n in zip(widths, input.shape)):
        raise RuntimeError("narrow(): length must be non-negative.")
    if any(a < 0 or b < 0 for a, b in widths):  # crop first, then pad what is left
        input = input[tuple(slice(max(-a, 0), n - max(-b, 0))
                            for (a, b), n in zip(widths, input.shape))]
        widths = [(max(a, 0), max(b, 0)) for a, b in widths]
    xp = backends.of(input._data).xp
    out = xp.pad(input._data, widths, constant_values=0 if value is None else value)
    if recording(input):
        res = record(ConstantPadNdBackward0, out, (input,))
        res._edge[0].crop = tuple(slice(a, a + n) for (a, _), n in zip(widths,
                                                                       input._data.shape))
        return res
    return _wrap(out)


def _pad_by_index(input: Tensor, widths: list, mode: str, value, dims: int) -> Tensor:
    """Reflect, replicate and circular padding as a gather along each padded dimension (so
    the gradient, a scatter-add, and its own gradient come from indexing)."""
    if value is not None:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not input.dim() - 1 <= dims + 1 <= input.dim():  # PyTorch's supported combinations
        raise NotImplementedError(
            f"Padding size {2 * dims} is not supported for {input.dim()}D input tensor.\n"
            f"Supported combinations for non-constant padding:\n"
            f"  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            f"  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            f"  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if any(n == 0 for n in input.shape[input.dim() - dims:]):
        raise RuntimeError(f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with "
                           f"possibly 0 batch size and other non-zero dimensions for input, "
                           f"but got: {list(input.shape)}")
    import numpy as np

    if mode == "reflect":  # (checked from the last dim: arguments #4, #6, #8 of the kernel)
        for k, d in enumerate(range(input.dim() - 1, input.dim() - dims - 1, -1)):
            before, after = widths[d]
            if before >= input.shape[d] or after >= input.shape[d]:
                raise RuntimeError(f"Argument #{4 + 2 * k}: Padding size should be less than "
                                   f"the corresponding input dimension, but got: padding "
                                   f"({before}, {after}) at dimension {d} of input "
                                   f"{list(input.shape)}")
    out = input
    for d in range(input.dim() - dims, input.dim()):
        before, after = widths[d]
        if (before, after) == (0, 0):
            continue
        n = input.shape[d]
        start, stop = max(-before, 0), n - max(-after, 0)  # negative amounts crop first
        size = stop - start
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        i = np.arange(-max(before, 0), size + max(after, 0))
        if mode == "reflect":
            i = np.abs(i)
            i = np.where(i > size - 1, 2 * (size - 1) - i, i)
        elif mode == "replicate":
            i = np.clip(i, 0, size - 1)
        else:
            i = i % size
        index = (slice(None),) * d + (_wrap(np.asarray(i + start)).to(input.device),)
        out = out[index]
    return out


def pooled_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool = False) -> int:
    """PyTorch's output length of a sliding window (pooling_output_shape): with ceil_mode a
    last, partial window counts if it starts inside the input or its left padding."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _geometry(h: int, w: int, kernel, dilation, padding, stride,
              ceil_mode: bool = False, channels: int | None = None) -> tuple:
    """Window geometry; an output with no element is PyTorch's error (pooling, which passes
    `channels`, names them as its kernels do)."""
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (_pairs(v) for v in (kernel, dilation, padding,
                                                                   stride))
    oh = pooled_size(h, kh, sh, ph, dh, ceil_mode)
    ow = pooled_size(w, kw, sw, pw, dw, ceil_mode)
    if oh <= 0 or ow <= 0:
        if channels is not None:
            raise RuntimeError(f"Given input size: ({channels}x{h}x{w}). Calculated output "
                               f"size: ({channels}x{oh}x{ow}). Output size is too small")
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size "
                           f"per channel: ({oh} x {ow}). Output size is too small")
    return kh, kw, dh, dw, ph, pw, sh, sw, oh, ow






def im2col(x, geom, batch_last: bool = False):
    """(N, C, H, W) array -> columns (one strided copy per kernel offset): (N, C*kh*kw, L),
    or (C*kh*kw, L*N) with batch_last (batch index fastest), the layout that makes a
    convolution one GEMM whose result is already the next layer's (C, H, W, N) memory."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    backend = backends.of(x)
    if batch_last:
        return fused(backend, "im2col_batch_last", x, geom)
    xp = backend.xp
    n, c = x.shape[:2]
    if ph or pw:
        padded = xp.zeros((n, c, x.shape[2] + 2 * ph, x.shape[3] + 2 * pw), x.dtype)
        padded[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]] = x
        x = padded
    cols = xp.empty((n, c, kh, kw, oh, ow), x.dtype)
    for i, j, (rows, cs) in _offsets(geom):
        cols[:, :, i, j] = x[:, :, rows, cs]
    return cols.reshape(n, c * kh * kw, oh * ow)


def col2im(cols, size: tuple, geom, batch_last: bool = False, n: int | None = None):
    """The adjoint of im2col: columns summed back into (N, C, H, W) (with batch_last a view of
    (C, H, W, N) memory)."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    backend = backends.of(cols)
    if batch_last:
        return fused(backend, "col2im_batch_last", cols, size, geom, n)
    xp = backend.xp
    h, w = size
    n, c = cols.shape[0], cols.shape[1] // (kh * kw)
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    out = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), cols.dtype)
    for i, j, (rows, cs) in _offsets(geom):
        out[:, :, rows, cs] += cols[:, :, i, j]
    return out[:, :, ph:ph + h, pw:pw + w] if ph or pw else out


class Im2ColBackward0(Node):
    __slots__ = ()
    batch_last = False

    def grad(self, F, g):
        if F.tensors:
            return (fold(g, self.size, *self.args, batch_last=self.batch_last, n=self.n),)
        geom = _geometry(*self.size, *self.args)
        return (col2im(g, self.size, geom, self.batch_last, self.n),)


class Col2ImBackward0(Node):
    __slots__ = ()
    batch_last = False

    def grad(self, F, g):
        if F.tensors:
            return (unfold(g, *self.args, batch_last=self.batch_last),)
        return (im2col(g, _geometry(*g.shape[2:], *self.args), self.batch_last),)


@register()
def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1, *,
           batch_last: bool = False) -> Tensor:
    """F.unfold: sliding (N, C, H, W) blocks as columns (N, C*kh*kw, L); with batch_last
    (not in PyTorch) as (C*kh*kw, L*N), so that a convolution is one matrix product."""
    if input.dim() != 4:
        raise RuntimeError(f"Input Error: Only 4D input Tensors are supported (got "
                           f"{input.dim()}D)")
    args = (kernel_size, dilation, padding, stride)
    out = im2col(input._data, _geometry(*input._data.shape[2:], *args), batch_last)
    if recording(input):
        res = record(Im2ColBackward0, out, (input,))
        node = res._edge[0]
        node.size, node.args = tuple(input._data.shape[2:]), args
        node.batch_last, node.n = batch_last, input._data.shape[0]
        return res
    return _wrap(out)


@register()
def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1, *,
         batch_last: bool = False, n: int | None = None) -> Tensor:
    """F.fold: columns (N, C*kh*kw, L) summed back into (N, C, H, W) (with batch_last the
    columns are (C*kh*kw, L*N) and `n` gives N)."""
    size = _pairs(output_size)
    args = (kernel_size, dilation, padding, stride)
    out = col2im(input._data, size, _geometry(*size, *args), batch_last, n)
    if recording(input):
        res = record(Col2ImBackward0, out, (input,))
        res._edge[0].args, res._edge[0].batch_last = args, batch_last
        return res
    return _wrap(out)


class MaxPool2DWithIndicesBackward0(Node):
    """The gradient goes to the first maximum of each window (PyTorch's choice on ties). The
    input is saved as PyTorch saves it (changing it fails at backward), not read."""

    __slots__ = ()

    def grad(self, F, g, _input):
        if F.tensors:  # differentiable again: scatter by the flat index of each maximum
            flat = index_add_zeros_op((self.numel,), (self._flat_index().reshape(-1),),
                                      g.reshape(-1), True)
            return (flat.reshape(self.shape),)
        return (fused(F, "max_pool2d_backward", g, self.winner, self.shape, self.geom),)

    def _flat_index(self):
        """The flat input index of each window's maximum (only create_graph needs it)."""
        n, c, h, w = self.shape
        xp = backends.of(self.winner).xp
        base = xp.arange(n * c, dtype=xp.int64).reshape(n, c, 1, 1) * (h * w)
        return base + _plane_index(self.winner, self.geom, w)


def index_add_zeros_op(shape, index, values, accumulate):
    from .indexing import index_add_zeros

    return index_add_zeros(shape, index, values, accumulate)


@register()
def max_pool2d_op(input: Tensor, kernel_size, stride, padding, dilation,
                  ceil_mode: bool = False, return_indices: bool = False):
    """Max-pooling as kh*kw elementwise maxima over strided views (no im2col, no argmax
    over a short axis); records which offset won each window for the backward. With
    return_indices also each maximum's flat index in its (H, W) plane, as PyTorch gives."""
    x = input._data
    n, c, h, w = x.shape
    geom = _geometry(h, w, kernel_size, dilation, padding, stride, ceil_mode, c)
    best, winner = fused(backends.of(x), "max_pool2d_windows", x, geom)
    if recording(input):
        res = record(MaxPool2DWithIndicesBackward0, best, (input,), (input,))
        node = res._edge[0]
        node.geom, node.winner, node.shape, node.numel = geom, winner, (n, c, h, w), n * c * h * w
    else:
        res = _wrap(best)
    return (res, _wrap(_plane_index(winner, geom, w))) if return_indices else res



def _plane_index(winner, geom, w: int):
    """Each window's maximum as a flat index into its unpadded (H, W) plane."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    xp = backends.of(winner).xp
    ki, kj = winner // kw, winner % kw
    rows = xp.arange(oh).reshape(-1, 1) * sh + ki * dh - ph
    cols = xp.arange(ow).reshape(1, -1) * sw + kj * dw - pw
    return (rows * w + cols).astype(xp.int64)
