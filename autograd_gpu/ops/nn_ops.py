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


def _axis_order(a) -> list:
    """a's axes from the slowest-varying in memory to the fastest."""
    return sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]))


def _laid_out_like(xp, ref, shape, dtype, fill=0):
    """A new array of `shape` filled with `fill` (None: uninitialised) whose memory runs in
    the same axis order as `ref`'s (NumPy's loops are only fast when the operands of an op
    share a layout)."""
    order = _axis_order(ref)
    shape = tuple(shape[a] for a in order)
    out = xp.empty(shape, dtype) if fill is None else xp.full(shape, fill, dtype)
    return out.transpose([order.index(a) for a in range(ref.ndim)])


def _spatial_first(x, ph: int, pw: int):
    """(N, C, H, W) -> padded (C, H+2ph, W+2pw, N): batch innermost, so that every kernel
    offset's window is a copy with long contiguous runs (a view when nothing needs doing)."""
    n, c, h, w = x.shape
    xt = x.transpose(1, 2, 3, 0)
    if not (ph or pw) and xt.strides[3] == xt.itemsize:
        return xt
    out = backends.of(x).xp.zeros((c, h + 2 * ph, w + 2 * pw, n), x.dtype)
    out[:, ph:ph + h, pw:pw + w] = xt
    return out


def im2col(x, geom, batch_last: bool = False):
    """(N, C, H, W) array -> columns (one strided copy per kernel offset): (N, C*kh*kw, L),
    or (C*kh*kw, L*N) with batch_last (batch index fastest), the layout that makes a
    convolution one GEMM whose result is already the next layer's (C, H, W, N) memory."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    xp = backends.of(x).xp
    n, c = x.shape[:2]
    if batch_last:
        xt = _spatial_first(x, ph, pw)
        cols = xp.empty((c, kh, kw, oh, ow, n), x.dtype)
        for i, j, (rows, cs) in _offsets(geom):
            cols[:, i, j] = xt[:, rows, cs]
        return cols.reshape(c * kh * kw, oh * ow * n)
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
    xp = backends.of(cols).xp
    h, w = size
    if batch_last:
        c = cols.shape[0] // (kh * kw)
        cols = cols.reshape(c, kh, kw, oh, ow, n)
        out = xp.zeros((c, h + 2 * ph, w + 2 * pw, n), cols.dtype)
        for i, j, (rows, cs) in _offsets(geom):
            out[:, rows, cs] += cols[:, i, j]
        return out[:, ph:ph + h, pw:pw + w].transpose(3, 0, 1, 2)
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
    """The gradient goes to the first maximum of each window (PyTorch's choice on ties)."""

    __slots__ = ()

    def grad(self, F, g):
        if F.tensors:  # differentiable again: scatter by the flat index of each maximum
            flat = index_add_zeros_op((self.numel,), (self._flat_index().reshape(-1),),
                                      g.reshape(-1), True)
            return (flat.reshape(self.shape),)
        geom, winner = self.geom, self.winner
        xp = backends.of(g).xp
        n, c, h, w = self.shape
        kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
        overlapping = sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1
        tiled = (dh, dw, sh, sw, oh * sh, ow * sw) == (1, 1, kh, kw, h + 2 * ph, w + 2 * pw)
        out = _laid_out_like(xp, winner, (n, c, h + 2 * ph, w + 2 * pw), g.dtype,
                             None if tiled else 0)  # tiled: every element is written below
        if _axis_order(g) != _axis_order(winner):  # one copy, so the loops share a layout
            g_laid_out = _laid_out_like(xp, winner, g.shape, g.dtype, None)
            g_laid_out[...] = g
            g = g_laid_out
        for k, (i, j, (rows, cs)) in enumerate(_offsets(geom)):
            if overlapping:
                out[:, :, rows, cs] += F.where(winner == k, g, 0.0)
            else:  # each input element is in one window at most: no sum needed
                out[:, :, rows, cs] = F.where(winner == k, g, 0.0)
        return (out[:, :, ph:ph + h, pw:pw + w] if ph or pw else out,)

    def _flat_index(self):
        """The flat input index of each window's maximum (only create_graph needs it)."""
        n, c, h, w = self.shape
        kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = self.geom
        winner = self.winner
        xp = backends.of(winner).xp
        ki, kj = winner // kw, winner % kw
        rows = xp.arange(oh).reshape(-1, 1) * sh + ki * dh - ph
        cols = xp.arange(ow).reshape(1, -1) * sw + kj * dw - pw
        base = xp.arange(n * c).reshape(n, c, 1, 1) * (h * w)
        return (base + rows * w + cols).astype(xp.int64)


def index_add_zeros_op(shape, index, values, accumulate):
    from .indexing import index_add_zeros

    return index_add_zeros(shape, index, values, accumulate)


@register()
def max_pool2d_op(input: Tensor, kernel_size, stride, padding, dilation) -> Tensor:
    """Max-pooling as kh*kw elementwise maxima over strided views (no im2col, no argmax
    over a short axis); records which offset won each window for the backward."""
    x = input._data
    n, c, h, w = x.shape
    geom = _geometry(h, w, kernel_size, dilation, padding, stride)
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    xp = backends.of(x).xp
    if ph or pw:
        padded = _laid_out_like(xp, x, (n, c, h + 2 * ph, w + 2 * pw), x.dtype, -xp.inf)
        padded[:, :, ph:ph + h, pw:pw + w] = x
        x = padded
    best = winner = None
    for k, (i, j, (rows, cs)) in enumerate(_offsets(geom)):
        s = x[:, :, rows, cs]
        if best is None:  # both in the input's memory layout (a conv's output is C, H, W, N)
            best = _laid_out_like(xp, x, s.shape, x.dtype, None)
            best[...] = s
            winner = _laid_out_like(xp, x, s.shape, xp.uint8 if kh * kw < 256 else xp.int32)
            continue
        # strictly greater keeps the first maximum; a NaN wins, as PyTorch propagates it.
        # Arithmetic, not masked copies: NumPy's masked assignment is ~10x slower.
        better = (s > best) | (s != s)
        xp.maximum(best, s, out=best)
        step = xp.subtract(k, winner, dtype=winner.dtype)
        step *= better
        winner += step
    if recording(input):
        res = record(MaxPool2DWithIndicesBackward0, best, (input,))
        node = res._edge[0]
        node.geom, node.winner, node.shape, node.numel = geom, winner, (n, c, h, w), n * c * h * w
        return res
    return _wrap(best)
