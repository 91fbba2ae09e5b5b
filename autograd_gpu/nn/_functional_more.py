"""More of torch.nn.functional, each written with differentiable ops: instance_norm,
local_response_norm, bilinear, rrelu, channel_shuffle, lp_pool1d/2d, gumbel_softmax, pdist,
max_unpool1d/2d, alpha_dropout, feature_alpha_dropout, embedding_bag, conv_transpose1d,
multi_margin_loss, multilabel_margin_loss, triplet_margin_with_distance_loss,
upsample_nearest, upsample_bilinear."""
from __future__ import annotations

import numpy as np

from .. import backends, creation
from ..autograd.grad_mode import no_grad
from ..ops import cat, einsum, stack, where
from ..ops._core import tensor_args
from ..ops.inplace import inplace_option
from ..ops.one_node import one_node
from ..tensor import Tensor, _wrap
from .functional import (_affine, _reduce, avg_pool2d, _dropout_shortcut, _keep_mask, embedding,
                         legacy_reduction, check_conv_input, check_norm_dtypes, conv_params,
                         leaky_relu, on_batch, softmax)
from ._functional_extra import _conv_transpose2d, avg_pool1d, pairwise_distance

__all__ = ["instance_norm", "local_response_norm", "bilinear", "rrelu", "rrelu_",
           "channel_shuffle", "native_channel_shuffle", "lp_pool1d", "lp_pool2d",
           "gumbel_softmax", "pdist", "max_unpool1d", "max_unpool2d", "alpha_dropout",
           "feature_alpha_dropout", "embedding_bag", "conv_transpose1d", "multi_margin_loss",
           "multilabel_margin_loss", "triplet_margin_with_distance_loss", "upsample_nearest",
           "upsample_bilinear"]


def instance_norm(input: Tensor, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5) -> Tensor:
    """Each (sample, channel) normalised over its own positions; running statistics, when
    given, take the batch's average of the instance statistics."""
    if use_input_stats and int(np.prod(input.shape[2:])) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{input.shape}")
    mixed = check_norm_dtypes("batch_norm", input, weight, bias, kernel_first=True)
    x = input.float() if mixed else input
    dims = tuple(range(2, input.dim()))
    shape = (1, input.shape[1]) + (1,) * (input.dim() - 2)
    if use_input_stats:
        n = int(np.prod(input.shape[2:]))
        mean = x.mean(dims, keepdim=True)
        var = x.var(dims, unbiased=False, keepdim=True)
        if running_mean is not None:
            with no_grad():
                inst_mean = mean.detach().reshape(input.shape[0], input.shape[1]).mean(0)
                inst_var = var.detach().reshape(input.shape[0], input.shape[1]).mean(0)
                running_mean.mul_(1 - momentum).add_(inst_mean * momentum)
                running_var.mul_(1 - momentum).add_(inst_var * (momentum * n / max(n - 1, 1)))
    else:  # (the running statistics are read in the input's dtype)
        mean, var = (t.reshape(shape).to(x.dtype) for t in (running_mean, running_var))
    out = _affine((x - mean) / (var + eps).sqrt(), weight, bias, shape)
    return out.to(input.dtype) if mixed else out


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """input / (k + alpha * mean of squares over `size` neighbouring channels) ** beta."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {input.dim()} dimensions)")  # (PyTorch's spaces)
    if input.numel() == 0:
        return input
    sq = input * input
    c = input.shape[1]
    zeros = sq.new_zeros
    front, back = size // 2, (size - 1) // 2
    rest = tuple(input.shape[2:])
    padded = cat([zeros((input.shape[0], front) + rest), sq,
                  zeros((input.shape[0], back) + rest)], 1)
    window = padded.narrow(1, 0, c)
    for i in range(1, size):
        window = window + padded.narrow(1, i, c)
    div = (window / size * alpha + k) ** beta
    return input / div


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None):
    """y = x1^T A x2 + b for each output feature."""
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and "
                           f"{input2.dim()}")
    for i, (a, b) in enumerate(zip(input1.shape[:-1], input2.shape[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: "
                               f"got {a} and {b}")
    for k, t in ((1, input1), (2, input2)):
        if t.shape[-1] != weight.shape[k]:
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got "
                               f"{t.shape[-1]} but expected {weight.shape[k]}")
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[-1]} but expected {weight.shape[0]}")
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out + bias if bias is not None else out


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Leaky ReLU whose negative slope is drawn uniformly from [lower, upper] for each element
    in training, and is their mean in evaluation."""
    if not training:
        out = _rrelu_eval(input, (lower + upper) / 2)
    else:
        out = input * _wrap(_rrelu_slopes(input._data, lower, upper))
    if inplace:
        from ..ops.inplace import apply

        return apply(input, "rrelu_", lambda x: out)
    return out


