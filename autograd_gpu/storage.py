"""Tensor.storage() / untyped_storage(): the memory a tensor and its views share, as
PyTorch's TypedStorage / UntypedStorage present it (data_ptr, size, element access, tolist),
so "do these two tensors share memory?" programs run. A storage here is a read/write window
on the array that owns the memory."""
from __future__ import annotations

import numpy as np

from . import backends
from .tensor import Tensor, _root_array


class TypedStorage:
    def __init__(self, root, dtype):
        self._root, self.dtype = root, dtype

    @property
    def device(self):
        from ._device import device

        return device("cpu") if isinstance(self._root, np.ndarray) else \
            device("cuda", self._root.device.id)

    def data_ptr(self) -> int:
        return backends.of(self._root)._address(self._root)

    def size(self) -> int:
        return int(self._root.size)

    __len__ = size

    def element_size(self) -> int:
        return int(self._root.itemsize)

    def nbytes(self) -> int:
        return int(self._root.nbytes)

    def _flat(self):
        return self._root.reshape(-1)

    def __getitem__(self, i):
        return self._flat()[i].item()

    def __setitem__(self, i, value) -> None:
        self._flat()[i] = value

    def tolist(self) -> list:
        return backends.of(self._root).to_host(self._flat()).tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self) -> str:
        body = "\n".join(f" {v}" for v in self.tolist())
        return (f"{body}\n[autograd_gpu.storage.TypedStorage(dtype={self.dtype}, "
                f"device={self.device}) of size {self.size()}]")


class UntypedStorage(TypedStorage):
    """The same memory counted in bytes."""

    def size(self) -> int:
        return self.nbytes()

    __len__ = size

    def element_size(self) -> int:
        return 1


def _storage(self: Tensor) -> TypedStorage:
    return TypedStorage(_root_array(self._data), self.dtype)


def _untyped_storage(self: Tensor) -> UntypedStorage:
    return UntypedStorage(_root_array(self._data), self.dtype)


Tensor.storage = _storage
Tensor.untyped_storage = _untyped_storage
Tensor.is_shared = lambda self: False
