"""One grad_fn for an op written with other ops, named as PyTorch names it (MseLossBackward0).

The op's body runs on stand-ins for its inputs: leaves that share the inputs' arrays and
version counters, so the body's own graph ends at the stand-ins, and the output gets one node
pointing at the real inputs, as PyTorch's does (`loss.grad_fn.next_functions` reaches the
layer that made the input). Its first-order derivative is the body's backward, run on the
body's graph; under create_graph the body runs again on the inputs so that the gradient is
itself differentiable. So a body must be a pure function of its arguments: no randomness and
no state updates (those stay outside, as batch_norm's running statistics do).
"""
from __future__ import annotations

import functools
import inspect
import itertools

from ..autograd.engine import execute
from ..autograd.grad_mode import state
from ..autograd.node import NO_EDGE, AccumulateGrad, Node, node_class
from ..tensor import Tensor, _wrap
from ._core import record, save_output


class SubgraphBackward(Node):
    """Per instance: `_inner` (the body output's edge), `_stand_ins` (their edges) and `_call`
    (body, args, kwargs, where the differentiable inputs go); `_held`: the inputs of a node
    that saves nothing in PyTorch (kept outside `_saved`: a backward frees nothing of it)."""

    __slots__ = ()
    _held = None

    def grad(self, F, g, *inputs):
        held = self._held
        if held is not None:
            inputs = held
        body, args, kwargs, slots = self._call
        wanted = self._stand_ins
        if F.tensors:
            # run the body again on new edges to stop at, newer than every input (so the
            # inputs' own nodes do not run): this gradient is then differentiable again
            inputs = [t if e is None else t.view_as(t) for t, e in zip(inputs, wanted)]
            args, kwargs = _fill(args, kwargs, slots, inputs)
            out = body(*args, **kwargs)
            root = (out[0] if isinstance(out, tuple) else out)._edge
            wanted = [None if e is None else t._edge for t, e in zip(inputs, wanted)]
        else:
            root = self._inner
        targets = [e for e in wanted if e is not None]
        keep = state.keep_graph or F.tensors or held is not None
        got = iter(execute([root], [g], keep, F.tensors, targets)
                   if root[0] is not None else [None] * len(targets))
        grads = []
        for t, e in zip(inputs, wanted):
            gi = None if e is None else next(got)
            if gi is None and e is not None:  # the value does not depend on t: zeros, as
                gi = F.zeros_like(t)          # PyTorch's formula gives
            grads.append(gi)
        if not keep:  # freed like saved tensors: a kept output holds no inputs
            self._call = self._inner = None
        return tuple(grads)


def _fill(args: tuple, kwargs: dict, slots: list, values: list) -> tuple[list, dict]:
    args, kwargs = list(args), dict(kwargs)
    for slot, v in zip(slots, values):
        if slot.__class__ is int:
            args[slot] = v
        else:
            kwargs[slot] = v
    return args, kwargs


def _stand_in(t: Tensor, checked: bool = True) -> Tensor:
    s = _wrap(t._data)
    if checked:  # an in-place change of the input shows in the body's saved tensors too
        s._vc = t._vc
    s._edge = (AccumulateGrad(s), 0)
    return s


def one_node(name: str, *differentiable: str, saves: tuple | dict | None = None):
    """Decorate an op's body so that its output has a single grad_fn called `name`, with an
    edge per argument named in `differentiable` ((None, 0) where that argument does not
    require grad, as PyTorch shows it), then one per other Tensor argument that does.

    The body returns a Tensor, or a tuple whose first item is the only differentiable one
    (values and indices).

    `saves` names what PyTorch's node saves, so that in-place changes fail at backward
    exactly where they fail in PyTorch: argument names and "result" (the output); or maps
    each name to the inputs whose gradients read it (saved only when one of them requires
    grad; an empty tuple: always), as PyTorch saves. By default every input counts as saved
    and the output as saved where the body's last op saves its own. With `saves`, the body
    must read no other input's values in its backward: a change of such an input is not
    checked."""
    cls = node_class(name, SubgraphBackward)

    def deco(body):
        params = list(inspect.signature(body).parameters)
        listed = [(params.index(p), p) for p in differentiable]

        @functools.wraps(body)
        def op(*args, **kwargs):
            if not state.enabled:
                return body(*args, **kwargs)
            slots, inputs = _inputs(args, kwargs, listed, params, differentiable)
            if not any(t is not None and t._edge is not NO_EDGE for t in inputs):
                return body(*args, **kwargs)
            kept, nothing = (None, False) if saves is None else _kept(saves, slots, inputs,
                                                                      params)
            stand_ins = [t if t is None or t._edge is NO_EDGE else _stand_in(
                t, kept is None or kept[i]) for i, t in enumerate(inputs)]
            inner_args, inner_kwargs = _fill(args, kwargs, slots, stand_ins)
            out = body(*inner_args, **inner_kwargs)
            return _adopt(cls, out, inputs, stand_ins, (body, args, kwargs, slots), kept,
                          nothing, saves is not None and "result" in saves)

        op.body = body
        return op

    return deco


