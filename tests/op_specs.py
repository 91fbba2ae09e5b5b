"""The op table for tests: sample inputs (broadcast pairs and 0-d included, away from kinks),
a NumPy reference for the forward, and whether the op is differentiable.

Every op registered in autograd_gpu.ops.REGISTRY needs an entry here (a test checks it).
"""
from __future__ import annotations

from dataclasses import dataclass

import itertools
import math

import numpy as np

import autograd_gpu as ag


@dataclass
class Case:
    fn: object                       # (*tensors) -> Tensor
    ref: object                      # (*float64 arrays) -> array
    shapes: tuple                    # input shapes
    low: float = -2.0
    high: float = 2.0
    grad: bool = True
    second: bool = True              # run gradgradcheck
    make: object = None              # rng -> tuple of arrays, overrides shapes/low/high
    eps: float = 1e-6                # finite-difference step


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, d):
    e = np.exp(x - x.max(axis=d, keepdims=True))
    return e / e.sum(axis=d, keepdims=True)


def _away_from_ties(rng, shape):
    # distinct values, spaced so finite differences never cross a tie
    n = int(np.prod(shape)) if shape else 1
    return (rng.permutation(n) * 0.37 - n * 0.15).reshape(shape)


def _off_integers(rng):
    """Values a little off the jumps of floor, ceil, trunc and round (also at one decimal)."""
    return (rng.integers(-30, 30, 6) / 10 + rng.uniform(0.02, 0.04, 6),)


def _pos(shape, low=0.5, high=2.0):
    return lambda rng: (rng.uniform(low, high, shape),)


B = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3,))]

SPECS: dict[str, list[Case]] = {
    "add": [Case(lambda a, b: a + b, np.add, s) for s in B]
    + [Case(lambda a: a + 2.5, lambda a: a + 2.5, ((2, 3),)),
       Case(lambda a, b: ag.add(a, b, alpha=2), lambda a, b: a + 2 * b, B[1])],
    "sub": [Case(lambda a, b: a - b, np.subtract, s) for s in B]
    + [Case(lambda a: a - 1.5, lambda a: a - 1.5, ((4,),)),
       Case(lambda a, b: ag.sub(a, b, alpha=3), lambda a, b: a - 3 * b, B[2])],
    "rsub": [Case(lambda a: 2.0 - a, lambda a: 2.0 - a, ((3,),))],
    "mul": [Case(lambda a, b: a * b, np.multiply, s) for s in B]
    + [Case(lambda a: a * 3.0, lambda a: a * 3.0, ((2, 2),)),
       Case(lambda a: 0.5 * a, lambda a: 0.5 * a, ((),))],
    "div": [Case(lambda a, b: a / b, np.divide, s, make=(lambda s: lambda rng: (
        rng.uniform(-2, 2, s[0]), rng.uniform(0.5, 2, s[1]) * rng.choice([-1, 1], s[1])))(s))
        for s in B] + [Case(lambda a: a / 4.0, lambda a: a / 4.0, ((3,),))],
    "rdiv": [Case(lambda a: 2.0 / a, lambda a: 2.0 / a, ((3, 2),), make=_pos((3, 2)))],
    "pow": [Case(lambda a: a ** 3, lambda a: a ** 3, ((3, 4),)),
            Case(lambda a: a ** 0.5, lambda a: a ** 0.5, ((5,),), make=_pos((5,))),
            Case(lambda a: a ** -1.5, lambda a: a ** -1.5, ((2, 2),), make=_pos((2, 2))),
            Case(lambda a, b: a ** b, np.power, ((3, 2), (2,)),
                 make=lambda rng: (rng.uniform(0.5, 2, (3, 2)), rng.uniform(-2, 2, (2,))))],
    "rpow": [Case(lambda a: 2.0 ** a, lambda a: 2.0 ** a, ((4,),))],
    "square": [Case(ag.square, np.square, ((3, 3),))],
    "exp": [Case(ag.exp, np.exp, ((3, 4),)), Case(lambda a: a.exp(), np.exp, ((),))],
    "log": [Case(ag.log, np.log, ((3, 4),), make=_pos((3, 4)))],
    "log1p": [Case(ag.log1p, np.log1p, ((5,),), make=_pos((5,), -0.5, 2))],
    "sqrt": [Case(ag.sqrt, np.sqrt, ((4, 2),), make=_pos((4, 2)))],
    "sin": [Case(ag.sin, np.sin, ((3, 4),))],
    "cos": [Case(ag.cos, np.cos, ((3, 4),))],
    "tanh": [Case(ag.tanh, np.tanh, ((3, 4),)), Case(lambda a: a.tanh(), np.tanh, ((),))],
    "abs": [Case(ag.abs, np.abs, ((3, 4),), make=lambda rng: (
        rng.uniform(0.2, 2, (3, 4)) * rng.choice([-1, 1], (3, 4)),))],
    "sigmoid": [Case(ag.sigmoid, _sig, ((3, 4),), low=-4, high=4)],
    "relu": [Case(ag.relu, lambda a: np.maximum(a, 0), ((3, 4),), make=lambda rng: (
        rng.uniform(0.2, 2, (3, 4)) * rng.choice([-1, 1], (3, 4)),))],
    "neg": [Case(lambda a: -a, np.negative, ((3,),))],
    "reciprocal": [Case(ag.reciprocal, np.reciprocal, ((3, 2),), make=_pos((3, 2)))],
    "sign": [Case(ag.sign, np.sign, ((5,),), make=lambda rng: (
        rng.uniform(0.2, 2, (5,)) * rng.choice([-1, 1], (5,)),))],
    "clamp": [Case(lambda a: ag.clamp(a, -0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7), ((4, 3),),
                   make=lambda rng: (np.array([-1.9, -1.1, -0.31, 0.12, 0.45, 0.91, 1.4, -0.8,
                                               0.2, 1.7, -0.1, 0.6]).reshape(4, 3),)),
              Case(lambda a: a.clamp(min=0.1), lambda a: np.maximum(a, 0.1), ((5,),),
                   make=lambda rng: (np.array([-1.0, 0.5, 1.5, -0.3, 0.3]),)),
              Case(lambda a, lo, hi: ag.clamp(a, lo, hi), lambda a, lo, hi: np.minimum(
                  np.maximum(a, lo), hi), ((2, 3), (3,), (3,)), make=lambda rng: (
                  np.array([[-1.0, 0.3, 1.2], [0.1, -0.4, 2.0]]), np.array([-0.5, 0.0, 0.5]),
                  np.array([0.5, 0.6, 1.5])))],
    "maximum": [Case(ag.maximum, np.maximum, ((3, 4), (4,)),
                     make=lambda rng: (_away_from_ties(rng, (3, 4)), rng.uniform(-1, 1, 4) + .01))],
    "minimum": [Case(ag.minimum, np.minimum, ((3, 4), (3, 1)),
                     make=lambda rng: (_away_from_ties(rng, (3, 4)), rng.uniform(-1, 1, (3, 1))))],
    "where": [Case(lambda a, b: ag.where(a > 0, a, b), lambda a, b: np.where(a > 0, a, b),
                   ((3, 4), (4,)), make=lambda rng: (
                       rng.uniform(0.2, 2, (3, 4)) * rng.choice([-1, 1], (3, 4)),
                       rng.uniform(-1, 1, 4))),
              Case(lambda a: ag.where(a > 0, a, 0.0), lambda a: np.where(a > 0, a, 0.0),
                   ((5,),), make=lambda rng: (np.array([-1.0, 0.5, 1.5, -0.3, 0.3]),))],
    "sum": [Case(ag.sum, np.sum, ((3, 4),)),
            Case(lambda a: a.sum(1), lambda a: a.sum(1), ((3, 4),)),
            Case(lambda a: a.sum((0, 2), keepdim=True), lambda a: a.sum((0, 2), keepdims=True),
                 ((2, 3, 4),)),
            Case(lambda a: a.sum(), np.sum, ((),))],
    "mean": [Case(ag.mean, np.mean, ((3, 4),)),
             Case(lambda a: a.mean(-1, keepdim=True), lambda a: a.mean(-1, keepdims=True),
                  ((3, 4),))],
    "prod": [Case(ag.prod, np.prod, ((2, 3),), make=_pos((2, 3))),
             Case(lambda a: a.prod(1), lambda a: a.prod(1), ((3, 3),),
                  make=lambda rng: (np.array([[1.5, 0.0, 2.0], [0.7, -1.2, 0.9],
                                              [0.0, 0.0, 1.1]]),), second=False)],
    "var": [Case(ag.var, lambda a: a.var(ddof=1), ((3, 4),)),
            Case(lambda a: a.var(0, unbiased=False), lambda a: a.var(0), ((3, 4),)),
            Case(lambda a: a.var(1, keepdim=True, correction=0),
                 lambda a: a.var(1, keepdims=True), ((2, 5),))],
    "std": [Case(ag.std, lambda a: a.std(ddof=1), ((3, 4),)),
            Case(lambda a: a.std(1), lambda a: a.std(1, ddof=1), ((3, 4),))],
    "max": [Case(ag.max, np.max, ((3, 4),), make=lambda rng: (_away_from_ties(rng, (3, 4)),)),
            Case(lambda a: a.max(1).values, lambda a: a.max(1), ((3, 4),),
                 make=lambda rng: (_away_from_ties(rng, (3, 4)),)),
            Case(lambda a: a.max(0, keepdim=True)[0], lambda a: a.max(0, keepdims=True),
                 ((3, 4),), make=lambda rng: (_away_from_ties(rng, (3, 4)),))],
    "min": [Case(ag.min, np.min, ((3, 4),), make=lambda rng: (_away_from_ties(rng, (3, 4)),)),
            Case(lambda a: a.min(-1).values, lambda a: a.min(-1), ((2, 5),),
                 make=lambda rng: (_away_from_ties(rng, (2, 5)),))],
    "amax": [Case(lambda a: a.amax(1), lambda a: a.max(1), ((3, 4),),
                  make=lambda rng: (_away_from_ties(rng, (3, 4)),))],
    "amin": [Case(lambda a: ag.amin(a, (0, 1)), np.min, ((3, 4),),
                  make=lambda rng: (_away_from_ties(rng, (3, 4)),))],
    "matmul": [Case(ag.matmul, np.matmul, s) for s in
               [((3, 4), (4, 2)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 2)),
                ((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (3, 4, 2))]],
    "mm": [Case(ag.mm, np.matmul, ((2, 3), (3, 4)))],
    "reshape": [Case(lambda a: a.reshape(4, 3), lambda a: a.reshape(4, 3), ((3, 4),)),
                Case(lambda a: a.t().reshape(-1), lambda a: a.T.reshape(-1), ((3, 4),))],
    "view": [Case(lambda a: a.view(2, -1), lambda a: a.reshape(2, -1), ((3, 4),))],
    "flatten": [Case(lambda a: a.flatten(1), lambda a: a.reshape(2, -1), ((2, 3, 4),))],
    "permute": [Case(lambda a: a.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), ((2, 3, 4),))],
    "transpose": [Case(lambda a: a.transpose(0, 2), lambda a: a.swapaxes(0, 2), ((2, 3, 4),))],
    "t": [Case(ag.t, np.transpose, ((3, 4),)), Case(lambda a: a.T, lambda a: a.T, ((2, 5),))],
    "unsqueeze": [Case(lambda a: a.unsqueeze(1), lambda a: a[:, None], ((3, 4),))],
    "squeeze": [Case(lambda a: a.squeeze(), np.squeeze, ((3, 1, 4),)),
                Case(lambda a: a.squeeze(0), lambda a: a[0], ((1, 4),))],
    "expand": [Case(lambda a: a.expand(2, 3, 4), lambda a: np.broadcast_to(a, (2, 3, 4)),
                    ((3, 1),))],
    "broadcast_to": [Case(lambda a: ag.broadcast_to(a, (3, 4)),
                          lambda a: np.broadcast_to(a, (3, 4)), ((4,),))],
    "cat": [Case(lambda a, b: ag.cat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
                 ((2, 3), (2, 2)))],
    "stack": [Case(lambda a, b: ag.stack([a, b], -1), lambda a, b: np.stack([a, b], -1),
                   ((2, 3), (2, 3)))],
    "getitem": [Case(lambda a: a[1], lambda a: a[1], ((3, 4),)),
                Case(lambda a: a[:, 1:3], lambda a: a[:, 1:3], ((3, 4),)),
                Case(lambda a: a[..., None, ::2], lambda a: a[..., None, ::2], ((2, 5),)),
                Case(lambda a: a[[0, 2, 0]], lambda a: a[[0, 2, 0]], ((3, 2),)),
                Case(lambda a: a[a > 0], lambda a: a[a > 0], ((3, 4),), make=lambda rng: (
                    rng.uniform(0.2, 2, (3, 4)) * rng.choice([-1, 1], (3, 4)),)),
                Case(lambda a: a[1, 2], lambda a: a[1, 2], ((3, 4),))],
    "index_add_zeros": [Case(lambda a: ag.ops.indexing.index_add_zeros(
        (4,), (np.array([0, 2, 0]),), a, True), lambda a: np.bincount(
        [0, 2, 0], weights=a, minlength=4), ((3,),))],
    "softmax": [Case(lambda a: ag.softmax(a, -1), lambda a: _softmax(a, -1), ((3, 4),)),
                Case(lambda a: a.softmax(0), lambda a: _softmax(a, 0), ((3, 4),))],
    "log_softmax": [Case(lambda a: ag.log_softmax(a, 1), lambda a: np.log(_softmax(a, 1)),
                         ((3, 4),))],
    # a float32 round trip: exact on these inputs, and linear, so a large step is exact too
    "to": [Case(lambda a: a.to(ag.float32).to(a.dtype) * 2, lambda a: a * 2, ((3,),),
                make=lambda rng: (np.array([0.5, -1.25, 2.0]),), eps=0.25)],
    "clone": [Case(ag.clone, np.copy, ((2, 3),))],
}


