"""`autograd-gpu bench`: time the workloads of autograd_gpu.benchmarks on NumPy and CuPy
(and PyTorch), synchronised, and print a table, write JSON, draw the size sweep."""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
import warnings

from . import benchmarks as B


def describe_machine() -> dict:
    import numpy

    info = {"platform": platform.platform(), "python": platform.python_version(),
            "cpu": _cpu_model(), "cores": os.cpu_count(), "numpy": numpy.__version__,
            "blas": _blas(), "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = [{k: p.get(k) for k in ("internal_api", "version",
                                                      "num_threads", "architecture")}
                               for p in threadpool_info()]
    except ImportError:
        info["threadpools"] = "threadpoolctl not installed"
    from . import cuda

    if cuda.is_available():
        import cupy

        rt = cupy.cuda.runtime
        info.update(cupy=cupy.__version__, cuda_runtime=rt.runtimeGetVersion(),
                    cuda_driver=rt.driverGetVersion(), gpu=cuda.get_device_name(0))
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        pass
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _blas() -> str:
    import numpy

    try:
        cfg = numpy.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older NumPy
        return "unknown"


def openblas_warning() -> str | None:
    core = os.environ.get("OPENBLAS_CORETYPE")
    if not core:
        return None
    return (f"OPENBLAS_CORETYPE={core} (and OPENBLAS_L2_SIZE="
            f"{os.environ.get('OPENBLAS_L2_SIZE')}) force OpenBLAS onto an older kernel than this "
            f"CPU ({_cpu_model()}) may have: NumPy's matmul runs slower. Unset both for "
            f"benchmarks: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE autograd-gpu bench")


def _timer(step, sync, min_rounds: int, min_seconds: float) -> dict:
    t0 = time.perf_counter()
    step()
    sync()
    cold = time.perf_counter() - t0
    for _ in range(2):  # warm-up rounds, discarded
        step()
    sync()
    times, start = [], time.perf_counter()
    while len(times) < min_rounds or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - t)
        if len(times) >= 200:
            break
    q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    return {"median_s": statistics.median(times), "iqr_s": q[2] - q[0], "cold_s": cold,
            "rounds": len(times)}


def paired(step_a, step_b, sync_a, sync_b, blocks: int = 15, per_block: int = 8) -> dict:
    """Time two steps in alternating blocks (a, b, a, b, ...), so that both see the same
    phases of a shared machine, and summarise the ratio a / b of each pair of block medians
    (median and quartiles): a ratio that a slow phase moves far less than it moves the
    times of two separate runs."""
    for step, sync in ((step_a, sync_a), (step_b, sync_b)):
        for _ in range(3):  # warm-up (compilation, caches), discarded
            step()
        sync()

    def block(step, sync):
        times = []
        for _ in range(per_block):
            t = time.perf_counter()
            step()
            sync()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    a, b = [], []
    for _ in range(blocks):
        a.append(block(step_a, sync_a))
        b.append(block(step_b, sync_b))
    ratios = sorted(x / y for x, y in zip(a, b))
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return {"ratio": statistics.median(ratios), "ratio_q1": q[0], "ratio_q3": q[2],
            "a_median_s": statistics.median(a), "b_median_s": statistics.median(b),
            "blocks": blocks, "per_block": per_block}


def _libs(device: str, vs_torch: bool):
    import autograd_gpu

    libs = [("autograd_gpu", autograd_gpu)]
    if vs_torch:
        # PyTorch's OpenMP workers otherwise spin after each op and take the second core
        # from whatever is timed next in this process.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import torch

            if device == "cpu" or torch.cuda.is_available():
                libs.append(("torch", torch))
        except ImportError:
            print("--vs-torch: PyTorch is not installed; no reference rows", file=sys.stderr)
    return libs


def _sync(lib_name: str, lib, device: str):
    if device == "cpu":
        return lambda: None
    return lib.cuda.synchronize


