"""softmax and log_softmax, numerically stable (the max is subtracted first)."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtypes, backends
from ..autograd.node import Node
from ..tensor import Tensor, _wrap, _wrap_dim
from ._core import (_called_as_method, method, missing_arguments, record, recording, register,
                    save_output)
from .fusable import cross_entropy_rows, fused


class SoftmaxBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        y = self.saved_output(F)
        return (y * (g - F.sum(g * y, self.dim, True)),)


class LogSoftmaxBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        y = self.saved_output(F)
        return (g - F.exp(y) * F.sum(g, self.dim, True),)


def _softmax_dim(name: str, ndim: int, dim) -> int:
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                      f"call to include dim=X as an argument.", UserWarning, stacklevel=3)
        dim = 0 if ndim in (0, 1, 3) else 1
    return _wrap_dim(dim, ndim)


def _softmax(cls, input: Tensor, dim, dtype, log: bool) -> Tensor:
    x = input._data
    if dtype is not None:
        x = x.astype(_dtypes.to_dtype(dtype).np)
    d = _softmax_dim("log_softmax" if log else "softmax", x.ndim, dim)
    if x.dtype.kind != "f" and x.size:  # (an empty one is returned as it is, as PyTorch's)
        from .inplace import _legacy

        kernel = "lastdim_kernel_impl" if d == max(x.ndim - 1, 0) else "kernel_impl"
        named = _dtypes.to_dtype(dtype) if dtype is not None else input.dtype  # (the cast's)
        raise NotImplementedError(f"\"{'log_' if log else ''}softmax_{kernel}\" not "
                                  f"implemented for '{_legacy(named)}'")
    xp = backends.of(x).xp
    if x.ndim == 0:
        out = xp.zeros_like(x) if log else xp.ones_like(x)
    elif x.size == 0:  # (nothing to normalise; NumPy's max would refuse the empty axis)
        out = x.copy()
    else:
        half = x.dtype == np.float16  # (computed in float32 and rounded once, as PyTorch)
        xw = x.astype(np.float32) if half else x
        shifted = xw - xw.max(axis=d, keepdims=True)
        e = xp.exp(shifted)
        s = e.sum(axis=d, keepdims=True)
        out = shifted - xp.log(s) if log else e / s
        if half:
            out = out.astype(np.float16)
    if recording(input):
        res = record(cls, out, (input,))
        res._edge[0].dim = d
        save_output(res._edge[0], res)
        if out.dtype != input._data.dtype:
            res._edge[0]._reduce = ((input._data.shape, input._data.dtype),)
        return res
    return _wrap(out)


_NO_DIM = object()


@register()
@method("softmax")
def softmax(input: Tensor, dim=_NO_DIM, dtype=None) -> Tensor:
    """torch.softmax and Tensor.softmax: dim is required (F.softmax may leave it out)."""
    return _softmax(SoftmaxBackward0, input, _required_dim("softmax", dim), dtype, False)


@register()
@method("log_softmax")
def log_softmax(input: Tensor, dim=_NO_DIM, dtype=None) -> Tensor:
    return _softmax(LogSoftmaxBackward0, input, _required_dim("log_softmax", dim), dtype,
                    True)


def _required_dim(op: str, dim):
    if dim is _NO_DIM:
        raise missing_arguments(op, "dim")
    if dim is None:  # (the position as the user wrote it: x.softmax(None) is position 1)
        raise TypeError(f"{op}(): argument 'dim' (position {1 if _called_as_method(op) else 2})"
                        f" must be int, not NoneType")
    return dim


def softmax_implicit(input: Tensor, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """F.softmax: without dim, PyTorch's deprecated implicit choice (with its warning)."""
    return _softmax(SoftmaxBackward0, input, dim, dtype, False)


def log_softmax_implicit(input: Tensor, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """F.log_softmax: without dim, PyTorch's deprecated implicit choice."""
    return _softmax(LogSoftmaxBackward0, input, dim, dtype, True)


class NllLossBackward0(Node):
    """cross_entropy with class indices as one node: the gradient is
    (softmax(x) - onehot(target)) * g / count, rows with ignore_index masked out."""

    __slots__ = ()

    def grad(self, F, g, x):
        g = g if self.reduction != "none" else F.reshape(g, (-1, 1))
        if not F.tensors:  # the forward's row maxima and log-sum-exps give softmax(x)
            return (fused(F, "cross_entropy_backward", g * self.row_weight, x, self.row_max,
                          self.lse, self.target),)
        # differentiable again: softmax recomputed from x (saved arrays are constants)
        shifted = x - _wrap(self.row_max)
        p = F.exp(shifted - F.log(F.sum(F.exp(shifted), 1, True)))
        t = self.target
        onehot = backends.of(t).xp.arange(x.shape[1]) == t.reshape(-1, 1)
        return ((p - _wrap(onehot.astype(self.lse.dtype))) * (g * _wrap(self.row_weight)),)


def cross_entropy_indices(input: Tensor, target: Tensor, ignore_index: int,
                          reduction: str) -> Tensor:
    """Fused log_softmax + nll_loss for (N, C) scores and (N,) class indices."""
    x, t = input._data, target._data
    backend = backends.of(x)
    xp = backend.xp
    n, c = x.shape
    if x.__class__ is np.ndarray and n:
        bad = (t != ignore_index) & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    m, lse, loss, valid = fused(backend, "cross_entropy_rows", x, t, ignore_index) if n and c \
        else cross_entropy_rows(backend, x, t, ignore_index)
    if reduction == "mean":
        out, row_weight = fused(backend, "cross_entropy_mean", loss, valid)
    else:
        out = loss.sum() if reduction == "sum" else loss
        row_weight = valid.reshape(-1, 1)
    out = xp.asarray(out, dtype=x.dtype)
    if recording(input):
        res = record(NllLossBackward0, out, (input,), (input,))
        node = res._edge[0]
        node.target, node.row_max, node.row_weight, node.lse = t, m, row_weight, lse
        node.reduction = reduction
        return res
    return _wrap(out)


class BinaryCrossEntropyElementwise(Node):
    """-(t log p + (1 - t) log(1 - p)), each log clamped at -100 (so p = 0 or 1 gives a
    finite loss); p's gradient is PyTorch's (p - t) / max(p (1 - p), 1e-12), which stays
    finite where p has saturated to 0 or 1."""

    __slots__ = ()

    def grad(self, F, g, p, t):
        (fp, _), (ft, _) = self.next_functions
        gp = gt = None
        if fp is not None:
            q = p * (1 - p)
            gp = g * (p - t) / F.where(q > 1e-12, q, 1e-12)
        if ft is not None:
            gt = g * (_clamped_log(F, 1 - p) - _clamped_log(F, p))
        return gp, gt


def _clamped_log(F, x):
    out = F.log(x)
    return F.where(out > -100, out, -100.0)


def bce_elementwise(input: Tensor, target: Tensor) -> Tensor:
    p, t = input._data, target._data
    if t.dtype != p.dtype:
        t = t.astype(p.dtype)
    backend = backends.of(p)
    with np.errstate(divide="ignore"):
        out = -(t * _clamped_log(backend, p) + (1 - t) * _clamped_log(backend, 1 - p))
    if recording(input, target):
        return record(BinaryCrossEntropyElementwise, out, (input, target), (input, target))
    return _wrap(out)
