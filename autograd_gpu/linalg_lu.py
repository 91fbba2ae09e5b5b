"""LU factorisation with partial pivoting: linalg.lu_factor, lu_factor_ex, lu, lu_solve and
torch.lu_unpack / torch.lu, differentiable (square, wide and tall matrices).

The factorisation is written once against the array module (a loop over columns, each step
vectorised over the batch), so NumPy and CuPy run the same code; pivots are LAPACK's: 1-based
int32, row i swapped with row pivots[i] at step i."""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from . import backends
from .autograd.function import named_function
from .tensor import Tensor, _wrap

_factor_type = namedtuple("linalg_lu_factor", ["LU", "pivots"])
_factor_ex_type = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
_lu_type = namedtuple("linalg_lu", ["P", "L", "U"])
_unpack_type = namedtuple("lu_unpack", ["P", "L", "U"])
_with_info_type = namedtuple("_lu_with_info", ["LU", "pivots", "info"])


def _factor(a, pivot: bool):
    """(LU packed, pivots, info) of the arrays a (..., m, n)."""
    backend = backends.of(a)
    xp = backend.xp
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    count = int(np.prod(batch, dtype=np.int64))
    lu = a.reshape((count, m, n)).copy()
    pivots = xp.empty((count, k), dtype=np.int32)
    info = xp.zeros(count, dtype=np.int32)
    rows = xp.arange(count)
    for j in range(k):
        if pivot:
            p = xp.argmax(xp.abs(lu[:, j:, j]), axis=1) + j
            pivots[:, j] = p + 1
            top = lu[:, j, :].copy()
            lu[:, j, :] = lu[rows, p, :]
            lu[rows, p, :] = top
        else:
            pivots[:, j] = j + 1
        head = lu[:, j, j]
        zero = head == 0
        info = xp.where((info == 0) & zero, j + 1, info).astype(np.int32, copy=False)
        lu[:, j + 1:, j] /= xp.where(zero, 1, head)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _permutation(pivots, m: int, like):
    """P (..., m, m) with A = P L U, from LAPACK pivots (row swaps applied in order)."""
    backend = backends.of(pivots)
    xp = backend.xp
    batch = pivots.shape[:-1]
    count = int(np.prod(batch, dtype=np.int64))
    piv = pivots.reshape((count, pivots.shape[-1])).astype(np.int64) - 1
    perm = xp.broadcast_to(xp.arange(m), (count, m)).copy()
    rows = xp.arange(count)
    for j in range(piv.shape[1]):
        p = piv[:, j]
        top = perm[:, j].copy()
        perm[:, j] = perm[rows, p]
        perm[rows, p] = top
    P = xp.zeros((count, m, m), dtype=like.dtype)
    P[rows[:, None], perm, xp.arange(m)[None, :]] = 1  # P[perm[i], i] = 1
    return P.reshape(batch + (m, m))


def _check(A: Tensor, name: str = "torch.lu_factor") -> None:
    if A.dim() < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    if not A.is_floating_point():
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_title(A._data.dtype)}'")


def _title(dtype) -> str:
    from .ops.linalg import _title as title

    return title(dtype)


def _pieces(LU: Tensor):
    """Unit-lower L (m x k) and upper U (k x n) from the packed factor."""
    from . import creation

    m, n = LU.shape[-2:]
    k = min(m, n)
    L = LU[..., :, :k].tril(-1) + creation.eye(m, k, dtype=LU.dtype, device=LU.device)
    U = LU[..., :k, :].triu()
    return L, U


def _square_backward(L, U, gL, gU):
    """P^T gA for A = P L U square: L^-T [tril_-1(L^T gL) + triu(gU U^T)] U^-T."""
    from .linalg import solve

    phi = (L.mT @ gL).tril(-1) + (gU @ U.mT).triu()
    return solve(U.mT, solve(L.mT, phi), left=False)


def _lu_backward(P, L, U, gL, gU):
    """The gradient of A = P L U from those of L and U (None: zero), for any shape."""
    from .linalg import solve
    from .ops import cat

    gL = gL if gL is not None else L * 0
    gU = gU if gU is not None else U * 0
    m, n = L.shape[-2], U.shape[-1]
    if m == n:
        inner = _square_backward(L, U, gL, gU)
    elif m < n:  # A = P L [U1 U2]
        U1, U2, gU1, gU2 = U[..., :, :m], U[..., :, m:], gU[..., :, :m], gU[..., :, m:]
        g2 = solve(L.mT, gU2)
        gL = gL - g2 @ U2.mT
        inner = cat([_square_backward(L, U1, gL, gU1), g2], -1)
    else:  # P^T A = [L1; L2] U
        L1, L2, gL1, gL2 = L[..., :n, :], L[..., n:, :], gL[..., :n, :], gL[..., n:, :]
        g2 = solve(U.mT, gL2, left=False)
        gU = gU - L2.mT @ g2
        inner = cat([_square_backward(L1, U, gL1, gU), g2], -2)
    return P @ inner


