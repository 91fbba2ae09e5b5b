"""Tensor factories with PyTorch's signatures and dtype defaults.

Python floats give the default float dtype (float32), Python ints int64, bools bool; a NumPy
array keeps its dtype. Each factory takes dtype=, device= and requires_grad=.
"""
from __future__ import annotations

import functools
import math
import numbers
import sys
import warnings

import numpy as np

from . import _dtypes, backends
from .backends.base import DEFAULT_SEED
from .tensor import Size, Tensor, _wrap

_PACKAGE = __file__.rsplit("/", 1)[0]


def canonical(array):
    """array with its dtype's canonical object: the ops compare dtypes by identity, and an
    array made by pickle or from a buffer may carry an equal but different one."""
    canon = np.dtype(array.dtype.type)
    if array.dtype is canon or array.dtype != canon:
        return array  # (a non-native byte order is converted by the ops' casts)
    return array.view(canon)


def _finish(data, requires_grad: bool) -> Tensor:
    t = _wrap(canonical(data))
    if requires_grad:
        t._set_requires_grad(True)
    return t


def _np_dtype(dtype, default=None):
    if dtype is None:
        return None if default is None else default.np
    return _dtypes.to_dtype(dtype).np


def _ragged_error(data) -> Exception:
    """PyTorch's words for nested lists of unequal lengths (the first mismatch, depth first)."""
    def walk(seq, dim):
        first = seq[0] if seq else None
        for item in seq:
            if isinstance(first, (list, tuple)) != isinstance(item, (list, tuple)):
                return TypeError("not a sequence" if isinstance(first, (list, tuple)) else
                                 "'list' object cannot be interpreted as an integer")
            if isinstance(item, (list, tuple)):
                if len(item) != len(first):
                    return ValueError(f"expected sequence of length {len(first)} at dim "
                                      f"{dim + 1} (got {len(item)})")
                found = walk(item, dim + 1)
                if found is not None:
                    return found
        return None

    return walk(data, 0) or ValueError("expected sequence of equal-length lists")


def _host_array(data, target=None):
    """Nested Python data (numbers, lists, Tensors, arrays) as a NumPy array, typed as
    PyTorch would type it (given a `target` NumPy dtype, Python numbers stay in 64 bits: they
    must reach it without a detour through the default float32)."""
    if isinstance(data, Tensor):
        return backends.of(data._data).to_host(data._data)
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, (list, tuple, range)):
        typed, scalars = [], set()  # dtypes of the tensors and NumPy values inside the
        plain = _plain(data, typed, scalars)  # data; the types of its Python numbers
        try:
            arr = np.array(plain)
        except ValueError:
            raise _ragged_error(plain) from None
        if arr.dtype.kind in "US":  # (a string is a sequence to PyTorch, then not a number)
            raise ValueError("too many dimensions 'str'") if isinstance(
                _first_leaf(plain), str) else TypeError("new(): invalid data type 'str'")
        if arr.dtype == object or arr.dtype == np.uint64:
            arr = _beyond_int64(arr, plain, target)
        if arr.dtype == object:
            odd = [v for v in arr.reshape(-1) if not isinstance(v, numbers.Number)]
            if not odd or isinstance(odd[0], (str, list, tuple, np.ndarray)):
                raise TypeError("tensor(): nested data must be numbers, lists or tensors of "
                                "equal length")
            if target is not None:  # (the dtype's own conversion refuses it)
                raise TypeError(f"must be real number, not {type(odd[0]).__name__}"
                                if target.kind == "f" else f"'{type(odd[0]).__name__}' object "
                                f"cannot be interpreted as an integer")
            raise RuntimeError(f"Could not infer dtype of {type(odd[0]).__name__}")
        if typed:  # promoted as PyTorch promotes, with the Python numbers' own types
            typed += [_dtypes.scalar_dtype(kind()) for kind in scalars]
            return arr.astype(functools.reduce(_dtypes.promote_types, typed).np) \
                if arr.size else arr
        return arr if target is not None else _python_typed(arr)
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, int) and not -2 ** 63 <= data < 2 ** 63:
        if target is None or target.kind != "f":
            raise ValueError("Overflow when unpacking long long")
        return np.asarray(float(data))
    if isinstance(data, numbers.Number):
        return np.asarray(data) if target is not None and not isinstance(data, complex) else \
            np.asarray(data, dtype=_dtypes.scalar_dtype(data).np)
    if hasattr(data, "__array__") or hasattr(data, "__cuda_array_interface__"):
        return data
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _first_leaf(data):
    while isinstance(data, list) and data:
        data = data[0]
    return data


