"""Writing values into places, out of place and differentiably: scatter_reduce, index_reduce,
masked_scatter, put, select/slice/diagonal_scatter, fill_diagonal_; and small math left
over: renorm, ldexp, frexp, gcd, lcm, nextafter, isposinf, isneginf, isreal."""
from __future__ import annotations

import numpy as np

from .. import _dtypes, backends, creation
from ..autograd.grad_mode import no_grad
from ..autograd.node import Node
from ..tensor import Tensor, _wrap, _wrap_dim
from ._core import (cast_operands, method, not_tensor, record, recording, reduce_info, register,
                    save_output)
from .one_node import call_as_one_node, one_node
from .composite import scatter_add
from .inplace import _legacy, _unary_inplace
from .pointwise import _logical, array_predicate, float_kernel_only, tensor_pair
from .shape import broadcast_tensors

__all__ = ["scatter_reduce", "index_reduce", "masked_scatter", "put", "select_scatter",
           "slice_scatter", "diagonal_scatter", "renorm", "ldexp", "frexp", "gcd", "lcm",
           "nextafter", "isposinf", "isneginf", "isreal", "addbmm", "chain_matmul"]

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_ALIASES = {"max": "amax", "min": "amin"}  # (PyTorch's reduction parser takes both names)


class ScatterReduceBackward0(Node):
    """scatter_reduce's node for prod, amax and amin (sum and mean run as one-node bodies).
    reduce='prod': PyTorch's derivative. Each place's gradient goes to each of its factors
    as the product of the others: result / factor, or, for a factor that is the place's only
    zero, the product with that zero left out; a place with two or more zeros gives its zeros
    0. Computed as tensors, so create_graph differentiates it again (except where a place
    has several zeros: PyTorch refuses that double backward, and so does this)."""

    __slots__ = ()

    def grad(self, F, g, input, src):
        if F.tensors:
            return self._grads(g, input, src, self.saved_output(F))
        with no_grad():
            grads = self._grads(_wrap(g), _wrap(input), _wrap(src), _wrap(self.saved_output(F)))
        return tuple(t._data for t in grads)

    def _grads(self, g, input, src, result):
        covered = src[tuple(slice(0, n) for n in self.index.shape)]  # (what index reaches)
        if self.reduce == "prod":
            g_self, g_src = _prod_grads(self, g, input, covered, result)
        else:  # amax/amin: each place's gradient shared evenly by the elements equal to its
            # result (weights fixed at the forward: linear in g, so create_graph can go on)
            g_self, g_src = g * self.w_self, g.gather(self.dim, self.index) * self.w_src
        if g_src.shape != src.shape:  # zeros for the part of src that index leaves out
            from .nn_ops import pad

            widths = []
            for have, want in zip(reversed(g_src.shape), reversed(src.shape)):
                widths += [0, want - have]
            g_src = pad(g_src, tuple(widths))
        return g_self, g_src


class IndexReduceBackward0(ScatterReduceBackward0):
    __slots__ = ()


class _AliasedReduceBackward(Node):
    """reduce='max' or 'min': PyTorch's forward takes them, its derivative does not."""

    __slots__ = ()

    def name(self) -> str:
        return "ScatterReduceBackward0"

    def grad(self, F, g):
        raise RuntimeError(f"Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', "
                           f"'amin' but got {self.reduce}.")


class _SeveralZerosBackward(Node):
    __slots__ = ()

    def grad(self, F, g):
        raise RuntimeError("scatter_reduce(): Double backward is unsupported for src when >1 "
                           "zeros in src are scattered to the same position in self")


