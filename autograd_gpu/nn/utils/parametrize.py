"""torch.nn.utils.parametrize: a module's tensor (module.weight) computed on every access by
parametrization modules from an unconstrained `original` parameter, as PyTorch does it: the
module's class becomes Parametrized<Class> with a property for the name, and the original
lives at module.parametrizations.<name>.original (original0, original1, ... when the first
parametrization's right_inverse returns several tensors)."""
from __future__ import annotations

from contextlib import contextmanager

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

_cache: dict | None = None  # (id(module), name) -> tensor, inside cached()


@contextmanager
def cached():
    """Inside the block each parametrized tensor is computed once and reused."""
    global _cache
    outer = _cache
    _cache = {} if outer is None else outer
    try:
        yield
    finally:
        _cache = outer


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and its original(s)."""

    def __init__(self, modules, original: Tensor, unsafe: bool = False):
        super().__init__(modules)
        self.unsafe = unsafe
        first = modules[0]
        new = original
        with no_grad():
            if hasattr(first, "right_inverse"):
                try:
                    new = first.right_inverse(original)
                except NotImplementedError:  # (taken as the identity, as PyTorch does)
                    pass
        wants_grad = original.requires_grad
        if isinstance(new, Tensor):
            self.is_tensor, self.ntensors = True, 1
            self._register_original("original", new, wants_grad, original)
        else:
            self.is_tensor, self.ntensors = False, len(new)
            for i, t in enumerate(new):
                self._register_original(f"original{i}", t, wants_grad, None)

    def _register_original(self, name: str, value: Tensor, wants_grad: bool, like) -> None:
        if like is not None:  # the same tensor, holding right_inverse's value (an optimizer
            if value is not like:  # made before the registration still updates it)
                like.data = value.detach().clone()
            if isinstance(like, Parameter):
                self.register_parameter(name, like)
            else:
                self.register_buffer(name, like)
        elif wants_grad:
            self.register_parameter(name, Parameter(value.detach().clone()))
        else:
            self.register_buffer(name, value.detach().clone())

    def right_inverse(self, value: Tensor) -> None:
        """Set the original(s) so that the parametrized tensor becomes `value`."""
        with no_grad():
            for module in reversed(list(self)[1:]):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                       f"implement right_inverse.")
                value = module.right_inverse(value)
            first = self[0]
            new = first.right_inverse(value) if hasattr(first, "right_inverse") else value
            if self.is_tensor:
                self.original.copy_(new)
            else:
                for i, t in enumerate(new):
                    getattr(self, f"original{i}").copy_(t)

    def forward(self) -> Tensor:
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _property(name: str) -> property:
    def get(self):
        if _cache is not None:
            key = (id(self), name)
            if key not in _cache:
                _cache[key] = self.parametrizations[name]()
            return _cache[key]
        return self.parametrizations[name]()

    def set(self, value):
        self.parametrizations[name].right_inverse(value)

    return property(get, set)


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make module.<tensor_name> = parametrization(original) (appended to the list when the
    tensor is parametrized already)."""
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    if tensor_name in module._parameters:
        original = module._parameters[tensor_name]
    elif tensor_name in module._buffers:
        original = module._buffers[tensor_name]
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    if not unsafe:
        with no_grad():
            probe = parametrization(original)
        if not isinstance(probe, Tensor):
            raise ValueError(f"A parametrization must return a tensor. Got {type(probe).__name__}.")
        if probe.shape != original.shape or probe.dtype != original.dtype:
            raise ValueError(f"Registering a parametrization may not change the shape or the "
                             f"dtype of the tensor, unless `unsafe` flag is enabled.\n"
                             f"unparametrized dtype: {original.dtype}\nparametrized dtype: "
                             f"{probe.dtype}\nunparametrized shape: {original.shape}\n"
                             f"parametrized shape: {probe.shape}")
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)
    module._parameters.pop(tensor_name, None)
    module._buffers.pop(tensor_name, None)
    if not is_parametrized(module):
        cls = module.__class__
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"_parametrized": True})
        module.parametrizations = ModuleDict()
    module.parametrizations[tensor_name] = plist
    setattr(module.__class__, tensor_name, _property(tensor_name))
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    plists = module.__dict__.get("_modules", {}).get("parametrizations")
    if not getattr(type(module), "_parametrized", False) or plists is None:
        return False
    return tensor_name is None or tensor_name in plists._modules


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Undo register_parametrization: the tensor becomes a plain parameter again, holding
    the parametrized value (or the original, with leave_parametrized=False)."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    with no_grad():
        if leave_parametrized:
            value = getattr(module, tensor_name).detach()
        elif plist.is_tensor:
            value = plist.original.detach()
        else:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                             "that is parametrized in terms of a sequence of tensors.")
    original = getattr(plist, "original", None)
    delattr(module.__class__, tensor_name)
    del module.parametrizations._modules[tensor_name]
    if isinstance(original, Parameter) and leave_parametrized and \
            original.shape == value.shape and original.dtype == value.dtype:
        with no_grad():
            original.copy_(value)
        param = original
    else:
        param = Parameter(value.clone(), requires_grad=True)
    module.register_parameter(tensor_name, param)
    if not module.parametrizations._modules:
        del module._modules["parametrizations"]
        module.__class__ = module.__class__.__bases__[0]
    return module


__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized", "cached",
           "ParametrizationList"]
