"""More of PyTorch's tensor API, built on the table's ops where that keeps them
differentiable to any order: repeat, flip, cumsum, tril/triu, outer, norm, new_* factories,
and comparisons of whole tensors."""
from __future__ import annotations

import functools

import numpy as np

from .. import _dtypes, backends, creation
from ..autograd.node import Node
from ..tensor import Tensor, _wrap, _wrap_dim
from ._core import (int_dim, invalid_arguments, method, missing_arguments, not_tensor, record,
                    recording, register, same_device, save_output, wrap_dims)
from .shape import _keyword_sizes, _shape_arg
from .pointwise import where
from .one_node import one_node


@register()
@method("repeat")
@one_node("RepeatBackward0", "input", saves=())
def repeat(input: Tensor, *sizes, **kw) -> Tensor:
    """Tile: as expand of a reshaped view, then a reshape (so the gradient sums the tiles)."""
    if kw:
        sizes = _keyword_sizes("repeat", sizes, kw, "repeats")
    if not sizes:
        raise missing_arguments("repeat", "repeats")
    if any(isinstance(s, float) for s in (sizes[0] if len(sizes) == 1 and isinstance(
            sizes[0], (tuple, list)) else sizes)):
        raise TypeError("repeat(): argument 'repeats' (position 1) must be tuple of ints, not "
                        "float")
    sizes = _shape_arg(sizes, "repeat", "repeats")
    if len(sizes) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    shape = (1,) * (len(sizes) - input.dim()) + tuple(input.shape)
    target = [r * s for r, s in zip(sizes, shape)]
    negative = next((t for t in target if t < 0), None)
    if negative is not None:
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative}: "
                           f"{target}")
    x = input.reshape(shape)
    inter = tuple(d for pair in zip((1,) * len(shape), shape) for d in pair)
    tiled = tuple(d for pair in zip(sizes, shape) for d in pair)
    out = x.reshape(inter).expand(tiled)
    return out.reshape(tuple(r * s for r, s in zip(sizes, shape)))


class FlipBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (F.flip(g, self.dims),)


@register()
@method("flip")
def flip(input: Tensor, *dims, **kw) -> Tensor:
    if not dims and "dims" not in kw:
        raise missing_arguments("flip", "dims")
    dims = kw.pop("dims") if "dims" in kw else dims[0] if len(dims) == 1 else dims  # (x.flip(
    if kw:                                                          # 0, 2) or flip(x, (0, 2)))
        raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(kw))}'")
    dims = wrap_dims(dims, input.dim())
    if input._data.ndim == 0:  # (a scalar's dim 0 / -1 is itself: nothing to flip)
        dims = ()
    out = backends.of(input._data).xp.flip(input._data, dims).copy()
    if recording(input):
        res = record(FlipBackward0, out, (input,))
        res._edge[0].dims = dims
        return res
    return _wrap(out)


class CumsumBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        d = self.dim
        if not len(g.shape):  # (a 0-d input's sum is itself)
            return (g,)
        return (F.flip(F.cumsum(F.flip(g, (d,)), d), (d,)),)


def _cumulative(input: Tensor, dim: int, dtype, name: str, node: type, save: bool) -> Tensor:
    """cumsum / cumprod: integers accumulate in int64 unless a dtype is given, as PyTorch."""
    int_dim(name, dim)
    d = _wrap_dim(dim, input.dim())
    data = input._data
    if dtype is not None:
        from .reduction import no_integer_grad

        data = data.astype(no_integer_grad(input, dtype).np)
        if data.dtype == np.bool_ and data.ndim:  # (no bool kernel to accumulate in)
            raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    elif data.dtype.kind in "biu" and data.dtype != np.int64:
        data = data.astype(np.int64)
    out = getattr(backends.of(data).xp, name)(data, axis=d, dtype=data.dtype) if data.ndim \
        else data.copy()  # (dtype: NumPy widens small integers)
    if recording(input):
        res = record(node, out, (input,), (input,) if save else None)
        res._edge[0].dim = d
        if save:
            save_output(res._edge[0], res)
        return res
    return _wrap(out)


