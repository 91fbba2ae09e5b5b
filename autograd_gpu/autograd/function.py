"""Custom differentiable functions: autograd.Function with forward(ctx, ...)/backward(ctx, ...).

`MyFn.apply(*args)` runs forward without recording, then makes one node (the `ctx` itself,
named `MyFnBackward`) whose derivative calls MyFn.backward. backward gets Tensors; under
create_graph=True its ops are recorded, so a backward written with tensor ops can be
differentiated again.
"""
from __future__ import annotations

import functools

from ..tensor import Tensor, _wrap
from .grad_mode import SAVED_HOOKS_OPEN, no_grad, state
from .node import FREED, RETAIN_HINT, Node, SavedTensor, new_node, pack_saved


class FunctionCtx(Node):
    """The `ctx` of forward and backward; also the graph node of one apply()."""

    __slots__ = ()
    materialize_grads = True
    _to_save = ()
    _non_differentiable = frozenset()
    _dirty = frozenset()
    _output_nrs = None  # per saved tensor: its output number where it is an output

    def save_for_backward(self, *tensors) -> None:
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{i} is of type {type(t).__name__}")
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is FREED:
            raise RuntimeError(RETAIN_HINT)
        if saved is None:
            return tuple(self._to_save)
        from .engine import _version_error, unpack_saved

        out = []
        for i, (t, v) in enumerate(zip(saved, self._versions)):
            if t is not None and t.__class__ is SavedTensor:
                t = unpack_saved(self, t, v)
            elif t is not None and v is not None and t._vc[0] != v:
                raise _version_error(self, t, v, self._output_nrs and self._output_nrs[i])
            out.append(t)
        return tuple(out)

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_differentiable = frozenset(id(t) for t in tensors)

    def mark_dirty(self, *tensors) -> None:
        self._dirty = frozenset(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    def grad(self, F, *args):
        grads = args[:self.num_outputs]
        to_tensor = (lambda g: g) if F.tensors else (
            lambda g: None if g is None else _wrap(g))
        result = self._fn_cls.backward(self, *[to_tensor(g) for g in grads])
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self._input_shapes)
        if len(result) != expected:
            if len(result) > expected and all(r is None for r in result[expected:]):
                result = result[:expected]
            else:
                raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                                   f"gradients (expected {expected}, got {len(result)})")
        grads = []  # one per Tensor input: the node's edges are the Tensor inputs only
        for i, r in enumerate(result):
            if self._input_shapes[i] is None:
                if r is not None:
                    raise RuntimeError(f"function {self.name()} returned a gradient different "
                                    f"than None at position {i + 1}, but the corresponding "
                                    f"forward input was not a Variable")
                continue
            grads.append(self._check_grad(i, r, F))
        grads = tuple(grads)
        if not F.tensors and state.protected is not None:  # the user's arrays: leaves copy them
            state.protected.update(id(x) for x in grads if x is not None)
        return grads

    def _check_grad(self, i, r, F):
        if r is not None and not isinstance(r, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(r).__name__})")
        if r is None or not self.needs_input_grad[i]:
            return None
        shape = self._input_shapes[i]
        if tuple(r.shape) != shape:
            try:
                r = _sum_to(r, shape)
            except RuntimeError:
                raise RuntimeError(f"Function {self.name()} returned an invalid gradient at "
                                   f"index {i} - got {list(r.shape)} but expected shape "
                                   f"compatible with {list(shape)}") from None
        dtype = self._input_dtypes[i]
        if r._data.dtype != dtype:  # (PyTorch casts a gradient to its input's dtype)
            r = F.cast(r, dtype) if F.tensors else _wrap(r._data.astype(dtype))
        return r if F.tensors else r._data


def _sum_to(r: Tensor, shape: tuple) -> Tensor:
    from . import tensor_math

    if r.numel() != 1 and len(r.shape) >= len(shape):
        out = tensor_math.sum_to(r, shape)
        if tuple(out.shape) == shape:
            return out
    raise RuntimeError("shape")


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_cls = type(f"{name}Backward", (FunctionCtx,),
                                 {"__slots__": (), "_fn_cls": cls})


class Function(metaclass=_FunctionMeta):
    """Base class for custom autograd functions (PyTorch's torch.autograd.Function)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = new_node(cls._backward_cls, tuple(a._edge for a in args if isinstance(a, Tensor)))
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        separate = cls.setup_context is not Function.setup_context
        with no_grad():
            if separate:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        record = state.enabled and any(ctx.needs_input_grad)
        outs = output if isinstance(output, tuple) else (output,)
        if not record:
            return output
        ctx.num_outputs = len(outs)
        ctx._input_shapes = tuple(tuple(a.shape) if isinstance(a, Tensor) else None
                                  for a in args)
        ctx._input_dtypes = tuple(a._data.dtype if isinstance(a, Tensor) else None
                                  for a in args)
        ctx.output_meta = [(tuple(o.shape), o._data.dtype) if isinstance(o, Tensor) else
                           ((), None) for o in outs]
        results = tuple(_mark_output(ctx, i, o, args) for i, o in enumerate(outs))
        saved = tuple(ctx._to_save)
        ctx._saved = saved
        ctx._versions = tuple(t._vc[0] if t is not None else None for t in saved)
        if any(t is not None and t._edge[0] is ctx for t in saved):  # (outputs saved)
            ctx._output_nrs = tuple(t._edge[1] if t is not None and t._edge[0] is ctx else None
                                    for t in saved)
        if SAVED_HOOKS_OPEN[0] and state.saved_hooks is not None:
            ctx._saved = pack_saved(state.saved_hooks, saved)
        return results if isinstance(output, tuple) else results[0]


def _mark_output(ctx, i, o, args):
    if not isinstance(o, Tensor):
        return o
    if id(o) in ctx._non_differentiable or o._data.dtype.kind != "f":
        return o
    if any(o is a for a in args):
        if id(o) in ctx._dirty:
            if o.is_leaf and o.requires_grad:  # (PyTorch's words here: "has been used")
                raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                   "in-place operation.")
            o._edge = (ctx, i)
            return o
        alias = _wrap(o._data, (ctx, i))  # an input returned as is becomes a new output
        alias._vc = o._vc
        alias._custom_view = (i, ctx.name()[:-len("Backward")])
        return alias
    o._edge = (ctx, i)
    if o._view is not None:  # a view made inside forward: in-place writes would bypass backward
        o._custom_view = (i, ctx.name()[:-len("Backward")])
    return o


def named_function(name: str, forward, backward) -> type:
    """A Function from forward(ctx, ...) and backward(ctx, ...) whose grad_fn is called
    `name`, as PyTorch names its built-in nodes (LinalgLuBackward0, I0Backward0, ...)."""
    cls = type(name.replace("Backward0", ""), (Function,), {
        "forward": staticmethod(forward), "backward": staticmethod(backward)})
    cls._backward_cls.__name__ = cls._backward_cls.__qualname__ = name
    return cls


def once_differentiable(fn):
    """Marks a backward that is not itself differentiable: it runs without recording."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper
