"""torch.distributions: Normal, Uniform, Laplace, Exponential, Bernoulli, Categorical and
OneHotCategorical with sample/rsample, log_prob, entropy, mean, variance and PyTorch's
parameter checks, plus kl_divergence between members of the same family.

Densities are written with tensor ops, so log_prob and entropy are differentiable in the
parameters; rsample is the reparameterised sample (differentiable), sample is not."""
from __future__ import annotations

import math

from .. import creation, sampling
from ..autograd.grad_mode import no_grad
from ..ops import broadcast_shapes, where
from ..tensor import Size, Tensor

__all__ = ["Distribution", "Normal", "Uniform", "Laplace", "Exponential", "Bernoulli",
           "Categorical", "OneHotCategorical", "kl_divergence", "register_kl"]


def _pair(a, b) -> tuple:
    """Two parameters as tensors of one broadcast shape (numbers take the other's dtype)."""
    a, b = _tensor(a, b), _tensor(b, a)
    shape = broadcast_shapes(tuple(a.shape), tuple(b.shape))
    return a.expand(shape), b.expand(shape), shape


def _tensor(value, like=None) -> Tensor:
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if isinstance(like, Tensor) and like.is_floating_point() else None
    device = like.device if isinstance(like, Tensor) else None
    return creation.tensor(float(value), dtype=dtype, device=device)


class Distribution:
    has_rsample = False
    _validate_default = True

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape, self._event_shape = tuple(batch_shape), tuple(event_shape)
        self._validate = self._validate_default if validate_args is None else validate_args

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        Distribution._validate_default = bool(value)

    @property
    def batch_shape(self):
        return Size(self._batch_shape)

    @property
    def event_shape(self):
        return Size(self._event_shape)

    def _extended(self, sample_shape) -> tuple:
        return tuple(sample_shape) + self._batch_shape + self._event_shape

    def sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            return self.rsample(sample_shape) if self.has_rsample else self._sample(
                sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no rsample (its samples are not "
                                  f"differentiable); use sample()")

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _check(self, name: str, value: Tensor, ok: Tensor, constraint: str) -> None:
        if self._validate and not bool(ok.all()):
            raise ValueError(f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) "
                             f"of distribution {self!r} to satisfy the constraint "
                             f"{constraint}, but found invalid values:\n{value}")

    def _check_sample(self, value: Tensor, ok: Tensor, support: str) -> None:
        if self._validate and not bool(ok.all()):
            raise ValueError(f"Expected value argument (Tensor of shape {tuple(value.shape)}) "
                             f"to be within the support ({support}) of the distribution "
                             f"{self!r}, but found invalid values:\n{value}")

    def __repr__(self) -> str:
        params = ", ".join(f"{k}: {v if v.numel() == 1 else v.shape}" for k, v in
                           self._params().items())
        return f"{type(self).__name__}({params})"

    def _params(self) -> dict:
        return {}


class _LocScale(Distribution):
    """A family with a real loc (any value but NaN, as PyTorch's Real()) and a positive
    scale, broadcast together."""
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale, shape = _pair(loc, scale)
        super().__init__(shape, (), validate_args)
        self._check("loc", self.loc, self.loc == self.loc, "Real()")
        self._check("scale", self.scale, self.scale > 0, "GreaterThan(lower_bound=0.0)")

    def _params(self):
        return {"loc": self.loc, "scale": self.scale}


class _Folded:
    """|X| for X symmetric about 0 with scale `scale` (self.base_dist): the density, cdf and
    entropy of the half distribution (HalfNormal, HalfCauchy)."""

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.scale)
        self._check_sample(value, value >= 0, "GreaterThanEq(lower_bound=0.0)")
        return where(value >= 0, self.base_dist.log_prob(value) + math.log(2), float("-inf"))

    def cdf(self, value) -> Tensor:
        return 2 * self.base_dist.cdf(_tensor(value, self.scale)) - 1

    def icdf(self, prob) -> Tensor:
        return self.base_dist.icdf((_tensor(prob, self.scale) + 1) / 2)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - math.log(2)


