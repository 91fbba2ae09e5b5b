"""nn.functional: layers and losses as functions, built from differentiable ops (so every one
has first and higher derivatives) with PyTorch's signatures, defaults and errors."""
from __future__ import annotations

import math
import operator
import warnings

import numpy as np

from .. import _dtypes, backends, creation
from ..autograd.grad_mode import no_grad
from ..ops import cat, exp, log1p, matmul, nn_ops, sigmoid, tanh, where
from ..ops.activation import log_softmax_implicit as log_softmax
from ..ops.activation import softmax_implicit as softmax
from ..autograd.grad_mode import state as autograd_state
from ..ops._core import not_tensor, recording, register, tensor_args
from ..ops.activation import bce_elementwise, cross_entropy_indices
from ..ops.fusable import fused
from ..ops.inplace import _legacy, inplace_option
from ..ops.linalg import linear as _linear
from ..ops.nn_ops import _geometry, _pairs, gelu_op, max_pool2d_op, pad, silu_op
from ..ops.one_node import SubgraphBackward, adopt_computed, one_node
from ..ops.pointwise import relu as _relu
from ..ops.windows import _extent
from ..tensor import Tensor, _wrap, _wrap_dim

__all__ = ["linear", "conv2d", "max_pool2d", "avg_pool2d", "relu", "leaky_relu", "gelu",
           "silu", "tanh", "sigmoid", "softmax", "log_softmax", "dropout", "batch_norm",
           "layer_norm", "embedding", "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "one_hot", "pad",
           "unfold", "fold", "flatten"]




def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """The reduction that the deprecated size_average/reduce arguments ask for (PyTorch's
    _Reduction.legacy_get_string, with its warning); `reduction` where neither is given."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", UserWarning, stacklevel=3)
    return ret


def check_reduction(reduction: str) -> None:
    """PyTorch's _Reduction.get_enum, which runs before the kernel's own checks."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


@register()
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    if not isinstance(weight, Tensor) or not isinstance(input, Tensor) or (
            bias is not None and not isinstance(bias, Tensor)):
        tensor_args("linear", optional=("bias",), input=input, weight=weight, bias=bias)
    return _linear(input, weight, bias)


def check_conv_input(input: Tensor, name: str, spatial: int, what: str = "input") -> None:
    """A convolution's or pooling's input: `spatial` dims after (batch,) channels."""
    if input.dim() not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) "
                           f"{what} to {name}, but got input of size: {list(input.shape)}")


@register()
def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    _conv_dtypes(input, None, bias)
    check_conv_input(input, "conv2d", 2)
    if weight.dim() != 4:  # (PyTorch reads the weight's rank as the convolution's)
        raise RuntimeError(f"expected stride to be a single integer value or a list of "
                           f"{weight.dim() - 2} values to match the convolution dimensions, "
                           f"but got stride={list(_pairs(stride))}")
    if isinstance(padding, str):
        check_padding_mode(padding, stride)
    stride, padding, dilation = conv_params(stride, padding, dilation, 2, groups)
    return on_batch(_conv2d, input, 4, weight, bias, stride, padding, dilation, groups)




def _conv_dtypes(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> None:
    """A convolution's input, weight and bias share one dtype (PyTorch's errors: the bias
    is named first, as its check comes first; weight=None checks the bias only, as conv2d
    does before anything else, the weight's dtype being its kernel's last check)."""
    dt = input._data.dtype
    if bias is not None and bias._data.dtype != dt:
        raise RuntimeError(f"Input type ({_dtypes.C_NAMES[dt.name]}) and bias type "
                           f"({_dtypes.C_NAMES[bias._data.dtype.name]}) should be the same")
    if weight is not None and weight._data.dtype != dt:
        raise RuntimeError(f"expected scalar type {_legacy(input.dtype)} but found "
                           f"{_legacy(weight.dtype)}")


def conv_params(stride, padding, dilation, dims: int, groups: int, output_padding=None):
    """PyTorch's checks of a convolution's parameters, in its order: groups, then each
    parameter as `dims` values (a single value, or a list of one, repeats), then negative
    padding, non-positive stride, negative dilation. Returns (stride, padding, dilation)
    expanded (a padding string stays a string), and output_padding after them when given.
    A zero dilation passes here: PyTorch's kernels refuse it after the shape checks
    (check_dilation)."""
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")

    def expand(value, name):  # (as ints: a float is a TypeError, as in PyTorch's parser)
        values = [value] if isinstance(value, int) else [operator.index(v) for v in value]
        if len(values) == 1:
            values *= dims
        if len(values) != dims:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of "
                               f"{dims} values to match the convolution dimensions, but got "
                               f"{name}={values}")
        return tuple(values)

    stride = expand(stride, "stride")
    if not isinstance(padding, str):
        padding = expand(padding, "padding")
    dilation = expand(dilation, "dilation")
    extra = () if output_padding is None else (expand(output_padding, "output_padding"),)
    if not isinstance(padding, str) and min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if extra and min(extra[0]) < 0:
        raise RuntimeError("negative output_padding is not supported")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) < 0:
        raise RuntimeError("dilation should be greater than zero")
    return (stride, padding, dilation, *extra)


