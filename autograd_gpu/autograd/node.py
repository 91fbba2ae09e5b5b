"""Graph nodes (PyTorch's `grad_fn` objects) and the leaves' AccumulateGrad.

A node holds edges to the nodes of its inputs (`next_functions`), never to its outputs, so a
graph has no reference cycles. What a derivative needs is saved at forward time: input
Tensors in `_saved` (with their versions, checked at backward), an output as a bare array in
`_out`. A node class is named as PyTorch names it (`MulBackward0`) and carries its derivative
as `grad(F, g, *saved)`: F is an array namespace (a Backend) in a first-order backward and
`tensor_math` under `create_graph=True`, so one formula serves both.
"""
from __future__ import annotations

import itertools
import weakref

NO_EDGE = (None, 0)
# a view taken under no_grad of a tensor that requires grad: it reports requires_grad (as
# PyTorch's views do through their base) but gradients reaching it go nowhere
DEAD_EDGE = tuple([None, 0])  # (built at run time: a distinct object from NO_EDGE)
FREED = ("freed",)  # marks saved tensors released by a backward without retain_graph

# Every node takes the next number when its edges are set, so a node's number is larger than
# those of the nodes it points to: the engine runs nodes from the largest number down, and a
# node's gradient is complete when it runs (PyTorch orders its ready queue the same way).
next_seq = itertools.count().__next__

RETAIN_HINT = ("Trying to backward through the graph a second time (or directly access saved "
               "tensors after they have already been freed). Saved intermediate values of the "
               "graph are freed when you call .backward() or autograd.grad(). Specify "
               "retain_graph=True if you need to backward through the graph a second time or if "
               "you need to access saved tensors after calling backward.")


# Nodes whose gradient PyTorch records under create_graph as one node of its own, where this
# library's derivative would be a formula whose value has no graph (a pooling's gradient is a
# scatter of the output gradient: it depends on the input only through which element won):
# ("linear", its name, whether its own gradient reads the inputs[, which inputs' gradients]):
# the gradient is linear in the output gradient and piecewise constant in the inputs, so it
# requires grad and its own derivative is zero for the inputs (an activation's mask is read
# again in the gradient's gradient, a pooling's winners are not: it has no edge to the
# input); the other inputs' gradients (copysign's zeros for `other`) are constants;
# ("missing", its name, error type, message): PyTorch has no derivative of that gradient,
# and a backward through it raises this.
_MASKS = ("HardtanhBackward0", "LeakyReluBackward0", "ThresholdBackward0",
          "RreluWithNoiseBackward0", "HardshrinkBackward0", "SoftshrinkBackward0")
_LINEAR = ("MaxPool2DWithIndicesBackward0", "MaxPool3DWithIndicesBackward0",
           "AdaptiveMaxPool2DBackward0", "AdaptiveMaxPool3DBackward0", "AvgPool2DBackward0",
           "AvgPool3DBackward0", "AdaptiveAvgPool2DBackward0", "AdaptiveAvgPool3DBackward0",
           "FractionalMaxPool2DBackward0", "ReflectionPad1DBackward0", "ReflectionPad2DBackward0",
           "ReflectionPad3DBackward0", "ReplicationPad1DBackward0", "ReplicationPad2DBackward0",
           "ReplicationPad3DBackward0")
DOUBLE_BACKWARDS: dict[str, tuple] = {
    **{name: ("linear", name.replace("Backward0", "BackwardBackward0"), name in _MASKS)
       for name in _MASKS + _LINEAR},
    "CopysignBackward0": ("linear", "MulBackward0", True, (0,)),  # (grad * sign ratio)
    "CopysignBackward1": ("linear", "MulBackward0", True),
    **{name: ("missing", "torch::autograd::NotImplemented", RuntimeError,
              f"derivative for aten::{aten} is not implemented")
       for name, aten in (("HardsigmoidBackward0", "hardsigmoid_backward"),
                          ("MultiMarginLossBackward0", "multi_margin_loss_backward"),
                          ("MultilabelMarginLossBackward0", "multilabel_margin_loss_backward"),
                          ("CtcLossBackward0", "_ctc_loss_backward"))},
    **{name: ("missing", name.replace("Backward0", "BackwardBackward0"), NotImplementedError,
              f"the derivative for '{aten}' is not implemented.")
       for name, aten in (("PdistBackward0", "_pdist_backward"),
                          ("CdistBackward0", "_cdist_backward"))},
}


