"""Modified Bessel functions of the first kind, orders 0 and 1 (torch.special.i0, i0e, i1,
i1e, torch.i0), on any backend: the power series up to |x| = 20 and the asymptotic series
beyond, both in float64, as exp(-|x|) I(|x|) so that the scaled forms never overflow.
Each is one node (PyTorch's names) whose derivative is written with the others, so it is
differentiable again."""
from __future__ import annotations

import math

import numpy as np

from . import _dtypes, backends
from .autograd.function import named_function
from .ops.pointwise import where
from .tensor import Tensor, _wrap

_SWITCH = 20.0


def _scaled(ax, order: int):
    """exp(-ax) I_order(ax) for ax >= 0 (float64 arrays)."""
    xp = backends.of(ax).xp
    small = ax <= _SWITCH
    xs = xp.where(small, ax, 0.0)
    h = xs * xs / 4
    term = xp.ones_like(xs) if order == 0 else xs / 2
    total = term.copy()
    for k in range(1, 100):
        term = term * h / (k * (k + order))
        total += term
    series = total * xp.exp(-xs)
    xl = xp.where(small, _SWITCH + 1, ax)
    mu, term, acc = 4.0 * order * order, xp.ones_like(xl), xp.ones_like(xl)
    for k in range(1, 40):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8 * xl)
        acc += term
    return xp.where(small, series, acc / xp.sqrt(2 * math.pi * xl))


def _value(x, order: int, scaled: bool):
    xp = backends.of(x).xp
    out_dtype = x.dtype if x.dtype.kind == "f" else _dtypes.get_default_dtype().np
    x64 = x.astype(np.float64)
    ax = xp.abs(x64)
    with np.errstate(over="ignore"):
        v = _scaled(ax, order) if scaled else _scaled(ax, order) * xp.exp(ax)
    if order == 1:
        v = xp.sign(x64) * v
    return v.astype(out_dtype)


def _function(name: str, order: int, scaled: bool, derivative):
    def forward(ctx, x):
        out = _wrap(_value(x._data, order, scaled))
        # (as PyTorch saves them: i0 its input, the others their output too)
        ctx.save_for_backward(*((x, out) if scaled or order else (x,)))
        return out

    def backward(ctx, g):
        x = ctx.saved_tensors[0]
        return g * derivative(x)

    return named_function(name, forward, backward)


def _at_zero_half(x: Tensor, value: Tensor) -> Tensor:
    return where(x == 0, 0.5, value)


def _safe(x: Tensor) -> Tensor:
    return where(x == 0, 1.0, x)


_I0 = _function("I0Backward0", 0, False, lambda x: i1(x))
_I0e = _function("SpecialI0EBackward0", 0, True, lambda x: i1e(x) - x.sign() * i0e(x))
_I1 = _function("SpecialI1Backward0", 1, False,
                lambda x: _at_zero_half(x, i0(x) - i1(x) / _safe(x)))
_I1e = _function("SpecialI1EBackward0", 1, True,
                 lambda x: _at_zero_half(x, i0e(x) - i1e(x) * (x.sign() + 1 / _safe(x))))


def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0."""
    return _I0.apply(input)


def i0e(input: Tensor) -> Tensor:
    """exp(-|x|) i0(x)."""
    return _I0e.apply(input)


def i1(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 1."""
    return _I1.apply(input)


def i1e(input: Tensor) -> Tensor:
    """exp(-|x|) i1(x)."""
    return _I1e.apply(input)


# -- the scaled complementary error function and the spherical Bessel function j0 -----------
_ERFCX_SWITCH = 10.0


def _erfcx_array(x):
    """exp(x^2) erfc(x) in float64: directly below the switch, by its asymptotic series
    1/(x sqrt(pi)) sum (-1)^k (2k-1)!! / (2x^2)^k above it (where erfc underflows)."""
    xp = backends.of(x).xp
    x64 = x.astype(np.float64)
    big = x64 >= _ERFCX_SWITCH
    xd = xp.where(big, 0.0, x64)
    if xd.__class__ is np.ndarray:
        from .backends.numpy_backend import erfc
    else:
        from cupyx.scipy.special import erfc
    with np.errstate(over="ignore", invalid="ignore"):
        direct = xp.exp(xd * xd) * erfc(xd)
    xa = xp.where(big, x64, _ERFCX_SWITCH)
    term, total = xp.ones_like(xa), xp.ones_like(xa)
    for k in range(1, 13):
        term = term * -(2 * k - 1) / (2 * xa * xa)
        total += term
    out_dtype = x.dtype if x.dtype.kind == "f" else _dtypes.get_default_dtype().np
    return xp.where(big, total / (xa * math.sqrt(math.pi)), direct).astype(out_dtype)


def _erfcx_forward(ctx, x):
    out = _wrap(_erfcx_array(x._data))
    ctx.save_for_backward(x, out)
    return out


def _erfcx_backward(ctx, g):
    x, out = ctx.saved_tensors
    return g * (2 * x * out - 2 / math.sqrt(math.pi))


_Erfcx = named_function("SpecialErfcxBackward0", _erfcx_forward, _erfcx_backward)


def erfcx(input: Tensor) -> Tensor:
    """exp(x^2) erfc(x), finite where erfc underflows."""
    return _Erfcx.apply(input)


def spherical_bessel_j0(input: Tensor) -> Tensor:
    """sin(x) / x (1 at 0). Not differentiable, as in PyTorch."""
    xp = backends.of(input._data).xp
    x = input._data.astype(np.float64)
    safe = xp.where(x == 0, 1.0, x)
    out_dtype = input._data.dtype if input._data.dtype.kind == "f" else \
        _dtypes.get_default_dtype().np
    return _wrap(xp.where(x == 0, 1.0, xp.sin(safe) / safe).astype(out_dtype))
