"""Elementwise ops: arithmetic (broadcasting, PyTorch promotion), unary math, comparisons.

Each derivative sits under its forward and reuses the output where it can (exp, tanh,
sigmoid). Gradients of broadcast inputs are summed back to their shapes by the engine from
the node's `_reduce` record.
"""
from __future__ import annotations

import operator
import sys

import numpy as np

from .. import _dtypes, backends
from ..autograd.grad_mode import no_grad
from ..autograd.grad_mode import state as grad_state
from ..autograd.node import NO_EDGE, Node
from ..tensor import Tensor, _wrap
from ._core import (_called_as_method, cast_operands, invalid_arguments, method, not_tensor,
                    one_device, record, recording, reduce_info, register, save_output, to_float)
from .fusable import fused

_PY_SCALARS = (int, float, bool)


def _broadcast_error(a: Tensor, b: Tensor) -> RuntimeError:
    sa, sb = tuple(a._data.shape), tuple(b._data.shape)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor b "
                                f"({pb[i]}) at non-singleton dimension {i} (shapes {list(sa)} "
                                f"and {list(sb)} do not broadcast)")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} do not broadcast")


def tensor_pair(op: str, input, other, arg: str = "other", numbers: bool = False) -> tuple:
    """The operands of a binary op as PyTorch's argument parser and TensorIterator check them
    (before any dtype check): `input` (and `other`, unless `numbers` lets it be a Python
    number) a Tensor, both on one device, shapes that broadcast."""
    if not isinstance(input, Tensor):
        raise not_tensor(op, "input", 1, input)
    if not isinstance(other, Tensor):
        if numbers and isinstance(other, (int, float, bool, np.generic)):
            return input, other
        raise not_tensor(op, arg, 2, other)
    input, other = one_device(op, (input, other))
    if input._data.shape != other._data.shape:
        try:
            np.broadcast_shapes(input._data.shape, other._data.shape)
        except ValueError:
            raise _broadcast_error(input, other) from None
    return input, other


def _broadcast_chain_error(shapes: list) -> RuntimeError:
    """Shapes broadcast left to right; the first that does not fit what came before, as
    PyTorch words it (tensor a: the shapes so far, tensor b: the new one)."""
    acc = shapes[0]
    for shape in shapes[1:]:
        try:
            acc = np.broadcast_shapes(acc, shape)
        except ValueError:
            return _broadcast_error(_wrap(np.empty(acc)), _wrap(np.empty(shape)))
    return RuntimeError(f"shapes {[list(s) for s in shapes]} do not broadcast")


_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "** or pow()",
            "remainder": "%", "floor_divide": "//", "bitwise_and": "&", "bitwise_or": "|",
            "bitwise_xor": "^", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">",
            "ge": ">="}


def _scalar(value, op: str | None = None):
    """A Python number stays a (weak) Python number; NumPy scalars become Python ones."""
    if value.__class__ in _PY_SCALARS:
        return value
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        return value.item()
    if op in _SYMBOLS:  # (Python's words for `tensor + None`)
        raise TypeError(f"unsupported operand type(s) for {_SYMBOLS[op]}: 'Tensor' and "
                        f"'{type(value).__name__}'")
    raise TypeError(f"unsupported operand type(s): 'Tensor' and '{type(value).__name__}' "
                    f"(expected a Tensor or a Python number)")


def binary(cls: type, scalar_cls: type, fn, op: str, a: Tensor, b, save: bool) -> Tensor:
    """Forward of a broadcasting binary op; `b` may be a Python scalar (kept in node.c)."""
    ad = a._data
    if isinstance(b, Tensor):
        bd = b._data
        if ad.__class__ is not bd.__class__ or (ad.__class__ is not np.ndarray
                                               and ad.device != bd.device):
            a, b = one_device(op, (a, b))  # a 0-dim CPU tensor joins the other's device
            return binary(cls, scalar_cls, fn, op, a, b, save)
        if ad.dtype is not bd.dtype:
            ad, bd = cast_operands(op, a, b)
        try:
            out = fn(ad, bd)
        except ValueError:
            raise _broadcast_error(a, b) from None
        if grad_state.enabled and (a._edge is not NO_EDGE or b._edge is not NO_EDGE):
            saved = versions = None
            if save:  # (operands of another dtype are saved as computed with: an int32
                # factor must not make a float32 gradient float64)
                saved = (a, b) if ad is a._data and bd is b._data else (
                    computed_as(a, ad), computed_as(b, bd))
                if a._edge is NO_EDGE or b._edge is NO_EDGE:
                    versions = _needed_versions(cls, a, b)
            res = record(cls, out, (a, b), saved, versions)
            if ad.shape != bd.shape or ad is not a._data or bd is not b._data:
                res._edge[0]._reduce = reduce_info(a._data.shape, b._data.shape, out.shape,
                                                   a._data.dtype, b._data.dtype, out.dtype)
            return res
        return _wrap(out)
    b = _scalar(b, op)
    if ad.dtype.kind != "f":
        ad, b = cast_operands(op, a, b)
    out = fn(ad, b)
    if grad_state.enabled and a._edge is not NO_EDGE:
        # PyTorch saves a multiplying or dividing scalar (as a wrapped tensor), so a second
        # backward through the node fails without retain_graph: an empty saved tuple does that
        res = record(scalar_cls, out, (a,), (a,) if save else (
            () if scalar_cls in _SAVES_SCALAR else None))
        node = res._edge[0]
        if scalar_cls is not PowBackward0:  # the scalar shows as (None, 0), as in PyTorch's
            node.next_functions = (a._edge, NO_EDGE)  # (but for pow's exponent)
        node.c = b
        if ad is not a._data:
            node._reduce = ((a._data.shape, a._data.dtype),)
        return res
    return _wrap(out)


def _needed_versions(cls, a: Tensor, b: Tensor) -> tuple:
    """Versions to check at backward when one operand needs no gradient: a product's (or a
    quotient's dividend's) other factor is not read then, so changing it in place later is
    allowed, as PyTorch saves only what the needed gradients read."""
    va, vb = a._vc[0], b._vc[0]
    if cls is MulBackward0:
        return (va if b._edge is not NO_EDGE else None, vb if a._edge is not NO_EDGE else None)
    if cls is DivBackward0:
        return (va if b._edge is not NO_EDGE else None, vb)
    return (va, vb)


