"""Reductions: sum, mean, prod, var, std, max/min (with indices), amax/amin, argmax/argmin.

`dim=None` reduces everything; `keepdim` as PyTorch. A gradient is reshaped to the kept
dimensions and broadcast back over the input.
"""
from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

from .. import _dtypes, backends
from ..autograd.node import Node
from ..tensor import Tensor, _wrap
from ._core import (int_dim, invalid_arguments, keepdim_without_dim, method, record, recording,
                    register, save_output, wrap_dims)


def _dims(dim, ndim: int) -> tuple:
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = wrap_dims(dim, ndim)  # (a 0-d tensor takes dims 0 and -1, and reduces none)
    return dims if ndim else ()


def no_integer_grad(input: Tensor, dtype):
    """The dtype= of a reduction; an integer one for a tensor that records a graph is
    PyTorch's error (no gradient can flow through integers)."""
    d = _dtypes.to_dtype(dtype)
    if not d.is_floating_point and recording(input):
        from .inplace import _legacy

        raise RuntimeError(f"Autograd not support dtype: {_legacy(d)}")
    return d


def _kept_shape(shape: tuple, dims: tuple) -> tuple:
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _expand_back(F, g, shape, dims, keepdim):
    """A reduced gradient broadcast back to the input's shape."""
    if not keepdim:
        g = F.reshape(g, _kept_shape(shape, dims))
    return F.broadcast_to(g, shape)


class SumBackward0(Node):
    __slots__ = ()
    keepdim = False

    def grad(self, F, g):
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim),)


class SumBackward1(SumBackward0):
    __slots__ = ()


def _reduce(cls, out, input, dims, keepdim, saved=None, **attrs):
    if recording(input):
        res = record(cls, out, (input,), saved)
        node = res._edge[0]
        node.shape, node.dims, node.keepdim = input._data.shape, dims, keepdim
        node.__dict__.update(attrs)
        return res
    return _wrap(out)


_ABSENT = object()  # (dim not given at all, apart from an explicit None)


@register()
@method("sum")
def sum(input: Tensor, dim=_ABSENT, keepdim=None, *, dtype=None) -> Tensor:  # noqa: A001
    if dim is _ABSENT:  # (keepdim given without dim: PyTorch's parser refuses it; an
        if keepdim is not None:  # explicit dim=None takes it)
            raise keepdim_without_dim("sum", dtype)
        dim = None
    if keepdim is None:
        keepdim = False
    x = input._data
    if dtype is not None:
        x = x.astype(no_integer_grad(input, dtype).np)
    elif x.dtype.kind in "biu":
        x = x.astype(np.int64)  # PyTorch sums integers and bools as int64
    dims = _dims(dim, x.ndim)
    out = x.sum(axis=dims, keepdims=keepdim, dtype=x.dtype)  # (NumPy widens small ints)
    cls = SumBackward0 if dim is None else SumBackward1
    res = _reduce(cls, out, input, dims, keepdim)
    if res.grad_fn is not None and out.dtype != input._data.dtype:
        res.grad_fn._reduce = ((input._data.shape, input._data.dtype),)
    return res


class MeanBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim) / self.count,)


class MeanBackward1(MeanBackward0):
    __slots__ = ()


def _count(shape, dims) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


@register()
@method("mean")
def mean(input: Tensor, dim=_ABSENT, keepdim=None, *, dtype=None) -> Tensor:
    if dim is _ABSENT:  # (keepdim given without dim: PyTorch's parser refuses it; an
        if keepdim is not None:  # explicit dim=None takes it)
            raise keepdim_without_dim("mean", dtype)
        dim = None
    if keepdim is None:
        keepdim = False
    x = input._data
    if dtype is not None:
        x = x.astype(_dtypes.to_dtype(dtype).np)
    if x.dtype.kind != "f":
        which, got = ("Optional", dtype) if dtype is not None else ("Input", input.dtype)
        raise RuntimeError(f"mean(): could not infer output dtype. {which} dtype must be either "
                           f"a floating point or complex dtype. Got: "
                           f"{_legacy_name(_dtypes.to_dtype(got))}")
    dims = _dims(dim, x.ndim)
    out = x.mean(axis=dims, keepdims=keepdim) if x.size else _empty_mean(x, dims, keepdim)
    cls = MeanBackward0 if dim is None else MeanBackward1
    return _reduce(cls, out, input, dims, keepdim, count=_count(x.shape, dims))


