"""op_overhead: per-op cost of recording and backpropagating small ops (see bench/workloads)."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag

from .conftest import synchronized, torch_or_skip
from .workloads import OP_OVERHEAD_OPS, op_overhead, op_overhead_numpy


def _record(benchmark, device, lib):
    benchmark.group = f"op_overhead-{device}"
    benchmark.extra_info.update(lib=lib, device=device, ops_per_round=OP_OVERHEAD_OPS)


def test_autograd_gpu(benchmark, device):
    _record(benchmark, device, "autograd_gpu")
    step = synchronized(op_overhead(ag, device), device)
    step()  # warm-up (kernel compilation on GPU)
    benchmark.pedantic(step, rounds=50, iterations=1, warmup_rounds=5)


def test_numpy_floor(benchmark):
    _record(benchmark, "cpu", "numpy-floor")
    benchmark.pedantic(op_overhead_numpy(), rounds=50, iterations=1, warmup_rounds=5)


def test_torch(benchmark, device):
    torch = torch_or_skip()
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("PyTorch has no CUDA here")
    _record(benchmark, device, "torch")
    step = synchronized(op_overhead(torch, device), device, torch)
    step()
    benchmark.pedantic(step, rounds=50, iterations=1, warmup_rounds=5)


def test_numpy_floor_matches_autograd():
    """The floor computes the same gradients as autograd_gpu (so it is a fair floor)."""
    floor = op_overhead_numpy()
    h0, w, b = floor.inputs
    gw, gb = floor()
    tw = ag.tensor(w, requires_grad=True)
    tb = ag.tensor(b, requires_grad=True)
    h = ag.tensor(h0)
    for _ in range(50):
        h = ag.tanh(h * tw + tb)
    h.sum().backward()
    np.testing.assert_allclose(tw.grad.numpy(), gw, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tb.grad.numpy(), gb, rtol=1e-4, atol=1e-4)
