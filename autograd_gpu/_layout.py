"""torch.layout and torch.memory_format: the constants (torch.strided, torch.channels_last, ...)
and how a channels-last tensor is laid out: the same shape (N, C, H, W), its memory ordered
N, H, W, C (strides as PyTorch gives them), which NumPy and CuPy arrays express directly."""
from __future__ import annotations


class layout:  # noqa: N801 - PyTorch's spelling
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


class memory_format:  # noqa: N801
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


strided, sparse_coo, sparse_csr = layout("strided"), layout("sparse_coo"), layout("sparse_csr")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
legacy_contiguous_format = contiguous_format

_RANK = {"channels_last": 4, "channels_last_3d": 5}


def _channels_last_order(ndim: int) -> tuple:
    return (0, *range(2, ndim), 1)


def check_rank(shape: tuple, fmt) -> None:
    rank = _RANK.get(getattr(fmt, "name", None))
    if rank is not None and len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt.name} format")


def has_format(array, fmt) -> bool:
    """Whether the array is laid out as `fmt` asks (dimensions of size 1 may have any
    stride, as in PyTorch)."""
    rank = _RANK.get(getattr(fmt, "name", None))
    if rank is None:
        return bool(array.flags.c_contiguous)
    if array.ndim != rank:
        return False
    expected = 1
    for d in reversed(_channels_last_order(rank)):
        if array.shape[d] != 1 and array.strides[d] != expected * array.itemsize:
            return False
        expected *= array.shape[d]
    return True


def in_format(xp, array, fmt):
    """A copy of the array laid out as `fmt` (C order for contiguous_format)."""
    rank = _RANK.get(getattr(fmt, "name", None))
    if rank is None:
        return array.copy(order="C")
    check_rank(array.shape, fmt)
    order = _channels_last_order(rank)
    inverse = tuple(order.index(d) for d in range(rank))
    return xp.ascontiguousarray(array.transpose(order)).transpose(inverse)
