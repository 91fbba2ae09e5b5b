"""PyTorch's process-level and informational functions: print options, thread counts, the
random state, finfo/iinfo, tensor predicates, window functions and a few creation helpers."""
from __future__ import annotations

import math
import os

import numpy as np

from . import _dtypes, _layout, backends, creation
from ._tensor_str import get_printoptions, set_printoptions
from .ops.shape import zero_dim_transpose as _zero_dim_transpose
from .tensor import Tensor

__all__ = ["set_printoptions", "get_printoptions", "get_num_threads", "set_num_threads",
           "get_num_interop_threads", "set_num_interop_threads", "get_rng_state",
           "set_rng_state", "finfo", "iinfo", "is_nonzero", "is_same_size", "is_complex",
           "is_signed", "is_inference", "is_storage", "hann_window", "hamming_window",
           "bartlett_window", "blackman_window", "kaiser_window", "unravel_index",
           "scalar_tensor", "asarray", "empty_strided", "range", "typename", "compile",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_default_device",
           "get_default_device"]

_threads = {"intra": None, "inter": 1}


def _threadpools():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits


def get_num_threads() -> int:
    """The threads the CPU math (BLAS) runs on."""
    if _threads["intra"] is not None:
        return _threads["intra"]
    try:
        from threadpoolctl import threadpool_info

        counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        if counts:
            return int(counts[0])
    except ImportError:
        pass
    return os.cpu_count() or 1


def set_num_threads(num: int) -> None:
    """Limit the CPU math to `num` threads (through threadpoolctl, when installed)."""
    if int(num) <= 0:
        raise RuntimeError(f"set_num_threads expects a positive integer, but got {num}")
    _threads["intra"] = int(num)
    limits = _threadpools()
    if limits is not None:
        limits(limits=int(num), user_api="blas")


def get_num_interop_threads() -> int:
    return _threads["inter"]


def set_num_interop_threads(num: int) -> None:
    if int(num) <= 0:
        raise RuntimeError(f"set_num_interop_threads expects a positive integer, but got {num}")
    _threads["inter"] = int(num)


def get_rng_state() -> Tensor:
    """The CPU default generator's state, as a uint8 tensor (set_rng_state restores it)."""
    return creation.default_generator(backends.numpy_backend).get_state()


def set_rng_state(new_state: Tensor) -> None:
    creation.default_generator(backends.numpy_backend).set_state(new_state)


class finfo:  # noqa: N801 - PyTorch's spelling
    """Machine limits of a floating dtype (bits, eps, max, min, tiny, resolution)."""

    __hash__ = None  # (unhashable, as PyTorch's)

    def __init__(self, type=None):  # noqa: A002
        dt = _dtypes.get_default_dtype() if type is None else _info_dtype("finfo", type)
        if not dt.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(dt.np)
        self.bits, self.eps, self.max, self.min = info.bits, float(info.eps), float(
            info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution, self.dtype = 10.0 ** -int(info.precision), dt.name

    def __eq__(self, other) -> bool:
        return isinstance(other, finfo) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:  # noqa: N801 - PyTorch's spelling
    """Limits of an integer dtype (bits, min, max)."""

    __hash__ = None

    def __init__(self, type):  # noqa: A002
        type = _info_dtype("iinfo", type)  # noqa: A001
        if type.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        if type.np.kind == "b":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        info = np.iinfo(type.np)
        self.bits = type.itemsize * 8
        self.min, self.max = int(info.min), int(info.max)
        self.dtype = type.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"

    def __eq__(self, other) -> bool:
        return isinstance(other, iinfo) and vars(self) == vars(other)


def _info_dtype(name: str, value):
    if not isinstance(value, _dtypes.dtype):
        raise TypeError(f"{name}(): argument 'type' (position 1) must be torch.dtype, not "
                        f"{type(value).__name__}")
    return value


def is_nonzero(input: Tensor) -> bool:
    """The truth of a one-element tensor (an error for any other size, as PyTorch)."""
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input: Tensor, other: Tensor) -> bool:
    return tuple(input.shape) == tuple(other.shape)


def is_complex(input: Tensor) -> bool:
    return False  # no complex dtypes here


def is_signed(input: Tensor) -> bool:
    return input.dtype.is_signed


def is_inference(input: Tensor) -> bool:
    from .tensor import InferenceTensor

    return input.__class__ is InferenceTensor


def is_storage(obj) -> bool:
    return False


def _window(values: np.ndarray, dtype, device, requires_grad) -> Tensor:
    dt = dtype or _dtypes.get_default_dtype()
    return creation.tensor(values.astype(dt.np), device=device, requires_grad=requires_grad)


