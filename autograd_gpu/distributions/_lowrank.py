"""LowRankMultivariateNormal: N(loc, W W^T + diag(D)) with W of rank m much below the event
size, its log-density and entropy through the m x m capacitance matrix I + W^T D^-1 W (the
Woodbury identity and the matrix determinant lemma), and its KL divergences to and from
MultivariateNormal."""
from __future__ import annotations

import math

from .. import creation, linalg
from ..ops import broadcast_shapes, broadcast_tensors
from ..tensor import Tensor
from . import Distribution, constraints, register_kl
from ._more import MultivariateNormal
from .utils import lazy_property

__all__ = ["LowRankMultivariateNormal"]


def _mahalanobis(tril: Tensor, x: Tensor) -> Tensor:
    """x^T (L L^T)^-1 x over broadcast batches of lower-triangular L and vectors x."""
    n = x.shape[-1]
    shape = broadcast_shapes(tuple(tril.shape[:-2]), tuple(x.shape[:-1]))
    z = linalg.solve_triangular(tril.expand(shape + (n, n)),
                                x.expand(shape + (n,)).unsqueeze(-1), upper=False)
    return (z.squeeze(-1) ** 2).sum(-1)


def _trace_xxt(x: Tensor) -> Tensor:
    """trace(X X^T) over a batch of matrices."""
    return (x ** 2).sum((-2, -1))


def _with_identity(k: Tensor) -> Tensor:
    return k + creation.eye(k.shape[-1], dtype=k.dtype, device=k.device)


class LowRankMultivariateNormal(Distribution):
    """A multivariate normal whose covariance is cov_factor @ cov_factor.mT + diag(cov_diag)."""
    arg_constraints = {"loc": constraints.real_vector,
                       "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support, has_rsample = constraints.real_vector, True
    _expand_keeps = ("_capacitance_tril",)

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event = tuple(loc.shape[-1:])
        if cov_factor.dim() < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if tuple(cov_factor.shape[-2:-1]) != event:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event[0]} x m")
        if tuple(cov_diag.shape[-1:]) != event:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {loc.shape[-1:]}")
        try:
            loc_, self.cov_factor, diag_ = broadcast_tensors(loc.unsqueeze(-1), cov_factor,
                                                             cov_diag.unsqueeze(-1))
        except RuntimeError as exc:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor "
                             f"{cov_factor.shape}, cov_diag {cov_diag.shape}") from exc
        self.loc, self.cov_diag = loc_[..., 0], diag_[..., 0]
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        self._capacitance_tril = self._capacitance(cov_factor, cov_diag)
        super().__init__(tuple(self.loc.shape[:-1]), event, validate_args)

    @staticmethod
    def _capacitance(w: Tensor, d: Tensor) -> Tensor:
        """The Cholesky factor of I + W^T D^-1 W."""
        return linalg.cholesky(_with_identity((w.mT / d.unsqueeze(-2)) @ w))

    def _log_det(self) -> Tensor:
        """log det(W W^T + D), by the matrix determinant lemma."""
        return 2 * self._capacitance_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) + \
            self._unbroadcasted_cov_diag.log().sum(-1)

    def _mahalanobis(self, x: Tensor) -> Tensor:
        """x^T (W W^T + D)^-1 x, by the Woodbury identity."""
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        wt_dinv_x = ((w.mT / d.unsqueeze(-2)) @ x.unsqueeze(-1)).squeeze(-1)
        return (x ** 2 / d).sum(-1) - _mahalanobis(self._capacitance_tril, wt_dinv_x)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)

    @lazy_property
    def variance(self) -> Tensor:
        return ((self._unbroadcasted_cov_factor ** 2).sum(-1) + self._unbroadcasted_cov_diag
                ).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self) -> Tensor:
        root = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled = self._unbroadcasted_cov_factor / root
        tril = root * linalg.cholesky(_with_identity(scaled @ scaled.mT))
        return tril.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        w = self._unbroadcasted_cov_factor
        cov = w @ w.mT + self._unbroadcasted_cov_diag.diag_embed()
        return cov.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        a = linalg.solve_triangular(self._capacitance_tril, w.mT / d.unsqueeze(-2),
                                    upper=False)
        return (d.reciprocal().diag_embed() - a.mT @ a).expand(
            self._batch_shape + self._event_shape * 2)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        options = {"dtype": self.loc.dtype, "device": self.loc.device}
        eps_w = creation.randn(*(shape[:-1] + tuple(self.cov_factor.shape[-1:])), **options)
        eps_d = creation.randn(*shape, **options)
        w = self._unbroadcasted_cov_factor
        return self.loc + (w @ eps_w.unsqueeze(-1)).squeeze(-1) + \
            self._unbroadcasted_cov_diag.sqrt() * eps_d

    def log_prob(self, value) -> Tensor:
        diff = self._value(value, self.loc) - self.loc
        k = self._event_shape[0]
        return -0.5 * (k * math.log(2 * math.pi) + self._log_det() + self._mahalanobis(diff))

    def entropy(self) -> Tensor:
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return h.expand(self._batch_shape) if self._batch_shape else h


