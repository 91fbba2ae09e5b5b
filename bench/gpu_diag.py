"""Why a step times slower when it alternates with PyTorch's (the paired measure) than on its
own: each step's host time (until step() returns) and its wait in synchronize(), for
autograd_gpu before PyTorch has run any CUDA work, after it has, with the collector off, and
in alternating blocks. Run on a GPU machine: python bench/gpu_diag.py [workload ...]."""
from __future__ import annotations

import gc
import statistics
import sys
import time

import autograd_gpu as ag
from autograd_gpu import benchmarks as B


def split_times(step, sync, rounds: int = 60) -> tuple[float, float]:
    """Median host time and median sync wait of `rounds` synchronised steps (in us)."""
    for _ in range(3):
        step()
    sync()
    host, wait = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        step()
        t1 = time.perf_counter()
        sync()
        t2 = time.perf_counter()
        host.append(t1 - t0)
        wait.append(t2 - t1)
    return statistics.median(host) * 1e6, statistics.median(wait) * 1e6


def show(label: str, times: tuple[float, float]) -> None:
    host, wait = times
    print(f"  {label:44} host {host:8.1f} us  sync wait {wait:8.1f} us  total "
          f"{host + wait:8.1f} us", flush=True)


_collections: list = []


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _collections.append([info["generation"], time.perf_counter()])
    else:
        _collections[-1][1] = time.perf_counter() - _collections[-1][1]


def main(names) -> None:
    import torch

    print(f"objects tracked by the collector: {len(gc.get_objects())}", flush=True)
    gc.callbacks.append(_on_gc)

    sync_ag, sync_t = ag.cuda.synchronize, torch.cuda.synchronize
    for name in names:
        make = B.WORKLOADS[name][0]
        print(f"## {name}", flush=True)
        ours = make(ag, "cuda")
        show("autograd_gpu, before PyTorch ran", split_times(ours, sync_ag))
        theirs = make(torch, "cuda")
        show("PyTorch", split_times(theirs, sync_t))
        show("autograd_gpu, after PyTorch ran", split_times(ours, sync_ag))
        gc.disable()
        show("autograd_gpu, collector off", split_times(ours, sync_ag))
        gc.enable()
        for per_block in (8, 2):
            a, b = [], []
            for _ in range(10):
                a.append(split_times(ours, sync_ag, per_block))
                b.append(split_times(theirs, sync_t, per_block))
            for label, xs in (("autograd_gpu", a), ("PyTorch", b)):
                show(f"{label}, alternating blocks of {per_block}",
                     (statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs)))
        show("autograd_gpu, alone again", split_times(ours, sync_ag))
        # the same step with a torch.cuda.synchronize() after it (and the reverse)
        show("autograd_gpu step, torch's synchronize", split_times(ours, sync_t))
        show("PyTorch step, autograd_gpu's synchronize", split_times(theirs, sync_ag))
    for gen in range(3):
        spent = [t for g, t in _collections if g == gen]
        print(f"collections of generation {gen}: {len(spent)}, {sum(spent) * 1e3:.1f} ms in all")
    for label, sync in (("autograd_gpu", sync_ag), ("PyTorch", sync_t)):
        t = []
        for _ in range(200):
            t0 = time.perf_counter()
            sync()
            t.append(time.perf_counter() - t0)
        print(f"idle synchronize, {label}: {statistics.median(t) * 1e6:.1f} us")


if __name__ == "__main__":
    main(sys.argv[1:] or ["conv_step", "mlp_step"])
