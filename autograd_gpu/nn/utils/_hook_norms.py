"""The older, hook-based torch.nn.utils.weight_norm / spectral_norm (deprecated in PyTorch in
favour of parametrizations, still common in code): the module keeps <name>_g and <name>_v
(or <name>_orig with <name>_u / <name>_v buffers) and recomputes <name> before each forward."""
from __future__ import annotations

import warnings

from ...autograd.grad_mode import no_grad
from ..modules.module import Module
from ..parameter import Parameter
from .parametrizations import _normalize, norm_except_dim


class _HookNorm:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute(module))


class _WeightNormHook(_HookNorm):
    def __init__(self, name: str, dim: int):
        super().__init__(name)
        self.dim = dim

    def compute(self, module: Module):
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, 2, self.dim))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, _WeightNormHook) and hook.name == name:
            raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter "
                               f"{name}")
    dim = -1 if dim is None else dim
    hook = _WeightNormHook(name, dim)
    weight = getattr(module, name)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, dim).detach()))
    module.register_parameter(name + "_v", Parameter(weight.detach().clone()))
    setattr(module, name, hook.compute(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, _WeightNormHook) and hook.name == name:
            with no_grad():
                weight = hook.compute(module).detach()
            del module._forward_pre_hooks[key]
            del module._parameters[name + "_g"], module._parameters[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight))
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")


class _SpectralNormHook(_HookNorm):
    def __init__(self, name: str, n_power_iterations: int, dim: int, eps: float):
        super().__init__(name)
        self.n_power_iterations, self.dim, self.eps = n_power_iterations, dim, eps

    def matrix(self, weight):
        if self.dim != 0:
            weight = weight.movedim(self.dim, 0)
        return weight.flatten(1)

    def compute(self, module: Module, do_power_iteration: bool | None = None):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        matrix = self.matrix(weight)
        if module.training if do_power_iteration is None else do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(_normalize(matrix.mT @ u, self.eps))
                    u.copy_(_normalize(matrix @ v, self.eps))
            u, v = u.clone(), v.clone()
        sigma = (u * (matrix @ v)).sum()
        return weight / sigma


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    from ... import creation

    if dim is None:
        from ..modules.layers import _ConvTransposeNd

        dim = 1 if isinstance(module, _ConvTransposeNd) else 0
    hook = _SpectralNormHook(name, n_power_iterations, dim, eps)
    weight = module._parameters.pop(name)
    h, w = hook.matrix(weight).shape
    module.register_parameter(name + "_orig", weight)
    module.register_buffer(name + "_u", _normalize(
        creation.randn(h, dtype=weight.dtype, device=weight.device), eps))
    module.register_buffer(name + "_v", _normalize(
        creation.randn(w, dtype=weight.dtype, device=weight.device), eps))
    setattr(module, name, weight.detach() * 1.0)
    module.register_forward_pre_hook(hook)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, _SpectralNormHook) and hook.name == name:
            with no_grad():
                weight = hook.compute(module, do_power_iteration=False).detach()
            del module._forward_pre_hooks[key]
            del module._parameters[name + "_orig"]
            del module._buffers[name + "_u"], module._buffers[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight))
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
