"""Module backward hooks: the module's inputs and outputs pass through identity nodes
(BackwardHookFunction, as PyTorch names them) whose backward calls the hooks with exactly the
module's share of the gradients."""
from __future__ import annotations

from ...autograd.function import Function
from ...autograd.grad_mode import state as grad_state
from ...tensor import Tensor


class BackwardHookFunction(Function):
    """Identity on its tensor arguments; backward hands their gradients to ctx.callback."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        views = tuple(t.view_as(t) for t in tensors)
        return views if len(views) > 1 else views[0]

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.callback(grads))


class _Call:
    """One forward call's record: its gradient outputs, once backward has computed them."""

    def __init__(self, n_inputs: int):
        self.grad_outputs = None
        self.n_inputs = n_inputs


def wrap_inputs(module, args: tuple):
    """args with their tensors that require grad routed through one identity node whose
    backward calls the module's full backward hooks."""
    call = _Call(len(args))
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    call.positions = positions
    if not positions or not grad_state.enabled or not module._backward_hooks:
        return args, call

    def on_input_grads(grads):
        grad_input = [None] * len(args)
        for i, g in zip(positions, grads):
            grad_input[i] = g
        grad_input = tuple(grad_input)
        for hook in list(module._backward_hooks.values()):
            res = hook(module, grad_input, call.grad_outputs or ())
            if res is not None:
                res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
                if len(res) != len(grad_input):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, "
                                       f"got {len(res)}, but expected {len(grad_input)}")
                grad_input = res
        return tuple(grad_input[i] for i in positions)

    routed = BackwardHookFunction.apply(on_input_grads, *[args[i] for i in positions])
    routed = routed if isinstance(routed, tuple) else (routed,)
    new_args = list(args)
    for i, t in zip(positions, routed):
        new_args[i] = t
    return tuple(new_args), call


def wrap_outputs(module, out, call: _Call):
    """out with its tensors routed through an identity node that records the gradient
    outputs (after the full backward pre-hooks); with no input requiring grad, the full
    backward hooks run there, with grad_input all None."""
    tensors = [out] if isinstance(out, Tensor) else [o for o in out if isinstance(o, Tensor)] \
        if isinstance(out, (tuple, list)) else []
    routed_idx = [i for i, t in enumerate(tensors) if t.requires_grad]
    if not routed_idx or not grad_state.enabled:
        return out

    def on_output_grads(grads):
        grads = tuple(grads)
        for hook in list(module._backward_pre_hooks.values()):
            res = hook(module, grads)
            if res is not None:
                grads = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        call.grad_outputs = grads
        if not call.positions:
            for hook in list(module._backward_hooks.values()):
                hook(module, (None,) * call.n_inputs, grads)
        return grads

    picked = [tensors[i] for i in routed_idx]
    routed = BackwardHookFunction.apply(on_output_grads, *picked)
    routed = routed if isinstance(routed, tuple) else (routed,)
    if isinstance(out, Tensor):
        return routed[0]
    tensor_pos = [j for j, o in enumerate(out) if isinstance(o, Tensor)]
    mapping = {tensor_pos[i]: routed[n] for n, i in enumerate(routed_idx)}
    replaced = [mapping.get(j, o) for j, o in enumerate(out)]
    return type(out)(replaced) if not hasattr(out, "_fields") else type(out)(*replaced)
