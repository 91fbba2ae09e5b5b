"""torch.distributions: Normal, Uniform, Laplace, Exponential, Bernoulli, Categorical and
OneHotCategorical with sample/rsample, log_prob, entropy, mean, variance and PyTorch's
parameter checks, plus kl_divergence between members of the same family.

Densities are written with tensor ops, so log_prob and entropy are differentiable in the
parameters; rsample is the reparameterised sample (differentiable), sample is not."""
from __future__ import annotations

import functools
import math

from .. import creation, sampling
from ..autograd.grad_mode import no_grad
from ..ops import broadcast_shapes, broadcast_tensors, where
from ..tensor import Size, Tensor
from . import constraints
from .utils import _sum_rightmost, clamp_probs, lazy_property, logits_to_probs, probs_to_logits

_PACKAGE = __name__.rsplit(".", 1)[0] + "."  # (autograd_gpu.: the built-in families)

__all__ = ["Distribution", "Normal", "Uniform", "Laplace", "Exponential", "Bernoulli",
           "Categorical", "OneHotCategorical", "OneHotCategoricalStraightThrough",
           "kl_divergence", "register_kl"]


def _pair(a, b) -> tuple:
    """Two parameters as tensors of one broadcast shape (numbers take the other's dtype)."""
    a, b = broadcast_tensors(_tensor(a, b), _tensor(b, a))
    return a, b, tuple(a.shape)


def _tensor(value, like=None) -> Tensor:
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if isinstance(like, Tensor) and like.is_floating_point() else None
    device = like.device if isinstance(like, Tensor) else None
    return creation.tensor(float(value), dtype=dtype, device=device)