def _rrelu_slopes(data, lower: float, upper: float):
    """Each element's slope: 1 above zero, else uniform on [lower, upper]. On the CPU one
    double uniform per element <= 0, in order, as PyTorch draws them; on a GPU one per
    element (counting the negatives first would wait for the device)."""
    backend = backends.of(data)
    stream = creation.default_generator(backend)._rng
    negative = data <= 0
    if backend.xp is np:
        slope = np.ones(data.shape)
        slope[negative] = backend.rand(stream, (int(negative.sum()),), np.float64) * (
            upper - lower) + lower
    else:
        draws = backend.rand(stream, data.shape, np.float64) * (upper - lower) + lower
        slope = backend.xp.where(negative, draws, 1.0)
    return slope.astype(data.dtype)


@one_node("RreluWithNoiseBackward0", "input", saves=("input", "noise"))
def _rrelu_eval(input: Tensor, slope: float) -> Tensor:
    return leaky_relu(input, slope)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Channels (g, c/g) reordered as (c/g, g): each group's channels spread over the others."""
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    return _shuffled(input, groups)


@one_node("ChannelShuffleBackward0", "input", saves=())
def _shuffled(input: Tensor, groups: int) -> Tensor:
    n, c, rest = input.shape[0], input.shape[1], tuple(input.shape[2:])
    return input.reshape((n, groups, c // groups) + rest).transpose(1, 2).reshape(
        tuple(input.shape))


native_channel_shuffle = channel_shuffle


def _lp(out: Tensor, norm_type: float, count: int) -> Tensor:
    return (out.sign() * out.abs().relu() * count) ** (1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """(sum of x^p over each window) ** (1/p)."""
    out = avg_pool1d(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    return _lp(out, norm_type, kernel_size)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    out = avg_pool2d(input ** norm_type, (kh, kw), stride, 0, ceil_mode)
    return _lp(out, norm_type, kh * kw)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """softmax((logits + Gumbel noise) / tau); with hard, the one-hot of its argmax, its
    gradient that of the soft sample (straight-through)."""
    with no_grad():
        e = creation.empty(*logits.shape, dtype=logits.dtype, device=logits.device)
        gumbels = -e.exponential_().log()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = logits.new_zeros(tuple(logits.shape)).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


@one_node("PdistBackward0", "input", saves=("input", "result"))
def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The p-norm distances between every pair of rows i < j, in row-major order."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    n = input.shape[0]
    if n < 2:
        return input.new_zeros((0,))
    rows, cols = np.triu_indices(n, 1)
    idx = lambda a: creation.tensor(a, device=input.device)  # noqa: E731
    diff = input.index_select(0, idx(rows)) - input.index_select(0, idx(cols))
    return diff.norm(p, dim=1)


def _unpool(input: Tensor, indices: Tensor, spatial: tuple) -> Tensor:
    n, c = input.shape[0], input.shape[1]
    size = int(np.prod(spatial))
    if indices.numel() and int(indices.max()) >= size:
        raise RuntimeError(f"Found an invalid max index: {int(indices.max())} (output volumes "
                           f"are of size {'x'.join(map(str, spatial))})")
    flat = input.new_zeros((n, c, size)).scatter(2, indices.reshape(n, c, -1),
                                                 input.reshape(n, c, -1))
    return flat.reshape((n, c) + spatial)


def _unpool_size(input, kernel, stride, padding, output_size, nd):
    kernel = (kernel,) * nd if isinstance(kernel, int) else tuple(kernel)
    stride = kernel if stride is None else ((stride,) * nd if isinstance(stride, int)
                                            else tuple(stride))
    padding = (padding,) * nd if isinstance(padding, int) else tuple(padding)
    default = tuple((input.shape[-nd + i] - 1) * stride[i] - 2 * padding[i] + kernel[i]
                    for i in range(nd))
    if output_size is None:
        return default
    out = tuple(output_size)[-nd:]
    for i in range(nd):
        lo, hi = default[i] - stride[i], default[i] + stride[i]
        if not lo < out[i] < hi:
            raise ValueError(f"invalid output_size \"{output_size}\" (dim {i} must be "
                             f"between {lo} and {hi})")
    return out


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd: int):
    batched = input.dim() == nd + 2
    x, i = (input, indices) if batched else (input.unsqueeze(0), indices.unsqueeze(0))
    out = _unpool(x, i, _unpool_size(x, kernel_size, stride, padding, output_size, nd))
    return out if batched else out.squeeze(0)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """max_pool1d's partial inverse: each value back at its recorded index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """max_pool2d's partial inverse: each value back at its recorded index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


_SELU_ALPHA_PRIME = -1.7580993408473766  # -scale * alpha of SELU


def _alpha_dropout(input: Tensor, p: float, training: bool, mask_shape: tuple) -> Tensor:
    trivial = _dropout_shortcut(input, p, training)
    if trivial is not None:
        return trivial
    keep = _keep_mask(mask_shape, p, input)
    a = ((1 - p) * (1 + p * _SELU_ALPHA_PRIME ** 2)) ** -0.5
    b = -a * _SELU_ALPHA_PRIME * p
    return (input * keep + _SELU_ALPHA_PRIME * (1 - keep)) * a + b


@inplace_option("alpha_dropout_")
def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's zero mean and unit variance: dropped units take SELU's
    negative saturation value, then an affine map restores the moments."""
    return _alpha_dropout(input, p, training, tuple(input.shape))


@inplace_option("feature_alpha_dropout_")
def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """alpha_dropout of whole channels."""
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    return _alpha_dropout(input, p, training, shape)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm=None, norm_type: float = 2, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights=None,
                  include_last_offset: bool = False, padding_idx=None) -> Tensor:
    """Sums, means or maxima of bags of embeddings: rows of a 2-d input, or the 1-d input cut
    at `offsets`."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences.")
        length = input.shape[1]
        starts = list(range(0, input.numel(), length)) if length else [0] * input.shape[0]
        flat = input.reshape(-1)
        weights = per_sample_weights.reshape(-1) if per_sample_weights is not None else None
        ends = [s + length for s in starts]
    else:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        flat, weights = input, per_sample_weights
        bounds = [int(o) for o in offsets.tolist()]
        if include_last_offset:
            starts, ends = bounds[:-1], bounds[1:]
        else:
            starts, ends = bounds, bounds[1:] + [input.numel()]
    rows = embedding(flat, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)
    if weights is not None:
        rows = rows * weights.unsqueeze(-1)
    keep = None
    if padding_idx is not None:
        keep = (flat != padding_idx).to(rows.dtype).unsqueeze(-1)
        rows = rows * keep
    bags = []
    for s, e in zip(starts, ends):
        part = rows[s:e]
        if e <= s:
            bags.append(weight.new_zeros((weight.shape[1],)))
        elif mode == "sum":
            bags.append(part.sum(0))
        elif mode == "mean":
            count = keep[s:e].sum() if keep is not None else e - s
            bags.append(part.sum(0) / (count.clamp(min=1) if keep is not None else count))
        else:
            bags.append(part.max(0).values)
    return stack(bags) if bags else weight.new_zeros((0, weight.shape[1]))


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """conv_transpose2d over a height of one."""
    check_conv_input(input, "conv_transpose1d", 1)
    stride, padding, dilation, output_padding = conv_params(stride, padding, dilation, 1,
                                                            groups, output_padding)
    return on_batch(_conv_transpose1d, input, 3, weight, bias, stride, padding,
                    output_padding, groups, dilation)


@one_node("ConvolutionBackward0", "input", "weight", "bias", saves=("input", "weight"))
def _conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding,
                      output_padding, groups: int, dilation) -> Tensor:
    one = lambda v: v[0] if isinstance(v, (tuple, list)) else v  # noqa: E731
    return _conv_transpose2d.body(input.unsqueeze(2), weight.unsqueeze(2), bias,
                                  (1, one(stride)), (0, one(padding)),
                                  (0, one(output_padding)), groups, (1, one(dilation))
                                  ).squeeze(2)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """Per sample: sum over the other classes i of max(0, margin - x[y] + x[i]) ** p, divided
    by the number of classes (each term times weight[y])."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    tensor_args("multi_margin_loss", input=input, target=target)
    if weight is not None and weight.requires_grad:
        raise RuntimeError("The function 'multi_margin_loss' is not differentiable with "
                           "respect to argument 'weight'. This input cannot have "
                           "requires_grad True.")
    return _multi_margin_loss(input, target, p, margin, weight, reduction)


@one_node("MultiMarginLossBackward0", "input", saves=("input", "target", "weight"))
def _multi_margin_loss(input: Tensor, target: Tensor, p: int, margin: float,
                       weight: Tensor | None, reduction: str) -> Tensor:
    x = input if input.dim() == 2 else input.reshape(1, -1)
    y = target.reshape(-1, 1)
    picked = x.gather(1, y)
    z = margin - picked + x
    hinge = where(z > 0, z, 0.0)  # (PyTorch's gradient counts a term only where z > 0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight.index_select(0, y.reshape(-1)).unsqueeze(1)
    not_target = creation.ones(*x.shape, dtype=x.dtype, device=x.device).scatter(1, y, 0.0)
    loss = (hinge * not_target).sum(1) / x.shape[1]
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _multilabel_margin_loss(input, target, reduction)


@one_node("MultilabelMarginLossBackward0", "input", saves=("input", "target"))
def _multilabel_margin_loss(input: Tensor, target: Tensor, reduction: str) -> Tensor:
    """Per sample: sum over its target classes j (those before the first -1 in target) and
    other classes i of max(0, 1 - (x[j] - x[i])), divided by the number of classes."""
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target.reshape(x.shape)
    host = t.detach().cpu().numpy()
    is_target = np.zeros(tuple(x.shape), dtype=bool)
    for r, row in enumerate(host):
        for c in row:
            if c < 0:
                break
            is_target[r, c] = True
    mask_t = creation.tensor(is_target.astype(np.float64), dtype=x.dtype, device=x.device)
    diff = 1 - (x.unsqueeze(2) - x.unsqueeze(1))  # [r, j, i] = 1 - (x_j - x_i)
    pair = mask_t.unsqueeze(2) * (1 - mask_t).unsqueeze(1)
    loss = (diff.clamp(min=0) * pair).sum((1, 2)) / x.shape[1]
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with any distance d (pairwise_distance by default);
    with swap, d(a, n) is min(d(a, n), d(p, n))."""
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, "
                         f"got {margin} instead")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(dist(positive, negative))
    return _reduce((d_pos - d_neg + margin).clamp(min=0), reduction)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    from ._functional_extra import interpolate

    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    from ._functional_extra import interpolate

    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