class Normal(_LocScale):

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    variance = property(lambda self: self.scale ** 2)
    stddev = property(lambda self: self.scale)

    def rsample(self, sample_shape=()) -> Tensor:
        eps = creation.randn(*self._extended(sample_shape), dtype=self.loc.dtype,
                             device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.loc)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(
            math.sqrt(2 * math.pi))

    def cdf(self, value) -> Tensor:
        value = _tensor(value, self.loc)
        return 0.5 * (1 + ((value - self.loc) / (self.scale * math.sqrt(2))).erf())

    def icdf(self, value) -> Tensor:
        value = _tensor(value, self.loc)
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


class Uniform(Distribution):
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high, shape = _pair(low, high)
        super().__init__(shape, (), validate_args)
        self._check("low", self.low, self.low < self.high,
                    "LessThan(upper_bound=" + str(self.high) + ")")

    def _params(self):
        return {"low": self.low, "high": self.high}

    mean = property(lambda self: (self.high + self.low) / 2)
    variance = property(lambda self: (self.high - self.low) ** 2 / 12)

    def rsample(self, sample_shape=()) -> Tensor:
        u = creation.rand(*self._extended(sample_shape), dtype=self.low.dtype,
                          device=self.low.device)
        return self.low + u * (self.high - self.low)

    def _in_support(self, value) -> Tensor:
        value = _tensor(value, self.low)
        self._check_sample(value, (value >= self.low) & (value < self.high),
                           f"Interval(lower_bound={self.low}, upper_bound={self.high})")
        return value

    def log_prob(self, value) -> Tensor:
        value = self._in_support(value)
        return -(self.high - self.low).log() + value * 0

    def cdf(self, value) -> Tensor:
        value = self._in_support(value)
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()


class Laplace(_LocScale):

    mean = property(lambda self: self.loc)
    variance = property(lambda self: 2 * self.scale ** 2)

    def rsample(self, sample_shape=()) -> Tensor:
        finfo_eps = 1.1920928955078125e-07 if self.loc.dtype.itemsize == 4 else 2.22e-16
        u = creation.rand(*self._extended(sample_shape), dtype=self.loc.dtype,
                          device=self.loc.device) * (2 - 2 * finfo_eps) - (1 - finfo_eps)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.loc)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()


class Exponential(Distribution):
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        self.rate = _tensor(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)
        self._check("rate", self.rate, self.rate > 0, "GreaterThan(lower_bound=0.0)")

    def _params(self):
        return {"rate": self.rate}

    mean = property(lambda self: 1 / self.rate)
    variance = property(lambda self: self.rate ** -2)

    def rsample(self, sample_shape=()) -> Tensor:
        e = creation.empty(*self._extended(sample_shape), dtype=self.rate.dtype,
                           device=self.rate.device)
        with no_grad():
            e.exponential_()
        return e / self.rate

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.rate)
        self._check_sample(value, value >= 0, "GreaterThanEq(lower_bound=0.0)")
        return self.rate.log() - self.rate * value

    def cdf(self, value) -> Tensor:
        return 1 - (-self.rate * _tensor(value, self.rate)).exp()

    def icdf(self, value) -> Tensor:
        return -(-_tensor(value, self.rate)).log1p() / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()


def _probs_logits(probs, logits, binary: bool):
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    if probs is not None:
        probs = _tensor(probs)
        if binary:
            eps = 1.1920928955078125e-07 if probs.dtype.itemsize == 4 else 2.220446049250313e-16
            clamped = probs.clamp(eps, 1 - eps)
            return probs, clamped.log() - (-clamped).log1p()
        normalised = probs / probs.sum(-1, keepdim=True)
        eps = 1.1920928955078125e-07 if probs.dtype.itemsize == 4 else 2.220446049250313e-16
        return normalised, normalised.clamp(min=eps).log()
    logits = _tensor(logits)
    if binary:
        return logits.sigmoid(), logits
    logits = logits - logits.logsumexp(-1, keepdim=True)
    return logits.exp(), logits


