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


# -- memory stats from CuPy's memory pool -------------------------------------------------------
class _PeakHook:
    """Records the pool's peak used bytes; installed on first use (hooks cost per malloc)."""

    def __init__(self):
        import cupy

        class Hook(cupy.cuda.MemoryHook):
            name = "autograd_gpu_peak"

            def __init__(self, pool):
                super().__init__()
                self.pool, self.peak = pool, pool.used_bytes()

            def malloc_postprocess(self, **kwargs):
                self.peak = max(self.peak, self.pool.used_bytes())

        self.hook = Hook(cupy.get_default_memory_pool())
        self.hook.__enter__()


_peak: _PeakHook | None = None


def _pool():
    cupy = _require()
    return cupy.get_default_memory_pool()


def _peak_hook():
    global _peak
    if _peak is None:
        _peak = _PeakHook()
    return _peak.hook


def memory_allocated(device=None) -> int:
    """Bytes of GPU memory held by tensors (CuPy's pool: used bytes)."""
    return _pool().used_bytes()


def memory_reserved(device=None) -> int:
    """Bytes of GPU memory the pool holds, used or cached."""
    return _pool().total_bytes()


def max_memory_allocated(device=None) -> int:
    """The peak of memory_allocated() since the first call or reset_peak_memory_stats()."""
    hook = _peak_hook()
    hook.peak = max(hook.peak, memory_allocated())
    return hook.peak


def reset_peak_memory_stats(device=None) -> None:
    _peak_hook().peak = memory_allocated()


def empty_cache() -> None:
    """Give cached, unused blocks of the pool back to the driver."""
    if is_available():
        import cupy

        cupy.get_default_memory_pool().free_all_blocks()
        cupy.get_default_pinned_memory_pool().free_all_blocks()
