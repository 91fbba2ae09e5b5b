"""Benchmark fixtures: the device, a synchronising runner, and PyTorch when installed."""
from __future__ import annotations

import os

import pytest

import autograd_gpu as ag


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    if request.param == "cuda" and not ag.cuda.is_available():
        pytest.skip("no CUDA device")
    return request.param


def synchronized(step, device: str, lib=ag):
    """Wrap a step so a timing includes the GPU work it queued (no-op on the CPU)."""
    if device == "cpu":
        return step

    def run():
        step()
        lib.cuda.synchronize()

    return run


def torch_or_skip():
    # PyTorch's OpenMP workers otherwise spin after each op and slow the rows timed next
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return pytest.importorskip("torch", reason="PyTorch is not installed: no reference row")
