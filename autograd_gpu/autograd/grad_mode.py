"""Grad mode: whether operations record a graph. Thread-local, as in PyTorch."""
from __future__ import annotations

import functools
import threading


class _State(threading.local):
    enabled = True  # a class attribute: every new thread starts with grad mode on
    anomaly = False
    anomaly_check_nan = True  # (PyTorch's default, read even while anomaly mode is off)
    protected = None  # the engine's set of arrays leaves must copy (during a backward only)
    inference = False  # inside inference_mode()
    keep_graph = False  # the running backward's retain_graph (a node running a sub-graph reads it)
    saved_hooks = None  # the innermost saved_tensors_hooks' (pack, unpack), or None
    saved_hooks_disabled = None  # disable_saved_tensors_hooks' message while inside it
    graph_task = None  # [id, root, leads, wanted, reachable nodes or None] during a backward


state = _State()
# How many saved_tensors_hooks contexts are open, in any thread: every op reads this cheap
# global before the thread-local hooks (a thread-local read costs more than the check).
SAVED_HOOKS_OPEN = [0]


def is_grad_enabled() -> bool:
    return state.enabled


class _Mode:
    """A context manager that is also a decorator, like torch.no_grad."""

    mode = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc) -> None:
        state.enabled = self._prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class _BareDecorator(_Mode):
    """Also usable as a bare decorator (@no_grad), as recent PyTorch allows."""

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        if fn is not None and callable(fn):
            return self(fn)
        return self

    def __init__(self, fn=None):
        pass


class no_grad(_BareDecorator):  # noqa: N801 - PyTorch's spelling
    mode = False


class enable_grad(_BareDecorator):  # noqa: N801
    mode = True


class inference_mode(_Mode):  # noqa: N801
    """Grad mode off; tensors made inside are inference tensors (tensor.InferenceTensor).
    (The tensors' kind is switched process-wide, not per thread as PyTorch does.)"""

    def __init__(self, mode: bool = True):
        self.mode = not mode

    def __enter__(self):
        from ..tensor import set_inference_tensors

        super().__enter__()
        self._prev_inference = state.inference
        state.inference = not self.mode
        set_inference_tensors(state.inference)

    def __exit__(self, *exc) -> None:
        from ..tensor import set_inference_tensors

        super().__exit__(*exc)
        state.inference = self._prev_inference
        set_inference_tensors(state.inference)

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(not mode):
                return fn(*args, **kwargs)

        return wrapper


class set_grad_enabled(_Mode):  # noqa: N801
    """Sets grad mode at once (as a call) and restores the previous mode on exit (as a `with`)."""

    def __init__(self, mode: bool):
        self._prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        state.enabled = self._prev  # used as a decorator: applies only inside the function
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper
