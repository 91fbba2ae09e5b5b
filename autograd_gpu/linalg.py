"""autograd_gpu.linalg: PyTorch's torch.linalg: norms, inverse, determinant (and slogdet),
solve, cross, vecdot, matrix_power, matrix_exp, and the decompositions cholesky, eigh, svd and
qr with pinv, lstsq and matrix_rank built on them, each with its derivative (differentiable
again: the decompositions' backward formulas are written with tensor ops)."""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from . import _dtypes, backends
from .autograd.grad_mode import no_grad
from .autograd.node import Node
from .ops import cat, matmul, where
from .ops._core import not_tensor, record, recording, same_device, wrap_dims
from .ops.composite import index_select
from .ops.extra import check_norm_dim, check_norm_dtypes, p_norm
from .ops.inplace import _legacy
from .ops.one_node import one_node
from .tensor import Tensor, _wrap


def _dims(x: Tensor, dim):
    return None if dim is None else tuple(wrap_dims(dim, x.dim()))


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The ord-norm of x's entries (all of them, or along dim)."""
    check_norm_dim(dim, whole=True)
    check_norm_dtypes(x, dtype, "vector_norm")
    if isinstance(dim, (tuple, list)) and not dim:  # (dim=(): every dim, as PyTorch)
        dim = None
    if dtype is not None:
        x = x.to(dtype)
    dims = _dims(x, dim)
    kw = dict(keepdim=keepdim)
    if ord == 2:
        return x.norm(2, dims, **kw) if dims is not None else (
            x.norm() if not keepdim else x.norm(2, tuple(range(x.dim())), keepdim=True))
    whole = dims if dims is not None else tuple(range(x.dim()))
    return p_norm(x, float(ord), whole, keepdim)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """Matrix norms over the two dims: 'fro', 'nuc' (sum of singular values), 2 / -2 (the
    largest / smallest singular value), 1 / -1 (max / min column sum of |a|), inf / -inf
    (max / min row sum)."""
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    check_norm_dtypes(A, dtype, "matrix_norm")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = wrap_dims(dim, A.dim())
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        S = svdvals(A.movedim((d0, d1), (-2, -1)))
        out = S.sum(-1) if ord == "nuc" else (S.amax(-1) if ord == 2 else S.amin(-1))
        if keepdim:
            out = out.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return out
    if ord in (1, -1, math.inf, -math.inf):
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = A.abs().sum(summed, keepdim=True)
        out = sums.amax(other, keepdim=True) if ord > 0 else sums.amin(other, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """torch.linalg.norm: without dim, a 2-D A with an ord gets a matrix norm, anything else
    the vector norm of all entries; an int (or 1-tuple) dim a vector norm, a 2-tuple a matrix
    norm."""
    if dim is None:
        if ord is None:
            return vector_norm(A, 2, None, keepdim, dtype=dtype)
        if A.dim() not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {A.dim()}D.")
        if A.dim() == 2 or isinstance(ord, str):
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {len(dims)}")
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def _square(A: Tensor, name: str) -> None:
    _matrices(A, name)
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    _floating(A, name)


def _matrices(A: Tensor, name: str, arg: str = "A") -> None:
    if A.dim() < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor {arg} must have at least 2 "
                           f"dimensions.")


def _floating(A: Tensor, name: str) -> None:
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {_legacy(A.dtype)}")


def column_major(a):
    """a's matrices laid out column by column (each batch element whole): LAPACK's layout,
    which PyTorch's factorisations and solves return (stride (1, n); not contiguous)."""
    if a.ndim < 2:
        return a
    xp = backends.of(a).xp
    return xp.ascontiguousarray(a.swapaxes(-1, -2)).swapaxes(-1, -2)


