"""More of PyTorch's functions that build, rearrange or summarise tensors: index grids
(tril/triu_indices, cartesian_prod, combinations), block_diag, kron, vander, rot90, fliplr/
flipud, diag_embed, diagflat, logspace, isin, diff, tensor_split and h/v/dsplit, take, ravel,
msort, index_put, tensordot, inner, vdot, addcmul/addcdiv/addr, cov, corrcoef, mode, quantile,
nanquantile, nanmedian, trapezoid, cumulative_trapezoid.

Each differentiable one is written with the op table's differentiable ops, so its first and
higher derivatives come from those ops.
"""
from __future__ import annotations

import itertools
import warnings
from collections import namedtuple

import numpy as np

from .. import _dtypes, backends, creation
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _wrap, _wrap_dim
from .one_node import call_as_one_node, one_node
from ._core import int_dim, method, not_tensor, register, tensor_args
from .composite import _index, index_select, median_arguments, movedim, narrow
from .extra import flip, sort
from .inplace import _legacy
from .pointwise import isnan, where
from .shape import cat, stack

__all__ = ["tril_indices", "triu_indices", "cartesian_prod", "combinations", "block_diag", "kron",
           "vander", "rot90", "fliplr", "flipud", "diag_embed", "diagflat", "logspace", "isin",
           "diff", "tensor_split", "hsplit", "vsplit", "dsplit", "take", "ravel", "msort",
           "index_put", "tensordot", "inner", "vdot", "ger", "addcmul", "addcdiv", "addr", "cov",
           "corrcoef", "mode", "quantile", "nanquantile", "nanmedian", "trapezoid", "trapz",
           "cumulative_trapezoid", "argwhere"]


# -- index grids -------------------------------------------------------------------------------
def _index_grid(rows, cols, device, dtype):
    out = np.stack([rows, cols]).astype((dtype or _dtypes.int64).np)
    return creation.tensor(out, device=device)


def _check_grid(name: str, row: int, col: int, dtype) -> None:
    """PyTorch's checks of tril_indices/triu_indices: sizes, then an index dtype."""
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    if dtype is not None and _dtypes.to_dtype(dtype) not in (_dtypes.int64, _dtypes.int32):
        from .inplace import _legacy

        raise NotImplementedError(f"\"{name}\" not implemented for "
                                  f"'{_legacy(_dtypes.to_dtype(dtype))}'")


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None) -> Tensor:
    """The (2, N) row and column indices of the lower triangle of a row x col matrix."""
    _check_grid("tril_indices", row, col, dtype)
    return _index_grid(*np.tril_indices(row, offset, col), device, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None) -> Tensor:
    """The (2, N) row and column indices of the upper triangle of a row x col matrix."""
    _check_grid("triu_indices", row, col, dtype)
    return _index_grid(*np.triu_indices(row, offset, col), device, dtype)


def _one_dim(name: str, tensors) -> None:
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


def cartesian_prod(*tensors) -> Tensor:
    """Every combination of one element from each 1-d tensor, as rows."""
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    _one_dim("cartesian_prod", tensors)
    if any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if len(tensors) == 1:
        return tensors[0]
    from .composite import meshgrid

    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Rows of r elements of a 1-d tensor, in itertools.combinations order."""
    _one_dim("combinations", (input,))
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = list(pick(range(input.shape[0]), r))
    if r == 0 or not idx:
        return input.new_empty((0,) if r == 0 else (0, r))
    flat = index_select(input, 0, _index([i for row in idx for i in row], input))
    return flat.reshape(len(idx), r)


# -- block structure ---------------------------------------------------------------------------
def block_diag(*tensors) -> Tensor:
    """The tensors (0-, 1- or 2-d) along the diagonal of one matrix, zeros elsewhere."""
    mats = []
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.dim()} dimensions")
        mats.append(t.reshape(1, -1) if t.dim() < 2 else t)
    if not mats:
        return creation.zeros(1, 0)
    dt = mats[0].dtype
    for m in mats[1:]:
        dt = _dtypes.promote_types(dt, m.dtype)
    width = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        m = m.to(dt)
        right = width - left - m.shape[1]
        parts = [m.new_zeros((m.shape[0], left)), m, m.new_zeros((m.shape[0], right))]
        rows.append(cat(parts, 1))
        left += m.shape[1]
    return cat(rows, 0)


@register()
@method("kron")
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: every element of input times the whole of other."""
    if not isinstance(other, Tensor):
        raise not_tensor("kron", "other", 2, other)
    n = max(input.dim(), other.dim())
    a = input.reshape((1,) * (n - input.dim()) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.dim()) + tuple(other.shape))
    # a's axes interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    a_shape = [s for d in a.shape for s in (d, 1)]
    b_shape = [s for d in b.shape for s in (1, d)]
    out = a.reshape(a_shape) * b.reshape(b_shape)
    return out.reshape([x * y for x, y in zip(a.shape, b.shape)])


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Columns of powers of x: x^(N-1), ..., x^0 (or the other way round)."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    powers = creation.arange(n, device=x.device)
    if not increasing:
        powers = powers.flip(0)
    base = x if x.is_floating_point() else x.to(_dtypes.int64)
    if n == 0:
        return base.new_empty((x.shape[0], 0))
    return base.unsqueeze(1) ** powers.to(base.dtype).unsqueeze(0)


