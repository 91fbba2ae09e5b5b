"""3-d convolution and pooling over (N, C, D, H, W) input, built on their 2-d forms: each
offset of the depth kernel is one 2-d convolution (or pooling) of the depth slices it reads,
summed (or maxed, averaged) over the offsets. Every derivative comes from those ops."""
from __future__ import annotations

import math

from .. import creation
from ..autograd.grad_mode import no_grad
from ..ops import stack
from ..ops._core import register
from ..ops.one_node import call_as_one_node, one_node
from ..tensor import Tensor
from ._functional_extra import _averaging_matrix
from .functional import (_conv_dtypes, _pairs, _same_padding, avg_pool2d, check_conv_input,
                         check_conv_size,
                         check_dilation, check_groups, check_padding_mode, conv2d_batched,
                         conv_params, max_pool2d, on_batch, pad)


def _check_dims(input: Tensor, name: str, what: str = "input") -> None:
    check_conv_input(input, name, 3, what)


@register()
def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    _conv_dtypes(input, None, bias)
    _check_dims(input, "conv3d")
    if isinstance(padding, str):
        check_padding_mode(padding, stride)
    stride, padding, dilation = conv_params(stride, padding, dilation, 3, groups)
    x = input if input.dim() == 5 else input.unsqueeze(0)
    check_groups(x, weight, groups, bias)
    check_conv_size(x.shape[2:], weight.shape[2:],
                    padding if isinstance(padding, str) else _pairs(padding, 3),
                    _pairs(dilation, 3))
    check_dilation(dilation)
    _conv_dtypes(input, weight, None)
    if isinstance(padding, str):
        before, after = _same_padding(padding, tuple(weight.shape[2:]), _pairs(dilation, 3),
                                      _pairs(stride, 3))
        if before != after:  # an even kernel: the extra plane, row and column go after
            x = pad(x, (0, after[2] - before[2], 0, after[1] - before[1],
                        0, after[0] - before[0]))
        padding = before
    out = _conv3d(x, weight, bias, stride, padding, dilation, groups)
    return out if input.dim() == 5 else out.squeeze(0)


@one_node("ConvolutionBackward0", "input", "weight", "bias", saves=("input", "weight"))
def _conv3d(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation,
            groups: int) -> Tensor:
    (sd, sh, sw), (pd, ph, pw), (dd, dh, dw) = (_pairs(v, 3) for v in (stride, padding,
                                                                        dilation))
    x = pad(input, (0, 0, 0, 0, pd, pd)) if pd else input
    n, c, depth, h, w = x.shape
    o, kd = weight.shape[0], weight.shape[2]
    d_out = (depth - dd * (kd - 1) - 1) // sd + 1
    if d_out <= 0:
        raise RuntimeError("Calculated output size is too small (the kernel is larger than "
                           "the padded input along depth)")
    out = None
    for k in range(kd):
        planes = x[:, :, k * dd:k * dd + sd * (d_out - 1) + 1:sd]  # (n, c, d_out, h, w)
        planes = planes.transpose(1, 2).reshape(n * d_out, c, h, w)
        y = conv2d_batched.body(planes, weight[:, :, k], None, (sh, sw), (ph, pw), (dh, dw),
                                groups)
        out = y if out is None else out + y
    out = out.reshape(n, d_out, o, *out.shape[2:]).transpose(1, 2)
    return out if bias is None else out + bias.reshape(1, o, 1, 1, 1)


