"""The op table for tests: sample inputs (broadcast pairs and 0-d included, away from kinks),
a NumPy reference for the forward, and whether the op is differentiable.

Every op registered in autograd_gpu.ops.REGISTRY needs an entry here (a test checks it).
"""
from __future__ import annotations

from dataclasses import dataclass

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
