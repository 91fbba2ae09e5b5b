"""autograd.backward and autograd.grad: checking what the user passed, then the engine."""
from __future__ import annotations

from .. import backends
from ..tensor import Tensor, _wrap
from . import engine
from .graph import GradientEdge
from .node import NO_EDGE


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, (Tensor, GradientEdge)):
        return (x,)
    return tuple(x)


def _root_grads(outputs: tuple, grads: tuple, create_graph: bool, fn_name: str) -> list:
    """The seed gradient of each output, checked as PyTorch's _make_grads does (before the
    engine asks whether the outputs require grad): None makes ones for a scalar that requires
    grad; extra gradients are ignored, missing ones an error."""
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grads or (None,) * len(outputs))):
        if not isinstance(out, Tensor):
            raise TypeError(f"expected a Tensor as element {i}, got {type(out).__name__}")
        if g is None:
            if out._edge is NO_EDGE:  # (the engine refuses this output next)
                seeds.append(None)
                continue
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar "
                                   f"outputs but got {out.dtype}")
            g = _wrap(backends.of(out._data).xp.ones(out._data.shape, out._data.dtype))
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got "
                            f"{type(g).__name__}")
        else:
            if g._data.shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{g.shape} and output[{i}] has a shape of {out.shape}.")
            if g.device != out.device:
                raise RuntimeError(f"invalid gradient at index {i} - expected device "
                                   f"{out.device} but got {g.device}")
            if g._data.dtype != out._data.dtype:
                g = g.to(out.dtype)
        seeds.append(g if create_graph else g._data)
    if len(seeds) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(seeds)} gradients ({fn_name}: "
                           f"pass one gradient per output, None for a scalar)")
    return seeds


def _root_edges(outputs: tuple) -> list:
    edges = []
    for i, out in enumerate(outputs):
        if out._edge is NO_EDGE:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               f"have a grad_fn")
        edges.append(out._refreshed_edge())
    return edges


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables=None, inputs=None) -> None:
    """Accumulate d(tensors)/d(leaves) into the leaves' `.grad` (or only `inputs`')."""
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors if grad_tensors is not None else grad_variables)
    if retain_graph is None:
        retain_graph = create_graph
    seeds = _root_grads(outputs, grads, create_graph, "backward")
    edges = _root_edges(outputs)
    if inputs is None:
        engine.execute(edges, seeds, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    targets = [_input_edge(t, i, backward=True) for i, t in enumerate(inputs)]
    found = engine.execute(edges, seeds, retain_graph, create_graph, targets)
    for t, g in zip(inputs, found):
        if g is not None:  # (a leaf's post-accumulate hooks run, as its AccumulateGrad's)
            engine.accumulate(t, g, create_graph)


def _input_edge(t: Tensor, i: int, backward: bool = False) -> tuple:
    if isinstance(t, GradientEdge) and not backward:  # (the gradient at that point)
        return t.node, t.output_nr
    if not isinstance(t, Tensor):
        raise TypeError(f"expected a Tensor as input {i}, got {type(t).__name__}")
    if t._edge is NO_EDGE:  # (backward's inputs are retained, and say so)
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False" if backward
                           else "One of the differentiated Tensors does not require grad")
    return t._refreshed_edge()


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """Gradients of `outputs` with respect to `inputs`, returned rather than accumulated."""
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if retain_graph is None:
        retain_graph = create_graph
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    seeds = _root_grads(outs, _as_tuple(grad_outputs), create_graph, "grad")
    edges = _root_edges(outs)
    targets = [_input_edge(t, i) for i, t in enumerate(ins)]
    found = engine.execute(edges, seeds, retain_graph, create_graph, targets)
    result = []
    for i, (t, g) in enumerate(zip(ins, found)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   f"been used in the graph. Set allow_unused=True if this is "
                                   f"the desired behavior.")
            if materialize_grads and isinstance(t, Tensor):
                g = backends.of(t._data).xp.zeros_like(t._data)
                result.append(_wrap(g))
                continue
            result.append(None)
            continue
        result.append(g if create_graph else _wrap(g))
    return tuple(result)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads) -> tuple:
    """grad for each slice k of the grad_outputs' first dimension, stacked (one backward per
    slice; PyTorch vectorizes this with vmap)."""
    from ..ops.shape import stack

    vs = _as_tuple(grad_outputs)
    n = vs[0].shape[0]
    keep = create_graph if retain_graph is None else retain_graph
    rows = []
    for k in range(n):
        rows.append(grad(outputs, inputs, tuple(v[k] for v in vs),
                         retain_graph=True if k < n - 1 else keep, create_graph=create_graph,
                         allow_unused=allow_unused, materialize_grads=materialize_grads))
    return tuple(None if col[0] is None else stack(list(col)) for col in zip(*rows))