def _kept(saves, slots: list, inputs: list, params: list) -> tuple[list, bool]:
    """Per input, whether the node saves it (see one_node); and whether it saves nothing at
    all (no input, no output, no other tensor such as indices)."""
    names = [slot if slot.__class__ is str else params[slot] for slot in slots]
    if not isinstance(saves, dict):
        kept = [name in saves for name in names]
    else:
        needing = {n for n, t in zip(names, inputs) if t is not None and t._edge is not NO_EDGE}
        kept = [name in saves and (not saves[name] or not needing.isdisjoint(saves[name]))
                for name in names]
    return kept, not any(kept) and not set(saves).difference(names)


def _inputs(args: tuple, kwargs: dict, listed: list, params: list, differentiable: tuple):
    """Where the op's inputs sit (an index or a keyword) and what they are: the listed
    differentiable ones first (None where not given), then any other Tensor that requires
    grad."""
    slots, inputs = [], []
    for i, p in listed:
        a = args[i] if i < len(args) else kwargs.get(p)
        if a is None or isinstance(a, Tensor):
            slots.append(i if i < len(args) else p)
            inputs.append(a)
    for slot, a in itertools.chain(enumerate(args), kwargs.items()):
        if isinstance(a, Tensor) and a._edge is not NO_EDGE:
            name = slot if slot.__class__ is str else (
                params[slot] if slot < len(params) else None)
            if name not in differentiable:
                slots.append(slot)
                inputs.append(a)
    return slots, inputs


def adopt_computed(cls: type, out, inputs: list, call: tuple, kept: list | None = None,
                   held: bool = False) -> Tensor:
    """An output that an op computed as arrays, without a body graph, as the output of one
    `cls` node on `inputs` (None where an optional input is not given): `cls` derives the
    first-order gradient itself, and under create_graph runs the body in `call` again, as
    SubgraphBackward does. `kept`: per input, whether its version is checked at backward
    (all by default); `held`: the node saves nothing (a second backward may run through it,
    as through PyTorch's, and saved-tensor hooks see nothing)."""
    tensors = tuple(t for t in inputs if t is not None)
    if held:
        res = record(cls, out, tensors)
        res._edge[0]._held = tuple(inputs)
    else:
        res = record(cls, out, tensors, tuple(inputs),
                     tuple(None if t is None or (kept is not None and not kept[i]) else
                           t._vc[0] for i, t in enumerate(inputs)))
    node = res._edge[0]
    node.next_functions = tuple(NO_EDGE if t is None else t._edge for t in inputs)
    node._inner = None
    node._stand_ins = [None if t is None or t._edge is NO_EDGE else t._edge for t in inputs]
    node._call = call
    return res


def _adopt(cls: type, out, inputs: list, stand_ins: list, call: tuple, kept: list | None,
           held: bool = False, saves_result: bool = False):
    """The body's output as the output of one `cls` node on the real inputs (it requires
    grad when they do, even where the body's value does not depend on them, as PyTorch's
    does: the gradient is then zero)."""
    first = out[0] if isinstance(out, tuple) else out
    res = adopt_computed(cls, first._data, inputs, call, kept, held)
    res._vc = first._vc  # in-place changes of the output reach the body's saved output
    if saves_result:  # (checked by this node first, so a change names this op)
        save_output(res._edge[0], res)
    node = res._edge[0]
    node._inner = first._edge
    node._stand_ins = [None if s is t else s._edge for s, t in zip(stand_ins, inputs)]
    if not isinstance(out, tuple):
        return res
    return type(out)(res, *out[1:]) if hasattr(out, "_fields") else (res, *out[1:])


@functools.cache
def _variant(name: str, body, differentiable: tuple, saves):
    return one_node(name, *differentiable, saves=saves)(body)


def call_as_one_node(name: str, differentiable: tuple, body, *args, saves=None, **kwargs):
    """body(*args, **kwargs) as one node named `name`, for ops whose PyTorch name depends on
    their arguments (a padding's dimensions, an interpolation's mode)."""
    return _variant(name, body, differentiable, saves)(*args, **kwargs)
