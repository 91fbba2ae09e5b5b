"""autograd_gpu.special: PyTorch's torch.special functions (real inputs), each differentiable
through the ops it is written with."""
from __future__ import annotations

import math

import numpy as np

from . import _polynomials, backends
from ._bessel import erfcx, i0, i0e, i1, i1e, spherical_bessel_j0
from ._gamma import gammainc, gammaincc
from ._polynomials import NAMES as _POLYNOMIALS
from .ops import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    lgamma,
    log1p,
    log_softmax,
    logit,
    logsumexp,
    polygamma,
    round,
    sigmoid,
    sinc,
    softmax,
    xlogy,
)
from .autograd.node import Node
from .ops._core import record, recording, to_float
from .ops.one_node import one_node
from .ops.pointwise import where
from .spellings import mvlgamma as multigammaln
from .tensor import Tensor, _wrap

expit = sigmoid
psi = digamma
gammaln = lgamma


def ndtr(input: Tensor) -> Tensor:
    """The standard normal CDF, 0.5 erfc(-x / sqrt 2)."""
    return 0.5 * erfc(-input / math.sqrt(2.0))


@one_node("SpecialNdtriBackward0", "input", saves=("result",))
def ndtri(input: Tensor) -> Tensor:
    """The inverse of ndtr, sqrt 2 erfinv(2p - 1)."""
    return math.sqrt(2.0) * erfinv(2 * input - 1)


@one_node("SpecialLogNdtrBackward0", "input", saves=("input", "result"))
def log_ndtr(input: Tensor) -> Tensor:
    return ndtr(input).log()


class SpecialEntrBackward0(Node):
    """-(1 + log x): NaN below 0 and inf at 0, as PyTorch's."""

    __slots__ = ()

    def grad(self, F, g, x):
        return (g * -(1 + F.log(x)),)


def entr(input: Tensor) -> Tensor:
    """-x log x elementwise (0 at 0, -inf below 0)."""
    x = to_float(input._data)
    xp = backends.of(x).xp
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xp.where(x < 0, -np.inf, xp.where(x == 0, 0.0, -x * xp.log(x))).astype(x.dtype)
    if recording(input):
        return record(SpecialEntrBackward0, out, (input,), (input,))
    return _wrap(out)


def xlog1py(input, other) -> Tensor:
    """x * log1p(y), 0 where x is 0; either may be a number (PyTorch's nodes 1 and 2)."""
    if not isinstance(input, Tensor):
        if not isinstance(other, Tensor):
            from .ops._core import invalid_arguments

            raise invalid_arguments("special_xlog1py", (input, other), False)
        return _xlog1py_number_x(input, other)
    return (_xlog1py if isinstance(other, Tensor) else _xlog1py_number_y)(input, other)


def _xlog1py_body(input, other) -> Tensor:
    x = input if isinstance(input, Tensor) else other.new_tensor(input)
    y = other if isinstance(other, Tensor) else x.new_tensor(other)
    # 0 where x is 0, but for a NaN y; x's gradient log1p(y), masked only where y <= -1
    return x * where((x == 0) & (y <= -1), 0.0, log1p(y))


_xlog1py = one_node("SpecialXlog1PyBackward0", "input", "other",
                    saves=("input", "other"))(_xlog1py_body)
_xlog1py_number_x = one_node("SpecialXlog1PyBackward1", "other",
                             saves=("input", "other"))(_xlog1py_body)
_xlog1py_number_y = one_node("SpecialXlog1PyBackward2", "input",
                             saves=("input", "other"))(_xlog1py_body)


__all__ = ["expit", "logit", "xlogy", "xlog1py", "erf", "erfc", "erfinv", "exp2", "expm1",
           "log1p", "logsumexp", "log_softmax", "softmax", "sinc", "ndtr", "ndtri", "log_ndtr",
           "i0", "i0e", "i1", "i1e", "erfcx", "spherical_bessel_j0", "multigammaln",
           "gammainc", "gammaincc",
           "entr", "round", "digamma", "psi", "gammaln", "polygamma"] + _POLYNOMIALS
globals().update({name: getattr(_polynomials, name) for name in _POLYNOMIALS})