def _beyond_int64(arr, plain: list, target):
    """Python ints beyond int64 (NumPy made them objects or uint64): floats when the data or
    the asked dtype is floating, else PyTorch's unpacking error."""
    leaves = arr.reshape(-1).tolist()
    if not any(isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63 for v in leaves):
        return arr
    if any(isinstance(v, float) for v in leaves) or (target is not None and target.kind == "f"):
        return np.array(plain, dtype=np.float64)
    raise ValueError("Overflow when unpacking long long")


def _plain(data, typed: list, scalars: set):
    """Nested data as nested lists of numbers and arrays: a tensor inside a list is one number
    (PyTorch's item(): only one-element tensors); `typed` gets the dtypes of tensors and NumPy
    values, `scalars` the types of Python numbers."""
    out = []
    for x in data:
        if isinstance(x, (list, tuple, range)):
            out.append(_plain(x, typed, scalars))
        elif isinstance(x, Tensor):
            if x.numel() != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            typed.append(x.dtype)
            out.append(x.item())
        elif isinstance(x, (np.ndarray, np.generic)):
            typed.append(_dtypes.from_numpy_dtype(x.dtype))
            out.append(x)
        else:
            if isinstance(x, (bool, int, float)):
                scalars.add(type(x))
            out.append(x)
    return out


def _python_typed(arr):
    if arr.dtype.kind == "f":
        return arr.astype(_dtypes.get_default_dtype().np)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.size == 0:
        return arr.astype(_dtypes.get_default_dtype().np)
    return arr


def _target_backend(data, device):
    if device is not None:
        return backends.get(device)
    if isinstance(data, Tensor):
        return backends.of(data._data)
    if hasattr(data, "__cuda_array_interface__"):
        return backends.of(data)
    return backends.get(None)  # the default device


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
                      ".requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    backend = _target_backend(data, device)
    arr = _host_array(data, _np_dtype(dtype)) if not isinstance(data, Tensor) else data._data
    if not isinstance(arr, backend.ndarray) and not isinstance(arr, np.ndarray):
        arr = np.asarray(arr)
    _dtypes.from_numpy_dtype(arr.dtype)  # rejects unsupported dtypes with PyTorch's message
    np_dtype = _np_dtype(dtype) or arr.dtype
    if arr.dtype.kind in "iu" and np_dtype.kind in "iu" and arr.size and not isinstance(
            data, (Tensor, np.ndarray)):
        _check_int_range(arr, np_dtype)
    if arr.dtype.kind == "f" and np_dtype.kind in "iu" and arr.size and not isinstance(
            data, (Tensor, np.ndarray)):
        _check_float_range(arr, np_dtype)
    out = backend.asarray(arr, dtype=np_dtype)
    if out is arr or (isinstance(data, Tensor) and out is data._data) or _shares(out, arr):
        out = out.copy()
    return _finish(out, requires_grad)


def _check_int_range(arr, np_dtype) -> None:
    """Python ints that do not fit an integer dtype: PyTorch's overflow error (a negative
    number an unsigned type can wrap is allowed, as c10's checked conversion allows it)."""
    if not (_dtypes.storable(int(arr.min()), np_dtype) and
            _dtypes.storable(int(arr.max()), np_dtype)):
        raise RuntimeError(f"value cannot be converted to type {np_dtype.name} without "
                           f"overflow")


def _check_float_range(arr, np_dtype) -> None:
    """Python floats into an integer dtype: NaN, infinities and values beyond the type are
    PyTorch's overflow error (others truncate)."""
    info = np.iinfo(np_dtype)
    if not (np.isfinite(arr).all() and arr.min() >= info.min and arr.max() <= info.max):
        raise RuntimeError(f"value cannot be converted to type {np_dtype.name} without "
                           f"overflow")


