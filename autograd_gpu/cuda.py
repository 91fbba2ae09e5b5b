"""autograd_gpu.cuda: whether CUDA can be used, device count, synchronisation.

Never raises on a machine without CuPy, a driver or a GPU: is_available() is then False.
"""
from __future__ import annotations

from . import backends
from .backends.cupy_backend import INSTALL_HINT, cuda_unavailable_reason, require_cupy  # noqa: F401


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
    index = _index(device)
    if index >= 0:  # PyTorch: a negative index is a no-op
        backends.cuda_backend(index).make_current()


class device:  # noqa: N801 - PyTorch's spelling
    """torch.cuda.device: makes a CUDA device the current one inside a `with` block (None or
    -1: leaves it as it is)."""

    def __init__(self, device):
        self.idx = -1 if device is None else _index(device)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx != -1:
            runtime = _require().cuda.runtime
            self.prev_idx = runtime.getDevice()
            if self.prev_idx != self.idx:
                runtime.setDevice(self.idx)
        return self

    def __exit__(self, *exc) -> bool:
        if self.idx != -1 and self.prev_idx != self.idx:
            _require().cuda.runtime.setDevice(self.prev_idx)
        return False


def device_of(obj) -> device:
    """torch.cuda.device_of: the device context of a tensor (a no-op for a CPU tensor)."""
    return device(obj.device.index if obj.device.type == "cuda" else None)


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
    """Seed the current CUDA device's generator (made now if no CUDA work has run yet: a
    seed set before the first CUDA tensor holds, as PyTorch's lazy seeding does)."""
    if is_available():
        _default_generator().manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every CUDA device's generator."""
    if is_available():
        for i in range(device_count()):
            _default_generator(i).manual_seed(seed)


def _default_generator(device="cuda"):
    from .creation import default_generator

    _require()
    return default_generator(backends.cuda_backend(_index(device)))


def get_rng_state(device="cuda"):
    """A CUDA device's generator state: 16 bytes, its seed and offset (a CPU uint8 tensor)."""
    return _default_generator(device).get_state()


def set_rng_state(new_state, device="cuda") -> None:
    _default_generator(device).set_state(new_state)


def get_rng_state_all() -> list:
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state_all(new_states) -> None:
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def seed() -> None:
    """Seed the current CUDA device's generator with a random number."""
    _default_generator().seed()


def seed_all() -> None:
    value = _default_generator().seed()
    for i in range(device_count()):
        _default_generator(i).manual_seed(value)


def initial_seed() -> int:
    return _default_generator().initial_seed()


def _index(device, wrong: str = "Expected a cuda device, but got: {dev}") -> int:
    """A CUDA device's index from an int, a string or a device; another device type is an
    error (`wrong`, formatted with the device)."""
    from ._device import device as Device

    if isinstance(device, int):
        return device
    dev = Device(device)
    if dev.type != "cuda":
        raise ValueError(wrong.format(dev=dev, type=dev.type))
    return dev.index or 0


def _require():
    return require_cupy()


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
                self.peak_reserved = pool.total_bytes()

            def malloc_postprocess(self, **kwargs):
                self.peak = max(self.peak, self.pool.used_bytes())
                self.peak_reserved = max(self.peak_reserved, self.pool.total_bytes())

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
    """Bytes of GPU memory held by tensors (CuPy's pool: used bytes); 0 without CUDA, as in
    PyTorch."""
    return _pool().used_bytes() if is_available() else 0


def memory_reserved(device=None) -> int:
    """Bytes of GPU memory the pool holds, used or cached."""
    return _pool().total_bytes() if is_available() else 0


def is_initialized() -> bool:
    return len(backends.all_created()) > 1  # (a CUDA backend has been made)


def max_memory_allocated(device=None) -> int:
    """The peak of memory_allocated() since the first call or reset_peak_memory_stats()."""
    if not is_available():
        return 0
    hook = _peak_hook()
    hook.peak = max(hook.peak, memory_allocated())
    return hook.peak


def max_memory_reserved(device=None) -> int:
    """The peak of memory_reserved() since the first call or reset_peak_memory_stats()."""
    if not is_available():
        return 0
    hook = _peak_hook()
    hook.peak_reserved = max(hook.peak_reserved, memory_reserved())
    return hook.peak_reserved


def reset_peak_memory_stats(device=None) -> None:
    hook = _peak_hook()
    hook.peak, hook.peak_reserved = memory_allocated(), memory_reserved()


def memory_stats(device=None) -> dict:
    """The pool's figures under PyTorch's key names (current and peak, all pools); empty
    without CUDA."""
    if not is_available():
        return {}
    return {"allocated_bytes.all.current": memory_allocated(),
            "allocated_bytes.all.peak": max_memory_allocated(),
            "reserved_bytes.all.current": memory_reserved(),
            "reserved_bytes.all.peak": max_memory_reserved()}


def empty_cache() -> None:
    """Give cached, unused blocks of the pool back to the driver."""
    if is_available():
        import cupy

        cupy.get_default_memory_pool().free_all_blocks()
        cupy.get_default_pinned_memory_pool().free_all_blocks()


class _AmpNamespace:
    """torch.cuda.amp: the older spellings of torch.amp.autocast("cuda") and GradScaler."""

    @staticmethod
    def autocast(enabled: bool = True, dtype=None, cache_enabled=True):
        from .amp import autocast

        return autocast("cuda", dtype=dtype, enabled=enabled)

    @staticmethod
    def GradScaler(init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,  # noqa: N802
                   backoff_factor: float = 0.5, growth_interval: int = 2000,
                   enabled: bool = True):
        from .amp import GradScaler

        return GradScaler("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                          enabled)


amp = _AmpNamespace()


from ._cuda_streams import (Event, Stream, StreamContext, current_stream,  # noqa: E402,F401
                            default_stream, get_arch_list, get_device_capability,
                            get_device_properties, init, ipc_collect, is_bf16_supported,
                            max_memory_cached, mem_get_info, memory_cached, memory_summary,
                            reset_max_memory_allocated, set_stream, stream)