def _prod_grads(node, g, input, src, result):
    from .pointwise import where

    d, index, include_self = node.dim, node.index, node.include_self
    masked_self = input.masked_fill(input == 0, 1)
    masked_self_result = masked_self.scatter_reduce(d, index, src, "prod",
                                                    include_self=include_self)
    grad_self = g * masked_self_result / masked_self
    src_zero = src == 0
    zeros_here = input.new_zeros(tuple(input.shape)).scatter_add(
        d, index, src_zero.to(input.dtype)).gather(d, index)
    single_zero = src_zero & (zeros_here == 1)
    masked_src_result = input.scatter_reduce(d, index, src.masked_fill(single_zero, 1), "prod",
                                             include_self=include_self)
    grad_src = where(single_zero, (g * masked_src_result).gather(d, index),
                     (g * result).gather(d, index) / src.masked_fill(src_zero, 1))
    if grad_src.requires_grad and bool((zeros_here > 1).any()):
        grad_src = record(_SeveralZerosBackward, grad_src._data, (grad_src,))
    if not include_self:
        grad_self = grad_self.scatter(d, index, 0)
    return grad_self, grad_src


def check_reduction_name(reduce: str) -> None:
    """scatter_reduce's and segment_reduce's reduction, named after any alias is resolved."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")


def _check(name: str, input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str):
    check_reduction_name(reduce)
    if index.dtype.is_floating_point or index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if input.dtype != src.dtype:  # (scatter's check, in its words)
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return _wrap_dim(dim, max(input.dim(), 1))


@register()
@method("scatter_reduce")
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """input with src's elements reduced into the places index names along dim (sum, prod,
    mean, amax or amin; with include_self the input's own value joins each reduction)."""
    named, reduce = reduce, _ALIASES.get(reduce, reduce)
    d = _check("scatter_reduce", input, dim, index, src, reduce)
    return _reduce_into(ScatterReduceBackward0, input, d, index, src, reduce, include_self,
                        named)


def _reduce_into(node_cls, input: Tensor, d: int, index: Tensor, src: Tensor, reduce: str,
                 include_self: bool, named: str) -> Tensor:
    """scatter_reduce's value and its node (node_cls's name: index_reduce has its own)."""
    if not recording(input, src):
        return _scatter_reduced(input, d, index, src, reduce, include_self)
    if reduce in ("sum", "mean"):
        return call_as_one_node(node_cls.__name__, ("input", "src"), _scatter_reduced, input,
                                d, index, src, reduce, include_self)
    with no_grad():
        out = _scatter_reduced(input, d, index, src, reduce, include_self)
    if named != reduce:  # an alias: the forward runs, its backward refuses, as PyTorch's
        res = record(_AliasedReduceBackward, out._data, (input, src))
        res._edge[0].reduce = named
        return res
    res = record(node_cls, out._data, (input, src), (input, src))
    node = res._edge[0]
    node.dim, node.index, node.include_self, node.reduce = d, index, include_self, reduce
    save_output(node, res)
    if reduce != "prod":
        node.w_self, node.w_src = _tie_weights(input, d, index, src, out, include_self)
    return res


def _tie_weights(input: Tensor, d: int, index: Tensor, src: Tensor, result: Tensor,
                 include_self: bool) -> tuple:
    """amax/amin's gradient shares: every element equal to its place's result gets an even
    share (PyTorch counts an equal input among the ties even without include_self, and then
    gives it no share: the same numbers here)."""
    from .pointwise import where

    with no_grad():
        src = src[tuple(slice(0, n) for n in index.shape)]
        src_hit = (src == result.gather(d, index)).to(src.dtype)
        self_hit = (input == result).to(input.dtype)
        ties = scatter_add(self_hit, d, index, src_hit)
        w_src = src_hit / ties.gather(d, index).clamp(min=1)
        w_self = self_hit / ties.clamp(min=1)
        if not include_self:
            reached = scatter_add(input.new_zeros(tuple(input.shape)), d, index,
                                  src.new_ones(tuple(index.shape))) > 0
            w_self = where(reached, 0.0, w_self)
    return w_self, w_src