def _singular(a) -> tuple:
    """(where, k) of the first matrix in `a` whose LU factorisation meets a zero pivot:
    where is PyTorch's "(Batch element i): " for a batch ("" for one matrix), k the pivot's
    1-based position (LAPACK's info)."""
    from .linalg_lu import _factor

    info = backends.of(a).to_host(_factor(a, True)[2]).reshape(-1)
    i = int(np.flatnonzero(info)[0]) if info.any() else 0
    return (f"(Batch element {i}): " if a.ndim > 2 else ""), int(info[i]) or 1


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
    backend = backends.of(A._data)
    try:
        with backend.linalg_errors():
            out = backend.xp.linalg.inv(A._data)
    except np.linalg.LinAlgError:
        where, k = _singular(A._data)
        raise LinAlgError(f"linalg.inv: {where}The diagonal element {k} is zero, the inversion "
                          f"could not be completed because the input matrix is "
                          f"singular.") from None
    out = column_major(out)
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
    """X with A X = B (or X A = B with left=False); B is a (batch of) vector(s) when it is
    1-d or has A's shape less its last dim, as in PyTorch."""
    for name, t in (("A", A), ("B", B)):
        if not isinstance(t, Tensor):
            raise not_tensor("linalg_solve", name, 1 if name == "A" else 2, t)
    same_device("linalg.solve", (A, B))
    _floating(A, "solve")
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {_legacy(A.dtype)} and B of type {_legacy(B.dtype)} "
                           f"instead")
    _matrices(A, "solve")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.solve: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and B.shape == A.shape[:-1])
    Bm = B.shape + (1,) if vector else B.shape
    if len(Bm) < 2:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    if (A.shape[-2] != Bm[-2]) if left else (A.shape[-1] != Bm[-1]):
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{Bm[-2]}x{Bm[-1]})")
    try:
        np.broadcast_shapes(tuple(Bm[:-2]), tuple(A.shape[:-2]))
    except ValueError:
        from .ops.pointwise import _broadcast_error

        raise _broadcast_error(_wrap(np.empty(Bm[:-2])), _wrap(np.empty(A.shape[:-2]))) \
            from None
    return _Solve.apply(A, B, left, vector)


def _solve_forward(ctx, A, B, left, vector):
    backend = backends.of(A._data)
    a = A._data if left else A._data.swapaxes(-1, -2)
    b = B._data[..., None] if vector else B._data if left else B._data.swapaxes(-1, -2)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])  # (given to the solver whole:
    a = backend.xp.broadcast_to(a, batch + a.shape[-2:])     # CuPy's does not broadcast)
    b = backend.xp.broadcast_to(b, batch + b.shape[-2:])
    try:
        with backend.linalg_errors():
            x = backend.xp.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        where, _ = _singular(a)
        raise LinAlgError(f"torch.linalg.solve: {where}The solver failed because the input "
                          f"matrix is singular.") from None
    x = x[..., 0] if vector else x if left else x.swapaxes(-1, -2)
    X = _wrap(column_major(x) if left and not vector else backend.xp.ascontiguousarray(x))
    ctx.save_for_backward(A, X)  # (as PyTorch saves them: B may change after)
    ctx.left, ctx.vector = left, vector
    return X


def _solve_backward(ctx, gX):
    """A X = B: gB = A^-T gX, gA = -gB X^T; X A = B: gB = gX A^-T, gA = -X^T gB."""
    A, X = ctx.saved_tensors
    if ctx.vector:
        gX, X = gX.unsqueeze(-1), X.unsqueeze(-1)
    gB = solve(A.mT, gX, left=ctx.left)
    gA = -(gB @ X.mT if ctx.left else X.mT @ gB)
    return gA, gB.squeeze(-1) if ctx.vector else gB, None, None


def check_cross_sizes(input: Tensor, other: Tensor, dim: int) -> None:
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    check_cross_sizes(input, other, dim)
    if input.dtype.name == "bool":  # (the kernel is chosen by the input's dtype, then both
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")  # must match it)
    if other.dtype != input.dtype:
        from .ops.inplace import _legacy

        raise RuntimeError(f"expected scalar type {_legacy(input.dtype)} but found "
                           f"{_legacy(other.dtype)}")
    d = dim % max(input.dim(), other.dim())
    rot = lambda t, order: index_select(t, d, _wrap(  # noqa: E731
        backends.of(t._data).asarray(np.array(order, np.int64))))
    return rot(input, (1, 2, 0)) * rot(other, (2, 0, 1)) - rot(input, (2, 0, 1)) * rot(
        other, (1, 2, 0))


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    return (x * y).sum(dim)


matmul = matmul