class Bernoulli(Distribution):
    def __init__(self, probs=None, logits=None, validate_args=None):
        given_probs = probs is not None
        self.probs, self.logits = _probs_logits(probs, logits, True)
        super().__init__(tuple(self.probs.shape), (), validate_args)
        if given_probs:
            self._check("probs", self.probs, (self.probs >= 0) & (self.probs <= 1),
                        "Interval(lower_bound=0.0, upper_bound=1.0)")

    def _params(self):
        return {"probs": self.probs}

    mean = property(lambda self: self.probs)
    variance = property(lambda self: self.probs * (1 - self.probs))

    def _sample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        return sampling.bernoulli(self.probs.expand(shape).detach())

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.logits)
        self._check_sample(value, (value == 0) | (value == 1), "Boolean()")
        # -BCEWithLogits(logits, value)
        x = self.logits
        return -((-x.abs()).exp().log1p() + x.clamp(min=0) - x * value)

    def entropy(self) -> Tensor:
        x = self.logits
        bce = (-x.abs()).exp().log1p() + x.clamp(min=0) - x * self.probs
        return bce


class Categorical(Distribution):
    def __init__(self, probs=None, logits=None, validate_args=None):
        given_probs = probs is not None
        self.probs, self.logits = _probs_logits(probs, logits, False)
        # (the parameters PyTorch's repr shows: the one given, and the other once it was read)
        self._shown = ("probs",) if given_probs else ("logits",)
        if given_probs and probs is not None and self.probs.dim() < 1:
            raise ValueError("`probs` parameter must be at least one-dimensional.")
        self._num_events = self.probs.shape[-1]
        super().__init__(tuple(self.probs.shape[:-1]), (), validate_args)
        if given_probs:
            raw = _tensor(probs)
            self._check("probs", raw, (raw >= 0).all(-1) & (raw.sum(-1) > 0),
                        "Simplex()")

    def _params(self):
        return {name: getattr(self, name) for name in ("probs", "logits")
                if name in self._shown}

    @property
    def param_shape(self):
        return self.probs.shape

    mean = property(lambda self: self.probs.new_full(self._batch_shape, float("nan")))
    variance = property(lambda self: self.probs.new_full(self._batch_shape, float("nan")))

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    def _sample(self, sample_shape=()) -> Tensor:
        n = int(math.prod(sample_shape)) if sample_shape else 1
        flat = self.probs.reshape(-1, self._num_events).detach()
        draws = sampling.multinomial(flat, n, True)  # (batch, n)
        out = draws.t().reshape(tuple(sample_shape) + self._batch_shape)
        return out

    def log_prob(self, value) -> Tensor:
        value = _tensor(value).long()
        self._check_sample(value, (value >= 0) & (value < self._num_events),
                           f"IntegerInterval(lower_bound=0, upper_bound="
                           f"{self._num_events - 1})")
        shape = broadcast_shapes(tuple(value.shape), self._batch_shape)
        logits = self.logits.expand(shape + (self._num_events,))
        return logits.gather(-1, value.expand(shape).unsqueeze(-1)).squeeze(-1)

    def entropy(self) -> Tensor:
        eps_min = -3.4028234663852886e38 if self.logits.dtype.itemsize == 4 else -1.79e308
        logits = self.logits.clamp(min=eps_min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = creation.arange(self._num_events, device=self.probs.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((self._num_events,) + self._batch_shape) if expand else values


class OneHotCategorical(Distribution):
    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args)
        self.probs, self.logits = self._categorical.probs, self._categorical.logits
        super().__init__(self._categorical._batch_shape, (self.probs.shape[-1],),
                         validate_args)

    def _params(self):
        return {"probs": self.probs}

    mean = property(lambda self: self.probs)
    variance = property(lambda self: self.probs * (1 - self.probs))

    def _sample(self, sample_shape=()) -> Tensor:
        from ..nn.functional import one_hot

        idx = self._categorical.sample(sample_shape)
        return one_hot(idx, self.probs.shape[-1]).to(self.probs.dtype)

    def log_prob(self, value) -> Tensor:
        return self._categorical.log_prob(_tensor(value).argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()


_KL = {}


def register_kl(type_p, type_q):
    """Decorator: fn(p, q) is kl_divergence for p of type_p and q of type_q."""
    def deco(fn):
        _KL[(type_p, type_q)] = fn
        return fn
    return deco


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q) for the pairs registered (same-family pairs here)."""
    for (tp, tq), fn in _KL.items():
        if isinstance(p, tp) and isinstance(q, tq):
            return fn(p, q)
    raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} "
                              f"and q type {type(q).__name__}")


@register_kl(Normal, Normal)
def _kl_normal(p, q):
    var_ratio = (p.scale / q.scale) ** 2
    t1 = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Categorical, Categorical)
def _kl_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = where(q.probs == 0, float("inf"), t)
    t = where(p.probs == 0, 0.0, t)
    return t.sum(-1)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli(p, q):
    from ..nn.functional import softplus

    t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    t1 = where(q.probs == 0, float("inf"), t1)
    t1 = where(p.probs == 0, 0.0, t1)
    t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    t2 = where(q.probs == 1, float("inf"), t2)
    t2 = where(p.probs == 1, 0.0, t2)
    return t1 + t2


@register_kl(Uniform, Uniform)
def _kl_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return where((q.low > p.low) | (q.high < p.high), float("inf"), result)


@register_kl(Exponential, Exponential)
def _kl_exponential(p, q):
    ratio = q.rate / p.rate
    return -ratio.log() + ratio - 1


@register_kl(Laplace, Laplace)
def _kl_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs / q.scale
    t3 = scale_ratio * (-loc_abs / p.scale).exp()
    return t1 + t2 + t3 - 1


from ._more import (Cauchy, Gumbel, HalfNormal, Independent,  # noqa: E402
                                  LogNormal, Multinomial, MultivariateNormal,
                                  NegativeBinomial, Poisson)

__all__ += ["LogNormal", "HalfNormal", "Cauchy", "Gumbel", "Poisson", "MultivariateNormal",
            "Independent", "Multinomial", "NegativeBinomial"]
from .._gamma import (Beta, Binomial, Chi2, Dirichlet, Gamma, Geometric,  # noqa: E402
                     StudentT)

__all__ += ["Gamma", "Chi2", "Beta", "Dirichlet", "StudentT", "Geometric", "Binomial"]

from . import transforms  # noqa: E402
from .transforms import _sum_rightmost  # noqa: E402


class TransformedDistribution(Distribution):
    """The distribution of transforms(base sample): samples pushed through the transforms,
    log_prob by the change of variables (minus each transform's log |det Jacobian|)."""

    def __init__(self, base_distribution, transforms, validate_args=None):
        if isinstance(transforms, _transforms_mod.Transform):
            transforms = [transforms]
        elif not isinstance(transforms, (list, tuple)) or not all(
                isinstance(t, _transforms_mod.Transform) for t in transforms):
            raise ValueError(f"transforms must be a Transform or a list of Transforms, but was "
                             f"{transforms}")
        self.base_dist, self.transforms = base_distribution, list(transforms)
        event_dim = max([len(base_distribution._event_shape)] +
                        [t.event_dim for t in self.transforms])
        shape = base_distribution._batch_shape + base_distribution._event_shape
        cut = len(shape) - event_dim
        super().__init__(shape[:cut], shape[cut:], validate_args)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    def sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for t in self.transforms:
                x = t(x)
            return x

    def rsample(self, sample_shape=()) -> Tensor:
        x = self.base_dist.rsample(sample_shape)
        for t in self.transforms:
            x = t(x)
        return x

    def log_prob(self, value) -> Tensor:
        event_dim = len(self._event_shape)
        log_prob, y = 0.0, value
        for t in reversed(self.transforms):
            x = t.inv(y)
            log_prob = log_prob - _sum_rightmost(t.log_abs_det_jacobian(x, y),
                                                 event_dim - t.event_dim)
            y = x
        return log_prob + _sum_rightmost(self.base_dist.log_prob(y),
                                         event_dim - len(self.base_dist._event_shape))

    def _monotone_sign(self):
        sign = 1
        for t in self.transforms:
            sign = sign * t.sign
        return sign

    def cdf(self, value) -> Tensor:
        for t in reversed(self.transforms):
            value = t.inv(value)
        value = self.base_dist.cdf(value)
        sign = self._monotone_sign()
        return value if not isinstance(sign, Tensor) and sign == 1 else \
            sign * (value - 0.5) + 0.5

    def icdf(self, value) -> Tensor:
        sign = self._monotone_sign()
        if isinstance(sign, Tensor) or sign != 1:
            value = sign * (value - 0.5) + 0.5
        value = self.base_dist.icdf(value)
        for t in self.transforms:
            value = t(value)
        return value

_transforms_mod = transforms
_EULER_GAMMA = 0.57721566490153286061


class Weibull(TransformedDistribution):
    """scale * E^(1/concentration), E standard exponential."""

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration, _ = _pair(scale, concentration)
        self._validate = self._validate_default if validate_args is None else validate_args
        self._check("scale", self.scale, self.scale > 0, "GreaterThan(lower_bound=0.0)")
        self._check("concentration", self.concentration, self.concentration > 0,
                    "GreaterThan(lower_bound=0.0)")
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(creation.ones_like(self.scale), validate_args=validate_args)
        super().__init__(base, [transforms.PowerTransform(self.concentration_reciprocal),
                                transforms.AffineTransform(0, self.scale)], validate_args)

    def _params(self):
        return {"scale": self.scale, "concentration": self.concentration}

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.scale)
        self._check_sample(value, value > 0, "GreaterThan(lower_bound=0.0)")
        return super().log_prob(value)

    @property
    def mean(self) -> Tensor:
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self) -> Tensor:
        k = self.concentration  # (PyTorch's formula as it is: not clamped for k < 1)
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self) -> Tensor:
        r = self.concentration_reciprocal
        return self.scale ** 2 * ((1 + 2 * r).lgamma().exp() - (2 * (1 + r).lgamma()).exp())

    def entropy(self) -> Tensor:
        return _EULER_GAMMA * (1 - self.concentration_reciprocal) + (
            self.scale * self.concentration_reciprocal).log() + 1


