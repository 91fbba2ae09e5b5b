"""nn.Parameter: a leaf tensor that modules register as trainable."""
from __future__ import annotations

from ..tensor import Tensor, _wrap


class Parameter(Tensor):
    """Parameter(data, requires_grad=True): shares data's array; a leaf."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from ..creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        t = _wrap(data._data)
        t.__class__ = cls
        t._vc = data._vc
        t._set_requires_grad(requires_grad)
        return t

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        new = Parameter(_wrap(self._data.copy()), self.requires_grad)
        memo[id(self)] = new
        return new


class Buffer(Tensor):
    """Marker type for nn.Buffer(tensor): registered as a buffer when assigned to a module."""

    __slots__ = ()

    def __new__(cls, data: Tensor, persistent: bool = True):
        t = _wrap(data._data)
        t.__class__ = cls
        t._persistent = persistent
        return t


class UninitializedParameter(Parameter):
    """A lazy module's parameter before its first forward gives it a shape (then it becomes
    a Parameter in place, so optimizers built earlier hold the same object)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    def materialize(self, shape: tuple, device=None, dtype=None) -> None:
        _materialize(self, shape, device, dtype, Parameter)


class UninitializedBuffer(Tensor):
    """A lazy module's buffer before its first forward (then a plain tensor, in place)."""

    __slots__ = ()

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None,
                persistent: bool = True):
        from ..creation import empty

        t = _wrap(empty(0, device=device, dtype=dtype)._data)
        t.__class__ = cls
        return t

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"

    def materialize(self, shape: tuple, device=None, dtype=None) -> None:
        _materialize(self, shape, device, dtype, Tensor)


def _materialize(t: Tensor, shape: tuple, device, dtype, cls: type) -> None:
    """Give a placeholder its shape, in place, on its own device and dtype unless others are
    named (a lazy module moved with .to() before its first forward keeps the move)."""
    from ..creation import empty

    t._data = empty(*shape, device=t.device if device is None else device,
                    dtype=t.dtype if dtype is None else dtype)._data
    t.__class__ = cls
