"""torch.segment_reduce, and the small tensor facts and aliases beside it: nonzero_static,
Tensor.dim_order, conj_physical (real tensors: the tensor itself), the top-level in-place
resize_as_ and as_strided_."""
from __future__ import annotations

import numpy as np

from .. import backends
from ..tensor import Tensor, _wrap, _wrap_dim
from ._core import method
from .inplace import _legacy
from .one_node import call_as_one_node
from .placement import _ALIASES, check_reduction_name
from .pointwise import float_kernel_only

__all__ = ["segment_reduce", "nonzero_static", "conj_physical", "resize_as_", "as_strided_"]

# an empty segment's value, per reduction (`initial` replaces it)
_EMPTY = {"sum": 0.0, "prod": 1.0, "amax": -np.inf, "amin": np.inf, "mean": np.nan}


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None,
                   indices=None, offsets: Tensor | None = None, axis: int = 0,
                   unsafe: bool = False, initial=None) -> Tensor:
    """Reduce data along `axis` in consecutive segments given by `lengths` (their sizes)
    or `offsets` (their boundaries, which win when both are given): sum, mean, prod, max or
    min; an empty segment gives `initial` or the reduction's empty value (0, NaN, 1, -inf,
    inf), and `initial` joins every segment's reduction (mean: its sum, not its count)."""
    name = _ALIASES.get(reduce, reduce)
    check_reduction_name(name)
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    given = offsets if offsets is not None else lengths
    kind = "offsets" if offsets is not None else "lengths"
    if given.is_floating_point() or given.dtype.name == "bool":
        raise NotImplementedError(f'"_segment_reduce_{kind}_cpu_kernel1" not implemented for '
                                  f"'{_legacy(given.dtype)}'")
    float_kernel_only(data.dtype, "_segment_reduce_cpu")
    d = _wrap_dim(axis, data.dim())
    if d != given.dim() - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of "
                           f"{kind} but got {d}.")
    rows = np.asarray(given.detach().cpu().numpy(), dtype=np.int64)
    size = data.shape[d]
    if offsets is not None:
        starts, ends = rows[..., :-1], rows[..., 1:]
    else:
        if (rows < 0).any():
            raise RuntimeError("lengths contains negative value!")
        if not unsafe and (rows.sum(-1) != size).any():
            raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to "
                               "sum to data.size(lengths.dim()-1) when !unsafe.")
        ends = np.cumsum(rows, -1)
        starts = ends - rows
    segments = starts.shape[-1]
    # each element's segment along the axis; those outside every segment go to a spare one
    pos = np.arange(size)
    inside = (pos >= starts[..., None]) & (pos < ends[..., None])  # (..., segments, size)
    ids = np.where(inside.any(-2), inside.argmax(-2), segments)
    counts = inside.sum(-1)
    return call_as_one_node("SegmentReduceBackward0", ("data",), _segment_reduced, data, d,
                            ids, counts, name, initial)


def _segment_reduced(data: Tensor, d: int, ids, counts, name: str, initial) -> Tensor:
    """The reduction as scatter_reduce (whose derivative it shares), segment ids `ids`
    ((leading dims..., size) host array) along dim d."""
    from .. import creation
    from .pointwise import where

    xp = backends.of(data._data).xp
    segments = counts.shape[-1]
    lead, tail = tuple(data.shape[:d]), tuple(data.shape[d + 1:])
    index = xp.asarray(ids.reshape(ids.shape + (1,) * len(tail)))
    index = _wrap(xp.ascontiguousarray(xp.broadcast_to(index, tuple(data.shape))))
    out_shape = lead + (segments + 1,) + tail
    fill = _EMPTY[name] if initial is None else float(initial)
    base = creation.full(out_shape, fill, dtype=data.dtype, device=data.device)
    count = _wrap(xp.asarray(counts.astype(data._data.dtype).reshape(
        counts.shape + (1,) * len(tail))))
    if name == "mean":
        if initial is None:
            base = base.zero_()
        total = base.scatter_reduce(d, index, data, "sum").narrow(d, 0, segments)
        empty = _EMPTY["mean"] if initial is None else float(initial)
        return where(count > 0, total / count.clamp(min=1), empty)
    out = base.scatter_reduce(d, index, data, name, include_self=initial is not None)
    return out.narrow(d, 0, segments)


@method("nonzero_static")
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """nonzero's (n, ndim) indices cut or padded (with fill_value) to exactly `size` rows."""
    found = input.nonzero()
    n = found.shape[0]
    if n >= size:
        return found[:size].clone()
    pad = found.new_full((size - n, input.dim()), fill_value)
    from .shape import cat

    return cat([found, pad], 0)


def _dim_order(self: Tensor, *, ambiguity_check=False) -> tuple:
    """The dims from the outermost in memory to the innermost (ties keep their order)."""
    strides = self.stride()
    return tuple(sorted(range(self.dim()), key=lambda k: -strides[k]))


Tensor.dim_order = _dim_order


@method("conj_physical")
def conj_physical(input: Tensor) -> Tensor:
    """The elementwise conjugate; a real tensor is its own (PyTorch returns it, not a copy)."""
    return input


def _conj_physical_(self: Tensor) -> Tensor:
    return self


Tensor.conj_physical_ = _conj_physical_


def resize_as_(input: Tensor, the_template: Tensor, *, memory_format=None) -> Tensor:
    return input.resize_as_(the_template)


def as_strided_(input: Tensor, size, stride, storage_offset=None) -> Tensor:
    return input.as_strided_(size, stride, storage_offset)
