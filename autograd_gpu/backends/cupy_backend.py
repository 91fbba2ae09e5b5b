"""The CuPy backend: devices `cuda:N`. Imported only when a CUDA device is asked for."""
from __future__ import annotations

import numpy as np

from .._device import device
from . import cuda as _switches
from .base import Backend
from .counter_rng import CounterGenerator


class CudaUnavailableError(RuntimeError, AssertionError):
    """CUDA was asked for where it cannot be used. PyTorch raises AssertionError ("Torch not
    compiled with CUDA enabled") or RuntimeError (no driver) for this, so it is both; the
    message says why and how to install CuPy."""


INSTALL_HINT = ("Install CuPy for your CUDA version with pip install 'autograd-gpu[cuda12]' "
                "(CUDA 12) or pip install 'autograd-gpu[cuda13]' (CUDA 13).")


def cuda_unavailable_reason() -> str | None:
    """Why CUDA cannot be used here, or None when CuPy sees at least one GPU. Never raises."""
    try:
        import cupy
    except Exception as exc:  # ImportError, or a broken CuPy install
        return f"CuPy is not installed or failed to import ({exc})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, no device, incompatible driver
        return f"CuPy is installed but sees no GPU ({exc})"
    if count == 0:
        return "CuPy is installed but sees no GPU (0 devices)"
    return None


def require_cupy():
    reason = cuda_unavailable_reason()
    if reason is not None:
        raise CudaUnavailableError(f"CUDA is not available: {reason}. {INSTALL_HINT}")
    import cupy

    return cupy


class CupyBackend(Backend):
    name = "cupy"

    def __init__(self, index: int):
        import cupy

        count = cupy.cuda.runtime.getDeviceCount()
        if index >= count:
            raise RuntimeError(f"CUDA error: invalid device ordinal: cuda:{index} was asked for, "
                               f"but this machine has {count} GPU(s) (cuda:0 to cuda:{count - 1})")
        self.xp = cupy
        self.index = index
        self.device = device("cuda", index)
        self._cuda_device = cupy.cuda.Device(index)
        with self._cuda_device:
            super().__init__()
        from cupyx.scipy.special import erf

        self.erf = erf

    _kernels = None  # backends/cuda_kernels.py's table, looked up once

    @property
    def fused_kernels(self) -> dict:
        if not _switches.fused_kernels:  # (read on every fusable op: no imports here)
            return {}
        kernels = self._kernels
        if kernels is None:
            from .cuda_kernels import KERNELS

            kernels = CupyBackend._kernels = KERNELS
        return kernels

    def make_current(self) -> None:
        runtime = self.xp.cuda.runtime
        if runtime.getDevice() != self.index:
            runtime.setDevice(self.index)

    def asarray(self, obj, dtype=None):
        with self._cuda_device:
            return self.xp.asarray(obj, dtype=dtype)

    def to_host(self, array):
        return array.get()

    def where(self, cond, a, b):
        # CuPy turns a Python scalar into a 0-d int64/float64 array, which would promote
        # float32 gradients; give scalars the other operand's dtype instead.
        if not hasattr(a, "dtype"):
            a = self.xp.asarray(a, dtype=b.dtype)
        elif not hasattr(b, "dtype"):
            b = self.xp.asarray(b, dtype=a.dtype)
        return self.xp.where(cond, a, b)

    def index_add(self, shape, index, values, accumulate=True):
        with self._cuda_device:
            return super().index_add(shape, index, values, accumulate)

    @staticmethod
    def _address(a) -> int:
        return a.data.ptr

    def strided_view(self, a, shape, strides, offset: int = 0):
        return self.xp.ndarray(tuple(shape), a.dtype, memptr=a.data + offset,
                               strides=tuple(strides))

    def _strided(self, buffer, shape, strides, offset):
        return self.xp.ndarray(shape, buffer.dtype, memptr=buffer.data + offset, strides=strides)

    def scatter_add(self, target, index, values) -> None:
        import cupyx

        cupyx.scatter_add(target, index, values)

    def synchronize(self) -> None:
        self._cuda_device.synchronize()

    def linalg_errors(self):
        import cupyx  # (CuPy ignores cuSOLVER's failure flags unless asked, and then syncs)

        return cupyx.errstate(linalg="raise")

    def new_generator(self, seed: int):
        return CounterGenerator(self.xp, seed)

    def generator_state(self, gen) -> bytes:
        return gen._rng.get_state()

    def set_generator_state(self, gen, state: bytes) -> None:
        gen._rng.set_state(state)
        gen._seed = gen._rng.seed

    def rand(self, gen, shape, np_dtype):
        with self._cuda_device:
            if np_dtype in (np.float32, np.float64):
                return gen.random_sample(shape, dtype=np_dtype)
            return gen.random_sample(shape, dtype=np.float32).astype(np_dtype)

    def randn(self, gen, shape, np_dtype):
        with self._cuda_device:
            if np_dtype in (np.float32, np.float64):
                return gen.standard_normal(shape, dtype=np_dtype)
            return gen.standard_normal(shape, dtype=np.float32).astype(np_dtype)

    def randint(self, gen, low, high, shape, np_dtype):
        with self._cuda_device:
            return gen.randint(low, high, size=shape, dtype=np_dtype)

    def randperm(self, gen, n, np_dtype):
        with self._cuda_device:
            return gen.permutation(n).astype(np_dtype, copy=False)