class Distribution:
    """The base of every distribution. A subclass names its parameters' constraints in
    arg_constraints and its values' set in support; validation (on by default, as in
    PyTorch) checks the parameters when it is made and every value given to log_prob."""
    has_rsample = False
    has_enumerate_support = False
    _validate_default = True
    # a family whose parameters are not attributes (MultivariateNormal's matrices) checks
    # them itself
    _checks_own_args = False
    _expand_keeps: tuple = ()  # attributes expand() leaves alone (besides _unbroadcasted_*)

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape, self._event_shape = tuple(batch_shape), tuple(event_shape)
        self._validate = self._validate_default if validate_args is None else validate_args
        if self._validate and not self._checks_own_args:
            self._check_args()

    def _declared(self, name: str, missing: str):
        """self.<name> (arg_constraints, support), or None after PyTorch's warning where a
        subclass does not define it (missing: what the warning says it lacks)."""
        try:
            return getattr(self, name)
        except NotImplementedError:
            import warnings

            warnings.warn(f"{type(self)} does not define {missing} the distribution with "
                          f"`validate_args=False` to turn off validation.", stacklevel=4)
            return None

    def _check_args(self) -> None:
        arg_constraints = self._declared("arg_constraints", "`arg_constraints`. Please set "
                                         "`arg_constraints = {}` or initialize")
        for name, constraint in (arg_constraints or {}).items():
            if constraints.is_dependent(constraint) or name not in self.__dict__ and \
                    isinstance(getattr(type(self), name, None), lazy_property):
                continue  # (not checkable, or computed from a parameter that is checked)
            self._check(name, getattr(self, name), constraint)

    @property
    def arg_constraints(self) -> dict:
        raise NotImplementedError

    def expand(self, batch_shape, _instance=None):
        """This distribution with its batch dimensions expanded to batch_shape: every
        parameter (and inner distribution) expanded as Tensor.expand does, nothing checked
        again, no memory copied."""
        owner = next(c for c in type(self).__mro__ if c.__module__.startswith(_PACKAGE))
        if owner is Distribution:
            raise NotImplementedError
        if _instance is None and type(self).__init__ is not owner.__init__:
            raise NotImplementedError(f"Subclass {type(self).__name__} of {owner.__name__} "
                                      f"that defines a custom __init__ method must also "
                                      f"define a custom .expand() method.")
        new = self.__new__(type(self)) if _instance is None else _instance
        old, batch = self._batch_shape, tuple(Size(batch_shape))
        for name, value in self.__dict__.items():
            if name.startswith("_unbroadcasted") or name in self._expand_keeps:
                pass  # (kept as given: it broadcasts against the expanded parameters)
            elif isinstance(value, (Tensor, Distribution)):
                shape = tuple(value.shape if isinstance(value, Tensor) else value._batch_shape)
                if shape[:len(old)] == old:
                    value = value.expand(batch + shape[len(old):])
            elif isinstance(value, (list, dict)):
                value = type(value)(value)
            new.__dict__[name] = value
        new._batch_shape = batch
        return new

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError

    def _enumerated(self, values: Tensor, expand: bool) -> Tensor:
        """values (all the support, along dim 0) shaped for enumerate_support: one batch
        dimension of size 1 per batch dimension, or expanded over the batch."""
        event = tuple(values.shape[1:])
        values = values.reshape((-1,) + (1,) * len(self._batch_shape) + event)
        return values.expand((-1,) + self._batch_shape + event) if expand else values

    @property
    def support(self):
        raise NotImplementedError

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

    def _extended_shape(self, sample_shape=()) -> Size:
        """sample_shape + batch_shape + event_shape (PyTorch's name, which subclasses use)."""
        return Size(self._extended(sample_shape))

    @property
    def _validate_args(self) -> bool:  # (PyTorch's name for the flag, read by subclasses)
        return self._validate

    @_validate_args.setter
    def _validate_args(self, value: bool) -> None:
        self._validate = value

    def sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            return self.rsample(sample_shape) if self.has_rsample else self._sample(
                sample_shape)

    def _sample(self, sample_shape=()) -> Tensor:
        return self.rsample(sample_shape)  # (a subclass's own rsample, outside autograd)

    def rsample(self, sample_shape=()) -> Tensor:
        if type(self).sample is Distribution.sample and \
                type(self)._sample is Distribution._sample:
            raise NotImplementedError
        raise NotImplementedError(f"{type(self).__name__} has no rsample (its samples are not "
                                  f"differentiable); use sample()")

    # what a family defines (PyTorch's base raises the same)
    def log_prob(self, value) -> Tensor:
        raise NotImplementedError

    def cdf(self, value) -> Tensor:
        raise NotImplementedError

    def icdf(self, value) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _check(self, name: str, value: Tensor, constraint) -> None:
        """Raise PyTorch's error if parameter `name` (value) breaks constraint."""
        if self._validate and not bool(constraint.check(value).all()):
            raise ValueError(f"Expected parameter {name} ({type(value).__name__} of shape "
                             f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                             f"constraint {constraint!r}, but found invalid values:\n{value}")

    def _validate_sample(self, value) -> None:
        """PyTorch's checks of a value given to log_prob: a tensor, whose rightmost sizes are
        the event shape, broadcastable with the batch shape, inside the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        shape, event = value.size(), self.event_shape
        if shape[len(shape) - len(event):] != event:
            raise ValueError(f"The right-most size of value must match event_shape: {shape} vs "
                             f"{event}.")
        expected = Size(self._batch_shape + self._event_shape)
        for i, j in zip(reversed(shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{shape} vs {expected}.")
        support = self._declared("support", "`support` to enable sample validation. Please "
                                 "initialize")
        if support is None:
            return
        if not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape "
                             f"{tuple(value.shape)}) to be within the support ({support!r}) "
                             f"of the distribution {self!r}, but found invalid values:\n"
                             f"{value}")

    def _value(self, value, like=None) -> Tensor:
        """A value given to log_prob (or cdf), validated, as a tensor."""
        if self._validate:
            self._validate_sample(value)
        return _tensor(value, like)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}: {v if v.numel() == 1 else v.shape}" for k, v in
                           self._params().items())
        return f"{type(self).__name__}({params})"

    def _params(self) -> dict:
        """The parameters a repr shows: those this instance holds (not a property's, nor a
        lazy one not read yet), as PyTorch's repr does."""
        return {name: self.__dict__[name] for name in self.arg_constraints
                if name in self.__dict__}


