"""More of PyTorch's functions, each built from the op table's differentiable ops (so their
first and higher derivatives come from those ops): clip, atan2, logsumexp, lerp, addmm and
friends, index_select, narrow, select, movedim, the stacks, tile, roll, diag, diagonal,
trace, take_along_dim, meshgrid, repeat_interleave, nan_to_num, std_mean, var_mean,
aminmax, dist, logical_xor."""
from __future__ import annotations

import math
import warnings
from collections import namedtuple

import numpy as np

from .. import _dtypes, backends
from ..autograd.function import named_function
from ..autograd.node import Node
from ..tensor import Tensor, _wrap, _wrap_dim
from ._core import (int_dim, invalid_arguments, method, missing_arguments, not_tensor, record,
                    recording, reduce_info, register, tensor_args, to_float, wrap_dims)
from .pointwise import (_broadcast_chain_error, clamp, computed_as, isinf, isnan, logical_and,
                        logical_not, logical_or, tensor_pair, where)
from .reduction import _return_type
from .shape import _shape_arg, cat, check_elements
from .one_node import call_as_one_node, one_node


def _tensor_like(value, like: Tensor) -> Tensor:
    return value if isinstance(value, Tensor) else _wrap(
        backends.of(like._data).xp.asarray(value, dtype=like._data.dtype))


def _index(values, like: Tensor) -> Tensor:
    """An int64 index tensor on like's device."""
    return _wrap(backends.of(like._data).asarray(np.asarray(values, np.int64)))


@register()
@method("clip")
def clip(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    return clamp(input, min, max)


class Atan2Backward0(Node):
    __slots__ = ()

    def grad(self, F, g, y, x):
        denom = x * x + y * y  # (broadcast gradients are summed back by the node's _reduce)
        return g * x / denom, -g * y / denom


@register()
@method("atan2", "arctan2")
def atan2(input: Tensor, other: Tensor) -> Tensor:
    input, other = tensor_pair("atan2", input, other)
    from .._dtypes import result_type

    dt = result_type(input, other)
    np_dt = dt.np if dt.is_floating_point else np.dtype(np.float32)
    y, x = (to_float(t._data).astype(np_dt, copy=False) for t in (input, other))
    out = backends.of(y).xp.arctan2(y, x)
    if recording(input, other):
        res = record(Atan2Backward0, out, (input, other),
                     (computed_as(input, y), computed_as(other, x)))
        res._edge[0]._reduce = reduce_info(input._data.shape, other._data.shape, out.shape,
                                           input._data.dtype, other._data.dtype, out.dtype)
        return res
    return _wrap(out)


arctan2 = atan2


@register()
@method("logsumexp")
@one_node("LogsumexpBackward0", "input", saves=("input", "result"))
def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over dim, shifted by the (detached) maximum so it cannot overflow."""
    x = input if input.is_floating_point() else input.float()
    dims = tuple(wrap_dims(dim, x.dim())) if x.dim() else wrap_dims(dim, 0)[:0]
    shift = x.detach().amax(dims, keepdim=True) if x.numel() else x.detach().sum(
        dims, keepdim=True)
    shift = where(isinf(shift), 0.0, shift)
    out = (x - shift).exp().sum(dims, keepdim=True).log() + shift
    return out if keepdim or not dims else out.squeeze(dims)


@register()
@method("lerp")
def lerp(input: Tensor, end: Tensor, weight) -> Tensor:
    _check_lerp(input, end, weight)
    if isinstance(weight, Tensor):
        return _lerp_tensor(input, end, weight)
    return _lerp_scalar(input, end, weight)


def _check_lerp(input, end, weight) -> None:
    """PyTorch's checks, in its order: argument kinds, dtypes (no promotion), kernel, shapes."""
    if not (isinstance(input, Tensor) and isinstance(end, Tensor) and
            isinstance(weight, (Tensor, int, float))):
        raise invalid_arguments("lerp", (input, end, weight))
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype != input.dtype and (name == "end" or t.dim()):
            raise RuntimeError(f"expected dtype {_dtypes.C_NAMES[input.dtype.np.name]} for "
                               f"`{name}` but got dtype {_dtypes.C_NAMES[t.dtype.np.name]}")
    shapes = [tuple(t.shape) for t in (input, end, weight) if isinstance(t, Tensor)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise _broadcast_chain_error(shapes) from None
    if isinstance(weight, (int, float)) and input.is_floating_point():
        _dtypes.scalar_for(weight, input._data.dtype)  # (PyTorch's overflow check)
    if not isinstance(weight, Tensor) and not input.is_floating_point():
        from .inplace import _legacy

        raise NotImplementedError(f"\"lerp_kernel_scalar\" not implemented for "
                                  f"'{_legacy(input.dtype)}'")


def _lerp(input: Tensor, end: Tensor, weight) -> Tensor:
    """input + weight * (end - input), written as PyTorch does for weights of 0.5 and up
    (end - (end - input) * (1 - weight)) so both ends are exact."""
    diff = end - input
    if not isinstance(weight, Tensor):
        return input + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
    return where(weight.abs() < 0.5, input + weight * diff, end - diff * (1 - weight))


# (what PyTorch saves: the weight for the ends' gradients, the ends for the weight's)
_lerp_tensor = one_node("LerpBackward1", "input", "end", "weight", saves={
    "input": ("weight",), "end": ("weight",), "weight": ("input", "end")})(_lerp)
_lerp_scalar = one_node("LerpBackward0", "input", "end", saves=())(_lerp)


def _scaled_sum(input: Tensor, product: Tensor, beta, alpha) -> Tensor:
    """beta * input + alpha * product; beta == 0 ignores input (NaN in it does not spread)."""
    product = product if alpha == 1 else product * alpha
    if beta == 0:  # input's gradient is zero, and its values are not read
        take = _wrap(backends.of(product._data).xp.ones((), bool))
        return where(take, product, input)
    return (input if beta == 1 else input * beta) + product


@register()
@method("addmm")
@one_node("AddmmBackward0", "input", "mat1", "mat2",
          saves={"mat1": ("mat2",), "mat2": ("mat1",)})
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    return _scaled_sum(input, mat1.mm(mat2), beta, alpha)


@register()
@method("addmv")
@one_node("AddmvBackward0", "input", "mat", "vec", saves={"mat": ("vec",), "vec": ("mat",)})
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    return _scaled_sum(input, mat.mv(vec), beta, alpha)


@register()
@method("baddbmm")
@one_node("BaddbmmBackward0", "input", "batch1", "batch2",
          saves={"batch1": ("batch2",), "batch2": ("batch1",)})
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    return _scaled_sum(input, batch1.bmm(batch2), beta, alpha)


@register()
@method("index_select")
@one_node("IndexSelectBackward0", "input", saves=("index",))
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.is_floating_point or index.dtype.is_complex:
        raise RuntimeError(f"index_select(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype}")
    d = _wrap_dim(dim, max(input.dim(), 1))
    idx, n = index._data, (input.shape[d] if input.dim() else 1)
    if idx.__class__ is np.ndarray and idx.size and (idx.min() < 0 or idx.max() >= n):
        if d == 1 and input.dim() > 1:  # (PyTorch's CPU kernel for dim 1 words it so)
            bad = idx.reshape(-1)[(idx.reshape(-1) < 0) | (idx.reshape(-1) >= n)][0]
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
        raise IndexError("index out of range in self")
    if input.dim() == 0:
        if index.numel() != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got "
                               f"{index.numel()} value(s)")
        return input.reshape(1)[index.reshape(-1)].reshape(())
    return input[(slice(None),) * d + (index.reshape(-1),)]


# -- scatter and index_add families: put values at index positions, as differentiable
# compositions (indexing, and the scatter-add that is its gradient) ---------------------------
def _scatter_coords(input: Tensor, dim: int, index: Tensor, name: str, src=None):
    """The full coordinates that scatter's (dim, index) address in input."""
    backend = backends.of(input._data)
    idx = index._data
    d = _wrap_dim(dim, max(input.dim(), 1))
    if index.dtype.is_floating_point or idx.dtype == np.bool_:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if idx.ndim == 0 and input.dim() == 1:  # (PyTorch counts a 0-d index as 1-d)
        idx = idx.reshape(1)
    if idx.ndim != input.dim():
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    src_shape = tuple(src.shape) if isinstance(src, Tensor) else None
    if any((k != d and idx.shape[k] > input.shape[k]) or (
            src_shape is not None and idx.shape[k] > src_shape[k]) for k in range(idx.ndim)):
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                           f"{list(input.shape)} apart from dimension {d}" + (
                               f" and to be no larger size than src {list(src_shape)}"
                               if src_shape is not None else ""))
    n = input.shape[d]
    if idx.__class__ is np.ndarray and idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)][0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    grid = list(backend.open_grid(idx.shape))
    grid[d] = idx
    return tuple(grid), tuple(slice(0, k) for k in idx.shape)


def _check_index(index: Tensor, name: str) -> None:
    """index_add/index_copy/index_fill's index: a vector (or a scalar) of integers, in each
    op's own words (PyTorch's kernels word them differently)."""
    dt = index.dtype.name
    if index.dim() > 1:
        if name == "index_add":
            raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                             f"{index.dim()} with type: {_legacy_name(index)} and size: "
                             f"{list(index.shape)}")
        if name == "index_copy":
            raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got "
                             f"{index.dim()})")
        raise RuntimeError("Index has to be a vector/scalar")
    if name == "index_add" and dt not in ("int32", "int64"):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{_legacy_name(index)}")
    if name == "index_copy" and dt != "int64":
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_legacy_name(index)}")
    if name == "index_fill" and dt != "int64":
        raise IndexError("index_fill_(): Expected dtype int64 for index.")


