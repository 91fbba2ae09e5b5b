"""More of PyTorch's elementwise math: logit, xlogy, hypot, logaddexp(2), logcumsumexp, exp2,
erfc, erfinv, sinc, deg2rad/rad2deg, copysign, float_power, fmax/fmin, heaviside, signbit.

Most are written with the op table's differentiable ops, so their first and higher
derivatives come from those ops; erfc and erfinv have their own node (NumPy has neither).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtypes, backends
from ..autograd.grad_mode import no_grad
from ..autograd.node import Node
from ..tensor import Tensor, _wrap
from ..backends import numpy_backend
from ._core import (int_dim, method, record, recording, reduce_info, register, to_float,
                    wrap_dims)
from .one_node import one_node
from .pointwise import (NotImplementedBackward, float_kernel_only, isinf, isnan, maximum,
                        tensor_pair, where)

__all__ = ["logit", "xlogy", "hypot", "logaddexp", "logaddexp2", "logcumsumexp", "exp2", "erfc",
           "erfinv", "sinc", "deg2rad", "rad2deg", "copysign", "float_power", "fmax", "fmin",
           "heaviside", "signbit", "positive", "negative", "sgn"]


def _as_tensor(value, like: Tensor) -> Tensor:
    """A Python number as a 0-d tensor of like's (floating) dtype and device."""
    if isinstance(value, Tensor):
        return value
    dt = like._data.dtype if like._data.dtype.kind == "f" else \
        _dtypes.get_default_dtype().np
    return _wrap(backends.of(like._data).xp.asarray(value, dtype=dt))


def _pair(a, b):
    if not isinstance(a, Tensor):
        a = _as_tensor(a, b)
    if not isinstance(b, Tensor):
        b = _as_tensor(b, a)
    return a, b


def _floating(t: Tensor) -> Tensor:
    return t if t.is_floating_point() else t.to(_dtypes.get_default_dtype())


def _float_pair(a, b) -> tuple:
    """Two operands in their promoted dtype, made floating (the default float for integers),
    as PyTorch's floating binary kernels compute (float16 with int16 stays float16)."""
    rt = _dtypes.float_result_type(a, b)
    return tuple(t if t.dtype is rt else t.to(rt) for t in (a, b))