# -- nn: layers and losses (NumPy references written out plainly) -----------------------------
F = ag.nn.functional


def _np_conv2d(x, w, b=None, stride=1, padding=0):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out if b is None else out + b[None, :, None, None]


def _np_pool(x, k, s, reduce):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = reduce(x[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return out


def _np_pool_ceil(x, k, s, p, reduce, fill):
    """Pooling with ceil_mode written out: PyTorch's output length, and a last window cut
    off where it reaches past the padding."""
    n, c, h, w = x.shape

    def size(d):
        o = (d + 2 * p - k + s - 1) // s + 1
        return o - 1 if (o - 1) * s >= d + p else o

    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    out = np.zeros((n, c, size(h), size(w)))
    for i in range(size(h)):
        for j in range(size(w)):
            out[:, :, i, j] = reduce(xp[:, :, i * s:min(i * s + k, h + 2 * p),
                                        j * s:min(j * s + k, w + 2 * p)], axis=(2, 3))
    return out


def _np_unfold(x, k):
    n, c, h, w = x.shape
    cols = [x[:, :, i:i + h - k + 1, j:j + w - k + 1] for i in range(k) for j in range(k)]
    return np.stack(cols, 2).reshape(n, c * k * k, -1)


def _np_log_softmax(x, axis=1):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


_TARGET = np.array([2, 0, 1, 2])
_T = lambda: ag.tensor(_TARGET)  # noqa: E731
_GELU = np.vectorize(lambda v: 0.5 * v * (1 + __import__("math").erf(v / np.sqrt(2))))

SPECS.update({
    "erf": [Case(ag.erf, np.vectorize(__import__("math").erf), ((3, 4),))],
    "pad": [Case(lambda a: F.pad(a, (1, 2, 0, 1)), lambda a: np.pad(a, ((0, 1), (1, 2))),
                 ((2, 3),)),
            Case(lambda a: F.pad(a, (1, 1), value=0.5), lambda a: np.pad(
                a, ((0, 0), (1, 1)), constant_values=0.5), ((2, 2),)),
            Case(lambda a: F.pad(a, (-1, 2, 1, -1)),  # negative amounts crop
                 lambda a: np.pad(a[:, :-1, 1:], ((0, 0), (1, 0), (0, 2))), ((2, 3, 4),)),
            Case(lambda a: F.pad(a, (2, 1, 1, 2), mode="reflect"),
                 lambda a: np.pad(a, ((0, 0), (0, 0), (1, 2), (2, 1)), mode="reflect"),
                 ((2, 2, 3, 4),)),
            Case(lambda a: F.pad(a, (3, 1), mode="replicate"),
                 lambda a: np.pad(a, ((0, 0), (3, 1)), mode="edge"), ((3, 2),)),
            Case(lambda a: F.pad(a, (3, 1, 0, 2), mode="circular"),
                 lambda a: np.pad(a, ((0, 0), (0, 2), (3, 1)), mode="wrap"), ((2, 3, 3),)),
            Case(lambda a: F.pad(a, (1, 1, 1, 1, 1, 1), mode="replicate"),
                 lambda a: np.pad(a, ((0, 0), (1, 1), (1, 1), (1, 1)), mode="edge"),
                 ((1, 2, 2, 2),))],
    "unfold": [Case(lambda a: F.unfold(a, 2), lambda a: _np_unfold(a, 2), ((2, 2, 3, 3),))],
    "fold": [Case(lambda a: F.fold(a, (3, 3), 2), None, ((1, 8, 4),), second=True)],
    "linear": [Case(F.linear, lambda x, w, b: x @ w.T + b, ((4, 3), (2, 3), (2,))),
               Case(lambda x, w: F.linear(x, w), lambda x, w: x @ w.T, ((2, 5, 3), (4, 3)))],
    "conv2d": [Case(F.conv2d, _np_conv2d, ((2, 2, 5, 5), (3, 2, 3, 3), (3,))),
               Case(lambda x, w: F.conv2d(x, w, stride=2, padding=1),
                    lambda x, w: _np_conv2d(x, w, stride=2, padding=1),
                    ((1, 1, 5, 4), (2, 1, 2, 2)))],
    "max_pool2d": [Case(lambda x: F.max_pool2d(x, 2), lambda x: _np_pool(x, 2, 2, np.max),
                        ((2, 2, 4, 4),), make=lambda rng: (_away_from_ties(rng, (2, 2, 4, 4)),)),
                   Case(lambda x: F.max_pool2d(x, 3, 1), lambda x: _np_pool(x, 3, 1, np.max),
                        ((1, 1, 4, 5),), make=lambda rng: (_away_from_ties(rng, (1, 1, 4, 5)),))],
    "avg_pool2d": [Case(lambda x: F.avg_pool2d(x, 2), lambda x: _np_pool(x, 2, 2, np.mean),
                        ((2, 3, 4, 4),)),
                   Case(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True),
                        lambda x: _np_pool_ceil(x, 3, 2, 1, np.mean, 0.0), ((2, 1, 6, 5),)),
                   Case(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                               count_include_pad=False),
                        lambda x: _np_pool_ceil(x, 3, 2, 1, np.nanmean, np.nan),
                        ((1, 2, 6, 6),))],
    "leaky_relu": [Case(lambda x: F.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x),
                        ((3, 4),), make=lambda rng: (
                            rng.uniform(0.2, 2, (3, 4)) * rng.choice([-1, 1], (3, 4)),))],
    "gelu": [Case(F.gelu, _GELU, ((3, 4),)),
             Case(lambda x: F.gelu(x, approximate="tanh"), lambda x: 0.5 * x * (1 + np.tanh(
                 np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), ((5,),))],
    "silu": [Case(F.silu, lambda x: x / (1 + np.exp(-x)), ((3, 4),))],
    "dropout": [Case(lambda x: F.dropout(x, 0.3, training=False), lambda x: x, ((3, 4),)),
                Case(lambda x: F.dropout(x, 0.0), lambda x: x, ((4,),))],
    "batch_norm": [Case(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                        lambda x, w, b: (x - x.mean((0, 2, 3), keepdims=True)) / np.sqrt(
                            x.var((0, 2, 3), keepdims=True) + 1e-5) * w[None, :, None, None]
                        + b[None, :, None, None], ((3, 2, 2, 2), (2,), (2,)))],
    "layer_norm": [Case(lambda x, w, b: F.layer_norm(x, (4,), w, b), lambda x, w, b: (
        x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * w + b,
        ((3, 4), (4,), (4,)))],
    "embedding": [Case(lambda w: F.embedding(ag.tensor([[0, 2], [2, 3]], device=w.device), w),
                       lambda w: w[np.array([[0, 2], [2, 3]])], ((4, 3),))],
    "nll_loss": [Case(lambda x: F.nll_loss(x, _T().to(x.device)),
                      lambda x: -x[np.arange(4), _TARGET].mean(), ((4, 3),))],
    "cross_entropy": [
        Case(lambda x: F.cross_entropy(x, _T().to(x.device)),
             lambda x: -_np_log_softmax(x)[np.arange(4), _TARGET].mean(), ((4, 3),)),
        Case(lambda x: F.cross_entropy(x, _T().to(x.device), reduction="sum",
                                       label_smoothing=0.2),
             lambda x: (0.8 * -_np_log_softmax(x)[np.arange(4), _TARGET]
                        + 0.2 * -_np_log_softmax(x).mean(1)).sum(), ((4, 3),)),
        Case(lambda x: F.cross_entropy(x, ag.tensor([2, -100, 1, 2], device=x.device),
                                       reduction="none"),
             lambda x: np.where([True, False, True, True], -_np_log_softmax(x)[
                 np.arange(4), [2, 0, 1, 2]], 0.0), ((4, 3),))],
    "mse_loss": [Case(F.mse_loss, lambda a, b: ((a - b) ** 2).mean(), ((3, 4), (3, 4)))],
    "l1_loss": [Case(lambda a, b: F.l1_loss(a, b, reduction="sum"),
                     lambda a, b: np.abs(a - b).sum(), ((3, 4), (3, 4)),
                     make=lambda rng: (rng.uniform(-1, 1, (3, 4)), rng.uniform(2, 3, (3, 4))))],
    "binary_cross_entropy": [Case(F.binary_cross_entropy, lambda p, t: -(
        t * np.log(p) + (1 - t) * np.log(1 - p)).mean(), ((5,), (5,)), make=lambda rng: (
        rng.uniform(0.1, 0.9, 5), rng.uniform(0, 1, 5)))],
    "binary_cross_entropy_with_logits": [Case(
        F.binary_cross_entropy_with_logits, lambda x, t: (
            -(t * np.log(1 / (1 + np.exp(-x))) + (1 - t) * np.log(1 - 1 / (1 + np.exp(-x))))
        ).mean(), ((5,), (5,)), make=lambda rng: (rng.uniform(-3, 3, 5), rng.uniform(0, 1, 5)))],
})

SPECS["unfold"].append(Case(lambda a: F.unfold(a, 2, padding=1, batch_last=True),
                            lambda a: _np_unfold(np.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1))), 2)
                            .transpose(1, 2, 0).reshape(2 * 4, -1), ((2, 2, 2, 3),)))