class HalfCauchy(_Folded, TransformedDistribution):
    """|X| for X ~ Cauchy(0, scale)."""

    def __init__(self, scale, validate_args=None):
        from ._more import Cauchy

        base = Cauchy(0, scale, validate_args=validate_args)
        super().__init__(base, transforms.AbsTransform(), validate_args)
        self.scale = base.scale

    @property
    def has_rsample(self):
        return True

    mean = property(lambda self: creation.full_like(self.scale.detach(), float("inf")))
    mode = property(lambda self: creation.zeros_like(self.scale.detach()))
    variance = property(lambda self: creation.full_like(self.scale.detach(), float("inf")))


class Pareto(TransformedDistribution):
    """scale * exp(E), E ~ Exponential(alpha)."""

    def __init__(self, scale, alpha, validate_args=None):
        self.scale, self.alpha, _ = _pair(scale, alpha)
        self._validate = self._validate_default if validate_args is None else validate_args
        self._check("alpha", self.alpha, self.alpha > 0, "GreaterThan(lower_bound=0.0)")
        self._check("scale", self.scale, self.scale > 0, "GreaterThan(lower_bound=0.0)")
        super().__init__(Exponential(self.alpha, validate_args=validate_args),
                         [transforms.ExpTransform(), transforms.AffineTransform(0, self.scale)],
                         validate_args)

    def _params(self):
        return {"alpha": self.alpha, "scale": self.scale}

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.scale)
        self._check_sample(value, value >= self.scale,
                           f"GreaterThanEq(lower_bound={self.scale!r})")
        return super().log_prob(value)

    @property
    def mean(self) -> Tensor:
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    mode = property(lambda self: self.scale)

    @property
    def variance(self) -> Tensor:
        a = self.alpha.clamp(min=2)
        return self.scale ** 2 * a / ((a - 1) ** 2 * (a - 2))

    def entropy(self) -> Tensor:
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


