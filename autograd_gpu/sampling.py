"""Random sampling beyond rand/randn/randint: torch.normal, bernoulli, multinomial, poisson and
the in-place fills (bernoulli_, exponential_, geometric_, log_normal_, cauchy_, random_).

Each draws from the generator given (or the device's default one), so a seeded program
repeats itself; all are built on the backend's uniform, normal and integer streams.
"""
from __future__ import annotations

import math

import numpy as np

from . import backends, creation
from .autograd.grad_mode import no_grad
from .ops.inplace import _check_target, _write
from .tensor import Tensor, _wrap

__all__ = ["normal", "bernoulli", "multinomial", "poisson"]


def _stream(backend, generator):
    if generator is None:
        return creation.default_generator(backend)._rng
    if generator._backend is not backend:
        raise RuntimeError(f"Expected a '{backend.device.type}' device type for generator but "
                           f"found '{generator._backend.device.type}'")
    return generator._rng


def _uniform(like: Tensor, generator, shape=None, np_dtype=None):
    backend = backends.of(like._data)
    return backend.rand(_stream(backend, generator), like._data.shape if shape is None else shape,
                        np_dtype or like._data.dtype)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """Samples of N(mean, std^2), mean and std tensors (broadcast) or numbers (then `size`);
    differentiable in mean and std as mean + std * eps."""
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() missing required argument 'size' when mean and std are "
                            "numbers")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        eps = creation.randn(*size, generator=generator, dtype=dtype, device=device)
        return (eps * std + mean).requires_grad_(requires_grad)
    like = mean if isinstance(mean, Tensor) else std
    if isinstance(std, Tensor):
        with no_grad():
            if bool((std < 0).any()):
                raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if isinstance(mean, Tensor) and isinstance(std, Tensor):
        try:
            np.broadcast_shapes(tuple(mean.shape), tuple(std.shape))
        except ValueError:
            from .ops.pointwise import _broadcast_error

            raise _broadcast_error(mean, std) from None
    shape = np.broadcast_shapes(tuple(mean.shape) if isinstance(mean, Tensor) else (),
                                tuple(std.shape) if isinstance(std, Tensor) else ())
    backend = backends.of(like._data)
    eps = _wrap(backend.randn(_stream(backend, generator), shape, like._data.dtype))
    return mean + std * eps


def bernoulli(input: Tensor, p=None, *, generator=None) -> Tensor:
    """1 with probability input (or p), else 0, in input's dtype."""
    probs = input._data if p is None else p
    if p is None and input._data.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            bad = bool(((probs < 0) | (probs > 1) | np.isnan(probs)).any())
        if bad:
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report "
                               "an enhancement request to PyTorch.)")
    draws = _uniform(input, generator, np_dtype=np.float64 if p is not None or
                     input._data.dtype == np.float64 else np.float32)
    return _wrap((draws < probs).astype(input._data.dtype))


