"""Derivative formulas that a CUDA backend may run as one fused kernel.

Each formula is written once here against the formula namespace F (arrays in a first-order
backward, tensors under create_graph). `fused(F, name, ...)` runs the backend's kernel of that
name when it has one (CupyBackend with `autograd_gpu.backends.cuda.fused_kernels` on) and the
formula otherwise, so the formula is both the CPU path and the reference the kernels are
tested against (tests/test_fused.py).
"""
from __future__ import annotations

import math

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def tanh_backward(F, g, y):
    return g * (1 - y * y)


def sigmoid_backward(F, g, y):
    return g * y * (1 - y)


def relu_backward(F, g, y):
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


FORMULAS = {f.__name__: f for f in (tanh_backward, sigmoid_backward, relu_backward,
                                     gelu_backward, silu_backward, cross_entropy_backward,
                                     cross_entropy_rows)}


def fused(F, name: str, *args):
    """The backend's fused kernel `name` on args, or the formula when it has none."""
    kernels = F.fused_kernels
    if kernels:  # (an empty dict on the CPU: the formula, with nothing looked up)
        return kernels[name](*args)
    return FORMULAS[name](F, *args)
