"""Shape ops: views (reshape, transpose, permute, squeeze, expand, ...) and cat/stack.

A view shares its input's array and version counter (an in-place write through either is
seen by both, and by the version checks) and remembers its base in `_view`.
"""
from __future__ import annotations

import math

from .. import backends
from ..autograd.grad_mode import state as grad_state
from ..autograd.node import DEAD_EDGE, NO_EDGE, AccumulateGrad, Node
from ..tensor import InferenceTensor, Size, Tensor, _wrap, _wrap_dim
from ._core import (invalid_arguments, method, missing_arguments, not_tensor, record, recording,
                    register, same_device, wrap_dims)


def view_of(base: Tensor, out, cls: type | None, **attrs) -> Tensor:
    """Wrap `out` (an array viewing base's) as a view tensor, recorded as `cls` if needed."""
    if cls is not None and recording(base):
        res = record(cls, out, (base,))
        res._edge[0].__dict__.update(attrs)
    else:
        res = _wrap(out)
        if not grad_state.enabled and base._edge is not NO_EDGE:
            res._no_grad_view = True  # in-place writes to it under grad mode are refused
            res._edge = DEAD_EDGE
    if base.__class__ is InferenceTensor:  # (a view of an inference tensor is one; it never
        res.__class__ = InferenceTensor   # joins a graph, so it keeps no base to refresh from)
        res._vc = base._vc
        return res
    if res.__class__ is InferenceTensor:  # (a view taken in inference_mode of a normal
        res.__class__ = Tensor            # tensor is a normal tensor, as PyTorch's)
    res._vc = base._vc
    if base._view is None:
        res._view = (base, base._vc[0])
        return res
    res._view = (base._view[0], base._vc[0])
    if "_multi_view" in base.__dict__ and res._edge is not NO_EDGE:  # (a view of split's piece)
        res._multi_view = (0, res._edge[0].name()[:-len("Backward0")])
    if base._edge[0].__class__ is AccumulateGrad:
        # a view of a view that became a leaf requiring grad (t.reshape(2, 3).requires_grad_()):
        # in-place writes through it are refused, as PyTorch refuses them
        res._leaf_base = base
    elif "_leaf_base" in base.__dict__:
        res._leaf_base = base._leaf_base
    return res


