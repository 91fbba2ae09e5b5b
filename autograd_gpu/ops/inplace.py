"""In-place ops (`add_`, `mul_`, `+=`, `x[i] = v`, ...): they write into the tensor's array and
bump its version counter.

When nothing is recorded (grad mode off, or nothing requires grad) the write is one in-place
array operation: this is the optimizer's path. When recording, the out-of-place op runs on a
snapshot of the tensor's old value and history, and the tensor takes the new node as its
history, as PyTorch rebases a tensor after an in-place op.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from .. import _dtypes, backends
from ..autograd.grad_mode import state as grad_state
from ..autograd.node import DEAD_EDGE, NO_EDGE, AccumulateGrad, Node, new_node, node_class
from ..tensor import InferenceTensor, Tensor, _wrap
from . import pointwise
from ._core import method, one_device, record, same_device
from . import views
from .indexing import index_error, int_out_of_range, normalize_index

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = ("a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.")


def _records(t: Tensor, others) -> bool:
    if not grad_state.enabled:
        return False
    if t._edge is not NO_EDGE:
        return True
    return any(isinstance(o, Tensor) and o._edge is not NO_EDGE for o in others)


def _check_target(t: Tensor, recording: bool) -> None:
    if t.__class__ is InferenceTensor and not grad_state.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                           "allowed.You can make a clone to get a normal tensor before doing "
                           "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                           "details.")
    if not grad_state.enabled:
        return
    if t._edge is not NO_EDGE and t._edge is not DEAD_EDGE and t.is_leaf:
        # (a leaf made from a view of a tensor that needs no grad: PyTorch names the view)
        raise RuntimeError(VIEW_OF_LEAF if t._view is not None else LEAF_INPLACE)
    custom = t.__dict__.get("_custom_view")
    if custom is not None:
        raise RuntimeError(
            f"Output {custom[0]} of {custom[1]} is a view and is being modified inplace. This "
            f"view was created inside a custom Function (or because an input was returned "
            f"as-is) and the autograd logic to handle view+inplace would override the custom "
            f"backward associated with the custom Function, leading to incorrect gradients. "
            f"This behavior is forbidden. You can fix this by cloning the output of the "
            f"custom Function.")
    multi = t.__dict__.get("_multi_view")
    if multi is not None:
        raise RuntimeError(
            f"Output {multi[0]} of {multi[1]} is a view and is being modified inplace. This "
            f"view is the output of a function that returns multiple views. Such functions do "
            f"not allow the output views to be modified inplace. You should replace the "
            f"inplace operation by an out-of-place one.")
    if "_no_grad_view" in t.__dict__:
        raise RuntimeError(
            "A view was created in no_grad mode and is being modified inplace with grad mode "
            "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. "
            "You can clarify your code by moving both the view and the inplace either both "
            "inside the no_grad block (if you don't want the inplace to be tracked) or both "
            "outside (if you want the inplace to be tracked).")
    view = t._view
    if view is not None:
        leaf = t.__dict__.get("_leaf_base", view[0])
        if leaf._edge is not NO_EDGE and leaf.is_leaf:
            raise RuntimeError(VIEW_OF_LEAF)


def _kinds_first(t: Tensor, op, args: tuple, kwargs: dict, early: str | None = None) -> None:
    """On the way to an in-place rule's or a broadcast error: PyTorch's argument parser
    refuses argument kinds before those checks, so run op on a copy (grad off) and raise its
    TypeError, if it has one (or a RuntimeError starting with `early`, an op's own check that
    also comes first)."""
    prev, grad_state.enabled = grad_state.enabled, False
    try:
        op(_wrap(t._data.copy()), *args, **kwargs)
    except TypeError as exc:
        raise exc from None
    except RuntimeError as exc:
        if early is not None and str(exc).startswith(early):
            raise exc from None
    except Exception:  # noqa: BLE001 - any other failure comes after the in-place rule
        pass
    finally:
        grad_state.enabled = prev


# in-place forms whose out-of-place op checks something before the broadcast
_EARLY = {"addcdiv_": "Integer division with addcdiv"}


def _commit(t: Tensor, edge: tuple) -> None:
    """Give t, just written in place, the history `edge` (rewriting its base's if a view)."""
    if t._view is not None:
        views.rebase(t, edge)
    else:
        t._edge = edge


def _check_cast(t: Tensor, result_dtype, name: str, target_name: str | None = None) -> None:
    tdt = _dtypes.FROM_NUMPY[t._data.dtype]
    if result_dtype._category > tdt._category:
        raise RuntimeError(f"result type {_legacy(result_dtype)} can't be cast to the desired "
                           f"output type {target_name or _legacy(tdt)}")


def _legacy(d) -> str:
    return _dtypes.LEGACY_NAMES[d.name]


def _write(t: Tensor, array, name: str) -> None:
    try:
        t._data[...] = array
    except ValueError as exc:
        if "read-only" in str(exc):
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.") from None
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast "
                           f"shape {list(np.broadcast_shapes(t._data.shape, array.shape))}"
                           ) from None
    _bump(t, name)