def run(devices, workloads, vs_torch: bool, quick: bool, progress,
        pair: bool = False) -> dict:
    results, sweep, pairs = [], [], []
    min_rounds, min_s = (2, 0.0) if quick else (5, 0.5)
    tasks = []
    for device in devices:
        for name in workloads:
            if name == "size_sweep":
                for kind in B.SWEEPS:
                    for n in (B.SIZES[:3] if quick else B.SIZES):
                        if kind == "matmul" and device == "cpu" and n > 2 ** 20:
                            continue  # a 4096^2 matmul takes seconds on a laptop CPU
                        for lib_name, lib in _libs(device, vs_torch):
                            tasks.append(("sweep", device, kind, n, lib_name, lib))
                continue
            libs = _libs(device, vs_torch)
            for lib_name, lib in libs:
                tasks.append(("workload", device, name, None, lib_name, lib))
            if pair and len(libs) == 2:
                tasks.append(("paired", device, name, None, "autograd_gpu/torch", libs))
            if device == "cpu":
                tasks.append(("floor", device, name, None, "numpy-floor", None))
    for kind, device, name, n, lib_name, lib in progress(tasks):
        if kind == "paired":
            (a_name, a), (b_name, b) = lib
            make = B.WORKLOADS[name][0]
            pairs.append(dict(workload=name, device=device, **paired(
                make(a, device), make(b, device), _sync(a_name, a, device),
                _sync(b_name, b, device), *((3, 2) if quick else ()))))
            continue
        if kind == "floor":
            stats = _timer(B.WORKLOADS[name][1](), lambda: None, min_rounds, min_s)
        elif kind == "sweep":
            stats = _timer(B.SWEEPS[name](lib, device, n), _sync(lib_name, lib, device),
                           min_rounds, min_s)
            sweep.append(dict(kind=name, n=n, device=device, lib=lib_name, **stats))
            continue
        else:
            stats = _timer(B.WORKLOADS[name][0](lib, device), _sync(lib_name, lib, device),
                           min_rounds, min_s)
        if name == "op_overhead":
            stats["per_op_us"] = stats["median_s"] / (3 * B.OP_DEPTH) * 1e6
        results.append(dict(workload=name, device=device, lib=lib_name, **stats))
    _ratios(results)
    return {"machine": describe_machine(), "results": results, "sweep": sweep,
            "crossover": crossover(sweep), "paired": pairs}


def _ratios(results: list) -> None:
    ref = {(r["workload"], r["device"], r["lib"]): r["median_s"] for r in results}
    for r in results:
        floor = ref.get((r["workload"], "cpu", "numpy-floor"))
        torch = ref.get((r["workload"], r["device"], "torch"))
        r["vs_floor"] = r["median_s"] / floor if floor else None
        r["vs_torch"] = r["median_s"] / torch if torch else None


def crossover(sweep: list) -> dict:
    """Per sweep kind: the smallest size from which autograd_gpu on CUDA beats it on CPU."""
    out = {}
    for kind in B.SWEEPS:
        cpu = {s["n"]: s["median_s"] for s in sweep if s["kind"] == kind and
               s["device"] == "cpu" and s["lib"] == "autograd_gpu"}
        gpu = {s["n"]: s["median_s"] for s in sweep if s["kind"] == kind and
               s["device"].startswith("cuda") and s["lib"] == "autograd_gpu"}
        wins = sorted(n for n in cpu if n in gpu and gpu[n] < cpu[n])
        out[kind] = wins[0] if wins else None
    return out