def _shape_arg(shape, op: str = "", arg: str = "size") -> tuple:
    """Sizes given as f(2, 3) or f((2, 3)), as ints; a float among them is PyTorch's
    TypeError (naming `op` and its argument `arg` when given)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    for pos, s in enumerate(shape):
        if not hasattr(s, "__index__"):
            raise TypeError(f"{op}(): argument '{arg}' (position 1) must be tuple of ints, but "
                            f"found element of type {type(s).__name__} at pos {pos}")
    return tuple(int(s) for s in shape)


def _keyword_sizes(op: str, given: tuple, kw: dict, name: str, *others: str) -> tuple:
    """f(shape=...) for f(*shape): the sizes given by keyword (or PyTorch's TypeError for an
    argument it does not take, or for the sizes given twice)."""
    for key in kw:
        if key != name and key not in others:
            raise TypeError(f"{op}() got an unexpected keyword argument '{key}'")
    if name in kw:
        if given:
            raise TypeError(f"{op}() got multiple values for argument '{name}'")
        given = (kw[name],)
    if kw.get("implicit"):
        raise NotImplementedError(f"{op}(implicit=True) is not supported")
    return given


def _infer_shape(shape: tuple, numel: int, src: tuple) -> tuple:
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} "
                               f"because the unspecified dimension size -1 can be any value "
                               f"and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(the input has shape {list(src)})")
    return shape


class ViewBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (F.reshape(g, self.shape),)


class UnsafeViewBackward0(ViewBackward0):
    __slots__ = ()


@register()
@method("reshape")
def reshape(input: Tensor, *shape, **kw) -> Tensor:
    if kw:
        if "shape" not in kw:  # (the parser finds shape missing before the extra keyword)
            raise missing_arguments("reshape", "shape")
        shape = _keyword_sizes("reshape", shape, kw, "shape")
    if not shape:
        raise missing_arguments("reshape", "shape")
    shape = _infer_shape(_shape_arg(shape, "reshape", "shape"), input._data.size,
                         input._data.shape)
    out = input._data.reshape(shape)
    if out.base is not None and _shares(out, input._data):
        return view_of(input, out, ViewBackward0, shape=input._data.shape)
    if recording(input):
        res = record(UnsafeViewBackward0, out, (input,))
        res._edge[0].shape = input._data.shape
        return res
    return _wrap(out)


def _shares(out, src) -> bool:
    base = src if src.base is None else src.base
    return out.base is base or out.base is src


@register()
@method("view")
def view(input: Tensor, *shape, dtype=None, **kw) -> Tensor:
    if kw:
        shape = _keyword_sizes("view", shape, kw, "size")
    if dtype is not None and not shape:
        return _view_dtype(input, dtype)
    if not shape or dtype is not None:
        raise invalid_arguments("view", (input, *shape))
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list, Size)):
        return _view_dtype(input, shape[0])
    shape = _infer_shape(_shape_arg(shape, "view"), input._data.size, input._data.shape)
    try:
        out = input._data.view()
        out.shape = shape  # NumPy refuses (AttributeError) rather than copy, like torch.view
    except AttributeError:
        if _conv_layout(input._data):  # contiguous in PyTorch: a copy stands in for the view
            return reshape(input, shape)
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.") from None
    return view_of(input, out, ViewBackward0, shape=input._data.shape)


def _conv_layout(a) -> bool:
    """Whether a is an (N, C, H, W) array held densely in (C, H, W, N) memory: the layout this
    library gives convolution outputs (and the ops that follow them), where PyTorch's would be
    contiguous, so views PyTorch allows must work on it."""
    if a.ndim != 4 or a.size == 0:
        return False
    n, c, h, w = a.shape
    item = a.itemsize
    return a.strides == (item, h * w * n * item, w * n * item, n * item)


def _view_dtype(input, dtype):
    from .._dtypes import to_dtype

    return _wrap(input._data.view(to_dtype(dtype).np))


@method("view_as")
def view_as(input: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("view_as", "other", 2, other)
    return view(input, other._data.shape)


@method("reshape_as")
def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("reshape_as", "other", 2, other)
    return reshape(input, other._data.shape)


@register()
@method("flatten")
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    shape = input._data.shape
    s, e = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if not shape:
        return reshape(input, (1,))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


@method("movedim", "moveaxis")
def movedim(input: Tensor, source: int, destination: int) -> Tensor:
    nd = input._data.ndim
    s, d = _wrap_dim(source, nd), _wrap_dim(destination, nd)
    order = [i for i in range(nd) if i != s]
    order.insert(d, s)
    return permute(input, tuple(order))


@method("unflatten")
def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    if input._data.ndim == 0:
        _wrap_dim(dim, 0)
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but "
                           "tensor has no dimensions")
    d = _wrap_dim(dim, input._data.ndim)
    shape = input._data.shape
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be "
                           "inferred")
    known = math.prod(s for s in sizes if s != -1)
    if -1 in sizes:
        fits = known == 0 or shape[d] % known == 0  # (a zero size: _infer_shape says why)
    else:
        fits = known == shape[d]
    if not fits:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[d]}) in the input tensor")
    try:
        sizes = _infer_shape(sizes, shape[d], (shape[d],))
    except RuntimeError as exc:  # (PyTorch's kernel says where it came from)
        raise RuntimeError(f"unflatten got an unexpected error:\n{exc}") from None
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


class PermuteBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return (F.permute(g, tuple(inverse)),)


class TransposeBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (F.swapaxes(g, self.dim0, self.dim1) if self.dim0 != self.dim1 else g,)


class TBackward0(TransposeBackward0):
    __slots__ = ()
    dim0, dim1 = 0, -1


@register()
@method("permute")
def permute(input: Tensor, *dims, **kw) -> Tensor:
    if kw:
        dims = _keyword_sizes("permute", dims, kw, "dims")
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims, "permute", "dims")
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    seen = []
    for d in dims:  # (each dim wrapped and checked in turn, as PyTorch)
        d = _wrap_dim(d, nd)
        if d in seen:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        seen.append(d)
    dims = tuple(seen)
    return view_of(input, input._data.transpose(dims), PermuteBackward0, dims=dims)


@register()
@method("transpose", "swapaxes", "swapdims")
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    nd = input._data.ndim
    d0, d1 = _wrap_dim(dim0, nd), _wrap_dim(dim1, nd)
    if nd == 0:
        return view_of(input, input._data, TransposeBackward0, dim0=0, dim1=0)
    return view_of(input, input._data.swapaxes(d0, d1), TransposeBackward0, dim0=d0, dim1=d1)


@register()
@method("t")
def t(input: Tensor) -> Tensor:
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    if nd < 2:
        return view_of(input, input._data, TBackward0, dim0=0, dim1=0)
    return view_of(input, input._data.T, TBackward0)


def _T(self: Tensor) -> Tensor:
    nd = self._data.ndim
    if nd == 2:
        return view_of(self, self._data.T, PermuteBackward0, dims=(1, 0))
    if nd == 0:
        zero_dim_transpose(self, "T")  # (the warning; T is still a permute view)
    if nd < 2:
        return view_of(self, self._data, PermuteBackward0, dims=tuple(range(nd)))
    import warnings

    warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                  "is deprecated and it will throw an error in a future release. Consider "
                  "`x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - "
                  "1, -1, -1))` to reverse the dimensions of a tensor.", UserWarning,
                  stacklevel=2)
    return permute(self, tuple(range(nd - 1, -1, -1)))


def zero_dim_transpose(self: Tensor, name: str) -> Tensor:
    """x.T, x.mT, x.H, x.mH of a 0-d tensor: the tensor itself, with PyTorch's deprecation
    warning."""
    import warnings

    hint = ("Consider using x.conj()." if name in ("H", "mH") else
            "This function is the identity in these cases.")
    warnings.warn(f"Tensor.{name} is deprecated on 0-D tensors. {hint}", UserWarning,
                  stacklevel=3)
    return self  # (PyTorch returns the tensor itself)


def _mT(self: Tensor) -> Tensor:
    if self._data.ndim == 0:
        return zero_dim_transpose(self, "mT")
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


Tensor.T = property(_T)
Tensor.mT = property(_mT)


class UnsqueezeBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (F.reshape(g, self.shape),)


class SqueezeBackward0(UnsqueezeBackward0):
    __slots__ = ()


class SqueezeBackward1(UnsqueezeBackward0):
    __slots__ = ()


class SqueezeBackward2(UnsqueezeBackward0):  # (dims as a sequence)
    __slots__ = ()


@register()
@method("unsqueeze")
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    d = _wrap_dim(dim, input._data.ndim + 1)
    out = backends.of(input._data).xp.expand_dims(input._data, d)
    return view_of(input, out, UnsqueezeBackward0, shape=input._data.shape)


@register()
@method("squeeze")
def squeeze(input: Tensor, dim=None) -> Tensor:
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        cls = SqueezeBackward0
    else:
        dims = wrap_dims(dim, len(shape)) if shape else wrap_dims(dim, 0)[:0]
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        cls = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
    return view_of(input, input._data.reshape(new), cls, shape=shape)


class ExpandBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (F.sum_to(g, self.shape),)


@register()
@method("expand")
def expand(input: Tensor, *sizes, **kw) -> Tensor:
    if kw:
        sizes = _keyword_sizes("expand", sizes, kw, "size", "implicit")
    if not sizes:
        raise missing_arguments("expand", "size")
    sizes = _shape_arg(sizes, "expand")
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or "
                           f"equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = tuple(shape[i - lead] if s == -1 and i >= lead else s
                   for i, s in enumerate(sizes))
    if any(s == -1 for s in target[:lead]):
        raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dimension")
    for i in range(len(shape) - 1, -1, -1):  # (the rightmost misfit first, as PyTorch)
        s = shape[i]
        if s != 1 and s != target[i + lead]:
            raise RuntimeError(f"The expanded size of the tensor ({target[i + lead]}) must match "
                               f"the existing size ({s}) at non-singleton dimension "
                               f"{i + lead}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
    if any(s < 0 for s in target):  # (a negative size where the tensor's is 1)
        raise RuntimeError("numel: integer multiplication overflow")
    out = backends.of(input._data).xp.broadcast_to(input._data, target)
    return view_of(input, out, ExpandBackward0, shape=shape)


@method("expand_as")
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("expand_as", "other", 2, other)
    return expand(input, other._data.shape)


@register()
def broadcast_to(input: Tensor, size) -> Tensor:
    return expand(input, tuple(size))


method("broadcast_to")(broadcast_to)


def broadcast_tensors(*tensors):
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    if not tensors:
        return ()
    try:
        shape = backends.of(tensors[0]._data).xp.broadcast_shapes(
            *(t._data.shape for t in tensors))
    except ValueError:
        from .pointwise import _broadcast_chain_error

        raise _broadcast_chain_error([t._data.shape for t in tensors]) from None
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


# -- cat / stack -------------------------------------------------------------------------------
class CatBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        grads, start = [], 0
        lead = (slice(None),) * self.dim
        for size in self.sizes:
            if size is None:  # (a 1-d empty input cat skipped)
                grads.append(F.reshape(g, (-1,))[:0])
                continue
            grads.append(g[lead + (slice(start, start + size),)])
            start += size
        return tuple(grads)


class StackBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        lead = (slice(None),) * self.dim
        return tuple(g[lead + (i,)] for i in range(self.n))


def _check_seq(tensors, name: str) -> list:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not Tensor")
    tensors = list(tensors)
    check_elements(tensors)
    if not tensors:
        if name == "cat":  # (PyTorch's cat raises a ValueError naming the package)
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    same_device(name, tensors)
    return tensors


def check_elements(tensors) -> None:
    """Every element of a list of tensors is one (PyTorch's TypeError names the first that
    is not)."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")


