"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in 1, 2
and 3 dimensions, each F.pad with its mode."""
from __future__ import annotations

from .. import functional as F
from ...tensor import Tensor
from .module import Module


class _PadNd(Module):
    mode = "constant"
    dims = 1

    def __init__(self, padding, value: float | None = None):
        super().__init__()
        # (a sequence is kept as given, whatever its length: F.pad judges it, as in PyTorch)
        self.padding = (tuple(padding) if isinstance(padding, (tuple, list))
                        else (padding,) * (2 * self.dims))
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode, self.value)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float):
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _layer(name: str, base: type, mode: str, dims: int) -> type:
    return type(name, (base,), {"mode": mode, "dims": dims, "__module__": __name__,
                                "__doc__": f"F.pad with mode='{mode}' over the last {dims} "
                                           f"dimension{'s' if dims > 1 else ''}."})


ZeroPad1d, ZeroPad2d, ZeroPad3d = (_layer(f"ZeroPad{d}d", _ZeroPadNd, "constant", d)
                                   for d in (1, 2, 3))
ConstantPad1d, ConstantPad2d, ConstantPad3d = (
    _layer(f"ConstantPad{d}d", _ConstantPadNd, "constant", d) for d in (1, 2, 3))
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (
    _layer(f"ReflectionPad{d}d", _PadNd, "reflect", d) for d in (1, 2, 3))
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (
    _layer(f"ReplicationPad{d}d", _PadNd, "replicate", d) for d in (1, 2, 3))
CircularPad1d, CircularPad2d, CircularPad3d = (
    _layer(f"CircularPad{d}d", _PadNd, "circular", d) for d in (1, 2, 3))

__all__ = [f"{kind}Pad{d}d" for kind in ("Zero", "Constant", "Reflection", "Replication",
                                          "Circular") for d in (1, 2, 3)]
