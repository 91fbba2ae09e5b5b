"""Higher-level derivatives built on autograd.grad: vjp, jvp, jacobian, hessian, hvp, vhp
(PyTorch's torch.autograd.functional, with its checks, strict mode and error wording).

Jacobians are built row by row from vector-Jacobian products (the vectorized and forward-mode
strategies give the same values from the same products); jvp and hvp use the double-backward
trick (a VJP is linear in its vector, so differentiating it along v gives J v)."""
from __future__ import annotations

from .. import creation
from ..tensor import Tensor
from .api import grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, what: str, fn: str) -> tuple[bool, tuple]:
    """(was it a tuple, its tensors): a Tensor or a tuple of Tensors, nothing else."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of "
                            f"Tensors but the {where} has type {type(el)}.")
    return is_tuple, items


def _unpack(res, *was_tuple: bool):
    """Undo the tuple wrapping of what was passed as a single Tensor (outer level first)."""
    if len(was_tuple) == 2 and not was_tuple[1]:
        res = tuple(el[0] for el in res)
    return res if was_tuple[0] else res[0]


def _preprocess(tensors, create_graph: bool, need_graph: bool) -> tuple:
    """Inputs the function sees: views of the caller's tensors when the graph is to reach
    them (create_graph), fresh leaves otherwise."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in tensors)


def _postprocess(res, create_graph: bool):
    if isinstance(res[0], Tensor):
        return res if create_graph else tuple(r.detach() for r in res)
    return tuple(_postprocess(r, create_graph) for r in res)


def _validate_v(v, other, other_is_tuple: bool) -> None:
    if len(other) != len(v):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el_v, el) in enumerate(zip(v, other)):
        if el_v.size() != el.size():
            entry = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{entry}v has invalid size: should be {el.size()} but got "
                               f"{el_v.size()}.")


def _vector(v, fn: str, other, other_is_tuple: bool, create_graph: bool, single: str):
    """The user's v, checked against `other`; None only where `other` is one element."""
    if v is None:
        if len(other) != 1 or other[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {single} a single Tensor "
                               f"with a single element.")
        return None
    v = _preprocess(_as_tuple(v, "v", fn)[1], create_graph, need_graph=False)
    _validate_v(v, other, other_is_tuple)
    return v


_INPUT_SINGLE = "the input to the user-provided function is"
_NOT_REQUIRING = {
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
               "independent of the input. This is not allowed in strict mode. You should "
               "ensure that your function is thrice differentiable and that the hessian "
               "depends on the inputs.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of "
                   "the user-provided function. This is not allowed in strict mode.",
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when "
               "running in strict mode.",
}


def _check_requires_grad(tensors, kind: str, strict: bool) -> None:
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_NOT_REQUIRING[kind].format(i=i))