SPECS["fold"].append(Case(lambda a: F.fold(a, (3, 3), 2, batch_last=True, n=2), None,
                          ((8, 8),)))

SPECS["max_pool2d"].append(Case(lambda x: F.max_pool2d(x, 3, 2, padding=1),
                                lambda x: _np_pool(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)),
                                                          constant_values=-np.inf), 3, 2, np.max),
                                ((1, 2, 5, 5),),
                                make=lambda rng: (_away_from_ties(rng, (1, 2, 5, 5)),)))
# pools of a convolution's output, whose memory is laid out (C, H, W, N): the pool's forward
# and backward keep that layout, and a gradient arriving in another layout (from flatten and
# linear) is handled too
SPECS["max_pool2d"] += [
    Case(lambda x, w: F.max_pool2d(F.conv2d(x, w, padding=1), 2),
         lambda x, w: _np_pool(_np_conv2d(x, w, padding=1), 2, 2, np.max),
         ((3, 2, 4, 4), (3, 2, 3, 3))),
    Case(lambda x, w: F.max_pool2d(F.conv2d(x, w, padding=1), 3, 2, padding=1),
         lambda x, w: _np_pool(np.pad(_np_conv2d(x, w, padding=1),
                                      ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf),
                               3, 2, np.max), ((2, 2, 5, 5), (3, 2, 3, 3))),
    Case(lambda x, w, v: F.linear(F.max_pool2d(F.conv2d(x, w, padding=1), 2).flatten(1), v),
         lambda x, w, v: _np_pool(_np_conv2d(x, w, padding=1), 2, 2, np.max).reshape(3, -1)
         @ v.T, ((3, 2, 4, 4), (3, 2, 3, 3), (2, 12))),
]
SPECS["max_pool2d"] += [
    Case(lambda x: F.max_pool2d(x, 2, ceil_mode=True),
         lambda x: _np_pool_ceil(x, 2, 2, 0, np.max, -np.inf), ((1, 2, 5, 5),),
         make=lambda rng: (_away_from_ties(rng, (1, 2, 5, 5)),)),
    Case(lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
         lambda x: _np_pool_ceil(x, 3, 2, 1, np.max, -np.inf), ((2, 1, 6, 7),),
         make=lambda rng: (_away_from_ties(rng, (2, 1, 6, 7)),)),
]
SPECS["max_pool2d_op"] = [Case(lambda x: ag.ops.nn_ops.max_pool2d_op(x, 2, 1, 0, 1),
                               lambda x: _np_pool(x, 2, 1, np.max), ((2, 1, 3, 4),),
                               make=lambda rng: (_away_from_ties(rng, (2, 1, 3, 4)),))]

SPECS.update({
    "rsqrt": [Case(ag.rsqrt, lambda a: 1 / np.sqrt(a), ((3,),), make=_pos((3,)))],
    "tan": [Case(ag.tan, np.tan, ((3, 4),), low=-1.2, high=1.2)],
    "sinh": [Case(ag.sinh, np.sinh, ((3, 4),))],
    "cosh": [Case(lambda a: a.cosh(), np.cosh, ((3, 4),))],
    "asin": [Case(ag.asin, np.arcsin, ((3, 4),), low=-0.9, high=0.9)],
    "acos": [Case(lambda a: a.arccos(), np.arccos, ((3, 4),), low=-0.9, high=0.9)],
    "atan": [Case(ag.arctan, np.arctan, ((3, 4),), low=-3, high=3)],
    "asinh": [Case(ag.asinh, np.arcsinh, ((3, 4),), low=-3, high=3)],
    "acosh": [Case(ag.acosh, np.arccosh, ((3, 4),), make=_pos((3, 4), 1.2, 3.0))],
    "atanh": [Case(ag.atanh, np.arctanh, ((3, 4),), low=-0.9, high=0.9)],
    "log2": [Case(ag.log2, np.log2, ((3, 4),), make=_pos((3, 4)))],
    "log10": [Case(lambda a: a.log10(), np.log10, ((3, 4),), make=_pos((3, 4)))],
    # piecewise constant: zero gradients, checked away from the jumps
    "floor": [Case(ag.floor, np.floor, ((6,),), make=_off_integers)],
    "ceil": [Case(lambda a: a.ceil(), np.ceil, ((6,),), make=_off_integers)],
    "trunc": [Case(ag.trunc, np.trunc, ((6,),), make=_off_integers)],
    "round": [Case(ag.round, np.round, ((6,),), make=_off_integers),
              Case(lambda a: ag.round(a, decimals=1), lambda a: np.round(a, 1), ((6,),),
                   make=_off_integers)],
    "frac": [Case(ag.frac, lambda a: a - np.trunc(a), ((6,),), make=_off_integers)],
    "expm1": [Case(ag.expm1, np.expm1, ((2, 3),))],
    "repeat": [Case(lambda a: a.repeat(2, 3), lambda a: np.tile(a, (2, 3)), ((2, 2),)),
               Case(lambda a: a.repeat(2, 1, 2), lambda a: np.tile(a, (2, 1, 2)), ((3,),))],
    "flip": [Case(lambda a: a.flip(0), lambda a: a[::-1], ((3, 2),)),
             Case(lambda a: ag.flip(a, (0, 1)), lambda a: a[::-1, ::-1], ((2, 3),))],
    "cumsum": [Case(lambda a: a.cumsum(1), lambda a: np.cumsum(a, 1), ((2, 4),))],
    "triu": [Case(lambda a: a.triu(1), lambda a: np.triu(a, 1), ((3, 4),))],
    "tril": [Case(lambda a: ag.tril(a), np.tril, ((3, 3),))],
    "outer": [Case(ag.outer, np.outer, ((3,), (2,)))],
    "norm": [Case(lambda a: a.norm(), np.linalg.norm, ((3, 4),)),
             Case(lambda a: a.norm(dim=1, keepdim=True),
                  lambda a: np.linalg.norm(a, axis=1, keepdims=True), ((3, 4),)),
             Case(lambda a: a.norm(p=1), lambda a: np.abs(a).sum(), ((5,),), make=lambda rng: (
                 rng.uniform(0.2, 2, 5) * rng.choice([-1, 1], 5),))],
})


