"""torch.version: this library's version, and the CUDA runtime CuPy was built against (None
without CuPy), as torch.version.cuda reports the CUDA PyTorch was built with."""
from __future__ import annotations

__all__ = ["__version__", "cuda", "debug", "git_version", "hip"]

__version__ = "0.1.0"
debug = False
git_version = "unknown"
hip = None


def _cuda() -> str | None:
    try:
        import cupy

        v = cupy.cuda.runtime.runtimeGetVersion()
    except Exception:  # no CuPy, or no usable CUDA runtime
        return None
    return f"{v // 1000}.{v % 1000 // 10}"


cuda = _cuda()