@register()
@method("cumsum")
def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _cumulative(input, dim, dtype, "cumsum", CumsumBackward0, False)


class CumprodBackward0(Node):
    """d out_k / d x_j = prod_{i <= k, i != j} x_i, summed over k >= j against g, with zeros
    handled as PyTorch does: before a slice's first zero it is revcumsum(g * out) / x; at the
    first zero it uses the product with that zero left out; after it, 0."""

    __slots__ = ()

    def grad(self, F, g, x):
        d = self.dim
        if not len(g.shape):  # (a 0-d input's product is itself)
            return (g,)
        if F.tensors:  # differentiable again, zeros included: no division, no masks
            return (_cumprod_grad_exact(g, x, d),)
        out = self.saved_output(F)

        def revcumsum(a):
            return F.flip(F.cumsum(F.flip(a, (d,)), d), (d,))

        zero = x == 0
        zeros_so_far = F.cumsum(F.cast_like(zero, x), d)
        first = zero & (zeros_so_far == 1)
        before = zeros_so_far == 0
        safe = F.where(zero, 1.0, x)
        at_first = revcumsum(g * F.cumprod(F.where(first, 1.0, x), d))
        return (F.where(before, revcumsum(g * out) / safe, F.where(first, at_first, 0.0)),)


def _cumprod_grad_exact(g: Tensor, x: Tensor, d: int) -> Tensor:
    """sum over k >= j of g_k prod_{i <= k, i != j} x_i, as P_j S_j: P_j the product of the
    x before j, S_j = g_j + x_{j+1} S_{j+1} (a reverse Horner sum). Polynomial in x, so its
    own derivatives are exact at zeros (the first-order formula divides and masks)."""
    from .shape import cat

    n = x.shape[d]
    first = x.narrow(d, 0, 1)
    before = first * 0 + 1 if n == 1 else cat([first * 0 + 1, x.narrow(d, 0, n - 1).cumprod(d)],
                                               d)
    sums = [g.narrow(d, n - 1, 1)]
    for k in range(n - 2, -1, -1):
        sums.append(g.narrow(d, k, 1) + x.narrow(d, k + 1, 1) * sums[-1])
    return before * cat(sums[::-1], d)


@register()
@method("cumprod")
def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _cumulative(input, dim, dtype, "cumprod", CumprodBackward0, True)


def _tri(upper: bool):
    def op(input: Tensor, diagonal: int = 0) -> Tensor:
        if input.dim() < 2:
            raise RuntimeError(f"{'triu' if upper else 'tril'}: input tensor must have at "
                               f"least 2 dimensions")
        xp = backends.of(input._data).xp
        n, m = input.shape[-2:]
        rows = xp.arange(n).reshape(-1, 1)
        cols = xp.arange(m).reshape(1, -1)
        keep = (cols - rows >= diagonal) if upper else (cols - rows <= diagonal)
        return where(_wrap(keep), input, _wrap(xp.zeros((), input._data.dtype)))

    op.__name__ = "triu" if upper else "tril"
    op = one_node(f"{'Triu' if upper else 'Tril'}Backward0", "input", saves=())(op)
    return register(op.__name__)(method(op.__name__)(op))


triu = _tri(True)
tril = _tri(False)


@register()
@method("outer", "ger")
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    if not isinstance(vec2, Tensor):
        raise not_tensor("outer", "vec2", 2, vec2)
    for name, t in (("self", input), ("vec2", vec2)):
        if t.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.dim()}-D")
    return input.reshape(-1, 1) * vec2  # (PyTorch's graph: a reshaped input times vec2)


class LinalgVectorNormBackward0(Node):
    """The 2-norm (PyTorch's norms all record as linalg_vector_norm); at zero the gradient
    is 0 (a subgradient), as in PyTorch."""

    __slots__ = ()

    def grad(self, F, g, x):
        out = self.saved_output(F)
        if not self.keepdim and self.dims is not None:
            shape = tuple(1 if i in self.dims else s for i, s in enumerate(x.shape))
            out, g = F.reshape(out, shape), F.reshape(g, shape)
        scale = F.where(out == 0, 0.0, g / F.where(out == 0, 1.0, out))
        return (x * scale,)