# -- composites (ops/composite.py): their derivatives come from the ops they are built of ----
def _np_diag_embed(v, k):
    n = len(v) + abs(k)
    out = np.zeros((n, n))
    out[np.arange(len(v)) + max(-k, 0), np.arange(len(v)) + max(k, 0)] = v
    return out


def _np_lerp(a, b, w):
    return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


SPECS.update({
    "clip": [Case(lambda a: ag.clip(a, -0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7), ((6,),),
                  make=lambda rng: (np.array([-1.2, -0.6, -0.2, 0.3, 0.69, 1.1]),))],
    "atan2": [Case(ag.atan2, np.arctan2, ((3, 4), (3, 4))),
              Case(lambda a, b: a.arctan2(b), np.arctan2, ((3, 1), (4,)))],
    "logsumexp": [Case(lambda a: ag.logsumexp(a, 1), lambda a: np.log(np.exp(a).sum(1)),
                       ((3, 4),)),
                  Case(lambda a: a.logsumexp((0, 1), keepdim=True),
                       lambda a: np.log(np.exp(a).sum(keepdims=True)), ((3, 4),))],
    "lerp": [Case(lambda a, b: ag.lerp(a, b, 0.3), lambda a, b: a + 0.3 * (b - a),
                  ((3, 4), (3, 4))),
             Case(lambda a, b: a.lerp(b, 0.8), lambda a, b: b - (b - a) * 0.2, ((4,), (4,))),
             Case(ag.lerp, _np_lerp, ((3, 4), (3, 4), (3, 4)), low=-0.9, high=0.9)],
    "addmm": [Case(lambda c, a, b: ag.addmm(c, a, b, beta=0.5, alpha=2),
                   lambda c, a, b: 0.5 * c + 2 * a @ b, ((3, 5), (3, 4), (4, 5))),
              Case(lambda c, a, b: c.addmm(a, b, beta=0), lambda c, a, b: a @ b,
                   ((1, 5), (3, 4), (4, 5)))],
    "addmv": [Case(ag.addmv, lambda c, a, b: c + a @ b, ((3,), (3, 4), (4,)))],
    "baddbmm": [Case(lambda c, a, b: ag.baddbmm(c, a, b, alpha=0.5),
                     lambda c, a, b: c + 0.5 * a @ b, ((2, 3, 5), (2, 3, 4), (2, 4, 5)))],
    "index_select": [Case(lambda a: ag.index_select(a, 1, ag.tensor([0, 3, 3], device=a.device)),
                          lambda a: a[:, [0, 3, 3]], ((3, 4),))],
    "narrow": [Case(lambda a: a.narrow(1, -3, 2), lambda a: a[:, 1:3], ((3, 4),))],
    "select": [Case(lambda a: ag.select(a, 0, -1), lambda a: a[-1], ((3, 4),))],
    "movedim": [Case(lambda a: ag.movedim(a, (0, 1), (2, 0)),
                     lambda a: np.moveaxis(a, (0, 1), (2, 0)), ((2, 3, 4),))],
    "swapaxes": [Case(lambda a: a.swapdims(0, 2), lambda a: np.swapaxes(a, 0, 2), ((2, 3, 4),))],
    "hstack": [Case(lambda a, b: ag.hstack([a, b]), lambda a, b: np.hstack([a, b]),
                    ((3, 2), (3, 4)))],
    "vstack": [Case(lambda a, b: ag.vstack([a, b]), lambda a, b: np.vstack([a, b]),
                    ((3,), (2, 3)))],
    "row_stack": [Case(lambda a, b: ag.row_stack([a, b]), lambda a, b: np.vstack([a, b]),
                       ((3,), (2, 3)))],
    "dstack": [Case(lambda a, b: ag.dstack([a, b]), lambda a, b: np.dstack([a, b]),
                    ((3, 2), (3, 2)))],
    "column_stack": [Case(lambda a, b: ag.column_stack([a, b]),
                          lambda a, b: np.column_stack([a, b]), ((3,), (3, 2)))],
    "tile": [Case(lambda a: a.tile((2, 1, 3)), lambda a: np.tile(a, (2, 1, 3)), ((2, 3),))],
    "roll": [Case(lambda a: ag.roll(a, (1, -2), (0, 1)), lambda a: np.roll(a, (1, -2), (0, 1)),
                  ((3, 4),)),
             Case(lambda a: a.roll(5), lambda a: np.roll(a, 5), ((3, 4),))],
    "diag": [Case(ag.diag, np.diag, ((4,),)),
             Case(lambda a: ag.diag(a, -2), lambda a: _np_diag_embed(a, -2), ((3,),)),
             Case(lambda a: a.diag(1), lambda a: np.diag(a, 1), ((3, 4),))],
    "diagonal": [Case(lambda a: a.diagonal(1, 1, 2),
                      lambda a: np.diagonal(a, 1, 1, 2), ((2, 3, 4),))],
    "trace": [Case(ag.trace, np.trace, ((3, 4),))],
    # overlapping windows (their gradients add up) and a storage offset
    "as_strided_scatter": [Case(lambda a, b: ag.as_strided_scatter(a, b, (2,), (4,)),
                                lambda a, b: _put_flat(a, [0, 4], b), ((3, 3), (2,))),
                           Case(lambda a, b: a.as_strided_scatter(b, (2, 2), (3, 1), 1),
                                lambda a, b: _put_flat(a, [1, 2, 4, 5], b.reshape(-1)),
                                ((2, 3), (2, 2)))],
    "as_strided": [Case(lambda a: a.as_strided((3, 2), (2, 3), 1),
                        lambda a: np.lib.stride_tricks.as_strided(
                            a.reshape(-1)[1:], (3, 2), (2 * a.itemsize, 3 * a.itemsize)).copy(),
                        ((3, 4),)),
                   Case(lambda a: a.as_strided((2, 2), (1, 1)),
                        lambda a: np.lib.stride_tricks.as_strided(
                            a.reshape(-1), (2, 2), (a.itemsize, a.itemsize)).copy(), ((4,),))],
    "diagonal_transposed": [Case(lambda a: a.t().diagonal(-1),
                                 lambda a: np.diagonal(a.T, -1), ((3, 4),))],
    "take_along_dim": [Case(lambda a: ag.take_along_dim(a, ag.tensor([[2], [0], [1]],
                                                                     device=a.device), 1),
                            lambda a: np.take_along_axis(a, np.array([[2], [0], [1]]), 1),
                            ((3, 4),))],
    "repeat_interleave": [Case(lambda a: a.repeat_interleave(2, 0),
                               lambda a: np.repeat(a, 2, 0), ((3, 2),)),
                          Case(lambda a: ag.repeat_interleave(a, ag.tensor([1, 0, 3]), 0),
                               lambda a: np.repeat(a, [1, 0, 3], 0), ((3, 2),))],
    "nan_to_num": [Case(lambda a: ag.nan_to_num(a / (a > -5)), lambda a: a, ((3, 4),))],
    "std_mean": [Case(lambda a: ag.std_mean(a, 1)[0] * 3 + ag.std_mean(a, 1)[1],
                      lambda a: a.std(1, ddof=1) * 3 + a.mean(1), ((3, 4),))],
    "var_mean": [Case(lambda a: sum(ag.var_mean(a, correction=0)),
                      lambda a: a.var() + a.mean(), ((3, 4),))],
    "dist": [Case(ag.dist, lambda a, b: np.linalg.norm(a - b), ((3, 4), (3, 4)))],
})


# -- the rest of nn.functional (nn/_functional_extra.py) -------------------------------------
def _away(rng, shape, points, gap=0.05, low=-4, high=4):
    """Uniform values kept `gap` away from the kinks at `points`."""
    x = rng.uniform(low, high, shape)
    for p in points:
        near = np.abs(x - p) < gap
        x[near] = p + np.sign(x[near] - p + 1e-12) * gap * 2
    return x


def _softplus_np(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta)


def _np_adaptive_avg(x, oh, ow):
    h, w = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            a, b = i * h // oh, -(-(i + 1) * h // oh)
            c, d = j * w // ow, -(-(j + 1) * w // ow)
            out[..., i, j] = x[..., a:b, c:d].mean((-2, -1))
    return out


def _np_conv1d(x, w):
    return _np_conv2d(x[:, :, None], w[:, :, None])[:, :, 0]


def _np_group_norm(x, g, eps=1e-5):
    n = x.shape[0]
    y = x.reshape(n, g, -1)
    out = (y - y.mean(-1, keepdims=True)) / np.sqrt(y.var(-1, keepdims=True) + eps)
    return out.reshape(x.shape)


def _kinks(points, shape=(3, 4)):
    return lambda rng: (_away(rng, shape, points),)


