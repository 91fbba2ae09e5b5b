"""What every op shares: recording a node, device checks, PyTorch's dtype promotion.

An op computes its output on raw arrays, then, only when grad mode is on and an input
requires grad, records one node that points at its inputs' edges and saves what its
derivative needs. Nothing else happens per op, so recording stays cheap.
"""
from __future__ import annotations

import dis
import sys
import traceback
import types

import numpy as np

from .. import _dtypes
from ..autograd.grad_mode import SAVED_HOOKS_OPEN, state as grad_state
from ..autograd.node import NO_EDGE, Node, SavedTensor, next_seq, pack_saved
from ..tensor import Tensor, _wrap

_new = object.__new__
REGISTRY: dict[str, object] = {}


def register(name: str | None = None):
    """Add an op to the table the tests walk (each op there needs a spec)."""
    def deco(fn):
        REGISTRY[name or fn.__name__] = fn
        return fn
    return deco


def method(*names: str):
    """Also expose a function as Tensor methods."""
    def deco(fn):
        for n in names:
            setattr(Tensor, n, fn)
        return fn
    return deco


def record(cls: type, out, inputs: tuple, saved: tuple | None = None,
           versions: tuple | None = None) -> Tensor:
    """Wrap `out` as the output of a new `cls` node whose inputs are `inputs` (Tensors).

    `saved`: Tensors the derivative reads (their versions are checked at backward, except
    where `versions` holds None). Call only when recording is on.
    """
    edges = []
    for t in inputs:
        view = t._view
        if view is not None and view[1] != t._vc[0]:
            from .views import refresh

            refresh(t)  # its base was modified in place after the view was taken
        edges.append(t._edge)
    node = _new(cls)  # (node.new_node's work, inline: this is every op's path)
    node.next_functions = tuple(edges)
    node._seq = next_seq()  # after any refresh above made a newer node for an input
    node._saved = saved
    if saved is not None:
        if versions is None:
            versions = []  # (a loop: a comprehension is a function call in Python 3.11)
            for t in saved:
                versions.append(t._vc[0])
        node._versions = tuple(versions)
        if SAVED_HOOKS_OPEN[0] and grad_state.saved_hooks is not None:
            node._saved = pack_saved(grad_state.saved_hooks, saved)
    if grad_state.anomaly:
        node._trace = user_stack()
    return _wrap(out, (node, 0))


_PACKAGE_DIR = __file__.rsplit("/ops/", 1)[0]


def user_stack() -> list:
    """The forward call's stack without this library's own frames (for anomaly mode)."""
    frames = traceback.extract_stack()[:-1]
    return traceback.format_list([f for f in frames if not f.filename.startswith(_PACKAGE_DIR)])


def recording(*tensors) -> bool:
    if not grad_state.enabled:
        return False
    for t in tensors:
        if t._edge is not NO_EDGE:
            return True
    return False


def save_output(node: Node, result: Tensor) -> None:
    """Keep the output's array for the derivative without keeping the output (no cycle)."""
    vc = result._vc
    if SAVED_HOOKS_OPEN[0] and grad_state.saved_hooks is not None:
        node._out = (SavedTensor(grad_state.saved_hooks, result), vc, vc[0])
    else:
        node._out = (result._data, vc, vc[0])
    if node._saved is None:
        node._saved = node._versions = ()


def describe(t: Tensor) -> str:
    return f"{t.device} (shape {tuple(t._data.shape)})"


def device_error(op: str, tensors) -> RuntimeError:
    devs = [str(t.device) for t in tensors]
    uniq = list(dict.fromkeys(devs))
    detail = ", ".join(f"operand {i} on {describe(t)}" for i, t in enumerate(tensors))
    return RuntimeError(
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{uniq[0]} and {uniq[1]}! (in {op}: {detail}). Move them to one device first, e.g. "
        f"with .to('{uniq[0]}') or .to('{uniq[1]}').")


def not_tensor(op: str, arg: str, position: int, value) -> TypeError:
    """PyTorch's TypeError for a non-Tensor argument where only a Tensor will do. Positions
    count as the call was written: `torch.atan2(t, 2)` names position 2, `t.atan2(2)`
    position 1 (read from the caller's bytecode, on this error path only)."""
    if position > 1 and _called_as_method(op):
        position -= 1
    return TypeError(f"{op}(): argument '{arg}' (position {position}) must be Tensor, not "
                     f"{type(value).__name__}")


def tensor_args(op: str, first: int = 1, /, optional: tuple = (), **args) -> None:
    """not_tensor's TypeError for the first of an op's tensor arguments (in order, the first
    at position `first`) that is not a Tensor; None passes for those named `optional`."""
    for position, (name, value) in enumerate(args.items(), first):
        if not isinstance(value, Tensor) and not (value is None and name in optional):
            raise not_tensor(op, name, position, value)


def invalid_arguments(op: str, given: tuple, method_drops_first: bool = True,
                      keywords: dict | None = None) -> TypeError:
    """The first line of PyTorch's "invalid combination of arguments" TypeError: the types
    of the arguments as the user passed them (a method call shows no self), keywords after
    the positional ones as name=type."""
    if method_drops_first and _called_as_method(op.rstrip("_") if op.endswith("_") else op):
        given = given[1:]
    got = ", ".join([type(v).__name__ for v in given] +
                    [f"{k}={type(v).__name__}" for k, v in (keywords or {}).items()])
    return TypeError(f"{op}() received an invalid combination of arguments - got ({got}), but "
                     f"expected one of:")