def _bump(t: Tensor, name: str) -> None:
    vc = t._vc
    vc[0] += 1
    vc[1] = name


def _snapshot(t: Tensor) -> Tensor:
    """t's old value and history, for the recorded out-of-place op to read."""
    old = _wrap(t._data.copy())
    old._edge = t._edge
    return old


def _check_result(t: Tensor, result: Tensor, name: str) -> None:
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the "
                           f"broadcast shape {list(result._data.shape)}")
    _check_cast(t, _dtypes.FROM_NUMPY[result._data.dtype], name)


def check_broadcast_into(t: Tensor, others) -> None:
    """An elementwise in-place op's operands must broadcast to t's own shape: checked before
    anything but the in-place rules themselves, as PyTorch's TensorIterator checks it."""
    _check_target(t, False)
    shape = t._data.shape
    for o in others:
        if isinstance(o, Tensor) and o._data.shape != shape:
            try:
                full = np.broadcast_shapes(shape, o._data.shape)
            except ValueError:
                raise pointwise._broadcast_error(t, o) from None
            if full != shape:
                raise RuntimeError(f"output with shape {list(shape)} doesn't match the "
                                   f"broadcast shape {list(full)}")


def apply(t: Tensor, name: str, op, *others, **kwargs) -> Tensor:
    """t = op(t, *others) in place: the shared path of every in-place op."""
    recording = _records(t, others + tuple(kwargs.values()))  # (clamp_(min=b): b counts)
    try:
        _check_target(t, recording)
    except RuntimeError:
        _kinds_first(t, op, others, kwargs)
        raise
    others = tuple(one_device(name, (t, o), inplace=True)[1] if isinstance(o, Tensor) else o
                   for o in others)
    if not recording:
        prev = grad_state.enabled
        grad_state.enabled = False
        try:
            result = op(t, *others, **kwargs)
        finally:
            grad_state.enabled = prev
        _check_result(t, result, name)
        _write(t, result._data, name)
        return t
    result = op(_snapshot(t), *others, **kwargs)
    _check_result(t, result, name)
    _write(t, result._data, name)
    edge = result._edge
    if edge[0].__class__ is pointwise.NotImplementedBackward:
        edge[0].op = name  # (its error names the in-place op: aten::floor_divide_)
    if edge[0] is not None and result._data.dtype != t._data.dtype:
        # the recorded op computed in a wider dtype; its gradient is this tensor's dtype
        from .conversion import ToCopyBackward0

        conv = record(ToCopyBackward0, t._data, (_wrap(t._data, edge),))
        conv._edge[0].backend, conv._edge[0].np_dtype = backends.of(t._data), result._data.dtype
        edge = conv._edge
    _commit(t, edge)
    return t


