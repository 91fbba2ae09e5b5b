"""torch.cuda's streams, events and device queries over CuPy (re-exported by cuda.py).

A Stream or Event wraps its CuPy object (`cuda_stream` / `cuda_event`); `with
torch.cuda.stream(s):` makes s CuPy's current stream, so the operations inside queue on it.
Without CUDA every call raises the library's CUDA-unavailable error, which says how to install
CuPy."""
from __future__ import annotations

import warnings
from collections import namedtuple

from .backends.cupy_backend import require_cupy


def _cupy():
    return require_cupy()


def _device_index(device) -> int:
    from .cuda import _index, current_device

    return current_device() if device is None else _index(device)


class Stream:
    """A CUDA stream (torch.cuda.Stream): kernels queued on it run in order."""

    def __init__(self, device=None, priority: int = 0, **kwargs):
        cupy = _cupy()
        self.device_index = _device_index(device)
        with cupy.cuda.Device(self.device_index):
            self.cuda_stream = kwargs.pop("_wrap", None) or cupy.cuda.Stream(non_blocking=False)
        self.priority = priority

    @property
    def device(self):
        from ._device import device

        return device("cuda", self.device_index)

    def synchronize(self) -> None:
        self.cuda_stream.synchronize()

    def query(self) -> bool:
        return bool(self.cuda_stream.done)

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def wait_event(self, event) -> None:
        self.cuda_stream.wait_event(event.cuda_event)

    def wait_stream(self, stream) -> None:
        self.wait_event(stream.record_event())

    def __enter__(self):
        self.cuda_stream.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.cuda_stream.__exit__(*exc)

    def __eq__(self, other) -> bool:
        return isinstance(other, Stream) and self.cuda_stream.ptr == other.cuda_stream.ptr

    def __hash__(self) -> int:
        return hash((self.cuda_stream.ptr, self.device_index))

    def __repr__(self) -> str:
        return (f"<torch.cuda.Stream device=cuda:{self.device_index} "
                f"cuda_stream={self.cuda_stream.ptr:#x}>")


class Event:
    """A CUDA event (torch.cuda.Event): a marker in a stream, for waiting and timing."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False):
        cupy = _cupy()
        self.cuda_event = cupy.cuda.Event(block=blocking, disable_timing=not enable_timing,
                                          interprocess=interprocess)
        self._timing = enable_timing

    def record(self, stream=None) -> None:
        self.cuda_event.record(None if stream is None else stream.cuda_stream)

    def wait(self, stream=None) -> None:
        (current_stream() if stream is None else stream).wait_event(self)

    def query(self) -> bool:
        return bool(self.cuda_event.done)

    def synchronize(self) -> None:
        self.cuda_event.synchronize()

    def elapsed_time(self, end_event) -> float:
        """Milliseconds between this event and end_event (both recorded, timing enabled)."""
        if not (self._timing and end_event._timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        return float(_cupy().cuda.get_elapsed_time(self.cuda_event, end_event.cuda_event))

    def __repr__(self) -> str:
        return f"<torch.cuda.Event {self.cuda_event.ptr:#x}>"


class StreamContext:
    """`with torch.cuda.stream(s):` — s is the current stream inside (None: no change)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            self.stream.__enter__()
        return self.stream

    def __exit__(self, *exc) -> None:
        if self.stream is not None:
            self.stream.__exit__(*exc)


def stream(stream) -> StreamContext:
    return StreamContext(stream)


def current_stream(device=None) -> Stream:
    cupy = _cupy()
    index = _device_index(device)
    with cupy.cuda.Device(index):
        return Stream(index, _wrap=cupy.cuda.get_current_stream())


def default_stream(device=None) -> Stream:
    cupy = _cupy()
    return Stream(_device_index(device), _wrap=cupy.cuda.Stream.null)


def set_stream(stream) -> None:
    if stream is not None:
        stream.cuda_stream.use()


_CudaDeviceProperties = namedtuple("_CudaDeviceProperties", [
    "name", "major", "minor", "total_memory", "multi_processor_count", "is_integrated",
    "is_multi_gpu_board", "L2_cache_size"])


def get_device_properties(device=None):
    """name, compute capability (major, minor), total_memory in bytes, multi_processor_count."""
    props = _cupy().cuda.runtime.getDeviceProperties(_device_index(device))
    name = props["name"]
    return _CudaDeviceProperties(
        name.decode() if isinstance(name, bytes) else name, props["major"], props["minor"],
        props["totalGlobalMem"], props["multiProcessorCount"], bool(props["integrated"]),
        bool(props["isMultiGpuBoard"]), props["l2CacheSize"])


def get_device_capability(device=None) -> tuple:
    props = get_device_properties(device)
    return props.major, props.minor


def mem_get_info(device=None) -> tuple:
    """(free, total) bytes of the device's memory, as the driver reports them."""
    cupy = _cupy()
    with cupy.cuda.Device(_device_index(device)):
        free, total = cupy.cuda.runtime.memGetInfo()
    return free, total


def init() -> None:
    """Initialise CUDA now rather than on first use (raises without CUDA)."""
    from . import backends

    backends.cuda_backend(None)


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: this library has no bfloat16 dtype (whatever the card can do)."""
    return False


def get_arch_list() -> list:
    return []


def ipc_collect() -> None:
    _cupy()


def memory_cached(device=None) -> int:
    from .cuda import memory_reserved

    warnings.warn("torch.cuda.memory_cached has been renamed to torch.cuda.memory_reserved",
                  FutureWarning, stacklevel=2)
    return memory_reserved(device)


def max_memory_cached(device=None) -> int:
    from .cuda import max_memory_reserved

    warnings.warn("torch.cuda.max_memory_cached has been renamed to "
                  "torch.cuda.max_memory_reserved", FutureWarning, stacklevel=2)
    return max_memory_reserved(device)


def reset_max_memory_allocated(device=None) -> None:
    from .cuda import reset_peak_memory_stats

    warnings.warn("torch.cuda.reset_max_memory_allocated now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def memory_summary(device=None, abbreviated: bool = False) -> str:
    """The pool's current and peak figures as a small table."""
    from .cuda import memory_stats

    stats = memory_stats(device)
    rows = [("Allocated memory", "allocated_bytes"), ("Reserved memory", "reserved_bytes")]
    lines = ["|  Metric            | Cur Usage  | Peak Usage |"]
    for label, key in rows:
        cur, peak = stats.get(f"{key}.all.current", 0), stats.get(f"{key}.all.peak", 0)
        lines.append(f"|  {label:<17} | {_mib(cur):>10} | {_mib(peak):>10} |")
    return "\n".join(lines)


def _mib(n: int) -> str:
    return f"{n / 2 ** 20:.1f} MiB"