def _scatter_reduced(input: Tensor, d: int, index: Tensor, src: Tensor, reduce: str,
                     include_self: bool) -> Tensor:
    """The reduction: differentiable ops (sum, mean), or arrays (prod, amax, amin)."""
    from .pointwise import where

    src = src[tuple(slice(0, n) for n in index.shape)]  # only the part index covers
    hit = scatter_add(input.new_zeros(tuple(input.shape)), d, index,
                      src.new_ones(tuple(index.shape))).detach()
    reached = hit > 0  # places no index names keep the input, whatever include_self says
    if reduce in ("sum", "mean"):
        base = input if include_self else input.new_zeros(tuple(input.shape))
        total = scatter_add(base, d, index, src)
        if reduce == "sum":
            return total if include_self else where(reached, total, input)
        mean = total / (hit + (1 if include_self else 0)).clamp(min=1)
        if not input.is_floating_point():  # PyTorch's mean of integers floors
            mean = mean.floor().to(input.dtype)
        return where(reached, mean, input)
    out = input._data.copy()
    if not include_self:  # start the reached places from the reduction's identity
        dt = out.dtype
        big = np.inf if dt.kind == "f" else np.iinfo(dt).max
        small = -np.inf if dt.kind == "f" else np.iinfo(dt).min
        identity = {"prod": 1, "amax": small, "amin": big}[reduce]
        out[reached._data] = identity
    backend = backends.of(input._data)
    grid = backend.open_grid(index._data.shape)
    grid[d] = index._data
    backend.scatter_reduce(out, tuple(grid), src._data, reduce)
    return _wrap(out)  # (prod, amax, amin: their node is _reduce_into's)


@method("index_reduce")
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """input with source's slices along dim reduced into the slices index names."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    if input.dtype != source.dtype:
        raise RuntimeError(f"index_reduce_(): self ({_legacy(input.dtype)}) and source "
                           f"({_legacy(source.dtype)}) must have the same scalar type")
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{_legacy(index.dtype)}")
    d = _wrap_dim(dim, max(input.dim(), 1))
    count = source.shape[d] if source.dim() else 1
    if index.numel() != count:
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be "
                           f"equal to source.size(dim): ({count}), for dim: {d}")
    if source.dim() == input.dim() and any(
            a != b for k, (a, b) in enumerate(zip(source.shape, input.shape)) if k != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    n = input.shape[d] if input.dim() else 1
    idx = index._data
    if idx.__class__ is np.ndarray and idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError("index out of range in self")
    shape = [1] * source.dim()
    shape[d] = -1
    full = index.reshape(shape).expand(tuple(source.shape))
    return _reduce_into(IndexReduceBackward0, input, d, full, source, reduce, include_self,
                        reduce)


@method("masked_scatter")
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """input with the places where mask is True filled, in order, by source's elements."""
    if not isinstance(source, Tensor):
        raise not_tensor("masked_scatter", "source", 3, source)
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{_legacy(input.dtype)} and {_legacy(source.dtype)}")
    if mask.dtype.name != "bool":
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_legacy(mask.dtype)}")
    if tuple(mask.shape) != tuple(input.shape):  # (the result has their broadcast shape)
        mask, input = broadcast_tensors(mask, input)
    positions = mask.reshape(-1).nonzero().reshape(-1)
    k = positions.numel()
    if k > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    flat = input.reshape(-1).scatter(0, positions, source.reshape(-1)[:k])
    return flat.reshape(tuple(input.shape))