def inplace_option(name: str, node: str | None = None):
    """Give a function's `inplace=True` PyTorch's meaning: the result is written into the
    input, which is returned (with the in-place rules: no leaf that requires grad). `node`:
    the name PyTorch gives the in-place form's grad_fn, where it differs (EluBackward1)."""
    def deco(fn):
        index = list(inspect.signature(fn).parameters).index("inplace")

        @functools.wraps(fn)
        def op(*args, **kwargs):
            if len(args) > index:
                inplace, args = args[index], args[:index] + args[index + 1:]
            else:
                inplace = kwargs.pop("inplace", False)
            if not inplace:
                return fn(*args, **kwargs)
            out = apply(args[0], name, fn, *args[1:], **kwargs)
            grad_fn = out._edge[0]
            if node is not None and out._view is None and grad_fn is not None and \
                    grad_fn.__class__ is not AccumulateGrad:
                grad_fn.__class__ = node_class(node, grad_fn.__class__)
            return out

        return op

    return deco


def _fast_arith(t: Tensor, other, ufunc, name: str):
    """The unrecorded path of add_/sub_/mul_/div_: one in-place array op."""
    if isinstance(other, Tensor):
        other = one_device(name, (t, other), inplace=True)[1]
        rt = _dtypes.result_type(t, other)
        b = other._data
    else:
        b = pointwise._scalar(other)
        rt = _dtypes.result_type(t, b)
        b = _dtypes.scalar_for(b, rt.np, checked=False)
    _check_cast(t, rt, name)
    try:
        ufunc(t._data, b, out=t._data, casting="unsafe")
    except ValueError:
        try:
            shape = np.broadcast_shapes(t._data.shape, b.shape)
        except ValueError:  # the shapes do not broadcast at all
            raise pointwise._broadcast_error(t, other) from None
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the "
                           f"broadcast shape {list(shape)}") from None
    _bump(t, name)
    return t


def _arith(name: str, op, ufunc_name: str):
    def fn(self: Tensor, other, *, alpha=1) -> Tensor:
        if name == "sub_" and (self._data.dtype == np.bool_ or other.__class__ is bool or
                               getattr(other, "dtype", None) is _dtypes.bool_):
            pointwise._check_sub(self, other)  # (PyTorch refuses bool before the shapes)
        if other.__class__ is Tensor and other._data.shape != self._data.shape:
            check_broadcast_into(self, (other,))
        if alpha.__class__ is not int or alpha != 1:
            pointwise.check_alpha(self, other, alpha, name)
            if _dtypes.result_type(self, other) is _dtypes.bool_:
                alpha = bool(alpha)  # (a bool result scales by alpha as a bool)
            other = other * alpha
        if not _records(self, (other,)):
            _check_target(self, False)
            if name != "div_" or self._data.dtype.kind == "f":
                xp = backends.of(self._data).xp
                return _fast_arith(self, other, getattr(xp, ufunc_name), name)
        return apply(self, name, op, other)

    fn.__name__ = name
    return fn


add_ = method("add_")(_arith("add_", pointwise.add, "add"))
sub_ = method("sub_", "subtract_")(_arith("sub_", pointwise.sub, "subtract"))
mul_ = method("mul_", "multiply_")(_arith("mul_", pointwise.mul, "multiply"))
_true_div_ = _arith("div_", pointwise.div, "true_divide")


@method("div_", "divide_")
def div_(self: Tensor, other, *, rounding_mode=None) -> Tensor:
    if rounding_mode is None:
        return _true_div_(self, other)
    if isinstance(other, Tensor):
        check_broadcast_into(self, (other,))
    return apply(self, "div_", pointwise.div, other, rounding_mode=rounding_mode)


def _iop(fn):
    def dunder(self, other):
        return fn(self, other)

    return dunder


Tensor.__iadd__ = _iop(add_)
Tensor.__isub__ = _iop(sub_)
Tensor.__imul__ = _iop(mul_)
Tensor.__itruediv__ = _iop(div_)