class Node:
    __slots__ = ("next_functions", "_seq", "_saved", "_versions", "__dict__", "__weakref__")
    # Rarely set, so kept out of the slots; instances override them in __dict__.
    _out = None          # (array, version counter, version) of a saved output
    _reduce = None       # per input: (shape, np dtype) to sum/cast a gradient back to, or None
    _pre_hooks = None    # {output_nr: [hook, ...]} from Tensor.register_hook / retain_grad
    _post_hooks = None   # [hook(grad_inputs, grad_outputs)] from Node.register_hook
    _trace = None        # anomaly mode: the stack where the forward op ran
    _double = None       # how PyTorch records this node's gradient under create_graph, where
    # it is one node of its own (DOUBLE_BACKWARDS, by class name)
    num_outputs = 1

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__name__ in DOUBLE_BACKWARDS:
            cls._double = DOUBLE_BACKWARDS[cls.__name__]

    def grad(self, F, g, *saved):
        raise NotImplementedError(f"{type(self).__name__} has no derivative")

    def saved_output(self, F):
        """The saved output: its array (first order) or a tensor whose grad_fn is this node
        (create_graph), rebuilt on demand because holding the output itself would be a cycle."""
        array, vc, _ = self._out
        if array.__class__ is SavedTensor:
            array = array.unpack()._data
        if not F.tensors:
            return array
        from ..tensor import _wrap

        t = _wrap(array, (self, 0))
        t._vc = vc
        return t

    def name(self) -> str:
        return type(self).__name__

    # PyTorch names a node's saved values _saved_<argument> (_saved_self, _saved_other,
    # _saved_result, ...) and their packed forms _raw_saved_<argument>; inputs are named by
    # position unless a node class lists its own names. (Properties, made below for the
    # names PyTorch uses most: a __getattr__ would slow every attribute read on every node.)
    _saved_names = None

    def _saved_attribute(self, field: str, raw: bool):
        found, value, index = self._saved_value(field)
        if not found:
            prefix = "_raw_saved_" if raw else "_saved_"
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 f"'{prefix}{field}'")
        if raw:
            return self._raw(value, index)
        return value.unpack() if value.__class__ is SavedTensor else value

    def _raw(self, value, index):
        """The saved value as a SavedTensor, put in the node's place for it so that
        register_hooks on it applies to this node's backward."""
        if value.__class__ is SavedTensor:
            return value
        raw = SavedTensor(None, value)
        if index is not None:
            saved = list(object.__getattribute__(self, "_saved"))
            saved[index] = raw
            self._saved = tuple(saved)
        return raw

    def _saved_value(self, field: str):
        saved = object.__getattribute__(self, "_saved")
        if saved is FREED:
            raise RuntimeError(RETAIN_HINT)
        if field == "result" and self._out is not None:
            array, vc, _ = self._out
            if array.__class__ is SavedTensor:
                return True, array, None
            from ..tensor import _wrap

            t = _wrap(array, (self, 0))
            t._vc = vc
            return True, t, None
        saved = saved or ()
        names = self._saved_names
        if names is None:
            names = ("self", "other")[:len(saved)] if len(saved) <= 2 else ()
        if field in names and names.index(field) < len(saved):
            return True, saved[names.index(field)], names.index(field)
        scalar = self.__dict__.get("c")  # a tensor-scalar node's scalar (x * 2, x ** 2)
        if scalar is not None:
            if field == "exponent" and type(self).__name__.startswith("Pow"):
                return True, scalar, None
            if field == "other" and type(self).__name__.startswith(("Mul", "Div")):
                from .. import _dtypes
                from ..creation import tensor

                wide = None if isinstance(scalar, (bool, int)) else _dtypes.float64
                return True, tensor(scalar, dtype=wide), None
        return False, None, None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node computes its input gradients."""
        if self._post_hooks is None:
            self._post_hooks = []
        return _Handle(self._post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node; it may return replacement gradients."""
        return self._add_pre_hook(-1, fn)

    def _add_pre_hook(self, output_nr: int, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, [])
        handle = _Handle(hooks, fn)
        if len(hooks) > 1 and getattr(hooks[-2], "_retains_grad", False):
            hooks[-2], hooks[-1] = fn, hooks[-2]  # retain_grad's hook stays last (PyTorch 2)
        return handle

    @property
    def metadata(self) -> dict:
        meta = self.__dict__.get("_metadata")
        if meta is None:
            meta = self._metadata = {}
        return meta

    def __call__(self, *grads):
        from .engine import call_node

        return call_node(self, grads)


