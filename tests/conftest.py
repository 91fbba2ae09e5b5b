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