def check_dilation(dilation, transposed: bool = False) -> None:
    """A zero dilation: PyTorch's kernels' words (after the shape checks)."""
    if min(dilation) > 0:
        return
    if transposed:  # (named per dimension, depth first for 3-d)
        names = ("depth", "height", "width")[3 - len(dilation):]
        got = ", ".join(f"dilation_{n}: {d}" for n, d in zip(names, dilation))
    else:
        got = list(dilation)
    raise RuntimeError(f"dilation should be greater than zero, but got {got}")


def on_batch(op, input: Tensor, batched_dims: int, *args) -> Tensor:
    """op of a batch; an unbatched input (one dim fewer) goes in as a batch of one and the
    result is squeezed back, as PyTorch does (its grad_fn is then a SqueezeBackward1)."""
    if input.dim() == batched_dims - 1:
        return op(input.unsqueeze(0), *args).squeeze(0)
    return op(input, *args)


def check_conv_size(spatial, kernel, padding, dilation) -> None:
    """Every padded input extent must hold the dilated kernel (PyTorch's words, one size per
    spatial dim of the convolution as called). 'valid' pads nothing; 'same' pads
    d * (k - 1) in all (an odd remainder goes into a padded copy of the input first, as in
    PyTorch), so it holds the kernel whenever the input has an element."""
    if isinstance(padding, str):
        total = [0 if padding == "valid" else d * (k - 1) for k, d in zip(kernel, dilation)]
    else:
        total = [2 * p for p in padding]
    padded = [s + t for s, t in zip(spatial, total)]
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < r for p, r in zip(padded, reach)):
        raise RuntimeError(f"Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, reach))}). Kernel size can't be greater "
                           f"than actual input size")


def check_groups(input: Tensor, weight: Tensor, groups: int, bias: Tensor | None = None,
                 transposed: bool = False) -> None:
    """A convolution's weight against its groups, the input's channels and the bias (batched
    input), in PyTorch's order and words."""
    w = list(weight.shape)
    if w[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {w} instead")
    if w[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{w}] instead")
    channels = w[0] if transposed else w[1] * groups
    given = f"Given transposed=1, weight of size {w}" if transposed else \
        f"Given groups={groups}, weight of size {w}"
    if input.shape[1] != channels:
        raise RuntimeError(f"{given}, expected input{list(input.shape)} to have {channels} "
                           f"channels, but got {input.shape[1]} channels instead")
    outputs = w[1] * groups if transposed else w[0]
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != outputs):
        raise RuntimeError(f"{given if transposed else f'Given weight of size {w}'}, expected "
                           f"bias to be 1-dimensional with {outputs} elements, but got bias of "
                           f"size {list(bias.shape)} instead")