@method("rot90")
def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees k times in the plane of dims (from the first toward the second)."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = (_wrap_dim(d, input.dim()) for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return flip(input, (d1,)).transpose(d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(input, (d0,)).transpose(d0, d1)
    return input.clone()


@method("fliplr")
def fliplr(input: Tensor) -> Tensor:
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@method("flipud")
def flipud(input: Tensor) -> Tensor:
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


@register()
@method("diag_embed")
@one_node("DiagEmbedBackward0", "input", saves=())
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (in dims dim1, dim2 of the result) whose offset diagonal is input's last dim."""
    n = input.shape[-1] if input.dim() else 1
    size = n + abs(offset)
    eye = creation.eye(n, dtype=input.dtype, device=input.device)
    out = input.unsqueeze(-1) * eye  # (..., n, n), input on the diagonal
    if offset:
        from ..nn.functional import pad

        out = pad(out, (offset, 0, 0, offset) if offset > 0 else (0, -offset, -offset, 0))
    ndim = out.dim()
    d1, d2 = (_wrap_dim(d, ndim) for d in (dim1, dim2))
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    assert out.shape[-1] == size
    return movedim(out, (ndim - 2, ndim - 1), (d1, d2))


@register()
@method("diagflat")
@one_node("DiagEmbedBackward0", "input", saves=())
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    return diag_embed(input.reshape(-1), offset)