class MixtureSameFamily(Distribution):
    """A mixture whose components are the last batch dimension of one distribution, weighted
    by a Categorical (a Gaussian mixture: Normal locs and scales of shape (..., K))."""
    has_rsample = False

    def __init__(self, mixture_distribution, component_distribution, validate_args=None):
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of "
                             "torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution need to be an instance of "
                             "torch.distributions.Distribution")
        mdbs, cdbs = mixture_distribution._batch_shape, component_distribution._batch_shape[:-1]
        for size1, size2 in zip(reversed(mdbs), reversed(cdbs)):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(f"`mixture_distribution.batch_shape` ({Size(mdbs)}) is not "
                                 f"compatible with `component_distribution.batch_shape`"
                                 f"({Size(cdbs)})")
        km, kc = mixture_distribution.logits.shape[-1], component_distribution._batch_shape[-1]
        if km != kc:
            raise ValueError(f"`mixture_distribution component` ({km}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({kc})")
        mixture_distribution._shown = ("probs", "logits")  # (read above, as PyTorch does)
        self.mixture_distribution = mixture_distribution
        self.component_distribution = component_distribution
        self._num_component, self._event_ndims = km, len(component_distribution._event_shape)
        super().__init__(cdbs, component_distribution._event_shape, validate_args)

    def _pad(self, x: Tensor) -> Tensor:
        return x.unsqueeze(-1 - self._event_ndims)

    def _mixture_probs(self) -> Tensor:
        probs = self.mixture_distribution.probs
        for _ in range(self._event_ndims):
            probs = probs.unsqueeze(-1)
        return probs

    @property
    def mean(self) -> Tensor:
        return (self._mixture_probs() * self.component_distribution.mean).sum(
            -1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        probs, dim = self._mixture_probs(), -1 - self._event_ndims
        mean_cond_var = (probs * self.component_distribution.variance).sum(dim)
        var_cond_mean = (probs * (self.component_distribution.mean - self._pad(self.mean))
                         ** 2).sum(dim)
        return mean_cond_var + var_cond_mean

    def cdf(self, x) -> Tensor:
        x = self._pad(_tensor(x, self.mixture_distribution.probs))
        return (self.component_distribution.cdf(x) * self.mixture_distribution.probs).sum(-1)

    def log_prob(self, x) -> Tensor:
        from ..ops import log_softmax, logsumexp

        x = self._pad(_tensor(x, self.mixture_distribution.probs))
        log_prob_x = self.component_distribution.log_prob(x)
        log_mix = log_softmax(self.mixture_distribution.logits, -1)
        return logsumexp(log_prob_x + log_mix, -1)

    def sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            sample_len, batch_len = len(tuple(sample_shape)), len(self._batch_shape)
            mix_sample = self.mixture_distribution.sample(sample_shape)
            comp_samples = self.component_distribution.sample(sample_shape)
            es = self._event_shape
            index = mix_sample.reshape(tuple(mix_sample.shape) + (1,) * (len(es) + 1))
            index = index.expand(tuple(mix_sample.shape) + (1,) + es)
            out = comp_samples.gather(sample_len + batch_len, index)
            return out.squeeze(sample_len + batch_len)

    def __repr__(self) -> str:
        return (f"MixtureSameFamily(\n  {self.mixture_distribution},\n  "
                f"{self.component_distribution})")


class _LogitRelaxedBernoulli(Distribution):
    """The logit of a RelaxedBernoulli sample (PyTorch's LogitRelaxedBernoulli)."""
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = _tensor(temperature)
        self.probs, self.logits = _probs_logits(probs, logits, True)
        super().__init__(tuple(self.probs.shape), (), validate_args)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        u = creation.rand(*shape, dtype=self.logits.dtype, device=self.logits.device)
        u = _clamp(u)
        return (self.logits + u.log() - (-u).log1p()) / self.temperature

    def log_prob(self, value) -> Tensor:
        from ..nn import functional as F

        diff = self.logits - _tensor(value, self.logits) * self.temperature
        return self.temperature.log() + diff - 2 * F.softplus(diff)


class _ExpRelaxedCategorical(Distribution):
    """The log of a RelaxedOneHotCategorical sample (PyTorch's ExpRelaxedCategorical)."""
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = _tensor(temperature)
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        cat = self._categorical
        super().__init__(cat._batch_shape, (cat._num_events,), validate_args)

    probs = property(lambda self: self._categorical.probs)
    logits = property(lambda self: self._categorical.logits)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        u = _clamp(creation.rand(*shape, dtype=self.logits.dtype, device=self.logits.device))
        scores = (self.logits - (-u.log()).log()) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value) -> Tensor:
        k = self._categorical._num_events
        log_scale = math.lgamma(k) - self.temperature.log() * -(k - 1)
        score = self.logits - _tensor(value, self.logits) * self.temperature
        score = (score - score.logsumexp(-1, keepdim=True)).sum(-1)
        return score + log_scale


