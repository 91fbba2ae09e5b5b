"""torch.cpu: the CPU seen as a device, for code written against torch.cuda's calls."""
from __future__ import annotations

__all__ = ["current_device", "device_count", "is_available", "is_initialized", "set_device",
           "synchronize"]


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    """A no-op, as in PyTorch."""


def synchronize(device=None) -> None:
    """A no-op: CPU work is finished when a call returns."""