class ExponentialFamily(Distribution):
    """A family with density exp(<t(x), theta> - F(theta) + k(x)): a subclass gives its
    natural parameters theta (_natural_params), the log-normaliser F (_log_normalizer) and
    E[k(x)] (_mean_carrier_measure); the entropy follows, by differentiating F."""

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float:
        raise NotImplementedError

    def entropy(self):
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_normalizer = self._log_normalizer(*params)
        from .. import autograd

        grads = autograd.grad(log_normalizer.sum(), params, create_graph=True)
        result = log_normalizer - self._mean_carrier_measure
        for p, g in zip(params, grads):
            result = result - (p * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result


class _LocScale(Distribution):
    """A family with a real loc (any value but NaN, as PyTorch's Real()) and a positive
    scale, broadcast together."""
    has_rsample = True
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale, shape = _pair(loc, scale)
        super().__init__(shape, (), validate_args)


class _Folded:
    """|X| for X symmetric about 0 with scale `scale` (self.base_dist): the density, cdf and
    entropy of the half distribution (HalfNormal, HalfCauchy)."""

    support = constraints.nonnegative

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.scale)
        return where(value >= 0, self.base_dist.log_prob(value) + math.log(2), float("-inf"))

    def cdf(self, value) -> Tensor:
        return 2 * self.base_dist.cdf(_tensor(value, self.scale)) - 1

    def icdf(self, prob) -> Tensor:
        return self.base_dist.icdf((_tensor(prob, self.scale) + 1) / 2)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - math.log(2)


class Normal(_LocScale, ExponentialFamily):

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    variance = property(lambda self: self.scale ** 2)
    stddev = property(lambda self: self.scale)

    def rsample(self, sample_shape=()) -> Tensor:
        eps = creation.randn(*self._extended(sample_shape), dtype=self.loc.dtype,
                             device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.loc)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(
            math.sqrt(2 * math.pi))

    def cdf(self, value) -> Tensor:
        value = self._value(value, self.loc)
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

    @property
    def arg_constraints(self):
        return {"low": constraints.less_than(self.high),
                "high": constraints.greater_than(self.low)}

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.interval(self.low, self.high)

    mean = property(lambda self: (self.high + self.low) / 2)
    mode = property(lambda self: math.nan * self.high)
    variance = property(lambda self: (self.high - self.low) ** 2 / 12)

    def rsample(self, sample_shape=()) -> Tensor:
        u = creation.rand(*self._extended(sample_shape), dtype=self.low.dtype,
                          device=self.low.device)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.low)
        inside = self.low.le(value).type_as(self.low) * self.high.gt(value).type_as(self.low)
        return inside.log() - (self.high - self.low).log()  # (support [low, high), as PyTorch)

    def cdf(self, value) -> Tensor:
        value = self._value(value, self.low)
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def icdf(self, value) -> Tensor:
        return _tensor(value, self.low) * (self.high - self.low) + self.low

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()


class Laplace(_LocScale):

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    variance = property(lambda self: 2 * self.scale ** 2)

    def rsample(self, sample_shape=()) -> Tensor:
        finfo_eps = 1.1920928955078125e-07 if self.loc.dtype.itemsize == 4 else 2.22e-16
        u = creation.rand(*self._extended(sample_shape), dtype=self.loc.dtype,
                          device=self.loc.device) * (2 - 2 * finfo_eps) - (1 - finfo_eps)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.loc)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value) -> Tensor:
        diff = self._value(value, self.loc) - self.loc
        return 0.5 - 0.5 * diff.sign() * (-diff.abs() / self.scale).expm1()

    def icdf(self, value) -> Tensor:
        term = _tensor(value, self.loc) - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()


