"""Primitive ops the nn layers are built from: erf, constant padding, and im2col (unfold) /
col2im (fold), each other's gradient, so convolutions and pools are differentiable to any
order. No Python loop runs over pixels: one array copy per kernel offset."""
from __future__ import annotations

import math

from .. import backends
from ..autograd.node import Node
from ..tensor import Tensor, _wrap
from ._core import method, record, recording, register, to_float


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


def _pairs(v, n: int = 2) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class ConstantPadNdBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (g[self.crop],)


@register()
def pad(input: Tensor, pad: tuple, mode: str = "constant", value: float | None = None) -> Tensor:
    """F.pad, constant mode: `pad` lists (before, after) pairs from the last dimension back."""
    if mode != "constant":
        raise NotImplementedError(f"pad: mode '{mode}' is not supported (only 'constant')")
    if len(pad) % 2 or len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length must be divisible by 2 and at most twice the number "
                           f"of dimensions of the input, got {len(pad)} for a "
                           f"{input.dim()}-D input")
    widths = [(0, 0)] * input.dim()
    for k in range(len(pad) // 2):
        widths[input.dim() - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    if any(a < 0 or b < 0 for a, b in widths):
        raise NotImplementedError("pad: negative padding (cropping) is not supported")
    xp = backends.of(input._data).xp
    out = xp.pad(input._data, widths, constant_values=0 if value is None else value)
    if recording(input):
        res = record(ConstantPadNdBackward0, out, (input,))
        res._edge[0].crop = tuple(slice(a, a + n) for (a, _), n in zip(widths,
                                                                       input._data.shape))
        return res
    return _wrap(out)


def _geometry(h: int, w: int, kernel, dilation, padding, stride) -> tuple:
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (_pairs(v) for v in (kernel, dilation, padding,
                                                                   stride))
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size "
                           f"per channel: ({oh} x {ow}). Output size is too small")
    return kh, kw, dh, dw, ph, pw, sh, sw, oh, ow


def _offsets(geom):
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    for i in range(kh):
        for j in range(kw):
            yield i, j, (slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                         slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))


def im2col(x, geom):
    """(N, C, H, W) array -> (N, C*kh*kw, oh*ow) columns (one copy per kernel offset)."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    xp = backends.of(x).xp
    n, c = x.shape[:2]
    if ph or pw:
        x = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = xp.empty((n, c, kh, kw, oh, ow), x.dtype)
    for i, j, (rows, cs) in _offsets(geom):
        cols[:, :, i, j] = x[:, :, rows, cs]
    return cols.reshape(n, c * kh * kw, oh * ow)


def col2im(cols, size: tuple, geom):
    """The adjoint of im2col: columns summed back into (N, C, H, W)."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    xp = backends.of(cols).xp
    n = cols.shape[0]
    h, w = size
    c = cols.shape[1] // (kh * kw)
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    out = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), cols.dtype)
    for i, j, (rows, cs) in _offsets(geom):
        out[:, :, rows, cs] += cols[:, :, i, j]
    return out[:, :, ph:ph + h, pw:pw + w]


class Im2ColBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (_fold_any(F, g, self.size, self.args),)


class Col2ImBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (_unfold_any(F, g, self.args),)


def _fold_any(F, g, size, args):
    if F.tensors:
        return fold(g, size, *args)
    return col2im(g, size, _geometry(*size, *args))


def _unfold_any(F, g, args):
    if F.tensors:
        return unfold(g, *args)
    return im2col(g, _geometry(*g.shape[2:], *args))


@register()
def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """F.unfold: sliding (N, C, H, W) blocks as columns (N, C*kh*kw, L)."""
    if input.dim() != 4:
        raise RuntimeError(f"Input Error: Only 4D input Tensors are supported (got "
                           f"{input.dim()}D)")
    args = (kernel_size, dilation, padding, stride)
    out = im2col(input._data, _geometry(*input._data.shape[2:], *args))
    if recording(input):
        res = record(Im2ColBackward0, out, (input,))
        res._edge[0].size, res._edge[0].args = tuple(input._data.shape[2:]), args
        return res
    return _wrap(out)


@register()
def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """F.fold: columns (N, C*kh*kw, L) summed back into (N, C, H, W)."""
    size = _pairs(output_size)
    args = (kernel_size, dilation, padding, stride)
    out = col2im(input._data, size, _geometry(*size, *args))
    if recording(input):
        res = record(Col2ImBackward0, out, (input,))
        res._edge[0].args = args
        return res
    return _wrap(out)
