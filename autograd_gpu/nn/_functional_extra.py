"""More of torch.nn.functional, each built from differentiable ops (so every one has first and
higher derivatives): the rest of PyTorch's activations, more losses, distances, adaptive and
1-d pooling, conv1d, group norm, channel dropout, nearest-neighbour interpolation and pixel
shuffle. nn.functional re-exports all of it."""
from __future__ import annotations

import math
import warnings

from .. import _dtypes, backends, creation
from ..ops import abs, cat, clamp, exp, log1p, matmul, minimum, sigmoid, softmax, tanh, where
from ..autograd.grad_mode import state as grad_state
from ..ops._core import not_tensor, register, tensor_args
from ..ops.numeric import xlogy
from ..ops.composite import index_select
from ..ops.inplace import inplace_option
from ..ops.nn_ops import pooled_size
from ..ops.one_node import call_as_one_node, one_node
from ..tensor import Tensor, _wrap
from .functional import (_affine, _check_sizes, _conv_dtypes, _dropout_shortcut, _float_kernel,
                         _keep_mask, legacy_reduction, _minus, _pairs, _reduce, avg_pool2d,
                         check_conv_input, check_conv_size, check_dilation, check_groups,
                         check_norm_dtypes, check_padding_mode, conv2d_batched, conv_params,
                         max_pool2d, on_batch, stable_softplus)


def _inside(x: Tensor, lo: float, hi: float) -> Tensor:
    return (x > lo) & (x < hi)


# -- activations ----------------------------------------------------------------------------
@register()
@inplace_option("hardtanh_")
@one_node("HardtanhBackward0", "input")
def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """clamp, but with PyTorch's hardtanh gradient: 0 at the two bounds as well."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is _dtypes.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if not input.is_floating_point():  # (the bounds in the tensor's integer type, as PyTorch)
        return clamp(input, int(min_val), int(max_val))
    return where(_inside(input, min_val, max_val), input,
                 clamp(input.detach(), min_val, max_val))


@register()
@inplace_option("relu6_")
def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0)


@register()
@inplace_option("elu_", "EluBackward1")
@one_node("EluBackward0", "input")
def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    _float_kernel(input, "elu_cpu")
    return where(input > 0, input, _negative_side(input, alpha, alpha * input.expm1()))


def _negative_side(input: Tensor, slope: float, curve: Tensor) -> Tensor:
    """The elu family's x <= 0 branch: the curve below 0 and its tangent line at 0 itself, so
    the first derivative at 0 is the curve's and the second is 0, as PyTorch's (its double
    backward counts only x < 0)."""
    return where(input < 0, curve, slope * input)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@register()
@inplace_option("selu_", "EluBackward1")
@one_node("EluBackward0", "input")
def selu(input: Tensor, inplace: bool = False) -> Tensor:
    _float_kernel(input, "elu_cpu")
    return _SELU_SCALE * where(input > 0, input, _negative_side(
        input, _SELU_ALPHA, _SELU_ALPHA * input.expm1()))


@register()
@inplace_option("celu_", "CeluBackward1")
@one_node("CeluBackward0", "input")
def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    _float_kernel(input, "elu_cpu")
    return where(input > 0, input, _negative_side(input, 1.0, alpha * (input / alpha).expm1()))


@register()
@one_node("SoftplusBackward0", "input")
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (as PyTorch)."""
    _float_kernel(input, "softplus_cpu")
    scaled = input * beta
    big = scaled > threshold
    safe = where(big, 0.0, scaled)  # so exp cannot overflow in the branch not taken
    return where(big, input, log1p(exp(safe)) / beta)


@register()
@inplace_option("mish_")
@one_node("MishBackward0", "input")
def mish(input: Tensor, inplace: bool = False) -> Tensor:
    _float_kernel(input, "mish_cpu")
    return input * tanh(softplus(input))


@register()
@inplace_option("hardsigmoid_")
@one_node("HardsigmoidBackward0", "input")
def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    _float_kernel(input, "hardsigmoid_cpu")
    return relu6(input + 3.0) / 6.0


@register()
@inplace_option("hardswish_")
@one_node("HardswishBackward0", "input")
def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    _float_kernel(input, "hardswish_cpu")
    return input * relu6(input + 3.0) / 6.0