def logspace(start, end, steps: int | None = None, base: float = 10.0, *, dtype=None,
             device=None, requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps)."""
    if steps is None:  # (PyTorch's parser finds no signature without steps)
        from ._core import invalid_arguments

        raise invalid_arguments("logspace", (start, end), False)
    dt = dtype or _dtypes.get_default_dtype()
    creation._range_ends("logspace", 0, 0, dt.np, steps)  # (no bool kernel)
    exps = np.linspace(float(start), float(end), steps, dtype=np.float64)
    values = np.power(float(base), exps)
    if not dt.is_floating_point:
        values = np.trunc(values)
    return creation.tensor(values.astype(dt.np), device=device, requires_grad=requires_grad)


def isin(elements, test_elements, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """True where an element of `elements` is among `test_elements`."""
    like = elements if isinstance(elements, Tensor) else test_elements
    xp = backends.of(like._data).xp
    e = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    return _wrap(xp.isin(e, t, assume_unique=assume_unique, invert=invert))


# -- differences, splits, picks ----------------------------------------------------------------
@register()
@method("diff")
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The n-th forward difference along dim (after joining prepend and append)."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = _wrap_dim(dim, input.dim())
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        a, b = narrow(x, d, 1, m - 1), narrow(x, d, 0, m - 1)
        x = (a != b) if x.dtype is _dtypes.bool_ else a - b
    return x


@method("tensor_split")
def tensor_split(input: Tensor, indices_or_sections, dim: int = 0):
    """Views of input split at the given indices, or into n nearly equal parts (the first
    size % n parts one longer)."""
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds = list(itertools.accumulate([q + 1] * r + [q] * (n - r), initial=0))
    else:
        bounds = [0] + [min(max(i if i >= 0 else i + size, 0), size)
                        for i in indices_or_sections] + [size]
    return tuple(narrow(input, d, lo, max(hi - lo, 0)) for lo, hi in zip(bounds, bounds[1:]))


def _direction_split(name: str, dim: int, min_dim: int):
    def fn(input: Tensor, indices_or_sections):
        if input.dim() < min_dim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} "
                               f"dimension, but got a tensor with {input.dim()} dimensions!")
        d = 0 if name == "hsplit" and input.dim() == 1 else dim
        if isinstance(indices_or_sections, int) and input.shape[d] % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the "
                               f"size of the dimension {input.shape[d]} is not divisible by "
                               f"the split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)

    fn.__name__ = name
    return method(name)(fn)


hsplit = _direction_split("hsplit", 1, 1)
vsplit = _direction_split("vsplit", 0, 2)
dsplit = _direction_split("dsplit", 2, 3)


@register()
@method("take")
def take(input: Tensor, index: Tensor) -> Tensor:
    """input's elements at flat indices `index` (negative ones from the end), shaped as index."""
    n = input.numel()
    idx = index._data
    xp = backends.of(idx).xp
    if idx.size and (bool((idx >= n).any()) or bool((idx < -n).any())):
        bad = int(idx[(idx >= n) | (idx < -n)].reshape(-1)[0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         f"elements.")
    flat_idx = _wrap(xp.where(idx < 0, idx + n, idx).reshape(-1).astype(np.int64))
    return _taken(input, flat_idx, tuple(index.shape))


@one_node("TakeBackward0", "input", saves=("input", "index"))
def _taken(input: Tensor, flat_idx: Tensor, shape: tuple) -> Tensor:
    return index_select(input.reshape(-1), 0, flat_idx).reshape(shape)


@method("ravel")
def ravel(input: Tensor) -> Tensor:
    return input.reshape(-1)


@method("msort")
def msort(input: Tensor) -> Tensor:
    return sort(input, 0).values


@one_node("IndexPutBackward0", "input", "values", saves=("indices",))
def index_put(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of input with input[indices] = values (or += values, summing repeated indices,
    when accumulate)."""
    return input.clone().index_put_(indices, values, accumulate)


def _index_put_(self: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    indices = tuple(indices)
    if not accumulate:
        self[indices] = values
        return self
    # sum repeated positions: scatter-add into the flat tensor at each indexed element
    xp = backends.of(self._data).xp
    arrays = [i._data if isinstance(i, Tensor) else xp.asarray(i) for i in indices]
    arrays = [a.nonzero()[0] if a.dtype == np.bool_ else a for a in arrays]
    arrays = list(xp.broadcast_arrays(*arrays))
    lead = self.shape[:len(arrays)]
    arrays = [xp.where(a < 0, a + s, a) for a, s in zip(arrays, lead)]
    rest = tuple(self.shape[len(arrays):])
    block = int(np.prod(rest)) if rest else 1
    rows = xp.ravel_multi_index(tuple(arrays), tuple(lead)).reshape(-1)
    flat_rows = (rows[:, None] * block + xp.arange(block)).reshape(-1).astype(np.int64)
    vals = values.expand(tuple(arrays[0].shape) + rest).reshape(-1).to(self.dtype)
    flat = self.view(-1) if self.is_contiguous() else None
    if flat is None:
        raise RuntimeError("index_put_ with accumulate=True needs a contiguous tensor: call "
                           ".contiguous() first")
    flat.index_add_(0, _wrap(flat_rows), vals)
    return self


Tensor.index_put_ = _index_put_
Tensor.index_put = index_put


# -- products ----------------------------------------------------------------------------------
@register()
def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Sum over a's last `dims` axes and b's first (or the given axis lists), as NumPy's."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.dim() or dims > b.dim():
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got "
                               f"dims={dims}")
        given_a, given_b = list(range(-dims, 0)), list(range(dims))  # (as PyTorch spells them)
    else:
        given_a, given_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    da = [_wrap_dim(d, a.dim()) for d in given_a]
    db = [_wrap_dim(d, b.dim()) for d in given_b]
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype != b.dtype:  # (before the sizes, as PyTorch checks)
        raise RuntimeError("both inputs should have same dtype")
    for x, y, gx, gy in zip(da, db, given_a, given_b):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[x]} in dim {gx} and second has size {b.shape[y]} in "
                               f"dim {gy}")
    free_a = [d for d in range(a.dim()) if d not in da]
    free_b = [d for d in range(b.dim()) if d not in db]
    k = int(np.prod([a.shape[d] for d in da])) if da else 1
    rows = int(np.prod([a.shape[d] for d in free_a]))
    cols = int(np.prod([b.shape[d] for d in free_b]))
    am = a.permute(free_a + da).reshape(rows, k)
    bm = b.permute(db + free_b).reshape(k, cols)
    return (am @ bm).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


@register()
@method("inner")
def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum over the last dims of both (a product when either is 0-d)."""
    if not isinstance(other, Tensor):
        raise not_tensor("inner", "other", 2, other)
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    if input.dim() == other.dim() == 1 and input.dtype.name == other.dtype.name == "bool":
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")  # (vectors: dot's)
    return tensordot(input, other, ([-1], [-1]))


@register()
@method("vdot")
def vdot(input: Tensor, other: Tensor) -> Tensor:
    return input.dot(other)


def ger(input: Tensor, vec2: Tensor) -> Tensor:
    return input.outer(vec2)


Tensor.ger = ger


@register()
@method("addcmul")
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    tensor_args("addcmul", 2, tensor1=tensor1, tensor2=tensor2)
    rt = _dtypes.result_type(input, tensor1, tensor2)
    if rt.name == "bool":
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    if not rt.is_floating_point and isinstance(value, float):
        value = int(value)  # (the kernel takes value in the result's dtype: 0.5 -> 0)
    # the product in the result's dtype (uint8 factors of an int16 input do not wrap at 256)
    return _addcmul(input, tensor1.to(rt), tensor2.to(rt), value)


# (PyTorch's nodes: each factor saved for the other's gradient; addcdiv's divisor for its own)
@one_node("AddcmulBackward0", "input", "tensor1", "tensor2",
          saves={"tensor1": ("tensor2",), "tensor2": ("tensor1",)})
def _addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, value) -> Tensor:
    return input + value * (tensor1 * tensor2) if value != 1 else input + tensor1 * tensor2


@one_node("AddcdivBackward0", "input", "tensor1", "tensor2",
          saves={"tensor1": ("tensor2",), "tensor2": ("tensor1", "tensor2")})
def _addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, value) -> Tensor:
    return input + value * (tensor1 / tensor2) if value != 1 else input + tensor1 / tensor2