class Exponential(ExponentialFamily):
    has_rsample = True
    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, rate, validate_args=None):
        self.rate = _tensor(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)

    mean = property(lambda self: 1 / self.rate)
    mode = property(lambda self: creation.zeros_like(self.rate))
    variance = property(lambda self: self.rate ** -2)

    def rsample(self, sample_shape=()) -> Tensor:
        e = creation.empty(*self._extended(sample_shape), dtype=self.rate.dtype,
                           device=self.rate.device)
        with no_grad():
            e.exponential_()
        return e / self.rate

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self.rate)
        return self.rate.log() - self.rate * value

    def cdf(self, value) -> Tensor:
        return 1 - (-self.rate * self._value(value, self.rate)).exp()

    def icdf(self, value) -> Tensor:
        return -(-_tensor(value, self.rate)).log1p() / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()


class _ProbsOrLogits:
    """A family parameterised by probs or logits, whichever was given; the other is
    computed when first read (PyTorch's lazy properties, so a repr shows it from then on).
    Binary families read probs as P(1) and logits as its log-odds; categorical ones
    normalise them over the last dimension."""
    _binary = True

    def _given(self, probs, logits) -> Tensor:
        """Store the parameter given (of probs and logits) and return it."""
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            probs = _tensor(probs)
            self.probs = probs if self._binary else probs / probs.sum(-1, keepdim=True)
            return self.probs
        logits = _tensor(logits)
        self.logits = logits if self._binary else logits - logits.logsumexp(-1, keepdim=True)
        return self.logits

    probs = lazy_property(lambda self: logits_to_probs(self.logits, self._binary))
    logits = lazy_property(lambda self: probs_to_logits(self.probs, self._binary))


class Bernoulli(_ProbsOrLogits, ExponentialFamily):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support, has_enumerate_support = constraints.boolean, True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._param = self._given(probs, logits)
        super().__init__(tuple(self._param.shape), (), validate_args)

    mean = property(lambda self: self.probs)
    @property
    def mode(self) -> Tensor:
        return where(self.probs == 0.5, math.nan, (self.probs >= 0.5).to(self.probs))

    variance = property(lambda self: self.probs * (1 - self.probs))

    def _sample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        return sampling.bernoulli(self.probs.expand(shape).detach())

    def log_prob(self, value) -> Tensor:
        value = self._value(value, self._param)
        # -BCEWithLogits(logits, value)
        x = self.logits
        return -((-x.abs()).exp().log1p() + x.clamp(min=0) - x * value)

    def entropy(self) -> Tensor:
        x = self.logits
        bce = (-x.abs()).exp().log1p() + x.clamp(min=0) - x * self.probs
        return bce

    def enumerate_support(self, expand: bool = True) -> Tensor:
        return self._enumerated(creation.arange(2, dtype=self._param.dtype,
                                                device=self._param.device), expand)