@register()
@one_node("LogSigmoidBackward0", "input")
def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), stable for any x."""
    _float_kernel(input, "log_sigmoid_cpu")
    return -stable_softplus(-input)



@register()
def softsign(input: Tensor) -> Tensor:
    return input / (1 + abs(input))


@register()
def softmin(input: Tensor, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:  # (PyTorch's deprecated implicit choice, in softmin's name)
        from ..ops.activation import _softmax_dim

        dim = _softmax_dim("softmin", input.dim(), None)
    return softmax(-input, dim, dtype=dtype)


@register()
@inplace_option("threshold_", "ThresholdBackward1")
@one_node("ThresholdBackward0", "input")
def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    for v in (threshold, value):  # (PyTorch's overflow check of both numbers)
        if isinstance(v, (int, float)):
            _dtypes.scalar_for(v, input._data.dtype)
    if input.dtype is _dtypes.bool_:
        _float_kernel(input, "threshold_cpu")
    if not input.is_floating_point():  # (the value in the tensor's integer type)
        value = input.new_full((), value)
    return where(input > threshold, input, value)


@register()
@one_node("GluBackward0", "input")
def glu(input: Tensor, dim: int = -1) -> Tensor:
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.dim()
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    _float_kernel(input, "glu_cpu")
    half = input.shape[d] // 2
    return input.narrow(d, 0, half) * sigmoid(input.narrow(d, half, half))


@register()
def tanhshrink(input: Tensor) -> Tensor:
    return input - tanh(input)


@register()
@one_node("SoftshrinkBackward0", "input")
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    _float_kernel(input, "softshrink_check")
    return where(input > lambd, input - lambd, where(input < -lambd, input + lambd, 0.0))


@register()
@one_node("HardshrinkBackward0", "input")
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    _float_kernel(input, "hardshrink_cpu")
    return where((input > lambd) | (input < -lambd), input, 0.0)


# -- losses -----------------------------------------------------------------------------------

@register()
@one_node("SmoothL1LossBackward0", "input", "target")
def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_sizes(input, target, "smooth_l1_loss")
    z = _minus(input, target)
    d = abs(z)
    if beta == 0:
        return _reduce(d, reduction)
    # (z * z, not d * d: the second derivative at z = 0 is 1 / beta, as PyTorch's)
    return _reduce(where(d < beta, 0.5 * z * z / beta, d - 0.5 * beta), reduction)


@register()
@one_node("HuberLossBackward0", "input", "target")
def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean",
               delta: float = 1.0) -> Tensor:
    _check_sizes(input, target, "huber_loss")
    z = _minus(input, target)
    d = abs(z)
    return _reduce(where(d < delta, 0.5 * z * z, delta * (d - 0.5 * delta)), reduction)


@register()
def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """target * (log(target) - input) pointwise (0 where target is 0), input being
    log-probabilities; 'batchmean' divides the sum by the batch size."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    tensor_args("kl_div", input=input, target=target)
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = exp(target) * (target - input)
    else:
        loss = xlogy(target, target) - target * input  # (NaN for a negative target)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns "
                      "with the KL div math definition.'mean' will be changed to behave the "
                      "same as 'batchmean' in the next major release.", UserWarning,
                      stacklevel=2)
    return _reduce(loss, reduction)


@register()
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.size()}, input2: {input2.size()}, "
                           f"target: {target.size()} ")
    loss = -target * (input1 - input2) + margin
    return _reduce(loss.clamp(min=0), reduction)  # (clamp_min: gradient 1 at 0, as PyTorch)


@register()
def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    tensor_args("soft_margin_loss", input=input, target=target)
    if target.requires_grad and grad_state.enabled:  # (an ATen op with no target derivative)
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect "
                           "to argument 'target'. This input cannot have requires_grad True.")
    return _soft_margin(input, target, reduction)


@one_node("SoftMarginLossBackward0", "input", "target")
def _soft_margin(input: Tensor, target: Tensor, reduction: str) -> Tensor:
    return _reduce(log1p(exp(-input * target)), reduction)


# -- distances ---------------------------------------------------------------------------------
@register()
def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out=None) -> Tensor:
    norm = input.norm(p, dim, keepdim=True)
    return input / clamp(norm, min=eps).expand_as(input)