def computed_as(t: Tensor, array) -> Tensor:
    """`t` as an op computed with it (cast to the result's dtype): a stand-in to save that
    shares t's version counter, so an in-place change to t is still caught at backward, and
    that a create_graph backward replaces with t's differentiable cast."""
    if array is t._data:
        return t
    stand_in = _wrap(array)
    stand_in._vc = t._vc
    if t._edge is not NO_EDGE:  # a create_graph backward reads the cast of t itself, so
        stand_in._cast_of = t  # the gradient's own gradient reaches t (engine._unpack)
    return stand_in


def _pair(name: str, grad, scalar_grad, **attrs):
    """Node classes for tensor-tensor and tensor-scalar forms (PyTorch shows one name)."""
    cls = type(name, (Node,), {"__slots__": (), "grad": grad, **attrs})
    scls = type(name, (Node,), {"__slots__": (), "grad": scalar_grad})
    return cls, scls


# -- add / sub ---------------------------------------------------------------------------------
def _add_grad(self, F, g):
    return g, (g if self.alpha == 1 else g * self.alpha)


def _sub_grad(self, F, g):
    return g, (-g if self.alpha == 1 else g * -self.alpha)


AddBackward0, AddScalar = _pair("AddBackward0", _add_grad, lambda self, F, g: (g,), alpha=1)
SubBackward0, SubScalar = _pair("SubBackward0", _sub_grad, lambda self, F, g: (g,), alpha=1)


def _check_sub(a, b):
    a_bool = a._data.dtype == np.bool_
    b_bool = getattr(b, "dtype", None) is _dtypes.bool_ or isinstance(b, bool)
    if a_bool and b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")



def _times(y, alpha):
    """alpha * y in y's dtype (an integer alpha wraps as PyTorch's kernel casts it)."""
    return y * _dtypes.scalar_for(alpha, y.dtype, False)


def check_alpha(input, other, alpha, op: str = "add") -> None:
    """PyTorch's rules for add/sub's alpha (after the shapes are checked): a bool only for a
    bool result, a float only for a floating result."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        tensor_pair(op, input, other)
    rt = _dtypes.result_type(input, other)
    if alpha.__class__ is bool and rt is not _dtypes.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and not rt.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")


@register()
@method("add")
def add(input: Tensor, other, *, alpha=1) -> Tensor:
    if alpha.__class__ is int and alpha == 1:
        if not isinstance(input, Tensor):
            return add(other, input)
        return binary(AddBackward0, AddScalar, operator.add, "add", input, other, False)
    check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):  # a number plus alpha times a tensor
        return add(mul(other, alpha), input)
    if alpha == 1:
        return binary(AddBackward0, AddScalar, operator.add, "add", input, other, False)
    if not isinstance(other, Tensor):
        return binary(AddBackward0, AddScalar, operator.add, "add", input, other * alpha, False)
    out = binary(AddBackward0, AddScalar, lambda x, y: x + _times(y, alpha), "add", input, other,
                 False)
    if out.grad_fn is not None:
        out.grad_fn.alpha = alpha
    return out


@register()
@method("sub", "subtract")
def sub(input: Tensor, other, *, alpha=1) -> Tensor:
    if isinstance(input, Tensor):
        _check_sub(input, other)
    if alpha.__class__ is not int or alpha != 1:
        check_alpha(input, other, alpha, "sub")
    if not isinstance(input, Tensor):
        return rsub(other, input, alpha=alpha)
    if not isinstance(other, Tensor):
        return binary(SubBackward0, SubScalar, operator.sub, "sub", input,
                      _scalar(other, "sub") * alpha, False)
    out = binary(SubBackward0, SubScalar,
                 operator.sub if alpha == 1 else (lambda x, y: x - _times(y, alpha)),
                 "sub", input, other, False)
    if alpha != 1 and out.grad_fn is not None:
        out.grad_fn.alpha = alpha
    return out


RsubBackward1 = type("RsubBackward1", (Node,), {
    "__slots__": (), "alpha": 1, "grad": lambda s, F, g: (-g if s.alpha == 1 else g * -s.alpha,)})


@register()
def rsub(input: Tensor, other, *, alpha=1) -> Tensor:
    """other - alpha * input (PyTorch's torch.rsub)."""
    if alpha.__class__ is not int or alpha != 1:
        check_alpha(input, other, alpha, "rsub")
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    _check_sub(input, other)
    ad, c = cast_operands("rsub", input, _scalar(other))
    out = c - (ad if alpha == 1 else ad * alpha)
    if recording(input):
        res = record(RsubBackward1, out, (input,))
        res._edge[0].alpha = alpha
        return res
    return _wrap(out)


# -- mul / div ---------------------------------------------------------------------------------
def _mul_grad(self, F, g, a, b):
    """Only the gradients that an input needs (x * w with data x: one product, not two);
    both in one launch where the backend fuses them."""
    (fa, _), (fb, _) = self.next_functions
    if fa is not None and fb is not None:  # (fused() without its two calls: a hot path)
        kernels = F.fused_kernels
        return kernels["mul_backward"](g, a, b) if kernels else (g * b, g * a)
    return g * b if fa is not None else None, g * a if fb is not None else None


def _div_grad(self, F, g, a, b):
    (fa, _), (fb, _) = self.next_functions
    return g / b if fa is not None else None, -g * a / (b * b) if fb is not None else None


MulBackward0, MulScalar = _pair("MulBackward0", _mul_grad, lambda self, F, g: (g * self.c,))
DivBackward0, DivScalar = _pair("DivBackward0", _div_grad, lambda self, F, g: (g / self.c,))
_SAVES_SCALAR = (MulScalar, DivScalar)


@register()
@method("mul", "multiply")
def mul(input: Tensor, other) -> Tensor:
    if not isinstance(input, Tensor):
        return mul(other, input)
    if isinstance(other, Tensor):
        return binary(MulBackward0, MulScalar, operator.mul, "mul", input, other, True)
    return binary(MulBackward0, MulScalar, operator.mul, "mul", input, other, False)


@register()
@method("div", "divide", "true_divide")
def div(input: Tensor, other, *, rounding_mode: str | None = None) -> Tensor:
    if not isinstance(input, Tensor):
        return rdiv(other, input)
    if rounding_mode is not None:
        return _div_rounded(input, other, rounding_mode)
    if input._data.dtype.kind != "f" and (not isinstance(other, Tensor)
                                          or other._data.dtype.kind != "f"):
        input = input.to(_dtypes.get_default_dtype())  # true division of integers is a float
    if isinstance(other, Tensor):
        return binary(DivBackward0, DivScalar, operator.truediv, "div", input, other, True)
    return binary(DivBackward0, DivScalar, operator.truediv, "div", input, other, False)


def _div_rounded(input, other, mode):
    if mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{mode}'")
    with no_grad():
        input, other = tensor_pair("div", input, other, numbers=True)
        ad, bd = cast_operands("div", input, other)
        bd = bd._data if isinstance(bd, Tensor) else bd
        _no_bool_kernel(ad, f"div_{mode}_cpu")
        if ad.dtype.kind == "f":  # (floor: Python's floor division, as PyTorch's kernel:
            xp = backends.of(ad).xp  # -1.6 // 0.04 is -41 though -1.6 / 0.04 is -40.0)
            out = xp.trunc(ad / bd) if mode == "trunc" else xp.floor_divide(ad, bd)
        else:
            _check_int_divisor(ad, bd)
            out = ad // bd if mode == "floor" else _trunc_int_div(ad, bd)
    ins = (input, other) if isinstance(other, Tensor) else (input,)
    if recording(*ins):
        res = record(DivBackward2, out, ins)
        node = res._edge[0]
        node._reduce = tuple((t._data.shape, t._data.dtype) for t in ins)
        if len(ins) == 1:  # (a number divisor shows as (None, 0), as in PyTorch)
            node.next_functions, node._reduce = (input._edge, NO_EDGE), node._reduce + (None,)
        return res
    return _wrap(out)


def float_kernel_only(dtype, kernel: str) -> None:
    """Ops PyTorch computes in floating point only: its NotImplementedError for an integer or
    bool dtype (NumPy would compute them)."""
    if not dtype.is_floating_point:
        from .inplace import _legacy

        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_legacy(dtype)}'")