@register()
@method("addcdiv")
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    tensor_args("addcdiv", 2, tensor1=tensor1, tensor2=tensor2)
    if not tensor1.is_floating_point() and not tensor2.is_floating_point():
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future  release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all "
                           "dtypes.")
    return _addcdiv(input, tensor1, tensor2, value)


@register()
@method("addr")
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2) (input ignored, even NaN, when beta is 0)."""
    prod = vec1.outer(vec2)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        return prod.expand(tuple(prod.shape)) + input.new_zeros(()).expand(tuple(input.shape))
    return (input if beta == 1 else input * beta) + prod


# -- statistics --------------------------------------------------------------------------------
@register()
@method("cov")
def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance of the rows (variables) over the columns (observations), as NumPy's
    np.cov with ddof=correction."""
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    if input.dtype.name == "bool":
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    x = x if x.is_floating_point() else x.to(_dtypes.get_default_dtype())
    n = x.shape[1]
    for name, wt, floating in (("fweights", fweights, False), ("aweights", aweights, True)):
        if wt is None:
            continue
        if wt.dim() > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                               f"{name} with {wt.dim()} dimensions")
        if wt.is_floating_point() != floating or wt.dtype.name == "bool":
            kind = "floating point" if floating else "integral"
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} "
                               f"with {_legacy(wt.dtype)} dtype")
        if wt.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                               f"observations in the input but got {wt.numel()} != {n}")
        if n and bool((wt < 0).any()):
            raise RuntimeError(f"cov(): {name} cannot be negative")
    w = None
    if fweights is not None:
        w = fweights.to(x.dtype)
    if aweights is not None:
        w = aweights.to(x.dtype) if w is None else w * aweights.to(x.dtype)
    if w is None:
        w_sum = float(n)
        norm = n - correction
    else:
        w_sum = w.sum()
        if not bool(w_sum != 0):
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
        norm = w_sum - (correction * (w * aweights.to(x.dtype)).sum() / w_sum
                        if aweights is not None and correction else correction)
    if bool(norm <= 0):  # (a tensor with weights: the factor stays differentiable)
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = 0.0
    avg = (x if w is None else x * w).sum(1, keepdim=True) / w_sum
    xc = x - avg
    c = xc @ (xc if w is None else xc * w).t()
    return (c / norm).squeeze()


