"""The backward engine: iterative, so graph depth never meets the recursion limit.

Gradients are summed per node in buffers the engine owns; nodes run newest first (by the
number each takes when created), so a node runs only after every node that feeds it, without
a pass to count dependencies first. Without `create_graph` the formulas run
on raw arrays with grad mode off; with it they run on Tensors with grad mode on, so the
backward pass is itself recorded. Saved tensors are released after each node unless the
graph is kept.
"""
from __future__ import annotations

import re
from heapq import heappop, heappush

import numpy as np

from .. import backends
from ..tensor import Tensor, _wrap
from . import tensor_math
from .grad_mode import state
from .node import (FREED, NO_EDGE, RETAIN_HINT, AccumulateGrad, GraphRoot, Node, SavedTensor,
                   next_seq)

_numpy = backends.numpy_backend
_ndarray = np.ndarray
_ARRAY_TYPES = backends._BY_TYPE  # NumPy's ndarray, and CuPy's once a CUDA backend exists
VERSION_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute "
                "its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _leading(root, targets: dict) -> set:
    """Nodes from which some target node can be reached (children visited first)."""
    order, seen = [], {root}
    stack = [(root, iter(root.next_functions))]
    while stack:
        node, it = stack[-1]
        for nxt, _ in it:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(nxt.next_functions)))
                break
        else:
            stack.pop()
            order.append(node)
    leads = set()
    for node in order:
        if node in targets or any(n in leads for n, _ in node.next_functions):
            leads.add(node)
    return leads


def execute(edges: list, grads: list, keep_graph: bool, create_graph: bool,
            targets: list | None = None) -> list | None:
    """Run backward from `edges` seeded with `grads`. With `targets` (edges), return the
    gradient that reaches each target instead of accumulating into leaves' `.grad`."""
    root = GraphRoot(tuple(edges))
    wanted = leads = None
    captured = None
    if targets is not None:
        wanted = {}
        for slot, (fn, nr) in enumerate(targets):
            wanted.setdefault(fn, []).append((nr, slot))
        leads = _leading(root, wanted)
        captured = [None] * len(targets)
    # Gradients summed per node until it runs; a node is queued when its first gradient (or
    # None) arrives and runs once every node numbered above it has run (see node.next_seq).
    buffers = {}
    queue = [(-root._seq, root)]
    # Arrays a leaf may not take as its .grad without a copy during this backward: the user's
    # own (root gradients, hook and custom-Function results) and those already taken.
    outer_protected, state.protected = state.protected, {id(g) for g in grads}
    outer_task = state.graph_task
    _TASKS[0] += 1
    state.graph_task = [_TASKS[0], root, leads, wanted, None]
    prev, outer_keep = state.enabled, state.keep_graph
    state.enabled, state.keep_graph = create_graph, keep_graph
    errstate = np.errstate(divide="ignore", invalid="ignore", over="ignore")
    errstate.__enter__()  # inf/nan in a gradient are values, as in PyTorch, not warnings
    try:
        while queue:
            fn = heappop(queue)[1]
            if fn is root:
                g, out_grads = None, grads
            else:
                g = buffers.pop(fn)
                if fn._pre_hooks is not None and g is not None:
                    g = _run_pre_hooks(fn, g, create_graph)
                if wanted is not None and fn in wanted:
                    for nr, slot in wanted[fn]:
                        captured[slot] = g if fn.num_outputs == 1 else g[nr]
                if fn.__class__ is AccumulateGrad:
                    if wanted is None and g is not None:
                        accumulate(fn.variable, g, create_graph)
                    continue
                if leads is not None and not any(n in leads for n, _ in fn.next_functions):
                    continue
                out_grads = call_node(fn, g, create_graph) if g is not None else None
                if not keep_graph and fn._saved is not None:
                    fn._saved = FREED
                    if fn._out is not None:
                        fn._out = None
            if out_grads is None:
                out_grads = (None,) * len(fn.next_functions)
            elif leads is not None:  # with targets, nodes that lead to none never run (nor
                out_grads = [gi if nxt in leads else None  # their hooks): they get None
                             for (nxt, _), gi in zip(fn.next_functions, out_grads)]
            seq = fn._seq
            for (nxt, nr), gi in zip(fn.next_functions, out_grads):
                if nxt is None:
                    continue
                prev_g = buffers.get(nxt, _UNSEEN)
                if prev_g is _UNSEEN:  # first reached: queue it
                    if nxt._seq >= seq:
                        raise _order_error(fn, nxt)
                    heappush(queue, (-nxt._seq, nxt))
                    if nxt.num_outputs == 1:
                        buffers[nxt] = gi
                        continue
                    prev_g = buffers[nxt] = [None] * nxt.num_outputs
                if gi is None:
                    continue
                if nxt.num_outputs == 1:
                    buffers[nxt] = gi if prev_g is None else prev_g + gi
                else:
                    prev_g[nr] = gi if prev_g[nr] is None else prev_g[nr] + gi
    finally:
        state.enabled, state.keep_graph = prev, outer_keep
        state.protected, state.graph_task = outer_protected, outer_task
        errstate.__exit__(None, None, None)
    return captured


