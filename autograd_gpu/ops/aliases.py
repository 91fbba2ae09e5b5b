"""PyTorch's other spellings: the in-place form `f_` of every elementwise or shape-keeping op
`f` (written as `f` on the old value, then stored into the tensor, recorded as PyTorch
rebases it), the in-place view ops (unsqueeze_, t_, ...), and the bit shifts."""
from __future__ import annotations

import functools
import operator
import sys

from ..autograd.grad_mode import state as grad_state
from ..autograd.node import NO_EDGE, node_class
from ..tensor import Tensor
from ._core import method
from .inplace import LEAF_INPLACE, _iop, _unary_inplace, raise_as_named
from . import pointwise
from .pointwise import _logical, number_tensor

# ops whose result has the input's shape, so `t.f_(...)` can store `t.f(...)` into t
_ELEMENTWISE = (
    "absolute", "acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "addcdiv", "addcmul", "addmm", "addmv",
    "addr", "baddbmm", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "ceil",
    "clamp_max", "clamp_min", "copysign", "cos", "cosh", "cumprod", "cumsum", "deg2rad", "eq",
    "erf", "erfc", "erfinv", "exp2", "expm1", "fix", "float_power", "floor", "floor_divide",
    "fmod", "frac", "ge", "greater", "greater_equal", "gt", "heaviside", "hypot", "le", "lerp",
    "less", "less_equal", "log10", "log1p", "log2", "logical_and", "logical_not", "logical_or",
    "logical_xor", "logit", "lt", "nan_to_num", "ne", "negative", "not_equal", "rad2deg",
    "reciprocal", "remainder", "round", "rsqrt", "sgn", "sign", "sin", "sinc", "sinh", "square",
    "tan", "tril", "triu", "true_divide", "trunc", "xlogy", "bitwise_left_shift",
    "bitwise_right_shift")

bitwise_left_shift = method("bitwise_left_shift", "__lshift__")(
    _logical(operator.lshift, "bitwise_left_shift"))
bitwise_right_shift = method("bitwise_right_shift", "__rshift__")(
    _logical(operator.rshift, "bitwise_right_shift"))
Tensor.__rlshift__ = lambda self, other: bitwise_left_shift(number_tensor(other, self), self)
Tensor.__rrshift__ = lambda self, other: bitwise_right_shift(number_tensor(other, self), self)
Tensor.__ilshift__ = Tensor.bitwise_left_shift_ = _unary_inplace(
    "bitwise_left_shift_", bitwise_left_shift, True)
Tensor.__irshift__ = Tensor.bitwise_right_shift_ = _unary_inplace(
    "bitwise_right_shift_", bitwise_right_shift, True)

for _base in _ELEMENTWISE:
    if hasattr(Tensor, _base) and not hasattr(Tensor, _base + "_"):
        _unary_inplace(_base + "_", getattr(Tensor, _base),
                       pointwise_op=_base not in ("addmm", "addmv", "addr", "baddbmm", "lerp"))


_float_power_into = Tensor.float_power_


def float_power_(self: Tensor, exponent) -> Tensor:
    """In place, the base must already be float64 (the result's dtype), in PyTorch's words."""
    if self.dtype.name != "float64":
        from .inplace import _legacy

        raise RuntimeError(f"the base given to float_power_ has dtype {_legacy(self.dtype)} but "
                           f"the operation's result requires dtype Double")
    return _float_power_into(self, exponent)


Tensor.float_power_ = float_power_


def _no_inplace_derivative(base: str):
    """PyTorch defines no derivative for the in-place acosh_, asinh_ and atanh_: the value is
    written and recorded (as AcoshBackward1, ...), and a backward through it raises."""
    op = getattr(pointwise, base)
    forward = op.__name__  # (arccosh_ is acosh_: PyTorch names acosh in both)

    def grad(self, F, g, *saved):
        raise NotImplementedError(f"the derivative for 'inplace version of {forward}' is not "
                                  "implemented.")

    node = node_class(f"{forward.capitalize()}Backward1", getattr(
        pointwise, f"{forward.capitalize()}Backward0"), grad=grad)

    def recorded(input: Tensor) -> Tensor:
        out = op(input)
        if out._edge[0] is not None:
            out._edge[0].__class__ = node
        return out

    return _unary_inplace(base + "_", recorded, pointwise_op=True)


