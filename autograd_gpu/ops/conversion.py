"""Copies and moves: to(device | dtype), clone, contiguous, float()/double()/long()/..."""
from __future__ import annotations

from .. import _dtypes, _layout, backends
from .._device import device as Device
from ..autograd.node import Node
from ..tensor import Tensor, _wrap
from ._core import method, not_tensor, record, recording, register


class ToCopyBackward0(Node):
    """The gradient goes back to the source's device and dtype."""

    __slots__ = ()

    def grad(self, F, g):
        return (F.to(g, self.backend, self.np_dtype),)


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dtype = a.device, a.dtype
        elif isinstance(a, _dtypes.dtype):
            dtype = a
        elif isinstance(a, (str, Device, int)) and not isinstance(a, bool):
            dev = a
        elif a is None:
            continue
        elif isinstance(a, bool):
            copy = a if dtype is not None or dev is not None else copy
        else:
            dtype = _dtypes.to_dtype(a)
    return dev, dtype, copy


@register("to")
@method("to")
def to(input: Tensor, *args, **kwargs) -> Tensor:
    fmt = kwargs.get("memory_format")
    if fmt is not None and fmt is not _layout.preserve_format:
        moved = to(input, *args, **{k: v for k, v in kwargs.items() if k != "memory_format"})
        return contiguous(moved, memory_format=fmt)
    dev, dtype, copy = _parse_to(args, dict(kwargs))
    src = backends.of(input._data)
    dst = src if dev is None else backends.get(dev)
    np_dtype = input._data.dtype if dtype is None else _dtypes.to_dtype(dtype).np
    if dst is src and np_dtype == input._data.dtype and not copy:
        return input
    data = input._data if dst is src else dst.asarray(input._data)
    data = data.astype(np_dtype) if data.dtype != np_dtype else (
        data.copy() if data is input._data else data)
    if recording(input):
        if np_dtype.kind != "f":
            return _wrap(data)  # integer results do not require grad
        res = record(ToCopyBackward0, data, (input,))
        res._edge[0].backend, res._edge[0].np_dtype = src, input._data.dtype
        return res
    return _wrap(data)


def _cast(name: str, dtype):
    def fn(self: Tensor, memory_format=None) -> Tensor:
        return to(self, dtype)

    fn.__name__ = name
    fn.__doc__ = f"self.to({dtype})"
    return fn


for _name, _dt in (("float", _dtypes.float32), ("double", _dtypes.float64),
                   ("half", _dtypes.float16), ("long", _dtypes.int64), ("int", _dtypes.int32),
                   ("short", _dtypes.int16), ("bool", _dtypes.bool_), ("byte", _dtypes.uint8),
                   ("char", _dtypes.int8)):
    method(_name)(_cast(_name, _dt))


@method("cpu")
def cpu(self: Tensor, memory_format=None) -> Tensor:
    return to(self, "cpu")


@method("cuda")
def cuda(self: Tensor, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
    if device is None:
        return to(self, "cuda")
    return to(self, device if not isinstance(device, int) else f"cuda:{device}")


@method("type_as")
def type_as(self: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("type_as", "other", 2, other)
    return to(self, other.dtype)


_LEGACY = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
           "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
           "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


# "torch.FloatTensor" -> ("float32", ""), "torch.cuda.LongTensor" -> ("int64", "cuda.")
_TYPE_NAMES = {f"torch.{where}{v}": (k, where) for k, v in _LEGACY.items()
               for where in ("", "cuda.")}


@method("type")
def type_(self: Tensor, dtype=None, non_blocking: bool = False):
    """Without an argument, the legacy type name (torch.FloatTensor); with one, a cast."""
    if dtype is None:
        where = "cuda." if self.device.type == "cuda" else ""
        return f"torch.{where}{_LEGACY[self.dtype.name]}"
    if isinstance(dtype, str):  # "torch.FloatTensor", "torch.cuda.LongTensor", "torch.Tensor"
        if dtype == "torch.Tensor":
            return to(self, _dtypes.get_default_dtype(), device="cpu")
        if dtype not in _TYPE_NAMES:
            raise ValueError(f"invalid type: '{dtype}'")
        name, where = _TYPE_NAMES[dtype]
        return to(self, getattr(_dtypes, name if name != "bool" else "bool_"),
                  device="cuda" if where else "cpu")
    if isinstance(dtype, type):  # torch.DoubleTensor, torch.cuda.FloatTensor
        return to(self, dtype.dtype, device="cuda" if dtype.is_cuda else "cpu")
    if not isinstance(dtype, _dtypes.dtype):
        raise TypeError("dtype must be a type, str, or dtype object")
    return to(self, dtype)


class CloneBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (g,)


@register()
@method("clone")
def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy; memory_format=torch.channels_last lays it out N, H, W, C (the default keeps a
    channels-last input so, as PyTorch's preserve_format)."""
    data = input._data
    if memory_format is None or memory_format is _layout.preserve_format:
        memory_format = _layout.channels_last if data.ndim == 4 and not data.flags.c_contiguous \
            and _layout.has_format(data, _layout.channels_last) else None
    out = data.copy() if memory_format is None else \
        _layout.in_format(backends.of(data).xp, data, memory_format)
    if recording(input):
        return record(CloneBackward0, out, (input,))
    return _wrap(out)


@method("contiguous")
def contiguous(input: Tensor, memory_format=None) -> Tensor:
    fmt = memory_format or _layout.contiguous_format
    _layout.check_rank(input._data.shape, fmt)
    if _layout.has_format(input._data, fmt):
        return input
    return clone(input, memory_format=fmt)


@method("is_contiguous")
def is_contiguous(input: Tensor, memory_format=None) -> bool:
    return _layout.has_format(input._data, memory_format or _layout.contiguous_format)