def _empty_mean(x, dims, keepdim):
    xp = backends.of(x).xp
    return xp.full(x.sum(axis=dims, keepdims=keepdim).shape, np.nan, x.dtype)


def _legacy_name(d) -> str:
    return {"int64": "Long", "int32": "Int", "bool": "Bool", "int16": "Short", "int8": "Char",
            "uint8": "Byte"}.get(d.name, d.name)


class ProdBackward0(Node):
    """Product rule with zeros handled: an element's gradient is the product of the others."""

    __slots__ = ()

    def grad(self, F, g, x):
        shape, dims, keepdim = self.shape, self.dims, self.keepdim
        zero = x == 0
        nonzero = F.where(zero, 1.0, x)
        prod_nz = F.broadcast_to(F.prod(nonzero, dims, True), shape)
        zeros = F.broadcast_to(F.sum(zero * 1, dims, True), shape)
        others = F.where(zeros == 0, prod_nz / nonzero,
                         F.where((zeros == 1) & zero, prod_nz, 0.0))
        return (_expand_back(F, g, shape, dims, keepdim) * others,)


class ProdBackward1(ProdBackward0):
    __slots__ = ()


@register()
@method("prod")
def prod(input: Tensor, dim=None, keepdim=None, *, dtype=None) -> Tensor:
    if keepdim is None:  # (not given: given without dim, PyTorch's parser refuses it)
        keepdim = False
    elif dim is None:
        raise keepdim_without_dim("prod", dtype)
    x = input._data
    if dtype is not None:
        x = x.astype(no_integer_grad(input, dtype).np)
    elif x.dtype.kind in "biu":
        x = x.astype(np.int64)
    if dim is not None and isinstance(dim, (tuple, list)):
        raise TypeError("prod(): argument 'dim' must be int, not tuple")
    dims = _dims(dim, x.ndim)
    out = x.prod(axis=dims, keepdims=keepdim, dtype=x.dtype)  # (NumPy widens small ints)
    cls = ProdBackward0 if dim is None else ProdBackward1
    res = _reduce(cls, out, input, dims, keepdim, saved=(input,))
    if res._edge[0] is not None:  # (PyTorch saves the product too: changing it fails)
        save_output(res._edge[0], res)
    return res


class VarBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        centered = x - F.broadcast_to(F.sum(x, self.dims, True) / self.count, self.shape)
        dof = builtins.max(self.count - self.correction, 0)
        scale = 2.0 / dof if dof else float("inf")  # (no degrees of freedom: NaN, as PyTorch)
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim) * centered * scale,)


class StdBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        out = self.saved_output(F)
        if not self.keepdim:
            out = F.reshape(out, _kept_shape(self.shape, self.dims))
        centered = x - F.broadcast_to(F.sum(x, self.dims, True) / self.count, self.shape)
        denom = builtins.max(self.count - self.correction, 0)
        gk = _expand_back(F, g, self.shape, self.dims, self.keepdim)
        out = F.where(out == 0, 1.0, out)  # a zero spread: zero gradient, as PyTorch (not NaN)
        return (gk * centered / (F.broadcast_to(out, self.shape) * denom),)


def _correction(unbiased, correction) -> float:
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _var_args(dim, unbiased, keepdim, correction):
    # var(dim, unbiased, keepdim) and var(unbiased) are both PyTorch signatures.
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return dim, _correction(unbiased, correction), keepdim


def _moment(cls, input, dim, unbiased, keepdim, correction, sqrt):
    dim, corr, keepdim = _var_args(dim, unbiased, keepdim, correction)
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _dims(dim, x.ndim)
    n = _count(x.shape, dims)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = x.mean(axis=dims, keepdims=True)
        ss = ((x - m) ** 2).sum(axis=dims, keepdims=keepdim)
        # PyTorch divides by max(n - correction, 0): inf or nan when that is 0
        out = ss / float(builtins.max(n - corr, 0))
        if sqrt:
            out = backends.of(x).xp.sqrt(out)
    out = out.astype(x.dtype, copy=False)
    res = _reduce(cls, out, input, dims, keepdim, saved=(input,), count=n, correction=corr)
    if sqrt and res.grad_fn is not None:
        save_output(res.grad_fn, res)
    return res


@register()
@method("var")
def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
        correction=None) -> Tensor:
    return _moment(VarBackward0, input, dim, unbiased, keepdim, correction, False)