def int_dim(op: str, dim) -> None:
    """A dim where PyTorch takes one int only (not a tuple or list), in its words."""
    if not isinstance(dim, int) and not hasattr(dim, "__index__"):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")


def keepdim_without_dim(op: str, dtype=None) -> TypeError:
    """PyTorch's parser refuses keepdim (True or False) given without dim: no overload of a
    full reduction takes it."""
    if dtype is not None:
        return missing_arguments(op, "dim")
    got = "keepdim=bool, " if _called_as_method(op) else "Tensor, keepdim=bool"
    return TypeError(f"{op}() received an invalid combination of arguments - got ({got}), but "
                     f"expected one of:")


def missing_arguments(op: str, *names: str) -> TypeError:
    """PyTorch's argument parser's TypeError for required arguments not given (its grammar:
    "arguments" for one, "argument" for several)."""
    listed = ", ".join(f'"{n}"' for n in names)
    return TypeError(f"{op}() missing {len(names)} required positional "
                     f"{'arguments' if len(names) == 1 else 'argument'}: {listed}")


def _called_as_method(op: str) -> bool:
    """Whether the user's call to `op` was `tensor.op(...)` rather than `module.op(...)`."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return False
    code = [i for i in dis.get_instructions(frame.f_code) if i.offset <= frame.f_lasti]
    for k in range(len(code) - 1, 0, -1):
        if code[k].opname in ("LOAD_METHOD", "LOAD_ATTR") and code[k].argval in (op, op + "_"):
            return not isinstance(_loaded(code, k - 1, frame), types.ModuleType)
    return False


def _loaded(code: list, k: int, frame):
    """The object a chain of name and attribute loads ending at instruction k produced (None
    where it is anything else: a call, an operator...)."""
    ins = code[k]
    if ins.opname in ("LOAD_ATTR", "LOAD_METHOD"):
        base = _loaded(code, k - 1, frame)
        return getattr(base, ins.argval, None) if base is not None else None
    if ins.opname in ("LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST", "LOAD_DEREF"):
        for scope in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if ins.argval in scope:
                return scope[ins.argval]
    return None


def _cpu_scalar(t: Tensor) -> bool:
    d = t._data
    return d.__class__ is np.ndarray and d.ndim == 0


def one_device(op: str, tensors, inplace: bool = False) -> tuple:
    """The operands of an elementwise op on one device. As in PyTorch, a 0-dim CPU tensor joins
    tensors on another device as a number would (moved by a differentiable copy, so its gradient
    comes back to the CPU); an in-place op's target (the first tensor) never moves; any other mix
    raises the mixed-device error."""
    first = tensors[0]._data
    cls = first.__class__
    if all(t._data.__class__ is cls and (cls is np.ndarray or t._data.device == first.device)
           for t in tensors[1:]):
        return tuple(tensors)
    target = tensors[0] if inplace else next((t for t in tensors if not _cpu_scalar(t)))
    out = []
    for i, t in enumerate(tensors):
        if t.device == target.device:
            out.append(t)
        elif _cpu_scalar(t) and not (inplace and i == 0):
            out.append(t.to(target.device))
        else:
            raise device_error(op, tensors)
    return tuple(out)


def same_device(op: str, tensors) -> None:
    """Raise the mixed-device error unless every tensor's array lives on one device."""
    first = tensors[0]._data
    cls = first.__class__
    for t in tensors[1:]:
        d = t._data
        if d.__class__ is not cls or (cls is not np.ndarray and d.device != first.device):
            raise device_error(op, tensors)



def cast_operands(op: str, a: Tensor, b):
    """Arrays of `a` and `b` (a Tensor or Python scalar) in PyTorch's result dtype."""
    rt = _dtypes.result_type(a, b)
    ad = a._data
    if ad.dtype != rt.np:
        ad = ad.astype(rt.np)
    if isinstance(b, Tensor):
        bd = b._data
        if bd.dtype != rt.np:
            bd = bd.astype(rt.np)
        return ad, bd
    return ad, _dtypes.scalar_for(b, rt.np, checked=False)


def to_float(a):
    return a if a.dtype.kind == "f" else a.astype(_dtypes.get_default_dtype().np)



def wrap_dims(dim, ndim: int) -> tuple:
    from ..tensor import _wrap_dim

    if isinstance(dim, (list, tuple)):
        dims = tuple(_wrap_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            twice = next(d for i, d in enumerate(dims) if d in dims[:i])
            raise RuntimeError(f"dim {twice} appears multiple times in the list of dims")
        return dims
    return (_wrap_dim(dim, ndim),)


def reduce_info(a_shape, b_shape, out_shape, a_dtype, b_dtype, out_dtype):
    """Per input, (shape, dtype) to bring its gradient back to, or None when nothing to do."""
    ra = None if a_shape == out_shape and a_dtype == out_dtype else (a_shape, a_dtype)
    rb = None if b_shape == out_shape and b_dtype == out_dtype else (b_shape, b_dtype)
    return None if ra is None and rb is None else (ra, rb)