def _no_bool_kernel(result, kernel: str) -> None:
    """Division, remainder and pow have no bool kernel in PyTorch (NumPy would compute on
    int8)."""
    if result.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_int_divisor(a, b) -> None:
    """Integer division by zero is PyTorch's RuntimeError on the CPU (NumPy would warn and
    give 0). On a GPU the check would need a host sync, so there it is left out."""
    if a.dtype.kind in "iub" and getattr(b, "dtype", np.dtype(int)).kind in "iub" and a.size \
            and ((b.__class__ is np.ndarray and (b == 0).any()) or
                 (isinstance(b, (int, np.integer)) and b == 0)):
        raise RuntimeError("ZeroDivisionError")


def _trunc_int_div(a, b):
    xp = backends.of(a).xp
    q = xp.abs(a) // xp.abs(b)
    return xp.where((a < 0) != (b < 0), -q, q).astype(a.dtype)


class ZeroGradBackward(Node):
    """Ops that are piecewise constant (rounding): the gradient is zero everywhere."""

    __slots__ = ()

    def grad(self, F, g):
        return tuple(F.zeros_like(g) if fn is not None else None
                     for fn, _ in self.next_functions)


DivBackward2 = type("DivBackward2", (ZeroGradBackward,), {"__slots__": ()})  # (rounded)


@register()
def rdiv(input: Tensor, other) -> Tensor:
    """other / input for a Python scalar `other`: reciprocal, then a product, as PyTorch
    computes (and records) it."""
    x = input if input._data.dtype.kind == "f" else input.to(_dtypes.get_default_dtype())
    return mul(reciprocal(x), _scalar(other))


# -- pow ---------------------------------------------------------------------------------------
def _pow_scalar_grad(self, F, g, x):
    c = self.c
    if c == 0:
        return (g * 0,)
    return (g * c * x ** (c - 1),)


def _pow_grad(self, F, g, x, y):
    out = self.saved_output(F)
    gx = F.where(y == 0, 0.0, g * y * x ** (y - 1))
    gy = g * F.where((x == 0) & (y >= 0), 0.0, out * F.log(x))
    return gx, gy


PowBackward1 = type("PowBackward1", (Node,), {"__slots__": (), "grad": _pow_grad})
PowBackward0 = type("PowBackward0", (Node,), {"__slots__": (), "grad": _pow_scalar_grad})


def _pow_base_grad(self, F, g, x):
    c = self.c
    if c == 0:  # 0 ** x: x log 0 is 0 where x >= 0 (as PyTorch masks it), -inf below
        return (F.where(x >= 0, 0.0, g * (c ** x) * float("-inf")),)
    return (g * self.saved_output(F) * float(np.log(c)),)


PowBackward2 = type("PowBackward2", (Node,), {"__slots__": (), "grad": _pow_base_grad})


def _check_int_pow(base_kind: str, exponent) -> None:
    """A negative Python-integer exponent of an integer tensor is PyTorch's error."""
    if base_kind in "iu" and not isinstance(exponent, (Tensor, float)) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def _int_pow(a, b):
    """Integer ** integer arrays as PyTorch computes them: a negative exponent gives 1 for a
    base of 1, +-1 for -1 and 0 otherwise (NumPy refuses negative integer powers)."""
    xp = backends.of(a).xp
    if b.__class__ is np.ndarray and not (b < 0).any():
        return a ** b
    out = a ** xp.maximum(b, 0)
    odd = (b % 2) != 0
    neg = xp.where(a == 1, 1, xp.where(a == -1, xp.where(odd, -1, 1), 0)).astype(out.dtype)
    return xp.where(b < 0, neg, out)


def _pow_arrays(a, b):
    if a.dtype.kind in "iu" and getattr(b, "dtype", None) is not None and b.dtype.kind in "iu":
        return _int_pow(a, b)
    return operator.pow(a, b)


@register()
@method("pow")
def pow(input, exponent) -> Tensor:  # noqa: A001 - PyTorch's name
    if not isinstance(input, Tensor):
        return rpow(exponent, input)
    if isinstance(exponent, Tensor):
        if input._data.dtype == np.bool_ and exponent._data.dtype == np.bool_:
            _no_bool_kernel(input._data, "pow")
        return _saving_output(binary(PowBackward1, PowBackward0, _pow_arrays, "pow", input,
                                     exponent, True))
    if exponent.__class__ not in _PY_SCALARS:
        exponent = _scalar(exponent, "pow")
    _check_int_pow(input._data.dtype.kind, exponent)
    if input._data.dtype == np.float16 and exponent.__class__ is float:
        _dtypes.scalar_for(exponent, input._data.dtype)  # (PyTorch's overflow check)
    if input._data.dtype == np.bool_ and isinstance(exponent, bool):  # (stays bool)
        return _wrap(input._data.copy() if exponent else input._data | True)
    return binary(PowBackward1, PowBackward0, operator.pow, "pow", input, exponent, True)