def _factor_forward(ctx, A, pivot):
    lu, piv, info = _factor(A._data, pivot)
    ctx.pivots = piv
    from .linalg import column_major

    LU, pivots, infos = _wrap(column_major(lu)), _wrap(piv), _wrap(info)
    ctx.mark_non_differentiable(pivots, infos)
    ctx.save_for_backward(LU)
    return LU, pivots, infos


def _factor_backward(ctx, gLU, *_):
    (LU,) = ctx.saved_tensors
    L, U = _pieces(LU)
    P = _wrap(_permutation(ctx.pivots, LU.shape[-2], LU._data))
    return _lu_backward(P, L, U, gLU.tril(-1)[..., :, :L.shape[-1]],
                        gLU.triu()[..., :U.shape[-2], :]), None


def _lu_forward(ctx, A, pivot):
    lu, piv, _ = _factor(A._data, pivot)
    LU = _wrap(lu)
    L, U = _pieces(LU)
    P = _wrap(_permutation(piv, A.shape[-2], lu))
    ctx.mark_non_differentiable(P)
    ctx.save_for_backward(L, U, P)
    return L, U, P  # (L and U are outputs 0 and 1, as PyTorch numbers them)


def _lu_backward_fn(ctx, gL, gU, gP):
    L, U, P = ctx.saved_tensors
    return _lu_backward(P, L, U, gL, gU), None


_FactorEx = named_function("LinalgLuFactorExBackward0", _factor_forward, _factor_backward)
_Lu = named_function("LinalgLuBackward0", _lu_forward, _lu_backward_fn)


def _pivoting(A: Tensor, pivot: bool, name: str) -> None:
    if not pivot and A.device.type == "cpu":
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False):
    """(LU, pivots, info): info > 0 names the first zero on U's diagonal (1-based)."""
    _check(A)
    _pivoting(A, pivot, "linalg.lu_factor")
    LU, pivots, info = _FactorEx.apply(A, pivot)
    if check_errors:
        _raise_singular(info, "torch.linalg.lu_factor_ex")
    return _factor_ex_type(LU, pivots, info)


def lu_factor(A: Tensor, *, pivot: bool = True):
    """(LU, pivots) with A = P L U; a zero on U's diagonal is an error (lu_factor_ex or
    linalg.lu factor such matrices)."""
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    _raise_singular(info, "torch.linalg.lu_factor")
    return _factor_type(LU, pivots)


def _raise_singular(info: Tensor, name: str) -> None:
    flags = info.numpy(force=True).reshape(-1)
    bad = np.flatnonzero(flags)
    if bad.size:
        i = int(bad[0])
        where = f"(Batch element {i}): " if info.dim() else ""
        d = int(flags[i])
        raise RuntimeError(f"{name}: {where}U[{d},{d}] is zero and using it on lu_solve would "
                           f"result in a division by zero. If you still want to perform the "
                           f"factorization, consider calling linalg.lu(A, pivot) or "
                           f"linalg.lu_factor_ex(A, pivot)")


def lu(A: Tensor, *, pivot: bool = True):
    """(P, L, U) with A = P L U: P a permutation, L unit lower (m x k), U upper (k x n)."""
    _check(A, "linalg.lu")
    _pivoting(A, pivot, "linalg.lu_factor")
    L, U, P = _Lu.apply(A, pivot)
    return _lu_type(P, L, U)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True):
    """(P, L, U) from lu_factor's packed factor and pivots (L and U differentiable)."""
    m = LU_data.shape[-2]
    L, U = _pieces(LU_data) if unpack_data else (LU_data.new_empty(0), LU_data.new_empty(0))
    P = _wrap(_permutation(LU_pivots._data, m, LU_data._data)) if unpack_pivots else \
        LU_data.new_empty(0)
    return _unpack_type(P, L, U)


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """X with A X = B (X A = B if not left; A^T for adjoint), A = P L U from lu_factor;
    differentiable in LU and B."""
    from .linalg import solve_triangular

    P, L, U = lu_unpack(LU, pivots)
    P = P.to(B.dtype)
    if left and not adjoint:  # X = U^-1 L^-1 P^T B
        y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
        return solve_triangular(U, y, upper=True)
    if left:  # A^T X = B: X = P L^-T U^-T B
        y = solve_triangular(U.mT, B, upper=False)
        return P @ solve_triangular(L.mT, y, upper=True, unitriangular=True)
    if not adjoint:  # X A = B: X = B U^-1 L^-1 P^T
        y = solve_triangular(U, B, upper=True, left=False)
        return solve_triangular(L, y, upper=False, left=False, unitriangular=True) @ P.mT
    # X A^T = B: X = B P L^-T U^-T
    y = solve_triangular(L.mT, B @ P, upper=True, left=False, unitriangular=True)
    return solve_triangular(U.mT, y, upper=False, left=False)


def torch_lu(A: Tensor, pivot: bool = True, get_infos: bool = False):
    """torch.lu / Tensor.lu: the deprecated spelling of linalg.lu_factor(_ex)."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                  "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.",
                  UserWarning, stacklevel=2)
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    return _with_info_type(LU, pivots, info) if get_infos else (LU, pivots)


__all__ = ["lu", "lu_factor", "lu_factor_ex", "lu_solve", "lu_unpack"]
