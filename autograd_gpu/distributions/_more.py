"""More of torch.distributions: LogNormal, HalfNormal, Cauchy, Gumbel, Poisson and
MultivariateNormal, with PyTorch's formulas for log_prob, cdf/icdf, entropy and moments
(differentiable in the parameters) and reparameterised samples where PyTorch has them."""
from __future__ import annotations

import math

from .. import creation, linalg, sampling
from ..autograd.grad_mode import no_grad
from . import (Distribution, ExponentialFamily, Normal, TransformedDistribution, _Folded,
               _LocScale, _ProbsOrLogits, _tensor, constraints, kl_divergence, register_kl)
from .transforms import AbsTransform, AffineTransform, ExpTransform
from ..ops import broadcast_shapes
from .utils import _sum_rightmost
from ..tensor import Tensor

__all__ = ["LogNormal", "HalfNormal", "Cauchy", "Gumbel", "Poisson", "MultivariateNormal",
           "Independent", "Multinomial", "NegativeBinomial"]

_EULER = 0.57721566490153286060


class LogNormal(TransformedDistribution):
    """exp of Normal(loc, scale)."""
    arg_constraints = _LocScale.arg_constraints
    support, has_rsample = constraints.positive, True

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(Normal(loc, scale, validate_args), ExpTransform(), validate_args)

    loc = property(lambda self: self.base_dist.loc)
    scale = property(lambda self: self.base_dist.scale)

    mean = property(lambda self: (self.loc + self.scale ** 2 / 2).exp())
    mode = property(lambda self: (self.loc - self.scale ** 2).exp())
    variance = property(lambda self: (self.scale ** 2).expm1() *
                        (2 * self.loc + self.scale ** 2).exp())

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() + self.loc


class HalfNormal(_Folded, TransformedDistribution):
    """|Normal(0, scale)|."""
    arg_constraints = {"scale": constraints.positive}
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        super().__init__(Normal(0.0, scale, validate_args=False), AbsTransform(),
                         validate_args)

    scale = property(lambda self: self.base_dist.scale)

    mean = property(lambda self: self.scale * math.sqrt(2 / math.pi))
    mode = property(lambda self: creation.zeros_like(self.scale))
    variance = property(lambda self: self.scale ** 2 * (1 - 2 / math.pi))