@one_node("ConvolutionBackward0", "input", "weight", "bias", saves=("input", "weight"))
def conv2d_batched(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding,
                   dilation, groups: int) -> Tensor:
    """Convolution of (N, C, H, W) input as im2col (one copy per kernel offset) and one
    matrix product."""
    n, c, h, w = input.shape
    o, cg, kh, kw = weight.shape
    check_groups(input, weight, groups, bias)
    check_conv_size((h, w), (kh, kw), padding if isinstance(padding, str) else _pairs(padding),
                    _pairs(dilation))
    check_dilation(_pairs(dilation))
    _conv_dtypes(input, weight, None)
    if isinstance(padding, str):
        padding, after = _same_padding(padding, (kh, kw), _pairs(dilation), _pairs(stride))
        if after != padding:  # an even kernel: the extra row and column go after
            input = pad(input, (0, after[1] - padding[1], 0, after[0] - padding[0]))
            n, c, h, w = input.shape
    args = ((kh, kw), dilation, padding, stride)
    (dh, dw), (ph, pw), (sh, sw) = _pairs(dilation), _pairs(padding), _pairs(stride)
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    outs = []
    for g in range(groups):
        x = input if groups == 1 else input[:, g * cg:(g + 1) * cg]
        wg = weight if groups == 1 else weight[g * (o // groups):(g + 1) * (o // groups)]
        # columns (C*kh*kw, L*N): the whole batch is one GEMM, for the forward and for
        # both gradients, and the output's memory is (O, oh, ow, N), which the next conv or
        # pool reads with long contiguous runs
        cols = nn_ops.unfold(x, *args, batch_last=True)
        og = wg.shape[0]
        outs.append(matmul(wg.reshape(og, -1), cols).reshape(og, oh, ow, n).permute(3, 0, 1, 2))
    out = outs[0] if groups == 1 else cat(outs, 1)
    if bias is not None:
        out = out + bias.reshape(1, o, 1, 1)
    return out


class _ConvolutionBackward(SubgraphBackward):
    """conv2d's node where the forward ran as arrays (_conv2d): the first-order gradients
    are GEMMs on the saved columns, with no graph of the body to run; under create_graph the
    body runs again on the inputs, as for every one-node op."""

    __slots__ = ()

    def grad(self, F, g, x, w, b):
        if F.tensors:
            return SubgraphBackward.grad(self, F, g, x, w, b)
        (fx, _), (fw, _), (fb, _) = self.next_functions
        cols, geom = self.cols, self.geom
        if not autograd_state.keep_graph:
            self.cols = self._call = None
        o = w.shape[0]
        g2 = g.transpose(1, 2, 3, 0).reshape(o, -1)  # (O, oh*ow*N): the output's memory
        gx = gw = None
        if fw is not None:  # written into a fresh array, which the weight's .grad can take
            gw = F.xp.empty(w.shape, g.dtype)
            F.xp.matmul(g2, cols.T, out=gw.reshape(o, -1))
        if fx is not None:
            gx = nn_ops.col2im(w.reshape(o, -1).T @ g2, x.shape[2:], geom, True, x.shape[0])
        return gx, gw, None if fb is None else fused(F, "row_sums", g2)


_ConvolutionBackward.__name__ = _ConvolutionBackward.__qualname__ = "ConvolutionBackward0"


def _conv_geometry(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding,
                   dilation) -> tuple:
    """_conv2d's checks (PyTorch's, in its order), then its window geometry."""
    n, c, h, w = input.shape
    o, _, kh, kw = weight.shape
    check_groups(input, weight, 1, bias)
    check_conv_size((h, w), (kh, kw), _pairs(padding), _pairs(dilation))
    check_dilation(_pairs(dilation))
    _conv_dtypes(input, weight, None)
    return _geometry(h, w, (kh, kw), dilation, padding, stride)


# (shapes, dtypes, parameters) whose checks passed -> their geometry: a model calls one conv
# with the same ones every step, and the checks are pure functions of them.
_CONV_CHECKED: dict = {}


def _conv2d(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation,
            groups: int) -> Tensor:
    """conv2d_batched's value and node, computed as arrays (im2col, one GEMM, the bias
    added in place) where it is the common case: one group, numeric padding, floating
    tensors on one device. Anything else runs the body as tensor ops."""
    xd, wd = input._data, weight._data
    bd = wd if bias is None else bias._data
    if groups != 1 or isinstance(padding, str) or xd.dtype.kind != "f" or not xd.size or \
            not wd.size or \
            wd.__class__ is not xd.__class__ or bd.__class__ is not xd.__class__ or (
            xd.__class__ is not np.ndarray and (wd.device != xd.device or bd.device != xd.device)):
        return conv2d_batched(input, weight, bias, stride, padding, dilation, groups)
    n = xd.shape[0]
    o = wd.shape[0]
    key = (xd.shape, wd.shape, None if bias is None else bd.shape, xd.dtype, wd.dtype, bd.dtype,
           stride, padding, dilation)
    geom = _CONV_CHECKED.get(key)
    if geom is None:
        geom = _conv_geometry(input, weight, bias, stride, padding, dilation)
        if len(_CONV_CHECKED) >= 256:
            _CONV_CHECKED.clear()
        _CONV_CHECKED[key] = geom
    cols = nn_ops.im2col(xd, geom, batch_last=True)
    out = wd.reshape(o, -1) @ cols
    if bias is not None:
        out += bd.reshape(o, 1)
    out = out.reshape(o, geom[8], geom[9], n).transpose(3, 0, 1, 2)
    inputs = [input, weight, bias]
    if not recording(input, weight, *(() if bias is None else (bias,))):
        return _wrap(out)
    res = adopt_computed(_ConvolutionBackward, out, inputs, (
        conv2d_batched.body, (input, weight, bias, stride, padding, dilation, groups), {},
        [0, 1, 2]), [True, True, False])  # (PyTorch saves input and weight, not bias)
    node = res._edge[0]
    node.cols, node.geom = cols, geom
    return res


def check_padding_mode(mode: str, stride) -> None:
    """A padding string's checks, in PyTorch's words (before the other parameters')."""
    if mode not in ("valid", "same"):
        raise RuntimeError(f"Invalid padding string: '{mode}'")
    if mode == "same" and any(s != 1 for s in _pairs(stride)):
        raise RuntimeError("padding='same' is not supported for strided convolutions")


def _same_padding(mode, kernel, dilation, stride) -> tuple[tuple, tuple]:
    """A padding string as (padding before, padding after) per spatial dimension: 'same'
    with an even effective kernel pads one more after, as PyTorch does."""
    check_padding_mode(mode, stride)
    if mode == "valid":
        return (0,) * len(kernel), (0,) * len(kernel)
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple(t // 2 for t in total), tuple(t - t // 2 for t in total)


def _pool_input(input: Tensor, name: str) -> tuple[Tensor, bool]:
    if input.dim() not in (3, 4):
        if name == "max_pool2d":
            raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
        if input.dim() < 3:
            _wrap_dim(-3, input.dim())  # (PyTorch's avg_pool2d fails reading dim -3)
        raise RuntimeError(f"{name}: Expected 3D or 4D (batch mode) tensor for input, got "
                           f"{input.dim()}D")
    if 0 in input.shape[-3:]:  # (only a batch may be empty)
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(input.shape)}")
    return (input.unsqueeze(0), True) if input.dim() == 3 else (input, False)


def _pool_args(kernel_size, stride, padding, dilation=1):
    """Pooling's stride (the kernel by default) after PyTorch's padding check."""
    (kh, kw), (ph, pw), (dh, dw) = _pairs(kernel_size), _pairs(padding), _pairs(dilation)
    for p, k, d in ((ph, kh, dh), (pw, kw, dw)):
        if p > (d * (k - 1) + 1) // 2:  # (PyTorch names the first dimension that fails)
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if ph > kh // 2 or pw > kw // 2:  # (then the kernel itself, as PyTorch's shape check)
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                           f"got padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}")
    return kernel_size if stride is None or stride == [] else stride


def _windows(input: Tensor, kernel_size, stride, padding, fill, ceil_mode: bool = False,
             after_fill=None):
    """(N*C, kh*kw, oh, ow) windows of an (N, C, H, W) input, padded with `fill` (and with
    `after_fill` where ceil_mode's last windows reach past the padding)."""
    n, c, h, w = input.shape
    stride = _pool_args(kernel_size, stride, padding)
    geom = _geometry(h, w, kernel_size, 1, padding, stride, ceil_mode, c)
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    hp, wp = _extent(geom, h, w)
    x = input.reshape(n * c, 1, h, w)
    if ph or pw:
        x = pad(x, (pw, pw, ph, ph), value=fill)
    if (hp, wp) != (h + 2 * ph, w + 2 * pw):
        x = pad(x, (0, wp - w - 2 * pw, 0, hp - h - 2 * ph),
                value=fill if after_fill is None else after_fill)
    return nn_ops.unfold(x, kernel_size, 1, 0, stride), (n, c, oh, ow)


@register()
def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    x, unbatched = _pool_input(input, "max_pool2d")
    stride = _pool_args(kernel_size, stride, padding, dilation)
    out = max_pool2d_op(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    if unbatched:
        return (out[0].squeeze(0), out[1].squeeze(0)) if return_indices else out.squeeze(0)
    return out


@register()
@one_node("AvgPool2DBackward0", "input")
def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    x, unbatched = _pool_input(input, "avg_pool2d")
    cols, shape = _windows(x, kernel_size, stride, padding, 0.0, ceil_mode)
    if divisor_override:
        out = cols.sum(1) / divisor_override
    elif (count_include_pad or padding in (0, (0, 0))) and \
            _exact_windows(x, kernel_size, stride, padding, ceil_mode):
        out = cols.mean(1)
    else:  # divide by the count of input (and, with count_include_pad, padding) elements
        ones = creation.ones(1, 1, *x.shape[2:], dtype=x.dtype, device=x.device)
        counts, _ = _windows(ones, kernel_size, stride, padding,
                             1.0 if count_include_pad else 0.0, ceil_mode, 0.0)
        out = cols.sum(1) / counts.sum(1)
    out = out.reshape(shape)
    return out.squeeze(0) if unbatched else out


def _exact_windows(x: Tensor, kernel_size, stride, padding, ceil_mode: bool) -> bool:
    """Whether every window lies inside the padded input (no ceil_mode overhang)."""
    if not ceil_mode:
        return True
    geom = _geometry(*x.shape[2:], kernel_size, 1, padding,
                     _pool_args(kernel_size, stride, padding), ceil_mode)
    ph, pw = geom[4:6]
    return _extent(geom, *x.shape[2:]) == (x.shape[2] + 2 * ph, x.shape[3] + 2 * pw)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return _relu(input)


relu = inplace_option("relu_")(relu)


@register()
@inplace_option("leaky_relu_", "LeakyReluBackward1")
@one_node("LeakyReluBackward0", "input")
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    _float_kernel(input, "leaky_relu_cpu")
    return where(input > 0, input, input * negative_slope)


@register()
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    _float_kernel(input, "GeluKernelImpl")
    if approximate == "tanh":
        return _gelu_tanh(input)
    if approximate != "none":
        raise RuntimeError("approximate argument must be either none or tanh.")
    return gelu_op(input)


@one_node("GeluBackward0", "input")
def _gelu_tanh(input: Tensor) -> Tensor:
    inner = math.sqrt(2.0 / math.pi) * (input + 0.044715 * input ** 3)
    return 0.5 * input * (1.0 + tanh(inner))


@register()
@inplace_option("silu_")
def silu(input: Tensor, inplace: bool = False) -> Tensor:
    _float_kernel(input, "silu_cpu")
    return silu_op(input)


def _float_kernel(input: Tensor, kernel: str) -> None:
    """Activations have no integer kernels in PyTorch (they would silently become float).
    A kernel named for the CPU (elu_cpu) is named for the tensor's device."""
    if input._data.dtype.kind != "f":
        if kernel.endswith("_cpu") and input._data.__class__ is not np.ndarray:
            kernel = kernel[:-4] + "_cuda"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_legacy(input.dtype)}'")


def _check_window_args(order: str, kernel, dilation, padding, stride) -> None:
    """PyTorch's im2col/col2im argument checks, in the order each makes them."""
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (_pairs(v) for v in (kernel, dilation, padding,
                                                                   stride))
    checks = {
        "k": (kh > 0 and kw > 0, f"kernel size should be greater than zero, but got "
                                 f"kernel_height: {kh} kernel_width: {kw}"),
        "d": (dh > 0 and dw > 0, f"dilation should be greater than zero, but got "
                                 f"dilation_height: {dh} dilation_width: {dw}"),
        "p": (ph >= 0 and pw >= 0, f"padding should be non-negative, but got pad_height: {ph} "
                                   f"pad_width: {pw}"),
        "s": (sh > 0 and sw > 0, f"stride should be greater than zero, but got "
                                 f"stride_height: {sh} stride_width: {sw}")}
    for key in order:
        ok, message = checks[key]
        if not ok:
            raise RuntimeError(message)


def _blocks(size: int, k: int, d: int, p: int, s: int) -> int:
    """Sliding blocks along one side (rounded down, as PyTorch counts: 0 or less is none)."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _describe(name, output_size, kernel, dilation, padding, stride) -> str:
    pairs = [f"{n}=({a}, {b})" for n, (a, b) in zip(
        (name, "kernel_size", "dilation", "padding", "stride"),
        (_pairs(v) for v in (output_size, kernel, dilation, padding, stride)))]
    return ", ".join(pairs)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1, *,
           batch_last: bool = False) -> Tensor:
    """Sliding (N, C, H, W) blocks as columns (N, C*kh*kw, L); (C, H, W) without a batch.
    With batch_last (not in PyTorch) the columns are (C*kh*kw, L*N)."""
    _check_window_args("kdps", kernel_size, dilation, padding, stride)
    nd = input.dim()
    if nd < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(nd, 1)}, {max(nd, 1) - 1}], but got {nd})")
    if nd > 4 or 0 in tuple(input.shape)[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (_pairs(v) for v in (
        kernel_size, dilation, padding, stride))
    h, w = input.shape[-2:]
    oh, ow = _blocks(h, kh, dh, ph, sh), _blocks(w, kw, dw, pw, sw)
    if oh < 1 or ow < 1:
        raise RuntimeError(f"Given input with spatial size ({h}, {w}), kernel_size=({kh}, {kw}), "
                           f"dilation=({dh}, {dw}), padding=({ph}, {pw}), calculated shape of the "
                           f"array of sliding blocks as ({oh}, {ow}), but its components must be "
                           f"at least one.")
    if nd == 3:
        return nn_ops.unfold(input.unsqueeze(0), kernel_size, dilation, padding, stride,
                             batch_last=batch_last).squeeze(0)
    return nn_ops.unfold(input, kernel_size, dilation, padding, stride, batch_last=batch_last)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1, *,
         batch_last: bool = False, n: int | None = None) -> Tensor:
    """Columns (N, C*kh*kw, L) summed back into (N, C, H, W); (C*kh*kw, L) into (C, H, W).
    With batch_last (not in PyTorch) the columns are (C*kh*kw, L*N) and `n` gives N."""
    if batch_last:
        return nn_ops.fold(input, output_size, kernel_size, dilation, padding, stride,
                           batch_last=True, n=n)
    _check_window_args("ksdp", kernel_size, dilation, padding, stride)
    shape = tuple(input.shape)
    if len(shape) not in (2, 3) or 0 in shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (_pairs(v) for v in (
        kernel_size, dilation, padding, stride))
    if shape[-2] % (kh * kw):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={shape[-2]} and "
                           f"kernel_size=({kh}, {kw}).")
    oh_, ow_ = _pairs(output_size)
    bh, bw = _blocks(oh_, kh, dh, ph, sh), _blocks(ow_, kw, dw, pw, sw)
    if shape[-1] != bh * bw:
        given = _describe("output_size", output_size, kernel_size, dilation, padding, stride)
        raise RuntimeError(f"Given {given}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {bh} * {bw} = {bh * bw}, but "
                           f"got input.size(2)={shape[-1]}.")
    if len(shape) == 2:
        return nn_ops.fold(input.unsqueeze(0), output_size, kernel_size, dilation, padding,
                           stride).squeeze(0)
    return nn_ops.fold(input, output_size, kernel_size, dilation, padding, stride)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return input.flatten(start_dim, end_dim)


def _dropout_shortcut(input: Tensor, p: float, training: bool) -> Tensor | None:
    """Every dropout's check of p and its trivial cases: the input itself (not training, or
    p = 0) or zeros (p = 1); None when a mask must be drawn."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:  # zeros of the input's own dtype (an integer input stays integer)
        return input * input.new_zeros(())
    if not input.dtype.is_floating_point:  # the mask, scaled by 1 / (1 - p), is float
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_legacy(input.dtype)}")
    return None