class _LinAlgError(RuntimeError):
    """A factorization failed (PyTorch's torch.linalg.LinAlgError, a RuntimeError)."""


LinAlgError = _LinAlgError


def _batched_eye(A: Tensor) -> Tensor:
    from . import creation

    return creation.eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(tuple(A.shape))


_slogdet_type = namedtuple("linalg_slogdet", ["sign", "logabsdet"])


def _slogdet_forward(ctx, A):
    xp = backends.of(A._data).xp
    sign, logabs = xp.linalg.slogdet(A._data)
    sign = _wrap(xp.asarray(sign, dtype=A._data.dtype))
    ctx.save_for_backward(A, sign)  # (as PyTorch saves them: changing either fails)
    ctx.set_materialize_grads(False)  # (only the sign used: no gradient, as PyTorch's)
    return sign, _wrap(xp.asarray(logabs, dtype=A._data.dtype))


def _slogdet_backward(ctx, g_sign, g_logabs):
    """d log|det A| = tr(A^-1 dA): the gradient is g A^-T; the sign is piecewise constant."""
    A, _ = ctx.saved_tensors
    return None if g_logabs is None else g_logabs[..., None, None] * inv(A).mT


def slogdet(A: Tensor):
    """(sign of det A, log |det A|), accurate where det itself would under- or overflow."""
    _square(A, "slogdet")
    return _slogdet_type(*_Slogdet.apply(A))


def logdet(A: Tensor) -> Tensor:
    """log det A: NaN where det A < 0, -inf where it is 0."""
    sign, logabs = slogdet(A)
    return where(sign < 0, float("nan"), where(sign == 0, float("-inf"), logabs))


def matrix_power(A: Tensor, n: int) -> Tensor:
    """A @ A @ ... (n times) by repeated squaring; the inverse's power for n < 0."""
    if A.dim() < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {A.shape[-2] if A.dim() >= 2 else 1} by {A.shape[-1]} "
                           f"matrices")
    if not isinstance(n, int):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        return _batched_eye(A).clone()
    base = inv(A) if n < 0 else A
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result if result is not A else A * 1


@one_node("LinalgMatrixExpBackward0", "A", saves=("A",))
def matrix_exp(A: Tensor) -> Tensor:
    """e^A by scaling and squaring a degree-18 Taylor polynomial (differentiable through the
    matrix products)."""
    _square(A, "matrix_exp")
    with no_grad():
        norm = float(vector_norm(A.detach(), 1, (-2, -1)).max()) if A.numel() else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0.5 else 0
    X = A / (2 ** squarings) if squarings else A
    eye = _batched_eye(A)
    result, term = eye + X, X
    for k in range(2, 19):
        term = matmul(term, X) / k
        result = result + term
    for _ in range(squarings):
        result = matmul(result, result)
    return result


# -- decompositions: autograd Functions (several differentiable outputs) -----------------------
from .autograd.function import named_function as _fn  # noqa: E402

_Slogdet = _fn("LinalgSlogdetBackward0", _slogdet_forward, _slogdet_backward)
_Solve = _fn("LinalgSolveExBackward0", _solve_forward, _solve_backward)


def _tril_half(X: Tensor) -> Tensor:
    """The lower triangle with the diagonal halved."""
    L = X.tril()
    return L - 0.5 * L.diagonal(0, -2, -1).diag_embed()


def _cholesky_forward(ctx, A, upper):
    backend = backends.of(A._data)
    try:
        with backend.linalg_errors():
            L = backend.xp.linalg.cholesky(A._data)
    except np.linalg.LinAlgError:
        where, k = _failing_minor(A._data)
        raise LinAlgError(f"linalg.cholesky: {where}The factorization could not be completed "
                          f"because the input is not positive-definite (the leading minor of "
                          f"order {k} is not positive-definite).") from None
    out = _wrap(column_major(L.swapaxes(-1, -2) if upper else L))
    ctx.save_for_backward(out)  # (the output, as PyTorch saves it: changing it fails)
    ctx.upper = upper
    return out