def format_table(report: dict) -> str:
    head = f"{'workload':14} {'device':7} {'library':13} {'median':>11} {'spread':>10} " \
           f"{'cold':>10} {'vs floor':>9} {'vs torch':>9}"
    lines = [head, "-" * len(head)]

    def t(s):
        return f"{s * 1e3:9.3f}ms" if s >= 1e-3 else f"{s * 1e6:9.1f}us"

    for r in report["results"]:
        ratio = lambda v: f"{v:8.2f}x" if v else f"{'-':>9}"  # noqa: E731
        extra = f"  ({r['per_op_us']:.2f} us/op)" if "per_op_us" in r else ""
        lines.append(f"{r['workload']:14} {r['device']:7} {r['lib']:13} {t(r['median_s']):>11} "
                     f"{t(r['iqr_s']):>10} {t(r['cold_s']):>10} {ratio(r['vs_floor'])} "
                     f"{ratio(r['vs_torch'])}{extra}")
    if report.get("paired"):
        lines.append("")
        lines.append("autograd_gpu / PyTorch, timed in alternating blocks (median ratio of "
                     "the block pairs [quartiles]):")
        for p in report["paired"]:
            lines.append(f"  {p['workload']:14} {p['device']:7} {p['ratio']:6.2f}x "
                         f"[{p['ratio_q1']:.2f}, {p['ratio_q3']:.2f}]  autograd_gpu "
                         f"{t(p['a_median_s']).strip()}, PyTorch {t(p['b_median_s']).strip()}"
                         f" ({p['blocks']} x {p['per_block']} steps each)")
    if report["sweep"]:
        lines.append("")
        lines.append("size sweep (median per forward+backward):")
        for s in report["sweep"]:
            lines.append(f"  {s['kind']:12} n={s['n']:>9} {s['device']:7} {s['lib']:13} "
                         f"{t(s['median_s'])}")
        for kind, n in report["crossover"].items():
            lines.append(f"  {kind}: CUDA beats the NumPy backend from n={n}" if n else
                         f"  {kind}: no CUDA crossover measured")
    return "\n".join(lines)


def plot_sweep(report: dict, path: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install 'autograd-gpu[plot]'") from None
    fig, axes = plt.subplots(1, len(B.SWEEPS), figsize=(11, 4))
    for ax, kind in zip(axes, B.SWEEPS):
        series = {}
        for s in report["sweep"]:
            if s["kind"] == kind:
                series.setdefault(f"{s['lib']} {s['device']}", []).append((s["n"],
                                                                           s["median_s"]))
        for label, pts in sorted(series.items()):
            pts.sort()
            ax.loglog([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
        n = report["crossover"].get(kind)
        if n:
            ax.axvline(n, color="grey", linestyle=":", label=f"GPU wins from n={n}")
        ax.set(title=f"size sweep: {kind}", xlabel="elements", ylabel="seconds per step")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(args) -> int:
    from . import cuda

    warning = openblas_warning()
    if warning:
        warnings.warn(warning, RuntimeWarning, stacklevel=1)
        print(f"warning: {warning}", file=sys.stderr)
    if args.device == "all":
        devices = ["cpu"] + (["cuda"] if cuda.is_available() else [])
    elif args.device.startswith("cuda") and not cuda.is_available():
        from .backends.cupy_backend import INSTALL_HINT, cuda_unavailable_reason

        raise SystemExit(f"--device cuda: {cuda_unavailable_reason()}. {INSTALL_HINT}")
    else:
        devices = [args.device]
    names = args.workloads or [*B.WORKLOADS, "size_sweep"]
    unknown = [n for n in names if n not in B.WORKLOADS and n != "size_sweep"]
    if unknown:
        raise SystemExit(f"unknown workload(s) {unknown}: choose from "
                         f"{[*B.WORKLOADS, 'size_sweep']}")
    progress = _progress()
    if args.paired and not args.vs_torch:
        raise SystemExit("--paired compares with PyTorch: add --vs-torch")
    report = run(devices, names, args.vs_torch, args.quick, progress, args.paired)
    print(format_table(report))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    if args.plot:
        plot_sweep(report, args.plot)
    return 0


def _progress():
    try:
        from tqdm import tqdm

        if sys.stderr.isatty():
            return lambda tasks: tqdm(tasks, desc="bench", unit="run")
    except ImportError:
        pass

    def plain(tasks):
        for i, task in enumerate(tasks, 1):
            print(f"[{i}/{len(tasks)}] {task[2]} on {task[1]} ({task[4]})", file=sys.stderr,
                  flush=True)
            yield task

    return plain