@register()
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    if not isinstance(x2, Tensor):
        raise not_tensor("cosine_similarity", "x2", 2, x2)
    common = _dtypes.result_type(x1, x2)
    if not common.is_floating_point:  # (before the shapes)
        from ..ops.inplace import _legacy

        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_legacy(common)}")
    rt = _dtypes.float_result_type(x1, x2)
    x1, x2 = x1.to(rt), x2.to(rt)
    shape = tuple(_broadcast(x1, x2))
    if tuple(x1.shape) != shape:  # (same shapes: the inputs themselves are saved, as PyTorch's)
        x1 = x1.expand(*shape)
    if tuple(x2.shape) != shape:
        x2 = x2.expand(*shape)
    n1 = clamp(x1.norm(2, dim, keepdim=True), min=eps)
    n2 = clamp(x2.norm(2, dim, keepdim=True), min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def _broadcast(a: Tensor, b: Tensor) -> tuple:
    import numpy as np

    from ..ops.pointwise import _broadcast_error

    try:
        return np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise _broadcast_error(a, b) from None


@register()
def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    tensor_args("pairwise_distance", x1=x1, x2=x2)
    return _pairwise(x1, x2, p, eps, keepdim)


# (PyTorch's node is the old norm's, saving the difference and the result)
@one_node("NormBackward1", "x1", "x2", saves=("difference", "result"))
def _pairwise(x1: Tensor, x2: Tensor, p: float, eps: float, keepdim: bool) -> Tensor:
    return (x1 - x2 + eps).norm(p, -1, keepdim=keepdim)


# -- pooling, convolution and normalisation in other shapes ------------------------------------
def _adaptive_sizes(input: Tensor, output_size) -> tuple[int, int]:
    sizes = _pairs(output_size)
    return tuple(input.shape[-2 + i] if s is None else int(s) for i, s in enumerate(sizes))


def _windows_1d(n_in: int, n_out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive windows: [floor(i n_in / n_out), ceil((i + 1) n_in / n_out))."""
    return [(i * n_in // n_out, -(-(i + 1) * n_in // n_out)) for i in range(n_out)]


def _averaging_matrix(n_in: int, n_out: int, like: Tensor) -> Tensor:
    import numpy as np

    m = np.zeros((n_out, n_in))
    for i, (a, b) in enumerate(_windows_1d(n_in, n_out)):
        m[i, a:b] = 1.0 / (b - a)
    return creation.tensor(m, dtype=like.dtype, device=like.device)


@register()
def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Averages over PyTorch's adaptive windows, as two small matrix products (rows, then
    columns): exact window means, and differentiable to any order."""
    if _pairs(output_size) == (1, 1):  # (PyTorch takes the mean first, whatever the rank)
        return input.mean((-2, -1), keepdim=True)
    if input.dim() not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(input.shape)}")
    return _adaptive_avg_pool2d(input, output_size)


@one_node("AdaptiveAvgPool2DBackward0", "input")
def _adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    oh, ow = _adaptive_sizes(input, output_size)
    h, w = input.shape[-2:]
    if (h, w) == (oh, ow):
        return input * 1
    if h % oh == 0 and w % ow == 0:
        return avg_pool2d(input, (h // oh, w // ow))
    cols = matmul(input, _averaging_matrix(w, ow, input).t())
    return matmul(_averaging_matrix(h, oh, input), cols)


@register()
@one_node("AdaptiveMaxPool2DBackward0", "input")
def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    if input.dim() not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{list(input.shape)}")
    oh, ow = _adaptive_sizes(input, output_size)
    h, w = input.shape[-2:]
    if h % oh == 0 and w % ow == 0:
        return max_pool2d(input, (h // oh, w // ow), return_indices=return_indices)
    # uneven (overlapping) windows: each one's first maximum, by its flat index in the plane
    x = input._data
    xp = backends.of(x).xp
    index = xp.empty(x.shape[:-2] + (oh, ow), dtype=xp.int64)
    for i, (a, b) in enumerate(_windows_1d(h, oh)):
        for j, (c, d) in enumerate(_windows_1d(w, ow)):
            local = xp.argmax(x[..., a:b, c:d].reshape(x.shape[:-2] + (-1,)), axis=-1)
            index[..., i, j] = (a + local // (d - c)) * w + c + local % (d - c)
    indices = _wrap(index)
    out = input.flatten(-2).gather(-1, indices.flatten(-2)).reshape(indices.shape)
    return (out, indices) if return_indices else out


_NOT_2D_OR_3D = {  # (each 1-d op's own words for an input that is not 2-d or 3-d)
    "max_pool1d": "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
                  "size for input, but got:{shape}",
    **{name: "Expected 2 to 3 dimensions, but got {dim}-dimensional tensor for argument #1 "
             "'self' (while checking arguments for " + name + ")"
       for name in ("avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d")},
}


def _as_2d(input: Tensor, name: str) -> Tensor:
    if input.dim() not in (2, 3) and name in _NOT_2D_OR_3D:
        raise RuntimeError(_NOT_2D_OR_3D[name].format(shape=list(input.shape), dim=input.dim()))
    check_conv_input(input, name, 1)
    return input.unsqueeze(-2)


@register()
def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    _conv_dtypes(input, None, bias)
    _as_2d(input, "conv1d")
    if isinstance(padding, str):
        check_padding_mode(padding, stride)
    stride, padding, dilation = conv_params(stride, padding, dilation, 1, groups)
    if weight.dim() == 3:
        check_groups(input if input.dim() == 3 else input.unsqueeze(0), weight, groups, bias)
        check_conv_size(input.shape[-1:], weight.shape[-1:],
                        padding if isinstance(padding, str) else _pairs(padding, 1),
                        _pairs(dilation, 1))
    return on_batch(_conv1d, input, 3, weight, bias, stride, padding, dilation, groups)


@one_node("ConvolutionBackward0", "input", "weight", "bias", saves=("input", "weight"))
def _conv1d(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation,
            groups: int) -> Tensor:
    """conv2d over a height of one."""
    padding = padding if isinstance(padding, str) else (0, _pairs(padding, 1)[0])
    out = conv2d_batched.body(input.unsqueeze(-2), weight.unsqueeze(-2), bias,
                              (1, _pairs(stride, 1)[0]), padding, (1, _pairs(dilation, 1)[0]),
                              groups)
    return out.squeeze(-2)


@register()
def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    one = lambda v: (1, _pairs(v, 1)[0])  # noqa: E731
    x = _as_2d(input, "max_pool1d")
    if 0 in input.shape[-2 if input.dim() == 3 else 0:]:  # (only the batch may be empty)
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(input.shape)}")
    (k,), (p,), (d,) = (_pairs(v, 1) for v in (kernel_size, padding, dilation))
    if p > k // 2:  # (max_pool1d's own kernel checks, in its words)
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={p} and kernel_size={k}")
    s = k if stride is None or stride == [] else _pairs(stride, 1)[0]
    n = pooled_size(input.shape[-1], k, s, p, d, ceil_mode)
    if n <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {n}")
    out = max_pool2d(x, one(kernel_size),
                     None if stride is None else one(stride), (0, _pairs(padding, 1)[0]),
                     one(dilation), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


@register()
def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    one = lambda v: (1, _pairs(v, 1)[0])  # noqa: E731
    return avg_pool2d(_as_2d(input, "avg_pool1d"), one(kernel_size),
                      None if stride is None else one(stride), (0, _pairs(padding, 1)[0]),
                      ceil_mode, count_include_pad).squeeze(-2)


def _channel_dropout(input: Tensor, p: float, training: bool, spatial: int) -> Tensor:
    trivial = _dropout_shortcut(input, p, training)
    if trivial is not None:
        return trivial
    batched = input.dim() == spatial + 2
    shape = tuple(input.shape[:2 if batched else 1]) + (1,) * spatial
    return input * (_keep_mask(shape, p, input) / (1.0 - p))


@register()
@inplace_option("dropout1d_")
def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zeroes whole channels of (N, C, L) or (C, L) input."""
    return _channel_dropout(input, p, training, 1)


@register()
@inplace_option("dropout2d_")
def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) input."""
    return _channel_dropout(input, p, training, 2)


@register()
@inplace_option("dropout3d_")
def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    return _channel_dropout(input, p, training, 3)


@register()
@one_node("NativeGroupNormBackward0", "input", "weight", "bias",
          saves=("input", "weight"))
def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    n, c = input.shape[0], input.shape[1]
    size = [n * c // num_groups, num_groups] + list(input.shape[2:])  # (PyTorch's check)
    if size[0] * math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {size}")
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} "
                               f"and input of shape {list(input.shape)}")
    mixed = check_norm_dtypes("GroupNormKernelImpl", input, weight, bias)
    x = (input.float() if mixed else input).reshape(n, num_groups, -1)
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=False, keepdim=True)
    out = ((x - mean) / (var + eps).sqrt()).reshape(tuple(input.shape))
    out = _affine(out, weight, bias, (1, c) + (1,) * (input.dim() - 2))
    return out.to(input.dtype) if mixed else out


_LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}


@register()
def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners=None, recompute_scale_factor=None, antialias: bool = False):
    """Resizing of (N, C, L), (N, C, H, W) or (N, C, D, H, W) input. 'nearest': output index
    i reads input floor(i * scale); 'linear'/'bilinear'/'trilinear': each spatial dimension
    in turn blends its two nearest inputs at PyTorch's source coordinate (half-pixel centres,
    or the corners with align_corners). Gathers and weighted sums, so differentiable."""

    if mode not in ("nearest", "nearest-exact", "area", "bicubic", *_LINEAR_MODES):
        raise NotImplementedError(f"interpolate: mode '{mode}' is not supported (nearest, "
                                  f"nearest-exact, area, linear, bilinear, bicubic, trilinear "
                                  f"are)")
    spatial = input.dim() - 2
    if not 1 <= spatial <= 3 or (mode == "bicubic" and spatial != 2):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.dim()}D) for the modes: nearest | linear | bilinear "
                                  f"| bicubic | trilinear | lanczos | area | nearest-exact (got "
                                  f"{mode})")
    if isinstance(size, (tuple, list)) and len(size) != spatial:
        raise ValueError(f"Input and output must have the same number of spatial dimensions, "
                         f"but got input with spatial dimensions of {list(input.shape[2:])} and "
                         f"output size of {size}. Please provide input tensor in (N, C, d1, d2, "
                         f"...,dK) format and output size in (o1, o2, ...,oK) format.")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias and not (mode in ("bilinear", "bicubic") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if mode in _LINEAR_MODES and spatial != _LINEAR_MODES[mode]:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_LINEAR_MODES[mode] + 2}D input")
    in_sizes = tuple(input.shape[2:])
    if size is not None:
        out_sizes = _pairs(size, spatial)
        scales = [i / o if o else 0.0 for i, o in zip(in_sizes, out_sizes)]
    else:
        factors = _pairs(scale_factor, spatial)
        out_sizes = tuple(int(math.floor(i * f)) for i, f in zip(in_sizes, factors))
        scales = [1.0 / f if not recompute_scale_factor else i / o
                  for i, o, f in zip(in_sizes, out_sizes, factors)]
    k = len(out_sizes)
    if mode != "area" and (min(out_sizes) <= 0 or min(in_sizes) <= 0):
        axes = "DHW"[3 - k:]
        shown = [", ".join(f"{a}: {v}" for a, v in zip(axes, sizes))
                 for sizes in (in_sizes, out_sizes)]
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({shown[0]}){' and' if k == 1 else ''} output ({shown[1]})")
    name = (f"AdaptiveAvgPool{k}D" if mode == "area" else
            f"Upsample{_RESIZE_NAMES[mode]}{k}D")
    if antialias:
        return call_as_one_node(name + "AaBackward0", ("input",), _resize_antialiased, input,
                                in_sizes, out_sizes, scales, mode, bool(align_corners),
                                saves=())
    return call_as_one_node(name + "Backward0", ("input",), _resize, input, in_sizes,
                            out_sizes, scales, mode, align_corners,
                            saves=None if mode == "area" else ())