_UNSEEN = object()
_TASKS = [0]  # backward calls numbered (PyTorch's graph task ids)


def current_graph_task_id() -> int:
    """The running backward's number, -1 outside one."""
    task = state.graph_task
    return -1 if task is None else task[0]


def will_execute(node) -> bool:
    """Whether the running backward reaches `node` (and, for autograd.grad, whether it leads
    to an input asked for): the nodes are found once per backward."""
    task = state.graph_task
    if task is None:
        raise RuntimeError("_will_engine_execute_node should only be called during the "
                           "backward pass")
    if task[3] is not None and node.__class__ is AccumulateGrad:
        raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we are "
                           "currently running autograd.grad(). This is currently not "
                           "supported.")
    if task[4] is None:
        seen, stack = set(), [task[1]]
        while stack:
            fn = stack.pop()
            for nxt, _ in fn.next_functions:
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        leads, wanted = task[2], task[3]
        if leads is not None:
            seen = {n for n in seen if n in leads or n in wanted}
        task[4] = seen
    return node in task[4]


def _order_error(fn, nxt) -> RuntimeError:
    # The order is right only while every node points to older nodes (node.next_seq): a
    # node reached after it ran would miss this gradient, so stop rather than lose it.
    return RuntimeError(f"internal error: {fn.name()} points to the newer node {nxt.name()}; "
                        f"its gradient would be incomplete. Please report this with the code "
                        f"that built the graph.")


def _unpack(fn, F):
    """The saved tensors (their arrays in a first-order backward), checked unmodified."""
    saved = fn._saved
    if saved is FREED:
        raise RuntimeError(RETAIN_HINT)
    out = fn._out
    if out is not None and out[1][0] != out[2]:
        t = out[0].unpack() if out[0].__class__ is SavedTensor else _wrap(out[0], (fn, 0))
        t._vc = out[1]
        raise _version_error(fn, t, out[2])
    arrays = not F.tensors
    unpacked = []  # (a loop: a comprehension is a function call in Python 3.11)
    for t, v in zip(saved, fn._versions):
        if t is not None:
            if t.__class__ is SavedTensor:  # (saved under saved_tensors_hooks)
                t = unpack_saved(fn, t, v)
            elif v is not None and t._vc[0] != v:
                nrs = getattr(fn, "_output_nrs", None)  # (outputs a Function saved)
                raise _version_error(fn, t, v, nrs and nrs[len(unpacked)])
            if arrays:
                t = t._data
            elif "_cast_of" in t.__dict__:  # (an operand saved as cast: computed_as)
                t = t._cast_of.to(t.dtype)
        unpacked.append(t)
    return unpacked


def unpack_saved(fn, saved, version):
    """A SavedTensor's tensor. Packed by hooks, it is whatever unpack_hook gives (PyTorch
    checks no version then: the hooks own the data); unpacked, it must be unmodified."""
    t = saved.unpack()
    if saved._unpack_hook is None and version is not None and saved._vc[0] != version:
        t._vc = saved._vc
        raise _version_error(fn, t, version)
    return t


def _version_error(fn, t, expected: int, output_nr=None) -> RuntimeError:
    """`output_nr`: where t is fn's own output saved as a tensor, its number (the message
    names fn, as at saving, not whatever in-place op t's grad_fn is now)."""
    owner = t.grad_fn  # named as PyTorch 2.13 names it: "output 0 of Exp" (ExpBackward0),
    # "of Max1" (MaxBackward1)
    if output_nr is not None:
        which = f", which is output {output_nr} of {_forward_name(fn)},"
    else:
        which = (f", which is output {t.output_nr} of {_forward_name(owner)},"
                 if owner is not None else "")
    last = t._vc[1]
    detail = f"(It was saved for {fn.name()}" + (f" and then modified in place by {last}().)"
                                                  if last else ".)")
    return RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{t.type()} [{', '.join(map(str, t.shape))}]]{which} is at "
        f"version {t._vc[0]}; expected version {expected} instead. {VERSION_HINT} {detail}")


