"""Shared fixtures: `device` runs a test on every available device (cuda skips without a GPU)."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag

DEVICES = ["cpu", "cuda"]


@pytest.fixture(params=DEVICES)
def device(request):
    if request.param == "cuda" and not ag.cuda.is_available():
        from autograd_gpu.backends.cupy_backend import cuda_unavailable_reason

        pytest.skip(f"no CUDA device: {cuda_unavailable_reason()}")
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def host(t) -> np.ndarray:
    """A tensor's values as a NumPy array, from any device."""
    return t.detach().cpu().numpy()


REFERENCE_TORCH = (2, 13)  # the PyTorch release whose messages and reprs the library follows


def agrees_with_torch(T, ok: bool, what) -> None:
    """Assert `ok` (ours matches PyTorch's). Where an older PyTorch than the reference is the
    one installed, a difference is an expected failure saying so: reprs and error wording
    change between releases (LayerNorm's bias=, the target-dtype message, ...)."""
    if ok:
        return
    if not torch_at_reference(T):
        pytest.xfail(f"PyTorch {T.__version__} differs here; autograd_gpu follows PyTorch "
                     f"{'.'.join(map(str, REFERENCE_TORCH))}: {what!r}")
    raise AssertionError(what)


def torch_at_reference(T) -> bool:
    """Whether the installed PyTorch is the reference release or newer (its reprs and error
    wording are then the ones to match exactly)."""
    return tuple(int(p) for p in T.__version__.split("+")[0].split(".")[:2]) >= REFERENCE_TORCH
