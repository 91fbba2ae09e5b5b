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
    return backend


def get(dev) -> Backend:
    """The backend for a device, a device string or None (the CPU)."""
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
    return _CUDA.get(array.device.id) or cuda_backend(array.device.id)


class _Flags:
    """PyTorch's torch.backends.cudnn switches. CuPy here uses cuBLAS and its own kernels,
    not cuDNN, so they only record what a script sets (scripts written for PyTorch set them)."""

    def __init__(self, **flags):
        self.__dict__.update(flags)

    def is_available(self) -> bool:
        return False


cudnn = _Flags(enabled=True, benchmark=False, deterministic=False, allow_tf32=True)


def all_created() -> list[Backend]:
    return [numpy_backend, *_CUDA.values()]


__all__ = ["Backend", "CPU", "get", "of", "numpy_backend", "cuda_backend", "all_created"]