def _bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    # (PyTorch draws a float uniform against a tensor of probabilities, a double against one)
    probs = p._data if isinstance(p, Tensor) else p
    draws = _uniform(self, generator, np_dtype=np.float32 if isinstance(p, Tensor) else
                     np.float64)
    _check_target(self, False)
    _write(self, (draws < probs).astype(self._data.dtype), "bernoulli_")
    return self


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator=None) -> Tensor:
    """Indices drawn from the rows of input (non-negative weights, need not sum to one)."""
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{str(input.dtype).split('.')[-1].capitalize()}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    backend = backends.of(input._data)
    xp = backend.xp
    w = input._data.reshape(-1, input.shape[-1]).astype(np.float64)
    n_cat = w.shape[1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if bool((w < 0).any()) or not bool(xp.isfinite(w).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if bool((w.sum(1) == 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _stream(backend, generator)
    x = input._data.reshape(w.shape)
    if not replacement or num_samples == 1:
        # exponential races, as PyTorch draws them: the largest p_i / e_i (e_i ~ Exp(1) from
        # double uniforms, in input's dtype) win, in order
        e = (-xp.log1p(-backend.rand(rng, w.shape, np.float64))).astype(x.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            keys = x / e
        out = xp.argmax(keys, 1)[:, None] if num_samples == 1 else \
            xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    else:  # each draw inverts the row's CDF (kept in input's dtype) at a double uniform
        total = xp.cumsum(w, 1)
        cdf = (total.astype(x.dtype).astype(np.float64) / total[:, -1:]).astype(x.dtype)
        u = backend.rand(rng, (w.shape[0], num_samples), np.float64)
        out = xp.minimum((cdf[:, None, :] < u[:, :, None]).sum(2), n_cat - 1)
    out = out.astype(np.int64)
    return _wrap(out.reshape(tuple(input.shape[:-1]) + (num_samples,)))


def poisson(input: Tensor, generator=None) -> Tensor:
    """Samples of Poisson(rate) for each rate in input, in input's dtype."""
    backend = backends.of(input._data)
    rng = _stream(backend, generator)
    rates = input._data
    if bool((rates < 0).any()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return _wrap(rng.poisson(rates.astype(np.float64)).astype(rates.dtype))


def _fill(name: str, transform):
    """An in-place fill: self = transform(xp, u, z, self, *args) from float64 uniform draws u
    in [0, 1) (and, for log_normal_, standard normal draws z) of self's shape."""
    def fn(self: Tensor, *args, generator=None) -> Tensor:
        if self._data.dtype.kind != "f" and name != "random_":
            raise RuntimeError(f"{name} expects a floating point tensor, but got "
                               f"{self.dtype}")
        backend = backends.of(self._data)
        rng = _stream(backend, generator)
        shape = self._data.shape
        if name == "random_" and hasattr(rng, "integers_like_pytorch"):  # (the CPU stream)
            low, high = _random_bounds(self, *args)
            values = rng.integers_like_pytorch(low, high, shape)
            _check_target(self, False)
            _write(self, values.astype(self._data.dtype), name)
            return self
        if name == "log_normal_":
            u, z = None, backend.randn(rng, shape, np.float64)
        else:
            u, z = backend.rand(rng, shape, np.float64), None
        values = transform(backend.xp, u, z, self, *args)
        _check_target(self, False)
        _write(self, values.astype(self._data.dtype), name)
        return self

    fn.__name__ = name
    setattr(Tensor, name, fn)
    return fn


def _exponential(xp, u, z, t, lambd=1.0):
    return -xp.log1p(-u) / lambd


def _geometric(xp, u, z, t, p):
    return xp.ceil(xp.log(u) / math.log1p(-p))  # (PyTorch's inversion, from a double uniform)


def _log_normal(xp, u, z, t, mean=1.0, std=2.0):
    return xp.exp(mean + std * z)


def _cauchy(xp, u, z, t, median=0.0, sigma=1.0):
    return median + sigma * xp.tan(math.pi * (u - 0.5))


def _random(xp, u, z, t, *bounds):
    """random_(): [0, 2^mantissa] for floats, the dtype's range otherwise; random_(to) and
    random_(from, to) as PyTorch."""
    low, high = _random_bounds(t, *bounds)
    return xp.floor(low + u * (high - low))


def _random_bounds(t, *bounds) -> tuple:
    """random_'s [low, high) for t and the bounds given."""
    if len(bounds) == 0:
        dt = t._data.dtype
        high = (1 << (np.finfo(dt).nmant + 1)) + 1 if dt.kind == "f" else (
            2 if dt == np.bool_ else int(np.iinfo(dt).max) + 1)
        low = 0
    elif len(bounds) == 1:
        low, high = 0, bounds[0]
    else:
        low, high = bounds[0], bounds[1]
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    return low, high


exponential_ = _fill("exponential_", _exponential)
geometric_ = _fill("geometric_", _geometric)
log_normal_ = _fill("log_normal_", _log_normal)
cauchy_ = _fill("cauchy_", _cauchy)
random_ = _fill("random_", _random)
Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p,
                                                                      generator=generator)
Tensor.bernoulli_ = _bernoulli_
Tensor.multinomial = multinomial
