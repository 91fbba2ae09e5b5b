"""The regularized incomplete gamma functions (special.gammainc / gammaincc, torch.igamma /
igammac) and the Gamma, Chi2, Beta and Dirichlet distributions built on them.

P(a, x) is the power series below x = a + 1 and 1 - Q(a, x) by its continued fraction
above (evaluated on the host in float64, as this library's other gamma-family functions).
Gamma samples come from Marsaglia and Tsang's method; their gradient with respect to the
concentration is the implicit one, -dP/da / dP/dx at the sample (PyTorch's rsample rule)."""
from __future__ import annotations

import math

import numpy as np

from . import backends, creation
from .autograd.function import Function, named_function
from .autograd.grad_mode import no_grad
from .distributions import (Distribution, ExponentialFamily, _ProbsOrLogits, _tensor,
                            constraints, register_kl)
from .ops import broadcast_shapes, broadcast_tensors, xlogy
from .ops.numeric import _np_lgamma
from .tensor import Tensor, _wrap

_TINY = 1e-300


def _pq(a: np.ndarray, x: np.ndarray) -> tuple:
    """(P, Q) = (lower, upper) regularized incomplete gamma of float64 arrays."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p, q = np.full(a.shape, np.nan), np.full(a.shape, np.nan)
    ok = (a >= 0) & (x >= 0)
    zero_x, zero_a = ok & (x == 0) & (a > 0), ok & (a == 0) & (x > 0)  # (both 0: NaN)
    p[zero_x], q[zero_x] = 0.0, 1.0
    p[zero_a], q[zero_a] = 1.0, 0.0
    inf_x = ok & np.isinf(x) & (a > 0)
    p[inf_x], q[inf_x] = 1.0, 0.0
    rest = ok & (x > 0) & (a > 0) & np.isfinite(x)
    aa, xx = a[rest], x[rest]
    with np.errstate(all="ignore"):
        front = np.exp(aa * np.log(xx) - xx - _np_lgamma(aa))
        series = xx < aa + 1
        # the series for P
        term = 1.0 / np.where(series, aa, 1.0)
        total = term.copy()
        for n in range(1, 1000):
            term = term * xx / (aa + n)
            total += term
        p_series = front * total
        # Lentz's continued fraction for Q
        b = xx + 1 - aa
        c = np.full(xx.shape, 1 / _TINY)
        d = 1 / np.where(np.abs(b) < _TINY, _TINY, b)
        h = d.copy()
        for i in range(1, 1000):
            an = -i * (i - aa)
            b = b + 2
            d = an * d + b
            d = 1 / np.where(np.abs(d) < _TINY, _TINY, d)
            c = b + an / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            h = h * d * c
        q_fraction = front * h
    p[rest] = np.where(series, p_series, 1 - q_fraction)
    q[rest] = np.where(series, 1 - p_series, q_fraction)
    return p, q


def _density(a: Tensor, x: Tensor) -> Tensor:
    """dP/dx = x^(a-1) e^-x / Gamma(a) (0 at x = 0 for a > 1 and where a = 0)."""
    from .ops import where

    value = (xlogy(a - 1, x) - x - a.lgamma()).exp()
    return where(a == 0, 0.0, value)


def _incomplete(name: str, upper: bool):
    def forward(ctx, a, x):
        from . import _dtypes

        dtype = _dtypes.promote_types(a.dtype, x.dtype)
        if not dtype.is_floating_point:
            dtype = _dtypes.get_default_dtype()
        backend = backends.of(x._data)
        p, q = _pq(backend.to_host(a._data), backend.to_host(x._data))
        ctx.save_for_backward(a, x)
        return _wrap(backend.asarray((q if upper else p).astype(dtype.np)))

    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        slope = _density(a.detach(), x)
        return None, g * (-slope if upper else slope)

    return named_function(name.capitalize() + "Backward0", forward, backward)


_Igamma, _Igammac = _incomplete("igamma", False), _incomplete("igammac", True)


def _floating_only(a: Tensor, x: Tensor, kernel: str) -> None:
    from ._dtypes import result_type
    from .ops.pointwise import float_kernel_only

    float_kernel_only(result_type(a, x), kernel)


def gammainc(input: Tensor, other: Tensor) -> Tensor:
    """The regularized lower incomplete gamma function P(input, other)."""
    a, x = _tensor(input, other), _tensor(other, input)
    _floating_only(a, x, "igamma_cpu")
    shape = broadcast_shapes(tuple(a.shape), tuple(x.shape))
    return _Igamma.apply(a.expand(shape), x.expand(shape))


def gammaincc(input: Tensor, other: Tensor) -> Tensor:
    """The regularized upper incomplete gamma function Q(input, other) = 1 - P."""
    a, x = _tensor(input, other), _tensor(other, input)
    _floating_only(a, x, "igammac_cpu")
    shape = broadcast_shapes(tuple(a.shape), tuple(x.shape))
    return _Igammac.apply(a.expand(shape), x.expand(shape))


# -- sampling --------------------------------------------------------------------------------
def _standard_gamma_samples(alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gamma(alpha, 1) draws (Marsaglia-Tsang; alpha < 1 through alpha + 1 and u^(1/alpha))."""
    boost = alpha < 1
    a = np.where(boost, alpha + 1, alpha)
    d = a - 1 / 3
    c = 1 / np.sqrt(9 * d)
    out = np.empty(a.shape)
    pending = np.ones(a.shape, bool)
    while pending.any():
        z = rng.standard_normal(a.shape)
        v = (1 + c * z) ** 3
        u = rng.uniform(size=a.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            accept = (v > 0) & (np.log(u) < 0.5 * z * z + d - d * v + d * np.log(v))
        take = pending & accept
        out[take] = (d * v)[take]
        pending &= ~accept
    with np.errstate(divide="ignore"):
        scale = np.where(boost, rng.uniform(size=a.shape) ** (1 / np.where(boost, alpha, 1)),
                         1.0)
    return np.maximum(out * scale, np.finfo(np.float64).tiny)


def _host_rng() -> np.random.Generator:
    """A NumPy stream seeded from the default generator's (so torch.manual_seed repeats it)."""
    seed = creation.randint(0, 2 ** 62, (2,)).numpy()
    return np.random.default_rng([int(s) for s in seed])


_EXACT_GAMMA_DRAWS = 4096  # the most gamma draws made one by one as PyTorch makes them


class _StandardGamma(Function):
    """x ~ Gamma(alpha, 1); d x / d alpha = -(dP/dalpha) / (dP/dx) at x (implicit)."""

    @staticmethod
    def forward(ctx, alpha, shape):
        backend = backends.of(alpha._data)
        host_alpha = np.broadcast_to(backend.to_host(alpha._data).astype(np.float64), shape)
        stream = creation.default_generator(backend)._rng
        if hasattr(stream, "standard_gamma") and host_alpha.size <= _EXACT_GAMMA_DRAWS:
            # (PyTorch's own draws, element by element: exact, but slow for many elements)
            x = np.maximum(stream.standard_gamma(host_alpha), np.finfo(np.float64).tiny)
        else:
            x = _standard_gamma_samples(host_alpha, _host_rng())
        ctx.save_for_backward(alpha)
        ctx.host = (host_alpha, x)
        return _wrap(backend.asarray(x.astype(alpha._data.dtype)))

    @staticmethod
    def backward(ctx, g):
        (alpha,) = ctx.saved_tensors
        a, x = ctx.host
        h = 1e-6 * np.maximum(a, 1.0)
        dp_da = (_pq(a + h, x)[0] - _pq(a - h, x)[0]) / (2 * h)
        with np.errstate(all="ignore"):
            dp_dx = np.exp((a - 1) * np.log(x) - x - _np_lgamma(a))
            dx_da = np.nan_to_num(-dp_da / dp_dx)
        grad = g * _wrap(backends.of(g._data).asarray(dx_da.astype(g._data.dtype)))
        return grad.sum_to_size(*alpha.shape) if tuple(alpha.shape) != tuple(grad.shape) \
            else grad, None


# -- distributions ---------------------------------------------------------------------------
class Gamma(ExponentialFamily):
    has_rsample = True
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_tensors(_tensor(concentration, rate),
                                                          _tensor(rate, concentration))
        super().__init__(tuple(self.rate.shape), (), validate_args)

    mean = property(lambda self: self.concentration / self.rate)
    mode = property(lambda self: ((self.concentration - 1) / self.rate).clamp(min=0))
    variance = property(lambda self: self.concentration / self.rate ** 2)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        x = _StandardGamma.apply(self.concentration, shape) / self.rate.expand(shape)
        with no_grad():
            tiny = float(np.finfo(x._data.dtype).tiny)
        return x.clamp(min=tiny)

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.rate)
        return (xlogy(self.concentration, self.rate) + xlogy(self.concentration - 1, value)
                - self.rate * value - self.concentration.lgamma())

    def entropy(self) -> Tensor:
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1.0 - c) * c.digamma()

    def cdf(self, value) -> Tensor:
        return gammainc(self.concentration, self.rate * self._value(value, self.rate))