def _clamp(p: Tensor) -> Tensor:
    from .transforms import _clamp_probs

    return _clamp_probs(p)


class RelaxedBernoulli(TransformedDistribution):
    """A continuous relaxation of Bernoulli on (0, 1): sigmoid of a logistic sample scaled
    by 1 / temperature (reparameterised)."""

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = _LogitRelaxedBernoulli(temperature, probs, logits, validate_args)
        super().__init__(base, transforms.SigmoidTransform(), validate_args)

    temperature = property(lambda self: self.base_dist.temperature)
    probs = property(lambda self: self.base_dist.probs)
    logits = property(lambda self: self.base_dist.logits)


class RelaxedOneHotCategorical(TransformedDistribution):
    """The Gumbel-softmax (concrete) relaxation of OneHotCategorical on the simplex."""

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = _ExpRelaxedCategorical(temperature, probs, logits, validate_args)
        super().__init__(base, transforms.ExpTransform(), validate_args)

    temperature = property(lambda self: self.base_dist.temperature)
    probs = property(lambda self: self.base_dist.probs)
    logits = property(lambda self: self.base_dist.logits)

    def rsample(self, sample_shape=()) -> Tensor:
        return _clamp(super().rsample(sample_shape))


class InverseGamma(TransformedDistribution):
    """1 / X for X ~ Gamma(concentration, rate)."""

    def __init__(self, concentration, rate, validate_args=None):
        from .._gamma import Gamma

        base = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(base, transforms.PowerTransform(-base.rate.new_ones(())),
                         validate_args)

    concentration = property(lambda self: self.base_dist.concentration)
    rate = property(lambda self: self.base_dist.rate)

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.rate)
        self._check_sample(value, value > 0, "GreaterThan(lower_bound=0.0)")
        return super().log_prob(value)

    @property
    def mean(self) -> Tensor:
        c = self.concentration
        return where(c > 1, self.rate / (c - 1), float("inf"))

    mode = property(lambda self: self.rate / (self.concentration + 1))

    @property
    def variance(self) -> Tensor:
        c = self.concentration
        return where(c > 2, self.rate ** 2 / ((c - 1) ** 2 * (c - 2)), float("inf"))

    def entropy(self) -> Tensor:
        c = self.concentration
        return c + self.rate.log() + c.lgamma() - (1 + c) * c.digamma()