def _shares(out, arr) -> bool:
    return isinstance(out, np.ndarray) and isinstance(arr, np.ndarray) and (
        out.base is arr or (arr.base is not None and out.base is arr.base))


def as_tensor(data, dtype=None, device=None) -> Tensor:
    if isinstance(data, Tensor):
        return data.to(device=device if device is not None else data.device,
                       dtype=dtype if dtype is not None else data.dtype)
    backend = _target_backend(data, device)
    if isinstance(data, backend.ndarray):
        np_dtype = _np_dtype(dtype) or data.dtype
        _dtypes.from_numpy_dtype(np_dtype)
        return _wrap(canonical(data if data.dtype == np_dtype else data.astype(np_dtype)))
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray) -> Tensor:
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtypes.from_numpy_dtype(ndarray.dtype)
    return _wrap(canonical(ndarray))


def legacy_tensor(cls, *args, device=None, dtype=None, requires_grad=False, _typed=False):
    """torch.Tensor(...) and the typed constructors (torch.FloatTensor(...)): no argument gives
    an empty tensor, sizes (or a Size) an uninitialised one, a sequence or array a copy of it
    in the type's dtype; a tensor is returned as an alias (torch.Tensor takes any dtype, a
    typed constructor only its own)."""
    np_dtype = _np_dtype(dtype, _dtypes.get_default_dtype())
    if not args:
        return empty(0, dtype=np_dtype, device=device, requires_grad=requires_grad)
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if _typed and first._data.dtype != np_dtype:
            raise TypeError(f"expected {_dtypes.from_numpy_dtype(np_dtype)} (got {first.dtype})")
        return first.detach()
    if len(args) == 1 and isinstance(first, Size):
        args = tuple(first)
    elif len(args) == 1 and not isinstance(first, (int, np.integer)):
        if isinstance(first, str):
            raise TypeError("new(): invalid data type 'str'")
        if not hasattr(first, "__len__") and not hasattr(first, "__array__"):
            raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
        return tensor(first, dtype=np_dtype, device=device, requires_grad=requires_grad)
    return empty(*args, dtype=np_dtype, device=device, requires_grad=requires_grad)


def _size(size, name: str = "empty") -> tuple:
    """A factory's size arguments (ints, or one sequence of them) as a shape, refused in the
    words of PyTorch's argument parser for `name`."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    elif len(size) == 1 and not _is_index(size[0]):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size[0]).__name__}")
    shape = []
    for pos, s in enumerate(size, 1):
        if not _is_index(s):
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {pos} "
                            f"with error \"type must be tuple of ints,but got "
                            f"{type(s).__name__}\"")
        shape.append(int(s))
    if any(s < 0 for s in shape):
        bad = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {shape}")
    return tuple(shape)


def _is_index(s) -> bool:
    """An int, a NumPy integer or a one-element integer tensor (not a bool)."""
    if isinstance(s, Tensor):
        return s.numel() == 1 and s._data.dtype.kind in "iu"
    return isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))


def _filled(fill: str, size, dtype, device, requires_grad):
    backend = backends.get(device)
    np_dtype = _np_dtype(dtype, _dtypes.get_default_dtype())
    xp = backend.xp
    with _on(backend):
        data = getattr(xp, fill)(_size(size, fill), dtype=np_dtype)
    return _finish(data, requires_grad)


class _on:
    """Run array creation on the backend's device (a no-op for NumPy)."""

    def __init__(self, backend):
        self.ctx = getattr(backend, "_cuda_device", None)

    def __enter__(self):
        if self.ctx is not None:
            self.ctx.__enter__()

    def __exit__(self, *exc):
        if self.ctx is not None:
            self.ctx.__exit__(*exc)


