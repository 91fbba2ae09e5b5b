"""torch.utils.checkpoint: trade compute for memory by recomputing a block's forward during
backward instead of keeping its activations.

use_reentrant=True (PyTorch's default when the flag is left out, with its warning): the
block runs without recording; its one node (CheckpointFunctionBackward) recomputes the block
with grad enabled, replaying the random state so dropout draws the same masks, and
backpropagates through the recomputed graph, which accumulates into the block's parameters as
PyTorch's reentrant checkpoint does (so, as there, it does not work with autograd.grad).
use_reentrant=False: the block is recorded as usual (values, grad_fns and gradients as
PyTorch's, autograd.grad included); its activations are kept, so this form saves no memory
here (it needs saved-tensor hooks, which this engine does not have)."""
from __future__ import annotations

import warnings

from .. import backends, creation
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor

_REENTRANT_HINT = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants.")


def _rng_snapshot() -> list:
    snap = []
    for backend in backends.all_created():
        gen = creation.default_generator(backend)
        snap.append((gen, gen.get_state()))
    return snap


class CheckpointFunction(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function, ctx.preserve = run_function, preserve_rng_state
        ctx.rng = _rng_snapshot() if preserve_rng_state else []
        ctx.inputs = [a.detach() if isinstance(a, Tensor) else a for a in args]
        ctx.wants = [isinstance(a, Tensor) and a.requires_grad for a in args]
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        from ..autograd.api import backward as run_backward

        inputs = [a.detach().requires_grad_(w) if isinstance(a, Tensor) else a
                  for a, w in zip(ctx.inputs, ctx.wants)]
        current = [(gen, gen.get_state()) for gen, _ in ctx.rng]
        try:
            for gen, saved in ctx.rng:
                gen.set_state(saved)
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            for gen, state in current:
                gen.set_state(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        run_backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None, *[a.grad if isinstance(a, Tensor) else None for a in inputs])


def checkpoint(function, *args, use_reentrant: bool | None = None, context_fn=None,
               determinism_check: str = "default", debug: bool = False,
               preserve_rng_state: bool = True, **kwargs):
    """function(*args, **kwargs), its activations recomputed during backward."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_HINT, UserWarning, stacklevel=2)
        use_reentrant = True
    if not use_reentrant:
        return function(*args, **kwargs)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      UserWarning, stacklevel=2)
        with no_grad():
            return function(*args)
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,
                          **kwargs):
    """A Sequential (or list of modules) run in `segments` checkpointed chunks, the last chunk
    recorded as usual."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_HINT, UserWarning, stacklevel=2)
        use_reentrant = True
    modules = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = len(modules) // segments

    def run(start: int, end: int):
        def forward(x):
            for m in modules[start:end + 1]:
                x = m(x)
            return x
        return forward

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run(end + 1, len(modules) - 1)(input)


__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointFunction"]