def _cosine_window(coeffs, window_length: int, periodic: bool, dtype, device,
                   requires_grad) -> Tensor:
    if window_length == 0:
        return _window(np.zeros(0), dtype, device, requires_grad)
    if window_length == 1:
        return _window(np.ones(1), dtype, device, requires_grad)
    n = window_length + 1 if periodic else window_length
    k = np.arange(window_length, dtype=np.float64)
    w = sum(((-1) ** i) * c * np.cos(2 * math.pi * i * k / (n - 1))
            for i, c in enumerate(coeffs))
    return _window(w, dtype, device, requires_grad)


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, device=None,
                requires_grad: bool = False, layout=None) -> Tensor:
    return _cosine_window((0.5, 0.5), window_length, periodic, dtype, device, requires_grad)


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype=None, device=None,
                   requires_grad: bool = False, layout=None) -> Tensor:
    return _cosine_window((alpha, beta), window_length, periodic, dtype, device, requires_grad)


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, device=None,
                    requires_grad: bool = False, layout=None) -> Tensor:
    return _cosine_window((0.42, 0.5, 0.08), window_length, periodic, dtype, device,
                          requires_grad)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, device=None,
                    requires_grad: bool = False, layout=None) -> Tensor:
    if window_length <= 1:
        return _window(np.ones(window_length), dtype, device, requires_grad)
    n = window_length + 1 if periodic else window_length
    k = np.arange(window_length, dtype=np.float64)
    w = 1 - np.abs(2 * k / (n - 1) - 1)
    return _window(w, dtype, device, requires_grad)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype=None, device=None, requires_grad: bool = False, layout=None) -> Tensor:
    if window_length <= 1:
        return _window(np.ones(window_length), dtype, device, requires_grad)
    n = window_length + 1 if periodic else window_length
    k = np.arange(window_length, dtype=np.float64)
    ratio = 2 * k / (n - 1) - 1
    w = np.i0(beta * np.sqrt(np.clip(1 - ratio * ratio, 0, None))) / np.i0(beta)
    return _window(w, dtype, device, requires_grad)


def unravel_index(indices, shape) -> tuple:
    """Flat indices as one index tensor per dimension of `shape`."""
    idx = indices if isinstance(indices, Tensor) else creation.tensor(indices)
    if idx.is_floating_point() or idx.dtype is _dtypes.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {idx.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    size = int(np.prod(shape))
    host = idx.cpu().numpy()
    if ((host < -size) | (host >= size)).any():
        raise RuntimeError("'indices' must be in range [-prod(shape), prod(shape))")
    parts = np.unravel_index(np.where(host < 0, host + size, host), shape)
    return tuple(creation.tensor(p.astype(np.int64), device=idx.device) for p in parts)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt = _dtypes.to_dtype(dtype) if dtype is not None else _dtypes.get_default_dtype()
    value = s.item() if isinstance(s, Tensor) else s
    if dt.np.kind in "iu":  # (integers are range-checked; floats overflow to inf)
        value = _dtypes.scalar_for(value, dt.np)
    return creation.tensor(value, dtype=dt, device=device, requires_grad=requires_grad)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    """A tensor of obj, sharing its memory when it can (copy=None) or never (copy=True)."""
    if copy:
        out = creation.tensor(obj, dtype=dtype, device=device)
    else:
        out = creation.as_tensor(obj, dtype=dtype, device=device)
    if requires_grad and out.is_leaf:  # (the factories' words for an integer dtype)
        out._set_requires_grad(True)
    return out


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad: bool = False,
                  layout=None, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of `size` (laid out contiguously: strides are NumPy's here)."""
    return creation.empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None,  # noqa: A001
          requires_grad: bool = False) -> Tensor:
    """Deprecated torch.range: like arange but including `end`, float by default."""
    import warnings

    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        start, end = 0, start
    if dtype is not None and _dtypes.to_dtype(dtype) is _dtypes.bool_:
        raise NotImplementedError("\"range_cpu\" not implemented for 'Bool'")
    n = int(math.floor((end - start) / step)) + 1
    values = start + step * np.arange(n, dtype=np.float64)
    return creation.tensor(values, dtype=dtype or _dtypes.get_default_dtype(), device=device,
                           requires_grad=requires_grad)


def typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    return type(obj).__module__ + "." + type(obj).__qualname__ if type(
        obj).__module__ != "builtins" else type(obj).__qualname__


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor",  # noqa: A001
            mode=None, options=None, disable: bool = False):
    """torch.compile: here the model or function itself (nothing to compile to), so code
    written for PyTorch 2 runs unchanged; usable as a decorator, with or without arguments."""
    if model is None:
        return lambda fn: fn
    return model


