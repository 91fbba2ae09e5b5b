"""Indexing: `x[idx]` with ints, slices, None, Ellipsis, integer arrays and boolean masks.

Basic indexing returns a view (as in PyTorch, even `x[0, 0]`); advanced indexing copies. The
gradient scatters back into zeros of the input's shape; repeated indices accumulate.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import _dtypes, backends
from ..autograd.node import NO_EDGE, Node
from ..tensor import Tensor, _wrap
from .one_node import call_as_one_node, one_node
from ._core import invalid_arguments, method, record, recording, register
from .shape import view_of


def _sequence_as_tuple(index) -> bool:
    """PyTorch's (and old NumPy's) rule: a short list holding a sequence, slice, tensor, None
    or Ellipsis is a tuple of indices (x[[[0], [1]]] is x[[0], [1]]), not one index."""
    if not isinstance(index, list) or len(index) >= 32:
        return False
    return any(isinstance(item, (list, tuple, range, slice, Tensor, np.ndarray)) or
               item is None or item is Ellipsis for item in index)


def _dims_taken(index: tuple) -> int:
    """How many of the tensor's dims an index tuple consumes (a bool mask its own rank)."""
    n = 0
    for item in index:
        if item is None or item is Ellipsis or isinstance(item, bool):
            continue
        data = item._data if isinstance(item, Tensor) else item
        dtype = getattr(data, "dtype", None)
        n += data.ndim if dtype is not None and dtype.kind == "b" else 1
    return n


def _layout_step(item, k: int, index: tuple, dims: list, d: int) -> int | None:
    """One step of PyTorch's walk through an index that indexes nothing: None and booleans
    insert a dim of 1 (into `dims`), an Ellipsis jumps to the dims the rest of the index
    takes. The new position, or None for an item that indexes."""
    if item is None or isinstance(item, (bool, np.bool_)):
        dims.insert(d, 1)
        return d + 1
    if item is Ellipsis:
        return len(dims) - _dims_taken(index[k + 1:])
    return None


def int_out_of_range(shape: tuple, index: tuple) -> IndexError | None:
    """PyTorch's walk through an index (applySlicing): integers select as it goes, so the
    first one outside its dim is the error; the message's "dimension" is the integer's
    position in the index, its size that of the dim it selects from."""
    dims, d = list(shape), 0
    for k, item in enumerate(index):
        moved = _layout_step(item, k, index, dims, d)
        if moved is not None:
            d = moved
        elif isinstance(item, (int, np.integer)) or (
                isinstance(item, Tensor) and item._data.ndim == 0
                and item._data.dtype.kind in "iu"):
            i = int(item)
            if d >= len(dims):
                return IndexError(f"too many indices for tensor of dimension {len(shape)}")
            if not -dims[d] <= i < dims[d]:
                return IndexError(f"index {i} is out of bounds for dimension {k} with size "
                                  f"{dims[d]}")
            dims.pop(d)
        else:
            d += _dims_taken((item,))
    return None


def tensor_out_of_range(shape: tuple, index: tuple) -> IndexError | None:
    """The first out-of-range value of an integer index tensor, in PyTorch's words: the
    advanced-indexing kernel moves the indexed dims to the front, so its "dimension" counts
    the index tensors (a mask counting as many as its dims)."""
    dims, d, adv = list(shape), 0, 0
    for k, item in enumerate(index):
        moved = _layout_step(item, k, index, dims, d)
        if moved is not None:
            d = moved
        elif isinstance(item, (int, np.integer)):
            dims.pop(d)
        elif isinstance(item, slice):
            d += 1
        else:
            data = item._data if isinstance(item, Tensor) else np.asarray(item)
            if data.dtype.kind == "b":
                d, adv = d + data.ndim, adv + data.ndim
                continue
            if data.ndim == 0:
                dims.pop(d)
                continue
            flat = backends.of(data).to_host(data).reshape(-1)
            bad = flat[(flat < -dims[d]) | (flat >= dims[d])] if d < len(dims) else flat[:0]
            if bad.size:  # (an empty dim's gather names neither index nor dim)
                return IndexError("index is out of bounds for dimension with size 0"
                                  if dims[d] == 0 else f"index {int(bad[0])} is out of bounds "
                                  f"for dimension {adv} with size {dims[d]}")
            d, adv = d + 1, adv + 1
    return None