@method("put")
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """input with its flat elements at `index` set to (or, accumulating, increased by)
    source's elements."""
    n = input.numel()
    idx = index.reshape(-1)
    host = idx.cpu().numpy()
    if host.size and ((host >= n) | (host < -n)).any():
        bad = int(host[(host >= n) | (host < -n)][0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         f"elements.")
    idx = _wrap(backends.of(idx._data).asarray(np.where(host < 0, host + n, host)))
    return _put_flat(input, idx, source, accumulate)


@one_node("PutBackward0", "input", "source", saves=("index", "source"))
def _put_flat(input: Tensor, idx: Tensor, source: Tensor, accumulate: bool) -> Tensor:
    flat = input.reshape(-1)
    values = source.reshape(-1)
    out = flat.index_add(0, idx, values) if accumulate else flat.scatter(0, idx, values)
    return out.reshape(tuple(input.shape))


def _written(input: Tensor, src: Tensor, view) -> Tensor:
    out = input.clone()
    target = view(out)
    if tuple(target.shape) != tuple(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = {list(target.shape)}")
    target.copy_(src)
    return out


@method("select_scatter")
def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    return _written(input, src, lambda t: t.select(dim, index))


@method("slice_scatter")
def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start=None, end=None,
                  step: int = 1) -> Tensor:
    d = _wrap_dim(dim, input.dim())
    where = tuple([slice(None)] * d + [slice(start, end, step)])
    return _written(input, src, lambda t: t[where])


@method("diagonal_scatter")
def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    d1, d2 = _wrap_dim(dim1, input.dim()), _wrap_dim(dim2, input.dim())
    rest = [i for i in range(input.dim()) if i not in (d1, d2)]
    rows_n, cols_n = input.shape[d1], input.shape[d2]
    n = max(0, min(rows_n, cols_n - offset) if offset >= 0 else min(rows_n + offset, cols_n))
    rows = np.arange(n) + max(-offset, 0)
    cols = np.arange(n) + max(offset, 0)
    out = input.clone()
    if tuple(src.shape) != tuple(input.shape[i] for i in rest) + (n,):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = "
                           f"{[input.shape[i] for i in rest] + [n]}")
    view = out.permute(rest + [d1, d2])  # the diagonal's two dims last, adjacent
    index = (Ellipsis, creation.tensor(rows, device=input.device),
             creation.tensor(cols, device=input.device))
    view[index] = src
    return out


def _fill_diagonal_(self: Tensor, fill_value, wrap: bool = False) -> Tensor:
    """Write fill_value on the main diagonal (all indices equal), in place."""
    if self.dim() < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.dim() > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(self.shape)
    steps = [np.arange(n)] * self.dim()
    if wrap and self.dim() == 2 and self.shape[0] > self.shape[1] + 1:
        rows = np.arange(self.shape[0])
        keep = rows % (self.shape[1] + 1) != self.shape[1]
        rows = rows[keep]
        steps = [rows, rows % (self.shape[1] + 1)]
    index = tuple(creation.tensor(s.astype(np.int64), device=self.device) for s in steps)
    self[index] = fill_value
    return self


Tensor.fill_diagonal_ = _fill_diagonal_


@register()
@method("renorm")
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along dim whose p-norm exceeds maxnorm scaled down to norm maxnorm."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if input.dim() < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} "
                           f"dimensions")
    d = _wrap_dim(dim, input.dim())
    others = tuple(i for i in range(input.dim()) if i != d)
    norm = input.norm(p, others, keepdim=True) if others else input.abs()
    from .pointwise import where

    return input * where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


@register()
@method("ldexp")
@one_node("LdexpBackward0", "input", "other", saves={"other": ("input",), "result": ()})
def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """input * 2 ** other, as std::ldexp scales: worked out in float64 (a power of two that
    overflows the result's dtype on its own, as 2**200 in float16, still scales a small
    input right, and a zero stays zero), then rounded to the result's dtype."""
    input, other = tensor_pair("ldexp", input, other)
    if other.dtype.name == "bool" and input.is_floating_point():  # (its float kernel's)
        raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")
    rt = _dtypes.float_result_type(input, other)
    if not input.is_floating_point():  # (PyTorch: input * 2 ** other, in the result's dtype)
        return input.to(rt) * (2.0 ** other.to(rt))
    if other.is_floating_point():  # (its kernel: 2 ** other in other's dtype, then times)
        return input.to(rt) * (2.0 ** other).to(rt)
    wide = _dtypes.float64
    scaled = input.to(wide) * (2.0 ** other.to(wide))
    from .pointwise import where

    return where(input == 0, input.to(wide) * 0.0, scaled).to(rt)