_BACKWARD_SUFFIX = re.compile(r"Backward(?:0|(\d+))?$")


def _as_broadcast_error(exc: ValueError) -> Exception:
    """NumPy's broadcast failure inside a derivative in PyTorch's words."""
    m = re.match(r"operands could not be broadcast together with shapes \(([\d, ]*)\) "
                 r"\(([\d, ]*)\)", str(exc))
    if m is None:
        return exc
    from ..ops.pointwise import _broadcast_error

    a, b = (tuple(int(d) for d in dims.replace(" ", "").split(",") if d)
            for dims in m.groups())
    return _broadcast_error(_wrap(np.empty(a)), _wrap(np.empty(b)))


def _forward_name(node) -> str:
    return _BACKWARD_SUFFIX.sub(r"\1", node.name())


def call_node(fn, g, create_graph: bool = False):
    """Run one node's derivative on its output gradient(s); returns input gradients."""
    single = fn.num_outputs == 1
    if not single:
        g = _materialize(fn, g, create_graph)
    if create_graph:
        if fn._double is not None and single:
            return _finish(fn, _double_backward(fn, g), g)
        F = tensor_math
    else:
        # (a node that does not materialize missing gradients may get None first)
        first = g if single else next(x for x in g if x is not None)
        F = _numpy if first.__class__ is _ndarray else backends.of(first)
    saved = fn._saved
    try:
        if single:
            grads = fn.grad(F, g) if saved is None else fn.grad(F, g, *_unpack(fn, F))
        else:
            grads = fn.grad(F, *g, *(() if saved is None else _unpack(fn, F)))
    except ValueError as exc:  # (an input's .data replaced by another shape since forward)
        raise _as_broadcast_error(exc) from None
    reduce = fn._reduce
    if reduce is not None:
        grads = tuple(gi if r is None or gi is None else F.cast(F.sum_to(gi, r[0]), r[1])
                      for gi, r in zip(grads, reduce))
    if fn._post_hooks is not None:  # (inline, not _finish: every node's path)
        grads = _run_post_hooks(fn, grads, g, create_graph)
    if state.anomaly and state.anomaly_check_nan:
        _check_anomaly(fn, grads, F)
    return grads


def _finish(fn, grads, g):
    """call_node's last steps for a create_graph gradient made by _double_backward."""
    if fn._post_hooks is not None:
        grads = _run_post_hooks(fn, grads, g, True)
    if state.anomaly and state.anomaly_check_nan:
        _check_anomaly(fn, grads, tensor_math)
    return grads


def _array_grads(fn, g) -> tuple:
    """fn's first-order gradients (arrays) for the output gradient array g; fn's graph is
    kept, as a create_graph gradient may need it again."""
    F = _numpy if g.__class__ is _ndarray else backends.of(g)
    keep, state.keep_graph = state.keep_graph, True
    try:
        grads = fn.grad(F, g) if fn._saved is None else fn.grad(F, g, *_unpack(fn, F))
    finally:
        state.keep_graph = keep
    return _reduced(fn, F, grads)


def _reduced(fn, F, grads) -> tuple:
    """Gradients summed and cast back to their inputs' shapes and dtypes (fn._reduce); call_node
    does the same inline, on every node's path."""
    reduce = fn._reduce
    if reduce is None:
        return grads
    return tuple(gi if r is None or gi is None else F.cast(F.sum_to(gi, r[0]), r[1])
                 for gi, r in zip(grads, reduce))