# in-place ops that compute in the promoted dtype: a result dtype self cannot take is
# refused before the kernel runs (as PyTorch's TensorIterator refuses it)
_PROMOTING = frozenset({"bitwise_and_", "bitwise_or_", "bitwise_xor_", "bitwise_left_shift_",
                        "bitwise_right_shift_", "floor_divide_", "remainder_", "fmod_",
                        "hypot_"})


def raise_as_named(exc: Exception, name: str):
    """Re-raise the out-of-place op's error `exc` named as the in-place method `name` (its
    message starts "op(): " or "op() ", PyTorch's starts "op_()")."""
    words = str(exc)
    base = name[:-1]
    if words.startswith((base + "(): ", base + "() ")):
        # (an overload list counts the method's arguments, without the tensor itself)
        words = words.replace("invalid combination of arguments - got (Tensor, ", "invalid "
                              "combination of arguments - got (", 1)
        raise type(exc)(name + words[len(base):]) from None
    raise exc


def _unary_inplace(name: str, op, pointwise_op: bool = False):
    def fn(self: Tensor, *args, **kwargs) -> Tensor:
        if pointwise_op:
            try:
                check_broadcast_into(self, args + tuple(kwargs.values()))
            except RuntimeError as err:
                leaf = str(err) in (LEAF_INPLACE, VIEW_OF_LEAF)  # (before the op's own checks)
                try:
                    _kinds_first(self, op, args, kwargs, None if leaf else _EARLY.get(name))
                except TypeError as exc:
                    raise_as_named(exc, name)
                raise
        if name in _PROMOTING and args and isinstance(args[0], (Tensor, int, float, bool)):
            _check_cast(self, _dtypes.result_type(self, args[0]), name)
        if name in ("clamp_", "clip_"):
            bounds = [v for v in args + tuple(kwargs.values()) if v is not None]
            if all(isinstance(v, (Tensor, int, float, bool)) for v in bounds):
                # (with scalar bounds the kernel names the target as C++ does: "long int")
                scalar = not any(isinstance(v, Tensor) for v in bounds)
                _check_cast(self, _dtypes.result_type(self, *bounds), name,
                            _dtypes.C_NAMES[self._data.dtype.name] if scalar else None)
        try:
            return apply(self, name, op, *args, **kwargs)
        except TypeError as exc:
            raise_as_named(exc, name)

    fn.__name__ = name
    return method(name)(fn)


pow_ = _unary_inplace("pow_", pointwise.pow, True)
clamp_ = _unary_inplace("clamp_", pointwise.clamp, True)
clip_ = _unary_inplace("clip_", pointwise.clamp, True)
neg_ = _unary_inplace("neg_", pointwise.neg)
exp_ = _unary_inplace("exp_", pointwise.exp)
log_ = _unary_inplace("log_", pointwise.log)
sqrt_ = _unary_inplace("sqrt_", pointwise.sqrt)
abs_ = _unary_inplace("abs_", pointwise.abs)
relu_ = _unary_inplace("relu_", pointwise.relu)
sigmoid_ = _unary_inplace("sigmoid_", pointwise.sigmoid)
tanh_ = _unary_inplace("tanh_", pointwise.tanh)


def _special_inplace():
    from . import numeric

    _unary_inplace("lgamma_", numeric.lgamma)
    _unary_inplace("digamma_", numeric.digamma)
    _unary_inplace("polygamma_", lambda t, n: numeric.polygamma(n, t))
    from .._bessel import i0

    _unary_inplace("i0_", i0)


_special_inplace()


def _composite_inplace():
    from . import composite

    for name in ("scatter", "scatter_add", "index_add", "index_copy", "index_fill"):
        _unary_inplace(name + "_", getattr(composite, name))


_composite_inplace()
Tensor.__ipow__ = _iop(pow_)


class FillBackward2(Node):
    """fill_/zero_ overwrite everything: the old value's gradient is zero (PyTorch's
    zeros_like(grad), so a leaf behind it gets a zero .grad, not None)."""

    __slots__ = ()

    def grad(self, F, g):
        return (F.zeros_like(g),)