@register()
@method("std")
def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
        correction=None) -> Tensor:
    return _moment(StdBackward0, input, dim, unbiased, keepdim, correction, True)


# -- max / min ---------------------------------------------------------------------------------
class AmaxBackward0(Node):
    """Ties share the gradient evenly (PyTorch's evenly_distribute_backward)."""

    __slots__ = ()

    def grad(self, F, g, x):
        out = self.saved_output(F)
        if not self.keepdim:
            out = F.reshape(out, _kept_shape(self.shape, self.dims))
        mask = x == F.broadcast_to(out, self.shape)
        count = F.broadcast_to(F.cast_like(F.sum(mask, self.dims, True), g), self.shape)
        # (times the mask, as PyTorch's scale_grad_by_count: a NaN gradient reaches every
        # element, tied or not)
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim) / count *
                F.cast_like(mask, g),)


class AminBackward0(AmaxBackward0):
    __slots__ = ()


class MaxBackward1(AmaxBackward0):
    __slots__ = ()


class MinBackward1(AmaxBackward0):
    __slots__ = ()


class MaxBackward0(Node):
    """max(dim): the gradient goes to the element whose index was returned."""

    __slots__ = ()

    def grad(self, F, g):
        shape, d = self.shape, self.dims[0]
        idx = self.indices if self.keepdim else backends.of(self.indices).xp.expand_dims(
            self.indices, d)
        xp = backends.of(self.indices).xp
        pos = xp.arange(shape[d]).reshape((-1,) + (1,) * (len(shape) - d - 1))
        hit = pos == idx
        return (F.where(hit, _expand_back(F, g, shape, self.dims, self.keepdim), 0.0),)


class MinBackward0(MaxBackward0):
    __slots__ = ()


_values_indices = {}


def _return_type(name):
    """A (values, indices) named tuple printed as PyTorch's torch.return_types.max."""
    if name not in _values_indices:
        base = namedtuple(name, ["values", "indices"])

        def __repr__(self):
            return (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                    f"indices={self.indices!r})")

        _values_indices[name] = type(name, (base,), {"__slots__": (), "__repr__": __repr__})
    return _values_indices[name]


def _empty_reduction(name: str, x, dim) -> None:
    """PyTorch's errors for max/min/argmax/argmin over nothing (other empty dims are fine)."""
    if dim is None:
        if x.size == 0:
            raise (IndexError if name.startswith("arg") else RuntimeError)(
                f"{name}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0." + (" Specify the reduction dim with the "
                                                         "'dim' argument." if not
                                                         name.startswith("arg") else ""))
        return
    d = wrap_dims(dim, x.ndim)[0]  # (0 or -1 of a 0-d tensor: 0)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _extreme(input, dim, keepdim, is_max, name):
    x = input._data
    _empty_reduction(name, x, dim)
    xp = backends.of(x).xp
    if dim is None:
        out = x.max() if is_max else x.min()
        cls = MaxBackward1 if is_max else MinBackward1
        res = _reduce(cls, out, input, tuple(range(x.ndim)), False, saved=(input,))
        if res.grad_fn is not None:
            save_output(res.grad_fn, res)
        return res
    d = wrap_dims(dim, x.ndim)[0]  # (0 or -1 of a 0-d tensor: 0)
    if x.ndim == 0:
        return _return_type(name)(input.clone(), _wrap(xp.zeros((), np.int64)))
    idx = (xp.argmax if is_max else xp.argmin)(_nan_first(x, xp, is_max), axis=d,
                                                keepdims=keepdim)
    vals = xp.take_along_axis(x, idx if keepdim else xp.expand_dims(idx, d), axis=d)
    if not keepdim:
        vals = vals.squeeze(d)
    cls = MaxBackward0 if is_max else MinBackward0
    # (the indices count as saved, as PyTorch's: a second backward without retain_graph fails)
    res = _reduce(cls, vals, input, (d,), keepdim, saved=(), indices=idx)
    return _return_type(name)(res, _wrap(idx.astype(np.int64, copy=False)))


def _nan_first(x, xp, is_max):
    # PyTorch propagates NaN in max/min: a NaN is the extreme value. Always the `where`, never
    # a test of whether a NaN is there: that test would wait for the GPU.
    if x.dtype.kind == "f":
        return xp.where(xp.isnan(x), xp.asarray(np.inf if is_max else -np.inf, x.dtype), x)
    return x


