"""Views laid out by strides: diagonal, Tensor.unfold and as_strided.

Each shares its input's memory, as PyTorch's do, so writes through it reach the input (and
the in-place machinery in views.py rewrites the input's history). The gradient goes back
through an index map: for each view element, its flat (row-major) position in the input.
"""
from __future__ import annotations

import numpy as np

from .. import backends
from ..autograd.grad_mode import no_grad
from ..autograd.node import Node
from ..tensor import Tensor, _root_array, _wrap_dim
from ._core import method, register
from .shape import view_of


class _IndexMapBackward(Node):
    """Sums the view's gradient into the input's positions (`index_map`, shaped like the
    view); positions that several view elements share get each one's gradient."""

    __slots__ = ()

    def grad(self, F, g):
        flat = F.index_add((self.numel,), (F.reshape(self.index_map, (-1,)),),
                           F.reshape(g, (-1,)), self.overlaps)
        return (F.reshape(flat, self.shape),)


class AsStridedBackward0(_IndexMapBackward):
    """As above over the root's storage, then the input's own positions in it."""

    __slots__ = ()

    def grad(self, F, g):
        flat = F.index_add((self.numel,), (F.reshape(self.index_map, (-1,)),),
                           F.reshape(g, (-1,)), self.overlaps)
        return (F.take(flat, self.input_map),)


DiagonalBackward0 = type("DiagonalBackward0", (_IndexMapBackward,), {"__slots__": ()})
UnfoldBackward0 = type("UnfoldBackward0", (_IndexMapBackward,), {"__slots__": ()})


def _strided(input: Tensor, cls: type, shape: tuple, strides: tuple, offset: int,
             overlaps: bool = False) -> Tensor:
    """The view of input with element `strides` starting `offset` elements into it (both in
    input's row-major terms, mapped onto its memory's real strides)."""
    x = input._data
    backend = backends.of(x)
    # (row-major element steps -> x's byte steps, via x's own per-dimension strides)
    logical = np.zeros(x.ndim, np.int64)
    if x.ndim:
        logical[-1] = 1
        for d in range(x.ndim - 2, -1, -1):
            logical[d] = logical[d + 1] * x.shape[d + 1]
    def to_bytes(step: int) -> int:  # a row-major step, as a byte step in x's layout
        total = 0
        for d in range(x.ndim):
            if x.shape[d] > 1 or logical[d] == 1:
                q, step = divmod(step, int(logical[d])) if logical[d] else (0, step)
                total += q * x.strides[d]
        return total

    arr = backend.strided_view(x, shape, tuple(to_bytes(s) for s in strides), to_bytes(offset))
    index_map = None
    if cls is not None:
        positions = np.arange(x.size, dtype=np.int64)
        index_map = np.lib.stride_tricks.as_strided(
            positions[offset:] if offset < x.size else positions[:0], shape,
            tuple(s * 8 for s in strides)).copy()
        index_map = backend.asarray(index_map)
    return view_of(input, arr, cls, index_map=index_map, numel=x.size, shape=x.shape,
                   overlaps=overlaps)


@register()
@method("diagonal")
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the diagonal of the (dim1, dim2) planes, as the last dimension."""
    n = input.dim()
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape = tuple(input.shape)
    steps = _row_major_steps(shape)
    r0, c0 = max(-offset, 0), max(offset, 0)
    length = max(0, min(shape[d1] - r0, shape[d2] - c0))
    rest = [d for d in range(n) if d not in (d1, d2)]
    start = r0 * steps[d1] + c0 * steps[d2] if length else 0
    return _strided(input, DiagonalBackward0, tuple(shape[d] for d in rest) + (length,),
                    tuple(steps[d] for d in rest) + (steps[d1] + steps[d2],), start)


@method("unfold")
def tensor_unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Tensor.unfold: a view of the windows of `size` every `step` along a dimension, the
    window as a new last dimension."""
    d = _wrap_dim(dimension, max(input.dim(), 1))
    shape = tuple(input.shape) or (1,)
    n = shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is "
                           f"{size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    steps = _row_major_steps(shape)
    count = (n - size) // step + 1
    out_shape = shape[:d] + (count,) + shape[d + 1:] + (size,)
    out_steps = steps[:d] + (steps[d] * step,) + steps[d + 1:] + (steps[d],)
    x = input if input.dim() else input.reshape(1)
    out = _strided(x, UnfoldBackward0, out_shape, out_steps, 0, overlaps=size > step)
    return out if input.dim() else out.reshape(size)


@register()
@method("as_strided")
def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """A view of input's storage with the given sizes and element strides. Storage here is
    the row-major order of the tensor's root (the tensor it views, or itself)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    x = input._data
    root = _root_array(x)
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if need > root.size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {root.itemsize} requiring a storage "
                           f"size of {need * root.itemsize} are out of bounds for storage of "
                           f"size {root.size * root.itemsize}")
    backend = backends.of(x)
    input_map = backend.index_map(x, root) if root.flags.c_contiguous else None
    if input_map is None:
        raise NotImplementedError("as_strided: this tensor's storage is not in row-major "
                                  "order here (a convolution's output, for one); call "
                                  ".contiguous() first")
    item = root.itemsize
    arr = backend.strided_view(root, size, tuple(s * item for s in stride), offset * item)
    positions = np.arange(root.size, dtype=np.int64)[offset:]
    index_map = backend.asarray(np.lib.stride_tricks.as_strided(
        positions, size, tuple(s * 8 for s in stride)).copy())
    overlaps = len(set(_positions(size, stride))) < int(np.prod(size)) if all(size) else False
    return view_of(input, arr, AsStridedBackward0, index_map=index_map, numel=root.size,
                   input_map=input_map, overlaps=overlaps)


def _row_major_steps(shape: tuple) -> tuple:
    steps, acc = [], 1
    for n in reversed(shape):
        steps.append(acc)
        acc *= n
    return tuple(reversed(steps))


def _positions(size: tuple, stride: tuple) -> list:
    grids = np.meshgrid(*(np.arange(n) * s for n, s in zip(size, stride)), indexing="ij")
    return list(np.sum(grids, axis=0).reshape(-1)) if grids else [0]


@register()
@method("as_strided_scatter")
def as_strided_scatter(input: Tensor, src: Tensor, size, stride,
                       storage_offset: int | None = None) -> Tensor:
    """A copy of input with src written over its as_strided(size, stride) view
    (differentiable in both)."""
    out = input.clone(memory_format=None)
    out.as_strided(size, stride, storage_offset).copy_(src)
    return out


@method("new_empty_strided")
def new_empty_strided(input: Tensor, size, stride, *, dtype=None, device=None,
                      requires_grad: bool = False, layout=None, pin_memory: bool = False):
    """An uninitialised tensor with the given sizes and strides (input's dtype and device
    unless given)."""
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    with no_grad():
        out = input.new_empty(need, dtype=dtype, device=device).as_strided(size, stride)
    return out.requires_grad_(requires_grad) if requires_grad else out

