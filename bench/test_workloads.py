"""The benchmark suite: every workload on every available device, for autograd_gpu, its NumPy
floor (CPU) and PyTorch (a reference row, when installed). Run:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest bench

CI runs it with --benchmark-disable (each step once) so it cannot rot."""
from __future__ import annotations

import pytest

import autograd_gpu as ag
from autograd_gpu import benchmarks as B

from .conftest import synchronized, torch_or_skip

ROUNDS = {"op_overhead": 30, "mlp_step": 20, "toy_mlp_step": 50, "conv_step": 10}


def _run(benchmark, name: str, lib_name: str, device: str, step) -> None:
    benchmark.group = f"{name}-{device}"
    benchmark.extra_info.update(workload=name, lib=lib_name, device=device)
    step()  # cold start: kernels compile, pools fill
    benchmark.pedantic(step, rounds=ROUNDS[name], iterations=1, warmup_rounds=2)


@pytest.mark.parametrize("name", sorted(B.WORKLOADS))
def test_autograd_gpu(benchmark, device, name):
    _run(benchmark, name, "autograd_gpu", device,
         synchronized(B.WORKLOADS[name][0](ag, device), device))


@pytest.mark.parametrize("name", sorted(B.WORKLOADS))
def test_numpy_floor(benchmark, name):
    _run(benchmark, name, "numpy-floor", "cpu", B.WORKLOADS[name][1]())


@pytest.mark.parametrize("name", sorted(B.WORKLOADS))
def test_torch(benchmark, device, name):
    torch = torch_or_skip()
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("PyTorch has no CUDA here")
    _run(benchmark, name, "torch", device,
         synchronized(B.WORKLOADS[name][0](torch, device), device, torch))


@pytest.mark.parametrize("sweep", sorted(B.SWEEPS))
@pytest.mark.parametrize("n", [B.SIZES[0], B.SIZES[len(B.SIZES) // 2], B.SIZES[-1]])
def test_size_sweep(benchmark, device, sweep, n):
    benchmark.group = f"size_sweep-{sweep}-{n}"
    benchmark.extra_info.update(workload=f"size_sweep-{sweep}", n=n, device=device)
    step = synchronized(B.SWEEPS[sweep](ag, device, n), device)
    step()
    benchmark.pedantic(step, rounds=5, iterations=1)