class Categorical(_ProbsOrLogits, Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support, _binary = True, False

    def __init__(self, probs=None, logits=None, validate_args=None):
        for name, value in (("probs", probs), ("logits", logits)):
            if isinstance(value, Tensor) and value.dim() < 1:
                raise ValueError(f"`{name}` parameter must be at least one-dimensional.")
        self._param = self._given(probs, logits)
        self._num_events = self._param.shape[-1]
        super().__init__(tuple(self._param.shape[:-1]), (), validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def param_shape(self):
        return self._param.shape

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
        value = self._value(value).long()
        shape = broadcast_shapes(tuple(value.shape), self._batch_shape)
        logits = self.logits.expand(shape + (self._num_events,))
        return logits.gather(-1, value.expand(shape).unsqueeze(-1)).squeeze(-1)

    def entropy(self) -> Tensor:
        eps_min = -3.4028234663852886e38 if self.logits.dtype.itemsize == 4 else -1.79e308
        logits = self.logits.clamp(min=eps_min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        return self._enumerated(creation.arange(self._num_events, device=self._param.device),
                                expand)


class OneHotCategorical(Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support, has_enumerate_support = constraints.one_hot, True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        super().__init__(self._categorical._batch_shape, (self._categorical._num_events,),
                         validate_args)

    probs = property(lambda self: self._categorical.probs)
    logits = property(lambda self: self._categorical.logits)
    param_shape = property(lambda self: self._categorical.param_shape)
    _param = property(lambda self: self._categorical._param)

    mean = property(lambda self: self.probs)
    variance = property(lambda self: self.probs * (1 - self.probs))

    @property
    def mode(self) -> Tensor:
        from ..nn.functional import one_hot

        probs = self.probs
        return one_hot(probs.argmax(-1), probs.shape[-1]).to(probs)

    def _sample(self, sample_shape=()) -> Tensor:
        from ..nn.functional import one_hot

        idx = self._categorical.sample(sample_shape)
        return one_hot(idx, self.probs.shape[-1]).to(self.probs.dtype)

    def log_prob(self, value) -> Tensor:
        return self._categorical.log_prob(self._value(value).argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        n, like = self._event_shape[0], self._categorical._param
        return self._enumerated(creation.eye(n, dtype=like.dtype, device=like.device), expand)


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """OneHotCategorical whose rsample passes gradients straight through: the one-hot sample
    forward, the gradient of probs backward."""
    has_rsample = True

    def sample(self, sample_shape=()) -> Tensor:
        with no_grad():
            return self._sample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        probs = self._categorical.probs
        return self.sample(sample_shape) + (probs - probs.detach())


_KL = {}


def register_kl(type_p, type_q):
    """Decorator: fn(p, q) is kl_divergence for p of type_p and q of type_q (and their
    subclasses, where no closer pair is registered)."""
    def deco(fn):
        _KL[(type_p, type_q)] = fn
        return fn
    return deco


@functools.total_ordering
class _Match:
    """A registered (type_p, type_q) pair, ordered by how closely it fits: a pair is before
    another when its first differing type is a subclass of the other's."""

    def __init__(self, *types):
        self.types = types

    def __eq__(self, other):
        return self.types == other.types

    def __le__(self, other):
        for x, y in zip(self.types, other.types):
            if not issubclass(x, y):
                return False
            if x is not y:
                break
        return True


def _dispatch_kl(type_p, type_q):
    """The KL function registered for the closest pair of base classes, as PyTorch picks it
    (with its warning when the closest for p and the closest for q differ)."""
    matches = [(tp, tq) for tp, tq in _KL if issubclass(type_p, tp) and issubclass(type_q, tq)]
    if not matches:
        return None
    left_p, left_q = min(_Match(*m) for m in matches).types
    right_q, right_p = min(_Match(*reversed(m)) for m in matches).types
    left, right = _KL[left_p, left_q], _KL[right_p, right_q]
    if left is not right:
        import warnings

        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). "
                      f"Please register_kl({left_p.__name__}, {right_q.__name__})",
                      RuntimeWarning)
    return left


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q), by the formula registered for the pair of families."""
    fn = _dispatch_kl(type(p), type(q))
    if fn is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type "
                                  f"{type(p).__name__} and q type {type(q).__name__}")
    return fn(p, q)


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


from . import transforms  # noqa: E402
from .constraint_registry import biject_to, transform_to  # noqa: E402


class TransformedDistribution(Distribution):
    """The distribution of transforms(base sample): samples pushed through the transforms,
    log_prob by the change of variables (minus each transform's log |det Jacobian|)."""
    arg_constraints: dict = {}

    def __init__(self, base_distribution, transforms, validate_args=None):
        Transform = _transforms_mod.Transform
        if isinstance(transforms, Transform):
            transforms = [transforms]
        elif not isinstance(transforms, list):
            raise ValueError(f"transforms must be a Transform or list, but was {transforms}")
        elif not all(isinstance(t, Transform) for t in transforms):
            raise ValueError("transforms must be a Transform or a list of Transforms")
        self.transforms = transforms
        base_shape = Size(base_distribution._batch_shape + base_distribution._event_shape)
        base_event_dim = len(base_distribution._event_shape)
        transform = _transforms_mod.ComposeTransform(self.transforms)
        domain_dim, codomain_dim = transform.domain.event_dim, transform.codomain.event_dim
        if len(base_shape) < domain_dim:
            raise ValueError(f"base_distribution needs to have shape with size at least "
                             f"{domain_dim}, but got {base_shape}.")
        forward_shape = transform.forward_shape(base_shape)
        expanded = tuple(transform.inverse_shape(forward_shape))
        if tuple(base_shape) != expanded:  # parameters of the transforms broadcast the base
            base_distribution = base_distribution.expand(
                expanded[:len(expanded) - base_event_dim])
        if domain_dim > base_event_dim:
            from ._more import Independent

            base_distribution = Independent(base_distribution, domain_dim - base_event_dim)
        self.base_dist = base_distribution
        event_dim = max(codomain_dim, base_event_dim + codomain_dim - domain_dim)
        cut = len(forward_shape) - event_dim
        super().__init__(forward_shape[:cut], forward_shape[cut:], validate_args)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @constraints.dependent_property(is_discrete=False)
    def support(self):
        if not self.transforms:
            return self.base_dist.support
        support = self.transforms[-1].codomain
        if len(self._event_shape) > support.event_dim:
            support = constraints.independent(support,
                                              len(self._event_shape) - support.event_dim)
        return support

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
        if self._validate:
            self._validate_sample(value)
        event_dim = len(self._event_shape)
        log_prob, y = 0.0, value
        for t in reversed(self.transforms):
            x = t.inv(y)
            event_dim += t.domain.event_dim - t.codomain.event_dim
            log_prob = log_prob - _sum_rightmost(t.log_abs_det_jacobian(x, y),
                                                 event_dim - t.domain.event_dim)
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
        if self._validate:
            self.base_dist._validate_sample(value)
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

from ._more import (Cauchy, Gumbel, HalfNormal, Independent,  # noqa: E402
                                  LogNormal, Multinomial, MultivariateNormal,
                                  NegativeBinomial, Poisson)

__all__ += ["LogNormal", "HalfNormal", "Cauchy", "Gumbel", "Poisson", "MultivariateNormal",
            "Independent", "Multinomial", "NegativeBinomial"]
from .._gamma import (Beta, Binomial, Chi2, Dirichlet, Gamma, Geometric,  # noqa: E402
                     StudentT)

__all__ += ["Gamma", "Chi2", "Beta", "Dirichlet", "StudentT", "Geometric", "Binomial"]
_EULER_GAMMA = 0.57721566490153286061


class Weibull(TransformedDistribution):
    """scale * E^(1/concentration), E standard exponential."""
    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration, _ = _pair(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(creation.ones_like(self.scale), validate_args=validate_args)
        super().__init__(base, [transforms.PowerTransform(self.concentration_reciprocal),
                                transforms.AffineTransform(0, self.scale)], validate_args)

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
    arg_constraints = {"scale": constraints.positive}

    def __init__(self, scale, validate_args=None):
        from ._more import Cauchy

        super().__init__(Cauchy(0, scale, validate_args=False), transforms.AbsTransform(),
                         validate_args)

    scale = property(lambda self: self.base_dist.scale)

    @property
    def has_rsample(self):
        return True

    mean = property(lambda self: creation.full_like(self.scale.detach(), float("inf")))
    mode = property(lambda self: creation.zeros_like(self.scale.detach()))
    variance = property(lambda self: creation.full_like(self.scale.detach(), float("inf")))


class Pareto(TransformedDistribution):
    """scale * exp(E), E ~ Exponential(alpha)."""
    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}

    def __init__(self, scale, alpha, validate_args=None):
        self.scale, self.alpha, _ = _pair(scale, alpha)
        super().__init__(Exponential(self.alpha, validate_args=validate_args),
                         [transforms.ExpTransform(), transforms.AffineTransform(0, self.scale)],
                         validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.greater_than_eq(self.scale)

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
    arg_constraints: dict = {}

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
        mixture_distribution.probs, mixture_distribution.logits  # (read, as PyTorch does)
        self.mixture_distribution = mixture_distribution
        self.component_distribution = component_distribution
        self._num_component, self._event_ndims = km, len(component_distribution._event_shape)
        super().__init__(cdbs, component_distribution._event_shape, validate_args)

    @constraints.dependent_property
    def support(self):
        return constraints.MixtureSameFamilyConstraint(self.component_distribution.support)

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

        x = self._pad(self._value(x, self.mixture_distribution.probs))
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


class LogitRelaxedBernoulli(_ProbsOrLogits, Distribution):
    """The logit of a RelaxedBernoulli sample (PyTorch's LogitRelaxedBernoulli)."""
    has_rsample = True
    arg_constraints = Bernoulli.arg_constraints
    support = constraints.real

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = _tensor(temperature)
        self._param = self._given(probs, logits)
        super().__init__(tuple(self._param.shape), (), validate_args)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        u = creation.rand(*shape, dtype=self.logits.dtype, device=self.logits.device)
        u = clamp_probs(u)
        return (self.logits + u.log() - (-u).log1p()) / self.temperature

    def log_prob(self, value) -> Tensor:
        from ..nn import functional as F

        value = self._value(value, self._param)
        diff = self.logits - value * self.temperature
        return self.temperature.log() + diff - 2 * F.softplus(diff)


class ExpRelaxedCategorical(Distribution):
    """The log of a RelaxedOneHotCategorical sample (PyTorch's ExpRelaxedCategorical)."""
    has_rsample = True
    arg_constraints = Categorical.arg_constraints
    support = constraints.real_vector

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = _tensor(temperature)
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        cat = self._categorical
        super().__init__(cat._batch_shape, (cat._num_events,), validate_args)

    probs = property(lambda self: self._categorical.probs)
    logits = property(lambda self: self._categorical.logits)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended(sample_shape)
        u = clamp_probs(creation.rand(*shape, dtype=self.logits.dtype, device=self.logits.device))
        scores = (self.logits - (-u.log()).log()) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value) -> Tensor:
        k = self._categorical._num_events
        log_scale = math.lgamma(k) - self.temperature.log() * -(k - 1)
        score = self.logits - self._value(value, self._categorical._param) * self.temperature
        score = (score - score.logsumexp(-1, keepdim=True)).sum(-1)
        return score + log_scale


class _Relaxed(TransformedDistribution):
    """A relaxed discrete family: _base over logits (or log-probabilities) at a temperature,
    pushed through _transform onto the family's continuous support."""

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        super().__init__(self._base(temperature, probs, logits, validate_args),
                         self._transform(), validate_args)

    temperature = property(lambda self: self.base_dist.temperature)
    probs = property(lambda self: self.base_dist.probs)
    logits = property(lambda self: self.base_dist.logits)


class RelaxedBernoulli(_Relaxed):
    """A continuous relaxation of Bernoulli on (0, 1): sigmoid of a logistic sample scaled
    by 1 / temperature (reparameterised)."""
    arg_constraints = Bernoulli.arg_constraints
    support = constraints.unit_interval
    _base, _transform = LogitRelaxedBernoulli, transforms.SigmoidTransform


class RelaxedOneHotCategorical(_Relaxed):
    """The Gumbel-softmax (concrete) relaxation of OneHotCategorical on the simplex."""
    arg_constraints = Categorical.arg_constraints
    support = constraints.simplex
    _base, _transform = ExpRelaxedCategorical, transforms.ExpTransform

    def rsample(self, sample_shape=()) -> Tensor:
        return clamp_probs(super().rsample(sample_shape))


class InverseGamma(TransformedDistribution):
    """1 / X for X ~ Gamma(concentration, rate)."""
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive

    def __init__(self, concentration, rate, validate_args=None):
        from .._gamma import Gamma

        base = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(base, transforms.PowerTransform(-base.rate.new_ones(())),
                         validate_args)

    concentration = property(lambda self: self.base_dist.concentration)
    rate = property(lambda self: self.base_dist.rate)

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
    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0, _ = _pair(concentration1, concentration0)
        zeros = creation.zeros_like(self.concentration0)
        base = Uniform(zeros, zeros + 1, validate_args=validate_args)
        super().__init__(base, [transforms.PowerTransform(self.concentration0.reciprocal()),
                                transforms.AffineTransform(1.0, -1.0),
                                transforms.PowerTransform(self.concentration1.reciprocal())],
                         validate_args)

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

from .transforms import *  # noqa: E402,F401,F403  (PyTorch exports every transform here)
from ._extra import (ContinuousBernoulli, FisherSnedecor, GeneralizedPareto,  # noqa: E402
                     LogisticNormal, VonMises)
from ._lowrank import LowRankMultivariateNormal  # noqa: E402
from ._matrix import LKJCholesky, Wishart  # noqa: E402
from . import _kl_more, kl, utils  # noqa: E402,F401

__all__ += ["biject_to", "transform_to", "constraints", "kl", "utils", "LogitRelaxedBernoulli",
            "ExpRelaxedCategorical", "ExponentialFamily", "FisherSnedecor",
            "LogisticNormal", "ContinuousBernoulli", "VonMises",
            "LowRankMultivariateNormal", "GeneralizedPareto", "LKJCholesky",
            "Wishart"] + transforms.__all__


def _alias_submodules() -> None:
    """PyTorch's one-module-per-family layout (torch.distributions.normal.Normal, ...), as
    modules of this package, so `from autograd_gpu.distributions.normal import Normal`
    works as it does for torch."""
    import sys
    import types

    layout = {"bernoulli": "Bernoulli", "beta": "Beta", "binomial": "Binomial",
              "categorical": "Categorical", "cauchy": "Cauchy", "chi2": "Chi2",
              "dirichlet": "Dirichlet", "distribution": "Distribution",
              "exp_family": "ExponentialFamily", "fishersnedecor": "FisherSnedecor",
              "logistic_normal": "LogisticNormal", "von_mises": "VonMises",
              "continuous_bernoulli": "ContinuousBernoulli",
              "lowrank_multivariate_normal": "LowRankMultivariateNormal",
              "generalized_pareto": "GeneralizedPareto", "lkj_cholesky": "LKJCholesky",
              "wishart": "Wishart",
              "exponential": "Exponential", "gamma": "Gamma", "geometric": "Geometric",
              "gumbel": "Gumbel", "half_cauchy": "HalfCauchy", "half_normal": "HalfNormal",
              "independent": "Independent", "inverse_gamma": "InverseGamma",
              "kumaraswamy": "Kumaraswamy", "laplace": "Laplace", "log_normal": "LogNormal",
              "mixture_same_family": "MixtureSameFamily", "multinomial": "Multinomial",
              "multivariate_normal": "MultivariateNormal",
              "negative_binomial": "NegativeBinomial", "normal": "Normal",
              "one_hot_categorical": "OneHotCategorical OneHotCategoricalStraightThrough",
              "pareto": "Pareto",
              "poisson": "Poisson", "relaxed_bernoulli": "LogitRelaxedBernoulli RelaxedBernoulli",
              "relaxed_categorical": "ExpRelaxedCategorical RelaxedOneHotCategorical",
              "studentT": "StudentT", "transformed_distribution": "TransformedDistribution",
              "uniform": "Uniform", "weibull": "Weibull"}
    package = sys.modules[__name__]
    for name, members in layout.items():
        module = types.ModuleType(f"{__name__}.{name}")
        module.__all__ = members.split()
        for member in module.__all__:
            setattr(module, member, getattr(package, member))
        sys.modules[module.__name__] = module
        setattr(package, name, module)


_alias_submodules()