def _same_event(p, q, what: str) -> None:
    if p.event_shape != q.event_shape:  # (the spaces: PyTorch's, from a line continuation)
        raise ValueError(f"KL-divergence between two {what} with{' ' * 26}different event "
                         f"shapes cannot be computed")


def _inverse_terms(q: LowRankMultivariateNormal):
    """A = C^-1 W^T D^-1 (C the capacitance's Cholesky factor): q's precision matrix is
    D^-1 - A^T A."""
    w, d = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    return linalg.solve_triangular(q._capacitance_tril, w.mT / d.unsqueeze(-2), upper=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    _same_event(p, q, "Low Rank Multivariate Normals")
    qd, pd = q._unbroadcasted_cov_diag, p._unbroadcasted_cov_diag
    a = _inverse_terms(q)
    trace = ((pd / qd).sum(-1) + _trace_xxt(p._unbroadcasted_cov_factor * qd.rsqrt().unsqueeze(-1))
             - _trace_xxt(a * pd.sqrt().unsqueeze(-2))
             - _trace_xxt(a @ p._unbroadcasted_cov_factor))
    return 0.5 * (q._log_det() - p._log_det() + trace + q._mahalanobis(q.loc - p.loc)
                  - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p, q):
    _same_event(p, q, "(Low Rank) Multivariate Normals")
    a = _inverse_terms(q)
    tril = p._unbroadcasted_scale_tril
    log_det_p = 2 * tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    trace = _trace_xxt(tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1)) - \
        _trace_xxt(a @ tril)
    return 0.5 * (q._log_det() - log_det_p + trace + q._mahalanobis(q.loc - p.loc)
                  - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p, q):
    _same_event(p, q, "(Low Rank) Multivariate Normals")
    n = p.event_shape[0]
    log_det_q = 2 * q._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    shape = broadcast_shapes(tuple(q._unbroadcasted_scale_tril.shape[:-2]),
                             tuple(p._unbroadcasted_cov_factor.shape[:-2]))
    q_tril = q._unbroadcasted_scale_tril.expand(shape + (n, n))
    w = p._unbroadcasted_cov_factor.expand(shape + (n, p.cov_factor.shape[-1]))
    d = p._unbroadcasted_cov_diag.sqrt().diag_embed().expand(shape + (n, n))
    trace = _trace_xxt(linalg.solve_triangular(q_tril, w, upper=False)) + \
        _trace_xxt(linalg.solve_triangular(q_tril, d, upper=False))
    mahalanobis = _mahalanobis(q._unbroadcasted_scale_tril, q.loc - p.loc)
    return 0.5 * (log_det_q - p._log_det() + trace + mahalanobis - n)