def _index_coords(input: Tensor, dim: int, index: Tensor, source_shape: tuple, name: str):
    """Coordinates in input of each element of `source`, whose slice k along dim goes to
    input's slice index[k] (index_add, index_copy)."""
    backend = backends.of(input._data)
    d = _wrap_dim(dim, max(input.dim(), 1))
    _check_index(index, name)
    idx = index._data.reshape(-1)
    if len(source_shape) and source_shape[d] != idx.shape[0]:
        raise RuntimeError(f"{name}_(): Number of indices ({idx.shape[0]}) should be equal to "
                           f"source.size(dim): ({source_shape[d]}), for dim: {d}")
    if len(source_shape) == input.dim() and input.dim() and any(
            source_shape[k] != input.shape[k] for k in range(input.dim()) if k != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source_shape)}")
    n = input.shape[d] if input.dim() else 1
    low = -n if name == "index_fill" else 0  # (only index_fill counts from the end)
    if idx.__class__ is np.ndarray and idx.size and (idx.min() < low or idx.max() >= n):
        bad = idx[(idx < low) | (idx >= n)][0]
        words = f"index {bad} is out of bounds for dimension {d} with size {n}"
        if name == "index_add":  # (a vector's kernel words it as index_select does)
            raise IndexError("index out of range in self") if input.dim() <= 1 else \
                RuntimeError(words)
        raise IndexError(f"index_copy_(): {words}" if name == "index_copy" else words)
    grid = list(backend.open_grid(source_shape))
    if grid:
        shape = [1] * len(source_shape)
        shape[d] = -1
        grid[d] = idx.reshape(shape)
    return tuple(grid)