def _aa_filter(mode: str, x: float) -> float:
    x = -x if x < 0 else x
    if mode == "bilinear":
        return 1.0 - x if x < 1.0 else 0.0
    a = -0.5  # (the antialiasing cubic is PIL's, a = -0.5)
    if x < 1.0:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    return (((x - 5) * x + 8) * x - 4) * a if x < 2.0 else 0.0


def _aa_weights(n_in: int, n_out: int, scale: float, mode: str, align_corners: bool):
    """(n_out, n_in) weights of PyTorch's (PIL's) antialiased resampling: the filter widened
    by the scale when shrinking, each row normalised to sum 1."""
    import numpy as np

    if align_corners:
        scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    support = (2.0 if mode == "bilinear" else 4.0) * 0.5 * (scale if scale >= 1.0 else 1.0)
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = scale * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        row = [_aa_filter(mode, (j - center + 0.5) * invscale) for j in range(lo, hi)]
        total = sum(row)
        w[i, lo:hi] = [v / total for v in row] if total != 0.0 else row
    return w


def _resize_antialiased(input: Tensor, in_sizes, out_sizes, scales, mode: str,
                        align_corners: bool) -> Tensor:
    (h, w), (oh, ow) = in_sizes, out_sizes
    rows, cols = (creation.tensor(_aa_weights(n, o, s, mode, align_corners), dtype=input.dtype,
                                  device=input.device)
                  for n, o, s in ((h, oh, scales[0]), (w, ow, scales[1])))
    return matmul(rows, matmul(input, cols.t()))


