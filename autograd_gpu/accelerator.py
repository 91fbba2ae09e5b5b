"""autograd_gpu.accelerator: PyTorch's device-generic API (the beginner quickstart's
`torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"`).
The one accelerator this library drives is CUDA, through CuPy; every call but is_available(),
current_accelerator() and device_count() raises PyTorch's error when no GPU can be used."""
from __future__ import annotations

from . import cuda
from ._device import device as _Device

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """device("cuda") where CuPy is installed (and, with check_available, sees a GPU); None
    otherwise, as PyTorch's CPU-only build answers."""
    if check_available:
        return _Device("cuda") if cuda.is_available() else None
    try:
        import cupy  # noqa: F401
    except Exception:
        return None
    return _Device("cuda")


def device_count() -> int:
    return cuda.device_count()


def _require() -> None:
    if not cuda.is_available():
        raise RuntimeError(_NONE)


def _index(device) -> int | None:
    if device is None:
        return None
    return cuda._index(device, "{type} doesn't match the current accelerator cuda.")


def current_device_index() -> int:
    _require()
    return cuda.current_device()


def set_device_index(device, /) -> None:
    _require()
    cuda.set_device(_index(device))


current_device_idx = current_device_index
set_device_idx = set_device_index


class device_index:  # noqa: N801 - PyTorch's spelling
    """Makes `device` the current accelerator inside a `with` block (None: no change)."""

    def __init__(self, device, /):
        self.idx = _index(device)
        self._inner = None

    def __enter__(self):
        if self.idx is not None:
            _require()
            self._inner = cuda.device(self.idx)
            self._inner.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        if self._inner is not None:
            self._inner.__exit__(*exc)
        return False


def synchronize(device=None, /) -> None:
    _require()
    cuda.synchronize(_index(device))


def empty_cache() -> None:
    _require()
    cuda.empty_cache()


def _stat(name):
    def stat(device_index=None, /) -> int:
        _require()
        return getattr(cuda, name)(_index(device_index))

    stat.__name__ = name
    stat.__doc__ = f"torch.accelerator.{name}: cuda.{name} of the given or current device."
    return stat


memory_allocated = _stat("memory_allocated")
max_memory_allocated = _stat("max_memory_allocated")
memory_reserved = _stat("memory_reserved")
max_memory_reserved = _stat("max_memory_reserved")


def memory_stats(device_index=None, /) -> dict:
    _require()
    return cuda.memory_stats(_index(device_index))


def reset_peak_memory_stats(device_index=None, /) -> None:
    _require()
    cuda.reset_peak_memory_stats(_index(device_index))