def _constant_mask(input: Tensor, coords) -> Tensor:
    backend = backends.of(input._data)
    ones = backend.xp.ones(np.broadcast_shapes(*[c.shape for c in coords]), bool)
    return _wrap(backend.index_add(tuple(input.shape), coords, ones, accumulate=False))


def _put(input: Tensor, coords, values, accumulate: bool) -> Tensor:
    from .indexing import index_add_zeros

    if not isinstance(values, Tensor):
        values = _wrap(backends.of(input._data).xp.full(
            np.broadcast_shapes(*[c.shape for c in coords]), values, input._data.dtype))
    return index_add_zeros(tuple(input.shape), coords, values.to(input.dtype), accumulate)


@register()
@method("scatter")
def scatter(input: Tensor, dim: int, index: Tensor, src=None, *, value=None,
            reduce=None) -> Tensor:
    """input with src (or a scalar value) written at index along dim."""
    if reduce is not None:
        return _scatter_reduced(input, dim, index, value if src is None else src, reduce)
    if input.dim() == 0:  # (as a 1-d tensor of one element, as PyTorch)
        return scatter(input.reshape(1), dim, index, src, value=value).reshape(())
    src = value if src is None else src
    if isinstance(src, Tensor) and src.dim() == 0:
        src = src.reshape(1)
    coords, part = _scatter_coords(input, dim, index, "scatter", src)
    if isinstance(src, Tensor):
        return _scatter_values(input, coords, src[part])
    return _scatter_value(input, coords, src)


def _scatter_reduced(input: Tensor, dim: int, index: Tensor, src, reduce: str) -> Tensor:
    """scatter(..., reduce='add' | 'multiply'): scatter_reduce including input's values, as
    PyTorch's older form (it defines no derivative for it: a backward says so)."""
    from ..autograd.grad_mode import no_grad
    from .placement import scatter_reduce
    from .pointwise import NotImplementedBackward

    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if isinstance(src, Tensor):
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and "
                      "will be removed in a future PyTorch release. Use torch.scatter_reduce "
                      "instead for more reduction options.", UserWarning, stacklevel=3)
        values = src
    else:
        values = _wrap(backends.of(input._data).xp.full(tuple(index.shape), src,
                                                         input._data.dtype))
    with no_grad():
        out = scatter_reduce(input, dim, index, values, "sum" if reduce == "add" else "prod")
    ins = [t for t in (input, src) if isinstance(t, Tensor) and t.requires_grad]
    if ins and recording(*ins):
        res = record(NotImplementedBackward, out._data, tuple(ins))
        res._edge[0].op = "scatter"
        return res
    return out


def _scatter_body(input: Tensor, coords, values) -> Tensor:
    return where(_constant_mask(input, coords), _put(input, coords, values, False), input)


# (PyTorch's nodes save only the index)
_scatter_values = one_node("ScatterBackward0", "input", "values", saves=("index",))(
    _scatter_body)
_scatter_value = one_node("ScatterBackward1", "input", saves=("index",))(_scatter_body)


@register()
@method("scatter_add")
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    if src.dim() == 0:
        src = src.reshape(1)
    coords, part = _scatter_coords(input, dim, index, "scatter_add", src)
    return _scatter_added(input, coords, src[part])


@one_node("ScatterAddBackward0", "input", "values", saves=("index",))
def _scatter_added(input: Tensor, coords, values: Tensor) -> Tensor:
    return input + _put(input, coords, values, True)


@register()
@method("index_add")
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    if not isinstance(source, Tensor):
        raise not_tensor("index_add", "source", 4, source)
    _check_index(index, "index_add")
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_add_(): self ({_legacy_name(input)}) and source "
                           f"({_legacy_name(source)}) must have the same scalar type")
    coords = _index_coords(input, dim, index, tuple(source.shape), "index_add")
    return _index_added(input, coords, source, alpha)


@one_node("IndexAddBackward0", "input", "source", saves=("index", "source"))
def _index_added(input: Tensor, coords, source: Tensor, alpha) -> Tensor:
    added = _put(input, coords, source, True)
    return input + (added if alpha == 1 else added * alpha)


@register()
@method("index_copy")
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    coords = _index_coords(input, dim, index, tuple(source.shape), "index_copy")
    return where(_constant_mask(input, coords), _put(input, coords, source, False), input)


@register()
@method("index_fill")
def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    d = _wrap_dim(dim, max(input.dim(), 1))
    if isinstance(value, Tensor) and value.dim():
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.dim()} dimension(s).")
    if isinstance(value, Tensor) and value.dtype != input.dtype:
        value = value.to(input.dtype)  # (a fill: the result keeps the input's dtype)
    if isinstance(value, (int, float)):
        _dtypes.scalar_for(value, input._data.dtype)  # (PyTorch's overflow check)
    shape = list(input.shape)
    shape[d] = index.numel()
    coords = _index_coords(input, d, index, tuple(shape), "index_fill")
    if not isinstance(value, Tensor):
        return call_as_one_node("IndexFillBackward0", ("input",), _index_filled, input, coords,
                                value)
    return call_as_one_node("IndexFillBackward1", ("input", "value"), _index_filled, input,
                            coords, value)


def _index_filled(input: Tensor, coords, value) -> Tensor:
    return where(_constant_mask(input, coords), value, input)


@register()
@method("narrow")
def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    start = start + size if start < 0 else start
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return input[(slice(None),) * d + (slice(start, start + length),)]


@register()
@method("select")
def select(input: Tensor, dim: int, index: int) -> Tensor:
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return input[(slice(None),) * d + (index,)]


@register()
@method("movedim", "moveaxis")
def movedim(input: Tensor, source, destination) -> Tensor:
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    n = input.dim()
    src, dst = [_wrap_dim(d, n) for d in src], [_wrap_dim(d, n) for d in dst]
    if n == 0:
        return input.permute(())
    order = [d for d in range(n) if d not in src]
    for s, t in sorted(zip(dst, src)):
        order.insert(s, t)
    return input.permute(*order)