class DoubleBackward(Node):
    """A gradient that PyTorch records under create_graph as one node (node.DOUBLE_BACKWARDS):
    its value is fn's first-order gradient L^T g for input `index`; its edges are the output
    gradient g's and fn's inputs'. Linear in g and constant in the inputs: its own gradient is
    L gg for g (fn's derivative at the input: the transpose of g -> L^T g) and zero for the
    inputs, recorded the same way (as a `transposed` node) under create_graph."""

    __slots__ = ()

    def grad(self, F, gg):
        fn, index, like, transposed = self._of
        if fn._double[0] == "missing":
            raise fn._double[2](fn._double[3])
        arr = gg._data if F.tensors else gg
        value = _array_grads(fn, arr)[index] if transposed else _transposed(fn, index, like, arr)
        xp = backends.of(like).xp
        if not F.tensors:
            out = [value]
        elif transposed or fn._double[2]:
            out = [_record_double(type(self), fn, index, value, gg, like, self._shapes,
                                  not transposed)]
        else:  # (L itself reads no input: a node on gg alone, where gg requires grad)
            out = [_record_double(type(self), fn, index, value, gg, like, self._shapes, True)
                   if gg._edge is not NO_EDGE else _wrap(value)]
            if gg._edge is not NO_EDGE:
                out[0]._edge[0].next_functions = (gg._edge,)
        if len(self.next_functions) == 1:
            return tuple(out)
        for (node, _), meta in zip(fn.next_functions, self._shapes):
            z = None if node is None or meta is None else xp.zeros(*meta)
            out.append(_wrap(z) if F.tensors and z is not None else z)
        return tuple(out)


def _transposed(fn, index: int, like, gg):
    """L gg, where g -> L^T g is fn's gradient for input `index` (linear in g): the gradient
    of <L^T u, gg> with respect to u, run through fn's derivative on tensors."""
    xp = backends.of(like).xp
    u = _wrap(xp.zeros_like(like))
    u._edge = (AccumulateGrad(u), 0)
    F = tensor_math
    prev, keep = state.enabled, state.keep_graph
    state.enabled, state.keep_graph = True, True
    try:
        grads = fn.grad(F, u) if fn._saved is None else fn.grad(F, u, *_unpack(fn, F))
        r = _reduced(fn, F, grads)[index]
    finally:
        state.enabled, state.keep_graph = prev, keep
    if r._edge is NO_EDGE:
        return xp.zeros_like(like)
    return execute([r._edge], [gg], False, False, [u._edge])[0]


def _record_double(cls, fn, index: int, value, g: Tensor, like, shapes,
                   transposed: bool = False) -> Tensor:
    node = object.__new__(cls)
    node.next_functions = (g._edge, *fn.next_functions)
    node._seq = next_seq()
    node._saved = None
    node._of = (fn, index, like, transposed)
    node._shapes = shapes
    return _wrap(value, (node, 0))


_DOUBLE_CLASSES: dict[str, type] = {}  # (apart from node_class's: MulBackward0 is one here)


def _double_backward(fn, g: Tensor) -> tuple:
    """fn's gradients under create_graph where PyTorch records each as a node of its own."""
    kind, name, *spec = fn._double
    error = spec if kind == "missing" else ()
    cls = _DOUBLE_CLASSES.get(name) or _DOUBLE_CLASSES.setdefault(
        name, type(name, (DoubleBackward,), {"__slots__": ()}))
    out = []
    arrays = _array_grads(fn, g._data)
    shapes = [None if a is None else (a.shape, a.dtype) for a in arrays]
    recorded = spec[1] if kind == "linear" and len(spec) > 1 else range(len(arrays))
    for i, a in enumerate(arrays):
        if a is None or i not in recorded:
            out.append(None if a is None else _wrap(a))
            continue
        t = _record_double(cls, fn, i, a, g, g._data, shapes)
        if error and error[0] is RuntimeError:  # PyTorch's NotImplemented placeholder has
            node = t._edge[0]  # edges only to the inputs that require grad
            node.next_functions = tuple(e for e in node.next_functions if e[0] is not None)
        out.append(t)
    return tuple(out)


def _materialize(fn, g, create_graph):
    """Multi-output nodes get zeros for outputs that received no gradient."""
    if g is None or not getattr(fn, "materialize_grads", True):
        return g
    shapes = fn.output_meta
    template = next(x for x in g if x is not None)
    out = []
    for x, (shape, dtype) in zip(g, shapes):
        if x is None:
            x = tensor_math.zeros(shape, template, dtype) if create_graph else \
                backends.of(template).xp.zeros(shape, dtype)
        out.append(x)
    return out


def _as_tensor(g):
    return g if isinstance(g, Tensor) else _wrap(g)


def _as_grad(value, create_graph: bool):
    if create_graph:
        return value
    if state.protected is not None:
        state.protected.add(id(value._data))  # the user's tensor: never taken by a leaf
    return value._data