_RESIZE_NAMES = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear",
                 "bilinear": "Bilinear", "trilinear": "Trilinear", "bicubic": "Bicubic"}


def _resize(input: Tensor, in_sizes: tuple, out_sizes: tuple, scales: list, mode: str,
            align_corners) -> Tensor:
    """interpolate's work, one spatial dimension at a time."""
    import numpy as np

    real = np.float32 if input._data.dtype == np.float32 else np.float64
    out = input
    for k, (n_in, n_out, scale) in enumerate(zip(in_sizes, out_sizes, scales)):
        pos = np.arange(n_out, dtype=real)
        take = lambda idx: index_select(out, 2 + k, _wrap(  # noqa: E731
            np.asarray(idx, np.int64)).to(input.device))
        if mode in ("nearest", "nearest-exact"):
            shift = real(0.5) if mode == "nearest-exact" else real(0)
            out = take(np.minimum(np.floor((pos + shift) * real(scale)), n_in - 1))
            continue
        if mode == "area":  # adaptive average pooling, one dimension at a time
            m = _averaging_matrix(n_in, n_out, input).t()
            out = (out.movedim(2 + k, -1) @ m).movedim(-1, 2 + k)
            continue
        if align_corners:
            coord = pos * real((n_in - 1) / (n_out - 1)) if n_out > 1 else pos * 0
        elif mode == "bicubic":  # (no clamping at 0: the cubic kernel reaches outside)
            coord = real(scale) * (pos + real(0.5)) - real(0.5)
        else:
            coord = np.maximum(real(scale) * (pos + real(0.5)) - real(0.5), 0)
        if mode == "bicubic":
            out = _cubic_blend(out, 2 + k, coord, n_in, take, input)
            continue
        lo = np.floor(coord).astype(np.int64)
        hi = np.minimum(lo + 1, n_in - 1)
        shape = [1] * input.dim()
        shape[2 + k] = n_out
        w_hi = creation.tensor((coord - lo).reshape(shape), dtype=input.dtype,
                               device=input.device)
        take = lambda idx: index_select(out, 2 + k, _wrap(idx).to(input.device))  # noqa: E731
        out = take(lo) * (1 - w_hi) + take(hi) * w_hi
    return out