class Chi2(Gamma):
    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        df = _tensor(df)
        self._validate = Distribution._validate_default if validate_args is None else \
            validate_args
        self._check("df", df, constraints.positive)  # (checked as df first)
        super().__init__(0.5 * df, df * 0 + 0.5, validate_args)

    df = property(lambda self: self.concentration * 2)


class Dirichlet(ExponentialFamily):
    has_rsample = True
    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(tuple(concentration.shape[:-1]), tuple(concentration.shape[-1:]),
                         validate_args)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Tensor:
        c = (self.concentration - 1).clamp(min=0.0)
        return c / c.sum(-1, True)

    @property
    def variance(self) -> Tensor:
        c0 = self.concentration.sum(-1, True)
        return self.concentration * (c0 - self.concentration) / (c0 ** 2 * (c0 + 1))

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        g = _StandardGamma.apply(self.concentration, shape)
        return g / g.sum(-1, True)

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.concentration)
        c = self.concentration
        return (xlogy(c - 1.0, value).sum(-1) + c.sum(-1).lgamma() - c.lgamma().sum(-1))

    def entropy(self) -> Tensor:
        c = self.concentration
        k = c.shape[-1]
        a0 = c.sum(-1)
        return (c.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma()
                - ((c - 1.0) * c.digamma()).sum(-1))


