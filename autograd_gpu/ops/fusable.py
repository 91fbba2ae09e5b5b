"""Derivative formulas that a CUDA backend may run as one fused kernel.

Each formula is written once here against the formula namespace F (arrays in a first-order
backward, tensors under create_graph). `fused(F, name, ...)` runs the backend's kernel of that
name when it has one (CupyBackend with `autograd_gpu.backends.cuda.fused_kernels` on) and the
formula otherwise, so the formula is both the CPU path and the reference the kernels are
tested against (tests/test_fused.py).
"""
from __future__ import annotations

import math

from .windows import _axis_order, _extent, _laid_out_like, _offsets, _spatial_first

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def mul_backward(F, g, a, b):
    """Both gradients of a * b."""
    return g * b, g * a


def tanh_backward(F, g, y):
    if F.tensors:  # (PyTorch's node, differentiable in g and y)
        from .pointwise import backward_op

        return backward_op("tanh", g, y)
    return g * (1 - y * y)


def sigmoid_backward(F, g, y):
    if F.tensors:
        from .pointwise import backward_op

        return backward_op("sigmoid", g, y)
    return g * y * (1 - y)


def relu_backward(F, g, y):
    if F.tensors:  # (PyTorch's node, which keeps the gradient connected to y: it requires
        from .pointwise import backward_op  # grad wherever y does)

        return backward_op("relu", g, y)
    return F.where(y > 0, g, 0.0)  # relu is where(x > 0, x, 0): its gradient at 0 is 0


def gelu_backward(F, g, x):
    """d/dx x * Phi(x) = Phi(x) + x * phi(x), Phi and phi the standard normal cdf and pdf."""
    cdf = 0.5 * (1.0 + F.erf(x * _SQRT1_2))
    return g * (cdf + x * (F.exp(-0.5 * (x * x)) * _INV_SQRT_2PI))


def silu_backward(F, g, x):
    """d/dx x * s(x) = s(x) * (1 + x * (1 - s(x))), s the logistic sigmoid."""
    s = F.sigmoid(x)
    return g * (s * (1 + x * (1 - s)))


def cross_entropy_backward(F, gw, x, row_max, lse, t):
    """(softmax(x) - onehot(t)) * gw, softmax from the forward's row maxima and log-sum-exps;
    t the (N,) class indices (an ignored row matches no column, and its gw is 0)."""
    onehot = F.xp.arange(x.shape[1]) == t.reshape(-1, 1)
    grad = (F.exp((x - row_max) - lse) - onehot) * gw
    return grad + 0.0  # rows masked out by gw: 0, not -0 (as PyTorch prints them)


def cross_entropy_rows(F, x, t, ignore_index: int):
    """The forward of cross-entropy with class indices, per row of (N, C) scores x: the row
    maxima and log-sum-exps (N, 1) that the backward reuses, the loss -log softmax(x)[t]
    (0 where t == ignore_index), and 1 / 0 for the rows kept, in x's dtype."""
    xp = F.xp
    m = x.max(axis=1, keepdims=True)
    shifted = x - m
    lse = xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
    valid = t != ignore_index
    picked = shifted[xp.arange(x.shape[0]), xp.where(valid, t, 0)]
    return m, lse, (lse[:, 0] - picked) * valid, valid.astype(x.dtype)


def cross_entropy_mean(F, loss, valid):
    """reduction="mean" of cross_entropy_rows' results: the kept rows' mean loss and each
    row's weight in the backward, valid / count as an (N, 1) column (NaN when no row is
    kept, as in PyTorch)."""
    count = valid.sum()
    return loss.sum() / count, valid.reshape(-1, 1) / count


def column_sums(F, g):
    """The sum over the rows of a 2-d gradient: linear's bias gradient."""
    return F.sum(g, 0)


def row_sums(F, g):
    """The sum over the columns of a 2-d gradient: a convolution's bias gradient, from its
    (O, oh*ow*N) output gradient."""
    return F.sum(g, 1)


# -- pooling and convolution columns (geom: ops/nn_ops.py's _geometry tuple) -----------------
def max_pool2d_windows(F, x, geom):
    """Each window's maximum of (N, C, H, W) x, and which kernel offset k = i * kw + j holds
    it: the first maximum, or the last NaN (PyTorch propagates NaN); both (N, C, oh, ow) in
    x's memory layout. Padding reads as -inf. kh*kw elementwise maxima over strided views."""
    xp = F.xp
    n, c, h, w = x.shape
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    hp, wp = _extent(geom, h, w)
    if (hp, wp) != (h, w):  # -inf around it (and after it for ceil_mode's last windows)
        padded = _laid_out_like(xp, x, (n, c, hp, wp), x.dtype, -xp.inf)
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
    return best, winner


def max_pool2d_backward(F, g, winner, shape, geom):
    """The gradient of max_pool2d_windows: each window's g goes to its winning element
    (summed where windows overlap), as (N, C, H, W) in winner's memory layout."""
    xp = F.xp
    n, c, h, w = shape
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    hp, wp = _extent(geom, h, w)
    overlapping = sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1
    tiled = (dh, dw, sh, sw, oh * sh, ow * sw) == (1, 1, kh, kw, hp, wp)
    out = _laid_out_like(xp, winner, (n, c, hp, wp), g.dtype,
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
    return out[:, :, ph:ph + h, pw:pw + w] if (hp, wp) != (h, w) else out


def im2col_batch_last(F, x, geom):
    """(N, C, H, W) -> columns (C*kh*kw, oh*ow*N), batch index fastest (zero padding): one
    strided copy per kernel offset."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    n, c = x.shape[:2]
    xt = _spatial_first(x, ph, pw)
    cols = F.xp.empty((c, kh, kw, oh, ow, n), x.dtype)
    for i, j, (rows, cs) in _offsets(geom):
        cols[:, i, j] = xt[:, rows, cs]
    return cols.reshape(c * kh * kw, oh * ow * n)


def col2im_batch_last(F, cols, size, geom, n: int):
    """The adjoint of im2col_batch_last: columns summed back (in kernel-offset order) into
    (N, C, H, W), a view of (C, H, W, N) memory."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    h, w = size
    c = cols.shape[0] // (kh * kw)
    cols = cols.reshape(c, kh, kw, oh, ow, n)
    out = F.xp.zeros((c, h + 2 * ph, w + 2 * pw, n), cols.dtype)
    for i, j, (rows, cs) in _offsets(geom):
        out[:, rows, cs] += cols[:, i, j]
    return out[:, ph:ph + h, pw:pw + w].transpose(3, 0, 1, 2)


FORMULAS = {f.__name__: f for f in (mul_backward, tanh_backward, sigmoid_backward, relu_backward,
                                     gelu_backward, silu_backward, cross_entropy_backward,
                                     cross_entropy_rows, cross_entropy_mean, column_sums, row_sums,
                                     max_pool2d_windows,
                                     max_pool2d_backward, im2col_batch_last,
                                     col2im_batch_last)}


def fused(F, name: str, *args):
    """The backend's fused kernel `name` on args, or the formula when it has none."""
    kernels = F.fused_kernels
    if kernels:  # (an empty dict on the CPU: the formula, with nothing looked up)
        return kernels[name](*args)
    return FORMULAS[name](F, *args)