_deterministic = {"on": False, "warn_only": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded only: every operation here is deterministic already."""
    _deterministic["on"], _deterministic["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["on"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic["warn_only"]


def set_default_device(device) -> None:
    """Where creation functions put tensors when given no device (None: the CPU)."""
    from ._device import device as _dev

    if device is not None:
        device = _dev(device)
        backends.get(device)  # a CUDA device without CuPy or a GPU fails here, changing nothing
    backends.default_device[0] = device


def get_default_device():
    from ._device import device as _dev

    return backends.default_device[0] or _dev("cpu")


# -- the same questions as Tensor methods and properties ----------------------------------------
def _imag(self: Tensor):
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def _data_ptr(self: Tensor) -> int:
    return backends.of(self._data)._address(self._data)


def _real_view(self: Tensor) -> Tensor:
    return self  # real dtypes only: conj, resolve_conj, resolve_neg and real are the tensor


def _resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
    """In place: the first elements (in row-major order) keep their values, new ones are 0;
    views taken before keep the old storage, as in PyTorch after a reallocation."""
    from .ops.shape import _shape_arg

    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = _shape_arg(sizes, "resize_")
    n = int(np.prod(shape))
    data = self._data
    if n == data.size:
        self._data = data.reshape(shape)
    else:
        xp = backends.of(data).xp
        flat = xp.zeros(n, dtype=data.dtype)
        keep = min(n, data.size)
        flat[:keep] = data.reshape(-1)[:keep]
        self._data = flat.reshape(shape)
    self._vc[0] += 1
    return self


def _resize(self: Tensor, *sizes) -> Tensor:
    """The deprecated non-in-place resize: a reshape that keeps the number of elements."""
    import warnings

    from .ops.shape import _shape_arg

    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    shape = _shape_arg(sizes, "resize")
    n = int(np.prod(shape))
    if n != self.numel():
        raise RuntimeError(f"requested resize to {'x'.join(map(str, shape))} ({n} elements in "
                           f"total), but the given tensor has a size of "
                           f"{'x'.join(map(str, self.shape))} ({self.numel()} elements). "
                           f"autograd's resize can only change the shape of a given tensor, "
                           f"while preserving the number of elements. ")
    return self.reshape(shape)


Tensor.resize_, Tensor.resize = _resize_, _resize
Tensor.resize_as_ = lambda self, other, memory_format=None: _resize_(self, tuple(other.shape))
Tensor.resize_as = lambda self, other: _resize(self, tuple(other.shape))


def _pin_memory(self: Tensor, device=None) -> Tensor:
    """The tensor itself where CUDA can be used (CuPy copies from pageable memory); PyTorch's
    error where no accelerator is."""
    from . import cuda

    if not cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return self


for _name, _fn in (("is_nonzero", is_nonzero), ("is_same_size", is_same_size),
                   ("is_complex", is_complex), ("is_signed", is_signed),
                   ("is_inference", is_inference), ("data_ptr", _data_ptr),
                   ("conj", _real_view), ("resolve_conj", _real_view),
                   ("resolve_neg", _real_view), ("conj_physical", _real_view),
                   ("is_conj", lambda self: False), ("is_neg", lambda self: False),
                   ("is_pinned", lambda self: False), ("pin_memory", _pin_memory),
                   ("share_memory_", _real_view)):
    setattr(Tensor, _name, _fn)
Tensor.layout = property(lambda self: _layout.strided)
Tensor.is_sparse = Tensor.is_quantized = Tensor.is_meta = Tensor.is_mkldnn = property(
    lambda self: False)
Tensor.is_sparse_csr = Tensor.is_nested = Tensor.is_mps = Tensor.is_xpu = property(
    lambda self: False)
Tensor.real = property(_real_view)
Tensor.imag = property(_imag)
Tensor.nbytes = property(lambda self: int(self._data.nbytes))
Tensor.itemsize = property(lambda self: int(self._data.itemsize))
Tensor.is_cpu = property(lambda self: self.device.type == "cpu")
Tensor.mH = property(lambda self: _zero_dim_transpose(self, "mH") if self.dim() == 0 else
                     self.mT if self.dim() > 1 else _no_mH(self))


def _no_mH(t):
    raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got "
                       f"{t.dim()}-D tensor.")
Tensor.adjoint = lambda self: self.mT