class Beta(ExponentialFamily):
    has_rsample = True
    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1, concentration0, validate_args=None):
        c1, c0 = _tensor(concentration1, concentration0), _tensor(concentration0,
                                                                  concentration1)
        shape = broadcast_shapes(tuple(c1.shape), tuple(c0.shape))
        from .ops import stack

        self._dirichlet = Dirichlet(stack([c1.expand(shape), c0.expand(shape)], -1),
                                    validate_args)
        super().__init__(shape, (), validate_args)

    concentration1 = property(lambda self: self._dirichlet.concentration[..., 0])
    concentration0 = property(lambda self: self._dirichlet.concentration[..., 1])

    mean = property(lambda self: self.concentration1 / (self.concentration1 +
                                                        self.concentration0))
    mode = property(lambda self: self._dirichlet.mode[..., 0])

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total ** 2 * (total + 1))

    def rsample(self, sample_shape=()) -> Tensor:
        return self._dirichlet.rsample(sample_shape)[..., 0]

    def log_prob(self, value) -> Tensor:
        from .ops import stack

        value = self._value(value, self.concentration1)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self) -> Tensor:
        return self._dirichlet.entropy()


@register_kl(Gamma, Gamma)
def _kl_gamma(p, q):
    t1 = q.concentration * (p.rate / q.rate).log()
    t2 = q.concentration.lgamma() - p.concentration.lgamma()
    t3 = (p.concentration - q.concentration) * p.concentration.digamma()
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Beta, Beta)
def _kl_beta(p, q):
    s1, s2 = p.concentration1 + p.concentration0, q.concentration1 + q.concentration0
    t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + s1.lgamma()
    t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + s2.lgamma()
    t3 = (p.concentration1 - q.concentration1) * p.concentration1.digamma()
    t4 = (p.concentration0 - q.concentration0) * p.concentration0.digamma()
    t5 = (s2 - s1) * s1.digamma()
    return t1 - t2 + t3 + t4 + t5


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet(p, q):
    s = p.concentration.sum(-1)
    t1 = s.lgamma() - q.concentration.sum(-1).lgamma()
    t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
    t3 = p.concentration - q.concentration
    t4 = p.concentration.digamma() - s.digamma().unsqueeze(-1)
    return t1 - t2 + (t3 * t4).sum(-1)