def _saved_property(field: str, raw: bool):
    return property(lambda self: self._saved_attribute(field, raw),
                    doc=f"The {'packed ' if raw else ''}saved value '{field}' (PyTorch's name).")


for _field in ("self", "other", "result", "exponent", "mat2", "vec", "tensor"):
    setattr(Node, f"_saved_{_field}", _saved_property(_field, False))
    setattr(Node, f"_raw_saved_{_field}", _saved_property(_field, True))


class SavedTensor:
    """A tensor saved for backward under saved_tensors_hooks: what pack_hook returned, and
    the unpack_hook that turns it back into a tensor when the backward needs it. The saved
    tensor's version counter stays, so in-place changes are still caught."""

    __slots__ = ("_packed", "_unpack_hook", "_vc")

    def __init__(self, hooks, tensor):
        if hooks is None:  # (a plain saved tensor asked for as _raw_saved_*)
            self._packed, self._unpack_hook = tensor, None
        else:
            self._packed, self._unpack_hook = hooks[0](tensor), hooks[1]
        self._vc = tensor._vc

    def __repr__(self) -> str:
        return f"<torch._C._autograd.SavedTensor object at {id(self):#x}>"

    def unpack(self):
        if self._unpack_hook is None:
            return self._packed
        from ..tensor import Tensor

        t = self._unpack_hook(self._packed)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but "
                            f"got result of type {type(t).__name__}")
        return t

    def register_hooks(self, pack_hook, unpack_hook) -> None:
        if self._unpack_hook is not None:
            raise RuntimeError("Calling register_hooks on a saved tensor whose hooks have "
                               "already been set. Hint: only one pair of hooks is allowed at a "
                               "time.")
        tensor = self._packed
        self._packed, self._unpack_hook = pack_hook(tensor), unpack_hook


def pack_saved(hooks, saved) -> tuple:
    """The saved tensors through the active pack hook (None entries stay None)."""
    return tuple(None if t is None else SavedTensor(hooks, t) for t in saved)


class _Handle:
    """What register_hook returns: `remove()` takes the hook out again."""

    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks: list, fn):
        self._hooks, self._fn = hooks, fn
        hooks.append(fn)

    def remove(self) -> None:
        try:
            self._hooks.remove(self._fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class AccumulateGrad(Node):
    """The node behind a leaf that requires grad: adds incoming gradients into `.grad`.

    It refers to its tensor weakly; the tensor holds it strongly, so no cycle forms."""

    __slots__ = ("_variable",)

    def __init__(self, tensor):
        self.next_functions = ()
        self._seq = next_seq()
        self._saved = None
        self._variable = weakref.ref(tensor)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # (a C++ node: PyTorch names it so)

    @property
    def variable(self):
        return self._variable()


class GraphRoot(Node):
    """The engine's start: passes the user's output gradients on to the roots."""

    __slots__ = ()

    def __init__(self, edges: tuple):
        self.next_functions = edges
        self._seq = next_seq()
        self._saved = None


_new = object.__new__


def new_node(cls: type, edges: tuple) -> Node:
    """A node of class `cls` pointing at `edges` (their nodes must exist already), numbered
    after them."""
    node = _new(cls)
    node.next_functions = edges
    node._seq = next_seq()
    node._saved = None
    return node


_CLASSES: dict[str, type] = {}

def node_class(name: str, base: type = Node, **attrs) -> type:
    """A Node subclass named as PyTorch names the grad_fn (one class per name)."""
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = type(name, (base,), {"__slots__": (), **attrs})
    return cls
