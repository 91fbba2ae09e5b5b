"""Where a CUDA training step spends its host time: cProfile over warm toy_mlp_step and
conv_step steps on cuda (the GPU work they queue is synchronised once per step), printed as
the top functions by own time and by cumulative time. Run by bench/gpu_check.sh; on a machine
without CUDA it says so and exits 0."""
from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time

import autograd_gpu as ag
from autograd_gpu import benchmarks as B


def main(steps: int = 200) -> int:
    if not ag.cuda.is_available():
        print("no CUDA device: nothing to profile")
        return 0
    for name in ("toy_mlp_step", "conv_step"):
        step = B.WORKLOADS[name][0](ag, "cuda")
        for _ in range(20):  # warm: kernels compiled, pool filled
            step()
        ag.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        ag.cuda.synchronize()
        per_step = (time.perf_counter() - t0) / steps
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(steps):
            step()
        ag.cuda.synchronize()
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(30)
        print(f"## {name} on cuda: {per_step * 1e6:.0f} us per step unprofiled, "
              f"{steps} steps profiled")
        print(out.getvalue())
    micro()
    return 0


def _per_call(fn, sync, reps: int = 2000) -> float:
    for _ in range(50):
        fn()
    sync()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    sync()
    return (time.perf_counter() - t0) / reps * 1e6


def micro() -> None:
    """Host cost per call (us) of the single operations a toy step is made of, at its sizes
    (96 x 64 float32), on CuPy directly, through autograd_gpu, and on PyTorch CUDA: which
    costs are CuPy's own and which are this library's."""
    import cupy

    sync = cupy.cuda.runtime.deviceSynchronize
    x, w, b = (cupy.random.standard_normal(s, dtype=cupy.float32) for s in
               ((96, 64), (64, 64), (64,)))
    from autograd_gpu.backends import cuda_kernels

    k = cuda_kernels._kernel("tanh_backward")
    rows = {
        "cupy x @ w.T": lambda: x @ w.T,
        "cupy out += b": lambda: x.__iadd__(b),
        "cupy x + x": lambda: x + x,
        "cupy x * 0.5": lambda: x * 0.5,
        "cupy x.sum(0)": lambda: x.sum(0),
        "cupy x.copy()": lambda: x.copy(),
        "cupy empty": lambda: cupy.empty((96, 64), cupy.float32),
        "cupy ElementwiseKernel": lambda: k(x, x),
        "cupy x.device != w.device": lambda: x.device != w.device,
    }
    X, W, Bv = (ag.tensor(a.get(), device="cuda") for a in (x, w, b))
    Wg = W.clone().requires_grad_()
    rows.update({
        "ag x + x": lambda: X + X,
        "ag linear (grad)": lambda: ag.nn.functional.linear(X, Wg, Bv),
        "ag tanh": lambda: X.tanh(),
        "ag x.sum(0)": lambda: X.sum(0),
    })
    try:
        import torch
        if torch.cuda.is_available():
            tx, tw, tb = (torch.as_tensor(a, device="cuda") for a in (x, w, b))
            twg = tw.clone().requires_grad_()
            tsync = torch.cuda.synchronize
            for name, fn in {"torch x @ w.T": lambda: tx @ tw.T, "torch x + x": lambda: tx + tx,
                             "torch x.sum(0)": lambda: tx.sum(0),
                             "torch linear (grad)":
                                 lambda: torch.nn.functional.linear(tx, twg, tb)}.items():
                rows[name] = (fn, tsync)
    except ImportError:
        pass
    print("## host cost per call (us), 96x64 float32")
    for name, fn in rows.items():
        fn, s = fn if isinstance(fn, tuple) else (fn, sync)
        print(f"{name:32s} {_per_call(fn, s):8.2f}")


if __name__ == "__main__":
    sys.exit(main())