class StudentT(Distribution):
    """Student's t with df degrees of freedom, shifted by loc and scaled by scale."""
    has_rsample = True
    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        df = _tensor(df, loc if isinstance(loc, Tensor) else scale)
        loc, scale = _tensor(loc, df), _tensor(scale, df)
        self.df, self.loc, self.scale = broadcast_tensors(df, loc, scale)
        shape = tuple(self.df.shape)
        self._chi2 = Chi2(self.df, validate_args)
        super().__init__(shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        from .ops import where

        return where(self.df > 1, self.loc, float("nan"))

    mode = property(lambda self: self.loc)

    @property
    def variance(self) -> Tensor:
        from .ops import where

        wide = self.scale ** 2 * self.df / (self.df - 2)
        return where(self.df > 2, wide, where(self.df > 1, float("inf"), float("nan")))

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        x = creation.randn(*shape, dtype=self.df.dtype, device=self.df.device)
        z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * x * (z / self.df).rsqrt()

    def log_prob(self, value) -> Tensor:
        y = (self._value(value, self.loc) - self.loc) / self.scale
        norm = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi)
                + (0.5 * self.df).lgamma() - (0.5 * (self.df + 1.0)).lgamma())
        return -0.5 * (self.df + 1.0) * (y ** 2 / self.df).log1p() - norm

    def entropy(self) -> Tensor:
        half = 0.5 * self.df
        lbeta = half.lgamma() + math.lgamma(0.5) - (half + 0.5).lgamma()
        return (self.scale.log() + (half + 0.5) * ((half + 0.5).digamma() - half.digamma())
                + 0.5 * self.df.log() + lbeta)


class Geometric(_ProbsOrLogits, Distribution):
    """The number of failures before the first success, each trial succeeding with probs."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._param = self._given(probs, logits)
        super().__init__(tuple(self._param.shape), (), validate_args)
        if self._validate and probs is not None and not bool((self.probs > 0).all()):
            raise ValueError(f"Expected parameter probs (Tensor of shape "
                             f"{tuple(self.probs.shape)}) of distribution {self!r} to be "
                             f"positive but found invalid values:\n"
                             f"{self.probs.detach()[~(self.probs > 0)]}")

    mean = property(lambda self: 1.0 / self.probs - 1.0)
    mode = property(lambda self: creation.zeros_like(self.probs))
    variance = property(lambda self: (1.0 / self.probs - 1.0) / self.probs)

    def _sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            import numpy as _np

            tiny = float(_np.finfo(self.probs._data.dtype).tiny)
            u = creation.rand(*self._extended(sample_shape), dtype=self.probs.dtype,
                              device=self.probs.device).clamp(min=tiny)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value) -> Tensor:
        from .ops import where

        value = self._value(value, self._param)
        probs = where((self.probs == 1) & (value == 0), 0.0, self.probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        from .nn.functional import binary_cross_entropy_with_logits

        return binary_cross_entropy_with_logits(self.logits, self.probs,
                                                reduction="none") / self.probs


class Binomial(_ProbsOrLogits, Distribution):
    """The number of successes in total_count independent trials of probability probs."""
    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        given = self._given(probs, logits)
        n = _tensor(total_count, given)
        total_count, self._param = broadcast_tensors(n, given)
        self.total_count, shape = total_count.type_as(given), tuple(self._param.shape)
        setattr(self, "probs" if probs is not None else "logits", self._param)
        super().__init__(shape, (), validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    mean = property(lambda self: self.total_count * self.probs)
    variance = property(lambda self: self.total_count * self.probs * (1 - self.probs))

    @property
    def mode(self) -> Tensor:
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    def _sample(self, sample_shape=()) -> Tensor:
        from .spellings import binomial

        shape = self._extended(sample_shape)
        with no_grad():
            return binomial(self.total_count.expand(shape), self.probs.expand(shape))

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self._param)
        n, logits = self.total_count, self.logits
        clamped = (logits.clamp(min=0) + logits - logits.clamp(max=0)) / 2
        normalize = n * clamped + n * (-logits.abs()).exp().log1p() - (n + 1).lgamma()
        return value * logits - (value + 1).lgamma() - (n - value + 1).lgamma() - normalize

    def enumerate_support(self, expand: bool = True) -> Tensor:
        count = int(self.total_count.max().item()) if self.total_count.numel() else 0
        if self.total_count.numel() and int(self.total_count.min().item()) != count:
            raise NotImplementedError("Inhomogeneous total count not supported by "
                                      "`enumerate_support`.")
        return self._enumerated(creation.arange(1 + count, dtype=self.probs.dtype,
                                                device=self.probs.device), expand)

    def entropy(self) -> Tensor:
        count = int(self.total_count.max().item()) if self.total_count.numel() else 0
        if self.total_count.numel() and int(self.total_count.min().item()) != count:
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)