@register()
def rpow(input: Tensor, base) -> Tensor:
    """base ** input for a Python scalar base."""
    c = _scalar(base)
    if isinstance(c, bool) and input._data.dtype == np.bool_:
        _no_bool_kernel(input._data, "pow")
    x = input if (input._data.dtype.kind == "f" or isinstance(c, int)) else input.to(
        _dtypes.get_default_dtype())
    if isinstance(c, int) and x._data.dtype.kind in "iu":  # (negative exponents: 1, +-1, 0)
        xp = backends.of(x._data).xp
        out = _int_pow(xp.asarray(c, dtype=x._data.dtype), x._data)
    else:
        out = c ** x._data
    if not isinstance(out, np.ndarray) and isinstance(out, np.generic):
        out = np.asarray(out)
    if recording(x):
        res = record(PowBackward2, out, (x,), (x,))
        res._edge[0].c = c
        save_output(res._edge[0], res)
        return res
    return _wrap(out)


def _saving_output(res: Tensor) -> Tensor:
    """A tensor ** tensor power keeps its output for the exponent's gradient (PyTorch's
    PowBackward1 saves it, so changing the output in place fails at backward)."""
    node = res._edge[0]
    if node.__class__ is PowBackward1:
        save_output(node, res)
    return res


@method("square")
@register()
def square(input: Tensor) -> Tensor:
    return pow(input, 2)


# -- unary math --------------------------------------------------------------------------------
_F16 = np.dtype(np.float16)

def unary(cls: type, fn, x: Tensor, save_input: bool = False, save_out: bool = False,
          floating: bool = True) -> Tensor:
    """Forward of an elementwise unary op (integer inputs give the default float)."""
    try:
        xd = x._data
    except AttributeError:  # (the op's name: the function that called this one)
        raise not_tensor(sys._getframe(1).f_code.co_name, "input", 1, x) from None
    if floating and xd.dtype.kind != "f":
        xd = to_float(xd)
    if xd.dtype is _F16:  # PyTorch computes half in float32 and rounds once (its opmath)
        out = fn(xd.astype(np.float32))
        if out.dtype == np.float32:
            out = out.astype(np.float16)
    else:
        out = fn(xd)
    if grad_state.enabled and x._edge is not NO_EDGE:
        res = record(cls, out, (x,), (x,) if save_input else None)
        if save_out:
            save_output(res._edge[0], res)
        return res
    return _wrap(out)


def _xp(t: Tensor):
    return backends.of(t._data).xp


def _def_unary(name: str, node: str, formula, save_input=False, save_out=False, floating=True,
               alias: tuple = (), kernel=None, no_bool: str | None = None,
               float_only: str | None = None):
    """Define an elementwise op `name` from the array module's function of that name (or
    kernel(xp)), with its node class and formula."""
    cls = type(node, (Node,), {"__slots__": (), "grad": formula})
    kernel = kernel or (lambda xp: getattr(xp, name))
    np_fn = kernel(np)  # bound once: the CPU path looks nothing up per call

    def op(input: Tensor, *, out=None) -> Tensor:
        if out is not None:  # (out= handled here, not by a wrapper: these ops are hot)
            from .out_arg import write_out

            return write_out(name, op, (input,), {}, out)
        try:
            data = input._data
        except AttributeError:
            raise not_tensor(name, "input", 1, input) from None
        if no_bool is not None and data.dtype == np.bool_:  # (PyTorch's kernel name)
            raise NotImplementedError(f"\"{no_bool}\" not implemented for 'Bool'")
        if float_only is not None and data.dtype.kind != "f":
            float_kernel_only(input.dtype, float_only)
        fn = np_fn if data.__class__ is np.ndarray else kernel(backends.of(data).xp)
        return unary(cls, fn, input, save_input, save_out, floating)

    op.__name__ = op.__qualname__ = name
    op._accepts_out = True  # (give_out_arguments leaves it unwrapped)
    op.__doc__ = f"Elementwise {name}, differentiable ({node})."
    register(name)(op)
    method(name, *alias)(op)
    return op, cls


exp, ExpBackward0 = _def_unary("exp", "ExpBackward0", lambda s, F, g: (g * s.saved_output(F),),
                               save_out=True)
log, LogBackward0 = _def_unary("log", "LogBackward0", lambda s, F, g, x: (g / x,),
                               save_input=True)
log1p, Log1PBackward0 = _def_unary("log1p", "Log1PBackward0",
                                   lambda s, F, g, x: (g / (x + 1),), save_input=True)
sqrt, SqrtBackward0 = _def_unary("sqrt", "SqrtBackward0",
                                 lambda s, F, g: (g / (2 * s.saved_output(F)),), save_out=True)
sin, SinBackward0 = _def_unary("sin", "SinBackward0", lambda s, F, g, x: (g * F.cos(x),),
                               save_input=True)
cos, CosBackward0 = _def_unary("cos", "CosBackward0", lambda s, F, g, x: (-g * F.sin(x),),
                               save_input=True)
tanh, TanhBackward0 = _def_unary(
    "tanh", "TanhBackward0", lambda s, F, g: (fused(F, "tanh_backward", g, s.saved_output(F)),),
    save_out=True)
abs, AbsBackward0 = _def_unary("abs", "AbsBackward0",  # noqa: A001
                               lambda s, F, g, x: (g * F.sign(x),), save_input=True,
                               floating=False, alias=("absolute",), no_bool="abs_cpu")


def _sigmoid_np(x):
    xp = backends.of(x).xp
    # 1 / (1 + e^-x), as PyTorch computes it: e^-x overflowing to inf gives exactly 0
    with np.errstate(over="ignore"):
        return 1 / (1 + xp.exp(-x))


SigmoidBackward0 = type("SigmoidBackward0", (Node,), {
    "__slots__": (),
    "grad": lambda s, F, g: (fused(F, "sigmoid_backward", g, s.saved_output(F)),)})


@register()
@method("sigmoid")
def sigmoid(input: Tensor) -> Tensor:
    return unary(SigmoidBackward0, _sigmoid_np, input, save_out=True)