SPECS.update({
    "hardtanh": [Case(F.hardtanh, lambda x: np.clip(x, -1, 1), ((3, 4),), make=_kinks((-1, 1)))],
    "relu6": [Case(F.relu6, lambda x: np.clip(x, 0, 6), ((3, 4),),
                   make=lambda rng: (_away(rng, (3, 4), (0, 6), low=-2, high=8),))],
    "elu": [Case(lambda x: F.elu(x, 0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
                 ((3, 4),), make=_kinks((0,)))],
    "selu": [Case(F.selu, lambda x: 1.0507009873554805 * np.where(
        x > 0, x, 1.6732632423543772 * np.expm1(x)), ((3, 4),), make=_kinks((0,)))],
    "celu": [Case(lambda x: F.celu(x, 2.0), lambda x: np.where(x > 0, x, 2 * np.expm1(x / 2)),
                  ((3, 4),), make=_kinks((0,)))],
    "softplus": [Case(F.softplus, _softplus_np, ((3, 4),)),
                 Case(lambda x: F.softplus(x, 2, 3), lambda x: _softplus_np(x, 2, 3), ((3, 4),),
                      make=_kinks((1.5,)))],
    "mish": [Case(F.mish, lambda x: x * np.tanh(_softplus_np(x)), ((3, 4),))],
    "hardsigmoid": [Case(F.hardsigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1), ((3, 4),),
                         make=_kinks((-3, 3)), second=False)],  # (none in PyTorch either)
    "hardswish": [Case(F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, ((3, 4),),
                       make=_kinks((-3, 3)))],
    "logsigmoid": [Case(F.logsigmoid, lambda x: -np.log1p(np.exp(-x)), ((3, 4),))],
    "softsign": [Case(F.softsign, lambda x: x / (1 + np.abs(x)), ((3, 4),), make=_kinks((0,)))],
    "softmin": [Case(lambda x: F.softmin(x, 1), lambda x: _softmax(-x, 1), ((3, 4),))],
    "threshold": [Case(lambda x: F.threshold(x, 0.5, -2.0), lambda x: np.where(x > 0.5, x, -2.0),
                       ((3, 4),), make=_kinks((0.5,)))],
    "glu": [Case(lambda x: F.glu(x, 1), lambda x: x[:, :2] * _sig(x[:, 2:]), ((3, 4),))],
    "tanhshrink": [Case(F.tanhshrink, lambda x: x - np.tanh(x), ((3, 4),))],
    "softshrink": [Case(F.softshrink, lambda x: np.where(x > 0.5, x - 0.5, np.where(
        x < -0.5, x + 0.5, 0.0)), ((3, 4),), make=_kinks((-0.5, 0.5)))],
    "hardshrink": [Case(F.hardshrink, lambda x: np.where(np.abs(x) > 0.5, x, 0.0), ((3, 4),),
                        make=_kinks((-0.5, 0.5)))],
    "smooth_l1_loss": [Case(lambda a, b: F.smooth_l1_loss(a, b, beta=0.5),
                            lambda a, b: np.where(np.abs(a - b) < 0.5, (a - b) ** 2,
                                                  np.abs(a - b) - 0.25).mean(), ((3, 4), (3, 4)),
                            make=lambda rng: (_away(rng, (3, 4), (-0.5, 0, 0.5)),
                                              np.zeros((3, 4))))],
    "huber_loss": [Case(lambda a, b: F.huber_loss(a, b, reduction="sum", delta=2.0),
                        lambda a, b: np.where(np.abs(a - b) < 2, 0.5 * (a - b) ** 2,
                                              2 * (np.abs(a - b) - 1)).sum(), ((3, 4), (3, 4)),
                        make=lambda rng: (_away(rng, (3, 4), (-2, 0, 2)), np.zeros((3, 4))))],
    "kl_div": [Case(lambda a, b: F.kl_div(a, b, reduction="batchmean"),
                    lambda a, b: (b * (np.log(b) - a)).sum() / 3, ((3, 4), (3, 4)),
                    make=lambda rng: (rng.uniform(-3, 0, (3, 4)), rng.uniform(0.1, 1, (3, 4)))),
               Case(lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True),
                    lambda a, b: (np.exp(b) * (b - a)).sum(), ((3, 4), (3, 4)))],
    "margin_ranking_loss": [Case(
        lambda a, b: F.margin_ranking_loss(a, b, ag.tensor([1.0, -1, 1, -1], device=a.device),
                                           0.1),
        lambda a, b: np.maximum(-np.array([1.0, -1, 1, -1]) * (a - b) + 0.1, 0).mean(),
        ((4,), (4,)), make=lambda rng: (np.array([0.5, 0.3, -1.0, 2.0]),
                                        np.array([0.1, 0.9, 0.2, -0.5])))],
    "soft_margin_loss": [Case(
        lambda a: F.soft_margin_loss(a, ag.tensor([1.0, -1, 1, -1], device=a.device)),
        lambda a: np.log1p(np.exp(-np.array([1.0, -1, 1, -1]) * a)).mean(), ((4,),))],
    "normalize": [Case(F.normalize, lambda x: x / np.linalg.norm(x, axis=1, keepdims=True),
                       ((3, 4),))],
    "cosine_similarity": [Case(F.cosine_similarity, lambda a, b: (a * b).sum(1) / (
        np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)), ((3, 4), (3, 4)))],
    "pairwise_distance": [Case(F.pairwise_distance, lambda a, b: np.linalg.norm(
        a - b + 1e-6, axis=-1), ((3, 4), (3, 4)))],
    "adaptive_avg_pool2d": [Case(lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
                                 lambda x: _np_adaptive_avg(x, 3, 2), ((2, 2, 7, 5),)),
                            Case(lambda x: F.adaptive_avg_pool2d(x, 1),
                                 lambda x: x.mean((-2, -1), keepdims=True), ((2, 3, 4, 4),))],
    "adaptive_max_pool2d": [Case(lambda x: F.adaptive_max_pool2d(x, (3, 2)),
                                 lambda x: np.stack([np.stack([x[..., i * 5 // 3:-(-(i + 1) * 5 // 3),
                                                                 j * 4 // 2:(j + 1) * 4 // 2]
                                                               .max((-2, -1)) for j in range(2)],
                                                              -1) for i in range(3)], -2),
                                 ((1, 2, 5, 4),),
                                 make=lambda rng: (_away_from_ties(rng, (1, 2, 5, 4)),))],
    "conv1d": [Case(F.conv1d, _np_conv1d, ((2, 3, 7), (4, 3, 3)))],
    "max_pool1d": [Case(lambda x: F.max_pool1d(x, 2), lambda x: x.reshape(2, 3, 3, 2).max(-1),
                        ((2, 3, 6),), make=lambda rng: (_away_from_ties(rng, (2, 3, 6)),))],
    "avg_pool1d": [Case(lambda x: F.avg_pool1d(x, 3), lambda x: x.reshape(2, 3, 2, 3).mean(-1),
                        ((2, 3, 6),))],
    "dropout1d": [Case(lambda x: F.dropout1d(x, 0.5, training=False), lambda x: x, ((2, 3, 4),))],
    "dropout2d": [Case(lambda x: F.dropout2d(x, 0.0), lambda x: x, ((2, 3, 2, 2),))],
    "dropout3d": [Case(lambda x: F.dropout3d(x, 0.0), lambda x: x, ((2, 3, 2, 2, 2),))],
    "group_norm": [Case(lambda x: F.group_norm(x, 2), lambda x: _np_group_norm(x, 2),
                        ((2, 4, 3),))],
    "interpolate": [Case(lambda x: F.interpolate(x, scale_factor=2),
                         lambda x: x.repeat(2, -1).repeat(2, -2), ((1, 2, 2, 3),))],
    "pixel_shuffle": [Case(lambda x: F.pixel_shuffle(x, 2), lambda x: x.reshape(
        1, 2, 2, 2, 3).transpose(0, 3, 1, 4, 2).reshape(1, 4, 6), ((4, 2, 3),))],
    "pixel_unshuffle": [Case(lambda x: F.pixel_unshuffle(x, 2), lambda x: x.reshape(
        1, 2, 2, 3, 2).transpose(0, 2, 4, 1, 3).reshape(4, 2, 3), ((1, 4, 6),))],
})

SPECS["einsum"] = [
    Case(lambda a, b: ag.einsum("bij,bjk->bik", a, b),
         lambda a, b: np.einsum("bij,bjk->bik", a, b), ((2, 3, 4), (2, 4, 5))),
    Case(lambda a, b: ag.einsum("ij,ij", [a, b]), lambda a, b: np.einsum("ij,ij", a, b),
         ((3, 4), (3, 4))),
    Case(lambda a: ag.einsum("iij->ji", a), lambda a: np.einsum("iij->ji", a), ((3, 3, 2),)),
    Case(lambda a, b: ag.einsum("...ij,j->...", a, b), lambda a, b: np.einsum(
        "...ij,j->...", a, b), ((2, 3, 4), (4,))),
    Case(lambda a, b, c: ag.einsum("i,j,k->ijk", a, b, c),
         lambda a, b, c: np.einsum("i,j,k->ijk", a, b, c), ((2,), (3,), (2,))),
]

SPECS["cumprod"] = [
    Case(lambda a: a.cumprod(1), lambda a: np.cumprod(a, 1), ((3, 4),)),
    # a polynomial, so finite differences hold at exact zeros too (one, and two, per row),
    # to second order as well (the create_graph gradient is polynomial: no masks)
    Case(lambda a: ag.cumprod(a, 1), lambda a: np.cumprod(a, 1), ((3, 5),),
         make=lambda rng: (rng.uniform(0.5, 1.5, (3, 5)) * np.array(
             [[1, 1, 0, 1, 1], [0, 1, 1, 0, 1], [1, 1, 1, 1, 0]]),)),
]