class Cauchy(_LocScale):

    # (constants, without a graph, as PyTorch's torch.full)
    mean = property(lambda self: creation.full_like(self.loc.detach(), float("nan")))
    mode = property(lambda self: self.loc)
    variance = property(lambda self: creation.full_like(self.loc.detach(), float("inf")))

    def rsample(self, sample_shape=()) -> Tensor:
        eps = self.loc.new_empty(self._extended(sample_shape))
        with no_grad():
            eps.cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.loc)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2
                                                        ).log1p()

    def cdf(self, value) -> Tensor:
        return ((self._value(value, self.loc) - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value) -> Tensor:
        return (math.pi * (_tensor(value, self.loc) - 0.5)).tan() * self.scale + self.loc

    def entropy(self) -> Tensor:
        return math.log(4 * math.pi) + self.scale.log()


class Gumbel(TransformedDistribution):
    """loc - scale * log(-log U), U uniform on (0, 1), as the transforms PyTorch uses."""
    arg_constraints = _LocScale.arg_constraints
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        from ..runtime import finfo
        from . import Uniform, _pair

        self.loc, self.scale, _ = _pair(loc, scale)
        info = finfo(self.loc.dtype)
        base = Uniform(creation.full_like(self.loc, info.tiny),
                       creation.full_like(self.loc, 1 - info.eps), validate_args=validate_args)
        super().__init__(base, [ExpTransform().inv,
                                AffineTransform(0, -creation.ones_like(self.scale)),
                                ExpTransform().inv, AffineTransform(self.loc, -self.scale)],
                         validate_args)

    mean = property(lambda self: self.loc + self.scale * _EULER)
    mode = property(lambda self: self.loc)
    stddev = property(lambda self: (math.pi / math.sqrt(6)) * self.scale)
    variance = property(lambda self: self.stddev ** 2)

    def log_prob(self, value) -> Tensor:
        y = (self.loc - self._value(value, self.loc)) / self.scale
        return (y - y.exp()) - self.scale.log()

    def cdf(self, value) -> Tensor:
        return (-(-(_tensor(value, self.loc) - self.loc) / self.scale).exp()).exp()

    def icdf(self, value) -> Tensor:
        return self.loc - self.scale * (-_tensor(value, self.loc).log()).log()

    def entropy(self) -> Tensor:
        return self.scale.log() + (1 + _EULER)


class Poisson(ExponentialFamily):
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        self.rate = _tensor(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)

    mean = property(lambda self: self.rate)
    mode = property(lambda self: self.rate.floor())
    variance = property(lambda self: self.rate)

    def _sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            return sampling.poisson(self.rate.expand(self._extended(sample_shape)))

    def log_prob(self, value) -> Tensor:
        from ..ops import xlogy

        value = self._value(value, self.rate)
        return xlogy(value, self.rate) - self.rate - (value + 1).lgamma()


class MultivariateNormal(Distribution):
    """N(loc, Sigma) with Sigma given as covariance_matrix, precision_matrix or its Cholesky
    factor scale_tril (exactly one)."""
    has_rsample, _checks_own_args = True, True
    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (
                precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        given = scale_tril if scale_tril is not None else covariance_matrix \
            if covariance_matrix is not None else precision_matrix
        if given.dim() < 2:
            name = "scale_tril" if scale_tril is not None else "covariance_matrix" \
                if covariance_matrix is not None else "precision_matrix"
            raise ValueError(f"{name} matrix must be at least two-dimensional, with optional "
                             f"leading batch dimensions")
        batch = broadcast_shapes(tuple(given.shape[:-2]), tuple(loc.shape[:-1]))
        k = loc.shape[-1]
        self.loc = loc.expand(batch + (k,))
        self._matrices = {"scale_tril": scale_tril, "covariance_matrix": covariance_matrix,
                       "precision_matrix": precision_matrix}
        super().__init__(batch, (k,), validate_args)
        self._check("loc", self.loc, constraints.real_vector)
        for name, matrix in self._matrices.items():
            if matrix is not None:
                self._check(name, matrix.expand(batch + (-1, -1)), self.arg_constraints[name])
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = linalg.cholesky(covariance_matrix)
        else:  # the Cholesky factor of the inverse, from that of the precision
            flipped = linalg.cholesky(precision_matrix.flip((-2, -1)))
            self._unbroadcasted_scale_tril = linalg.solve_triangular(
                flipped.flip((-2, -1)).mT, creation.eye(k, dtype=loc.dtype, device=loc.device),
                upper=False)

    def _params(self):
        return {"loc": self.loc, **{k: v for k, v in self._matrices.items() if v is not None}}

    @property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape * 2)

    @property
    def covariance_matrix(self) -> Tensor:
        tril = self._unbroadcasted_scale_tril
        return (tril @ tril.mT).expand(self._batch_shape + self._event_shape * 2)

    @property
    def precision_matrix(self) -> Tensor:
        return linalg.inv(self.covariance_matrix)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    variance = property(lambda self: (self._unbroadcasted_scale_tril ** 2).sum(-1).expand(
        self._batch_shape + self._event_shape))

    def rsample(self, sample_shape=()) -> Tensor:
        eps = creation.randn(*self._extended(sample_shape), dtype=self.loc.dtype,
                             device=self.loc.device)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(0, -2, -1).log().sum(-1)

    def log_prob(self, value) -> Tensor:
        diff = self._value(value, self.loc) - self.loc
        tril = self._unbroadcasted_scale_tril.expand(tuple(diff.shape[:-1]) + self._event_shape * 2)
        z = linalg.solve_triangular(tril, diff.unsqueeze(-1), upper=False).squeeze(-1)
        k = self._event_shape[0]
        return -0.5 * (k * math.log(2 * math.pi) + (z ** 2).sum(-1)) - self._half_log_det()

    def entropy(self) -> Tensor:
        k = self._event_shape[0]
        h = 0.5 * k * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h.expand(self._batch_shape) if self._batch_shape else h


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn(p, q):
    from ._lowrank import _same_event

    _same_event(p, q, "Multivariate Normals")
    k = p._event_shape[0]
    shape = broadcast_shapes(p._batch_shape, q._batch_shape)
    q_tril = q._unbroadcasted_scale_tril.expand(shape + (k, k))
    term = linalg.solve_triangular(q_tril, p._unbroadcasted_scale_tril.expand(shape + (k, k)),
                                   upper=False)
    diff = (q.loc - p.loc).expand(shape + (k,)).unsqueeze(-1)
    m = linalg.solve_triangular(q_tril, diff, upper=False)
    return q._half_log_det() - p._half_log_det() + 0.5 * (
        (term ** 2).sum((-2, -1)) + (m ** 2).sum((-2, -1)) - k)


@register_kl(LogNormal, LogNormal)
def _kl_lognormal(p, q):
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Poisson, Poisson)
def _kl_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