class ThresholdBackwardBackward0(Node):
    """relu's gradient as a differentiable op of (g, y): g where y > 0; constant in y."""

    __slots__ = ()
    _saved_names = ("grad_output", "self")

    def grad(self, F, gg, g, y):
        return F.where(y > 0, gg, 0.0), F.zeros_like(gg)


class TanhBackwardBackward0(Node):
    """tanh's gradient g (1 - y^2) as a differentiable op of (g, y)."""

    __slots__ = ()
    _saved_names = ("grad_output", "output")

    def grad(self, F, gg, g, y):
        return gg * (1 - y * y), -2 * gg * g * y


class SigmoidBackwardBackward0(Node):
    """sigmoid's gradient g y (1 - y) as a differentiable op of (g, y)."""

    __slots__ = ()
    _saved_names = ("grad_output", "output")

    def grad(self, F, gg, g, y):
        return gg * y * (1 - y), gg * g * (1 - 2 * y)


_BACKWARD_OPS = {
    "relu": (ThresholdBackwardBackward0,
             lambda g, y: backends.of(g).xp.where(y > 0, g, 0).astype(g.dtype, copy=False)),
    "tanh": (TanhBackwardBackward0, lambda g, y: g * (1 - y * y)),
    "sigmoid": (SigmoidBackwardBackward0, lambda g, y: g * y * (1 - y))}


def backward_op(name: str, g: Tensor, y: Tensor) -> Tensor:
    """relu's, tanh's or sigmoid's backward under create_graph (a differentiable op of the
    incoming gradient and the saved output), recorded as PyTorch records it."""
    cls, value = _BACKWARD_OPS[name]
    out = value(g._data, y._data)
    return record(cls, out, (g, y), (g, y)) if recording(g, y) else _wrap(out)


ReluBackward0 = type("ReluBackward0", (Node,), {
    "__slots__": (),
    "grad": lambda s, F, g: (fused(F, "relu_backward", g, s.saved_output(F)),)})


@register()
@method("relu")
def relu(input: Tensor) -> Tensor:
    xd = input._data
    if xd.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return unary(ReluBackward0, _relu, input, save_out=True, floating=False)


def _relu(a):
    return backends.of(a).xp.maximum(a, 0)  # NaN stays NaN and -1 gives 0 (not -0), as PyTorch


NegBackward0 = type("NegBackward0", (Node,), {"__slots__": (), "grad": lambda s, F, g: (-g,)})


@register()
@method("neg", "negative", "__neg__")
def neg(input: Tensor) -> Tensor:
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return unary(NegBackward0, operator.neg, input, floating=False)


rsqrt, RsqrtBackward0 = _def_unary(
    "rsqrt", "RsqrtBackward0", lambda s, F, g: (g * -0.5 * s.saved_output(F) ** 3,), save_out=True,
    kernel=lambda xp: (lambda a: 1 / xp.sqrt(a)))
expm1, Expm1Backward0 = _def_unary("expm1", "Expm1Backward0",
                                   lambda s, F, g: (g * (s.saved_output(F) + 1),), save_out=True)


# -- the rest of the trigonometric and logarithm family (PyTorch's derivative formulas) --------
_LN2, _LN10 = float(np.log(2.0)), float(np.log(10.0))
tan, TanBackward0 = _def_unary("tan", "TanBackward0",
                               lambda s, F, g: (g * (1 + s.saved_output(F) * s.saved_output(F)),),
                               save_out=True)
sinh, SinhBackward0 = _def_unary("sinh", "SinhBackward0", lambda s, F, g, x: (g * F.cosh(x),),
                                 save_input=True)
cosh, CoshBackward0 = _def_unary("cosh", "CoshBackward0", lambda s, F, g, x: (g * F.sinh(x),),
                                 save_input=True)
asin, AsinBackward0 = _def_unary("asin", "AsinBackward0",
                                 lambda s, F, g, x: (g / F.sqrt(1 - x * x),), save_input=True,
                                 kernel=lambda xp: xp.arcsin, alias=("arcsin",))
acos, AcosBackward0 = _def_unary("acos", "AcosBackward0",
                                 lambda s, F, g, x: (-g / F.sqrt(1 - x * x),), save_input=True,
                                 kernel=lambda xp: xp.arccos, alias=("arccos",))
atan, AtanBackward0 = _def_unary("atan", "AtanBackward0",
                                 lambda s, F, g, x: (g / (1 + x * x),), save_input=True,
                                 kernel=lambda xp: xp.arctan, alias=("arctan",))
asinh, AsinhBackward0 = _def_unary("asinh", "AsinhBackward0",
                                   lambda s, F, g, x: (g / F.sqrt(x * x + 1),),
                                   save_input=True, kernel=lambda xp: xp.arcsinh,
                                   alias=("arcsinh",))
acosh, AcoshBackward0 = _def_unary("acosh", "AcoshBackward0",
                                   lambda s, F, g, x: (g / F.sqrt(x * x - 1),),
                                   save_input=True, kernel=lambda xp: xp.arccosh,
                                   alias=("arccosh",))
atanh, AtanhBackward0 = _def_unary("atanh", "AtanhBackward0",
                                   lambda s, F, g, x: (g / (1 - x * x),), save_input=True,
                                   kernel=lambda xp: xp.arctanh, alias=("arctanh",))
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
log2, Log2Backward0 = _def_unary("log2", "Log2Backward0", lambda s, F, g, x: (g / (x * _LN2),),
                                 save_input=True)
log10, Log10Backward0 = _def_unary("log10", "Log10Backward0",
                                   lambda s, F, g, x: (g / (x * _LN10),), save_input=True)


# -- rounding: piecewise constant, so zero gradients (as PyTorch); integers pass through -------
def _zero_grad(s, F, g):
    return (g * 0,)


floor, FloorBackward0 = _def_unary("floor", "FloorBackward0", _zero_grad, floating=False,
                                   no_bool="floor_vml_cpu")
ceil, CeilBackward0 = _def_unary("ceil", "CeilBackward0", _zero_grad, floating=False,
                                 no_bool="ceil_vml_cpu")
trunc, TruncBackward0 = _def_unary("trunc", "TruncBackward0", _zero_grad, floating=False,
                                   no_bool="trunc_vml_cpu",
                                   alias=("fix",))
