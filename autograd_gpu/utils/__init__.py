"""utils: data loading (PyTorch's torch.utils)."""
from . import checkpoint, data

__all__ = ["data", "checkpoint"]
