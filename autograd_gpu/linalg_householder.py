"""Householder reflections: torch.geqrf (LAPACK's compact QR: R on and above the diagonal,
the reflectors' vectors below it, and their scales tau) and torch.linalg.householder_product
(the first n columns of H_1 ... H_k, differentiable: it is built from matrix products)."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import backends
from .autograd.node import Node
from .ops import matmul
from .ops._core import record, recording
from .ops.inplace import _legacy
from .tensor import Tensor, _wrap

geqrf_result = namedtuple("geqrf", ["a", "tau"])


class GeqrfBackward0(Node):
    """PyTorch defines no derivative for geqrf: a backward through it says so."""

    __slots__ = ()

    def grad(self, F, g):
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def geqrf(input: Tensor, *, out=None):
    """(a, tau) as LAPACK's geqrf returns them, for a matrix or a batch of them."""
    if out is not None:
        from .ops.out_arg import write_out

        return write_out("geqrf", geqrf, (input,), {}, out)
    if input.dim() < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if input._data.dtype.kind != "f":
        device = "cpu" if input._data.__class__ is np.ndarray else "cuda"
        raise NotImplementedError(f"\"geqrf_{device}\" not implemented for "
                                  f"'{_legacy(input.dtype)}'")
    backend = backends.of(input._data)
    host = backend.to_host(input._data)
    m, n = host.shape[-2:]
    flat = host.reshape(-1, m, n)
    a = np.empty_like(flat)
    tau = np.empty((flat.shape[0], min(m, n)), host.dtype)
    for i, matrix in enumerate(flat):  # (NumPy's raw QR is LAPACK's, transposed)
        h, t = np.linalg.qr(matrix, mode="raw")
        a[i], tau[i] = h.T, t
    a = backend.asarray(a.reshape(host.shape))
    tau = backend.asarray(tau.reshape(host.shape[:-2] + (min(m, n),)))
    if recording(input):
        node = record(GeqrfBackward0, a, (input,))._edge
        return geqrf_result(_wrap(a, node), _wrap(tau, node))
    return geqrf_result(_wrap(a), _wrap(tau))


def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """The first n columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^H, v_i the i-th
    column of A below the diagonal with a 1 on it (A of shape (..., m, n), m >= n >= k)."""
    if out is not None:
        from .ops.out_arg import write_out

        return write_out("householder_product", householder_product, (A, tau), {}, out)
    where = "torch.linalg.householder_product:"
    if A.dim() < 2:
        raise RuntimeError(f"{where} input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{where} input.shape[-2] must be greater than or equal to "
                           f"input.shape[-1]")
    k = tau.shape[-1] if tau.dim() else 1
    if n < k:
        raise RuntimeError(f"{where} input.shape[-1] must be greater than or equal to "
                           f"tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"{where} Expected tau to have one dimension less than input, but "
                           f"got tau.ndim equal to {tau.dim()} and input.ndim is equal to "
                           f"{A.dim()}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{where} Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{where} tau dtype {_legacy(tau.dtype)} does not match input dtype "
                           f"{_legacy(A.dtype)}")
    return _full_q(A, tau)[..., :, :n]


def _full_q(A: Tensor, tau: Tensor) -> Tensor:
    """The whole (m, m) H_1 ... H_k of geqrf's reflectors A (m, n) and factors tau (k)."""
    m, n = A.shape[-2:]
    eye = A.new_zeros((m, n))
    eye.diagonal().fill_(1)
    V = A.tril(-1) + eye  # the reflectors' vectors, a 1 on the diagonal
    Q = A.new_zeros((m, m))
    Q.diagonal().fill_(1)
    Q = Q.expand(*A.shape[:-2], m, m)
    for i in range(tau.shape[-1] if tau.dim() else 1):
        v = V[..., :, i:i + 1]
        Q = Q - matmul(matmul(Q, v), v.mH) * tau[..., i:i + 1].unsqueeze(-1)
    return Q


orgqr = householder_product


def ormqr(input: Tensor, tau: Tensor, input3: Tensor, left: bool = True,
          transpose: bool = False, *, out=None) -> Tensor:
    """Q @ other (other @ Q with left=False; Q^H with transpose) for the Q whose reflectors
    geqrf returned (input, tau), without forming it apart from this product's graph."""
    if out is not None:
        from .ops.out_arg import write_out

        return write_out("ormqr", ormqr, (input, tau, input3),
                         {"left": left, "transpose": transpose}, out)
    where = "torch.ormqr:"
    if input.dim() < 2:
        raise RuntimeError(f"{where} input must have at least 2 dimensions.")
    side = -2 if left else -1
    if input3.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{where} other.shape[{side}] must be equal to input.shape[-2]")
    k = tau.shape[-1] if tau.dim() else 1
    if k != min(input3.shape[side], input.shape[-1]):
        raise RuntimeError(f"{where} tau.shape[-1] must be equal to min(other.shape[{side}], "
                           f"input.shape[-1])")
    if tau.dtype != input.dtype:
        raise RuntimeError(f"{where} Expected input and tau to have the same dtype, but input "
                           f"has dtype{_legacy(input.dtype)} and tau has dtype "
                           f"{_legacy(tau.dtype)}")
    from .ops.one_node import call_as_one_node

    return call_as_one_node("OrmqrBackward0", ("input", "tau", "input3"), _ormqr, input, tau,
                            input3, left, transpose)


def _ormqr(input: Tensor, tau: Tensor, input3: Tensor, left: bool, transpose: bool) -> Tensor:
    Q = _full_q(input, tau)
    Q = Q.mH if transpose else Q
    return matmul(Q, input3) if left else matmul(input3, Q)


def _methods() -> None:
    from .ops._core import method

    method("geqrf")(geqrf)
    method("orgqr")(orgqr)
    method("ormqr")(ormqr)


_methods()