def _keep_mask(shape, p: float, like: Tensor, generator=None) -> Tensor:
    """bernoulli_(1 - p) as PyTorch draws it for dropout: a double uniform below 1 - p keeps
    the element (1, in like's dtype), else 0."""
    u = creation.rand(*shape, dtype=_dtypes.float64, device=like.device, generator=generator)
    return (u < 1.0 - p).to(like.dtype)


@register()
@inplace_option("dropout_")
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
            generator=None) -> Tensor:
    trivial = _dropout_shortcut(input, p, training)
    if trivial is not None:
        return trivial
    return input * (_keep_mask(input.shape, p, input, generator) / (1.0 - p))


def check_norm_dtypes(kernel: str, input: Tensor, *params: Tensor | None,
                      kernel_first: bool = False, mixed_only: bool = False) -> bool:
    """PyTorch's dtype rules for a normalisation's input and parameters (weight, bias, running
    statistics): a floating input (`kernel` names the kernel that refuses others; batch_norm's
    refuses before the parameters are looked at), and parameters of the input's dtype, except
    that on the CPU float32 parameters may meet a float16 input. True in that mixed case: the
    caller computes in float32 and returns float16. `mixed_only`: only the mixed-dtype
    errors (layer_norm raises them before its shape checks, the others after)."""
    def refuse_kind():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_legacy(input.dtype)}\'')
    floating = input.dtype.is_floating_point
    if kernel_first and not floating:
        refuse_kind()
    given = [t for t in params if t is not None]
    cpu = input.device.type == "cpu"
    if cpu and given and given[0].dtype != input.dtype:  # the first one given sets their dtype
        if any(t.dtype != _dtypes.float32 for t in given):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input.dtype != _dtypes.float16:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return True
    if mixed_only:
        return False
    if not floating:
        refuse_kind()
    for t in given if cpu else ():
        if t.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {_legacy(input.dtype)} but found "
                               f"{_legacy(t.dtype)}")
    return False