fix = trunc
frac, FracBackward0 = _def_unary("frac", "FracBackward0", lambda s, F, g: (g,),
                                 kernel=lambda xp: (lambda a: a - xp.trunc(a)),
                                 float_only="frac_cpu")
RoundBackward0 = type("RoundBackward0", (Node,), {"__slots__": (), "grad": _zero_grad})


@register()
@method("round")
def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's name
    """Half to even, as PyTorch rounds; `decimals` rounds to that many decimal places."""
    if decimals and input._data.dtype.kind != "f":
        float_kernel_only(input.dtype, "round_cpu")
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"round_vml_cpu\" not implemented for 'Bool'")
    xp = _xp(input)
    if decimals:
        scale = 10.0 ** decimals
        return unary(RoundBackward0, lambda a: xp.round(a * scale) / scale, input,
                     floating=False)
    return unary(RoundBackward0, xp.round, input, floating=False)


ReciprocalBackward0 = type("ReciprocalBackward0", (Node,), {
    "__slots__": (), "grad": lambda s, F, g: (-g * s.saved_output(F) * s.saved_output(F),)})


@register()
@method("reciprocal")
def reciprocal(input: Tensor) -> Tensor:
    return unary(ReciprocalBackward0, lambda a: 1 / a, input, save_out=True)


class SignBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        return (g * 0,)


@register()
@method("sign")
def sign(input: Tensor) -> Tensor:
    return unary(SignBackward0, _sign, input, floating=False)


def _sign(a):
    if a.dtype == np.bool_:  # a bool's sign is itself
        return a.copy()
    xp = backends.of(a).xp
    out = xp.sign(a)
    if a.dtype.kind == "f":  # sign(NaN) is 0 in PyTorch (where: a 0-d result is a scalar)
        out = xp.where(out != out, out.dtype.type(0), out)
    return out


# -- clamp, maximum, minimum, where ------------------------------------------------------------
class ClampBackward1(Node):
    __slots__ = ()

    def grad(self, F, g, x):
        lo, hi = self.lo, self.hi
        mask = (x >= lo) if hi is None else (x <= hi) if lo is None else (x >= lo) & (x <= hi)
        return (F.where(mask, g, 0.0),)


class ClampBackward0(Node):
    """clamp with tensor bounds: the gradient goes to whichever of x, min, max was chosen."""

    __slots__ = ()

    def grad(self, F, g, x, lo, hi):
        below = x < lo if lo is not None else False
        above = x > hi if hi is not None else False
        gx = F.where(~(below | above) if lo is not None and hi is not None
                     else ~below if lo is not None else ~above, g, 0.0)
        if hi is not None and lo is not None:
            above = above | (lo > hi)
            below = below & ~(lo > hi)
        glo = F.where(below, g, 0.0) if lo is not None else None
        ghi = F.where(above, g, 0.0) if hi is not None else None
        return gx, glo, ghi


@register()
@method("clamp", "clip")
def clamp(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):  # (no overload of PyTorch's takes a number input)
        raise invalid_arguments("clamp", (input,) + tuple(v for v in (min, max) if v is not None),
                                False)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if not isinstance(min, (Tensor, type(None))) or not isinstance(max, (Tensor, type(None))):
            # (PyTorch has a number overload and a tensor overload, no mixture; the bounds
            # shown as keywords, as the common call clamp(x, min=..., max=...) shows them)
            raise TypeError(f"clamp() received an invalid combination of arguments - got "
                            f"(Tensor, max={type(max).__name__}, min={type(min).__name__}), "
                            f"but expected one of:")
        return _clamp_tensor(input, min, max)
    xp = backends.of(input._data).xp
    lo, hi = (None if v is None else _scalar(v) for v in (min, max))
    xd = input._data
    if xd.dtype.kind != "f":  # (bounds take part in the promotion: bool.clamp(0, 2) is int64)
        rt = _dtypes.result_type(input, *[v for v in (lo, hi) if v is not None]).np
        xd = xd.astype(rt, copy=False)
    lo, hi = (None if v is None else _dtypes.scalar_for(v, xd.dtype) for v in (lo, hi))
    out = xd
    if lo is not None:
        out = xp.maximum(out, xp.asarray(lo, dtype=xd.dtype)) if not isinstance(
            xd, np.ndarray) else np.maximum(out, lo)
    if hi is not None:
        out = xp.minimum(out, xp.asarray(hi, dtype=xd.dtype)) if not isinstance(
            xd, np.ndarray) else np.minimum(out, hi)
    if out is xd:
        out = xd.copy()
    if recording(input):
        res = record(ClampBackward1, out, (input,), (input,))
        res._edge[0].lo, res._edge[0].hi = lo, hi
        return res
    return _wrap(out)


@method("clamp_min")
def clamp_min(input: Tensor, min) -> Tensor:  # noqa: A002
    return clamp(input, min=min)


@method("clamp_max")
def clamp_max(input: Tensor, max) -> Tensor:  # noqa: A002
    return clamp(input, max=max)


def _clamp_tensor(input, lo, hi):
    ts = one_device("clamp", [t for t in (input, lo, hi) if t is not None])
    moved = iter(ts)
    input, lo, hi = (None if t is None else next(moved) for t in (input, lo, hi))
    xp = backends.of(input._data).xp
    rt = _dtypes.result_type(*ts).np  # (the bounds take part in the promotion)
    out = input._data.astype(rt, copy=False)
    try:
        if lo is not None:
            out = xp.maximum(out, lo._data.astype(rt, copy=False))
        if hi is not None:
            out = xp.minimum(out, hi._data.astype(rt, copy=False))
    except ValueError:
        raise _broadcast_chain_error([tuple(t.shape) for t in ts]) from None
    if recording(*ts):
        bounds = (input, lo, hi)
        res = record(ClampBackward0, out, ())
        node = res._edge[0]
        node.next_functions = tuple(t._edge if t is not None else NO_EDGE for t in bounds)
        node._saved = bounds
        node._versions = tuple(t._vc[0] if t is not None else None for t in bounds)
        node._reduce = tuple(None if t is None or (t._data.shape == out.shape and
                                                   t._data.dtype == out.dtype)
                             else (t._data.shape, t._data.dtype) for t in bounds)
        return res
    return _wrap(out)


class MaximumBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, a, b):
        half = F.where(a == b, g / 2, g)
        return F.where(a < b, 0.0, half), F.where(a > b, 0.0, half)


