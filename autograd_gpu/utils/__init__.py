"""utils: data loading (PyTorch's torch.utils)."""
from . import data

__all__ = ["data"]
