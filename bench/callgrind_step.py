"""Instructions per training step under callgrind (bench/callgrind.sh runs it): the CPU
hot-path measure the optimisation log in bench/RESULTS.md quotes. Usage:
    python bench/callgrind_step.py CHECKOUT WORKLOAD N
imports autograd_gpu from CHECKOUT, runs 3 warm-up steps of WORKLOAD (a name in
autograd_gpu.benchmarks.WORKLOADS) on the CPU, then N steps with the garbage collector off."""
import gc
import sys

sys.path.insert(0, sys.argv[1])
import autograd_gpu as ag  # noqa: E402
from autograd_gpu import benchmarks  # noqa: E402

step = benchmarks.WORKLOADS[sys.argv[2]][0](ag, "cpu")
for _ in range(3):
    step()
gc.collect()  # (a full collection inside the measured steps would cost millions of
gc.disable()  # instructions wherever allocation counts put it)
for _ in range(int(sys.argv[3])):
    step()