@register()
@method("logit")
@one_node("LogitBackward0", "input")
def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given."""
    x = _floating(input)
    if eps is not None:
        return (x.clamp(eps, 1 - eps) / (1 - x.clamp(eps, 1 - eps))).log()
    with no_grad():  # (outside [0, 1] PyTorch's gradient is NaN, as the value is)
        inside = where((x < 0) | (x > 1), float("nan"), x * 0 + 1)
    # (log x - log(1 - x): its gradient 1/x + 1/(1 - x) is PyTorch's 1 / (x (1 - x)), inf at
    # the ends, where the quotient's chain rule would give 0 * inf)
    return (x.log() - (-x).log1p()) * inside


class XlogyBackward0(Node):
    """PyTorch's derivatives: log(y) for x (0 where x is 0 and y is not positive), x / y for
    y (NaN at 0 / 0)."""

    __slots__ = ()

    def grad(self, F, g, x, y):
        gx = g * F.where((x == 0) & (y <= 0), 0.0, F.log(y))
        return gx, g * x / y


class XlogyBackward1(XlogyBackward0):
    """A number x: the gradient for y alone (PyTorch's node then has one edge)."""

    __slots__ = ()

    def grad(self, F, g, x, y):
        return (g * x / y,)


class XlogyBackward2(XlogyBackward0):
    """A number y: the gradient for x alone."""

    __slots__ = ()

    def grad(self, F, g, x, y):
        return (g * F.where((x == 0) & (y <= 0), 0.0, F.log(y)),)


@register()
@method("xlogy")
def xlogy(input, other) -> Tensor:
    """x * log(y), 0 where x is 0 (unless y is NaN)."""
    number = 1 if not isinstance(input, Tensor) else 2 if not isinstance(other, Tensor) else 0
    x, y = _float_pair(*_pair(input, other))
    x, y = tensor_pair("xlogy", x, y)
    xd, yd = x._data, y._data
    xp = backends.of(xd).xp
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xp.where((xd == 0) & ~xp.isnan(yd), xd.dtype.type(0), xd * xp.log(yd))
    out = xp.asarray(out, dtype=xd.dtype)
    if recording(x, y):
        if number:  # (PyTorch's XlogyBackward1/2: an edge for the tensor only)
            t = y if number == 1 else x
            res = record(XlogyBackward1 if number == 1 else XlogyBackward2, out, (t,), (x, y))
            if t._data.shape != out.shape or t._data.dtype != out.dtype:
                res._edge[0]._reduce = ((t._data.shape, t._data.dtype),)
            return res
        res = record(XlogyBackward0, out, (x, y), (x, y))
        res._edge[0]._reduce = reduce_info(xd.shape, yd.shape, out.shape, xd.dtype, yd.dtype,
                                           out.dtype)
        return res
    return _wrap(out)


@register()
@method("hypot")
@one_node("HypotBackward0", "input", "other", saves=("input", "other", "result"))
def hypot(input: Tensor, other: Tensor) -> Tensor:
    input, other = tensor_pair("hypot", input, other)
    rt = _dtypes.result_type(input, other)
    float_kernel_only(rt, "hypot_cpu")
    input, other = input.to(rt), other.to(rt)  # (squares in the result's dtype: uint8 wraps)
    return (input * input + other * other).sqrt()


def _shift(x: Tensor, dims=None) -> Tensor:
    """A detached maximum to subtract before exponentiating (0 where it is infinite)."""
    with no_grad():
        m = x.amax(dims, keepdim=True) if dims is not None else x
        return where(isinf(m), 0.0, m)


@register()
@method("logaddexp")
@one_node("LogaddexpBackward0", "input", "other", saves=("input", "other"))
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(e^a + e^b) without overflow."""
    input, other = tensor_pair("logaddexp", input, other)
    rt = _dtypes.result_type(input, other)
    float_kernel_only(rt, "logaddexp_cpu")
    a, b = _float_pair(input, other)
    if rt is _dtypes.float16:  # (half computes in float, as PyTorch's kernel)
        a, b = a.to(_dtypes.float32), b.to(_dtypes.float32)
    with no_grad():
        m = _shift(maximum(a, b))
    return (((a - m).exp() + (b - m).exp()).log() + m).to(rt)


@register()
@method("logaddexp2")
@one_node("Logaddexp2Backward0", "input", "other", saves=("input", "other"))
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2^a + 2^b) without overflow."""
    input, other = tensor_pair("logaddexp2", input, other)
    rt = _dtypes.result_type(input, other)
    float_kernel_only(rt, "logaddexp2_cpu")
    ln2 = math.log(2.0)
    wide = _dtypes.float32 if rt is _dtypes.float16 else rt  # (half computes in float)
    return (logaddexp.body(input.to(wide) * ln2, other.to(wide) * ln2) / ln2).to(rt)


@register()
@method("logcumsumexp")
@one_node("LogcumsumexpBackward0", "input", saves=("input", "result"))
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """log(cumsum(exp(x))) along dim, shifted by the (detached) maximum along dim."""
    int_dim("logcumsumexp", dim)
    float_kernel_only(input.dtype, "logcumsumexp_out_cpu")
    x = _floating(input)
    if x.dim() == 0 or x.numel() == 0:
        return x * 1
    d = wrap_dims(dim, x.dim())[0]
    m = _shift(x, d)
    return (x - m).exp().cumsum(d).log() + m


@register()
@method("exp2")
@one_node("Exp2Backward0", "input", saves=("result",))
def exp2(input: Tensor) -> Tensor:
    return 2.0 ** _floating(input)


class ErfcBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        return (g * (F.exp(-(x * x)) * (-2.0 / math.sqrt(math.pi))),)


class ErfinvBackward0(Node):
    """From the input, as PyTorch's (which saves only the input: its output may change)."""

    __slots__ = ()

    def grad(self, F, g, x):
        y = erfinv(x) if F.tensors else _special_array(numpy_backend.erfinv, "erfinv", x)
        return (g * (F.exp(y * y) * (math.sqrt(math.pi) / 2.0)),)


def _special_array(np_fn, cupy_name: str, x):
    if x.__class__ is np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np_fn(x)
    from cupyx.scipy import special

    return getattr(special, cupy_name)(x)


def _elementwise(cls, np_fn, cupy_name: str, input: Tensor) -> Tensor:
    """A special function's value, its derivative from the saved input."""
    out = _special_array(np_fn, cupy_name, to_float(input._data))
    if recording(input):
        return record(cls, out, (input,), (input,))
    return _wrap(out)


@register()
@method("erfc")
def erfc(input: Tensor) -> Tensor:
    """1 - erf(x), accurate where erf(x) is close to 1."""
    return _elementwise(ErfcBackward0, numpy_backend.erfc, "erfc", input)


@register()
@method("erfinv")
def erfinv(input: Tensor) -> Tensor:
    """The inverse of erf on (-1, 1) (±inf at ±1, NaN outside)."""
    return _elementwise(ErfinvBackward0, numpy_backend.erfinv, "erfinv", input)


@register()
@method("sinc")
@one_node("SincBackward0", "input")
def sinc(input: Tensor) -> Tensor:
    """sin(pi x) / (pi x), 1 at 0 (with derivative 0 there)."""
    x = _floating(input)
    with no_grad():
        zero = x == 0
    px = where(zero, 1.0, x) * math.pi
    return where(zero, 1.0, px.sin() / px)


@register()
@method("deg2rad")
@one_node("Deg2RadBackward0", "input", saves=())
def deg2rad(input: Tensor) -> Tensor:
    return _floating(input) * (math.pi / 180.0)


@register()
@method("rad2deg")
@one_node("Rad2DegBackward0", "input", saves=())
def rad2deg(input: Tensor) -> Tensor:
    return _floating(input) * (180.0 / math.pi)


@register()
@method("copysign")
def copysign(input: Tensor, other) -> Tensor:
    """|input| with other's sign (-0.0 counts as negative); the gradient flows to input only,
    0 where input is 0, as PyTorch's (CopysignBackward1 for a number other)."""
    return (_copysign_tensor if isinstance(other, Tensor) else _copysign_number)(input, other)


def _copysign(input: Tensor, other) -> Tensor:
    input, other = tensor_pair("copysign", input, other, numbers=True)
    a, b = _float_pair(input, _as_tensor(other, _floating(input)))
    with no_grad():
        xp = backends.of(a._data).xp
        flip = _wrap(xp.signbit(a._data) != xp.signbit(b._data))
        zero = _wrap(xp.copysign(xp.zeros_like(a._data), b._data))
    return where(a == 0, zero, where(flip, -a, a))


_copysign_tensor = one_node("CopysignBackward0", "input", "other",
                            saves=("input", "result"))(_copysign)
_copysign_number = one_node("CopysignBackward1", "input", saves=("input", "result"))(_copysign)


@method("float_power")
def float_power(input, exponent) -> Tensor:
    """input ** exponent computed in float64."""
    if isinstance(input, Tensor):
        base = input.double()
        return base ** (exponent.double() if isinstance(exponent, Tensor) else exponent)
    return input ** exponent.double()


def _nan_ignoring(a: Tensor, b: Tensor, larger: bool) -> Tensor:
    with no_grad():
        keep_a = isnan(b) | ((a >= b) if larger else (a <= b))
    return where(keep_a, a, b)


@register()
@method("fmax")
@one_node("FmaxBackward0", "input", "other", saves=("input", "other"))
def fmax(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
    input, other = tensor_pair("fmax", input, other)
    return _nan_ignoring(input, other, True)


@register()
@method("fmin")
@one_node("FminBackward0", "input", "other", saves=("input", "other"))
def fmin(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
    input, other = tensor_pair("fmin", input, other)
    return _nan_ignoring(input, other, False)


@method("heaviside")
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """0 where input < 0, values where input == 0, 1 where input > 0 (no derivative, as in
    PyTorch: backward through it raises)."""
    if isinstance(values, Tensor) and isinstance(input, Tensor) and input.dtype != values.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different "
                           f"dtypes ({input.dtype} and {values.dtype})")
    input, values = tensor_pair("heaviside", input, values, "values")
    xp = backends.of(input._data).xp
    out = xp.heaviside(input._data, values._data).astype(input._data.dtype)
    if recording(input, values):
        res = record(NotImplementedBackward, out, (input, values))
        res._edge[0].op = "heaviside"
        return res
    return _wrap(out)


@method("signbit")
def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (negative numbers and -0.0)."""
    return _wrap(backends.of(input._data).xp.signbit(input._data))


@method("positive")
def positive(input: Tensor) -> Tensor:
    if input.dtype is _dtypes.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def negative(input: Tensor) -> Tensor:
    return -input


@method("sgn")
@one_node("SgnBackward0", "input", saves=("input", "result"))
def sgn(input: Tensor) -> Tensor:
    return input.sign()


Tensor.negative = Tensor.neg


# -- the gamma family ----------------------------------------------------------------------
_BERNOULLI_2J = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730)


def _np_digamma(x):
    """psi(x): the reflection formula below 0, unit shifts up to 12, then the asymptotic
    series (SciPy's psi when installed)."""
    try:
        from scipy.special import psi

        return psi(x)
    except ImportError:
        pass
    x = np.asarray(x, np.float64)
    neg = x < 0
    z = np.where(neg, 1 - x, np.where(x == 0, 1.0, x))
    acc = np.zeros_like(z)
    for _ in range(12):
        small = z < 12
        acc = acc - np.where(small, 1 / np.where(small, z, 1), 0)
        z = np.where(small, z + 1, z)
    inv2 = 1 / (z * z)
    series = np.log(z) - 0.5 / z - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (
        1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    out = acc + series
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(neg, out - math.pi / np.tan(math.pi * x), out)
        out = np.where(x == 0, -np.inf, out)
        out = np.where(neg & (x == np.floor(x)), np.nan, out)
    return out


def _np_polygamma(n: int, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1, the Hurwitz zeta by
    Euler-Maclaurin (SciPy's polygamma when installed)."""
    if n == 0:
        return _np_digamma(x)
    try:
        from scipy.special import polygamma as sp_polygamma

        return sp_polygamma(n, x)
    except ImportError:
        pass
    x = np.asarray(x, np.float64)
    poles = (x <= 0) & (x == np.floor(x))
    x = np.where(poles, 0.5, x)
    # enough direct terms that x + big_n is large for the asymptotic tail
    s, big_n = n + 1.0, 10 + int(max(0.0, math.ceil(-float(x.min())))) if x.size else 10
    with np.errstate(divide="ignore", invalid="ignore"):
        total = sum((x + k) ** -s for k in range(big_n))
        z = x + big_n
        total = total + z ** (1 - s) / (s - 1) + 0.5 * z ** -s
        rising, fact = s, 2.0
        for j, b in enumerate(_BERNOULLI_2J, start=1):
            total = total + b / fact * rising * z ** (-s - 2 * j + 1)
            rising *= (s + 2 * j - 1) * (s + 2 * j)
            fact *= (2 * j + 1) * (2 * j + 2)
        out = (-1) ** (n + 1) * math.factorial(n) * total
    return np.where(poles, np.inf, out)


def _gamma_op(cls, np_fn, input: Tensor, n=None) -> Tensor:
    x = to_float(input._data)
    host = backends.of(x).to_host(x)
    out = backends.of(x).asarray(np.asarray(np_fn(host), dtype=x.dtype))
    if recording(input):
        res = record(cls, out, (input,), (input,))
        if n is not None:
            res._edge[0].n = n
        return res
    return _wrap(out)


class LgammaBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        return (g * _polygamma_in(F, 0, x),)


class DigammaBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        return (g * _polygamma_in(F, 1, x),)


class PolygammaBackward(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        return (g * _polygamma_in(F, self.n + 1, x),)


def _polygamma_in(F, n: int, x):
    """psi^(n)(x) in the formula namespace: a recorded op under create_graph (so derivatives
    of any order), an array otherwise."""
    if F.tensors:
        return polygamma(n, x)
    return polygamma(n, _wrap(x))._data


def _np_lgamma(x):
    try:
        from scipy.special import gammaln

        return gammaln(x)
    except ImportError:
        x = np.asarray(x, np.float64)
        poles = (x <= 0) & (x == np.floor(x))
        safe = np.vectorize(math.lgamma, otypes=[np.float64])(np.where(poles, 1.0, x))
        return np.where(poles, np.inf, safe)


@register()
@method("lgamma")
def lgamma(input: Tensor) -> Tensor:
    """log |Gamma(x)|; its derivative is digamma."""
    return _gamma_op(LgammaBackward0, _np_lgamma, input)


@register()
@method("digamma")
def digamma(input: Tensor) -> Tensor:
    """psi(x) = d/dx log Gamma(x); its derivative is polygamma(1, x)."""
    return _gamma_op(DigammaBackward0, _np_digamma, input)


@register()
def polygamma(n: int, input: Tensor) -> Tensor:
    """The n-th derivative of digamma (n >= 0); its derivative is polygamma(n + 1, x)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input)
    return _gamma_op(PolygammaBackward, lambda a: _np_polygamma(n, a), input, n)


Tensor.polygamma = lambda self, n: polygamma(n, self)
__all__ += ["lgamma", "digamma", "polygamma"]
