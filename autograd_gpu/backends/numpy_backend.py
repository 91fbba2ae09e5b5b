"""The NumPy backend: device `cpu`."""
from __future__ import annotations

import math

import numpy as np

from .._device import CPU
from .base import Backend
from .mt_rng import TorchCPUGenerator


def _special(name: str, fallback):
    """scipy.special's `name` when SciPy is installed; else `fallback` (a scalar math function,
    applied elementwise, or an array one): NumPy alone has no erf family."""
    try:
        from scipy import special
    except ImportError:
        vec = fallback if fallback is _erfinv_numpy else np.vectorize(fallback,
                                                                    otypes=[np.float64])
        return lambda x: vec(x).astype(x.dtype, copy=False)
    fn = getattr(special, name)
    return lambda x: fn(x).astype(x.dtype, copy=False)


_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
               0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _erfinv_numpy(y):
    """Inverse erf without SciPy: Giles' polynomial start, then Newton steps on math.erf."""
    y = np.asarray(y, np.float64)
    inside = np.abs(y) < 1
    t = np.where(inside, y, 0.0)
    w = -np.log((1 - t) * (1 + t))
    central = w < 5
    u = np.where(central, w - 2.5, np.sqrt(w) - 3)
    p = np.zeros_like(u)
    for c_mid, c_tail in zip(_GILES_CENTRAL, _GILES_TAIL):
        p = np.where(central, c_mid, c_tail) + p * u
    x = p * t
    erf = np.vectorize(math.erf, otypes=[np.float64])
    for _ in range(3):
        x = x - (erf(x) - t) / (2 / math.sqrt(math.pi) * np.exp(-x * x))
    x = np.where(np.abs(y) == 1, np.copysign(np.inf, y), x)
    return np.where(inside | (np.abs(y) == 1), x, np.nan)


erf = _special("erf", math.erf)
erfc = _special("erfc", math.erfc)
erfinv = _special("erfinv", _erfinv_numpy)


class NumpyBackend(Backend):
    name = "numpy"
    xp = np
    device = CPU
    erf = staticmethod(erf)
    erfc = staticmethod(erfc)
    erfinv = staticmethod(erfinv)

    def asarray(self, obj, dtype=None):
        if not isinstance(obj, np.ndarray) and hasattr(obj, "get"):  # a CuPy array
            obj = obj.get()
        return np.asarray(obj, dtype=dtype)

    def to_host(self, array):
        return array

    @staticmethod
    def einsum(equation: str, *arrays):
        # NumPy's einsum contracts in C loops; its optimizer routes large products to BLAS
        # (tensordot), which only pays off beyond a few thousand elements
        big = len(arrays) > 1 and sum(a.size for a in arrays) > 4096
        return np.einsum(equation, *arrays, optimize=big)

    def where(self, cond, a, b):
        # NumPy's where is ~10x slower than a multiply; masking a finite gradient with a
        # multiply gives the same values (a NaN or inf in `a` still takes the exact path).
        if b.__class__ is float and b == 0.0 and a.__class__ is np.ndarray and \
                cond.__class__ is np.ndarray and cond.dtype == np.bool_ and \
                a.shape == np.broadcast_shapes(a.shape, cond.shape) and np.isfinite(a).all():
            out = a * cond
            out += 0.0  # -0.0 (a negative value masked out) prints as 0, as np.where gives
            return out
        return np.where(cond, a, b)

    @staticmethod
    def _address(a) -> int:
        return a.__array_interface__["data"][0]

    @staticmethod
    def _strided(buffer, shape, strides, offset):
        return np.ndarray(shape, buffer.dtype, buffer=buffer, offset=offset, strides=strides)

    @staticmethod
    def strided_view(a, shape, strides, offset: int = 0):
        """A writable view of a's memory: `shape` and byte `strides`, starting `offset` bytes
        after a's first element (as_strided, diagonal and unfold views)."""
        interface = dict(a.__array_interface__, shape=tuple(shape), strides=tuple(strides),
                         data=(a.__array_interface__["data"][0] + offset, False))
        interface.pop("mask", None)
        return np.asarray(_Interface(interface, a))

    def scatter_add(self, target, index, values) -> None:
        np.add.at(target, index, values)

    @staticmethod
    def running_extreme(data, axis: int, larger: bool = True):
        return (np.maximum if larger else np.minimum).accumulate(data, axis=axis)

    def scatter_reduce(self, target, index, values, reduce: str) -> None:
        {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce].at(
            target, index, values)

    def new_generator(self, seed: int):
        return TorchCPUGenerator(seed)

    def generator_state(self, gen) -> bytes:
        return gen._rng.pytorch_state(gen._seed)

    def set_generator_state(self, gen, state: bytes) -> None:
        gen._seed = gen._rng.set_pytorch_state(state)

    def rand(self, gen, shape, np_dtype):
        return gen.random(shape, dtype=np_dtype)

    def randn(self, gen, shape, np_dtype):
        return gen.standard_normal(shape, dtype=np_dtype)

    def uniform_fill(self, gen, shape, np_dtype, low: float, high: float):
        return gen.uniform_fill(shape, np_dtype, low, high)

    def normal_fill(self, gen, shape, np_dtype, mean: float, std: float):
        return gen.normal_fill(shape, np_dtype, mean, std)

    def randint(self, gen, low, high, shape, np_dtype):
        return gen.integers(low, high, size=shape, dtype=np_dtype)

    def randperm(self, gen, n, np_dtype):
        return gen.permutation(n).astype(np_dtype, copy=False)


class _Interface:
    """An array interface over another array's memory, which it keeps alive as `base`."""

    def __init__(self, interface: dict, base):
        self.__array_interface__, self.base = interface, base

