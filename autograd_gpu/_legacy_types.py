"""PyTorch's legacy typed constructors: torch.FloatTensor([1, 2]), torch.LongTensor(2, 3),
torch.cuda.FloatTensor(...), isinstance(x, torch.FloatTensor) and x.type(torch.DoubleTensor),
which older tutorials use. Each is a class whose instances are the plain Tensors of its dtype
and device kind (as in PyTorch, it is no subclass of Tensor)."""
from __future__ import annotations

from . import _dtypes

_NAMES = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16",
          "LongTensor": "int64", "IntTensor": "int32", "ShortTensor": "int16",
          "CharTensor": "int8", "ByteTensor": "uint8", "BoolTensor": "bool_"}


class _LegacyType(type):
    def __call__(cls, *args, device=None):
        from .creation import legacy_tensor
        from .tensor import Tensor

        if device is None:
            device = "cuda" if cls.is_cuda else "cpu"
        return legacy_tensor(Tensor, *args, dtype=cls.dtype, device=device, _typed=True)

    def __instancecheck__(cls, obj) -> bool:
        from .tensor import Tensor

        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and \
            (obj.device.type == "cuda") == cls.is_cuda

    def __repr__(cls) -> str:
        return f"<class '{cls._shown}.{cls.__name__}'>"  # (PyTorch's names: torch.*)


def _make(module: str, cuda: bool) -> dict:
    return {name: _LegacyType(name, (), {"dtype": getattr(_dtypes, dt), "is_cuda": cuda,
                                         "__module__": module,
                                         "_shown": "torch.cuda" if cuda else "torch"})
            for name, dt in _NAMES.items()}


CPU_TYPES = _make("autograd_gpu", cuda=False)
CUDA_TYPES = _make("autograd_gpu.cuda", cuda=True)
