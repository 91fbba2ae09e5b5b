"""Device objects (`cpu`, `cuda`, `cuda:N`) with PyTorch's parsing, equality and repr."""
from __future__ import annotations

_TYPES = ("cpu", "cuda")
_TORCH_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")  # (the types PyTorch's device strings name)


class device:  # noqa: N801 - PyTorch's spelling
    __slots__ = ("type", "index")

    def __init__(self, type: "str | device | int", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): a device object takes no index")
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string, a device or an int, got {type!r}")
        name, sep, idx = type.partition(":")
        if name not in _TYPES:
            if name in _TORCH_TYPES:
                raise RuntimeError(f"device type '{name}' is not supported here: autograd_gpu "
                                   f"runs on {' and '.join(_TYPES)} devices")
            raise RuntimeError(f"Expected one of {', '.join(_TORCH_TYPES)} device type at "
                               f"start of device string: {type}")
        if sep:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if index is not None:
            if index < 0:
                raise RuntimeError(f"Device index must not be negative, got {index}")
            if name == "cpu" and index != 0:
                raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        self.type = name
        self.index = None if name == "cpu" else index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (str(self),))


CPU = device("cpu")