@register()
@method("corrcoef")
def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal().sqrt()
    return (c / d.unsqueeze(1) / d.unsqueeze(0)).clamp(-1, 1)


_mode_type = namedtuple("mode", ["values", "indices"])


def _rows(input: Tensor, dim: int):
    """input with dim moved last, as a 2-d host array of rows."""
    d = _wrap_dim(dim, input.dim())  # (0 or -1 of a 0-d tensor: 0)
    moved = np.moveaxis(backends.of(input._data).to_host(input._data), d, -1) \
        if input.dim() else backends.of(input._data).to_host(input._data).reshape(1)
    return d, moved, moved.reshape(-1, moved.shape[-1]) if moved.size else \
        moved.reshape(-1, max(moved.shape[-1], 1))


@method("mode")
@one_node("ModeBackward0", "input", saves=("indices",))
def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """The most frequent value along dim (the smallest such) and its last index."""
    int_dim("mode", dim)
    d, moved, rows = _rows(input, dim)
    if moved.shape and moved.shape[-1] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    from ._stl_select import mode_line

    idx = np.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        if len(row) <= _MODE_LINE_LIMIT:  # (PyTorch's kernel exactly: its sort's tie order)
            idx[r] = mode_line(row.tolist())[1]
            continue
        values, counts = np.unique(row, return_counts=True)
        best = values[np.argmax(counts)]  # np.unique sorts: the first maximum is the smallest
        idx[r] = len(row) - 1 - int(np.argmax(row[::-1] == best))
    return _pick(input, d, moved, idx, keepdim, _mode_type)


_MODE_LINE_LIMIT = 1 << 12  # longer lines: the smallest most frequent value, its last index


def _pick(input: Tensor, d: int, moved, idx, keepdim: bool, kind):
    """(values, indices) for per-row indices `idx` along dim d (values differentiable)."""
    shape = moved.shape[:-1]
    index = _wrap(backends.of(input._data).asarray(idx.reshape(shape + (1,))))
    if input.dim() == 0:
        return kind(input.clone(), _wrap(backends.of(input._data).asarray(np.int64(0))))
    index = movedim(index, -1, d)
    values = input.gather(d, index)
    if not keepdim:
        values, index = values.squeeze(d), index.squeeze(d)
    return kind(values, index)


_nanmedian_type = namedtuple("nanmedian", ["values", "indices"])


@method("nanmedian")
def nanmedian(input: Tensor, dim=None, keepdim=None):
    """The lower median ignoring NaN (NaN where a slice is all NaN); with dim, also its index."""
    keepdim = median_arguments("nanmedian", input, dim, keepdim)
    if dim is None:
        return call_as_one_node("NanmedianBackward0", ("input",), _nanmedian_all, input,
                                saves=("input", "result"))
    d = _wrap_dim(dim, input.dim())
    if input.dim() and input.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    return call_as_one_node("NanmedianBackward1", ("input",), _nanmedian_dim, input, dim,
                            keepdim, saves=("indices",))


def _nanmedian_all(input: Tensor) -> Tensor:
    flat = input.reshape(-1)
    return _nanmedian_dim(flat, 0, False).values if flat.numel() else flat.sum() * float("nan")