class Independent(Distribution):
    """base_distribution with its rightmost reinterpreted_batch_ndims batch dimensions read
    as event dimensions (log_prob and entropy summed over them)."""
    arg_constraints: dict = {}

    def __init__(self, base_distribution: Distribution, reinterpreted_batch_ndims: int,
                 validate_args=None):
        batch = tuple(base_distribution.batch_shape)
        if reinterpreted_batch_ndims > len(batch):
            raise ValueError(f"Expected reinterpreted_batch_ndims <= "
                             f"len(base_distribution.batch_shape), actual "
                             f"{reinterpreted_batch_ndims} vs {len(batch)}")
        shape = batch + tuple(base_distribution.event_shape)
        event_dim = reinterpreted_batch_ndims + len(base_distribution.event_shape)
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        super().__init__(shape[:len(shape) - event_dim], shape[len(shape) - event_dim:],
                         validate_args)

    @property
    def has_rsample(self) -> bool:
        return self.base_dist.has_rsample

    @property
    def has_enumerate_support(self) -> bool:
        return not self.reinterpreted_batch_ndims and self.base_dist.has_enumerate_support

    @constraints.dependent_property
    def support(self):
        support, n = self.base_dist.support, self.reinterpreted_batch_ndims
        return constraints.independent(support, n) if n else support

    mean = property(lambda self: self.base_dist.mean)
    mode = property(lambda self: self.base_dist.mode)
    variance = property(lambda self: self.base_dist.variance)

    def sample(self, sample_shape=()) -> Tensor:
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        return self.base_dist.rsample(sample_shape)

    def _sum_rightmost(self, value: Tensor) -> Tensor:
        return _sum_rightmost(value, self.reinterpreted_batch_ndims)

    def log_prob(self, value) -> Tensor:
        return self._sum_rightmost(self.base_dist.log_prob(value))

    def enumerate_support(self, expand: bool = True) -> Tensor:
        if self.reinterpreted_batch_ndims:
            raise NotImplementedError("Enumeration over cartesian product is not implemented")
        return self.base_dist.enumerate_support(expand=expand)

    def entropy(self) -> Tensor:
        return self._sum_rightmost(self.base_dist.entropy())

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"


@register_kl(Independent, Independent)
def _kl_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    return p._sum_rightmost(kl_divergence(p.base_dist, q.base_dist))


class Multinomial(Distribution):
    """Counts of total_count draws from a Categorical(probs / logits): event shape (K,)."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs=None, logits=None, validate_args=None):
        from . import Categorical

        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits, validate_args=validate_args)
        batch = self._categorical._batch_shape
        super().__init__(batch, (self._categorical._num_events,), validate_args)

    probs = property(lambda self: self._categorical.probs)
    logits = property(lambda self: self._categorical.logits)
    param_shape = property(lambda self: self._categorical.param_shape)
    mean = property(lambda self: self.probs * self.total_count)
    variance = property(lambda self: self.total_count * self.probs * (1 - self.probs))

    def __repr__(self) -> str:
        return "Multinomial()"  # (PyTorch's repr shows no parameter: they are properties)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    def entropy(self) -> Tensor:
        """n H(categorical) - log n! + sum over the K marginals of E[log x_k!] (each a
        binomial: its support enumerated)."""
        from .._gamma import Binomial

        n = self.total_count
        binomial = Binomial(n, self.probs)
        support = binomial.enumerate_support(expand=False)[1:]
        weights = (support + 1).lgamma()
        expected = (binomial.log_prob(support).exp() * weights).sum([0, -1])
        return n * self._categorical.entropy() - math.lgamma(n + 1) + expected

    def _sample(self, sample_shape=()) -> Tensor:
        shape = tuple(sample_shape)
        draws = self._categorical.sample((self.total_count,) + shape)  # (n, *S, *B)
        counts = creation.zeros(shape + self._batch_shape + self._event_shape,
                                dtype=self.probs.dtype, device=self.probs.device)
        ones = creation.ones_like(draws, dtype=self.probs.dtype)
        order = list(range(1, draws.dim())) + [0]  # (*S, *B, n): each row's draws
        return counts.scatter_add_(-1, draws.permute(order), ones.permute(order))

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self._categorical._param)
        logits = self.logits
        logits = logits.masked_fill((value == 0) & (logits == float("-inf")), 0.0)
        log_factorial_n = math.lgamma(self.total_count + 1)
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)


class NegativeBinomial(_ProbsOrLogits, Distribution):
    """The number of successes before total_count failures, each trial a success with
    probability probs (or sigmoid(logits))."""
    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        from . import _pair

        given = "probs" if probs is not None else "logits"
        self.total_count, param, shape = _pair(total_count, self._given(probs, logits))
        setattr(self, given, param)
        super().__init__(shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / (-self.logits).sigmoid()

    def _sample(self, sample_shape=()) -> Tensor:
        from .._gamma import Gamma

        with no_grad():
            rate = (-self.logits).exp()
            shape = self._extended(sample_shape)
            lam = Gamma(self.total_count, rate, validate_args=False).sample(sample_shape)
            return sampling.poisson(lam.expand(shape))

    def log_prob(self, value) -> Tensor:
        from ..nn import functional as F

        value = self._value(value, self.total_count)
        logits = self.logits
        log_unnormalized = self.total_count * F.logsigmoid(-logits) + value * F.logsigmoid(
            logits)
        log_normalization = -(self.total_count + value).lgamma() + (1.0 + value).lgamma() + \
            self.total_count.lgamma()
        log_normalization = log_normalization.masked_fill(self.total_count + value == 0.0,
                                                          0.0)
        return log_unnormalized - log_normalization