for _base in ("acosh", "asinh", "atanh", "arccosh", "arcsinh", "arctanh"):
    _no_inplace_derivative(_base)


# Python's augmented assignments, in place as PyTorch's (without them `a |= b` would rebind a
# to a new tensor of the promoted dtype)
for _dunder, _name in (("__iand__", "bitwise_and_"), ("__ior__", "bitwise_or_"),
                       ("__ixor__", "bitwise_xor_"), ("__ifloordiv__", "floor_divide_"),
                       ("__imod__", "remainder_")):
    setattr(Tensor, _dunder, _iop(getattr(Tensor, _name)))
Tensor.__idiv__ = Tensor.__itruediv__


# the nodes of the in-place view ops, named apart from their out-of-place ones
_INPLACE_VIEW_NODES = {"SqueezeBackward0": "SqueezeBackward3", "SqueezeBackward1":
                       "SqueezeBackward4", "SqueezeBackward2": "SqueezeBackward5",
                       "UnsqueezeBackward0": "UnsqueezeBackward1", "TBackward0": "TBackward1",
                       "TransposeBackward0": "TransposeBackward1",
                       "AsStridedBackward0": "AsStridedBackward1"}


def _view_inplace(name: str):
    """t.f_(...): t itself becomes the view f(t) (its shape changes; its history, when it has
    one, gains f's node)."""
    out_of_place = getattr(Tensor, name[:-1])

    def fn(self: Tensor, *args, **kwargs) -> Tensor:
        if grad_state.enabled and self._edge is not NO_EDGE and self.is_leaf:
            raise RuntimeError(LEAF_INPLACE)
        try:
            out = out_of_place(self, *args, **kwargs)
        except RuntimeError as exc:
            raise_as_named(exc, name)
        node = out._edge[0]
        renamed = _INPLACE_VIEW_NODES.get(type(node).__name__)
        if renamed is not None and node is not self._edge[0]:  # (PyTorch's in-place names)
            node.__class__ = node_class(renamed, type(node))
        self._data, self._edge = out._data, out._edge
        vc = self._vc  # (an in-place op: the version moves on, as PyTorch's)
        vc[0] += 1
        vc[1] = name
        return self

    fn.__name__ = name
    return method(name)(fn)


for _name in ("squeeze_", "unsqueeze_", "t_", "transpose_", "swapaxes_", "swapdims_",
              "as_strided_"):
    _view_inplace(_name)

# NumPy's spellings `axis=` for `dim=` and `keepdims=` for `keepdim=`, which PyTorch accepts
# in these functions too (as Tensor methods and at the top level)
_NUMPY_NAMED = {
    "reduction": ("sum", "mean", "max", "min", "argmax", "argmin", "std", "var", "prod", "amax",
                  "amin", "all", "any", "count_nonzero"),
    "composite": ("logsumexp", "median", "kthvalue", "cummax", "cummin", "std_mean",
                  "var_mean", "aminmax", "narrow", "select"),
    "extra": ("cumsum", "cumprod", "sort", "argsort"),
    "shape": ("squeeze", "unsqueeze", "unbind", "chunk", "cat", "stack"),
    "activation": ("softmax", "log_softmax"),
}


def _numpy_named(fn):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return op


for _module, _names in _NUMPY_NAMED.items():
    _mod = sys.modules[f"{__package__}.{_module}"]
    for _name in _names:
        _fn = getattr(_mod, _name, None)
        if _fn is not None:
            setattr(_mod, _name, _numpy_named(_fn))
        if getattr(Tensor, _name, None) is not None:
            setattr(Tensor, _name, _numpy_named(getattr(Tensor, _name)))

__all__ = ["bitwise_left_shift", "bitwise_right_shift"]