def check_norm_dim(dim, whole: bool = False) -> None:
    """A bool is no dim (PyTorch's parser; `whole`: the bool given as the dim itself)."""
    if isinstance(dim, bool):
        raise TypeError("linalg_vector_norm(): argument 'dim' (position 3) must be tuple of "
                        + ("ints, not bool" if whole else
                           "ints, but found element of type bool at pos 0"))
    if isinstance(dim, (tuple, list)) and any(isinstance(d, bool) for d in dim):
        pos = next(i for i, d in enumerate(dim) if isinstance(d, bool))
        raise TypeError(f"linalg_vector_norm(): argument 'dim' (position 3) must be tuple of "
                        f"ints, but found element of type bool at pos {pos}")


def p_norm(input: Tensor, p: float, dim, keepdim: bool) -> Tensor:
    """A p-norm other than 2 over `dim` (a dim or a tuple; () means all) as one node."""
    if p == 0:
        return _count_norm(input, dim, keepdim)
    return _p_norm(input, p, dim, keepdim)


# the 0-"norm" counts nonzeros: PyTorch's node gives no gradient at all (the input then
# counts as unreached), though it saves input and result like every vector norm
_CountNormBackward = type("LinalgVectorNormBackward0", (Node,), {
    "__slots__": (), "grad": lambda self, F, g, x: (None,)})


def _count_norm(input: Tensor, dim, keepdim: bool) -> Tensor:
    out = (input._data != 0).astype(input._data.dtype).sum(
        axis=tuple(wrap_dims(dim, input.dim())) if input.dim() else None, keepdims=keepdim)
    if recording(input):
        res = record(_CountNormBackward, backends.of(input._data).xp.asarray(out), (input,),
                     (input,))
        save_output(res._edge[0], res)
        return res
    return _wrap(backends.of(input._data).xp.asarray(out))


@one_node("LinalgVectorNormBackward0", "input", saves=("input", "result"))
def _p_norm(input: Tensor, p: float, dim, keepdim: bool) -> Tensor:
    a = input.abs()
    if p == float("inf"):
        return a.amax(dim, keepdim=keepdim)
    if p == -float("inf"):
        return a.amin(dim, keepdim=keepdim)
    if p == 1:
        return a.sum(dim, keepdim=keepdim)
    # (written so that zeros give PyTorch's zero gradient, not 0 * inf: a zero element adds
    # nothing, and an all-zero norm passes nothing back)
    zero = a == 0
    if p < 0:  # (a zero element makes the sum infinite and the norm 0, with no gradient)
        norm = (where(zero, 1.0, a) ** p).sum(dim, keepdim=keepdim) ** (1.0 / p)
        return where(zero.sum(dim, keepdim=keepdim) > 0, 0.0, norm)
    powered = where(zero, 0.0, where(zero, 1.0, a) ** p).sum(dim, keepdim=keepdim)
    empty = powered == 0
    return where(empty, 0.0, where(empty, 1.0, powered) ** (1.0 / p))


def check_norm_dtypes(x: Tensor, dtype, name: str) -> None:
    """PyTorch's linalg norms: a floating input, and a floating dtype it widens to."""
    from .inplace import _legacy

    if not x.is_floating_point():
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {_legacy(x.dtype)}")
    if dtype is not None:
        dtype = _dtypes.to_dtype(dtype)
        if not dtype.is_floating_point:
            raise RuntimeError(f"linalg.{name}: dtype should be floating point or complex, but "
                               f"got {_legacy(dtype)}")
        if _dtypes.promote_types(x.dtype, dtype) is not dtype:
            raise RuntimeError(f"linalg.{name}: the dtype of the input ({_legacy(x.dtype)}) "
                               f"should be convertible without narrowing to the specified "
                               f"dtype ({_legacy(dtype)})")