def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None) -> tuple:
    """autograd.grad over the outputs that require grad (None for every input if none do)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True,
                create_graph=create_graph, retain_graph=retain_graph)


_UNUSED = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _fill_in_zeros(grads, like, strict: bool, create_graph: bool, stage: str) -> tuple:
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_UNUSED[stage].format(i=i))
            g = creation.zeros_like(like[i])
        elif strict and create_graph and not g.requires_grad:
            which = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {which} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               f"create_graph=True.")
        res.append(g)
    return tuple(res)


def _call(func, inputs, fn: str, strict: bool) -> tuple[bool, tuple]:
    was_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn)
    _check_requires_grad(outputs, "outputs", strict)
    return was_tuple, outputs


def _single_output(was_tuple: bool, outputs, fn: str) -> None:
    if was_tuple:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain "
                           f"a single element")


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): the vector-Jacobian product."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _vector(v, "vjp", outputs, outputs_tuple, create_graph,
                    "the user-provided function returns")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(outputs, inputs, v, create_graph), inputs, strict,
                             create_graph, "back")
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), inputs_tuple))


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _vector(v, "jvp", inputs, inputs_tuple, create_graph, _INPUT_SINGLE)
        outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        dummies = tuple(creation.zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(grad_inputs, dummies, v, create_graph), outputs, strict,
                             create_graph, "back_trick")
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), outputs_tuple))


def _jacobian_rows(outputs, inputs, create_graph: bool, strict: bool) -> tuple:
    """J[i][j] = d outputs[i] / d inputs[j], shaped outputs[i].shape + inputs[j].shape, one
    vector-Jacobian product per output element."""
    from ..ops.shape import stack

    rows = []
    for i, out in enumerate(outputs):
        per_input = [[] for _ in inputs]
        flat = out.reshape(-1)
        for k in range(out.numel()):
            vj = _grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
            for j, (g, inp) in enumerate(zip(vj, inputs)):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is "
                                           f"independent of input {j}. This is not allowed "
                                           f"in strict mode.")
                    g = creation.zeros_like(inp)
                elif strict and create_graph and not g.requires_grad:
                    # (PyTorch's message numbers the output here, not the input)
                    raise RuntimeError(f"The jacobian of the user-provided function is "
                                       f"independent of input {i}. This is not allowed in "
                                       f"strict mode when create_graph=True.")
                per_input[j].append(g)
        rows.append(tuple(
            stack(gs).view(tuple(out.shape) + tuple(inp.shape)) if gs else
            creation.zeros(tuple(out.shape) + tuple(inp.shape), dtype=inp.dtype,
                           device=inp.device) for gs, inp in zip(per_input, inputs)))
    return tuple(rows)


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of func at inputs: per output and input, output.shape + input.shape."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                             'Hint: If your function has more outputs than inputs, '
                             '"forward-mode" tends to be more performant. Otherwise, prefer to '
                             'use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either '
                'set `create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either '
                'set `strict=False` or `strategy="reverse-mode"`.')
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-"
                                      "reverse Hessian isonly implemented for "
                                      "`vectorize=True`.")
        # forward mode here is the same products as reverse mode (forward_ad's tangents are
        # double VJPs too): the values are the Jacobian's, the inputs' graph is left alone
        with enable_grad():
            leaves = tuple(t.detach().requires_grad_(True) for t in inputs)
            outputs_tuple, outputs = _as_tuple(func(*leaves), "outputs",
                                               "jacobian")
            res = _jacobian_rows(outputs, leaves, False, False)
        return _unpack(_postprocess(res, False), outputs_tuple, inputs_tuple)
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                               "`vectorized=True` are not supported together. Please either "
                               "set `strict=False` or `vectorize=False`.")
        res = _jacobian_rows(outputs, inputs, create_graph, strict)
        return _unpack(_postprocess(res, create_graph), outputs_tuple, inputs_tuple)


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Jacobian of the gradient of a scalar function."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*xs):
        out = func(*xs)
        was_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        _single_output(was_tuple, outs, "hessian")
        return out.squeeze()

    def gradient(*xs):
        jac = jacobian(single_output, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(res, inputs_tuple, inputs_tuple)


def _second_order(func, inputs, v, create_graph: bool, strict: bool, fn: str):
    """What vhp and hvp share: checked inputs and v, the scalar output, its gradient."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn)
    inputs = _preprocess(inputs, create_graph, need_graph=True)
    v = _vector(v, fn, inputs, inputs_tuple, create_graph, _INPUT_SINGLE)
    outputs_tuple, outputs = _call(func, inputs, fn, strict)
    _single_output(outputs_tuple, outputs, fn)
    jac = _grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return inputs_tuple, inputs, v, outputs_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H) for a scalar function."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _second_order(
            func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(jac, inputs, v, create_graph), inputs, strict,
                             create_graph, "double_back")
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), inputs_tuple))


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v) for a scalar function, by the double-backward trick."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _second_order(
            func, inputs, v, create_graph, strict, "hvp")
        dummies = tuple(creation.zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _grad(jac, inputs, dummies, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)  # (PyTorch checks jac here, not its grad)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(double_back, dummies, v, create_graph), inputs, strict,
                             create_graph, "double_back_trick")
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), inputs_tuple))