def _failing_minors(a):
    """Per matrix, the order of its first leading minor that is not positive-definite (0
    where there is none): LAPACK's info (int32, of the batch's shape, on the host)."""
    host = backends.of(a).to_host(a)
    mats = host.reshape((-1,) + host.shape[-2:])
    info = np.zeros(len(mats), np.int32)
    for i, m in enumerate(mats):
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                info[i] = k
                break
    return info.reshape(host.shape[:-2])


def _failing_minor(a) -> tuple:
    """(where, k) for the first matrix that is not positive-definite (see _singular)."""
    info = _failing_minors(a).reshape(-1)
    i = int(np.flatnonzero(info)[0]) if info.any() else 0
    return (f"(Batch element {i}): " if a.ndim > 2 else ""), int(info[i]) or a.shape[-1]


def _cholesky_backward(ctx, gL):
    """gA = sym(L^-T Phi(L^T gL) L^-1), Phi the lower triangle with the diagonal halved."""
    L, = ctx.saved_tensors
    if ctx.upper:
        L, gL = L.mT, gL.mT
    L_inv = inv(L)
    gA = L_inv.mT @ _tril_half(L.mT @ gL.tril()) @ L_inv
    return 0.5 * (gA + gA.mT), None


_Cholesky = _fn("LinalgCholeskyExBackward0", _cholesky_forward, _cholesky_backward)


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L lower triangular with A = L L^T (or U = L^T with upper=True), A symmetric positive
    definite (only its lower triangle is read)."""
    _square(A, "cholesky")
    return _Cholesky.apply(A, upper)


_eigh_type = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


def _eigh_forward(ctx, A, uplo):
    xp = backends.of(A._data).xp
    w, V = xp.linalg.eigh(A._data, UPLO=uplo)
    w, V = _wrap(w), _wrap(column_major(V))
    ctx.save_for_backward(w, V)
    return w, V


def _eigh_backward(ctx, gw, gV):
    """gA = V (diag(gw) + skew(V^T gV) / (w_j - w_i)) V^T."""
    w, V = ctx.saved_tensors
    inner = V.mT @ gV
    inner = 0.5 * (inner - inner.mT)
    gap = w.unsqueeze(-2) - w.unsqueeze(-1)
    gap = gap + _batched_eye(gap)  # 1 on the diagonal, where inner is 0
    inner = inner / gap + gw.diag_embed()
    return V @ inner @ V.mT, None


_Eigh = _fn("LinalgEighBackward0", _eigh_forward, _eigh_backward)


def eigh(A: Tensor, UPLO: str = "L"):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric A, read
    from its lower (or upper) triangle."""
    _square(A, "eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _eigh_type(*_Eigh.apply(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    return eigh(A, UPLO).eigenvalues


_svd_type = namedtuple("linalg_svd", ["U", "S", "Vh"])
svd_result = namedtuple("svd", ["U", "S", "V"])  # the older torch.svd's


def _svd_forward(ctx, A, full_matrices):
    xp = backends.of(A._data).xp
    U, S, Vh = (_wrap(column_major(x)) for x in xp.linalg.svd(A._data,
                                                               full_matrices=full_matrices))
    ctx.save_for_backward(U, S, Vh)
    ctx.full_matrices = full_matrices
    ctx.set_materialize_grads(False)
    return U, S, Vh


def _svd_backward(ctx, gU, gS, gVh):
    """Thin SVD A = U S V^T (Townsend's formula):
    gA = U [(J S + S K) + diag(gS)] V^T + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T),
    J = F o (U^T gU - gU^T U), K = F o (V^T gV - gV^T V), F_ij = 1 / (s_j^2 - s_i^2)."""
    U, S, Vh = ctx.saved_tensors
    k = S.shape[-1]
    if ctx.full_matrices and (gU is not None or gVh is not None):
        if U.shape[-1] != k or Vh.shape[-2] != k:
            raise RuntimeError("linalg_svd_backward: Setting full_matrices=True in backward is "
                               "not supported. Use full_matrices=False")
    U, Vh = U[..., :, :k], Vh[..., :k, :]
    V = Vh.mT
    gA = None
    if gS is not None:
        gA = U @ gS.diag_embed() @ Vh
    if gU is None and gVh is None:
        return gA, None
    S2 = S * S
    gap = S2.unsqueeze(-2) - S2.unsqueeze(-1)  # s_j^2 - s_i^2
    eye = _batched_eye(gap)
    Fm = (1 - eye) / (gap + eye)
    S_mat, S_inv = S.diag_embed(), (1 / S).diag_embed()
    term = None
    if gU is not None:
        gU = gU[..., :, :k]
        J = Fm * (U.mT @ gU - gU.mT @ U)
        term = U @ (J @ S_mat) @ Vh
        if U.shape[-2] > k:
            proj = gU - U @ (U.mT @ gU)
            term = term + proj @ S_inv @ Vh
    if gVh is not None:
        gV = gVh[..., :k, :].mT
        K = Fm * (V.mT @ gV - gV.mT @ V)
        part = U @ (S_mat @ K) @ Vh
        if V.shape[-2] > k:
            proj = gV - V @ (V.mT @ gV)
            part = part + U @ S_inv @ proj.mT
        term = part if term is None else term + part
    return (term if gA is None else gA + term), None


_Svd = _fn("LinalgSvdBackward0", _svd_forward, _svd_backward)


def svd(A: Tensor, full_matrices: bool = True):
    """A = U diag(S) Vh, singular values descending."""
    _matrices(A, "svd")
    _floating(A, "svd")
    return _svd_type(*_Svd.apply(A, full_matrices))


def svdvals(A: Tensor) -> Tensor:
    return svd(A, full_matrices=False).S


_qr_type = namedtuple("linalg_qr", ["Q", "R"])
qr_result = namedtuple("qr", ["Q", "R"])  # the older torch.qr's
slogdet_result = namedtuple("slogdet", ["sign", "logabsdet"])  # torch.slogdet's


def _qr_forward(ctx, A, mode):
    xp = backends.of(A._data).xp
    Q, R = (_wrap(column_major(x)) for x in xp.linalg.qr(
        A._data, mode="reduced" if mode == "r" else mode))
    ctx.save_for_backward(Q, R)
    ctx.set_materialize_grads(False)
    ctx.mode = mode
    return Q, R


def _qr_backward(ctx, gQ, gR):
    """A = QR with m >= n (reduced): M = R gR^T - gQ^T Q,
    gA = (gQ + Q copyltu(M)) R^-T, copyltu(M) = tril(M) + tril(M, -1)^T."""
    Q, R = ctx.saved_tensors
    m, n = Q.shape[-2], R.shape[-1]
    if ctx.mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                           "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                           "going to differentiate through linalg.qr.")
    if ctx.mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                           "and nrows > ncols.")
    gQ = Q.new_zeros(tuple(Q.shape)) if gQ is None else gQ
    gR = R.new_zeros(tuple(R.shape)) if gR is None else gR
    if m >= n:
        return _qr_square_backward(Q, R, gQ, gR), None
    # wide: A = [X | Y] with X square, R = [U | V]: X = QU is a square QR and Y = QV, so
    # Q's gradient gains Y gV^T, and gY = Q gV
    U, V = R[..., :, :m], R[..., :, m:]
    gU, gV = gR[..., :, :m], gR[..., :, m:]
    gX = _qr_square_backward(Q, U, gQ + Q @ (V @ gV.mT), gU)
    return cat([gX, Q @ gV], -1), None


