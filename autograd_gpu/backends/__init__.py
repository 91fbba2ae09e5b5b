"""Backend objects: one per array library and device. NumPy serves `cpu`, CuPy `cuda:N`.

A tensor's backend is read from its array's type (and, for CuPy, the array's device), never
from a global. CuPy is imported only when a CUDA device is first asked for, so importing
autograd_gpu never needs it.
"""
from __future__ import annotations

import numpy as np

from .._device import CPU, device
from .base import Backend
from .numpy_backend import NumpyBackend

numpy_backend = NumpyBackend()
_BY_TYPE: dict[type, Backend] = {np.ndarray: numpy_backend}
_CUDA: dict[int, Backend] = {}


def cuda_backend(index: int | None = None) -> Backend:
    """The CuPy backend for cuda:index; raises a RuntimeError saying how to get CUDA if absent."""
    from . import cupy_backend as cb

    cupy = cb.require_cupy()
    if index is None:
        index = cupy.cuda.runtime.getDevice()
    backend = _CUDA.get(index)
    if backend is None:
        backend = _CUDA[index] = cb.CupyBackend(index)
        _BY_TYPE.setdefault(cupy.ndarray, backend)
        apply_tf32()
    return backend


default_device: list = [None]  # torch.set_default_device's choice (None: the CPU)


def get(dev) -> Backend:
    """The backend for a device, a device string or None (the default device: the CPU unless
    set_default_device chose another)."""
    if dev is None:
        dev = default_device[0]
        if dev is None:
            return numpy_backend
    if not isinstance(dev, device):
        dev = device(dev)
    if dev.type == "cpu":
        return numpy_backend
    return cuda_backend(dev.index)


def of(array) -> Backend:
    """The backend that owns an array (NumPy or CuPy)."""
    backend = _BY_TYPE.get(type(array))
    if backend is None:
        if isinstance(array, np.generic):  # NumPy turns 0-d results into scalars
            return numpy_backend
        if type(array).__module__.startswith("cupy"):  # before any CUDA tensor was made
            return cuda_backend(array.device.id)
        raise TypeError(f"expected a NumPy or CuPy array, got {type(array).__name__}")
    if backend is numpy_backend:
        return backend
    backend = _CUDA.get(array.device.id) or cuda_backend(array.device.id)
    if len(_CUDA) > 1:  # several GPUs in use: an op runs on its arrays' device, as PyTorch's
        backend.make_current()  # device guard does (one GPU: nothing to switch)
    return backend


class _Flags:
    """PyTorch's torch.backends.cudnn switches. CuPy here uses cuBLAS and its own kernels,
    not cuDNN, so they only record what a script sets (scripts written for PyTorch set them)."""

    def __init__(self, **flags):
        self.__dict__.update(flags)

    def is_available(self) -> bool:
        return False


cudnn = _Flags(enabled=True, benchmark=False, deterministic=False, allow_tf32=True)


class _MatmulFlags:
    """torch.backends.cuda.matmul: `allow_tf32` (off by default, as in PyTorch) lets float32
    matrix products on CUDA run on TF32 tensor cores (about 10 mantissa bits in the
    products instead of 23). It sets CuPy's cuBLAS compute type for float32."""

    def __init__(self):
        self._allow_tf32 = False
        self.precision = "highest"  # torch.get_float32_matmul_precision()
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        return self._allow_tf32

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        self._allow_tf32 = bool(value)
        self.precision = "high" if value else "highest"
        if _CUDA:  # CuPy is loaded: apply now (a CUDA backend applies it when created)
            apply_tf32()


class _CudaFlags:
    """torch.backends.cuda, and `fused_kernels` (not in PyTorch): run the fused CUDA kernels
    of backends/cuda_kernels.py in place of their multi-launch formulas. Off until a GPU run
    of tests/test_fused.py has proven them on this code (see bench/RESULTS.md); the
    environment variable AUTOGRAD_GPU_FUSED_KERNELS=1 turns them on at import."""

    def __init__(self):
        import os

        self.matmul = _MatmulFlags()
        self.fused_kernels = os.environ.get("AUTOGRAD_GPU_FUSED_KERNELS") == "1"

    @staticmethod
    def is_built() -> bool:
        from .cupy_backend import cuda_unavailable_reason

        return cuda_unavailable_reason() is None


cuda = _CudaFlags()


def apply_tf32(linalg=None) -> int:
    """Set CuPy's float32 matmul compute type from the switch; returns the type set. `linalg`
    is cupy._core._routines_linalg (a parameter so the CPU suite can check the wiring)."""
    if linalg is None:
        try:
            from cupy._core import _routines_linalg as linalg
        except ImportError:  # a CuPy without this (private) module: leave cuBLAS's default
            import warnings

            warnings.warn("this CuPy has no cupy._core._routines_linalg: "
                          "backends.cuda.matmul.allow_tf32 has no effect", stacklevel=2)
            return None
    compute_type = (linalg.COMPUTE_TYPE_TF32 if cuda.matmul.allow_tf32
                    else linalg.COMPUTE_TYPE_DEFAULT)
    linalg.set_compute_type(np.float32, compute_type)
    return compute_type


def set_float32_matmul_precision(precision: str) -> None:
    """torch.set_float32_matmul_precision: 'highest' keeps float32 products exact to float32;
    'high' and 'medium' allow TF32."""
    if precision not in ("highest", "high", "medium"):
        import warnings

        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"set_float32_matmul_precision call has no effect.", stacklevel=2)
        return
    cuda.matmul.allow_tf32 = precision != "highest"
    cuda.matmul.precision = precision


def get_float32_matmul_precision() -> str:
    return cuda.matmul.precision


def all_created() -> list[Backend]:
    return [numpy_backend, *_CUDA.values()]


__all__ = ["Backend", "CPU", "get", "of", "numpy_backend", "cuda_backend", "all_created",
           "cudnn", "cuda"]
