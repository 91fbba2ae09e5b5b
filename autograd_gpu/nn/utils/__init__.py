"""nn.utils: gradient clipping, parameters as one vector, and `rnn` (padding and packing
sequences)."""
from __future__ import annotations

import math

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from . import parametrizations, parametrize, rnn  # noqa: F401
from ._hook_norms import (remove_spectral_norm, remove_weight_norm,  # noqa: F401
                          spectral_norm, weight_norm)
from .fusion import (fuse_conv_bn_eval, fuse_conv_bn_weights,  # noqa: F401
                     fuse_linear_bn_eval, fuse_linear_bn_weights)


def skip_init(module_cls, *args, **kwargs):
    """module_cls(*args, **kwargs): PyTorch skips the initialisers here; this library
    initialises (the values are meant to be overwritten either way)."""
    return module_cls(*args, **kwargs)


class stateless:  # noqa: N801 - torch.nn.utils.stateless.functional_call (deprecated there)
    @staticmethod
    def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                        tie_weights: bool = True, strict: bool = False):
        from ...func import functional_call

        return functional_call(module, parameters_and_buffers, args, kwargs,
                               tie_weights=tie_weights, strict=strict)


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach=None) -> Tensor:
    """The norm of the norms of the tensors (a tensor or an iterable of them)."""
    from ... import creation, stack

    tensors = [tensors] if isinstance(tensors, Tensor) else [t for t in tensors
                                                              if t is not None]
    if not tensors:
        return creation.tensor(0.0)
    with no_grad():
        first = tensors[0].device
        if norm_type in (math.inf, float("inf")):
            total = stack([t.abs().max().to(first) for t in tensors]).max()
        else:
            total = stack([t.norm(norm_type).to(first) for t in tensors]).norm(norm_type)
    if error_if_nonfinite and not bool(total.isfinite()):
        raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients from "
                           f"`parameters` is non-finite, so it cannot be clipped. To disable "
                           f"this error and scale the gradients by the non-finite norm "
                           f"anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor,
                          foreach=None) -> None:
    """Scale the gradients by max_norm / (total_norm + 1e-6) when that is below 1."""
    with no_grad():
        coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for g in _grads(parameters):
            g.mul_(coef.to(g.device))


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None):
    """Scale gradients in place so their joint norm is at most max_norm; returns the norm."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach=None):
    """Deprecated spelling of clip_grad_norm_ (PyTorch warns the same way)."""
    import warnings

    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened into one vector (differentiable, as in PyTorch)."""
    from ... import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copies consecutive slices of vec into the parameters' data."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[offset:offset + n].view_as(p).data
        offset += n


def _convert_conv_weights(module, memory_format, kinds: tuple):
    """Every convolution among `kinds` in module (itself included) gets its weight laid out
    in memory_format, in place; returns module."""
    from ..modules.module import Module

    if isinstance(module, kinds):
        with no_grad():
            module.weight.data = module.weight.contiguous(memory_format=memory_format).data
    if isinstance(module, Module):
        for child in module.children():
            _convert_conv_weights(child, memory_format, kinds)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """The weights of module's Conv2d / ConvTranspose2d layers in memory_format (such as
    torch.channels_last)."""
    from ..modules.layers import Conv2d, ConvTranspose2d

    return _convert_conv_weights(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module, memory_format):
    """The weights of module's Conv3d / ConvTranspose3d layers in memory_format (such as
    torch.channels_last_3d)."""
    from ..modules.volumetric import Conv3d, ConvTranspose3d

    return _convert_conv_weights(module, memory_format, (Conv3d, ConvTranspose3d))
