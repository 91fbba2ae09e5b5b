"""More of torch.nn's layers: instance norm, local response norm, bilinear, RReLU, channel
shuffle, LP pooling, max unpooling, alpha dropout, EmbeddingBag, ConvTranspose1d, Fold and
Unfold, Softmax2d, the Upsampling layers, and the margin losses."""
from __future__ import annotations

import math
import warnings

import numpy as np

from ... import backends, creation
from ...autograd.node import Node
from ...tensor import Tensor, _wrap
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .layers import (Dropout, Embedding, Upsample, _BatchNorm, _ConvTransposeNd, _NormBase,
                     _pairs)
from .loss import _Loss
from .module import Module


class _InstanceNorm(_NormBase):
    _dims = 2  # spatial dimensions after (N, C)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, bias: bool = True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        kw = dict(device=device, dtype=dtype)
        self.register_parameter("weight", Parameter(creation.ones(num_features, **kw))
                                if affine else None)
        self.register_parameter("bias", Parameter(creation.zeros(num_features, **kw))
                                if affine and bias else None)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, **kw))
            self.register_buffer("running_var", creation.ones(num_features, **kw))
            self.register_buffer("num_batches_tracked", creation.tensor(0, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, input: Tensor) -> Tensor:
        batched_dim = self._dims + 2
        if input.dim() not in (batched_dim - 1, batched_dim):
            raise ValueError(f"expected {batched_dim - 1}D or {batched_dim}D input (got "
                             f"{input.dim()}D input)")
        batched = input.dim() == batched_dim
        x = input if batched else input.unsqueeze(0)
        if x.shape[1] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={1 if batched else 0} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{x.shape[1]}.")
            warnings.warn(f"input's size at dim={1 if batched else 0} does not match "
                          f"num_features. You can silence this warning by not passing in "
                          f"num_features, which is not used because affine=False",
                          stacklevel=2)
        use_input = self.training or not self.track_running_stats
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              use_input, self.momentum if self.momentum is not None else 0.1,
                              self.eps)
        return out if batched else out.squeeze(0)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    _dims = 2


class InstanceNorm3d(_InstanceNorm):
    _dims = 3


class LocalResponseNorm(Module):
    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    """Lua Torch's cross-channel normalisation of 4-d input, as PyTorch keeps it: each
    channel's scale sums the squares of a window of channels that, past the first
    (size - 1) / 2 + 1 channels, always keeps channel 0 too (the legacy running sum never
    takes it out), and the gradient is the legacy formula, which PyTorch's backward computes
    (it differs from the derivative of that forward, and fails for size 1, as PyTorch's)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D "
                             f"instead.")
        from ...ops._core import record, recording
        from ...tensor import _wrap

        x = input._data
        xp = backends.of(x).xp
        c = x.shape[1]
        pre = int((self.size - 1) / 2 + 1)
        window = np.zeros((c, c), dtype=x.dtype)
        for i in range(c):
            window[i, (0 if i <= pre else i - pre + 1):min(i + pre - 1, c - 1) + 1] = 1
            window[i, 0] = 1 if i > pre else window[i, 0]
        scale = xp.einsum("cd,ndhw->nchw", xp.asarray(window), x * x)
        scale = scale * x.dtype.type(self.alpha / self.size) + x.dtype.type(self.k)
        out = xp.power(scale, x.dtype.type(-self.beta)) * x
        if not recording(input):
            return _wrap(out)
        res = record(CrossMapLRN2dBackward, out, (input,), (input,))
        node = res._edge[0]
        node.scale, node.out, node.params = scale, out, (self.size, self.alpha, self.beta)
        return res

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2dBackward(Node):
    """The legacy gradient: g * scale^-beta minus 2 alpha beta / size * x times the sum,
    over a window of `size` channels, of g * out / scale."""

    __slots__ = ()

    def grad(self, F, g, x):
        size, alpha, beta = self.params
        arrays = not F.tensors
        ga, xa = (g, x) if arrays else (g._data, x._data)
        xp = backends.of(xa).xp
        channels = xa.shape[1]
        start = int(size - (size - 1) / 2)
        if start + channels > channels + size - 1:
            raise RuntimeError(f"start ({start}) + length ({channels}) exceeds dimension size "
                               f"({channels + size - 1}).")
        ratio = ga * self.out / self.scale
        padded = xp.zeros((xa.shape[0], channels + size - 1) + xa.shape[2:], xa.dtype)
        padded[:, start:start + channels] = ratio
        sums = xp.cumsum(padded, 1)
        sums = xp.concatenate([xp.zeros_like(sums[:, :1]), sums], 1)
        accum = sums[:, size:size + channels] - sums[:, :channels]
        factor = xa.dtype.type(2 * alpha * beta / size)
        out = xp.power(self.scale, xa.dtype.type(-beta)) * ga - factor * xa * accum
        return (out,) if arrays else (_wrap(out),)


class Bilinear(Module):
    """y = x1^T A x2 + b, A of shape (out, in1, in2), both initialised U(-1/sqrt(in1), ...)."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        kw = dict(device=device, dtype=dtype)
        self.weight = Parameter(creation.empty(out_features, in1_features, in2_features, **kw))
        self.register_parameter("bias", Parameter(creation.empty(out_features, **kw))
                                if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class RReLU(Module):
    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace
                                                            else "")