class MinimumBackward0(Node):
    __slots__ = ()

    def grad(self, F, g, a, b):
        half = F.where(a == b, g / 2, g)
        return F.where(a > b, 0.0, half), F.where(a < b, 0.0, half)


def _minmax(cls, name, input, other):
    input, other = tensor_pair(name, input, other)
    xp = backends.of(input._data).xp
    fn = xp.maximum if cls is MaximumBackward0 else xp.minimum
    return binary(cls, None, fn, name, input, other, True)


@register()
@method("maximum")
def maximum(input: Tensor, other: Tensor) -> Tensor:
    return _minmax(MaximumBackward0, "maximum", input, other)


@register()
@method("minimum")
def minimum(input: Tensor, other: Tensor) -> Tensor:
    return _minmax(MinimumBackward0, "minimum", input, other)


class WhereBackward0(Node):
    __slots__ = ()

    def grad(self, F, g):
        cond = self.cond
        return F.where(cond, g, 0.0), F.where(cond, 0.0, g)


@method("where")
def _where_method(self: Tensor, condition: Tensor, other) -> Tensor:
    """x.where(condition, y): x where condition holds, y elsewhere (torch.where(c, x, y))."""
    return where(condition, self, other)


@register()
def where(condition: Tensor, input=None, other=None) -> Tensor:
    if input is None and other is None:
        from .indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        given = (condition, other) if _called_as_method("where") else (condition, input, other)
        raise invalid_arguments("where", given, method_drops_first=False)
    if condition._data.dtype != np.bool_:
        from .inplace import _legacy

        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {_legacy(condition.dtype)}")
    tensors = one_device("where", [t for t in (condition, input, other)
                                   if isinstance(t, Tensor)])
    moved = iter(tensors)
    condition, input, other = (next(moved) if isinstance(t, Tensor) else t
                               for t in (condition, input, other))
    rt = _dtypes.result_type(*[v for v in (input, other)])
    xp = backends.of(condition._data).xp
    arrs = [v._data.astype(rt.np, copy=False) if isinstance(v, Tensor)
            else xp.asarray(_dtypes.scalar_for(v, rt.np, floats=False), dtype=rt.np)
            for v in (input, other)]
    try:
        out = xp.where(condition._data, arrs[0], arrs[1])
    except ValueError:
        raise _broadcast_chain_error([tuple(t.shape) for t in tensors]) from None
    ins = [v for v in (input, other) if isinstance(v, Tensor)]
    if recording(*ins):
        res = record(WhereBackward0, out, (), ())  # PyTorch saves the condition: freed after use
        node = res._edge[0]
        node.next_functions = tuple(v._edge if isinstance(v, Tensor) else NO_EDGE
                                    for v in (input, other))  # (no edge for the condition)
        node.cond = condition._data
        node._reduce = tuple(
            (v._data.shape, v._data.dtype) if isinstance(v, Tensor) and (
                v._data.shape != out.shape or v._data.dtype != out.dtype) else None
            for v in (input, other))
        return res
    return _wrap(out)


# -- comparisons and logic (no gradient) -------------------------------------------------------
def _compare(fn, name):
    def op(input, other) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' must be Tensor")
        if isinstance(other, Tensor):
            input, other = one_device(name, (input, other))
            ad, bd = cast_operands(name, input, other)
        else:
            ad, bd = cast_operands(name, input, _scalar(other))
        try:
            return _wrap(fn(ad, bd))
        except ValueError:
            raise _broadcast_error(input, other) from None

    op.__name__ = op.__qualname__ = name
    return op


eq = _compare(operator.eq, "eq")
ne = _compare(operator.ne, "ne")
lt = _compare(operator.lt, "lt")
le = _compare(operator.le, "le")
gt = _compare(operator.gt, "gt")
ge = _compare(operator.ge, "ge")
_COMPARABLE = (Tensor, int, float, bool, complex, np.generic, np.ndarray)


def _comparison_dunder(fn):
    """`t == None` is False, `t != "a"` True, `t < None` Python's TypeError: the operator
    leaves other types to Python, as PyTorch's does (torch.eq(t, None) still refuses)."""
    def dunder(self, other):
        if not isinstance(other, _COMPARABLE):
            return NotImplemented
        return fn(self, other)

    dunder.__name__ = dunder.__qualname__ = f"__{fn.__name__}__"
    return dunder


for _name, _fn in (("eq", eq), ("ne", ne), ("lt", lt), ("le", le), ("gt", gt), ("ge", ge)):
    method(_name)(_fn)
    method(f"__{_name}__")(_comparison_dunder(_fn))
method("greater")(gt)
method("less")(lt)
method("greater_equal")(ge)
method("less_equal")(le)
method("not_equal")(ne)


_KERNEL_NAMES = {"bitwise_left_shift": "lshift", "bitwise_right_shift": "rshift"}


def _logical(fn, name, numbers=True):
    kernel = _KERNEL_NAMES.get(name, name)

    def op(input, other=None) -> Tensor:
        if other is None:
            return _wrap(fn(input._data))
        input, other = tensor_pair(name, input, other, numbers=numbers)
        if isinstance(other, Tensor):
            ad, bd = cast_operands(name, input, other)
        else:
            ad, bd = cast_operands(name, input, _scalar(other))
        if ad.dtype.kind == "f" or (ad.dtype.kind == "b" and kernel.endswith("shift")):
            from .inplace import _legacy

            raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for "
                                      f"'{_legacy(_dtypes.FROM_NUMPY[ad.dtype])}'")
        return _wrap(fn(ad, bd))

    op.__name__ = name
    return op


bitwise_and = _logical(operator.and_, "bitwise_and")
bitwise_or = _logical(operator.or_, "bitwise_or")
bitwise_xor = _logical(operator.xor, "bitwise_xor")
method("bitwise_and", "__and__", "__rand__")(bitwise_and)
method("bitwise_or", "__or__", "__ror__")(bitwise_or)
method("bitwise_xor", "__xor__", "__rxor__")(bitwise_xor)


@method("bitwise_not")
def bitwise_not(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "f":
        from .inplace import _legacy

        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for "
                                  f"'{_legacy(input.dtype)}'")
    return _wrap(~input._data)