class ZeroBackward0(FillBackward2):
    __slots__ = ()


class FillBackward3(Node):
    """fill_ with a 0-d tensor value: the value gets the sum of the gradient."""

    __slots__ = ()

    def grad(self, F, g):
        return (F.zeros_like(g), F.sum(g))


def _overwrite(t: Tensor, name: str, array, cls: type, value=None) -> Tensor:
    recording = _records(t, (value,))
    _check_target(t, recording)
    _write(t, array, name)
    if recording:
        node = record(cls, t._data, (t,) if value is None else (t, value))._edge[0]
        _commit(t, (node, 0))
    return t


@method("fill_")
def fill_(self: Tensor, value) -> Tensor:
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value._data.ndim} dimensions.")
        return _overwrite(self, "fill_", backends.of(self._data).asarray(
            value._data, dtype=self._data.dtype), FillBackward3, value)
    return _overwrite(self, "fill_", _dtypes.scalar_for(pointwise._scalar(value), self._data.dtype),
                      FillBackward2)


@method("zero_")
def zero_(self: Tensor) -> Tensor:
    return _overwrite(self, "zero_", 0, ZeroBackward0)


class CopyBackwards(Node):
    """copy_: the gradient goes to the source (summed to its shape, in its dtype/device)."""

    __slots__ = ()

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"  # (PyTorch's name() for it)

    def grad(self, F, g):
        return None, F.to(F.sum_to(g, self.src_shape), self.src_backend, self.src_dtype)


@method("copy_")
def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    if not isinstance(src, Tensor):
        if isinstance(src, (int, float, bool)):  # (a number: copied as a 0-d tensor)
            return fill_(self, src)
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    # (an integer or bool target records nothing: it cannot require grad, as in PyTorch)
    recording = _records(self, (src,)) and self._data.dtype.kind == "f"
    _check_target(self, recording)
    backend = backends.of(self._data)
    data = src._data if backends.of(src._data) is backend else backend.asarray(src._data)
    check_broadcast_into(self, (src,))
    _write(self, data, "copy_")
    if recording:
        node = record(CopyBackwards, self._data, (self, src))._edge[0]
        node.src_shape, node.src_dtype = src._data.shape, src._data.dtype
        node.src_backend = backends.of(src._data)
        _commit(self, (node, 0))
    return self


class CopySlices(Node):
    """x[idx] = v: the old x gets the gradient outside the written region, v the inside."""

    __slots__ = ()

    def name(self) -> str:
        return "torch::autograd::CopySlices"  # (PyTorch's name() for it, namespace included)

    def grad(self, F, g):
        g_old = F.where(self.mask, 0.0, g)
        g_val = None
        if self.next_functions[1][0] is not None:
            g_val = g[self.index]
            if g_val.ndim < len(self.value_shape):  # (the value's leading ones were dropped)
                g_val = F.reshape(g_val, (1,) * (len(self.value_shape) - g_val.ndim)
                                  + tuple(g_val.shape))
            g_val = F.cast(F.sum_to(g_val, self.value_shape), self.value_dtype)
        return g_old, g_val


IndexPutBackward0 = type("IndexPutBackward0", (CopySlices,), {"__slots__": ()})  # x[ints] = v


def _put_without_leading_ones(self: Tensor, idx, data, kind: str, advanced: bool) -> None:
    """x[idx] = v where NumPy refused v: PyTorch first drops v's leading dims of size 1
    (x[0, 2] = tensor([1.5]) writes one element), which NumPy does not do down to a 0-d
    target. Anything else is PyTorch's expand or shape-mismatch error."""
    target = self._data[idx].shape
    shape = getattr(data, "shape", ())
    lead = len(shape) - len(target)
    if lead > 0 and all(n == 1 for n in shape[:lead]):
        try:
            self._data[idx] = data.reshape(shape[lead:])
            return
        except ValueError:
            pass
    raise _expand_error(shape, target, kind, advanced) from None