def _np_scatter(x, s, idx, add=False):
    out = x.copy()
    for i in range(idx.shape[0]):
        for j in range(idx.shape[1]):
            if add:
                out[i, idx[i, j]] += s[i, j]
            else:
                out[i, idx[i, j]] = s[i, j]
    return out


_IDX = np.array([[0, 2], [4, 3], [1, 0]])
_IDX_DUP = np.array([[0, 2, 0], [4, 4, 4], [1, 0, 1]])


def _np_index_add(x, s, idx, dim):
    out = x.copy()
    for k, i in enumerate(idx):
        if dim == 0:
            out[i] += s[k]
        else:
            out[:, i] += s[:, k]
    return out


SPECS.update({
    "scatter": [Case(lambda x, s: x.scatter(1, ag.tensor(_IDX, device=x.device), s),
                     lambda x, s: _np_scatter(x, s, _IDX), ((3, 5), (3, 2))),
                Case(lambda x: ag.scatter(x, 1, ag.tensor(_IDX, device=x.device), value=2.5),
                     lambda x: _np_scatter(x, np.full((3, 2), 2.5), _IDX), ((3, 5),))],
    "scatter_add": [Case(lambda x, s: x.scatter_add(1, ag.tensor(_IDX_DUP, device=x.device), s),
                         lambda x, s: _np_scatter(x, s, _IDX_DUP, add=True), ((3, 5), (3, 4)))],
    "index_add": [Case(lambda x, s: x.index_add(1, ag.tensor([1, 1, 3], device=x.device), s,
                                                alpha=0.5),
                       lambda x, s: _np_index_add(x, 0.5 * s, [1, 1, 3], 1), ((3, 5), (3, 3)))],
    "index_copy": [Case(lambda x, s: x.index_copy(0, ag.tensor([2, 0], device=x.device), s),
                        lambda x, s: np.stack([s[1], x[1], s[0]]), ((3, 4), (2, 4)))],
    "index_fill": [Case(lambda x: x.index_fill(1, ag.tensor([0, 3], device=x.device), -1.0),
                        lambda x: np.where(np.isin(np.arange(4), [0, 3]), -1.0, x), ((3, 4),))],
})

SPECS["remainder"] = [Case(lambda a, b: a % b, np.mod, ((3, 4), (3, 4)),
                           make=lambda rng: (rng.uniform(-5, 5, (3, 4)) + 0.013,
                                             rng.uniform(0.7, 1.9, (3, 4)) * rng.choice(
                                                 [-1, 1], (3, 4)))),
                      Case(lambda a: ag.remainder(a, 1.5), lambda a: np.mod(a, 1.5), ((5,),),
                           make=lambda rng: (np.array([-2.9, -0.4, 0.2, 1.7, 4.1]),))]
SPECS["fmod"] = [Case(ag.fmod, np.fmod, ((3, 4), (3, 4)),
                      make=lambda rng: (rng.uniform(-5, 5, (3, 4)) + 0.013,
                                        rng.uniform(0.7, 1.9, (3, 4)) * rng.choice([-1, 1],
                                                                                   (3, 4)))),
                 Case(lambda a: a.fmod(-1.5), lambda a: np.fmod(a, -1.5), ((5,),),
                      make=lambda rng: (np.array([-2.9, -0.4, 0.2, 1.7, 4.1]),))]


def _np_conv_transpose2d(x, w, stride=1, padding=0):
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    full = np.zeros((n, o, (h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(h):
        for j in range(wd):
            full[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw] += np.einsum(
                "nc,cokl->nokl", x[:, :, i, j], w)
    return full[:, :, padding:full.shape[2] - padding, padding:full.shape[3] - padding]


def _np_pdist(a, b, p=2, eps=1e-6):
    return (np.abs(a - b + eps) ** p).sum(-1) ** (1 / p)


SPECS.update({
    "conv_transpose2d": [Case(F.conv_transpose2d, lambda x, w: _np_conv_transpose2d(x, w),
                              ((2, 3, 3, 4), (3, 2, 2, 3))),
                         Case(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1),
                              lambda x, w: _np_conv_transpose2d(x, w, 2, 1),
                              ((1, 2, 3, 3), (2, 2, 3, 3)))],
    "prelu": [Case(F.prelu, lambda x, a: np.where(x > 0, x, a[None, :, None] * x),
                   ((2, 3, 4), (3,)), make=lambda rng: (_away(rng, (2, 3, 4), (0,)),
                                                        rng.uniform(0.1, 0.5, 3)))],
    "rms_norm": [Case(lambda x, w: F.rms_norm(x, (4,), w, 1e-6),
                      lambda x, w: x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * w,
                      ((3, 4), (4,)))],
    "poisson_nll_loss": [Case(F.poisson_nll_loss, lambda i, t: (np.exp(i) - t * i).mean(),
                              ((3, 4), (3, 4)))],
    "gaussian_nll_loss": [Case(F.gaussian_nll_loss, lambda i, t, v: (0.5 * (
        np.log(v) + (i - t) ** 2 / v)).mean(), ((3, 4), (3, 4), (3, 4)),
        make=lambda rng: (rng.standard_normal((3, 4)), rng.standard_normal((3, 4)),
                          rng.uniform(0.5, 2, (3, 4))))],
    "hinge_embedding_loss": [Case(
        lambda i: F.hinge_embedding_loss(i, ag.tensor([[1.0, -1, 1, -1]] * 3, device=i.device)),
        lambda i: np.where(np.array([1, -1, 1, -1]) == 1, i, np.maximum(1 - i, 0)).mean(),
        ((3, 4),), make=lambda rng: (_away(rng, (3, 4), (1,)),))],
    "cosine_embedding_loss": [Case(
        lambda a, b: F.cosine_embedding_loss(a, b, ag.tensor([1.0, -1, -1], device=a.device)),
        lambda a, b: np.where(np.array([1, -1, -1]) == 1, 1 - (a * b).sum(1) / (
            np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)), np.maximum(
            (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)), 0)).mean(),
        ((3, 4), (3, 4)), make=lambda rng: (np.array([[1.0, 2, 0.5, -1], [0.3, 1, 2, 1],
                                                      [1, -2, 0.5, 1]]),
                                            np.array([[0.5, 1, 1.5, 0.2], [1, 0.4, 1, 2],
                                                      [0.9, -1, 1, 0.4]])))],
    "triplet_margin_loss": [Case(F.triplet_margin_loss, lambda a, p, n: np.maximum(
        _np_pdist(a, p) - _np_pdist(a, n) + 1, 0).mean(), ((3, 4), (3, 4), (3, 4)),
        make=lambda rng: (np.zeros((3, 4)) + [[0.1], [0.2], [0.3]], rng.uniform(0.2, 0.5, (3, 4)),
                          rng.uniform(0.3, 0.6, (3, 4))))],
    "multilabel_soft_margin_loss": [Case(
        lambda i: F.multilabel_soft_margin_loss(i, ag.tensor([[1.0, 0, 1]] * 2, device=i.device)),
        lambda i: (-(np.array([1, 0, 1]) * np.log(_sig(i)) + (1 - np.array([1, 0, 1]))
                     * np.log(_sig(-i)))).mean(-1).mean(), ((2, 3),))],
})


def _np_sdpa(q, k, v, bias=0.0):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]) + bias
    return _softmax(s, -1) @ v


SPECS["scaled_dot_product_attention"] = [
    Case(F.scaled_dot_product_attention, _np_sdpa, ((2, 3, 4), (2, 5, 4), (2, 5, 3))),
    Case(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
         lambda q, k, v: _np_sdpa(q, k, v, np.where(np.tril(np.ones((4, 4))) > 0, 0, -np.inf)),
         ((1, 4, 3), (1, 4, 3), (1, 4, 2))),
]


def _np_linear_resize(x, out, axis, align_corners):
    n_in = x.shape[axis]
    pos = np.arange(out, dtype=np.float64)
    if align_corners:
        src = pos * (n_in - 1) / (out - 1)
    else:
        src = np.maximum((pos + 0.5) * n_in / out - 0.5, 0)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    w = (src - lo).reshape([-1 if d == axis else 1 for d in range(x.ndim)])
    return np.take(x, lo, axis) * (1 - w) + np.take(x, hi, axis) * w


SPECS["interpolate"] += [
    Case(lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"),
         lambda x: _np_linear_resize(_np_linear_resize(x, 5, 2, False), 3, 3, False),
         ((1, 2, 3, 4),)),
    Case(lambda x: F.interpolate(x, size=4, mode="linear", align_corners=True),
         lambda x: _np_linear_resize(x, 4, 2, True), ((2, 1, 3),)),
]

