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
    return 0


if __name__ == "__main__":
    sys.exit(main())