def _cubic_blend(out: Tensor, dim: int, coord, n_in: int, take, like: Tensor) -> Tensor:
    """Keys' cubic convolution (A = -0.75, as PyTorch) of the four inputs around each source
    coordinate along one dimension, indices clamped to the edge."""
    import numpy as np

    a = -0.75
    base = np.floor(coord)
    t = (coord - base).astype(np.float64)
    near = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1  # noqa: E731 - |x| <= 1
    far = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # noqa: E731 - 1 < |x| < 2
    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    shape = [1] * out.dim()
    shape[dim] = len(coord)
    total = None
    for offset, w in zip((-1, 0, 1, 2), weights):
        idx = np.clip(base.astype(np.int64) + offset, 0, n_in - 1)
        term = take(idx) * creation.tensor(w.reshape(shape), dtype=like.dtype,
                                           device=like.device)
        total = term if total is None else total + term
    return total


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def _at_least_3d(input: Tensor, name: str) -> None:
    if input.dim() < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {input.dim()} dimension(s)")


@register()
@one_node("PixelShuffleBackward0", "input", saves=())
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    _at_least_3d(input, "pixel_shuffle")
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    k = len(lead)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


@register()
@one_node("PixelUnshuffleBackward0", "input", saves=())
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    _at_least_3d(input, "pixel_unshuffle")
    r = downscale_factor
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but got {h}x{w} and {r}")
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


__all__ = ["hardtanh", "relu6", "elu", "selu", "celu", "softplus", "mish", "hardsigmoid",
           "hardswish", "logsigmoid", "softsign", "softmin", "threshold", "glu", "tanhshrink",
           "softshrink", "hardshrink", "smooth_l1_loss", "huber_loss", "kl_div",
           "margin_ranking_loss", "soft_margin_loss", "normalize", "cosine_similarity",
           "pairwise_distance", "adaptive_avg_pool2d", "adaptive_max_pool2d", "conv1d",
           "max_pool1d", "avg_pool1d", "dropout1d", "dropout2d", "dropout3d", "group_norm",
           "interpolate",
           "upsample", "pixel_shuffle", "pixel_unshuffle"]


# -- transposed convolution, PReLU, RMS norm and more losses ------------------------------------
@register()
def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The adjoint of conv2d: each input pixel scatters weight-scaled kernels into the output,
    as one matrix product and a fold (col2im), so every derivative comes from those ops."""
    check_conv_input(input, "conv_transpose2d", 2)
    stride, padding, dilation, output_padding = conv_params(stride, padding, dilation, 2,
                                                            groups, output_padding)
    return on_batch(_conv_transpose2d, input, 4, weight, bias, stride, padding,
                    output_padding, groups, dilation)


@one_node("ConvolutionBackward0", "input", "weight", "bias", saves=("input", "weight"))
def _conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding,
                      output_padding, groups: int, dilation) -> Tensor:
    from ..ops.shape import cat

    x = input
    n, c_in, h, w = x.shape
    _, c_out_g, kh, kw = weight.shape
    check_groups(x, weight, groups, bias, transposed=True)
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = (_pairs(v) for v in (stride, padding,
                                                                    output_padding, dilation))
    check_dilation((dh, dw), transposed=True)
    if (oph >= sh and oph >= dh) or (opw >= sw and opw >= dw):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, "
                           f"but got output_padding_height: {oph} output_padding_width: {opw} "
                           f"stride_height: {sh} stride_width: {sw} dilation_height: {dh} "
                           f"dilation_width: {dw}")
    out_h = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    out_w = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size "
                           f"per channel: ({out_h} x {out_w}). Output size is too small")
    from .functional import fold

    _conv_dtypes(x, weight, None)  # (the input's dtype is the one expected, as PyTorch says)
    outs = []
    cg = c_in // groups
    for g in range(groups):
        xg = x[:, g * cg:(g + 1) * cg] if groups > 1 else x
        wg = weight[g * cg:(g + 1) * cg] if groups > 1 else weight
        cols = matmul(wg.reshape(cg, -1).t(), xg.reshape(n, cg, h * w))
        outs.append(fold(cols, (out_h, out_w), (kh, kw), (dh, dw), (ph, pw), (sh, sw)))
    out = outs[0] if groups == 1 else cat(outs, 1)
    if bias is not None:  # (a bias of another float dtype is cast to the output's)
        out = out + bias.reshape(1, -1, 1, 1).to(out.dtype)
    return out


@register()
@one_node("PreluKernelBackward0", "input", "weight")
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight * min(0, x), one weight shared or one per channel (dim 1)."""
    tensor_args("prelu", input=input, weight=weight)
    if weight.dtype != input.dtype:
        from ..ops.inplace import _legacy

        raise RuntimeError(f"prelu: Type promoting not supported. Got {_legacy(input.dtype)} "
                           f"and {_legacy(weight.dtype)}")
    if weight.numel() != 1 and (input.dim() < 2 or input.shape[1] != weight.numel()):
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {weight.numel()} and channel size = "
                           f"{input.shape[1] if input.dim() >= 2 else 1}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    if weight.numel() != 1:
        weight = weight.reshape((1, -1) + (1,) * (input.dim() - 2))
    return where(input > 0, input, weight * input)