@register()
@method("norm")
def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    if p is None:  # (PyTorch's default: the 2-norm)
        p = "fro"
    check_norm_dtypes(input, dtype, "vector_norm")
    if isinstance(dim, (tuple, list)) and not dim:  # (dim=(): every dim, as PyTorch)
        dim = None
    if dtype is not None and p != "nuc":
        input = input.to(dtype)
    if p == "nuc":  # (the nuclear norm of the matrices over dim, the last two by default)
        from ..linalg import matrix_norm

        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim,
                           dtype=dtype)
    check_norm_dim(dim)
    if p not in ("fro", 2, 2.0):
        whole = tuple(range(input.dim())) if dim is None else dim
        return p_norm(input, float(p), whole, keepdim)
    x = input._data
    dims = None if dim is None else tuple(_wrap_dim(d, x.ndim) for d in (
        (dim,) if isinstance(dim, int) else dim))
    if x.ndim == 0:
        dims = None  # (a 0-d tensor's dim 0 or -1 is the tensor itself)
    xp = backends.of(x).xp
    out = xp.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
    out = xp.asarray(out, dtype=x.dtype)
    if recording(input):
        res = record(LinalgVectorNormBackward0, out, (input,), (input,))
        res._edge[0].dims, res._edge[0].keepdim = dims, keepdim
        save_output(res._edge[0], res)
        return res
    return _wrap(out)


def _new(kind: str):
    def fn(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False,
           layout=None, pin_memory: bool = False, **kw):
        if kw:
            size = _keyword_sizes(f"new_{kind}", size, kw, "size")
        if not size:
            raise missing_arguments(f"new_{kind}", "size")
        size = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
        dtype = dtype if dtype is not None else self.dtype
        device = device if device is not None else self.device
        if kind == "full":
            *size, value = size
            return creation.full(tuple(size[0]) if len(size) == 1 and isinstance(
                size[0], (tuple, list)) else tuple(size), value, dtype=dtype, device=device,
                requires_grad=requires_grad)
        return getattr(creation, kind)(tuple(size), dtype=dtype, device=device,
                                       requires_grad=requires_grad)

    fn.__name__ = f"new_{kind}"
    return method(fn.__name__)(fn)


new_zeros = _new("zeros")
new_ones = _new("ones")
new_empty = _new("empty")


@method("new_full")
def new_full(self: Tensor, size, fill_value, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    return creation.full(tuple(size), fill_value, dtype=dtype or self.dtype,
                         device=device or self.device, requires_grad=requires_grad)


@method("new_tensor")
def new_tensor(self: Tensor, data, *, dtype=None, device=None,
               requires_grad: bool = False) -> Tensor:
    return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                           requires_grad=requires_grad)