moveaxis = movedim


@register()
@method("swapaxes", "swapdims")
def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    return input.transpose(axis0, axis1)


swapdims = swapaxes


def _atleast(t: Tensor, n: int) -> Tensor:
    if t.dim() >= n:
        return t
    if n == 3 and t.dim() == 2:
        return t.unsqueeze(-1)
    if n == 3 and t.dim() == 1:
        return t.reshape(1, -1, 1)
    return t.reshape((1,) * (n - max(t.dim(), 1)) + (tuple(t.shape) or (1,)))


def atleast_1d(*tensors):
    out = [_atleast(t, 1) for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*tensors):
    out = [_atleast(t, 2) for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_3d(*tensors):
    out = [_atleast(t, 3) for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def _flat(tensors):
    return tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) \
        else tensors


def _stacked(tensors, name: str) -> list:
    """The list a stacking function takes, checked in PyTorch's words."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not Tensor")
    check_elements(tensors)
    if not len(tensors):
        raise RuntimeError(f"{'vstack' if name == 'row_stack' else name} expects a non-empty "
                           f"TensorList")
    return list(tensors)


@register()
def hstack(tensors) -> Tensor:
    tensors = _stacked(tensors, "hstack")
    ts = [_atleast(t, 1) for t in tensors]
    return cat(ts, 0 if ts[0].dim() == 1 else 1)


@register()
def vstack(tensors) -> Tensor:
    return cat([_atleast(t, 2) for t in _stacked(tensors, "vstack")], 0)


@register()
def row_stack(tensors) -> Tensor:
    return cat([_atleast(t, 2) for t in _stacked(tensors, "row_stack")], 0)


@register()
def dstack(tensors) -> Tensor:
    tensors = _stacked(tensors, "dstack")
    return cat([_atleast(t, 3) for t in tensors], 2)


@register()
def column_stack(tensors) -> Tensor:
    tensors = _stacked(tensors, "column_stack")
    return cat([t.reshape(-1, 1) if t.dim() <= 1 else t for t in tensors], 1)


@register()
@method("tile")
def tile(input: Tensor, dims) -> Tensor:
    if isinstance(dims, float) or (isinstance(dims, (tuple, list)) and any(
            isinstance(d, float) for d in dims)):
        raise TypeError("tile(): argument 'dims' (position 1) must be tuple of ints, not "
                        "float")
    dims = _shape_arg((dims,)) if not isinstance(dims, int) else (dims,)
    dims = (1,) * (input.dim() - len(dims)) + tuple(dims)
    return input.repeat(*dims)


@register()
@method("roll")
@one_node("RollBackward0", "input", saves=())
def roll(input: Tensor, shifts, dims=None) -> Tensor:
    if dims is None:
        return roll(input.flatten(), shifts, 0).view(tuple(input.shape))
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{len(dims)}")
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    if input.numel() == 0:
        return input.clone()
    out = input
    for shift, dim in zip(shifts, dims):
        d = _wrap_dim(dim, input.dim())
        n = input.shape[d]
        if n:
            out = index_select(out, d, _index((np.arange(n) - shift) % n, input))
    return out


@register()
@method("diag")
def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector on the k-th diagonal of a square matrix, or a matrix's k-th diagonal."""
    if input.dim() == 2:
        return input.diagonal(diagonal)
    if input.dim() != 1:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.dim()}D")
    return _diag_matrix(input, diagonal)


@one_node("DiagEmbedBackward0", "input", saves=())
def _diag_matrix(input: Tensor, diagonal: int) -> Tensor:
    k, n = abs(diagonal), input.shape[0]
    size = n + k
    from .. import creation

    mask = creation.eye(size, dtype=input.dtype, device=input.device)
    mask = mask.roll(diagonal, 1) if diagonal else mask
    keep = np.triu(np.ones((size, size), bool), diagonal) & np.tril(np.ones((size, size),
                                                                            bool), diagonal)
    mask = mask * _wrap(backends.of(input._data).asarray(keep.astype(input._data.dtype)))
    from .nn_ops import pad

    padded = pad(input, (0, k))
    return mask * (padded.unsqueeze(1) if diagonal >= 0 else padded.unsqueeze(0))


from .strided import diagonal  # noqa: E402  (a view now; re-exported here)


@register()
@method("trace")
@one_node("TraceBackward0", "input", saves=())
def trace(input: Tensor) -> Tensor:
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    return diagonal(input).sum()


@register()
@method("take_along_dim")
def take_along_dim(input: Tensor, indices: Tensor, dim=None) -> Tensor:
    if dim is None:
        return input.reshape(-1).gather(0, indices.reshape(-1))
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.dim()} dimensions for input, "
                           f"and {indices.dim()} dimensions for indices")
    d = _wrap_dim(dim, input.dim())
    shape = list(np.broadcast_shapes(
        tuple(s for i, s in enumerate(input.shape) if i != d) or (1,),
        tuple(s for i, s in enumerate(indices.shape) if i != d) or (1,)))
    in_shape = shape[:d] + [input.shape[d]] + shape[d:]
    idx_shape = shape[:d] + [indices.shape[d]] + shape[d:]
    return input.expand(*in_shape).gather(d, indices.expand(*idx_shape))


def meshgrid(*tensors, indexing: str | None = None):
    tensors = _flat(tensors)
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                      "the indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    ts = [t.reshape(-1) for t in tensors]
    if indexing == "xy" and len(ts) >= 2:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.shape[0] for t in ts)
    out = [t.reshape((1,) * i + (-1,) + (1,) * (len(ts) - i - 1)).expand(*shape)
           for i, t in enumerate(ts)]
    if indexing == "xy" and len(ts) >= 2:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