@register()
def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if training:
        n = input.numel() // input.shape[1]
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
    else:
        for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
            if stat is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
    c = input.shape[1] if input.dim() > 1 else 1
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    mixed = check_norm_dtypes("batch_norm", input, weight, bias, running_mean, running_var,
                              kernel_first=True)
    out, mean, var = _batch_norm(input.float() if mixed else input, weight, bias, running_mean,
                                 running_var, training, eps)
    if training and running_mean is not None:
        with no_grad():
            running_mean.mul_(1 - momentum).add_(mean * momentum)
            running_var.mul_(1 - momentum).add_(var * (momentum * n / (n - 1)))
    return out.to(input.dtype) if mixed else out


@one_node("NativeBatchNormBackward0", "input", "weight", "bias",
          saves=("input", "weight"))
def _batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                running_mean: Tensor | None, running_var: Tensor | None, training: bool,
                eps: float) -> tuple:
    """The normalised output, and (in training) the batch's mean and biased variance for the
    running statistics, which the caller updates (so this stays a pure function)."""
    dims = (0,) + tuple(range(2, input.dim()))
    shape = (1, input.shape[1]) + (1,) * (input.dim() - 2)
    if training:
        mean = input.mean(dims)
        var = input.var(dims, unbiased=False)
    else:
        mean, var = running_mean, running_var
    out = (input - mean.reshape(shape)) / (var.reshape(shape) + eps).sqrt()
    return _affine(out, weight, bias, shape), mean.detach(), var.detach()


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple) -> Tensor:
    """A normalisation's per-channel scale and shift, each reshaped to broadcast as `shape`."""
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


