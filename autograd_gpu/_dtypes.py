"""dtype objects with PyTorch's names, and PyTorch's type-promotion rules.

A dtype wraps one NumPy dtype (CuPy uses the same ones). Promotion follows PyTorch, not NumPy:
categories bool < integer < floating; dimensioned tensors outrank 0-d tensors, which outrank
Python scalars, so ``float32 + int64 -> float32`` and ``float16 * 2.5 -> float16``.
"""
from __future__ import annotations

import math

import numpy as np


class dtype:  # noqa: N801 - PyTorch's spelling
    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name: str, np_dtype: str, category: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize
        self._category = category

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"torch.{self.name}"  # (PyTorch's spelling, so printed programs agree)

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self) -> "dtype":
        return self


bool_ = dtype("bool", "bool", 0)
uint8 = dtype("uint8", "uint8", 1)
int8 = dtype("int8", "int8", 1)
int16 = dtype("int16", "int16", 1)
int32 = dtype("int32", "int32", 1)
int64 = dtype("int64", "int64", 1)
float16 = dtype("float16", "float16", 2)
float32 = dtype("float32", "float32", 2)
float64 = dtype("float64", "float64", 2)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
FROM_NUMPY = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}
ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
           "short": int16, "bool": bool_}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


class _Defaults:
    float = float32


_defaults = _Defaults()


def get_default_dtype() -> dtype:
    return _defaults.float


def set_default_dtype(d: dtype) -> None:
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _defaults.float = d


def from_numpy_dtype(np_dtype) -> dtype:
    try:
        return FROM_NUMPY[np_dtype]
    except KeyError:
        pass
    try:
        return FROM_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        t = np.dtype(np_dtype).type  # (named as PyTorch names it: numpy.str_, numpy.uint16)
        if t in (np.uint16, np.uint32, np.uint64, np.complex64, np.complex128):
            raise TypeError(f"can't convert np.ndarray of type {t.__module__}.{t.__name__}: "
                            f"PyTorch has that dtype, this library does not (convert it "
                            f"first, e.g. with .astype(np.int64))") from None
        raise TypeError(f"can't convert np.ndarray of type {t.__module__}.{t.__name__}. The "
                        f"only supported types are: float64, float32, float16, complex64, "
                        f"complex128, int64, int32, int16, int8, uint64, uint32, uint16, "
                        f"uint8, and bool.") from None


def to_dtype(d) -> dtype:
    """Accept an autograd_gpu dtype, a NumPy dtype or a Python type."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    return from_numpy_dtype(d)


def scalar_dtype(value) -> dtype:
    """The dtype PyTorch gives a Python scalar when it is the only source of a type."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return get_default_dtype()
    raise TypeError(f"expected a Python number, got {type(value).__name__}")


def check_dtype_args(op: str, **args) -> None:
    """Each argument (named as PyTorch names it, in order) must be a dtype: its parser's
    TypeError otherwise."""
    for position, (name, value) in enumerate(args.items(), 1):
        if not isinstance(value, dtype):
            raise TypeError(f"{op}(): argument '{name}' (position {position}) must be "
                            f"torch.dtype, not {type(value).__name__}")


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's promote_types: across categories the higher category wins outright
    (int64 + float32 -> float32, where NumPy would say float64)."""
    if a.__class__ is not dtype or b.__class__ is not dtype:
        check_dtype_args("promote_types", type1=a, type2=b)
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return FROM_NUMPY[np.promote_types(a.np, b.np)]


def _promote(a: dtype | None, b: dtype | None) -> dtype | None:
    if a is None:
        return b
    return a if b is None else promote_types(a, b)


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # c10's combine_categories: a lower-priority operand only counts when it lifts the
    # category (a float 0-d tensor or Python float turns an integer result into a float one).
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """PyTorch's torch.result_type over tensors (dimensioned or 0-d) and Python scalars."""
    dim = zero = wrapped = None
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            if op.ndim:
                dim = _promote(dim, d)
            else:
                zero = _promote(zero, d)
        else:
            wrapped = _promote(wrapped, scalar_dtype(op))
    return _combine(dim, _combine(zero, wrapped))


def storable(value: int, np_dtype) -> bool:
    """c10's checked conversion of an int to an integer dtype: in range, or a negative number
    an unsigned type wraps."""
    info = np.iinfo(np_dtype)
    return (-info.max if np_dtype.kind == "u" else info.min) <= value <= info.max


def float_result_type(*operands) -> dtype:
    """PyTorch's result dtype of floating kernels: the promoted dtype, the default float for
    integers and bools."""
    rt = result_type(*operands)
    return rt if rt.is_floating_point else get_default_dtype()


def scalar_for(value, np_dtype, checked: bool = True, floats: bool = True):
    """A Python number to store in an array of `np_dtype`. An int outside an integer dtype's
    range wraps as PyTorch's C++ casts wrap it; `checked` (a value stored as it is: fill,
    clamp bounds, where) first raises PyTorch's overflow error unless it is a negative number
    an unsigned type can wrap (c10's rule); arithmetic (`checked` False) always wraps, as
    uint8 + 300 adds 44. A float stored in an integer dtype must lie within its range (NaN
    and the infinities do not), as c10's checked conversion says, and a finite number stored
    in a floating dtype within its range (unless `floats` is False)."""
    if value.__class__ is float and checked and np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        if not info.min <= value <= info.max:
            raise _overflow(np_dtype)
        return value
    if checked and floats and np_dtype.kind == "f" and value.__class__ in (int, float) and \
            math.isfinite(value) and abs(value) > np.finfo(np_dtype).max:
        raise _overflow(np_dtype)  # (beyond float16's or float32's range; where's scalars
        # are let through, `floats` False, and become inf)
    if value.__class__ is not int or np_dtype.kind not in "iu":
        return bool(value) if np_dtype.kind == "b" and not checked and value.__class__ is int \
            else value
    info = np.iinfo(np_dtype)
    if info.min <= value <= info.max:
        return value
    if checked and not storable(value, np_dtype):
        raise _overflow(np_dtype)
    if not -2 ** 63 <= value < 2 ** 64:
        raise OverflowError("int too big to convert")
    return int(np.array(value % 2 ** 64, dtype=np.uint64).astype(np_dtype))


def _overflow(np_dtype) -> RuntimeError:
    name = {"int32": "int", "float16": "c10::Half", "float32": "float", "float64": "double",
            "bool": "bool"}.get(np_dtype.name, np_dtype.name + "_t")  # (c10's type names)
    return RuntimeError(f"value cannot be converted to type {name} without overflow")


# the legacy scalar-type names ("Float", "Long") and the C++ type names PyTorch's dtype
# errors print
LEGACY_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}