def normalize_index(x: Tensor, index) -> tuple[tuple, bool]:
    """Index components as the array library wants them, and whether any is advanced."""
    if not isinstance(index, tuple):
        index = tuple(index) if _sequence_as_tuple(index) else (index,)
    while len(index) > 1 and index[-1] is Ellipsis and any(i is Ellipsis for i in index[:-1]):
        index = index[:-1]  # (a second ellipsis with nothing after it selects nothing more)
    if len(index) > 1 and _dims_taken(index) > x._data.ndim:  # (before any index's dtype)
        raise IndexError(f"too many indices for tensor of dimension {x._data.ndim}")
    backend = backends.of(x._data)
    out, advanced = [], False
    for item in index:
        if isinstance(item, Tensor):
            arr = item._data
            if arr.dtype.kind == "f":
                raise int_out_of_range(x._data.shape, index) or IndexError(
                    "tensors used as indices must be long, int, byte or bool tensors")
            if arr.ndim == 0 and arr.dtype.kind in "iu":
                out.append(int(arr.item()))
                continue
            if type(arr) is not type(x._data):
                if not isinstance(arr, np.ndarray):
                    raise RuntimeError(f"indices should be either on cpu or on the same device "
                                       f"as the indexed tensor ({x.device})")
                arr = backend.asarray(arr)
            out.append(arr)
            advanced = True
        elif isinstance(item, (list, range, np.ndarray)) or hasattr(
                item, "__cuda_array_interface__"):
            if isinstance(item, (list, range)):
                item = np.asarray(item) if len(item) else np.zeros(0, np.int64)
            arr = backend.asarray(item)
            if arr.dtype.kind == "f":
                raise int_out_of_range(x._data.shape, index) or IndexError(
                    "tensors used as indices must be long, int, byte or bool tensors")
            out.append(arr)
            advanced = True
        elif item is None or item is Ellipsis or isinstance(item, slice):
            out.append(_int_slice(item) if isinstance(item, slice) else item)
        elif isinstance(item, (bool, np.bool_)):
            out.append(bool(item))
            advanced = True
        else:
            try:
                out.append(int(item.__index__()))
            except AttributeError:
                raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long "
                                 f"or byte Variables are valid indices (got "
                                 f"{type(item).__name__})") from None
    return tuple(out), advanced


def _int_slice(s: slice) -> slice:
    if s.step is not None and int(s.step) <= 0:
        raise ValueError("step must be greater than zero")
    return slice(*(None if v is None else int(v.__index__()) for v in (s.start, s.stop,
                                                                      s.step)))


def _check_bounds(x: Tensor, index: tuple) -> None:
    shape = x._data.shape
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis and
                 not isinstance(i, (bool, np.bool_)))
    if not shape and n_real == 1 and len(index) == 1:  # (PyTorch's words for a 0-d tensor)
        item = index[0]
        if isinstance(item, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if isinstance(item, int) and not isinstance(item, bool):
            if item == 0:
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in "
                                 "Python or `tensor.item<T>()` in C++ to convert a 0-dim "
                                 "tensor to a number")
            raise IndexError(f"index {item} is out of bounds for dimension 0 with size 0")
    out_of_range = int_out_of_range(shape, index)
    if out_of_range is not None:
        raise out_of_range


def index_error(exc: IndexError, x: Tensor, idx: tuple) -> IndexError:
    """NumPy's indexing error in PyTorch's words."""
    msg = str(exc)
    if msg.startswith("boolean index did not match"):
        mask_error = _mask_error(x, idx)
        if mask_error is not None:
            return mask_error
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {x._data.ndim}")
    if msg.startswith("shape mismatch"):  # (NumPy's tuples as PyTorch's lists)
        import re

        shapes = ["[" + ", ".join(d for d in dims.replace(" ", "").split(",") if d) + "]"
                  for dims in re.findall(r"\(([^)]*)\)", msg)]
        return IndexError(f"shape mismatch: indexing tensors could not be broadcast together "
                          f"with shapes {', '.join(shapes)}")
    if "is out of bounds" in msg:  # an integer's, numbered as PyTorch walks the index, or
        # an index tensor's, numbered among the index tensors
        out_of_range = int_out_of_range(x._data.shape, idx) or tensor_out_of_range(
            x._data.shape, idx)
        if out_of_range is not None:
            return out_of_range
    if msg.endswith("with size 0") and _through_an_index_tensor(msg, idx):
        return IndexError("index is out of bounds for dimension with size 0")
    return IndexError(msg.replace("array", "tensor").replace("axis", "dimension"))