class ChannelShuffle(Module):
    def __init__(self, groups: int):
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


class Softmax2d(Module):
    """Softmax over the channels of (N, C, H, W) or (C, H, W) input."""

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             f"instead")
        return F.softmax(input, -3)


class UpsamplingNearest2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class _LPPool(Module):
    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False):
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPool):
    def forward(self, input: Tensor) -> Tensor:
        return F.lp_pool1d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPool):
    def forward(self, input: Tensor) -> Tensor:
        return F.lp_pool2d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool3d(_LPPool):
    def forward(self, input: Tensor) -> Tensor:
        return F.lp_pool3d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class _MaxUnpool(Module):
    _dims = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _pairs(kernel_size, self._dims)[:self._dims]
        self.stride = _pairs(stride if stride is not None else kernel_size,
                             self._dims)[:self._dims]
        self.padding = _pairs(padding, self._dims)[:self._dims]

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpool):
    _dims = 1

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool2d(_MaxUnpool):
    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool3d(_MaxUnpool):
    _dims = 3

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class AlphaDropout(Dropout):
    _fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(Dropout):
    _fn = staticmethod(F.feature_alpha_dropout)


class EmbeddingBag(Embedding):
    """Sums, means or maxima of bags of embeddings (rows of a 2-d input, or a 1-d input cut
    at offsets)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm=None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight=None, include_last_offset: bool = False,
                 padding_idx=None, device=None, dtype=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, _weight=_weight, device=device, dtype=dtype)
        self.max_norm, self.norm_type, self.mode = max_norm, norm_type, mode
        self.include_last_offset = include_last_offset

    def forward(self, input: Tensor, offsets=None, per_sample_weights=None) -> Tensor:
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode,
                               per_sample_weights=per_sample_weights,
                               include_last_offset=self.include_last_offset,
                               padding_idx=self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}, mode='{self.mode}'"
        return s + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")


class ConvTranspose1d(_ConvTransposeNd):
    _dims = 1


class Fold(Module):
    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class MultiMarginLoss(_Loss):
    def __init__(self, p: int = 1, margin: float = 1.0, weight=None, size_average=None,
                 reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        self.p, self.margin = p, margin
        self.register_buffer("weight", weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, self.p, self.margin, self.weight,
                                   reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean"):
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater "
                             f"than 0, got {margin} instead")
        self.distance_function, self.margin, self.swap = distance_function, margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)


class SyncBatchNorm(_BatchNorm):
    """Batch norm over inputs of any rank from 2 on, synchronised across processes in PyTorch.
    This library has one process (no torch.distributed), so the statistics are the batch's
    own, as PyTorch's are without an initialised process group."""

    _dims = tuple(range(2, 65))

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, process_group=None,
                 device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype)
        self.process_group = process_group

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")
        return super().forward(input)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """The module with every BatchNorm*d replaced by a SyncBatchNorm that shares its
        parameters and running statistics."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group)
            if module.affine:
                out.weight, out.bias = module.weight, module.bias
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                out._buffers[name] = module._buffers.get(name)
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out


__all__ = ["SyncBatchNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
           "LocalResponseNorm", "CrossMapLRN2d", "Bilinear",
           "RReLU", "ChannelShuffle", "Softmax2d", "UpsamplingNearest2d",
           "UpsamplingBilinear2d", "LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d", "MaxUnpool2d",
           "AlphaDropout", "FeatureAlphaDropout", "EmbeddingBag", "ConvTranspose1d", "Fold",
           "Unfold", "MultiMarginLoss", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss",
           "DataParallel", "MaxUnpool3d"]


class DataParallel(Module):
    """PyTorch's single-process multi-GPU wrapper. This library runs a model on one device, so
    the wrapper calls its module directly (the batch is not split); it keeps PyTorch's shape:
    `.module`, "module."-prefixed state_dict keys, device_ids (the CUDA devices, none without
    CUDA)."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0):
        super().__init__()
        from ... import cuda

        self.module, self.dim = module, dim
        if device_ids is None:
            device_ids = list(range(cuda.device_count()))
        self.device_ids = [d if isinstance(d, int) else getattr(d, "index", 0) or 0
                           for d in device_ids]
        self.output_device = output_device if output_device is not None else (
            self.device_ids[0] if self.device_ids else None)

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