@register()
def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    if isinstance(normalized_shape, int):  # (PyTorch's parser wants a sequence here)
        raise TypeError(f"rms_norm(): argument 'normalized_shape' (position 2) must be tuple "
                        f"of ints, not {type(normalized_shape).__name__}")
    shape = tuple(normalized_shape)
    if len(shape) > input.dim():
        raise ValueError(f"Input tensor must have at least {len(shape)} dimensions, but got "
                         f"{input.dim()}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = "
                           f"{list(shape)}")
    if tuple(input.shape[input.dim() - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    if eps is None:
        import numpy as np

        eps = float(np.finfo(input._data.dtype).eps)
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out * weight if weight is not None else out


@register()
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,
                     full: bool = False, size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    tensor_args("poisson_nll_loss", input=input, target=target)
    loss = exp(input) - target * input if log_input else input - target * (input + eps).log()
    if full:  # Stirling's term for targets above 1
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction)


@register()
def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    if isinstance(var, Tensor):  # clamped for the value only, as PyTorch (no_grad clamp_)
        var = var + (clamp(var.detach(), min=eps) - var.detach())
    else:
        var = max(var, eps)
    if isinstance(var, Tensor) and var.shape != input.shape:
        if tuple(var.shape) == tuple(input.shape[:-1]):
            var = var.unsqueeze(-1)
        elif not (var.shape[:-1] == input.shape[:-1] and var.dim() and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    d = input - target
    loss = 0.5 * ((var.log() if isinstance(var, Tensor) else math.log(var)) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


@register()
def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    tensor_args("hinge_embedding_loss", input=input, target=target)
    margin_part = clamp(margin - input, min=0.0)  # (PyTorch's formula: a target neither 1
    # nor -1 takes both parts)
    loss = where(target != -1, input, 0.0) + where(target != 1, margin_part, 0.0)
    return _reduce(loss, reduction)


@register()
def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    tensor_args("cosine_embedding_loss", optional=("input1", "input2", "target"),
                input1=input1, input2=input2, target=target)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = target.dim() + 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(f"{target.dim()}D target tensor expects {want}D input tensors, but "
                           f"found inputs with sizes {list(input1.shape)} and "
                           f"{list(input2.shape)}.")
    cos = cosine_similarity(input1, input2, -1, 1e-12)
    loss = where(target == 1, 1 - cos, clamp(cos - margin, min=0.0))
    return _reduce(loss, reduction)


@register()
def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    tensor_args("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {dims[0]}D, positive "
                           f"{dims[1]}D, and negative {dims[2]}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(clamp(d_pos - d_neg + margin, min=0.0), reduction)


@register()
def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    input.size(input.dim() - 1)  # (PyTorch reads the class count: a 0-d input's IndexError)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.mean(-1), reduction)


__all__ += ["conv_transpose2d", "prelu", "rms_norm", "poisson_nll_loss", "gaussian_nll_loss",
            "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
            "multilabel_soft_margin_loss"]


# -- attention -----------------------------------------------------------------------------------
def _mask_to_bias(mask: Tensor, like: Tensor, keep_where_true: bool) -> Tensor:
    """A boolean mask as an additive float mask (0 or -inf); a float mask as it is."""
    if mask.dtype.is_floating_point:
        return mask.to(like.dtype)
    blocked = mask.logical_not() if keep_where_true else mask
    zeros = creation.zeros(tuple(mask.shape), dtype=like.dtype, device=like.device)
    return zeros.masked_fill(blocked, float("-inf"))


@register()
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask=None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale=None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(q k^T * scale + mask) v, as PyTorch's reference: a boolean attn_mask keeps the
    positions where it is True; is_causal keeps each query's past."""
    if is_causal and attn_mask is not None and not (
            query.dim() == key.dim() == value.dim() == 4 and dropout_p == 0.0 and
            query.shape[-1] == key.shape[-1] == value.shape[-1] and
            query.shape[-2] and key.shape[-2]):
        # (PyTorch's fused CPU kernel takes both; its reference kernel, which runs where
        # that one does not, refuses them)
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    if enable_gqa:  # grouped-query attention: each key/value head serves a group of queries
        heads = query.shape[-3]
        if heads % key.shape[-3] or heads % value.shape[-3]:
            raise RuntimeError("Number of heads in key and value must divide the number of "
                               "heads in ")  # (PyTorch's words, cut short as PyTorch's are)
        key = key.repeat_interleave(heads // key.shape[-3], -3)
        value = value.repeat_interleave(heads // value.shape[-3], -3)
    length, source = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    weights = matmul(query, key.transpose(-2, -1)) * factor
    if is_causal:
        causal = creation.ones(length, source, dtype=creation.tensor(True).dtype,
                               device=query.device).tril()
        weights = weights + _mask_to_bias(causal, weights, keep_where_true=True)
    if attn_mask is not None:
        weights = weights + _mask_to_bias(attn_mask, weights, keep_where_true=True)
    weights = softmax(weights, -1)
    if dropout_p > 0.0:
        from .functional import dropout

        weights = dropout(weights, dropout_p, True)
    return matmul(weights, value)


def multi_head_attention_forward(query, key, value, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v,
                                 add_zero_attn: bool, dropout_p: float, out_proj_weight,
                                 out_proj_bias, training: bool = True, key_padding_mask=None,
                                 need_weights: bool = True, attn_mask=None,
                                 use_separate_proj_weight: bool = False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights: bool = True,
                                 is_causal: bool = False):
    """PyTorch's multi-head attention on (L, N, E) inputs (its signature): projections (one
    packed weight, or separate ones when key/value have other sizes), optional learnt bias
    key/value rows and a zero row, per-head scaled dot products (a boolean mask blocks where
    True, a float mask is added), output projection; returns the output and, when asked, the
    attention weights (averaged over heads)."""
    from .functional import dropout, linear, pad

    tgt_len, bsz, embed_dim = query.shape
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    b_q, b_k, b_v = in_proj_bias.chunk(3) if in_proj_bias is not None else (None,) * 3
    if use_separate_proj_weight:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    else:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
    q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    if is_causal and attn_mask is None:
        attn_mask = creation.ones(tgt_len, k.shape[0], device=query.device).triu(1) > 0
    if bias_k is not None and bias_v is not None:  # one more key/value row, learnt
        k = cat([k, bias_k.expand(1, bsz, embed_dim)])
        v = cat([v, bias_v.expand(1, bsz, embed_dim)])
        attn_mask = pad(attn_mask, (0, 1)) if attn_mask is not None else None
        key_padding_mask = pad(key_padding_mask, (0, 1)) if key_padding_mask is not None \
            else None
    heads = lambda t: t.reshape(t.shape[0], bsz * num_heads, head_dim).transpose(0, 1)  # noqa: E731
    q, k, v = heads(q), heads(k), heads(v)
    if add_zero_attn:  # one more all-zero key/value row
        zeros = creation.zeros(bsz * num_heads, 1, head_dim, dtype=k.dtype, device=k.device)
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask = pad(attn_mask, (0, 1)) if attn_mask is not None else None
        key_padding_mask = pad(key_padding_mask, (0, 1)) if key_padding_mask is not None \
            else None
    src_len = k.shape[1]
    bias = None
    if attn_mask is not None:
        bias = _mask_to_bias(attn_mask, q, keep_where_true=False)
        if bias.dim() == 2:
            bias = bias.unsqueeze(0)
    if key_padding_mask is not None:
        padding = _mask_to_bias(key_padding_mask, q, keep_where_true=False)
        padding = padding.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len) \
            .reshape(bsz * num_heads, 1, src_len)
        bias = padding if bias is None else bias + padding
    q_scaled = q * math.sqrt(1.0 / float(head_dim))
    scores = matmul(q_scaled, k.transpose(-2, -1))
    if bias is not None:
        scores = scores + bias
    weights = softmax(scores, -1)
    if dropout_p > 0.0 and training:
        weights = dropout(weights, dropout_p, True)
    out = matmul(weights, v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if not need_weights:
        return out, None
    weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
    return out, (weights.mean(1) if average_attn_weights else weights)


__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]


# -- small companions: in-place activations, *_with_indices, 1-d adaptive pools --------------
def _inplace_activation(name: str, fn):
    def op(input: Tensor, *args, **kwargs) -> Tensor:
        from ..ops.inplace import apply

        return apply(input, name, fn, *args, **kwargs)

    op.__name__ = name
    op.__doc__ = f"{fn.__name__}, writing the result into input (as torch.nn.functional.{name})."
    return op


relu_ = _inplace_activation("relu_", lambda x: x.relu())


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input: Tensor, threshold_: float, value: float) -> Tensor:
    return threshold(input, threshold_, value, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    from .functional import leaky_relu

    return leaky_relu(input, negative_slope, inplace=True)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    return adaptive_max_pool1d(input, output_size, True)


@register()
def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    return adaptive_avg_pool2d(_as_2d(input, "adaptive_avg_pool1d"),
                               (1, _pairs(output_size, 1)[0])).squeeze(-2)


@register()
def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    out = adaptive_max_pool2d(_as_2d(input, "adaptive_max_pool1d"),
                              (1, _pairs(output_size, 1)[0]), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


__all__ += ["relu_", "elu_", "selu_", "celu_", "hardtanh_", "threshold_", "leaky_relu_",
            "max_pool2d_with_indices", "max_pool1d_with_indices", "adaptive_avg_pool1d",
            "adaptive_max_pool2d_with_indices", "adaptive_max_pool1d_with_indices",
            "adaptive_max_pool1d"]