def _qr_square_backward(Q, R, gQ, gR):
    M = R @ gR.mT - gQ.mT @ Q
    sym = M.tril() + M.tril(-1).mT
    return (gQ + Q @ sym) @ inv(R).mT


_Qr = _fn("LinalgQrBackward0", _qr_forward, _qr_backward)


def qr(A: Tensor, mode: str = "reduced"):
    """A = QR, Q with orthonormal columns and R upper triangular."""
    _matrices(A, "qr")
    _floating(A, "qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    if mode == "r":
        R = _Qr.apply(A, "r")[1]
        return _qr_type(A.new_empty((0,)), R)
    return _qr_type(*_Qr.apply(A, mode))


@one_node("LinalgPinvBackward0", "A", saves=("A", "result"))
def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse from the thin SVD, singular values at or below
    max(atol, rtol * largest) treated as zero."""
    if A.dim() < 2 or not A.is_floating_point():
        raise RuntimeError(f"linalg.pinv({A.type().split('.')[-1][:-len('Tensor')]}"
                           f"{{{list(A.shape)}}}): expected a tensor with 2 or more dimensions "
                           f"of float, double, cfloat or cdouble types")
    if hermitian:
        A = _lower_symmetric(A)
    U, S, Vh = svd(A, full_matrices=False)
    cutoff = _cutoff(A, S, atol, rtol)
    keep = S > cutoff
    S_inv = where(keep, 1 / where(keep, S, 1.0), 0.0)
    return (Vh.mT * S_inv.unsqueeze(-2)) @ U.mT


def _lower_symmetric(A: Tensor) -> Tensor:
    """A hermitian=True input as PyTorch's eigh reads it: its lower triangle, mirrored (A
    itself when it is symmetric already)."""
    with no_grad():
        symmetric = bool((A == A.mT).all())
    return A if symmetric else A.tril() + A.tril(-1).mT


def _cutoff(A: Tensor, S: Tensor, atol, rtol):
    with no_grad():
        largest = S.amax(-1, keepdim=True) if S.shape[-1] else S.sum(-1, keepdim=True)
        if rtol is None:
            eps = float(np.finfo(A._data.dtype).eps)
            rtol = eps * max(A.shape[-2:]) if atol is None or atol == 0 else 0.0
        cut = largest * rtol
        if atol is not None:
            cut = cut.clamp(min=atol)
        return cut


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The number of singular values above max(atol, rtol * largest)."""
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at "
                           "least 2 dimensions.")
    if not A.is_floating_point():
        raise RuntimeError("This function doesn't handle types other than float and double")
    with no_grad():
        S = svdvals(_lower_symmetric(A) if hermitian else A)
        return (S > _cutoff(A, S, atol, rtol)).sum(-1)