@register()
@one_node("NativeLayerNormBackward0", "input", "weight", "bias")
def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    mixed = check_norm_dtypes("LayerNormKernelImpl", input, weight, bias, mixed_only=True)
    normalized_shape = _pairs(normalized_shape, 1) if isinstance(normalized_shape, int) \
        else tuple(normalized_shape)
    if not normalized_shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(normalized_shape)}")
    if tuple(input.shape[-len(normalized_shape):]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*, {', '.join(map(str, normalized_shape))}], but got "
                           f"input of size{list(input.shape)}")
    # (the kernel's own checks, after the shapes; a mixed case has passed them all)
    mixed = mixed or check_norm_dtypes("LayerNormKernelImpl", input, weight, bias)
    x = input.float() if mixed else input
    dims = tuple(range(input.dim() - len(normalized_shape), input.dim()))
    mean = x.mean(dims, keepdim=True)
    var = x.var(dims, unbiased=False, keepdim=True)
    out = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out.to(input.dtype) if mixed else out


@register()
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    if padding_idx is not None:
        rows = weight.shape[0] if weight.dim() else 0
        assert -rows <= padding_idx < rows or padding_idx == 0, \
            "Padding_idx must be within num_embeddings"
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if input._data.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.type()} "
                           "instead (while checking arguments for embedding)")
    idx = input._data
    if idx.__class__ is np.ndarray and idx.size and (idx.min() < 0
                                                    or idx.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:  # rows used here are scaled down in place first, as PyTorch
        with no_grad():
            rows = input.reshape(-1).unique()
            norms = weight[rows].norm(norm_type, 1, keepdim=True)
            scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
            weight[rows] = weight[rows] * scale
    return _embedding(input, weight, padding_idx, scale_grad_by_freq)


@one_node("EmbeddingBackward0", "weight", saves=("indices",))
def _embedding(input: Tensor, weight: Tensor, padding_idx: int | None,
               scale_grad_by_freq: bool = False) -> Tensor:
    out = weight[input]
    if scale_grad_by_freq:  # each use's gradient divided by its index's count in the input
        idx = input._data
        xp = backends.of(idx).xp
        counts = xp.bincount(idx.reshape(-1), minlength=weight.shape[0])[idx]
        scale = _wrap((1.0 / counts).astype(weight._data.dtype)[..., None])
        out = out.detach() + (out - out.detach()) * scale  # (the same value)
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += weight.shape[0]
        keep = (input != padding_idx).unsqueeze(-1)
        out = where(keep, out, out.detach())  # the padding row gets no gradient
    return out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    if tensor.dtype.is_floating_point:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if not tensor.numel():
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max().item()) + 1
    if tensor.numel() and tensor.min().item() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if tensor.numel() and tensor.max().item() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    classes = creation.arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def _class_last(input: Tensor, target: Tensor):
    """(N, C, d1, ...) scores and (N, d1, ...) targets as (M, C) and (M,)."""
    if input.dim() == 1:
        return input.unsqueeze(0), target.reshape(1), ()
    c = input.shape[1]
    rest = tuple(input.shape[2:])
    if input.dim() > 2:
        input = input.movedim(1, -1).reshape(-1, c)
    return input, target.reshape(-1), rest


