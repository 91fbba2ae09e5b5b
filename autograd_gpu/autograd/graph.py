"""torch.autograd.graph: hooks on the tensors a graph saves for backward, and the Node type.

Under `saved_tensors_hooks(pack_hook, unpack_hook)`, every tensor an operation saves for its
backward goes through pack_hook when saved and comes back through unpack_hook when the
backward needs it (the innermost pair applies); `save_on_cpu` keeps saved tensors in host
memory. Nodes that keep derivative data as plain arrays of their own (the fused losses and
layers) are not packed."""
from __future__ import annotations

from collections import namedtuple

from .grad_mode import SAVED_HOOKS_OPEN, state
from .node import Node

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks",
           "GradientEdge", "get_gradient_edge", "increment_version", "register_multi_grad_hook"]

GradientEdge = namedtuple("GradientEdge", ["node", "output_nr"])
GradientEdge.__doc__ = "A point of the graph: a node and which of its inputs' gradients."


def _grad_fn_or_grad_acc(t):
    """A tensor's grad_fn, or for a leaf that requires grad its gradient accumulator."""
    if t.requires_grad and t.grad_fn is None:
        return t._edge[0]
    return t.grad_fn


def get_gradient_edge(tensor) -> GradientEdge:
    """The edge autograd.grad can take in place of the tensor (its gradient at that point of
    the graph, whatever happens to the tensor afterwards)."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that "
                           "does not require gradients")
    return GradientEdge(_grad_fn_or_grad_acc(tensor), tensor.output_nr)


def increment_version(tensor) -> None:
    """Move the version counter on (of a tensor, or of each in an iterable), as an in-place
    change made behind autograd's back would."""
    from ..tensor import Tensor

    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._vc[0] += 1


class _MultiHandle:
    """The handles of one register_multi_grad_hook, removed together."""

    def __init__(self, handles: tuple):
        self.handles = handles

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode: str = "all") -> _MultiHandle:
    """fn(grads) once per backward after the gradients of all `tensors` that this backward
    computes are known (None for the others), mode="all"; or fn(grad) with the first of them
    to be computed, mode="any" (PyTorch's semantics)."""
    from . import engine

    modes = ("all", "any")
    if mode not in modes:
        raise ValueError(f"Expects mode to be one of {modes} but got {mode}")
    tensors = tuple(tensors)
    if mode == "any":
        ran = set()

        def first(grad):
            task = engine.current_graph_task_id()
            if task in ran:
                return
            ran.add(task)
            fn(grad)

        return _MultiHandle(tuple(t.register_hook(first) for t in tensors if t.requires_grad))
    count, buffers, expected = {}, {}, {}
    grad_fns = [_grad_fn_or_grad_acc(t) for t in tensors]

    def hook_for(index: int):
        def hook(grad):
            task = engine.current_graph_task_id()
            seen = count.get(task, 0)
            count[task] = seen + 1
            buffer = buffers.setdefault(task, [None] * len(tensors))
            if seen == 0:
                expected[task] = sum(engine.will_execute(f) for f in grad_fns if f is not None)
            buffer[index] = grad
            if seen == expected[task] - 1:
                del count[task], buffers[task], expected[task]
                fn(buffer)

        return hook

    return _MultiHandle(tuple(t.register_hook(hook_for(i)) for i, t in enumerate(tensors)
                              if t.requires_grad))


class saved_tensors_hooks:  # noqa: N801 - PyTorch's spelling
    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if state.saved_hooks_disabled is not None:
            raise RuntimeError(state.saved_hooks_disabled)
        self._previous = state.saved_hooks
        state.saved_hooks = (self.pack_hook, self.unpack_hook)
        SAVED_HOOKS_OPEN[0] += 1
        return self

    def __exit__(self, *exc) -> None:
        state.saved_hooks = self._previous
        SAVED_HOOKS_OPEN[0] -= 1


class save_on_cpu(saved_tensors_hooks):  # noqa: N801
    """Saved tensors live on the CPU until the backward moves them back to their device."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda"):
        def pack(tensor):
            return tensor.device, tensor.cpu()

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:  # noqa: N801
    """Inside, entering saved_tensors_hooks raises RuntimeError(error_message)."""

    def __init__(self, error_message: str):
        self.error_message = error_message

    def __enter__(self):
        self._previous = state.saved_hooks_disabled
        state.saved_hooks_disabled = self.error_message
        return self

    def __exit__(self, *exc) -> None:
        state.saved_hooks_disabled = self._previous
