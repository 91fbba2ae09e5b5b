"""The `autograd-gpu` command (also `python -m autograd_gpu`): train, info."""
from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
from importlib import metadata


def _device(choice: str) -> str:
    from . import cuda

    if choice == "auto":
        return "cuda" if cuda.is_available() else "cpu"
    if choice.startswith("cuda") and not cuda.is_available():
        from .backends.cupy_backend import INSTALL_HINT, cuda_unavailable_reason

        raise SystemExit(f"--device {choice}: CUDA is not available: "
                         f"{cuda_unavailable_reason()}. {INSTALL_HINT}")
    return choice


class _Report:
    """Progress bars (tqdm, when installed and on a terminal) and per-epoch lines."""

    def __init__(self, epochs: int, quiet: bool):
        self.epochs, self.quiet = epochs, quiet
        self.tqdm = None
        if not quiet and sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.tqdm = tqdm
            except ImportError:
                pass

    def batches(self, loader, epoch: int):
        if self.tqdm is None:
            return loader
        return self.tqdm(loader, desc=f"epoch {epoch}/{self.epochs}", leave=False,
                         unit="batch")

    def epoch(self, s: dict) -> None:
        if not self.quiet:
            print(f"epoch {s['epoch']:3d}/{self.epochs}  loss {s['loss']:.4f}  "
                  f"train acc {s['train_accuracy']:.4f}  test acc {s['test_accuracy']:.4f}  "
                  f"{s['seconds']:.2f}s", flush=True)


def _plot(history: list, path: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install 'autograd-gpu[plot]'") from None
    epochs = [h["epoch"] for h in history]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(epochs, [h["loss"] for h in history], label="train")
    a.plot(epochs, [h["test_loss"] for h in history], label="test")
    a.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    b.plot(epochs, [h["train_accuracy"] for h in history], label="train")
    b.plot(epochs, [h["test_accuracy"] for h in history], label="test")
    b.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (a, b):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def cmd_train(args) -> int:
    from . import save
    from .train import fit

    args.device = _device(args.device)
    cnn = args.model == "cnn"
    args.epochs = args.epochs or (30 if cnn else 40)
    args.lr = args.lr or (3e-3 if cnn else 1e-3)
    report = _Report(args.epochs, args.json)
    result = fit(args, report)
    last = result["history"][-1]
    summary = dict(test_accuracy=last["test_accuracy"], train_accuracy=last["train_accuracy"],
                   final_loss=last["loss"], epochs=args.epochs, seconds=result["seconds"],
                   device=args.device, model=args.model, data=args.data)
    if args.save:
        save(result["model"].state_dict(), args.save)
    if args.plot:
        _plot(result["history"], args.plot)
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"done: {args.model} on {args.data}, {args.epochs} epochs on {args.device} in "
              f"{result['seconds']:.1f}s; final loss {summary['final_loss']:.4f}, test accuracy "
              f"{summary['test_accuracy']:.4f}")
    return 0


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def cmd_info(args) -> int:
    import numpy

    from . import __version__, cuda

    lines = [f"autograd_gpu {__version__}", f"Python {platform.python_version()} "
             f"({platform.machine()})", f"NumPy {numpy.__version__}"]
    cupy_wheels = sorted(d.metadata["Name"] for d in metadata.distributions()
                         if (d.metadata["Name"] or "").lower().startswith("cupy"))
    problems = []
    if len(cupy_wheels) > 1:
        problems.append(f"several CuPy wheels are installed ({', '.join(cupy_wheels)}): "
                        f"pip uninstall {' '.join(cupy_wheels)} and install only the one for "
                        f"your CUDA version")
    try:
        cupy = importlib.import_module("cupy")
        lines.append(f"CuPy {cupy.__version__} ({', '.join(cupy_wheels) or 'source build'})")
        major = int(cupy.__version__.split(".")[0])
        if int(numpy.__version__.split(".")[0]) >= 2 and major < 13:
            problems.append(f"CuPy {cupy.__version__} predates NumPy 2: pip install -U "
                            f"'cupy-cuda12x>=13' (or cupy-cuda13x), or pip install 'numpy<2'")
        try:
            rt = cupy.cuda.runtime
            lines.append(f"CUDA runtime {rt.runtimeGetVersion()}, driver "
                         f"{rt.driverGetVersion()}")
        except Exception as exc:  # no driver
            lines.append(f"CUDA driver not usable: {exc}")
    except Exception as exc:
        lines.append(f"CuPy: not available ({exc})")
    n = cuda.device_count()
    lines.append("devices: cpu" + "".join(f", cuda:{i} ({cuda.get_device_name(i)})"
                                          for i in range(n)))
    extras = {name: _version(name) for name in ("tqdm", "matplotlib", "scipy", "pytest",
                                                "pytest-benchmark", "hypothesis")}
    lines.append("optional: " + ", ".join(f"{k} {v}" if v else f"{k} (not installed)"
                                          for k, v in extras.items()))
    if not n:
        from .backends.cupy_backend import INSTALL_HINT, cuda_unavailable_reason

        lines.append(f"no GPU: {cuda_unavailable_reason()}. {INSTALL_HINT}")
    for p in problems:
        lines.append(f"problem: {p}")
    print("\n".join(lines))
    return 0


def cmd_bench(args) -> int:
    from .bench_cli import main as bench_main

    return bench_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograd-gpu", description="Train toy models and "
                                     "inspect the installation.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a small model on a bundled dataset")
    t.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    t.add_argument("--data", choices=["digits", "spirals", "moons"], default="digits")
    t.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda, "
                                                   "cuda:N")
    t.add_argument("--epochs", type=int, default=None, help="default: 40 (mlp), 30 (cnn)")
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=None, help="default: 1e-3 (mlp), 3e-3 (cnn)")
    t.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--save", metavar="PATH", help="write the trained state_dict here")
    t.add_argument("--plot", metavar="PATH", help="draw loss and accuracy curves to a PNG")
    t.add_argument("--json", action="store_true", help="print one JSON summary line last "
                                                       "(and no per-epoch lines)")
    t.set_defaults(func=cmd_train)
    i = sub.add_parser("info", help="versions, devices, extras and known install problems")
    i.set_defaults(func=cmd_info)
    b = sub.add_parser("bench", help="time the workloads on NumPy and CuPy (and PyTorch)")
    b.add_argument("--device", default="all", help="cpu, cuda or all (default)")
    b.add_argument("--workloads", nargs="+", metavar="NAME",
                   help="op_overhead mlp_step toy_mlp_step conv_step size_sweep (default: all)")
    b.add_argument("--vs-torch", action="store_true", help="add PyTorch reference rows")
    b.add_argument("--json", metavar="PATH", help="write results and the machine to JSON")
    b.add_argument("--plot", metavar="PATH", help="draw the size sweep (log-log) to a PNG")
    b.add_argument("--quick", action="store_true", help="few rounds, small sweep (smoke test)")
    b.add_argument("--paired", action="store_true",
                   help="with --vs-torch: also time autograd_gpu and PyTorch in alternating "
                        "blocks and report the ratio of each pair (robust on a shared machine)")
    b.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
