"""Lazy modules: LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d and
LazyInstanceNorm1d/2d/3d take their in_channels / num_features from the first input, then
become the plain module (as PyTorch's do). Until then their parameters are
UninitializedParameters, which the first forward fills in place, so an optimizer built before
it holds the real parameters."""
from __future__ import annotations

from ..parameter import UninitializedBuffer, UninitializedParameter
from .layers import BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d
from .more import ConvTranspose1d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .volumetric import BatchNorm3d, Conv3d, ConvTranspose3d

_HOOKS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks")


class _LazyMixin:
    """Built with a size of 1 in place of the unknown one; parameters and buffers are then
    swapped for uninitialized placeholders until the first forward."""

    _size_attr = "in_channels"
    _unbatched_rank: int | None = None  # input rank without a batch dim (None: always batched)

    def _lazy_setup(self, args, kwargs) -> None:
        base = type(self).__mro__[2]  # (LazyX -> _LazyMixin -> X)
        base.__init__(self, 1, *args, **kwargs)
        self._lazy_args = (base, args, kwargs)
        setattr(self, self._size_attr, 0)
        for name, p in list(self._parameters.items()):
            if p is not None:
                self._parameters[name] = UninitializedParameter(requires_grad=p.requires_grad)
        for name, b in list(self._buffers.items()):
            if b is not None and name != "num_batches_tracked":
                self._buffers[name] = UninitializedBuffer()

    def has_uninitialized_params(self) -> bool:
        return any(isinstance(t, (UninitializedParameter, UninitializedBuffer))
                   for t in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, input) -> None:
        base, args, kwargs = self._lazy_args
        feature_dim = 0 if input.dim() == self._unbatched_rank else 1
        real = base(input.shape[feature_dim], *args, **kwargs)
        for store in ("_parameters", "_buffers"):
            mine, theirs = getattr(self, store), getattr(real, store)
            for name, value in theirs.items():
                holder = mine.get(name)
                if isinstance(holder, (UninitializedParameter, UninitializedBuffer)):
                    holder.materialize(tuple(value.shape))
                    holder._data[...] = value.to(holder.device, holder.dtype)._data
                    theirs[name] = holder
        self.__dict__.update({k: v for k, v in real.__dict__.items() if k not in _HOOKS})
        del self.__dict__["_lazy_args"]
        self.__class__ = base

    def forward(self, input, *args, **kwargs):
        self.initialize_parameters(input)
        return self.forward(input, *args, **kwargs)


def _lazy(name: str, base: type, unbatched_rank: int | None, size_attr: str = "in_channels",
          defaults: dict | None = None) -> type:
    def __init__(self, *args, **kwargs):
        for key, value in (defaults or {}).items():
            kwargs.setdefault(key, value)
        self._lazy_setup(args, kwargs)

    return type(name, (_LazyMixin, base), {
        "__init__": __init__, "_unbatched_rank": unbatched_rank, "_size_attr": size_attr,
        "__doc__": f"{base.__name__} whose {size_attr} comes from its first input.",
        "__module__": __name__})


LazyConv1d = _lazy("LazyConv1d", Conv1d, 2)
LazyConv2d = _lazy("LazyConv2d", Conv2d, 3)
LazyConv3d = _lazy("LazyConv3d", Conv3d, 4)
LazyConvTranspose1d = _lazy("LazyConvTranspose1d", ConvTranspose1d, 2)
LazyConvTranspose2d = _lazy("LazyConvTranspose2d", ConvTranspose2d, 3)
LazyConvTranspose3d = _lazy("LazyConvTranspose3d", ConvTranspose3d, 4)
LazyBatchNorm1d = _lazy("LazyBatchNorm1d", BatchNorm1d, None, "num_features")
LazyBatchNorm2d = _lazy("LazyBatchNorm2d", BatchNorm2d, None, "num_features")
LazyBatchNorm3d = _lazy("LazyBatchNorm3d", BatchNorm3d, None, "num_features")
_INSTANCE = dict(affine=True, track_running_stats=True)  # (the lazy forms' own defaults)
LazyInstanceNorm1d = _lazy("LazyInstanceNorm1d", InstanceNorm1d, 2, "num_features", _INSTANCE)
LazyInstanceNorm2d = _lazy("LazyInstanceNorm2d", InstanceNorm2d, 3, "num_features", _INSTANCE)
LazyInstanceNorm3d = _lazy("LazyInstanceNorm3d", InstanceNorm3d, 4, "num_features", _INSTANCE)

__all__ = ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
           "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
           "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]
