"""Higher-level derivatives built on autograd.grad: vjp, jvp, jacobian, hessian, hvp, vhp
(PyTorch's torch.autograd.functional). Jacobians are built row by row from vector-Jacobian
products; jvp uses the double-backward trick (the VJP is linear in its vector)."""
from __future__ import annotations

from .. import creation
from ..tensor import Tensor
from .api import grad
from .grad_mode import enable_grad


def _tup(x) -> tuple[tuple, bool]:
    if isinstance(x, Tensor):
        return (x,), True
    return tuple(x), False


def _prepare(inputs, create_graph: bool) -> tuple:
    return tuple(t if (create_graph and t.requires_grad) else t.detach().requires_grad_(True)
                 for t in inputs)


def _fill(grads, like) -> tuple:
    return tuple(g if g is not None else creation.zeros_like(t) for g, t in zip(grads, like))


def _out(x, single: bool):
    return x[0] if single else x


def _check_outputs(outs, strict: bool) -> None:
    if strict:
        for i, o in enumerate(outs):
            if not o.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require "
                                   f"gradients. The outputs must be computed in a "
                                   f"differentiable manner from the input when running in "
                                   f"strict mode.")


def _check_used(grads, strict: bool, output: int | None = None) -> None:
    if strict:
        for i, g in enumerate(grads):
            if g is None:
                which = "The output" if output is None else f"Output {output}"
                raise RuntimeError(f"{which} of the user-provided function is independent "
                                   f"of input {i}. This is not allowed in strict mode.")


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): the vector-Jacobian product."""
    ins, single_in = _tup(inputs)
    with enable_grad():
        ins = _prepare(ins, create_graph)
        outs, single_out = _tup(func(*ins))
        _check_outputs(outs, strict)
        if v is None and (len(outs) != 1 or outs[0].numel() != 1):
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element.")
        vs = (None,) * len(outs) if v is None else _tup(v)[0]
        grads = grad(outs, ins, vs, create_graph=create_graph, allow_unused=True)
        _check_used(grads, strict)
    res = _fill(grads, ins)
    if not create_graph:
        res = tuple(r.detach() for r in res)
        outs = tuple(o.detach() for o in outs)
    return _out(outs, single_out), _out(res, single_in)


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian-vector product."""
    ins, single_in = _tup(inputs)
    with enable_grad():
        ins = _prepare(ins, create_graph)
        outs, single_out = _tup(func(*ins))
        _check_outputs(outs, strict)
        if v is None:
            if any(t.numel() != 1 for t in ins):
                raise RuntimeError("The vector v can only be None if the input to the user-"
                                   "provided function is a single Tensor with a single element.")
            v = tuple(creation.ones_like(t) for t in ins)
        vs = _tup(v)[0]
        dummies = tuple(creation.zeros_like(o, requires_grad=True) for o in outs)
        g = grad(outs, ins, dummies, create_graph=True, allow_unused=True)
        pairs = [(gi, vi) for gi, vi in zip(g, vs) if gi is not None and gi.requires_grad]
        res = grad([p[0] for p in pairs], dummies, [p[1] for p in pairs],
                   create_graph=create_graph, allow_unused=True) if pairs else (None,) * len(outs)
    res = _fill(res, outs)
    if not create_graph:
        res = tuple(r.detach() for r in res)
        outs = tuple(o.detach() for o in outs)
    return _out(outs, single_out), _out(res, single_out)


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """J[i][j] = d output_i / d input_j, shaped output.shape + input.shape."""
    ins, single_in = _tup(inputs)
    with enable_grad():
        ins = _prepare(ins, create_graph)
        outs, single_out = _tup(func(*ins))
        _check_outputs(outs, strict)
        rows = []
        for i, o in enumerate(outs):
            per_input = [[] for _ in ins]
            flat = o.reshape(-1)
            for k in range(flat.numel()):
                gs = grad(flat[k], ins, retain_graph=True, create_graph=create_graph,
                          allow_unused=True) if o.requires_grad else (None,) * len(ins)
                _check_used(gs, strict, i)
                for j, (g, t) in enumerate(zip(gs, ins)):
                    per_input[j].append(g if g is not None else creation.zeros_like(t))
            blocks = []
            for j, t in enumerate(ins):
                from ..ops.shape import stack

                block = stack(per_input[j]) if per_input[j] else creation.zeros(
                    0, *t.shape, dtype=t.dtype, device=t.device)
                block = block.reshape(tuple(o.shape) + tuple(t.shape))
                blocks.append(block if create_graph else block.detach())
            rows.append(_out(tuple(blocks), single_in))
    return _out(tuple(rows), single_out)


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Jacobian of the gradient of a scalar function."""
    ins, single_in = _tup(inputs)

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "containing a single element")
        gs = grad(out.reshape(()), xs, create_graph=True, allow_unused=True)
        return _fill(gs, xs)

    jac = jacobian(gradient, ins, create_graph=create_graph)
    if single_in:
        return jac[0][0]
    return jac


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v) for a scalar function."""
    ins, single_in = _tup(inputs)
    vs = _tup(v)[0]
    with enable_grad():
        ins = _prepare(ins, create_graph)
        out = func(*ins)
        gs = _fill(grad(out, ins, create_graph=True, allow_unused=True), ins)
        dot = sum((g * w).sum() for g, w in zip(gs, vs))
        res = _fill(grad(dot, ins, create_graph=create_graph, allow_unused=True), ins)
    if not create_graph:
        res = tuple(r.detach() for r in res)
        out = out.detach()
    return out, _out(res, single_in)


vhp = hvp  # the Hessian of a twice-differentiable scalar function is symmetric