def _max_like(is_max: bool, name: str):
    def op(input: Tensor, dim=None, keepdim=None):
        if keepdim is None:
            keepdim = False
        elif dim is None:
            raise keepdim_without_dim(name)
        if isinstance(dim, Tensor):
            from .pointwise import maximum, minimum

            return maximum(input, dim) if is_max else minimum(input, dim)
        if isinstance(dim, (tuple, list)):  # (one dim only: amax/amin take several)
            raise invalid_arguments(name, (input, dim))
        return _extreme(input, dim, keepdim, is_max, name)

    op.__name__ = name
    return op


max = register("max")(method("max")(_max_like(True, "max")))  # noqa: A001
min = register("min")(method("min")(_max_like(False, "min")))  # noqa: A001


def _amax_like(is_max: bool, name: str):
    def op(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
        x = input._data
        dims = _dims(dim, x.ndim)
        if x.size == 0:  # PyTorch's errors for a maximum over nothing
            if dim in ((), None, []):
                _empty_reduction(name, x, None)
            given = dim if isinstance(dim, (tuple, list)) else (dim,)
            for d, shown in zip(dims, given):  # (amax names the dim as it was given)
                if x.shape[d] == 0:
                    raise IndexError(f"{name}(): Expected reduction dim {shown} to have "
                                     f"non-zero size.")
        out = x.max(axis=dims, keepdims=keepdim) if is_max else x.min(axis=dims,
                                                                     keepdims=keepdim)
        cls = AmaxBackward0 if is_max else AminBackward0
        res = _reduce(cls, out, input, dims, keepdim, saved=(input,))
        if res.grad_fn is not None:
            save_output(res.grad_fn, res)
        return res

    op.__name__ = name
    return op


amax = register("amax")(method("amax")(_amax_like(True, "amax")))
amin = register("amin")(method("amin")(_amax_like(False, "amin")))


def _arg_like(is_max: bool, name: str):
    def op(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
        if dim is not None:
            int_dim(name, dim)
        x = input._data
        if x.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        xp = backends.of(x).xp
        fn = xp.argmax if is_max else xp.argmin
        _empty_reduction(name, x, dim)
        if x.size == 0:  # (NumPy refuses empty argmax even over a non-empty axis)
            d = wrap_dims(dim, x.ndim)[0]
            shape = tuple(1 if i == d else n for i, n in enumerate(x.shape)) if keepdim else \
                x.shape[:d] + x.shape[d + 1:]
            return _wrap(xp.zeros(shape, dtype=np.int64))
        xs = _nan_first(x, xp, is_max)
        if dim is None:
            out = fn(xs.reshape(-1))
            if keepdim:
                out = xp.asarray(out).reshape((1,) * x.ndim)
        else:
            d = wrap_dims(dim, x.ndim)[0]
            out = fn(xs, axis=d if x.ndim else None, keepdims=keepdim)
        return _wrap(xp.asarray(out, dtype=np.int64))

    op.__name__ = name
    return op


argmax = method("argmax")(_arg_like(True, "argmax"))
argmin = method("argmin")(_arg_like(False, "argmin"))


@method("all")
def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    if isinstance(dim, (tuple, list)) and not dim:  # (no dims: no reduction, as PyTorch)
        return _wrap(_like_uint8(input._data.astype(bool), input))
    dims = None if dim is None else _dims(dim, input._data.ndim)
    out = input._data.astype(bool).all(axis=dims, keepdims=keepdim)
    return _wrap(_like_uint8(out, input))


def _like_uint8(out, input: Tensor):
    """all/any of a uint8 tensor is uint8 in PyTorch (bool for every other dtype)."""
    return out.astype(np.uint8) if input._data.dtype == np.uint8 else out


@method("any")
def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    if isinstance(dim, (tuple, list)) and not dim:  # (no dims: no reduction, as PyTorch)
        return _wrap(_like_uint8(input._data.astype(bool), input))
    dims = None if dim is None else _dims(dim, input._data.ndim)
    return _wrap(_like_uint8(input._data.astype(bool).any(axis=dims, keepdims=keepdim), input))


@method("count_nonzero")
def count_nonzero(input: Tensor, dim=None) -> Tensor:
    dims = None if dim is None else _dims(dim, input._data.ndim)
    return _wrap(backends.of(input._data).xp.asarray(
        (input._data != 0).sum(axis=dims), dtype=np.int64))
