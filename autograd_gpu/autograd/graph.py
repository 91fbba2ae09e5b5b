"""torch.autograd.graph: hooks on the tensors a graph saves for backward, and the Node type.

Under `saved_tensors_hooks(pack_hook, unpack_hook)`, every tensor an operation saves for its
backward goes through pack_hook when saved and comes back through unpack_hook when the
backward needs it (the innermost pair applies); `save_on_cpu` keeps saved tensors in host
memory. Nodes that keep derivative data as plain arrays of their own (the fused losses and
layers) are not packed."""
from __future__ import annotations

from .grad_mode import SAVED_HOOKS_OPEN, state
from .node import Node

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]


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