def _common(tensors, among=None):
    """The tensors' arrays in their promoted dtype (promoted `among` more tensors: cat's
    skipped empty ones still count)."""
    from .._dtypes import result_type

    rt = result_type(*(among or tensors))
    return [t._data if t._data.dtype == rt.np else t._data.astype(rt.np) for t in tensors]


@register()
def cat(tensors, dim: int = 0) -> Tensor:
    tensors = _check_seq(tensors, "cat")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")
    # PyTorch skips 1-D empty tensors in cat, whatever the other shapes (and dim)
    kept = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
    if not kept:
        d = dim if -1 <= dim <= 0 else 0
        kept = tensors
    else:
        d = _wrap_dim(dim, kept[0]._data.ndim)
    ref = kept[0]._data.shape
    for i, t in enumerate(kept):
        s = t._data.shape
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} "
                               f"and {len(s)}")
        for k in range(len(s)):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref[k]} but got size {s[k]} for tensor "
                                   f"number {i} in the list.")
    xp = backends.of(kept[0]._data).xp
    out = xp.concatenate(_common(kept, tensors), axis=d)
    if recording(*tensors):  # (a skipped empty tensor is an input too: its gradient is empty)
        inputs = tensors if len(kept) != len(tensors) else kept
        res = record(CatBackward0, out, tuple(inputs))
        res._edge[0].dim = d
        res._edge[0].sizes = [t._data.shape[d] if t._data.ndim == len(ref) else None
                              for t in inputs]
        _reduce_dtypes(res, inputs, out)
        return res
    return _wrap(out)