@register()
@method("repeat_interleave")
def repeat_interleave(input: Tensor, repeats=None, dim=None, *, output_size=None) -> Tensor:
    if repeats is None:  # repeat_interleave(counts): each index repeated by its count
        counts = input.detach().cpu().numpy()
        return _index(np.repeat(np.arange(len(counts)), counts), input)
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _wrap_dim(dim, input.dim())
    n = x.shape[d]
    reps = repeats.detach().cpu().numpy() if isinstance(repeats, Tensor) else repeats
    reps = np.broadcast_to(np.asarray(reps, np.int64).reshape(-1), (n,))
    if output_size is not None and int(reps.sum()) != output_size:
        raise RuntimeError("allocated size does not match required size" if isinstance(
            repeats, Tensor) else f"repeat_interleave: Invalid output_size, expected "
                                  f"{int(reps.sum())} but got {output_size}")
    return index_select(x, d, _index(np.repeat(np.arange(n), reps), input))


@register()
@method("nan_to_num")
@one_node("NanToNumBackward0", "input")
def nan_to_num(input: Tensor, nan: float = 0.0, posinf=None, neginf=None) -> Tensor:
    if not input.is_floating_point():
        return input.clone()
    info = np.finfo(input._data.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = where(isnan(input), nan, input)
    out = where(logical_and(isinf(input), input > 0), posinf, out)
    return where(logical_and(isinf(input), input < 0), neginf, out)


def _stat_mean(stat: str):
    node = named_function(f"{stat.capitalize()}MeanBackward0", _stat_mean_forward,
                          _stat_mean_backward)

    def fn(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        if isinstance(dim, bool):  # (std_mean(input, unbiased), a PyTorch signature)
            dim, unbiased = None, dim
        if correction is None:
            correction = 1 if unbiased is None else int(unbiased)
        return node.apply(input, stat, dim, correction, keepdim)

    fn.__name__ = f"{stat}_mean"
    fn.__doc__ = f"({stat}, mean) of input, as torch.{stat}_mean: one node, two outputs."
    return register()(fn)


def _stat_mean_forward(ctx, input, stat, dim, correction, keepdim):
    kw = dict(correction=correction, keepdim=keepdim)
    value = getattr(input, stat)(dim, **kw) if dim is not None else getattr(input, stat)(**kw)
    mean = input.mean(dim, keepdim=keepdim) if dim is not None else (
        input.mean().reshape((1,) * input.dim()) if keepdim else input.mean())
    # (as PyTorch saves them: the input, and std_mean its std)
    ctx.save_for_backward(input, value) if stat == "std" else ctx.save_for_backward(input)
    ctx.dim, ctx.correction, ctx.keepdim = dim, correction, keepdim
    return value, mean


def _stat_mean_backward(ctx, g_value, g_mean):
    x = ctx.saved_tensors[0]
    dims = _reduced_dims(x, ctx.dim)
    n = int(np.prod([x.shape[d] for d in dims], dtype=np.int64))
    dof = max(n - ctx.correction, 0)
    centered = x - x.mean(dims, keepdim=True)
    g_value = _unreduced(g_value, x, dims, ctx.keepdim)
    if len(ctx.saved_tensors) == 2:  # std: (x - mean) / (std dof), 0 where std is 0
        std = _unreduced(ctx.saved_tensors[1], x, dims, ctx.keepdim)
        gx = g_value * centered / (where(std == 0, 1.0, std) * dof)
    else:
        gx = g_value * centered * (2.0 / dof if dof else float("inf"))
    return gx + _unreduced(g_mean, x, dims, ctx.keepdim) / n, None, None, None, None


def _reduced_dims(x: Tensor, dim) -> tuple:
    if dim is None or x.dim() == 0:
        return tuple(range(x.dim()))
    return tuple(wrap_dims(dim, x.dim()))


def _unreduced(t: Tensor, x: Tensor, dims: tuple, keepdim: bool) -> Tensor:
    """A reduction's value or gradient with its reduced dims back (size 1), to broadcast
    against the input x."""
    if keepdim or t.dim() == x.dim():
        return t
    for d in sorted(dims):
        t = t.unsqueeze(d)
    return t


std_mean = _stat_mean("std")
var_mean = _stat_mean("var")

_aminmax = type("aminmax", (namedtuple("aminmax", ["min", "max"]),), {
    "__slots__": (),
    "__repr__": lambda self: (f"torch.return_types.aminmax(\nmin={self.min!r},\n"
                              f"max={self.max!r})")})


@method("aminmax")
def aminmax(input: Tensor, *, dim=None, keepdim: bool = False):
    if dim is not None:
        d = _wrap_dim(dim, input.dim())
        if input.dim() and input.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    elif input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    return _aminmax(*_Aminmax.apply(input, dim, keepdim))


def _aminmax_forward(ctx, input, dim, keepdim):
    if dim is None:
        lo, hi = input.amin(), input.amax()
        if keepdim:
            lo, hi = lo.reshape((1,) * input.dim()), hi.reshape((1,) * input.dim())
    else:
        lo, hi = input.amin(dim, keepdim=keepdim), input.amax(dim, keepdim=keepdim)
    ctx.save_for_backward(input, lo, hi)  # (as PyTorch saves them)
    ctx.dim, ctx.keepdim = dim, keepdim
    return lo, hi


def _aminmax_backward(ctx, g_min, g_max):
    """Each extreme's gradient shared evenly by the elements equal to it (as amin/amax)."""
    x, lo, hi = ctx.saved_tensors
    dims = _reduced_dims(x, ctx.dim)
    gx = 0
    for g, v in ((g_min, lo), (g_max, hi)):
        hit = (x == _unreduced(v, x, dims, ctx.keepdim)).to(x.dtype)
        gx = gx + hit * _unreduced(g, x, dims, ctx.keepdim) / hit.sum(dims, keepdim=True)
    return gx, None, None


_Aminmax = named_function("AminmaxBackward0", _aminmax_forward, _aminmax_backward)


@register()
@method("dist")
@one_node("DistBackward0", "input", "other", saves=("input", "other", "result"))
def dist(input: Tensor, other: Tensor, p=2) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("dist", "other", 2, other)
    diff = input - other
    if not diff.is_floating_point():
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {_legacy_name(diff)} instead.")
    return diff.norm(p)


@method("logical_xor")
def logical_xor(input: Tensor, other) -> Tensor:
    input, other = tensor_pair("logical_xor", input, other)
    a, b = input != 0, (other != 0 if isinstance(other, Tensor) else bool(other))
    return logical_or(logical_and(a, logical_not(b) if isinstance(b, Tensor) else not b),
                      logical_and(logical_not(a), b))


__all__ = ["scatter", "scatter_add", "index_add", "index_copy", "index_fill", "clip", "atan2",
           "arctan2", "logsumexp", "lerp", "addmm", "addmv", "baddbmm",
           "index_select", "narrow", "select", "movedim", "moveaxis", "swapaxes", "swapdims",
           "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack",
           "dstack", "column_stack", "tile", "roll", "diag", "diagonal", "trace",
           "take_along_dim", "meshgrid", "repeat_interleave", "nan_to_num", "std_mean",
           "var_mean", "aminmax", "dist", "logical_xor"]


# -- selection, counting and search ------------------------------------------------------------
_median, _kthvalue, _cummax, _cummin = (_return_type(n) for n in ("median", "kthvalue",
                                                                    "cummax", "cummin"))


def _kth_as_the_cpu_kernel(x: np.ndarray, order: np.ndarray, idx: np.ndarray, d: int,
                           k: int) -> np.ndarray:
    """idx, except on the lines where the k-th value is tied: there the index PyTorch's CPU
    quickselect (ops/_stl_select.py) leaves (within extra.py's emulation limits)."""
    from ._stl_select import kth_line

    from .extra import _STL_LINE_LIMIT, _STL_TOTAL_LIMIT

    n = x.shape[d]
    if n > _STL_LINE_LIMIT:
        return idx
    lines = np.moveaxis(x, d, -1).reshape(-1, n)
    ranked = np.moveaxis(order, d, -1).reshape(-1, n)
    kth = np.take_along_axis(lines, ranked[:, k:k + 1], 1)
    ties = (lines == kth).sum(1) > 1
    if lines.dtype.kind == "f":
        ties |= np.isnan(kth[:, 0]) & (np.isnan(lines).sum(1) > 1)
    if not ties.any() or ties.sum() * n > _STL_TOTAL_LIMIT:
        return idx
    picked = np.moveaxis(idx, d, -1).reshape(-1).copy()
    for r in np.flatnonzero(ties):
        picked[r] = kth_line(lines[r].tolist(), k)
    shape = np.moveaxis(idx, d, -1).shape
    return np.ascontiguousarray(np.moveaxis(picked.reshape(shape), -1, d))


def _kth(input: Tensor, k: int, dim: int, keepdim: bool, nan_wins: bool = False,
         quickselect: bool = False):
    """The k-th smallest (0-based) along dim, and its index; the value's gradient goes to
    that element (a gather). NaN sorts last; with `nan_wins` (median) a row holding a NaN
    gives its first NaN, as PyTorch's median does."""
    d = _wrap_dim(dim, max(input.dim(), 1))
    x = input if input.dim() else input.reshape(1)
    xp = backends.of(x._data).xp
    order = xp.argsort(x._data, axis=d, kind="stable")
    idx = xp.take(order, [k], axis=d)
    if quickselect and xp is np:
        idx = _kth_as_the_cpu_kernel(x._data, order, idx, d, k)
    if nan_wins and x._data.dtype.kind == "f":
        nan = xp.isnan(x._data)
        idx = xp.where(nan.any(axis=d, keepdims=True),
                       xp.argmax(nan, axis=d).reshape(idx.shape), idx)
    values = x.gather(d, _wrap(idx))
    idx_t = _wrap(idx.astype(np.int64))
    if not keepdim:
        values, idx_t = values.squeeze(d), idx_t.squeeze(d)
    return values, idx_t


def median_arguments(name: str, input: Tensor, dim, keepdim) -> bool:
    """median's and nanmedian's checks in PyTorch's order; the keepdim to use (keepdim given
    without dim is refused; a 0-d input keeps no dim)."""
    if keepdim is None:
        keepdim = False
    elif dim is None:
        raise missing_arguments(name, "dim")
    elif not input.dim():
        keepdim = False
    if dim is not None:
        _wrap_dim(dim, input.dim())  # (a bad dim is named before the dtype)
    if input._data.dtype == np.bool_:
        raise NotImplementedError(f"\"{'median_cpu' if dim is None else 'median_out'}\" not "
                                  f"implemented for 'Bool'")
    return keepdim


@method("median")
def median(input: Tensor, dim=None, keepdim=None):
    """The lower median (PyTorch's choice for an even count); with dim also its index."""
    keepdim = median_arguments("median", input, dim, keepdim)
    if dim is None:
        if input.numel() == 0:
            return _wrap(backends.of(input._data).xp.full((), np.nan, input._data.dtype))
        if input._data.dtype.kind != "f":  # (an integer median is one of the elements)
            flat = input.reshape(-1)
            return _kth(flat, (flat.numel() - 1) // 2, 0, False)[0]
        return call_as_one_node("MedianBackward0", ("input",), _median_all, input,
                                saves=("input", "result"))
    return call_as_one_node("MedianBackward1", ("input",), _median_dim, input, dim, keepdim,
                            saves=("indices",))


def _median_all(input: Tensor) -> Tensor:
    """The lower median; its gradient is shared evenly by the elements equal to it (as
    PyTorch's median without dim), and the value stays exactly the median."""
    flat = input.reshape(-1)
    value = _kth(flat, (flat.numel() - 1) // 2, 0, False, nan_wins=True)[0].detach()
    ties = (flat == value).to(flat.dtype)
    return value + ((flat - value) * ties).sum() / ties.sum()


def _median_dim(input: Tensor, dim: int, keepdim: bool):
    d = _wrap_dim(dim, max(input.dim(), 1))
    n = input.shape[d] if input.dim() else 1
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    return _median(*_kth(input, (n - 1) // 2, d, keepdim, nan_wins=True))


@method("kthvalue")
@one_node("KthvalueBackward0", "input", saves=("indices",))
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    d = _wrap_dim(dim, max(input.dim(), 1))
    if input._data.dtype == np.bool_ and input.dim():  # (a scalar needs no kernel)
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    n = input.shape[d] if input.dim() else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _kthvalue(*_kth(input, k - 1, d, keepdim and input.dim() > 0, quickselect=True))


def _legacy_name(t: Tensor) -> str:
    from .inplace import _legacy

    return _legacy(t.dtype)


def _cumulative_extreme(input: Tensor, dim: int, larger: bool):
    xp = backends.of(input._data).xp
    data = input._data
    if data.size == 0:  # (PyTorch returns an empty result before it looks at dim)
        return input.clone(), _wrap(xp.zeros(data.shape, np.int64))
    if data.ndim == 0 and dim not in (0, -1):
        raise IndexError(f"{'cummax' if larger else 'cummin'}(): Expected reduction dim -1 or 0 "
                         f"for scalar but got {dim}")
    d = _wrap_dim(dim, max(input.dim(), 1))
    n = data.shape[d] if data.ndim else 1
    shape = [1] * data.ndim
    if data.ndim:
        shape[d] = n
    positions = xp.arange(n).reshape(shape) if data.ndim else xp.zeros((), np.int64)
    backend = backends.of(data)
    acc = backend.running_extreme(data, d, larger) if data.ndim else data
    # the index of the latest element equal to the running extreme (PyTorch's tie rule); a
    # NaN, once met, is the extreme from there on, its index the latest NaN's (PyTorch's
    # kernel takes each NaN it meets)
    hit = data == acc
    if data.dtype.kind == "f":
        hit = hit | xp.isnan(data)
    hit = xp.where(hit, positions, -1)
    idx = backend.running_extreme(hit, d) if data.ndim else xp.zeros((), np.int64)
    idx_t = _wrap(idx.astype(np.int64))
    return input.gather(d, idx_t) if data.ndim else input.clone(), idx_t


@method("cummax")
@one_node("CummaxBackward0", "input")
def cummax(input: Tensor, dim: int):
    int_dim("cummax", dim)
    return _cummax(*_cumulative_extreme(input, dim, True))


@method("cummin")
@one_node("CumminBackward0", "input")
def cummin(input: Tensor, dim: int):
    int_dim("cummin", dim)
    return _cummin(*_cumulative_extreme(input, dim, False))


@method("masked_select")
@one_node("MaskedSelectBackward0", "input")
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    if mask.dtype is not _bool_dtype():
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    return input.expand(*shape)[mask.expand(*shape)]


def _bool_dtype():
    from .._dtypes import bool_

    return bool_


@method("nansum")
@one_node("NansumBackward0", "input", saves=("input",))
def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    clean = where(isnan(input), 0.0, input) if input.is_floating_point() else input
    return clean.sum(dim, keepdim=keepdim, dtype=dtype)


@method("nanmean")
def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    from .inplace import _legacy

    if not input.is_floating_point():
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex "
                           f"dtype but got {_legacy(input.dtype)}")
    if dtype is not None:
        from .._dtypes import to_dtype

        if not to_dtype(dtype).is_floating_point:
            raise RuntimeError(f"nanmean(): could not infer output dtype. Optional dtype must "
                               f"be either a floating point or complex dtype. Got: "
                               f"{_legacy(to_dtype(dtype))}")
        input = input.to(dtype)
    count = logical_not(isnan(input)).to(input.dtype)
    total = nansum(input, dim, keepdim)
    n = count.sum(dim, keepdim=keepdim)
    return total / n


class _NoDerivative(Node):
    __slots__ = ()

    def grad(self, F, g):
        raise NotImplementedError(f"the derivative for '{self.op}' is not implemented.")


# unique's nodes, named as PyTorch names them; their backward raises PyTorch's error
_UNIQUE_NODES = {dim: type(name, (_NoDerivative,), {"__slots__": (), "op": op})
                 for dim, name, op in ((False, "Unique2Backward0", "_unique2"),
                                       (True, "UniqueDimBackward0", "unique_dim"))}


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None):
    """The distinct values (sorted), optionally with each element's position among them
    and the counts; not differentiable, as in PyTorch."""
    backend = backends.of(input._data)
    xp = backend.xp
    if dim is not None:  # (distinct slices along dim, sorted; computed on the host)
        d = _wrap_dim(dim, max(input.dim(), 1))
        values, inverse, counts = np.unique(backend.to_host(input._data), return_inverse=True,
                                            return_counts=True, axis=d)
        values, inverse, counts = (backend.asarray(a) for a in (values, inverse.reshape(-1),
                                                                counts))
    else:
        values, inverse, counts = xp.unique(input._data, return_inverse=True,
                                            return_counts=True)
        inverse = inverse.reshape(input._data.shape)
    out = [_wrap(values)]
    if recording(input):  # (a graph whose backward says there is no derivative, as PyTorch's)
        out[0] = record(_UNIQUE_NODES[dim is not None], values, (input,))
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    if input._data.dtype.kind not in "iu":  # (PyTorch's kernel is for integers only)
        from .inplace import _legacy

        raise NotImplementedError(f"\"bincount_cpu\" not implemented for "
                                  f"'{_legacy(input.dtype)}'")
    if input.dim() != 1 or input.dtype.is_floating_point or (
            input.numel() and bool((input._data < 0).any())):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    xp = backends.of(input._data).xp
    w = None if weights is None else weights._data
    out = xp.bincount(input._data, w, minlength)
    return _wrap(out if w is not None else out.astype(np.int64))


def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False,
                 right: bool = False, side=None, sorter=None) -> Tensor:
    xp = backends.of(sorted_sequence._data).xp
    where = "torch.searchsorted():"
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"{where} side can only be 'left' or 'right' but got {side}")
    if side == "left" and right:
        raise RuntimeError(f"{where} side and right can't be set to opposites, got side of left "
                           f"while right was True")
    side = side or ("right" if right else "left")
    values = input._data if isinstance(input, Tensor) else input
    seq = sorted_sequence._data
    if seq.ndim != 1:
        if not isinstance(input, Tensor) or input.dim() == 0:
            raise RuntimeError(f"{where} input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({seq.ndim}) "
                               f"and input value's dim(0) numel(1)")
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(f"{where} boundaries tensor should be 1 dimension or the first "
                               f"N-1 dimensions of boundaries tensor and input value tensor "
                               f"must match, but we got boundaries tensor {list(seq.shape)} and "
                               f"input value tensor {list(values.shape)}")
    if sorter is not None:
        if sorter.dtype.name != "int64":
            raise RuntimeError(f"{where} sorter must be a tensor of long dtype but got dtype "
                               f"{_legacy_name(sorter)}")
        if tuple(sorter.shape) != seq.shape:
            raise RuntimeError(f"{where} boundary and sorter must have the same size, but got "
                               f"boundary tensor {list(seq.shape)}and got sorter tensor "
                               f"{list(sorter.shape)}")
    if sorter is not None:  # (the sequence in the order sorter gives: positions in that order)
        seq = xp.take_along_axis(seq, sorter._data, -1)
    if seq.ndim == 1:
        out = xp.searchsorted(seq, values, side=side)
    else:
        out = xp.stack([xp.searchsorted(s, v, side=side) for s, v in zip(
            seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1]))]).reshape(
            values.shape)
    return _wrap(xp.asarray(out).astype(np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    if isinstance(boundaries, Tensor) and boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def broadcast_shapes(*shapes):
    """The shape all of shapes broadcast to; the first that does not fit is named with the
    shape built so far, scanning each from the right, in PyTorch's words."""
    from ..tensor import Size

    shapes = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    if not shapes:
        return Size(())
    for shape in shapes:
        if not isinstance(shape, (tuple, list)):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a "
                               f"list of ints, got {shape}")
    result = [1] * max(len(shape) for shape in shapes)
    for k, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == result[i]:
                continue
            if result[i] == 1:
                if shape[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative "
                                     "length!")
                result[i] = shape[i]
            elif shape[i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[i]} "
                                   f"at {i}! Mismatching argument at index {k} had {shape}; "
                                   f"but expected shape should be broadcastable to {result}")
    return Size(result)