def _expand_error(value_shape: tuple, target: tuple, kind: str,
                  advanced: bool = False) -> RuntimeError:
    """A value that does not broadcast to the indexed region, in PyTorch's words (index_put's
    for an index with tensors or lists in it, expand's for slices and integers)."""
    value_shape, target = tuple(value_shape), tuple(target)
    mismatch = RuntimeError(f"shape mismatch: value tensor of shape {list(value_shape)} "
                            f"cannot be broadcast to indexing result of shape {list(target)}")
    if advanced:
        return mismatch
    core = value_shape
    while len(core) > len(target) and core[0] == 1:  # (leading ones are dropped first)
        core = core[1:]
    if len(core) > len(target):
        return RuntimeError(f"expand({kind}{{{list(value_shape)}}}, size={list(target)}): the "
                            f"number of sizes provided ({len(target)}) must be greater or "
                            f"equal to the number of dimensions in the tensor "
                            f"({len(value_shape)})")
    for i in range(1, min(len(value_shape), len(target)) + 1):
        v, t = value_shape[-i], target[-i]
        if v != t and v != 1:
            return RuntimeError(f"The expanded size of the tensor ({t}) must match the existing "
                                f"size ({v}) at non-singleton dimension {len(target) - i}.  "
                                f"Target sizes: {list(target)}.  Tensor sizes: "
                                f"{list(value_shape)}")
    return mismatch


def _through_a_view(shape: tuple, index) -> bool:
    """Whether PyTorch's indexing makes a view before writing (an integer, None, True/False
    or a slice that does not start at 0 with step 1 and run to the end), so that writing
    to a leaf says "a view of a leaf Variable"."""
    items = index if isinstance(index, tuple) else (index,)
    out_of_range = int_out_of_range(shape, items)
    if out_of_range is not None:  # (the indexing's error comes first)
        raise out_of_range

    def dims(item) -> int:
        if item is None or item is Ellipsis or isinstance(item, bool):
            return 0
        if isinstance(item, Tensor) and item._data.dtype == np.bool_:
            return max(item._data.ndim, 0)
        return 1

    ellipsis = len(shape) - sum(dims(item) for item in items)
    dim = 0
    for item in items:
        if item is Ellipsis:
            dim += max(ellipsis, 0)
            continue
        if item is None or isinstance(item, (bool, int, np.integer)):
            return True
        if isinstance(item, Tensor) and item._data.ndim == 0 and item._data.dtype != np.bool_:
            return True
        if isinstance(item, slice) and dim < len(shape):
            start, stop, step = item.start, item.stop, item.step
            if start not in (None, 0) or step not in (None, 1) or (
                    stop is not None and stop < shape[dim]):
                return True
        dim += dims(item)
    return False


