"""autograd_gpu.linalg: PyTorch's torch.linalg for what small models use: norms, inverse,
determinant, solve, cross and vecdot, with their derivatives (each differentiable again)."""
from __future__ import annotations

import numpy as np

from . import backends
from .autograd.node import Node
from .ops import abs as _abs
from .ops import matmul
from .ops._core import record, recording, same_device, wrap_dims
from .ops.composite import index_select
from .tensor import Tensor, _wrap


def _dims(x: Tensor, dim):
    return None if dim is None else tuple(wrap_dims(dim, x.dim()))


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The ord-norm of x's entries (all of them, or along dim)."""
    if dtype is not None:
        x = x.to(dtype)
    dims = _dims(x, dim)
    kw = dict(keepdim=keepdim)
    if ord == 2:
        return x.norm(2, dims, **kw) if dims is not None else (
            x.norm() if not keepdim else x.norm(2, tuple(range(x.dim())), keepdim=True))
    whole = dims if dims is not None else tuple(range(x.dim()))
    if ord == float("inf"):
        return _abs(x).amax(whole, **kw)
    if ord == -float("inf"):
        return _abs(x).amin(whole, **kw)
    if ord == 0:
        return (x != 0).to(x.dtype).sum(whole, **kw)
    if ord == 1:
        return _abs(x).sum(whole, **kw)
    return (_abs(x) ** ord).sum(whole, **kw) ** (1.0 / ord)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:
    if ord != "fro":
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} is not supported (only "
                                  f"'fro')")
    return vector_norm(A, 2, dim, keepdim, dtype=dtype)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """torch.linalg.norm: a vector norm (ord a number, or None with a 1-d dim) or the
    Frobenius norm of matrices (ord 'fro', or None with a 2-d dim)."""
    if ord == "fro" or (ord is None and dim is not None and not isinstance(dim, int)
                        and len(dim) == 2):
        return matrix_norm(A, "fro", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise NotImplementedError(f"linalg.norm: ord={ord!r} is not supported")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def _square(A: Tensor, name: str) -> None:
    if A.dim() < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.dim() >= 2 else 1} by {A.shape[-1]} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {str(A.dtype).split('.')[-1].capitalize()}")


def _mT(F, x):
    return F.swapaxes(x, -1, -2)


class LinalgInvExBackward0(Node):
    """d(A^-1) = -A^-1 dA A^-1, so the gradient is -A^-T g A^-T."""

    __slots__ = ()

    def grad(self, F, g):
        inv_t = _mT(F, self.saved_output(F))
        return (-F.matmul(F.matmul(inv_t, g), inv_t),)


def inv(A: Tensor) -> Tensor:
    _square(A, "inv")
    xp = backends.of(A._data).xp
    try:
        out = xp.linalg.inv(A._data)
    except np.linalg.LinAlgError:
        raise RuntimeError("linalg.inv: The diagonal element 1 is zero, the inversion could "
                           "not be completed because the input matrix is singular.") from None
    if recording(A):
        res = record(LinalgInvExBackward0, out, (A,))
        from .ops._core import save_output

        save_output(res._edge[0], res)
        return res
    return _wrap(out)


class LinalgDetBackward0(Node):
    """d det(A) = det(A) tr(A^-1 dA): the gradient is g det(A) A^-T."""

    __slots__ = ()

    def grad(self, F, g, a):
        det = self.saved_output(F)
        scale = F.expand_dims(F.expand_dims(g * det, -1), -1)
        return (scale * _mT(F, _inverse(F, a)),)


def _inverse(F, a):
    return inv(a) if F.tensors else backends.of(a).xp.linalg.inv(a)


def det(A: Tensor) -> Tensor:
    _square(A, "det")
    out = backends.of(A._data).xp.linalg.det(A._data)
    out = backends.of(A._data).xp.asarray(out, dtype=A._data.dtype)
    if recording(A):
        res = record(LinalgDetBackward0, out, (A,), (A,))
        from .ops._core import save_output

        save_output(res._edge[0], res)
        return res
    return _wrap(out)


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B, as inv(A) @ B (differentiable through both)."""
    if not left:
        raise NotImplementedError("linalg.solve: left=False is not supported")
    same_device("linalg.solve", (A, B))
    a_inv = inv(A)
    return matmul(a_inv, B) if B.dim() != A.dim() - 1 else matmul(a_inv, B.unsqueeze(-1)) \
        .squeeze(-1)


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    d = dim % max(input.dim(), other.dim())
    rot = lambda t, order: index_select(t, d, _wrap(  # noqa: E731
        backends.of(t._data).asarray(np.array(order, np.int64))))
    return rot(input, (1, 2, 0)) * rot(other, (2, 0, 1)) - rot(input, (2, 0, 1)) * rot(
        other, (1, 2, 0))


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    return (x * y).sum(dim)


matmul = matmul

__all__ = ["vector_norm", "matrix_norm", "norm", "inv", "det", "solve", "cross", "vecdot",
           "matmul"]