def zeros(*size, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, **kw) -> Tensor:
    size = _size_keyword(size, kw, "zeros")
    _given(size, "zeros")
    flat = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list, Size)) else size
    if any(isinstance(s, int) and s < 0 for s in flat):  # (PyTorch words zeros' check so)
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return _filled("zeros", size, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, **kw) -> Tensor:
    size = _size_keyword(size, kw, "ones")
    _given(size, "ones")
    return _filled("ones", size, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None, **kw) -> Tensor:
    size = _size_keyword(size, kw, "empty")
    _given(size, "empty")
    return _filled("empty", size, dtype, device, requires_grad)


def _caller(depth: int) -> str:
    """The file of the function that called, `depth` frames up, past out= wrappers."""
    frame = sys._getframe(depth)
    while frame.f_code.co_filename.endswith(("out_arg.py", "_parser_words.py")):
        frame = frame.f_back
    return frame.f_code.co_filename


def _size_keyword(size: tuple, kw: dict, name: str) -> tuple:
    """zeros(size=(2, 3)): the size by keyword (PyTorch's TypeErrors for it given twice, or
    for another keyword)."""
    if not kw:
        return size
    for key in kw:
        if key != "size":
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
    if size:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    return (kw["size"],)


def _given(size: tuple, name: str) -> None:
    """A factory called with no size at all is PyTorch's TypeError (a 0-d tensor takes ());
    this library's own calls may splat an empty shape."""
    if not size and not _caller(3).startswith(_PACKAGE):
        from .ops._core import invalid_arguments, missing_arguments

        raise (invalid_arguments(name, (), False) if name.startswith("rand") else
               missing_arguments(name, "size"))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False) -> Tensor:
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    d = _dtypes.to_dtype(dtype) if dtype is not None else _dtypes.scalar_dtype(fill_value)
    backend = backends.get(device)
    if not isinstance(size, (tuple, list, Size)):  # (full takes no bare int)
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    with _on(backend):
        data = backend.xp.full(_size((size,), "full"),
                               _dtypes.scalar_for(fill_value, d.np), dtype=d.np)
    return _finish(data, requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    backend = backends.get(device)
    with _on(backend):
        data = backend.xp.eye(n, n if m is None else m,
                              dtype=_np_dtype(dtype, _dtypes.get_default_dtype()))
    return _finish(data, requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(*args, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    """arange(end), arange(start, end[, step]), by position or by name (PyTorch's parser: a
    lone start is not an end)."""
    if len(args) == 1 and not kw:
        args = (0, args[0])
    named = dict(zip(("start", "end", "step"), args))
    for key, value in kw.items():
        if key not in ("start", "end", "step"):
            raise TypeError(f"arange() got an unexpected keyword argument '{key}'")
        if key in named:
            raise TypeError(f"arange() got multiple values for argument '{key}'")
        named[key] = value
    if "end" not in named:
        from .ops._core import missing_arguments

        if args and kw:  # (arange(5, step=2): no signature takes it)
            raise TypeError(f"arange() received an invalid combination of arguments - got ("
                            f"{', '.join(type(a).__name__ for a in args)}, "
                            f"{', '.join(f'{k}={type(v).__name__}' for k, v in kw.items())}), "
                            f"but expected one of:")
        raise missing_arguments("arange", "end")
    start, end, step = (_num(named.get("start", 0)), _num(named["end"]),
                        _num(named.get("step", 1)))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not all(math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    is_float = any(isinstance(v, float) for v in (start, end, step))
    d = _dtypes.to_dtype(dtype) if dtype is not None else (
        _dtypes.get_default_dtype() if is_float else _dtypes.int64)
    if d is _dtypes.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    # PyTorch's integer arange from float arguments: int64 truncates all three first; the
    # other integer dtypes count the values in floats, then step by int(step) from int(start)
    ints_from_floats = not d.is_floating_point and is_float
    if ints_from_floats and d is _dtypes.int64:
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
    n = max(0, math.ceil((end - start) / step))
    if ints_from_floats:
        start, step = int(start), int(step)
    backend = backends.get(device)
    with _on(backend):
        data = (backend.xp.arange(n, dtype=np.float64) * step + start).astype(d.np) \
            if d.is_floating_point else \
            (backend.xp.arange(n, dtype=np.int64) * step + start).astype(d.np)
    return _finish(data, requires_grad)


def _range_ends(name: str, start, end, np_dtype, steps: int) -> tuple:
    """linspace's and logspace's ends as their kernels take them: no bool kernel (needed from
    two steps on); the ends stored in the dtype (an integer dtype's overflow error, or its
    wrap of a negative end)."""
    if np_dtype.kind == "b" and steps > 1:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
    if np_dtype.kind in "iu" or np_dtype == np.float16:
        start, end = (_dtypes.scalar_for(v, np_dtype) for v in (start, end))
    return start, end


def linspace(start, end, steps: int | None = None, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    if steps is None:  # (PyTorch's parser finds no signature without steps)
        from .ops._core import invalid_arguments

        raise invalid_arguments("linspace", (start, end), False)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    backend = backends.get(device)
    np_dtype = _np_dtype(dtype, _dtypes.get_default_dtype())
    start, end = _range_ends("linspace", _num(start), _num(end), np_dtype, steps)
    xp = backend.xp
    with _on(backend):
        if np.dtype(np_dtype).kind != "f" or steps < 2:
            data = xp.linspace(_num(start), _num(end), int(steps)).astype(np_dtype)
        else:  # PyTorch's kernel: the step in the result's dtype, then from the start up to
            # halfway and back from the end (so both ends are exact), each value rounded once
            # (as its fused multiply-add does: here the arithmetic runs in float64)
            # (half precision computes in float32, as PyTorch's opmath type)
            calc = np.dtype(np.float32) if np_dtype == np.float16 else np.dtype(np_dtype)
            wide = np.longdouble if calc == np.float64 else np.float64
            lo, hi = calc.type(_num(start)), calc.type(_num(end))
            step = wide((hi - lo) / calc.type(steps - 1))
            i = np.arange(steps, dtype=wide)
            host = np.where(i < steps // 2, wide(lo) + step * i, wide(hi) - step * (steps - 1 - i))
            data = backend.asarray(host.astype(calc).astype(np_dtype))
    return _finish(data, requires_grad)


def _like(input: Tensor, dtype, device):
    return (dtype if dtype is not None else input.dtype,
            device if device is not None else input.device)


def zeros_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False,
               layout=None, memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return zeros(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False,
              layout=None, memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return ones(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False,
               layout=None, memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return empty(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value, *, dtype=None, device=None,
              requires_grad: bool = False, layout=None, memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return full(input._data.shape, fill_value, dtype=dtype, device=device,
                requires_grad=requires_grad)


# -- random ------------------------------------------------------------------------------------
class Generator:
    """A seeded random stream on one device (torch.Generator)."""

    def __init__(self, device="cpu"):
        self._backend = backends.get(device)
        self.device = self._backend.device
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed: int) -> "Generator":
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        self._rng = self._backend.new_generator(seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        seed = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(seed)
        return seed

    def get_state(self) -> Tensor:
        """The whole state as a CPU uint8 tensor (set_state restores it; on CUDA the 16 bytes
        are the seed and the offset, as PyTorch's)."""
        raw = self._backend.generator_state(self)
        return from_numpy(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> "Generator":
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not _dtypes.uint8:
            raise TypeError(f"expected a torch.ByteTensor, but got {new_state.dtype}")
        self._backend.set_generator_state(self, new_state.numpy(force=True).tobytes())
        return self

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {id(self):#x}>"


_default_generators: dict = {}


def default_generator(backend) -> Generator:
    gen = _default_generators.get(backend)
    if gen is None:
        gen = _default_generators[backend] = Generator.__new__(Generator)
        gen._backend, gen.device = backend, backend.device
        gen.manual_seed(_seed_state["seed"])
    return gen


_seed_state = {"seed": DEFAULT_SEED}


def manual_seed(seed: int) -> Generator:
    """Seed every device's default generator (CPU and each CUDA device, now and later)."""
    _seed_state["seed"] = int(seed)
    for backend in backends.all_created():
        default_generator(backend).manual_seed(seed)
    return default_generator(backends.numpy_backend)


def initial_seed() -> int:
    return default_generator(backends.numpy_backend).initial_seed()


def seed() -> int:
    return default_generator(backends.numpy_backend).seed()


def _random(kind: str, size, generator, dtype, device, requires_grad, *extra):
    if generator is not None:
        backend = generator._backend
        if device is not None and backends.get(device) is not backend:
            raise RuntimeError(f"Expected a '{backends.get(device).device.type}' device type "
                               f"for generator but found '{backend.device.type}'")
    else:
        backend = backends.get(device)
        generator = default_generator(backend)
    default = _dtypes.int64 if kind == "randint" else _dtypes.get_default_dtype()
    np_dtype = _np_dtype(dtype, default)
    if kind != "randint" and np.dtype(np_dtype).kind != "f":
        from .ops.inplace import _legacy

        kernel = "normal_kernel_cpu" if kind == "randn" else "check_uniform_bounds"
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_legacy(_dtypes.from_numpy_dtype(np_dtype))}'")
    data = getattr(backend, kind)(generator._rng, *extra, _size(size, kind), np_dtype)
    return _finish(data, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False,
         out=None, layout=None, pin_memory=False, **kw) -> Tensor:
    size = _size_keyword(size, kw, "rand")
    _given(size, "rand")
    return _random("rand", size, generator, dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False,
         out=None, layout=None, pin_memory=False, **kw) -> Tensor:
    size = _size_keyword(size, kw, "randn")
    _given(size, "randn")
    return _random("randn", size, generator, dtype, device, requires_grad)


def randint(*args, size=None, generator=None, dtype=None, device=None,
            requires_grad: bool = False, out=None, layout=None, low=None, high=None) -> Tensor:
    """randint(high, size) or randint(low, high, size), by position or by name."""
    args = list(args)
    if size is None:
        if len(args) + (low is not None) + (high is not None) < 2:  # (no size)
            from .ops._core import invalid_arguments

            raise invalid_arguments("randint", tuple(args), False)
        size = args.pop()
    if high is not None:
        args.append(high)
    if low is not None:
        args.insert(0, low)
    low, high = (0, args[0]) if len(args) == 1 else tuple(args)
    for value in (low, high):
        if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
    if len(args) == 1 and isinstance(high, float):
        raise TypeError("randint(): argument 'high' (position 1) must be int, not float")
    if any(isinstance(v, float) for v in (low, high)):
        from .ops._core import invalid_arguments

        raise invalid_arguments("randint", (low, high, size), False)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    np_dtype = _np_dtype(dtype, _dtypes.int64)
    if np_dtype.kind in "biu" or np_dtype == np.float16:  # the dtype must hold from and to - 1
        lo, hi = (0, 1) if np_dtype.kind == "b" else (
            (np.iinfo(np_dtype).min, np.iinfo(np_dtype).max) if np_dtype.kind in "iu" else
            (-np.finfo(np_dtype).max, np.finfo(np_dtype).max))
        for words, value in (("from", low), ("to - 1", high - 1)):
            if not lo <= value <= hi:
                raise RuntimeError(f"{words} is out of bounds for "
                                   f"{_dtypes.C_NAMES[np_dtype.name]}")
    return _random("randint", (size,) if isinstance(size, int) else tuple(size), generator,
                   dtype, device, requires_grad, int(low), int(high))


def randperm(n: int, *, generator=None, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    backend = generator._backend if generator is not None else backends.get(device)
    gen = generator or default_generator(backend)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    data = backend.randperm(gen._rng, int(n), _np_dtype(dtype, _dtypes.int64))
    return _finish(data, requires_grad)


def rand_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False,
              generator=None, layout=None, memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return rand(input._data.shape, generator=generator, dtype=dtype, device=device,
                requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False,
               generator=None, layout=None, memory_format=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return randn(input._data.shape, generator=generator, dtype=dtype, device=device,
                 requires_grad=requires_grad)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype=None,
                 device=None, requires_grad: bool = False) -> Tensor:
    if high is None:
        low, high = 0, low
    dtype, device = _like(input, dtype, device)
    return randint(low, high, input._data.shape, dtype=dtype, device=device,
                   requires_grad=requires_grad)
