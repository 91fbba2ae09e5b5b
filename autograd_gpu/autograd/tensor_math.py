"""The formula namespace on Tensors, for `create_graph=True`.

Derivative formulas call `F.where`, `F.sum_to`, ... ; in a first-order backward F is the
array backend, here every name is a differentiable op, so the backward pass is recorded and
can be differentiated again. Names and signatures match backends.base.Backend.
"""
from __future__ import annotations

import sys

tensors = True


def _ops():
    from .. import ops

    return ops


def _t(x, like):
    """A raw array (a mask, an index) or a scalar as a constant tensor."""
    from ..tensor import Tensor, _wrap

    if isinstance(x, Tensor):
        return x
    if hasattr(x, "dtype") and hasattr(x, "shape"):
        return _wrap(x)
    return x


def sum_to(x, shape):
    if tuple(x.shape) == tuple(shape):
        return x
    lead = x.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    y = x.sum(dims, keepdim=True) if dims else x
    return y.reshape(tuple(shape))


def broadcast_to(x, shape):
    return x.expand(tuple(shape))


def reshape(x, shape):
    return x.reshape(tuple(shape))


def swapaxes(x, a, b):
    return x.transpose(a, b)


def permute(x, axes):
    return x.permute(tuple(axes))


def expand_dims(x, axis):
    return x.unsqueeze(axis)


def matmul(a, b):
    return a @ b


def einsum(equation, *operands):
    return _ops().einsum(equation, *operands)


def where(cond, a, b):
    like = a if hasattr(a, "_edge") else b
    return _ops().where(_t(cond, like), _t(a, like), _t(b, like))


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return x.sum(axis, keepdim=keepdims)


def prod(x, axis, keepdims=False):
    if isinstance(axis, tuple) and len(axis) != 1:
        out = x
        for d in sorted(axis, reverse=True):
            out = out.prod(d, keepdim=True)
        return out if keepdims else out.reshape(
            tuple(s for i, s in enumerate(x.shape) if i not in axis))
    d = axis[0] if isinstance(axis, tuple) else axis
    return x.prod(d, keepdim=keepdims)


def index_add(shape, index, values, accumulate=True):
    return _ops().indexing.index_add_zeros(tuple(shape), index, values, accumulate)


def take(g, index_map):
    return g.reshape(-1)[index_map]


def cast(x, np_dtype):
    from .._dtypes import from_numpy_dtype

    return x if x._data.dtype == np_dtype else x.to(from_numpy_dtype(np_dtype))


def cast_like(x, ref):
    return x.to(ref.dtype)


def to(x, backend, np_dtype):
    from .._dtypes import from_numpy_dtype

    return x.to(backend.device, from_numpy_dtype(np_dtype))


def zeros(shape, like, np_dtype):
    from ..tensor import _wrap
    from .. import backends

    return _wrap(backends.of(like._data).xp.zeros(shape, np_dtype))


def zeros_like(x):
    """Zeros shaped like x: a constant, with no graph (PyTorch's formulas' zeros_like)."""
    from ..tensor import _wrap

    return _wrap(x._data * 0)


def ones_like(x):
    from ..tensor import _wrap

    return _wrap(x._data * 0 + 1)


def _unary(name):
    def fn(x):
        return getattr(x, name)()

    fn.__name__ = name
    return fn


fused_kernels: dict = {}  # a recorded backward runs the formulas (ops/fusable.py)

for _name in ("exp", "log", "sin", "cos", "sinh", "cosh", "sqrt", "sign", "abs", "tanh",
              "log1p", "isnan", "erf", "sigmoid", "floor", "trunc"):
    setattr(sys.modules[__name__], _name, _unary(_name))


def flip(x, dims):
    return _ops().flip(x, dims)


def cumprod(x, axis):
    return _ops().cumprod(x, axis)


def cumsum(x, axis):
    return _ops().cumsum(x, axis)


def maximum(a, b):
    return _ops().maximum(a, b)


def minimum(a, b):
    return _ops().minimum(a, b)


def concatenate(xs, axis=0):
    return _ops().cat(list(xs), axis)