def _through_an_index_tensor(msg: str, idx: tuple) -> bool:
    """Whether NumPy's failing axis (named in msg) took a tensor or list index: PyTorch's
    gather of an empty dim names neither the index nor the dim (with ints, slices and
    tensors only, the n-th index item is the n-th axis)."""
    import re

    found = re.search(r"axis (\d+)", msg)
    if found is None or not all(isinstance(i, (int, slice)) or hasattr(i, "dtype")
                                for i in idx):
        return False
    item = idx[int(found.group(1))] if int(found.group(1)) < len(idx) else None
    return hasattr(item, "dtype") and item.dtype != np.bool_


def _mask_error(x: Tensor, idx: tuple):
    """PyTorch applies ints and slices first, then compares a boolean mask with the dims of
    that result it covers: its message names the mask's dim and that result's shape."""
    is_array = lambda item: hasattr(item, "dtype")  # noqa: E731
    reduced = x._data[tuple(slice(None) if is_array(i) else i for i in idx)].shape
    named = sum(0 if isinstance(i, int) else i.ndim if is_array(i) and i.dtype == np.bool_
                else 1 for i in idx if i is not Ellipsis)
    dim = 0
    for item in idx:
        if item is Ellipsis:
            dim += len(reduced) - named
        elif is_array(item) and item.dtype == np.bool_:
            for j, (m, n) in enumerate(zip(item.shape, reduced[dim:])):
                if m != n:
                    return IndexError(f"The shape of the mask {list(item.shape)} at index {j} "
                                      f"does not match the shape of the indexed tensor "
                                      f"{list(reduced)} at index {dim + j}")
            dim += item.ndim
        elif not isinstance(item, int):
            dim += 1
    return None


class IndexBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (F.index_add(self.shape, self.index, g, self.accumulate),)


def _kind(index: tuple, advanced: bool) -> str:
    if advanced:
        return "IndexBackward0"
    for item in reversed(index):
        if isinstance(item, int):
            return "SelectBackward0"
        if item is None:
            return "UnsqueezeBackward0"
        if isinstance(item, slice) and item != slice(None):
            return "SliceBackward0"
    return "AliasBackward0"


_CLASSES = {n: type(n, (IndexBackward0,), {"__slots__": ()}) for n in (
    "IndexBackward0", "SelectBackward0", "UnsqueezeBackward0", "SliceBackward0",
    "AliasBackward0", "SplitBackward0", "SplitWithSizesBackward0", "UnbindBackward0")}


def basic_view(x: Tensor, index: tuple, name: str) -> Tensor:
    """x[index] for ints and slices (in range), as a view whose grad_fn is called `name`
    (split's and unbind's pieces)."""
    index = index + (Ellipsis,)
    return view_of(x, x._data[index], _CLASSES[name], shape=x._data.shape, index=index,
                   accumulate=False)


def _steps(idx: tuple) -> int:
    """How many views PyTorch makes for a basic index: one per int, None and slice that is
    not the whole dim."""
    return sum(1 for item in idx if item is None or isinstance(item, int) or (
        isinstance(item, slice) and item != slice(None)))


def _stepwise(x: Tensor, idx: tuple) -> Tensor:
    """x[idx] as PyTorch builds it, one view per item from the left (w[0, 1] is a select of
    a select), so that the graph shows the same nodes."""
    cur, dim = x, 0
    for item in idx:
        if isinstance(item, slice) and item == slice(None):
            dim += 1
            continue
        cur = getitem(cur, (slice(None),) * dim + (item,))
        dim += not isinstance(item, int)
    return cur