def _reduce_dtypes(res, tensors, out):
    if any(t._data.dtype != out.dtype for t in tensors):
        res._edge[0]._reduce = tuple((t._data.shape, t._data.dtype) for t in tensors)


@register()
def stack(tensors, dim: int = 0) -> Tensor:
    tensors = _check_seq(tensors, "stack")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(ref)} at entry 0 and {list(t._data.shape)} at entry {i}")
    d = _wrap_dim(dim, len(ref) + 1)
    xp = backends.of(tensors[0]._data).xp
    out = xp.stack(_common(tensors), axis=d)
    if recording(*tensors):
        res = record(StackBackward0, out, tuple(tensors))
        res._edge[0].dim, res._edge[0].n = d, len(tensors)
        _reduce_dtypes(res, tensors, out)
        return res
    return _wrap(out)


@method("split")
def split(input: Tensor, split_size_or_sections=None, dim: int = 0, *, split_size=None):
    if split_size is not None:  # (Tensor.split names it split_size)
        split_size_or_sections = split_size
    if split_size_or_sections is None:
        raise missing_arguments("split", "split_size")
    if isinstance(split_size_or_sections, int) and split_size_or_sections < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got "
                           f"split_size={split_size_or_sections}")
    if input._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}" if step == 0 else
                               f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        sizes = [min(step, n - s) for s in range(0, n, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
    from .indexing import basic_view

    name = "SplitBackward0" if isinstance(split_size_or_sections, int) else \
        "SplitWithSizesBackward0"
    lead = (slice(None),) * d
    out, start = [], 0
    for s in sizes:
        out.append(basic_view(input, lead + (slice(start, start + s),), name))
        start += s
    _mark_multi_view(out, name)
    return _numbered(tuple(out))


def _numbered(pieces: tuple) -> tuple:
    """Each piece as its output number of PyTorch's one multi-output node (output_nr i)."""
    for i, t in enumerate(pieces):
        if t._edge[0] is not None and i:
            t._edge = (t._edge[0], i)
    return pieces


@method("chunk")
def chunk(input: Tensor, chunks: int, dim: int = 0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if input._data.shape[_wrap_dim(dim, input._data.ndim)] == 0:  # (PyTorch: `chunks` empty
        return split(input, [0] * chunks, dim)  # pieces of an empty dim)
    n = input._data.shape[_wrap_dim(dim, input._data.ndim)]
    return split(input, max(1, -(-n // chunks)), dim)


@method("unbind")
def unbind(input: Tensor, dim: int = 0):
    if input._data.ndim == 0:
        _wrap_dim(dim, 0)
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input._data.ndim)
    from .indexing import basic_view

    lead = (slice(None),) * d
    out = tuple(basic_view(input, lead + (i,), "UnbindBackward0")
                for i in range(input._data.shape[d]))
    _mark_multi_view(out, "UnbindBackward0")
    return _numbered(out)


def _mark_multi_view(pieces, name: str) -> None:
    """The pieces of split/chunk/unbind may not be written in place while they are part of a
    graph (PyTorch forbids it for every function returning several views)."""
    for i, piece in enumerate(pieces):
        if piece._edge is not NO_EDGE:
            piece._multi_view = (i, name[:-len("Backward0")])