_lstsq_type = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


@one_node("LinalgLstsqBackward0", "A", "B", saves=("A", "B", "result"))
def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """The least-squares solution X of A X = B (via the pseudo-inverse, differentiable)."""
    if driver is not None and driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           "gelsy, gelsd, gelss)")
    same_device("linalg.lstsq", (A, B))
    vector = B.dim() == A.dim() - 1
    X = pinv(A, rtol=rcond) @ (B.unsqueeze(-1) if vector else B)
    X = X.squeeze(-1) if vector else X.mT.contiguous().mT  # (LAPACK's layout, as PyTorch's)
    empty = A.new_empty((0,))
    return _lstsq_type(X, empty, matrix_rank(A), empty)


# -- the *_ex forms, products, structured matrices ---------------------------------------------
_solve_ex_type = namedtuple("linalg_solve_ex", ["result", "info"])
_inv_ex_type = namedtuple("linalg_inv_ex", ["inverse", "info"])
_cholesky_ex_type = namedtuple("linalg_cholesky_ex", ["L", "info"])


def _info(A: Tensor, failed: int = 0) -> Tensor:
    """LAPACK's info: 0 where the factorisation succeeded (int32, one per matrix)."""
    xp = backends.of(A._data).xp
    return _wrap(xp.full(A.shape[:-2], failed, dtype=np.int32))


def inv_ex(A: Tensor, *, check_errors: bool = False):
    """(inverse, info): a singular A gives info > 0 (and NaNs) instead of an error, unless
    check_errors."""
    try:
        return _inv_ex_type(inv(A), _info(A))
    except RuntimeError:
        if check_errors:
            raise
        nan = backends.of(A._data).xp.full(A._data.shape, np.nan, A._data.dtype)
        return _inv_ex_type(_wrap(nan), _info(A, 1))


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False):
    try:
        return _solve_ex_type(solve(A, B, left=left), _info(A))
    except RuntimeError:
        if check_errors:
            raise
        shape = B.shape
        nan = backends.of(A._data).xp.full(tuple(shape), np.nan, A._data.dtype)
        return _solve_ex_type(_wrap(nan), _info(A, 1))


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False):
    """(L, info): info is the order of the first leading minor that is not positive-definite
    (0 when A is), instead of an error unless check_errors."""
    try:
        return _cholesky_ex_type(cholesky(A, upper=upper), _info(A))
    except LinAlgError:
        if check_errors:
            raise
        backend = backends.of(A._data)
        info = _failing_minors(A._data)
        L = np.full(info.shape + A.shape[-2:], np.nan, A._data.dtype)
        good = info == 0  # (the positive-definite matrices of a batch are factorised)
        if good.any():
            L[good] = np.linalg.cholesky(backend.to_host(A._data)[good])
        L = backend.asarray(L)
        return _cholesky_ex_type(_wrap(L.swapaxes(-1, -2).copy() if upper else L),
                                 _wrap(backend.asarray(info)))