@method("frexp")
def frexp(input: Tensor):
    """(mantissa in [0.5, 1), integer exponent) with input = mantissa * 2 ** exponent."""
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    from collections import namedtuple

    _, e = backends.of(input._data).xp.frexp(input._data)
    exponent = _wrap(e.astype(np.int32))
    return namedtuple("frexp", ["mantissa", "exponent"])(_mantissa(input, exponent), exponent)


@one_node("FrexpBackward0", "input", saves=("exponent",))
def _mantissa(input: Tensor, exponent: Tensor) -> Tensor:
    """input / 2 ** exponent, exactly frexp's mantissa (differentiable, as PyTorch's; the
    scale in float64, which holds 2 ** 149 for float32's smallest numbers)."""
    return (input.double() * (2.0 ** -exponent.double())).to(input.dtype)


def _integer_op(ufunc_name: str):
    """gcd/lcm: integer-only binary ops sharing the bitwise ops' checks and promotion."""
    def kernel(a, b):
        if a.dtype == np.bool_:
            raise NotImplementedError(f"\"{ufunc_name}_cpu\" not implemented for 'Bool'")
        return getattr(backends.of(a).xp, ufunc_name)(a, b)

    return method(ufunc_name)(_logical(kernel, ufunc_name, numbers=False))


gcd = _integer_op("gcd")
lcm = _integer_op("lcm")


class NextafterBackward0(Node):
    """The next float after x towards y: a step too small to differentiate, so x's
    gradient passes through and y's is zero (PyTorch's formula; both saved, as PyTorch
    saves them, though unread)."""

    __slots__ = ()

    def grad(self, F, g, _x, _y):
        return g, F.zeros_like(g)


@method("nextafter")
def nextafter(input: Tensor, other: Tensor) -> Tensor:
    input, other = tensor_pair("nextafter", input, other)
    rt = _dtypes.result_type(input, other)
    float_kernel_only(rt, "nextafter_cpu")
    ad, bd = cast_operands("nextafter", input, other)
    out = backends.of(ad).xp.nextafter(ad, bd)
    if recording(input, other):
        res = record(NextafterBackward0, out, (input, other), (input, other))
        res._edge[0]._reduce = reduce_info(input._data.shape, other._data.shape, out.shape,
                                           input._data.dtype, other._data.dtype, out.dtype)
        return res
    return _wrap(out)


isposinf = array_predicate("isposinf")
isneginf = array_predicate("isneginf")


@method("isreal")
def isreal(input: Tensor) -> Tensor:
    return _wrap(backends.of(input._data).xp.ones(input._data.shape, dtype=bool))


@register()
@method("addbmm")
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (sum over the batch of batch1[i] @ batch2[i])."""
    prod = (batch1 @ batch2).sum(0)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        return prod + input.new_zeros(()).expand(tuple(input.shape))
    return (input if beta == 1 else input * beta) + prod


def chain_matmul(*matrices) -> Tensor:
    """PyTorch's deprecated spelling of linalg.multi_dot for matrices only (one is cloned)."""
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    from ..linalg import multi_dot

    return multi_dot(list(matrices))


for _name in ("scatter_reduce", "index_reduce", "masked_scatter", "put", "renorm", "ldexp",
              "gcd", "lcm", "nextafter", "addbmm"):
    _unary_inplace(_name + "_", globals()[_name])
_masked_scatter_into = Tensor.masked_scatter_


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In place, the mask expands to self's shape (never the other way), in PyTorch's words."""
    if isinstance(mask, Tensor) and mask.dim() > self.dim():
        kind = f"{'CUDA' if self.is_cuda else 'CPU'}{_legacy(mask.dtype)}Type"
        raise RuntimeError(f"expand({kind}{{{list(mask.shape)}}}, size={list(self.shape)}): the "
                           f"number of sizes provided ({self.dim()}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({mask.dim()})")
    if isinstance(mask, Tensor) and tuple(mask.shape) != tuple(self.shape):
        mask.expand(tuple(self.shape))  # (its error, when the shapes do not fit)
    return _masked_scatter_into(self, mask, source)


Tensor.masked_scatter_ = masked_scatter_