@register("getitem")
@method("__getitem__")
def getitem(x: Tensor, index) -> Tensor:
    idx, advanced = normalize_index(x, index)
    _check_bounds(x, idx)
    data = x._data
    if not advanced:
        if Ellipsis not in idx:
            if len(idx) > 1 and x._edge is not NO_EDGE and _steps(idx) > 1:
                return _stepwise(x, idx)
            idx = idx + (Ellipsis,)  # keeps x[0, 0] a 0-d view rather than a NumPy scalar
        out = data[idx]
        return view_of(x, out, _CLASSES[_kind(idx, False)], shape=data.shape, index=idx,
                       accumulate=False)
    try:
        out = data[idx]
    except IndexError as exc:
        raise index_error(exc, x, idx) from None
    if recording(x):
        res = record(_CLASSES["IndexBackward0"], out, (x,), ())  # (the indices count as
        node = res._edge[0]                                      # saved, as PyTorch's)
        node.shape, node.index, node.accumulate = data.shape, idx, True
        return res
    return _wrap(out)


class IndexPutBackward0(Node):
    """zeros(shape) with values added at an index: the gradient of indexing, differentiable
    again (its own gradient is indexing)."""

    __slots__ = ()

    def grad(self, F, g):
        return (g[self.index],)


@register()
def index_add_zeros(shape: tuple, index: tuple, values: Tensor, accumulate: bool) -> Tensor:
    out = backends.of(values._data).index_add(shape, index, values._data, accumulate)
    if recording(values):
        res = record(IndexPutBackward0, out, (values,))
        res._edge[0].index = index
        return res
    return _wrap(out)


@method("nonzero")
def nonzero(input: Tensor, *, as_tuple: bool = False):
    xp = backends.of(input._data).xp
    if as_tuple:
        data = input._data if input._data.ndim else input._data.reshape(1)
        return tuple(_wrap(i.astype(np.int64)) for i in xp.nonzero(data))
    return _wrap(xp.argwhere(input._data).astype(np.int64))


def check_masked_fill_args(op: str, input, mask, value) -> None:
    """A tensor mask and a tensor or number value (PyTorch's two overloads)."""
    if not isinstance(mask, Tensor) or not isinstance(value, (Tensor, numbers.Number)):
        raise invalid_arguments(op, (input, mask, value))


@method("masked_fill")
def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    check_masked_fill_args("masked_fill", input, mask, value)
    if mask._data.dtype != np.bool_:
        from .linalg import _c_name

        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_c_name(mask._data.dtype).replace('c10::Half', 'Half')}")
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    if isinstance(value, Tensor):
        return call_as_one_node("MaskedFillBackward1", ("input", "value"), _fill_tensor, input,
                                mask, value, saves=("mask",))
    return _fill_scalar(input, mask, value)


@one_node("MaskedFillBackward0", "input", saves=("mask",))
def _fill_scalar(input: Tensor, mask: Tensor, value) -> Tensor:
    from .pointwise import where

    dt = input._data.dtype
    fill = _dtypes.scalar_for(value, dt)
    return where(mask, _wrap(backends.of(input._data).xp.asarray(fill, dt)), input)


def _fill_tensor(input: Tensor, mask: Tensor, value: Tensor) -> Tensor:
    from .pointwise import where

    return where(mask, value.to(input.dtype), input)


@method("gather")
@one_node("GatherBackward0", "input")
def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    from ..tensor import _wrap_dim

    d = _wrap_dim(dim, max(input._data.ndim, 1))  # (PyTorch's checks in its order)
    if max(index._data.ndim, 1) != max(input._data.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if index._data.ndim == 0 or input._data.ndim == 0:  # (PyTorch counts 0-d as 1-d)
        return gather(input.reshape(-1), dim, index.reshape(-1)).reshape(tuple(index.shape))
    for i, (m, n) in enumerate(zip(index._data.shape, input._data.shape)):
        if i != d and m > n:
            raise RuntimeError(f"Size does not match at dimension {i} expected index "
                               f"{list(index._data.shape)} to be no larger than self "
                               f"{list(input._data.shape)} apart from dimension {d}")
    backend = backends.of(input._data)
    idx, n = index._data, input._data.shape[d] if input._data.ndim else 1
    if idx.__class__ is np.ndarray and idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)][0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    grid = list(backend.open_grid(index._data.shape))
    grid[d] = index._data
    return getitem(input, tuple(_wrap(g) if i == d else g for i, g in enumerate(grid)))