@one_node("CdistBackward0", "x1", "x2", saves=("x1", "x2", "result"))
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode="use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """Pairwise distances between the rows of x1 and x2 (batched over leading dims); the
    2-norm's gradient is 0 at zero distance, as PyTorch's."""
    if compute_mode not in ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    tensor_args("cdist", x1=x1, x2=x2)
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{t.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if not t.is_floating_point():
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{_legacy_name(t)}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {_legacy_name(x1)} but found "
                           f"{_legacy_name(x2)}")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return diff.norm(p, -1) if p != 2 else diff.norm(2, -1)


def cross(input: Tensor, other: Tensor, dim=None) -> Tensor:
    """torch.cross: with no dim, the first dimension of size 3 (PyTorch's old default)."""
    from .. import linalg

    if not isinstance(other, Tensor):
        raise not_tensor("cross", "other", 2, other)
    if dim is None:  # (PyTorch looks in the input's own shape, before anything else)
        if 3 not in input.shape:
            raise RuntimeError("no dimension of size 3 in input")
        dim = list(input.shape).index(3)
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    linalg.check_cross_sizes(input, other, dim)
    if input.dtype != other.dtype:
        raise RuntimeError(f"expected scalar type {_legacy_name(input)} but found "
                           f"{_legacy_name(other)}")
    return linalg.cross(input, other, dim=dim)


__all__ += ["median", "kthvalue", "cummax", "cummin", "masked_select", "nansum", "nanmean",
            "unique", "bincount", "searchsorted", "bucketize", "broadcast_shapes", "cdist",
            "cross"]


def check_bins(bins: int) -> None:
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")


def _c_double(v: float) -> str:
    """A double as PyTorch's error messages print it (C++ streams: 1, 2.5, inf; a NaN its
    kernels produce prints as -nan)."""
    return "-nan" if v != v else f"{v:g}"


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """Counts in `bins` equal bins over [min, max] (the data's range when both are 0),
    values outside ignored, as torch.histc; not differentiable."""
    from .pointwise import float_kernel_only

    float_kernel_only(input.dtype, "histogram_cpu")
    check_bins(bins)
    xp = backends.of(input._data).xp
    data = input._data.reshape(-1)
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and data.size:  # (PyTorch 2.x: any empty range, not only 0 to 0)
        lo, hi = float(data.min()), float(data.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_c_double(lo)}, {_c_double(hi)}] is not "
                           f"finite")
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = xp.histogram(data, bins=bins, range=(lo, hi))
    return _wrap(counts.astype(input._data.dtype))


__all__ += ["histc"]