def _nanmedian_dim(input: Tensor, dim: int, keepdim: bool):
    d, moved, rows = _rows(input, dim)
    idx = np.zeros(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        valid = np.flatnonzero(~np.isnan(row))
        if valid.size == 0:
            idx[r] = int(np.flatnonzero(np.isnan(row))[0]) if row.size else 0
            continue
        order = valid[np.argsort(row[valid], kind="stable")]
        idx[r] = order[(valid.size - 1) // 2]
    return _pick(input, d, moved, idx, keepdim, _nanmedian_type)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name: str, input: Tensor, q, dim, keepdim: bool, interpolation: str,
              ignore_nan: bool) -> Tensor:
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")
    if input.numel() == 0:  # (checked first, as PyTorch)
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if input._data.dtype not in (np.float32, np.float64):  # (half too, as PyTorch)
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    qs = np.atleast_1d(np.asarray(q.tolist() if not scalar_q else q, np.float64))
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _wrap_dim(dim, max(x.dim(), 1))
    if x.dim() == 0:
        x = x.reshape(1)
    values = sort(x, d).values  # NaN sorts last
    host = backends.of(values._data).to_host(values._data.astype(np.float64))
    n_valid = (~np.isnan(host)).sum(axis=d, keepdims=True) if ignore_nan else \
        np.full_like(host.take([0], axis=d), x.shape[d], dtype=np.int64)
    outs = []
    for qv in qs:
        rank = qv * (np.maximum(n_valid, 1) - 1)
        lo, hi = np.floor(rank), np.ceil(rank)
        if interpolation == "lower":
            hi = lo
        elif interpolation == "higher":
            lo = hi
        elif interpolation == "nearest":
            lo = hi = np.round(rank)  # half to even, as PyTorch
        frac = 0.5 if interpolation == "midpoint" else rank - lo
        lo_v = values.gather(d, _wrap(backends.of(values._data).asarray(lo.astype(np.int64))))
        hi_v = values.gather(d, _wrap(backends.of(values._data).asarray(hi.astype(np.int64))))
        frac_t = _wrap(backends.of(values._data).asarray(
            np.broadcast_to(frac, lo.shape).astype(values._data.dtype)))
        out = lo_v + (hi_v - lo_v) * frac_t
        with no_grad():
            empty = (n_valid == 0) if ignore_nan else isnan(x).any(d, keepdim=True)._data
            empty = _wrap(backends.of(values._data).asarray(empty))
        out = where(empty, float("nan"), out)
        if not keepdim:
            out = out.squeeze(d)
        elif dim is None:
            out = out.reshape((1,) * input.dim())
        outs.append(out)
    return outs[0] if scalar_q or (isinstance(q, Tensor) and q.dim() == 0) else stack(outs)


@register()
@method("quantile")
def quantile(input: Tensor, q, dim=None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The q-th quantiles along dim (of all elements when dim is None); NaN if a slice has
    NaN."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


@register()
@method("nanquantile")
def nanquantile(input: Tensor, q, dim=None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """quantile ignoring NaN (NaN where a slice is all NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


@register()
def trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoid rule along dim, with sample points x or spacing dx (default 1)."""
    n = y.size(dim)  # (a 0-d y: PyTorch's IndexError)
    d = _wrap_dim(dim, y.dim())
    if n == 0:
        return y.sum(d) * 0
    mid = (narrow(y, d, 1, n - 1) + narrow(y, d, 0, n - 1)) / 2
    if x is not None:
        xd = _wrap_dim(dim, x.dim()) if x.dim() > 1 else 0
        step = narrow(x, xd, 1, n - 1) - narrow(x, xd, 0, n - 1)
        if x.dim() == 1:
            step = step.reshape([n - 1 if i == d else 1 for i in range(y.dim())])
        return (mid * step).sum(d)
    return (mid * (1 if dx is None else dx)).sum(d)


trapz = trapezoid


@register()
def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None,
                         dim: int = -1) -> Tensor:
    """Running trapezoid-rule integrals along dim (one fewer than y's samples)."""
    d = _wrap_dim(dim, y.dim())
    n = y.shape[d]
    mid = (narrow(y, d, 1, max(n - 1, 0)) + narrow(y, d, 0, max(n - 1, 0))) / 2
    if x is not None:
        step = x.diff(dim=-1 if x.dim() == 1 else d)
        if x.dim() == 1:
            step = step.reshape([n - 1 if i == d else 1 for i in range(y.dim())])
        mid = mid * step
    elif dx is not None:
        mid = mid * dx
    return mid.cumsum(d)


def argwhere(input: Tensor) -> Tensor:
    return input.nonzero()


Tensor.argwhere = argwhere
