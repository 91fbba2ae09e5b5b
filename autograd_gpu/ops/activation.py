"""softmax and log_softmax, numerically stable (the max is subtracted first)."""
from __future__ import annotations

import warnings

from .. import _dtypes, backends
from ..autograd.node import Node
from ..tensor import Tensor, _wrap, _wrap_dim
from ._core import method, record, recording, register, save_output


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
    if x.dtype.kind != "f":
        raise RuntimeError(f"\"{'log_' if log else ''}softmax_lastdim_kernel_impl\" not "
                           f"implemented for '{input.dtype.name}'")
    d = _softmax_dim("log_softmax" if log else "softmax", x.ndim, dim)
    xp = backends.of(x).xp
    if x.ndim == 0:
        out = xp.zeros_like(x) if log else xp.ones_like(x)
    else:
        shifted = x - x.max(axis=d, keepdims=True)
        e = xp.exp(shifted)
        s = e.sum(axis=d, keepdims=True)
        out = shifted - xp.log(s) if log else e / s
    if recording(input):
        res = record(cls, out, (input,))
        res._edge[0].dim = d
        save_output(res._edge[0], res)
        if out.dtype != input._data.dtype:
            res._edge[0]._reduce = ((input._data.shape, input._data.dtype),)
        return res
    return _wrap(out)


@register()
@method("softmax")
def softmax(input: Tensor, dim=None, dtype=None) -> Tensor:
    return _softmax(SoftmaxBackward0, input, dim, dtype, False)


@register()
@method("log_softmax")
def log_softmax(input: Tensor, dim=None, dtype=None) -> Tensor:
    return _softmax(LogSoftmaxBackward0, input, dim, dtype, True)