SPECS["adaptive_avg_pool1d"] = [Case(lambda x: F.adaptive_avg_pool1d(x, 4), lambda x: np.stack(
    [x[..., i * 6 // 4:-(-(i + 1) * 6 // 4)].mean(-1) for i in range(4)], -1), ((2, 3, 6),))]
SPECS["adaptive_max_pool1d"] = [Case(lambda x: F.adaptive_max_pool1d(x, 3), lambda x: x.reshape(
    2, 3, 3, 2).max(-1), ((2, 3, 6),), make=lambda rng: (_away_from_ties(rng, (2, 3, 6)),))]


# -- ops/numeric.py and ops/arrange.py -------------------------------------------------------
def _np_erfinv(y):
    """Bisection on math.erf: independent of the library's Newton iteration."""
    lo, hi = np.full(y.shape, -6.0), np.full(y.shape, 6.0)
    erf = np.vectorize(math.erf)
    for _ in range(200):
        mid = (lo + hi) / 2
        below = erf(mid) < y
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def _np_logaddexp(a, b):
    return np.logaddexp(a, b)


def _np_quantile(x, q, axis=None, keepdims=False, method="linear"):
    return np.quantile(x, q, axis=axis, keepdims=keepdims, method=method)


def _distinct(shape, scale=0.37):
    return lambda rng: (_away_from_ties(rng, shape) * scale,)


SPECS.update({
    "logit": [Case(ag.logit, lambda a: np.log(a / (1 - a)), ((3, 4),),
                   make=_pos((3, 4), 0.1, 0.9)),
              Case(lambda a: ag.logit(a, eps=0.2), lambda a: np.log(
                  np.clip(a, 0.2, 0.8) / (1 - np.clip(a, 0.2, 0.8))), ((6,),),
                  make=lambda rng: (np.array([0.05, 0.3, 0.5, 0.7, 0.93, 0.41]),), grad=False,
                  second=False)],
    "xlogy": [Case(ag.xlogy, lambda a, b: a * np.log(b), ((3, 4), (4,)),
                   make=lambda rng: (rng.uniform(-2, 2, (3, 4)), rng.uniform(0.5, 2, (4,)))),
              Case(lambda a: ag.xlogy(a, 2.5), lambda a: a * np.log(2.5), ((5,),))],
    "hypot": [Case(ag.hypot, np.hypot, ((3, 4), (3, 4)))],
    "logaddexp": [Case(ag.logaddexp, np.logaddexp, s) for s in B[:3]],
    "logaddexp2": [Case(ag.logaddexp2, np.logaddexp2, ((3, 4), (3, 4)))],
    "logcumsumexp": [Case(lambda a: ag.logcumsumexp(a, 1),
                          lambda a: np.log(np.cumsum(np.exp(a), 1)), ((3, 4),)),
                     Case(lambda a: a.logcumsumexp(-1), lambda a: np.log(np.cumsum(np.exp(a))),
                          ((5,),), low=40.0, high=60.0)],
    "exp2": [Case(ag.exp2, np.exp2, ((3, 4),))],
    "erfc": [Case(ag.erfc, np.vectorize(math.erfc), ((3, 4),), low=-3, high=3)],
    "erfinv": [Case(ag.erfinv, _np_erfinv, ((3, 4),), low=-0.95, high=0.95)],
    "sinc": [Case(ag.sinc, np.sinc, ((3, 4),))],
    "deg2rad": [Case(ag.deg2rad, np.deg2rad, ((3,),))],
    "rad2deg": [Case(ag.rad2deg, np.rad2deg, ((3,),))],
    "copysign": [Case(ag.copysign, np.copysign, ((3, 4), (4,)))],
    "fmax": [Case(ag.fmax, np.fmax, ((3, 4), (3, 4)), make=lambda rng: (
        _away_from_ties(rng, (3, 4)), _away_from_ties(rng, (3, 4)) + 0.1))],
    "fmin": [Case(ag.fmin, np.fmin, ((2, 3), (3,)), make=lambda rng: (
        _away_from_ties(rng, (2, 3)), _away_from_ties(rng, (3,)) + 0.05))],
    "kron": [Case(ag.kron, np.kron, ((2, 3), (3, 2))), Case(ag.kron, np.kron, ((2,), (2, 3)))],
    "diag_embed": [Case(ag.diag_embed, lambda a: np.stack([np.diag(r) for r in a]), ((2, 3),)),
                   Case(lambda a: ag.diag_embed(a, -1), lambda a: np.diag(a, -1), ((3,),))],
    "diagflat": [Case(lambda a: ag.diagflat(a, 1), lambda a: np.diagflat(a, 1), ((2, 2),))],
    "diff": [Case(lambda a: ag.diff(a, 2, 1), lambda a: np.diff(a, 2, 1), ((3, 5),)),
             Case(lambda a, b: ag.diff(a, append=b), lambda a, b: np.diff(a, append=b),
                  ((4,), (2,)))],
    "take": [Case(lambda a: ag.take(a, ag.tensor([[0, -1], [5, 2]])),
                  lambda a: a.reshape(-1)[[[0, -1], [5, 2]]], ((2, 3),))],
    "tensordot": [Case(lambda a, b: ag.tensordot(a, b, 2), lambda a, b: np.tensordot(a, b, 2),
                       ((2, 3, 4), (3, 4, 2))),
                  Case(lambda a, b: ag.tensordot(a, b, ([0], [1])),
                       lambda a, b: np.tensordot(a, b, ([0], [1])), ((3, 2), (4, 3)))],
    "inner": [Case(ag.inner, np.inner, ((2, 3), (4, 3)))],
    "vdot": [Case(ag.vdot, np.vdot, ((4,), (4,)))],
    "addcmul": [Case(lambda a, b, c: ag.addcmul(a, b, c, value=0.5),
                     lambda a, b, c: a + 0.5 * b * c, ((3, 4), (4,), (3, 1)))],
    "addcdiv": [Case(lambda a, b, c: ag.addcdiv(a, b, c, value=2), lambda a, b, c: a + 2 * b / c,
                     ((3, 4), (3, 4), (4,)), make=lambda rng: (
                         rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (3, 4)),
                         rng.uniform(0.5, 2, (4,))))],
    "addr": [Case(lambda a, b, c: ag.addr(a, b, c, beta=0.5, alpha=2),
                  lambda a, b, c: 0.5 * a + 2 * np.outer(b, c), ((3, 2), (3,), (2,)))],
    "cov": [Case(ag.cov, np.cov, ((3, 5),)),
            Case(lambda a: ag.cov(a, correction=0), lambda a: np.cov(a, ddof=0), ((6,),)),
            Case(lambda a, w: ag.cov(a, aweights=w), lambda a, w: np.cov(a, aweights=w),
                 ((2, 4), (4,)), make=lambda rng: (rng.uniform(-1, 1, (2, 4)),
                                                    rng.uniform(0.5, 2, (4,))))],
    "corrcoef": [Case(ag.corrcoef, np.corrcoef, ((3, 5),))],
    "quantile": [Case(lambda a: ag.quantile(a, 0.3, 1), lambda a: _np_quantile(a, 0.3, 1),
                      ((3, 6),), make=_distinct((3, 6))),
                 Case(lambda a: ag.quantile(a, ag.tensor([0.1, 0.75], dtype=ag.float64)),
                      lambda a: _np_quantile(a, [0.1, 0.75]), ((4, 5),), make=_distinct((4, 5))),
                 Case(lambda a: ag.quantile(a, 0.5, 0, keepdim=True, interpolation="midpoint"),
                      lambda a: _np_quantile(a, 0.5, 0, True, "midpoint"), ((4, 3),),
                      make=_distinct((4, 3)))],
    "nanquantile": [Case(lambda a: ag.nanquantile(a, 0.4, 1),
                         lambda a: np.nanquantile(a, 0.4, 1), ((3, 5),),
                         make=lambda rng: (np.where(np.eye(3, 5) > 0, np.nan,
                                                    _away_from_ties(rng, (3, 5))),))],
    "trapezoid": [Case(ag.trapezoid, np.trapezoid, ((3, 5),)),
                  Case(lambda y, x: ag.trapezoid(y, x), lambda y, x: np.trapezoid(y, x),
                       ((2, 4), (4,)))],
    "cumulative_trapezoid": [Case(lambda y: ag.cumulative_trapezoid(y, dx=0.5),
                                  lambda y: np.cumsum((y[..., 1:] + y[..., :-1]) / 2 * 0.5, -1),
                                  ((2, 5),))],
})


# -- ops/placement.py --------------------------------------------------------------------------
_SR_IDX = np.array([[0, 2, 0], [1, 1, 3]])


def _put_flat(a, places, values):
    out = a.copy()
    out.reshape(-1)[places] = values
    return out


def _np_scatter_reduce(x, s, reduce, include_self=True):
    out = x.copy()
    hit = np.zeros(x.shape, bool)
    rows, cols = np.indices(_SR_IDX.shape)
    hit[rows, _SR_IDX] = True
    if not include_self:
        out[hit] = {"sum": 0, "amax": -np.inf, "amin": np.inf, "mean": 0}[reduce]
    if reduce in ("sum", "mean"):
        np.add.at(out, (rows, _SR_IDX), s)
        if reduce == "mean":
            count = np.zeros(x.shape)
            np.add.at(count, (rows, _SR_IDX), 1)
            out = np.where(hit, out / (count + include_self), x)
    else:
        (np.maximum if reduce == "amax" else np.minimum).at(out, (rows, _SR_IDX), s)
    return out


def _distinct_pair(shape_a, shape_b):
    def make(rng):
        n = int(np.prod(shape_a)) + int(np.prod(shape_b))
        vals = rng.permutation(n) * 0.37 - n * 0.15
        return vals[:int(np.prod(shape_a))].reshape(shape_a), \
            vals[int(np.prod(shape_a)):].reshape(shape_b)
    return make


SPECS.update({
    "scatter_reduce": [
        Case(lambda a, b, r=r, inc=inc: a.scatter_reduce(
            1, ag.tensor(_SR_IDX, device=a.device), b, r, include_self=inc),
             lambda a, b, r=r, inc=inc: _np_scatter_reduce(a, b, r, inc), ((2, 4), (2, 3)),
             make=_distinct_pair((2, 4), (2, 3)))
        for r, inc in (("sum", True), ("mean", True), ("mean", False), ("amax", True),
                       ("amin", False))],
    "renorm": [Case(lambda a: ag.renorm(a, 2, 0, 1.5), lambda a: a * np.where(
        np.linalg.norm(a, axis=1, keepdims=True) > 1.5,
        1.5 / (np.linalg.norm(a, axis=1, keepdims=True) + 1e-7), 1.0), ((3, 4),))],
    "ldexp": [Case(lambda a: ag.ldexp(a, ag.tensor([2, -1, 0], device=a.device)),
                   lambda a: np.ldexp(a, [2, -1, 0]), ((2, 3),))],
    "addbmm": [Case(lambda a, b, c: ag.addbmm(a, b, c, beta=0.5, alpha=2),
                    lambda a, b, c: 0.5 * a + 2 * np.einsum("bij,bjk->ik", b, c),
                    ((2, 3), (4, 2, 5), (4, 5, 3)))],
})


def _np_bicubic(x, out_h, out_w, align_corners=False):
    """Keys' cubic convolution (A = -0.75) summed over the 4 x 4 neighbourhood directly."""
    a = -0.75

    def w(d):
        d = abs(d)
        if d <= 1:
            return ((a + 2) * d - (a + 3)) * d * d + 1
        if d < 2:
            return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
        return 0.0

    n, c, h, wd = x.shape
    out = np.zeros((n, c, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            if align_corners:
                sy = i * (h - 1) / (out_h - 1) if out_h > 1 else 0.0
                sx = j * (wd - 1) / (out_w - 1) if out_w > 1 else 0.0
            else:
                sy = (i + 0.5) * h / out_h - 0.5
                sx = (j + 0.5) * wd / out_w - 0.5
            y0, x0 = int(np.floor(sy)), int(np.floor(sx))
            for dy in range(-1, 3):
                for dx in range(-1, 3):
                    yy, xx = min(max(y0 + dy, 0), h - 1), min(max(x0 + dx, 0), wd - 1)
                    out[:, :, i, j] += w(sy - (y0 + dy)) * w(sx - (x0 + dx)) * x[:, :, yy, xx]
    return out


SPECS["interpolate"] += [
    Case(lambda x: F.interpolate(x, size=(5, 7), mode="bicubic"),
         lambda x: _np_bicubic(x, 5, 7), ((1, 2, 3, 4),)),
    Case(lambda x: F.interpolate(x, size=(2, 5), mode="bicubic", align_corners=True),
         lambda x: _np_bicubic(x, 2, 5, True), ((1, 1, 4, 3),)),
    Case(lambda x: F.interpolate(x, size=(2, 3), mode="area"),
         lambda x: x.reshape(1, 2, 2, 2, 3, 2).mean((3, 5)), ((1, 2, 4, 6),)),
]

# digamma and polygamma: values checked by identities in test_more_ops.py; here their
# derivatives (each the next polygamma) against finite differences, to second order
SPECS.update({
    "lgamma": [Case(ag.lgamma, np.vectorize(math.lgamma), ((3, 4),), make=_pos((3, 4), 0.3, 6)),
               Case(ag.lgamma, np.vectorize(math.lgamma), ((4,),),
                    make=lambda rng: (np.array([-2.5, -0.5, 1.5, 3.25]),))],
    "digamma": [Case(ag.digamma, None, ((3, 4),), make=_pos((3, 4), 0.3, 6))],
    "polygamma": [Case(lambda a: ag.polygamma(1, a), None, ((3,),), make=_pos((3,), 0.5, 4)),
                  Case(lambda a: ag.polygamma(2, a), None, ((3,),), make=_pos((3,), 0.5, 4))],
})


def _np_conv3d(x, w, b=None, stride=1, padding=0):
    """Direct 3-d convolution: each output position a sum over one window."""
    x = np.pad(x, ((0, 0), (0, 0)) + ((padding, padding),) * 3)
    n, c, d, h, wd = x.shape
    o, _, kd, kh, kw = w.shape
    od, oh, ow = ((s - k) // stride + 1 for s, k in ((d, kd), (h, kh), (wd, kw)))
    out = np.zeros((n, o, od, oh, ow))
    for i, j, k in itertools.product(range(od), range(oh), range(ow)):
        patch = x[:, :, i * stride:i * stride + kd, j * stride:j * stride + kh,
                  k * stride:k * stride + kw]
        out[:, :, i, j, k] = np.einsum("ncdhw,ocdhw->no", patch, w)
    return out if b is None else out + b[None, :, None, None, None]


def _np_conv_transpose3d(x, w, stride=1, padding=0):
    """Direct transposed 3-d convolution: each input voxel adds a weighted kernel."""
    n, c, d, h, wd = x.shape
    _, o, kd, kh, kw = w.shape
    full = np.zeros((n, o, (d - 1) * stride + kd, (h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i, j, k in itertools.product(range(d), range(h), range(wd)):
        full[:, :, i * stride:i * stride + kd, j * stride:j * stride + kh,
             k * stride:k * stride + kw] += np.einsum("nc,codhw->nodhw", x[:, :, i, j, k], w)
    p = padding
    return full[:, :, p:full.shape[2] - p, p:full.shape[3] - p, p:full.shape[4] - p]


def _np_pool3d(x, k, s, reduce):
    n, c, d, h, w = x.shape
    od, oh, ow = ((m - k) // s + 1 for m in (d, h, w))
    out = np.zeros((n, c, od, oh, ow))
    for i, j, l in itertools.product(range(od), range(oh), range(ow)):
        out[:, :, i, j, l] = reduce(x[:, :, i * s:i * s + k, j * s:j * s + k, l * s:l * s + k],
                                    axis=(2, 3, 4))
    return out


SPECS.update({
    "conv_transpose3d": [Case(F.conv_transpose3d, _np_conv_transpose3d,
                              ((2, 2, 2, 3, 2), (2, 3, 2, 2, 2))),
                         Case(lambda x, w: F.conv_transpose3d(x, w, stride=2, padding=1),
                              lambda x, w: _np_conv_transpose3d(x, w, 2, 1),
                              ((1, 2, 2, 2, 3), (2, 1, 3, 2, 3)))],
    "conv3d": [Case(F.conv3d, _np_conv3d, ((2, 2, 3, 4, 3), (3, 2, 2, 2, 2), (3,))),
               Case(lambda x, w: F.conv3d(x, w, stride=2, padding=1),
                    lambda x, w: _np_conv3d(x, w, stride=2, padding=1),
                    ((1, 1, 3, 3, 4), (2, 1, 2, 2, 2)))],
    "max_pool3d": [Case(lambda x: F.max_pool3d(x, 2), lambda x: _np_pool3d(x, 2, 2, np.max),
                        ((1, 2, 4, 4, 2),),
                        make=lambda rng: (_away_from_ties(rng, (1, 2, 4, 4, 2)),))],
    "avg_pool3d": [Case(lambda x: F.avg_pool3d(x, 2), lambda x: _np_pool3d(x, 2, 2, np.mean),
                        ((2, 1, 4, 2, 4),)),
                   Case(lambda x: F.avg_pool3d(x, 3, 1, 1, count_include_pad=False),
                        lambda x: _np_pool3d(np.pad(x, ((0, 0), (0, 0)) + ((1, 1),) * 3), 3, 1,
                                             np.sum) / _np_pool3d(np.pad(
                                                 np.ones_like(x), ((0, 0), (0, 0)) +
                                                 ((1, 1),) * 3), 3, 1, np.sum),
                        ((1, 1, 2, 3, 2),))],
    "adaptive_avg_pool3d": [Case(lambda x: F.adaptive_avg_pool3d(x, (1, 2, 3)),
                                 lambda x: x.reshape(1, 2, 1, 2, 2, 2, 3, 2).mean((3, 5, 7)),
                                 ((1, 2, 2, 4, 6),))],
})


def _np_affine_grid(theta, h, w):
    """align_corners=False: pixel centres at (2i + 1) / n - 1."""
    xs, ys = (np.arange(w) * 2 + 1) / w - 1, (np.arange(h) * 2 + 1) / h - 1
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((1, 1))), -1)
    return np.einsum("hwk,njk->nhwj", base, theta)


def _np_grid_sample(x, grid):
    """Bilinear, zeros padding, align_corners=False, written out per output pixel."""
    n, c, h, w = x.shape
    out = np.zeros((n, c) + grid.shape[1:3])
    for b, i, j in itertools.product(range(n), range(grid.shape[1]), range(grid.shape[2])):
        px, py = ((grid[b, i, j, 0] + 1) * w - 1) / 2, ((grid[b, i, j, 1] + 1) * h - 1) / 2
        x0, y0 = int(np.floor(px)), int(np.floor(py))
        for dx, dy in itertools.product((0, 1), (0, 1)):
            xi, yi = x0 + dx, y0 + dy
            weight = (px - x0 if dx else 1 - (px - x0)) * (py - y0 if dy else 1 - (py - y0))
            if 0 <= xi < w and 0 <= yi < h:
                out[b, :, i, j] += weight * x[b, :, yi, xi]
    return out


def _grid_inputs(rng):
    """An input and sampling points that stay off pixel centres (where bilinear kinks)."""
    x = rng.uniform(-2, 2, (1, 2, 4, 5))
    cells = rng.integers(-1, 5, (1, 3, 2, 2)).astype(float) + rng.uniform(0.2, 0.8, (1, 3, 2, 2))
    size = np.array([5, 4])
    return x, (cells * 2 + 1) / size - 1


SPECS.update({
    "affine_grid": [Case(lambda t: F.affine_grid(t, (2, 1, 3, 4), align_corners=False),
                         lambda t: _np_affine_grid(t, 3, 4), ((2, 2, 3),))],
    "grid_sample": [Case(lambda x, g: F.grid_sample(x, g, align_corners=False),
                         _np_grid_sample, ((1, 2, 4, 5), (1, 3, 2, 2)), make=_grid_inputs)],
})