@register()
def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The adjoint of conv3d: each depth offset of the kernel is a 2-d transposed convolution
    of every input plane, added into the output planes it reaches (then the depth padding is
    cropped)."""
    _check_dims(input, "conv_transpose3d")
    x = input if input.dim() == 5 else input.unsqueeze(0)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {weight.shape[0]} channels, but got "
                           f"{x.shape[1]} channels instead")
    stride, padding, dilation, output_padding = conv_params(stride, padding, dilation, 3,
                                                            groups, output_padding)
    out = _conv_transpose3d(x, weight, bias, stride, padding, output_padding, groups, dilation)
    return out if input.dim() == 5 else out.squeeze(0)


@one_node("ConvolutionBackward0", "input", "weight", "bias", saves=("input", "weight"))
def _conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding,
                      output_padding, groups: int, dilation) -> Tensor:
    from .. import creation
    from ._functional_extra import _conv_transpose2d

    (sd, sh, sw), (pd, ph, pw), (od, oh, ow), (dd, dh, dw) = (
        _pairs(v, 3) for v in (stride, padding, output_padding, dilation))
    if od >= sd and od >= dd:
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, "
                           f"but got output_padding_depth: {od} stride_depth: {sd} "
                           f"dilation_depth: {dd}")
    check_dilation((dd, dh, dw), transposed=True)
    n, c, depth, h, w = input.shape
    kd = weight.shape[2]
    full = (depth - 1) * sd + dd * (kd - 1) + 1 + od
    planes = input.transpose(1, 2).reshape(n * depth, c, h, w)
    out = None
    for k in range(kd):
        y = _conv_transpose2d.body(planes, weight[:, :, k], None, (sh, sw), (ph, pw),
                                   (oh, ow), groups, (dh, dw))
        y = y.reshape(n, depth, *y.shape[1:])
        if out is None:
            out = creation.zeros(n, full, *y.shape[2:], dtype=y.dtype, device=y.device)
        at = creation.arange(depth, device=y.device) * sd + k * dd
        out = out.index_add(1, at, y)
    out = out[:, pd:full - pd].transpose(1, 2)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1, 1)


def _depth_windows(x: Tensor, kd: int, sd: int, pd: int, dd: int, ceil_mode: bool,
                   fill: float) -> tuple[list, int]:
    """The depth slices each offset of a depth window reads, after `pd` planes of `fill` on
    each side (and ceil_mode's overhang)."""
    depth = x.shape[2] + 2 * pd
    span = depth - dd * (kd - 1) - 1
    d_out = (math.ceil(span / sd) if ceil_mode else span // sd) + 1
    if ceil_mode and (d_out - 1) * sd >= x.shape[2] + pd:  # a window must start inside
        d_out -= 1
    extra = max(0, (d_out - 1) * sd + dd * (kd - 1) + 1 - depth)
    if pd or extra:
        x = pad(x, (0, 0, 0, 0, pd, pd + extra), value=fill)
    return [x[:, :, k * dd:k * dd + sd * (d_out - 1) + 1:sd] for k in range(kd)], d_out


def _per_plane(fn, planes: Tensor) -> Tensor:
    """fn (a 2-d pooling) on every depth plane of (n, c, d, h, w)."""
    n, c, d = planes.shape[:3]
    y = fn(planes.transpose(1, 2).reshape(n * d, c, *planes.shape[3:]))
    return y.reshape(n, d, c, *y.shape[2:]).transpose(1, 2)


@register()
def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    _check_dims(input, "max_pool3d", "tensor")
    values = on_batch(_max_pool3d, input, 5, kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices:
        return values
    with no_grad():
        indices = on_batch(_max_pool3d_indices, input.detach(), 5, kernel_size, stride,
                           padding, dilation, ceil_mode)
    return values, indices


def _max_pool3d_indices(input: Tensor, kernel_size, stride, padding, dilation,
                        ceil_mode) -> Tensor:
    """Where each maximum is, as an index into its (D, H, W) input volume: the depth offset
    of the first maximum over the offsets, and the 2-d pooling's index within that plane."""
    (kd, kh, kw) = _pairs(kernel_size, 3)
    (sd, sh, sw) = _pairs(stride if stride not in (None, []) else kernel_size, 3)
    (pd, ph, pw), (dd, dh, dw) = _pairs(padding, 3), _pairs(dilation, 3)
    planes, d_out = _depth_windows(input, kd, sd, pd, dd, ceil_mode, -math.inf)
    values, where = [], []
    for p in planes:
        v, i = _per_plane_pair(lambda t: max_pool2d(t, (kh, kw), (sh, sw), (ph, pw), (dh, dw),
                                                    ceil_mode, True), p)
        values.append(v)
        where.append(i)
    best = stack(values).argmax(0)  # (the first maximum, as PyTorch's)
    plane_index = stack(where).gather(0, best.unsqueeze(0)).squeeze(0)
    start = creation.arange(d_out, device=input.device).reshape(1, 1, -1, 1, 1) * sd - pd
    depth = start + best * dd
    return depth * (input.shape[3] * input.shape[4]) + plane_index


def _per_plane_pair(fn, planes: Tensor):
    n, c, d = planes.shape[:3]
    y, i = fn(planes.transpose(1, 2).reshape(n * d, c, *planes.shape[3:]))
    back = lambda t: t.reshape(n, d, c, *t.shape[2:]).transpose(1, 2)  # noqa: E731
    return back(y), back(i)


@one_node("MaxPool3DWithIndicesBackward0", "input")
def _max_pool3d(input: Tensor, kernel_size, stride, padding, dilation, ceil_mode) -> Tensor:
    (kd, kh, kw) = _pairs(kernel_size, 3)
    (sd, sh, sw) = _pairs(stride if stride not in (None, []) else kernel_size, 3)
    (pd, ph, pw), (dd, dh, dw) = _pairs(padding, 3), _pairs(dilation, 3)
    planes, _ = _depth_windows(input, kd, sd, pd, dd, ceil_mode, -math.inf)
    pooled = [_per_plane(lambda t: max_pool2d(t, (kh, kw), (sh, sw), (ph, pw), (dh, dw),
                                              ceil_mode), p) for p in planes]
    # the first maximum in (depth, row, column) order takes the gradient, as PyTorch's
    return stack(pooled).max(0).values


@register()
def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    _check_dims(input, "avg_pool3d", "tensor")
    return on_batch(_avg_pool3d, input, 5, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


@one_node("AvgPool3DBackward0", "input")
def _avg_pool3d(input: Tensor, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override) -> Tensor:
    (kd, kh, kw) = _pairs(kernel_size, 3)
    (sd, sh, sw) = _pairs(stride if stride not in (None, []) else kernel_size, 3)
    (pd, ph, pw) = _pairs(padding, 3)

    def window_sums(t: Tensor, fill: float) -> Tensor:
        planes, _ = _depth_windows(t, kd, sd, pd, 1, ceil_mode, fill)
        sums = [_per_plane(lambda q: avg_pool2d(q, (kh, kw), (sh, sw), (ph, pw), ceil_mode,
                                                True, 1), p) for p in planes]
        return sum(sums[1:], sums[0])

    total = window_sums(input, 0.0)
    if divisor_override:
        return total / divisor_override
    if count_include_pad and not ceil_mode:
        return total / (kd * kh * kw)
    ones = input.new_ones((1, 1) + tuple(input.shape[2:]))
    if count_include_pad:  # padding counts, ceil_mode's overhang does not
        ones = pad(ones, (pw, pw, ph, ph, pd, pd), value=1.0)
        counts = _avg_pool3d.body(ones, kernel_size, stride, 0, ceil_mode, False, 1)
    else:
        counts = window_sums(ones, 0.0)
    return total / counts


@register()
def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Averages over PyTorch's adaptive windows, one dimension at a time (small matrix
    products)."""
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got "
                           f"{list(input.shape)}")
    sizes = tuple(s if s is not None else input.shape[-3 + i]
                  for i, s in enumerate(_pairs(output_size, 3)))
    if sizes == (1, 1, 1):
        return input.mean((-3, -2, -1), keepdim=True)
    return _adaptive_avg_pool3d(input, sizes)


@one_node("AdaptiveAvgPool3DBackward0", "input")
def _adaptive_avg_pool3d(input: Tensor, sizes: tuple) -> Tensor:
    out = input
    for k, n_out in enumerate(sizes):
        dim = input.dim() - 3 + k
        m = _averaging_matrix(input.shape[dim], n_out, input).t()
        out = (out.movedim(dim, -1) @ m).movedim(-1, dim)
    return out


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    _check_dims(input, "adaptive_max_pool3d", "tensor")
    sizes = tuple(s if s is not None else input.shape[-3 + i]
                  for i, s in enumerate(_pairs(output_size, 3)))
    spatial = tuple(input.shape[-3:])
    if all(n % s == 0 for n, s in zip(spatial, sizes)):  # equal windows: a max pooling
        kernel = tuple(n // s for n, s in zip(spatial, sizes))
        values = on_batch(lambda x: call_as_one_node(
            "AdaptiveMaxPool3DBackward0", ("input",), _max_pool3d.body, x, kernel, None, 0, 1,
            False), input, 5)
        if not return_indices:
            return values
        with no_grad():
            return values, on_batch(_max_pool3d_indices, input.detach(), 5, kernel, None, 0, 1,
                                    False)
    out = on_batch(lambda x: call_as_one_node("AdaptiveMaxPool3DBackward0", ("input",),
                                              _adaptive_max_cells, x, sizes), input, 5)
    if not return_indices:
        return out
    with no_grad():
        return out, on_batch(lambda x: _adaptive_max_cells(x, sizes, True), input.detach(), 5)


def _adaptive_max_cells(input: Tensor, sizes: tuple, indices: bool = False) -> Tensor:
    """Windows [floor(i n / s), ceil((i + 1) n / s)) per dimension, one cell at a time (the
    windows overlap or differ in size, so no pooling does them)."""
    spatial = tuple(input.shape[2:])
    bounds = [[(i * n // s, -(-(i + 1) * n // s)) for i in range(s)]
              for n, s in zip(spatial, sizes)]
    cells = []
    for (d0, d1) in bounds[0]:
        for (h0, h1) in bounds[1]:
            for (w0, w1) in bounds[2]:
                window = input[:, :, d0:d1, h0:h1, w0:w1]
                flat = window.reshape(*window.shape[:2], -1)
                if not indices:
                    cells.append(flat.max(-1).values)
                    continue
                k = flat.argmax(-1)
                hw, w_len = (h1 - h0) * (w1 - w0), w1 - w0
                d, rest = k // hw + d0, k % hw
                cells.append((d * spatial[1] + rest // w_len + h0) * spatial[2]
                             + rest % w_len + w0)
    return stack(cells, -1).reshape(*input.shape[:2], *sizes)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """max_pool3d's partial inverse: each value back at its recorded index, zeros elsewhere."""
    from ._functional_more import _max_unpool

    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """(sum of x^p over each 3-d window) ** (1/p)."""
    from ._functional_more import _lp

    kd, kh, kw = (kernel_size,) * 3 if isinstance(kernel_size, int) else kernel_size
    out = avg_pool3d(input ** norm_type, (kd, kh, kw), stride, 0, ceil_mode)
    return _lp(out, norm_type, kd * kh * kw)


def max_pool3d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    return adaptive_max_pool3d(input, output_size, True)


__all__ = ["conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d",
           "adaptive_max_pool3d", "max_unpool3d", "lp_pool3d", "max_pool3d_with_indices",
           "adaptive_max_pool3d_with_indices"]
