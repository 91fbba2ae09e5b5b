"""torch.testing: assert_close (PyTorch's default tolerances per dtype and its mismatch
messages, for tensors, numbers and nested sequences and mappings of them) and make_tensor."""
from __future__ import annotations

import collections.abc
import math

import numpy as np

from . import _dtypes, creation
from .tensor import Tensor

__all__ = ["assert_close", "make_tensor"]

# (rtol, atol) by dtype; every other dtype compares exactly
_PRECISIONS = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A comparison failed: the exception type and message to raise, and where."""

    def __init__(self, kind: type, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def _type_name(obj) -> str:
    return "<class 'torch.Tensor'>" if isinstance(obj, Tensor) else str(type(obj))


def _tolerances(dtype_name: str, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    return _PRECISIONS.get(dtype_name, (0.0, 0.0))


def _mismatch_message(identifier: str, equality: bool, extra, abs_diff, abs_idx, atol,
                      rel_diff, rel_idx, rtol) -> str:
    def line(kind, diff, idx, tol):
        text = (f"{kind.title()} difference: {diff}" if idx is None else
                f"Greatest {kind} difference: {diff} at index {idx}")
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype) -> None:
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                        f"{type(expected)}.")
    kind = "float64" if isinstance(actual, float) or isinstance(expected, float) else "int"
    rtol, atol = _tolerances(kind, rtol, atol)
    if actual == expected or (equal_nan and math.isnan(actual) and math.isnan(expected)):
        return
    if not (math.isnan(actual) or math.isnan(expected)) and \
            abs(actual - expected) <= atol + rtol * abs(expected):
        return
    abs_diff = abs(actual - expected)
    rel_diff = math.inf if expected == 0 else abs_diff / abs(expected)
    raise _Mismatch(AssertionError, _mismatch_message(
        "Scalars", rtol == 0 and atol == 0, f"Expected {expected} but got {actual}.",
        abs_diff, None, atol, rel_diff, None, rtol))


def _compare_tensors(actual: Tensor, expected: Tensor, rtol, atol, equal_nan, check_device,
                     check_dtype, check_stride) -> None:
    def differ(attribute, a, b):
        raise _Mismatch(AssertionError, f"The values for attribute '{attribute}' do not "
                                        f"match: {a} != {b}.")

    if actual.shape != expected.shape:
        differ("shape", actual.shape, expected.shape)
    if check_device and actual.device != expected.device:
        differ("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        differ("dtype", actual.dtype, expected.dtype)
    if check_stride and actual.stride() != expected.stride():
        differ("stride()", actual.stride(), expected.stride())
    dtype = actual.dtype if actual.dtype == expected.dtype else \
        _dtypes.promote_types(actual.dtype, expected.dtype)
    a = actual.detach().numpy(force=True).astype(dtype.np, copy=False)
    e = expected.detach().numpy(force=True).astype(dtype.np, copy=False)
    rtol, atol = _tolerances(dtype.name, rtol, atol)
    floating = a.dtype.kind == "f"
    if floating:
        matches = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:
        matches = np.abs(a.astype(np.int64) - e.astype(np.int64)) <= atol + rtol * np.abs(
            e.astype(np.int64))
    if matches.all():
        return
    equality = rtol == 0 and atol == 0
    if a.shape == ():
        x, y = a.item(), e.item()
        abs_diff = abs(x - y)
        rel_diff = math.inf if y == 0 else abs_diff / abs(y)
        raise _Mismatch(AssertionError, _mismatch_message(
            "Scalars", equality, f"Expected {y} but got {x}.", abs_diff, None, atol, rel_diff,
            None, rtol))
    a, e, hits = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if not floating:
        a, e = a.astype(np.int64), e.astype(np.int64)
    abs_diff = np.abs(a - e)
    abs_diff[hits] = 0
    real = a.dtype if floating else np.float32  # (PyTorch divides integers in float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_diff = abs_diff.astype(real) / np.abs(e).astype(real)
    rel_diff[hits] = 0
    n = matches.size
    wrong = n - int(matches.sum())

    def largest(values):  # torch.max's value and first index, NaN counting as largest
        nan = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
        i = int(np.argmax(nan)) if nan.any() else int(np.argmax(values))
        return values[i].item(), tuple(int(k) for k in np.unravel_index(i, matches.shape))

    (ad, ai), (rd, ri) = largest(abs_diff), largest(rel_diff)
    raise _Mismatch(AssertionError, _mismatch_message(
        "Tensor-likes", equality, f"Mismatched elements: {wrong} / {n} ({wrong / n:.1%})",
        ad, ai, atol, rd, ri, rtol))


def _compare(actual, expected, path: str, options: dict) -> None:
    try:
        if actual is None or expected is None:
            if actual is not expected:
                raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}")
            return
        if isinstance(actual, Tensor) and isinstance(expected, Tensor):
            return _compare_tensors(actual, expected, **options)
        if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
            if bool(actual) != bool(expected):
                raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
            return
        numbers = (int, float)
        if isinstance(actual, numbers) and isinstance(expected, numbers) and not isinstance(
                actual, bool) and not isinstance(expected, bool):
            return _compare_numbers(actual, expected, options["rtol"], options["atol"],
                                    options["equal_nan"], options["check_dtype"])
    except _Mismatch as exc:
        if path:
            exc.message += f"\n\nThe failure occurred for item {path}"
        raise
    sequence = (collections.abc.Sequence, )
    if isinstance(actual, sequence) and isinstance(expected, sequence) and not isinstance(
            actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: "
                                            f"{len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, f"{path}[{i}]", options)
        return
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        if set(actual) != set(expected):
            missing = sorted(set(expected) - set(actual), key=repr)
            extra = sorted(set(actual) - set(expected), key=repr)
            raise _Mismatch(AssertionError, "The keys of the mappings do not match:\n"
                            + (f"Missing keys in the actual mapping: {missing}\n" if missing
                               else "")
                            + (f"Additional keys in the actual mapping: {extra}" if extra else ""))
        for key in expected:
            _compare(actual[key], expected[key], f"{path}[{key!r}]", options)
        return
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                               f"{_type_name(actual)} and {_type_name(expected)}.")


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol=None, atol=None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless actual and expected are close: tensors elementwise within
    atol + rtol * |expected| (defaults by dtype, as PyTorch's), with equal shape, device and
    dtype; numbers likewise; sequences and mappings item by item."""
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                   check_dtype=check_dtype, check_stride=check_stride)
    try:
        _compare(actual, expected, "", options)
    except _Mismatch as exc:
        message = exc.message
        if msg is not None:
            message = msg(message) if callable(msg) else str(msg)
        raise exc.kind(message) from None


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format=None) -> Tensor:
    """A tensor of random values: uniform in [low, high) (default [-9, 9] for floats and
    signed integers, [0, 10) for uint8), random booleans for bool."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dtype = _dtypes.to_dtype(dtype)
    if dtype is _dtypes.bool_:
        out = creation.randint(0, 2, shape, device=device).to(dtype)
    elif dtype.is_floating_point:
        lo = -9.0 if low is None else float(low)
        hi = 9.0 if high is None else float(high)
        if lo > hi:
            raise ValueError(f"`low` must be less than or equal to `high`, but got {lo} > {hi}")
        out = creation.rand(*shape, dtype=dtype, device=device) * (hi - lo) + lo
    else:
        lo = (0 if dtype is _dtypes.uint8 else -9) if low is None else math.ceil(low)
        hi = 10 if high is None else math.ceil(high)
        out = creation.randint(lo, hi, shape, dtype=dtype, device=device)
    if exclude_zero:
        tiny = float(np.finfo(dtype.np).tiny) if dtype.is_floating_point else 1
        out = out.masked_fill(out == 0, tiny)
    if noncontiguous and out.numel() > 1:
        out = out.repeat_interleave(2, dim=-1)[..., ::2]
    return out.requires_grad_(requires_grad) if requires_grad else out