@method("__invert__")
def _invert(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return _wrap(~input._data)


@method("logical_not")
def logical_not(input: Tensor) -> Tensor:
    return _wrap(backends.of(input._data).xp.logical_not(input._data))


@method("logical_and")
def logical_and(input: Tensor, other: Tensor) -> Tensor:
    input, other = tensor_pair("logical_and", input, other)
    return _wrap(backends.of(input._data).xp.logical_and(input._data, other._data))


@method("logical_or")
def logical_or(input: Tensor, other: Tensor) -> Tensor:
    input, other = tensor_pair("logical_or", input, other)
    return _wrap(backends.of(input._data).xp.logical_or(input._data, other._data))


def array_predicate(name: str):
    """A Tensor method and function `name`: the array module's elementwise test of that name
    (a bool tensor, no derivative)."""
    def fn(input: Tensor) -> Tensor:
        return _wrap(getattr(backends.of(input._data).xp, name)(input._data))

    fn.__name__ = fn.__qualname__ = name
    return method(name)(fn)


isnan = array_predicate("isnan")
isinf = array_predicate("isinf")
isfinite = array_predicate("isfinite")


@method("floor_divide", "__floordiv__")
def floor_divide(input: Tensor, other) -> Tensor:
    """div(rounding_mode="floor") without a derivative: PyTorch defines none (backward
    through it raises), where div's floor mode has zero gradients."""
    with no_grad():
        out = _div_rounded(input, other, "floor")
    ins = [t for t in (input, other) if isinstance(t, Tensor)]
    if recording(*ins):
        res = record(NotImplementedBackward, out._data, tuple(ins))
        res._edge[0].op = "floor_divide"
        return res
    return out


class RemainderBackward1(Node):
    """a - b * q with q = floor(a / b) (remainder) or trunc(a / b) (fmod, FmodBackward1), q
    piecewise constant: the gradients are g and -g * q."""

    __slots__ = ()
    floor = True

    def grad(self, F, g, a, b):
        q = F.floor(a / b) if self.floor else F.trunc(a / b)
        return g, -g * q


FmodBackward1 = type("FmodBackward1", (RemainderBackward1,), {"__slots__": (), "floor": False})
# modulo a number: the gradient passes through
RemainderBackward0 = type("RemainderBackward0", (Node,), {"__slots__": (),
                                                          "grad": lambda s, F, g: (g,)})
FmodBackward0 = type("FmodBackward0", (RemainderBackward0,), {"__slots__": ()})


def number_tensor(number, other: Tensor) -> Tensor:
    """A Python number on the left of a tensor op, as a 0-d tensor of the result's kind on
    the tensor's device."""
    scalar = _scalar(number)
    dt = _dtypes.result_type(other, scalar).np
    return _wrap(backends.of(other._data).xp.asarray(_dtypes.scalar_for(scalar, dt, False),
                                                     dtype=dt))


def _mod(name: str, input: Tensor, other, floor: bool) -> Tensor:
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        input = number_tensor(input, other)
    input, other = tensor_pair(name, input, other, numbers=True)
    ad, bd = cast_operands(name, input, other)
    bd = bd._data if isinstance(bd, Tensor) else bd
    _no_bool_kernel(ad, f"{name}_cpu")
    _check_int_divisor(ad, bd)
    xp = backends.of(ad).xp
    out = xp.mod(ad, bd) if floor else xp.fmod(ad, bd)
    out = xp.asarray(out, dtype=out.dtype)
    if isinstance(other, Tensor) and recording(input, other):
        # (PyTorch saves both only for the divisor's gradient, which reads them)
        v = (input._vc[0], other._vc[0]) if other._edge is not NO_EDGE else (None, None)
        res = record(RemainderBackward1 if floor else FmodBackward1, out, (input, other),
                     (input, other), v)
        if ad.shape != bd.shape or ad is not input._data or bd is not other._data:
            res._edge[0]._reduce = reduce_info(input._data.shape, other._data.shape, out.shape,
                                               input._data.dtype, other._data.dtype, out.dtype)
        return res
    if not isinstance(other, Tensor) and recording(input):
        return record(RemainderBackward0 if floor else FmodBackward0, out, (input,))
    return _wrap(out)


@register()
@method("remainder", "__mod__")
def remainder(input: Tensor, other) -> Tensor:
    """Python's modulo: the result takes the divisor's sign."""
    return _mod("remainder", input, other, True)


@register()
@method("fmod")
def fmod(input: Tensor, other) -> Tensor:
    """C's fmod: the result takes the dividend's sign."""
    return _mod("fmod", input, other, False)


class NotImplementedBackward(Node):
    """PyTorch defines no derivative here (a scalar modulo a tensor): backward says so."""

    __slots__ = ()

    def name(self) -> str:
        return "torch::autograd::NotImplemented"  # (PyTorch's name() for it)

    def grad(self, F, g):
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


@method("__rmod__")
def _rmod(self: Tensor, other) -> Tensor:
    with no_grad():
        out = remainder(other, self)
    if recording(self):
        res = record(NotImplementedBackward, out._data, (self,))
        res._edge[0].op = "remainder"
        return res
    return out


@method("__rfloordiv__")
def _rfloordiv(self: Tensor, other) -> Tensor:
    """number // tensor: as floor_divide of the number (a 0-d tensor of self's kind)."""
    return floor_divide(number_tensor(other, self), self)


# -- operator dunders --------------------------------------------------------------------------
def _reflected(other, symbol: str):
    """`None + t`: Python's words (the other operand first), as PyTorch's operators give."""
    if other.__class__ not in _PY_SCALARS and not isinstance(other, (np.generic, np.ndarray)):
        raise TypeError(f"unsupported operand type(s) for {symbol}: '{type(other).__name__}' "
                        f"and 'Tensor'")


def _radd(self, other):
    _reflected(other, "+")
    return add(self, other)


def _rmul(self, other):
    _reflected(other, "*")
    return mul(self, other)


def _rsub_dunder(self, other):
    _reflected(other, "-")
    return rsub(self, other)


def _rtruediv(self, other):
    _reflected(other, "/")
    return rdiv(self, other)


def _rpow(self, other):
    _reflected(other, "** or pow()")
    return rpow(self, other)


for _n, _f in (("__add__", add), ("__radd__", _radd), ("__sub__", sub),
               ("__rsub__", _rsub_dunder), ("__mul__", mul), ("__rmul__", _rmul),
               ("__truediv__", div), ("__rtruediv__", _rtruediv), ("__pow__", pow),
               ("__rpow__", _rpow), ("__abs__", abs)):
    setattr(Tensor, _n, _f)