@method("__setitem__")
def setitem(self: Tensor, index, value) -> None:
    if index is False and isinstance(value, (Tensor, int, float)):
        return  # x[False] = v selects nothing: PyTorch writes and checks nothing (not v's shape)
    if not isinstance(value, (Tensor, int, float, complex, np.generic)):  # (bool is an int)
        kind = type(value)
        name = kind.__name__ if kind.__module__ == "builtins" else \
            f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"can't assign a {name} to a {self.type()}")
    idx, advanced = normalize_index(self, index)
    if advanced and isinstance(value, Tensor) and value._data.dtype != self._data.dtype and not (
            value._data.size == 1 and isinstance(index, Tensor) and index.dtype is _dtypes.bool_):
        try:  # (a mask of the wrong shape is named first: PyTorch checks it before the dtypes,
            self._data[idx]  # and the bounds after)
        except IndexError as exc:
            error = index_error(exc, self, idx)
            if "mask" in str(error):
                raise error from None
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_legacy(self.dtype)} for the destination and "
                           f"{_legacy(value.dtype)} for the source.")
    if grad_state.enabled and self._edge is not NO_EDGE and self.is_leaf and \
            _through_a_view(tuple(self._data.shape), index):
        raise RuntimeError(VIEW_OF_LEAF)
    backend = backends.of(self._data)
    is_tensor = isinstance(value, Tensor)
    if is_tensor:
        if value._data.ndim > 0 or not isinstance(value._data, np.ndarray):
            same_device("index_put_", (self, value))
        data = backend.asarray(value._data) if not isinstance(
            value._data, backend.ndarray) else value._data
    else:
        data = pointwise._scalar(value) if not isinstance(value, (list, tuple)) else \
            backend.asarray(value, dtype=self._data.dtype)
    recording = _records(self, (value,) if is_tensor else ())
    _check_target(self, recording)
    if recording and self._view is not None:
        # through a view: write into a copy, then copy that back through the view machinery
        from .conversion import clone

        updated = clone(self)
        setitem(updated, index, value)
        copy_(self, updated)
        return
    old_edge = self._edge
    try:
        self._data[idx] = data
    except IndexError as exc:
        raise index_error(exc, self, idx) from None
    except (ValueError, TypeError) as exc:  # (TypeError: NumPy's word for a mask assignment
        if isinstance(exc, TypeError) and "boolean array indexing" not in str(exc):  # of too
            raise                                                                  # many dims)
        if "read-only" in str(exc):
            _write(self, self._data, "__setitem__")  # raises the read-only message
        _put_without_leading_ones(self, idx, data, value.type() if is_tensor else "", advanced)
    _bump(self, "__setitem__")
    if recording:
        mask = backend.xp.zeros(self._data.shape, dtype=bool)
        mask[idx] = True
        node = new_node(IndexPutBackward0 if advanced else CopySlices,
                        (old_edge, value._edge if is_tensor else NO_EDGE))
        node.mask, node.index = mask, idx
        if is_tensor:
            node.value_shape, node.value_dtype = value._data.shape, value._data.dtype
        self._edge = (node, 0)


@method("masked_fill_")
def masked_fill_(self: Tensor, mask: Tensor, value) -> Tensor:
    from .indexing import check_masked_fill_args, masked_fill

    check_masked_fill_args("masked_fill_", self, mask, value)
    check_broadcast_into(self, (mask,))

    return apply(self, "masked_fill_", masked_fill, mask, value)


def _c_number(v) -> str:
    """A number as C++ streams print a double (%g: 2.0 -> 2, 1e-07)."""
    return "%g" % v


def _random_fill(name: str):
    first, second = ("from", "to") if name == "uniform_" else ("mean", "std")

    def fn(self: Tensor, *args, generator=None, **kw) -> Tensor:
        from .. import creation

        low, high = (args + (0.0, 1.0)[len(args):])[:2]
        for key, value in kw.items():  # (uniform_(to=5), normal_(mean=1, std=2))
            if key in (first, second)[:len(args)]:
                raise TypeError(f"{name}() got multiple values for argument '{key}'")
            if key not in (first, second):
                raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
            low, high = (value, high) if key == first else (low, value)
        if name == "normal_" and not high >= 0:  # (checked before the kernel's dtype)
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_c_number(high)}")
        if self._data.dtype.kind not in "f":
            kernel = "check_uniform_bounds" if name == "uniform_" else \
                f"normal_kernel_{'cpu' if self._data.__class__ is np.ndarray else 'cuda'}"
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{_legacy(self.dtype)}'")
        if name == "uniform_" and low > high:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={_c_number(low)} > to={_c_number(high)}")
        backend = backends.of(self._data)
        gen = generator or creation.default_generator(backend)
        shape, np_dtype = self._data.shape, self._data.dtype
        fill = backend.uniform_fill if name == "uniform_" else backend.normal_fill
        data = fill(gen._rng, shape, np_dtype, low, high)
        _check_target(self, False)
        _write(self, data.astype(np_dtype, copy=False), name)
        return self

    fn.__name__ = name
    return method(name)(fn)


uniform_ = _random_fill("uniform_")
normal_ = _random_fill("normal_")