def _check_nll(input: Tensor, target, op: str = "nll_loss_nd", weight=None) -> None:
    """nll_loss's checks in PyTorch's order: the input's rank, the batch sizes, the target's
    shape for the input's rank, its dtype, then a 1-d input's one target, then the class
    weights' count and dtype."""
    if not isinstance(target, Tensor):
        raise not_tensor(op, "target", 2, target)
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    batch = target.shape[0] if target.dim() else 0
    if input.dim() != 1 and input.shape[0] != batch:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({batch}).")
    if input.dim() <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() == 4 and target.dim() != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {target.dim()}")
    if input.dim() > 2:
        want = (input.shape[0],) + tuple(input.shape[2:])
        if tuple(target.shape) != want:
            raise RuntimeError(f"Expected target size {list(want)}, got {list(target.shape)}"
                               if input.dim() != 4 else
                               f"size mismatch (got input: {list(input.shape)} , target: "
                               f"{list(target.shape)}")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_legacy(target.dtype)}")
    if input.dim() == 1 and target.dim() == 1 and target.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                         f"{target.shape[0]}")
    if weight is not None:
        classes = input.shape[1] if input.dim() > 1 else input.shape[0]
        if weight.numel() != classes:
            raise RuntimeError("weight tensor should be defined either for all or no classes"
                               if input.dim() > 2 else
                               f"weight tensor should be defined either for all {classes} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {_legacy(input.dtype)} but found "
                               f"{_legacy(weight.dtype)}")


@register()
@one_node("NllLossBackward0", "input")
def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    _check_nll(input, target, weight=weight)
    batch_shape = tuple(target.shape)
    scores, tgt, _ = _class_last(input, target)
    if scores.shape[0] != tgt.shape[0]:
        raise ValueError(f"Expected input batch_size ({scores.shape[0]}) to match target "
                         f"batch_size ({tgt.shape[0]}).")
    n, c = scores.shape
    valid = tgt != ignore_index
    safe = where(valid, tgt, 0)
    if tgt.device.type == "cpu" and n:  # on a GPU this check would wait for the device
        bad = (safe._data < 0) | (safe._data >= c)
        if bad.any():
            raise IndexError(f"Target {int(safe._data[bad][0])} is out of bounds.")
    picked = -scores[creation.arange(n, device=scores.device), safe]
    w = valid.to(scores.dtype)
    if weight is not None:
        w = w * weight[safe]
    loss = picked * w
    if reduction == "mean":
        return loss.sum() / w.sum()
    if reduction == "none":
        return loss.reshape(batch_shape)
    return _reduce(loss, reduction)


