"""autograd_gpu.cuda: whether CUDA can be used, device count, synchronisation.

Never raises on a machine without CuPy, a driver or a GPU: is_available() is then False.
"""
from __future__ import annotations

from . import backends
from .backends.cupy_backend import INSTALL_HINT, cuda_unavailable_reason


def is_available() -> bool:
    return cuda_unavailable_reason() is None


def device_count() -> int:
    if not is_available():
        return 0
    import cupy

    return cupy.cuda.runtime.getDeviceCount()


def current_device() -> int:
    cupy = _require()
    return cupy.cuda.runtime.getDevice()


def set_device(device) -> None:
    from ._device import device as Device

    cupy = _require()
    index = device if isinstance(device, int) else Device(device).index or 0
    cupy.cuda.runtime.setDevice(index)


def get_device_name(device=None) -> str:
    cupy = _require()
    index = 0 if device is None else (device if isinstance(device, int) else
                                      (backends.get(device).index))
    props = cupy.cuda.runtime.getDeviceProperties(index)
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None) -> None:
    """Wait for all work queued on a CUDA device (the current one by default)."""
    _require()
    backends.cuda_backend(None if device is None else _index(device)).synchronize()


def manual_seed(seed: int) -> None:
    from .creation import default_generator

    if is_available():
        for backend in backends.all_created()[1:]:
            default_generator(backend).manual_seed(seed)


manual_seed_all = manual_seed


def _index(device) -> int:
    from ._device import device as Device

    if isinstance(device, int):
        return device
    return Device(device).index or 0


def _require():
    reason = cuda_unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"CUDA is not available: {reason}. {INSTALL_HINT}")
    import cupy

    return cupy