@method("allclose")
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    if not isinstance(other, Tensor):
        raise not_tensor("allclose", "other", 2, other)
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@method("isclose")
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("isclose", "other", 2, other)
    same_device("isclose", (input, other))
    if input.dtype != other.dtype:
        from .inplace import _legacy

        raise RuntimeError(f"{_legacy(input.dtype)} did not match {_legacy(other.dtype)}")
    from .pointwise import tensor_pair

    tensor_pair("isclose", input, other)  # (then the shapes, as PyTorch)
    xp = backends.of(input._data).xp
    return _wrap(xp.isclose(input._data, other._data, rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


@method("equal")
def equal(input: Tensor, other: Tensor) -> bool:
    if not isinstance(other, Tensor):
        raise not_tensor("equal", "other", 2, other)
    same_device("equal", (input, other))
    return input.shape == other.shape and bool((input._data == other._data).all())


def _sorted_indices(input: Tensor, dim: int, descending: bool, stable: bool):
    xp = backends.of(input._data).xp
    x = input._data
    key = -x if descending and x.dtype.kind in "fi" else x
    if descending and x.dtype.kind == "f":  # NaN is the largest: first when descending
        key = xp.where(xp.isnan(x), -xp.inf, key)
    if descending and x.dtype.kind not in "fi":  # (unsigned, bool: a stable descending
        n = x.shape[dim]                          # order from the reversed ascending one)
        idx = (n - 1) - xp.flip(xp.argsort(xp.flip(x, axis=dim), axis=dim, kind="stable"),
                                axis=dim)
    else:
        idx = xp.argsort(key, axis=dim, kind="stable")
    return _wrap(idx.astype(np.int64))


def _stable_by_keyword(fn):
    """PyTorch's overload that takes `stable` takes dim and descending by keyword only."""
    name = fn.__name__

    @functools.wraps(fn)
    def checked(input, *args, **kwargs):
        if args and "stable" in kwargs:
            raise invalid_arguments(name, (input,) + args, keywords=kwargs)
        return fn(input, *args, **kwargs)

    return checked


@method("sort")
@_stable_by_keyword
@one_node("SortBackward0", "input", saves=("indices",))
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) along dim; values carry the gradient back through the indices."""
    from .reduction import _return_type

    d = _wrap_dim(dim, input.dim())
    if input.dim() == 0:  # a scalar sorts as its one-element line
        res = sort(input.reshape(1), 0, descending, stable)
        return _return_type("sort")(res.values.reshape(()), res.indices.reshape(()))
    idx = _sorted_indices(input, d, descending, stable)
    return _return_type("sort")(input.gather(d, idx), idx)


@method("argsort")
@_stable_by_keyword
def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    d = _wrap_dim(dim, input.dim())
    if input.dim() == 0:
        return _sorted_indices(input.reshape(1), 0, descending, stable).reshape(())
    return _sorted_indices(input, d, descending, stable)


@method("topk")
@one_node("TopkBackward0", "input", saves=("indices",))
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    from .reduction import _return_type

    d = _wrap_dim(dim, input.dim())
    if not 0 <= k <= (input.shape[d] if input.dim() else 1):
        raise RuntimeError("selected index k out of range")
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if input.dim() == 0:  # a scalar: itself and index 0 back, for k 0 as for 1 (PyTorch)
        line = input.reshape(1)
        idx = _sorted_indices(line, 0, largest, True)
        return _return_type("topk")(line.gather(0, idx).reshape(()), idx.reshape(()))
    idx = _sorted_indices(input, d, largest, True)
    lead = (slice(None),) * d
    if input._data.__class__ is np.ndarray and k:
        idx = _topk_as_the_cpu_kernel(input._data, idx._data, d, k, largest, sorted)
    else:
        idx = idx[lead + (slice(0, k),)]
    return _return_type("topk")(input.gather(d, idx), idx)


# the emulation runs in Python (~0.3 us an element): lines up to 8,192 long, and at most
# 2**21 elements redone per call; beyond, ties keep the stable order (a documented gap)
_STL_LINE_LIMIT, _STL_TOTAL_LIMIT = 1 << 13, 1 << 21


def _topk_as_the_cpu_kernel(x: np.ndarray, order: np.ndarray, d: int, k: int, largest: bool,
                            sorted_: bool) -> Tensor:
    """The first k of a stable order `order` along d, except on the lines where PyTorch's
    CPU kernel (the C++ library's selection, ops/_stl_select.py) leaves another order: lines
    with ties among the first k + 1 values, and every line where sorted=False leaves
    std::nth_element's order."""
    from ._stl_select import topk_line

    n = x.shape[d]
    lines = np.moveaxis(x, d, -1).reshape(-1, n)
    ranked = np.moveaxis(order, d, -1).reshape(-1, n)
    picked = ranked[:, :k].copy()
    if n <= _STL_LINE_LIMIT:
        if not sorted_ and k > 1 and k * 64 > n:
            redo = np.ones(len(lines), dtype=bool)
        else:
            top = np.take_along_axis(lines, ranked[:, :k + 1], 1)
            same = top[:, 1:] == top[:, :-1]
            if top.dtype.kind == "f":
                same |= np.isnan(top[:, 1:]) & np.isnan(top[:, :-1])
            redo = same.any(1)
        if redo.sum() * n > _STL_TOTAL_LIMIT:
            redo[:] = False
        for r in np.flatnonzero(redo):
            picked[r] = topk_line(lines[r].tolist(), k, largest, sorted_)
    shape = np.moveaxis(order, d, -1).shape[:-1] + (k,)
    return _wrap(np.ascontiguousarray(np.moveaxis(picked.reshape(shape), -1, d)))