@register()
def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if not isinstance(target, Tensor):
        raise not_tensor("cross_entropy_loss", "target", 2, target)
    if label_smoothing > 1.0:  # (PyTorch checks the range only for a positive smoothing)
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    label_smoothing = max(label_smoothing, 0.0)
    xd, td = input._data, target._data
    if (label_smoothing == 0.0 and weight is None and xd.ndim == 2 and td.ndim == 1 and
            td.dtype == np.int64 and td.shape[0] == xd.shape[0] and xd.dtype.kind == "f"):
        # (the common case, every check passed: a batch of class indices)
        return cross_entropy_indices(input, target, ignore_index, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if xd.shape == td.shape:  # class probabilities (PyTorch's test: equal shapes)
        if not target.dtype.is_floating_point:
            raise RuntimeError(f"Expected floating point type for target with class "
                               f"probabilities, got {_legacy(target.dtype)}")
        if input.dim() == 0:
            raise IndexError("Dimension specified as 1 but tensor has no dimensions")
        logp = log_softmax(input, class_dim)
        c = input.shape[class_dim]
        if weight is not None and weight.numel() != c:
            raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                               f"{c} classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
        probs = target * (1 - label_smoothing) + (label_smoothing / c if c else 0.0)
        w = weight.reshape((1, c) + (1,) * (input.dim() - 2)) if weight is not None else 1.0
        loss = -(logp * probs * w).sum(class_dim)
        if reduction == "mean":  # (PyTorch divides by numel / classes: NaN when empty)
            return loss.sum() / (input.numel() / c if c else float("nan"))
        return _reduce(loss, reduction)
    _wrap_dim(class_dim, input.dim())  # (a 0-d input: PyTorch's log_softmax error)
    if not input.is_floating_point():
        log_softmax(input, class_dim)  # (its error for an integer input comes first)
    _check_nll(input, target, weight=weight)
    if label_smoothing == 0.0 and weight is None and input.dim() == 2:
        return cross_entropy_indices(input, target, ignore_index, reduction)
    logp = log_softmax(input, 1 if input.dim() > 1 else 0)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return nll
    scores, tgt, _ = _class_last(logp, target)
    c = scores.shape[1]
    valid = (tgt != ignore_index).to(scores.dtype)
    per_class = scores if weight is None else scores * weight
    smooth = -per_class.sum(1) * valid
    if reduction == "mean":
        denom = valid.sum() if weight is None else (
            weight[where(tgt != ignore_index, tgt, 0)] * valid).sum()
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    else:
        smooth = smooth.reshape(tuple(target.shape))
    return (1 - label_smoothing) * nll + label_smoothing * smooth / c


def _minus(input: Tensor, target: Tensor, bool_ok: bool = True) -> Tensor:
    """input - target for an elementwise loss, as PyTorch computes it: both broadcast first
    (so a 0-d target of a wider dtype widens the result), a bool target promoted where the
    loss's kernel promotes it (Tensor subtraction refuses bool)."""
    if input.shape != target.shape:
        from ..ops.shape import broadcast_tensors

        input, target = broadcast_tensors(input, target)
    if bool_ok and target.dtype is _dtypes.bool_:
        target = target.to(_dtypes.result_type(input, target))
    return input - target


def _check_sizes(input: Tensor, target: Tensor, name: str) -> None:
    if target.size() != input.size():  # (a non-tensor target fails here, as in PyTorch)
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due to "
                      f"broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


@register()
@one_node("MseLossBackward0", "input", "target")
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_sizes(input, target, "mse_loss")
    if not (input.dtype.is_floating_point or target.dtype.is_floating_point):
        result = _dtypes.promote_types(input.dtype, target.dtype)
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{_legacy(result)}'")
    return _reduce(_minus(input, target) ** 2, reduction)


@register()
def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_sizes(input, target, "l1_loss")
    return _reduce(_minus(input, target, bool_ok=False).abs(), reduction)


@register()
@one_node("BinaryCrossEntropyBackward0", "input", "target")
def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    if target.size() != input.size():  # (PyTorch asks the target first)
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         f"size.")
    if target._data.dtype != input._data.dtype:
        raise RuntimeError(f"Found dtype {_legacy(target.dtype)} but expected "
                           f"{_legacy(input.dtype)}")
    if input.device.type == "cpu":  # (checked on the host only: on a GPU it would sync)
        if ((input._data < 0) | (input._data > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
        if ((target._data < 0) | (target._data > 1)).any():
            raise RuntimeError("all elements of target should be between 0 and 1")
    loss = bce_elementwise(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def stable_softplus(x: Tensor) -> Tensor:
    """log(1 + e^x) without overflow, as two smooth branches: x + log(1 + e^-x) for x > 0,
    log(1 + e^x) otherwise. Each branch reads x only where it is taken (elsewhere a 0), so
    neither overflows and the derivative at 0 is sigmoid(0) = 1/2, not a kink's 0."""
    pos = x > 0
    p, n = where(pos, x, 0.0), where(pos, 0.0, x)
    return where(pos, p + log1p(exp(-p)), log1p(exp(n)))


@register()
@one_node("BinaryCrossEntropyWithLogitsBackward0", "input", "target")
def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    reduction = legacy_reduction(size_average, reduce, reduction)
    if target.size() != input.size():  # (PyTorch asks the target first)
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead." if target.dtype == _dtypes.bool_ else
            f"result type {_legacy(input.dtype)} can't be cast to the desired output type "
            f"{_legacy(target.dtype)}")
    log_sig_neg = stable_softplus(-input)  # log(1 + e^-x), smooth at 0
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * log_sig_neg
    else:
        loss = (1 - target) * input + log_sig_neg
    if weight is not None:
        loss = loss * weight
    if loss.dtype != target.dtype:  # (PyTorch works in place in (1 - target): its dtype)
        loss = loss.to(target.dtype)
    return _reduce(loss, reduction)



from ._functional_extra import *  # noqa: E402,F403 - the rest of torch.nn.functional
from ._functional_extra import __all__ as _extra

__all__ += _extra
from ._functional_more import *  # noqa: E402,F403
from ._functional_more import __all__ as _more

__all__ += _more
from ._functional_3d import *  # noqa: E402,F403
from ._functional_3d import __all__ as _three_d

__all__ += _three_d
from ._functional_grid import *  # noqa: E402,F403
from ._functional_grid import __all__ as _grid

__all__ += _grid
from ._ctc import ctc_loss  # noqa: E402
from ._fractional import (fractional_max_pool2d, fractional_max_pool2d_with_indices,  # noqa: E402
                          fractional_max_pool3d, fractional_max_pool3d_with_indices)

__all__ += ["ctc_loss", "fractional_max_pool2d", "fractional_max_pool2d_with_indices",
            "fractional_max_pool3d", "fractional_max_pool3d_with_indices"]