def multi_dot(tensors) -> Tensor:
    """The product of a chain of matrices (the first may be a row vector, the last a
    column vector)."""
    if isinstance(tensors, Tensor):
        raise TypeError("linalg_multi_dot(): argument 'tensors' (position 1) must be tuple of "
                        "Tensors, not Tensor")
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.dim() not in allowed:
            where_ = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
            raise RuntimeError(
                f"multi_dot(): the {where_} tensor must be 1D or 2D but got {t.dim()}D"
                if where_ else f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype != tensors[0].dtype:
            names = _dtypes.C_NAMES
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor "
                               f"0 is {names[tensors[0].dtype.name]} and tensor {i} "
                               f"{names[t.dtype.name]}")
    for i in range(1, len(tensors)):
        a, b = tensors[i - 1].shape, tensors[i].shape
        if a[-1] != b[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes {list(a)} and "
                               f"{list(b)} cannot be multiplied")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """Columns x^0, x^1, ..., x^(N-1) (increasing powers, as torch.linalg.vander)."""
    from . import creation

    n = x.shape[-1] if N is None else N
    if n <= 1 and N is not None and N < 1:
        raise RuntimeError("N must be greater than 1.")
    powers = creation.arange(n, device=x.device)
    return x.unsqueeze(-1) ** powers.to(x.dtype if x.is_floating_point() else powers.dtype)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return A.diagonal(offset, dim1, dim2)


@one_node("LinalgSolveTriangularBackward0", "A", "B", saves=("A", "result"))
def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with T X = B (X T = B if not left), T the upper or lower triangle of A (with ones on
    its diagonal if unitriangular); the other triangle is not read."""
    T = A.triu() if upper else A.tril()
    if unitriangular:
        T = T - T.diagonal(0, -2, -1).diag_embed() + _batched_eye(A)
    return solve(T, B, left=left)


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The inverse of A seen as a map from its last dims to its first `ind` dims."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows = int(np.prod(A.shape[:ind]))
    out = inv(A.reshape(rows, -1))
    return out.reshape(tuple(A.shape[ind:]) + tuple(A.shape[:ind]))


def tensorsolve(A: Tensor, B: Tensor, dims=None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B."""
    if dims is not None:
        dims = [d % A.dim() for d in dims]
        A = A.permute([d for d in range(A.dim()) if d not in dims] + dims)
    rest = tuple(A.shape[B.dim():])
    return solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(rest)


def cond(A: Tensor, p=None) -> Tensor:
    """The condition number: sigma_max / sigma_min for p in (None, 2, -2 inverted), else
    norm(A, p) * norm(inv(A), p) (square A)."""
    if p in (None, 2, -2):
        S = svdvals(A)
        big, small = S.amax(-1), S.amin(-1)
        return big / small if p != -2 else small / big
    if A.dim() < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but "
                           f"they are {A.shape[-2] if A.dim() >= 2 else 1} by {A.shape[-1]} "
                           f"matrices")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


__all__ = ["vector_norm", "matrix_norm", "norm", "inv", "det", "slogdet", "logdet", "solve",
           "cross", "vecdot", "matmul", "matrix_power", "matrix_exp", "cholesky", "eigh",
           "eigvalsh", "svd", "svdvals", "qr", "pinv", "matrix_rank", "lstsq", "LinAlgError",
           "inv_ex", "solve_ex", "cholesky_ex", "multi_dot", "vander", "diagonal",
           "solve_triangular", "tensorinv", "tensorsolve", "cond", "lu", "lu_factor",
           "lu_factor_ex", "lu_solve", "householder_product"]

from .linalg_lu import lu, lu_factor, lu_factor_ex, lu_solve  # noqa: E402
from .linalg_householder import householder_product  # noqa: E402