class Kumaraswamy(TransformedDistribution):
    """(1 - U^(1/concentration0))^(1/concentration1), U uniform on (0, 1)."""

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0, _ = _pair(concentration1, concentration0)
        self._validate = self._validate_default if validate_args is None else validate_args
        for name in ("concentration1", "concentration0"):
            value = getattr(self, name)
            self._check(name, value, value > 0, "GreaterThan(lower_bound=0.0)")
        zeros = creation.zeros_like(self.concentration0)
        base = Uniform(zeros, zeros + 1, validate_args=validate_args)
        super().__init__(base, [transforms.PowerTransform(self.concentration0.reciprocal()),
                                transforms.AffineTransform(1.0, -1.0),
                                transforms.PowerTransform(self.concentration1.reciprocal())],
                         validate_args)

    def _params(self):
        return {"concentration1": self.concentration1, "concentration0": self.concentration0}

    def log_prob(self, value) -> Tensor:
        value = _tensor(value, self.concentration1)
        self._check_sample(value, (value >= 0) & (value <= 1),
                           "Interval(lower_bound=0.0, upper_bound=1.0)")
        return super().log_prob(value)

    def _moment(self, n: int) -> Tensor:
        a, b = self.concentration1, self.concentration0
        arg1 = 1 + n / a
        return b * (arg1.lgamma() + b.lgamma() - (arg1 + b).lgamma()).exp()

    mean = property(lambda self: self._moment(1))
    variance = property(lambda self: self._moment(2) - self._moment(1) ** 2)

    @property
    def mode(self) -> Tensor:
        a, b = self.concentration1, self.concentration0  # (PyTorch's formula, as it is)
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        return where((b < 1) | (a < 1), float("nan"), log_mode).exp()

    def entropy(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        t1, t0 = 1 - a.reciprocal(), 1 - b.reciprocal()
        h0 = (b + 1).digamma() + _EULER_GAMMA
        return t0 + t1 * h0 - a.log() - b.log()


__all__ += ["TransformedDistribution", "transforms", "Weibull", "HalfCauchy", "Pareto",
            "MixtureSameFamily", "RelaxedBernoulli", "RelaxedOneHotCategorical",
            "InverseGamma", "Kumaraswamy"]