def _checked_hook_result(hook, before: Tensor, after) -> Tensor:
    """A hook may replace a gradient, but with a tensor of its type, device and size."""
    if not isinstance(after, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(after).__name__}'")
    name = getattr(hook, "__name__", "<unknown>")
    if after.type() != before.type():
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {before.type()} "
                           f"got {after.type()})")
    if after._data.shape != before._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return after


def _checked_hook_results(hook, before: tuple, after) -> tuple:
    """A node hook's tuple of gradients: one per gradient it was given, each checked as a
    tensor hook's (None stays allowed either way)."""
    if not isinstance(after, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(after).__name__}'")
    if len(after) != len(before):
        raise RuntimeError(f"hook '{getattr(hook, '__name__', '<unknown>')}' has returned an "
                           f"incorrect number of values (got {len(after)}, but expected "
                           f"{len(before)})")
    return tuple(a if a is None or b is None else _checked_hook_result(hook, b, a)
                 for a, b in zip(after, before))


def _run_pre_hooks(fn, g, create_graph):
    multi = fn.num_outputs > 1
    g = list(g) if multi else g
    for nr, hooks in fn._pre_hooks.items():
        if nr == -1:
            continue
        cur = g[nr] if multi else g
        if cur is None:
            continue
        for hook in list(hooks):
            res = hook(before := _as_tensor(cur))
            if res is not None:
                cur = _as_grad(_checked_hook_result(hook, before, res), create_graph)
        if multi:
            g[nr] = cur
        else:
            g = cur
    node_hooks = fn._pre_hooks.get(-1)
    if node_hooks:
        gs = tuple(_as_tensor(x) if x is not None else None for x in (g if multi else [g]))
        for hook in list(node_hooks):
            res = hook(gs)
            if res is not None:
                gs = _checked_hook_results(hook, gs, res)
        vals = [None if x is None else _as_grad(x, create_graph) for x in gs]
        g = vals if multi else vals[0]
    return g


def _run_post_hooks(fn, grads, g, create_graph):
    gin = tuple(None if x is None else _as_tensor(x) for x in grads)
    gout = tuple(None if x is None else _as_tensor(x) for x in (g if isinstance(g, list)
                                                                 else [g]))
    for hook in list(fn._post_hooks):
        res = hook(gin, gout)
        if res is not None:
            gin = _checked_hook_results(hook, gin, res)
    return tuple(None if x is None else _as_grad(x, create_graph) for x in gin)


def _check_anomaly(fn, grads, F) -> None:
    for i, gi in enumerate(grads):
        if gi is None:
            continue
        arr = gi._data if F.tensors else gi
        xp = backends.of(arr).xp
        if arr.dtype.kind in "fc" and bool(xp.isnan(arr).any()):  # (NaN only, as PyTorch)
            where = "".join(fn._trace or ["  (the forward op ran before anomaly mode was on)\n"])
            raise RuntimeError(f"Function '{fn.name()}' returned nan values in its {i}th "
                               f"output. Its forward op was created here (most recent call "
                               f"last):\n{where}")


def accumulate(t, g, create_graph: bool) -> None:
    """AccumulateGrad's work: add gradient `g` into leaf `t`'s .grad."""
    if t is None or t._edge is NO_EDGE:
        return
    accumulate_into(t, g, create_graph)
    hooks = t.__dict__.get("_post_accumulate_hooks")
    if hooks:
        for hook in list(hooks):
            if hook(t) is not None:
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def accumulate_into(t, g, create_graph: bool) -> None:
    """Add `g` into t.grad: a copy the first time, in place after (out of place, keeping the
    graph, under create_graph)."""
    if create_graph:
        if t._grad is None:
            # a fresh tensor: never alias another leaf's gradient
            t._grad = g.clone() if g.requires_grad else _wrap(g._data.copy())
        else:
            t._grad = t._grad + g
        return
    if isinstance(g, Tensor):
        g = g._data
    if g.dtype != t._data.dtype:  # (a formula that promoted: .grad has its tensor's dtype)
        g = g.astype(t._data.dtype)
    grad = t._grad
    if grad is None:
        # take the engine's own fresh array when nothing else can see it (as PyTorch steals
        # a gradient whose reference count says it is unshared); copy otherwise
        protected = state.protected  # None outside a backward pass: always copy there
        if protected is not None and g.__class__ in _ARRAY_TYPES and g.flags.owndata and \
                id(g) not in protected:
            protected.add(id(g))
        else:
            g = g.copy()
        t._grad = _wrap(g)
    else:
        grad._data += g
        grad._vc[0] += 1
