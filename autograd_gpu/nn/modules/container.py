"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""
from __future__ import annotations

import operator
from collections import OrderedDict

from .module import Module


class Sequential(Module):
    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                self.add_module(str(i), m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, idx):
        mods = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(mods[idx]))
        n = len(mods)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return mods[idx % n][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[idx]
        self._modules[key] = module

    def __delitem__(self, idx) -> None:
        _delete_and_renumber(self, idx)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, sequential) -> "Sequential":
        for m in sequential:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> "Sequential":
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        mods = list(self._modules.values())
        mods.insert(index + n if index < 0 else index, module)
        _renumber(self, mods)
        return self

    def pop(self, key):
        v = self[key]
        del self[key]
        return v

    def __add__(self, other) -> "Sequential":
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return Sequential(*self, *other)

    def __iadd__(self, other) -> "Sequential":
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return self.extend(list(other))

    def __mul__(self, other: int) -> "Sequential":
        if not isinstance(other, int) or other <= 0:
            raise (TypeError if not isinstance(other, int) else ValueError)(
                f"Non-positive multiplication factor {other} for {type(self)}"
                if isinstance(other, int) else
                f"unsupported operand type(s) for *: {type(self)} and {type(other)}")
        return Sequential(*(list(self) * other))

    __rmul__ = __mul__

    def __imul__(self, other: int) -> "Sequential":
        _renumber(self, list((self * other)))
        return self


def _renumber(container: Module, mods: list) -> None:
    """Hold `mods` under the keys "0", "1", ... (after an insertion or deletion)."""
    container._modules.clear()
    for i, m in enumerate(mods):
        container._modules[str(i)] = m


def _delete_and_renumber(container: Module, idx) -> None:
    """del container[idx], then renumbered "0", "1", ... as PyTorch does (even a Sequential
    built from an OrderedDict of names)."""
    keys = list(container._modules)
    gone = keys[idx] if isinstance(idx, slice) else [keys[idx]]
    for key in gone:
        del container._modules[key]
    _renumber(container, list(container._modules.values()))


class ModuleList(Module):
    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return self._modules[str(idx % n)]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(idx % len(self)), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module: Module) -> "ModuleList":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def __repr__(self) -> str:
        """Runs of identical modules print once, as "(0-2): 3 x Linear(...)" (PyTorch)."""
        reprs = [repr(m) for m in self]
        if not reprs:
            return f"{type(self).__name__}()"
        runs = []  # [first, last, repr]
        for i, r in enumerate(reprs):
            if runs and runs[-1][2] == r:
                runs[-1][1] = i
            else:
                runs.append([i, i, r])
        lines = [(f"({a}): {r}" if a == b else f"({a}-{b}): {b - a + 1} x {r}")
                 .replace("\n", "\n  ") for a, b, r in runs]
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

    def insert(self, index: int, module: Module) -> None:
        mods = list(self._modules.values())
        mods.insert(index, module)
        _renumber(self, mods)

    def __delitem__(self, idx) -> None:
        _delete_and_renumber(self, idx)

    def pop(self, key):
        v = self[key]
        del self[key]
        return v

    def __add__(self, other) -> "ModuleList":
        return ModuleList([*self, *other])

    def __iadd__(self, modules) -> "ModuleList":
        return self.extend(modules)


class _DictLike:
    """The mapping methods of ModuleDict and ParameterDict over their own store."""

    _store = ""

    def _items(self) -> dict:
        return getattr(self, self._store)

    def __getitem__(self, key: str):
        return self._items()[key]

    def __delitem__(self, key: str) -> None:
        del self._items()[key]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self):
        return iter(self._items())

    def __contains__(self, key: str) -> bool:
        return key in self._items()

    def keys(self):
        return self._items().keys()

    def values(self):
        return self._items().values()

    def items(self):
        return self._items().items()

    def get(self, key: str, default=None):
        return self._items().get(key, default)

    def pop(self, key: str):
        return self._items().pop(key)

    def update(self, entries) -> None:
        for k, v in (entries.items() if hasattr(entries, "items") else entries):
            self[k] = v


class ModuleDict(_DictLike, Module):
    _store = "_modules"

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)


def _as_parameter(value):
    from ...tensor import Tensor
    from ..parameter import Parameter

    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(key, p, type_name: bool = False) -> str:
    """One line of ParameterList/ParameterDict's repr, as PyTorch words it (the dict names the
    tensor type, the list its dtype)."""
    from ...tensor import Tensor
    from ..parameter import Parameter

    if not isinstance(p, Tensor):
        return f"  ({key}): Object of type: {type(p).__name__}"
    size = "x".join(str(s) for s in p.shape)
    if type_name:
        kind, where = p.type(), "" if p.device.type == "cpu" else f" (GPU {p.device.index or 0})"
    else:
        kind, where = p.dtype, "" if p.device.type == "cpu" else f" ({p.device})"
    what = "Parameter" if isinstance(p, Parameter) else "Tensor"
    return f"  ({key}): {what} containing: [{kind} of size {size}{where}]"


class ParameterList(Module):
    """A list of parameters registered on the module as "0", "1", ...; plain tensors given
    to it become Parameters, as in PyTorch."""

    def __init__(self, values=None):
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return self._size

    def __iter__(self):
        return iter([self[i] for i in range(self._size)])

    def _key(self, idx) -> str:
        idx = operator.index(idx)
        if not -self._size <= idx < self._size:
            raise IndexError(f"index {idx} is out of range")
        return str(idx % self._size)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(*idx.indices(self._size))])
        return getattr(self, self._key(idx))

    def __setitem__(self, idx: int, param) -> None:
        """Tensors become Parameters; anything else (a module, a number) is stored as is."""
        setattr(self, self._key(idx), _as_parameter(param))

    def append(self, value) -> "ParameterList":
        object.__setattr__(self, "_size", self._size + 1)
        self[self._size - 1] = value
        return self

    def extend(self, values) -> "ParameterList":
        for v in values:
            self.append(v)
        return self

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")

    def extra_repr(self) -> str:
        return "\n".join(_describe(k, p) for k, p in enumerate(self))


class ParameterDict(_DictLike, Module):
    """A dict of parameters registered under their keys; plain tensors become Parameters."""

    _store = "_parameters"

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _key(key) -> str:
        if not isinstance(key, str):
            raise TypeError(f"Index given to ParameterDict cannot be used as a key as it is not "
                            f"a string (type is '{type(key).__name__}'). Open an issue on github "
                            f"if you need non-string keys.")
        return key

    def __getitem__(self, key: str):
        return getattr(self, self._key(key))

    def __setitem__(self, key: str, value) -> None:
        self.register_parameter(self._key(key), _as_parameter(value))

    def pop(self, key: str):
        return self._items().pop(self._key(key))

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")

    def extra_repr(self) -> str:
        return "\n".join(_describe(k, p, type_name=True) for k, p in self._parameters.items())
