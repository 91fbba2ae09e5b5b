"""autograd_gpu: PyTorch's autograd on NumPy (CPU) and CuPy (CUDA GPUs).

`import autograd_gpu as torch` runs PyTorch-style code: tensors, the autograd engine, and
ops with their derivatives, on the device each tensor lives on.
"""
import builtins
import math

from . import _quiet_numpy  # noqa: F401  (first: NumPy's inf/nan warnings, as PyTorch's none)
from . import ops as _ops  # attaches the ops to Tensor
from . import (accelerator, amp, autograd, backends, cuda, datasets, distributions, func,
               linalg, nn, optim, profiler, special, storage, testing, utils, viz)
from .storage import TypedStorage, UntypedStorage
from .func import vmap
from .amp import autocast
from ._device import device
from ._layout import (channels_last, channels_last_3d, contiguous_format, layout,
                      legacy_contiguous_format, memory_format, preserve_format, sparse_coo,
                      sparse_csr, strided)
from ._dtypes import check_dtype_args as _check_dtype_args
from ._dtypes import (bool_ as bool, dtype, float16, float32, float64, get_default_dtype,
                      int8, int16, int32, int64, set_default_dtype, uint8, promote_types,
                      result_type as _result_type)
from .backends import get_float32_matmul_precision, set_float32_matmul_precision
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (Generator, arange, as_tensor, empty, empty_like, eye, from_numpy, full,
                       full_like, initial_seed, linspace, manual_seed, ones, ones_like, rand,
                       rand_like, randint, randint_like, randn, randn_like, randperm, seed,
                       tensor, zeros, zeros_like)
from .ops import *  # noqa: F401,F403
from .ops import abs, all, any, max, min, pow, sum  # noqa: A004 - PyTorch's names
from .runtime import *  # noqa: F403
from .sampling import bernoulli, multinomial, normal, poisson
from .serialization import load, save
from .spellings import *  # noqa: F403
from .tensor import Size, Tensor, from_dlpack
from ._legacy_types import CPU_TYPES as _CPU_TYPES, CUDA_TYPES as _CUDA_TYPES

globals().update(_CPU_TYPES)  # FloatTensor, LongTensor, ... (torch.cuda.FloatTensor too)
for _name, _cls in _CUDA_TYPES.items():
    setattr(cuda, _name, _cls)

from . import cpu, random, version  # noqa: E402
from .random import default_generator, fork_rng  # noqa: E402,F401
from .version import __version__  # noqa: E402,F401

from .linalg_lu import lu_unpack, torch_lu as lu  # noqa: E402,F401

Tensor.lu = lu
from ._bessel import i0  # noqa: E402,F401

Tensor.i0 = i0
from ._gamma import gammainc as igamma, gammaincc as igammac  # noqa: E402,F401
from .ops.inplace import _unary_inplace as _unary_inplace_op  # noqa: E402

Tensor.igamma, Tensor.igammac = igamma, igammac
_unary_inplace_op("igamma_", igamma)
_unary_inplace_op("igammac_", igammac)
Tensor.to_dense = lambda self, dtype=None, *, masked_grad=None: (  # (a strided tensor: itself)
    self if dtype is None or dtype == self.dtype else self.to(dtype))
pi, e, inf, nan = math.pi, math.e, math.inf, math.nan  # torch.pi, torch.e, ...
newaxis = None

float = float32  # noqa: A001 - PyTorch's aliases
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    return input.outer(vec2)


def is_tensor(obj) -> "builtins.bool":  # noqa: F821
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":  # noqa: F821
    return input.numel()


def result_type(tensor1, tensor2) -> dtype:
    return _result_type(tensor1, tensor2)


def can_cast(from_: dtype, to: dtype) -> "builtins.bool":  # noqa: F821
    _check_dtype_args("can_cast", from_=from_, to=to)
    return from_._category <= to._category


def det(input: Tensor) -> Tensor:
    return linalg.det(input)


def inverse(input: Tensor) -> Tensor:
    return linalg.inv(input)


Tensor.det, Tensor.inverse = det, inverse


def logdet(input: Tensor) -> Tensor:
    return linalg.logdet(input)


def slogdet(input: Tensor):
    return linalg.slogdet_result(*linalg.slogdet(input))


def matrix_power(input: Tensor, n: "builtins.int") -> Tensor:  # noqa: F821
    return linalg.matrix_power(input, n)


def matrix_exp(input: Tensor) -> Tensor:
    return linalg.matrix_exp(input)


def pinverse(input: Tensor, rcond: "builtins.float" = 1e-15) -> Tensor:  # noqa: F821
    return linalg.pinv(input, rtol=rcond)


from .linalg_householder import geqrf, orgqr, ormqr  # noqa: E402


def cholesky(input: Tensor, upper: "builtins.bool" = False) -> Tensor:  # noqa: F821
    return linalg.cholesky(input, upper=upper)


def qr(input: Tensor, some: "builtins.bool" = True):  # noqa: F821
    """The older torch.qr: reduced (some=True) or complete factors."""
    return linalg.qr_result(*linalg.qr(input, "reduced" if some else "complete"))


def svd(input: Tensor, some: "builtins.bool" = True, compute_uv: "builtins.bool" = True):  # noqa: F821
    """The older torch.svd: (U, S, V) with V (not V^T); zero U and V without compute_uv."""
    U, S, Vh = linalg.svd(input, full_matrices=not some)
    if not compute_uv:
        return linalg.svd_result(U.new_zeros(tuple(U.shape)), S, Vh.new_zeros(tuple(Vh.shape)))
    return linalg.svd_result(U, S, Vh.mT)


# Tensor methods PyTorch also offers as torch.<name>
for _name in ("absolute", "multiply", "divide", "subtract", "true_divide", "clamp_min",
              "clamp_max", "greater", "greater_equal", "less", "less_equal", "not_equal",
              "detach", "detach_", "abs_", "clamp_", "clip_", "exp_", "fill_", "log_", "neg_",
              "relu_", "sigmoid_", "sqrt_", "tanh_", "zero_", "index_put_", "get_device",
              "square_", "rsqrt_", "cos_", "sin_", "ceil_", "floor_", "round_", "trunc_",
              "frac_", "erf_", "erfc_", "exp2_", "expm1_", "log10_", "log1p_", "log2_",
              "reciprocal_", "sinh_", "cosh_", "tan_", "acos_", "asin_", "atan_", "acosh_",
              "asinh_", "atanh_", "arccos_", "arcsin_", "arctan_", "arccosh_", "arcsinh_",
              "arctanh_", "deg2rad_", "rad2deg_", "fix_", "logit_", "xlogy_", "sinc_",
              "negative_", "nan_to_num_", "addmv_", "gcd_", "lcm_", "ldexp_", "i0_",
              "clamp_min_", "clamp_max_"):
    if not hasattr(Tensor, _name):
        raise AttributeError(f"Tensor.{_name} is missing (autograd_gpu/__init__.py)")
    globals().setdefault(_name, getattr(Tensor, _name))


def alpha_dropout_(input: Tensor, p: "builtins.float", train: "builtins.bool") -> Tensor:  # noqa: F821
    return nn.functional.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout_(input: Tensor, p: "builtins.float",  # noqa: F821
                           train: "builtins.bool") -> Tensor:  # noqa: F821
    return nn.functional.feature_alpha_dropout(input, p, train, inplace=True)


def feature_dropout(input: Tensor, p: "builtins.float", train: "builtins.bool") -> Tensor:  # noqa: F821
    """Dropout of whole channels (dims 0 and 1 kept per element, the rest shared)."""
    from .nn._functional_extra import _channel_dropout

    return _channel_dropout(input, p, train, input.dim() - 2)


def feature_dropout_(input: Tensor, p: "builtins.float", train: "builtins.bool") -> Tensor:  # noqa: F821
    return input.copy_(feature_dropout(input, p, train)) if train and p > 0 else input


# torch.<name> spellings of nn.functional ones with the same signature
for _name in ("conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "avg_pool1d",
              "max_pool1d", "max_pool2d", "pixel_shuffle", "pixel_unshuffle", "prelu", "selu",
              "celu", "threshold", "hardshrink", "rrelu", "channel_shuffle",
              "native_channel_shuffle", "pdist", "pairwise_distance", "cosine_similarity",
              "bilinear", "adaptive_avg_pool1d", "celu_", "selu_", "rrelu_", "threshold_"):
    globals().setdefault(_name, getattr(nn.functional, _name))


def _unique_method(self, sorted=True, return_inverse=False, return_counts=False,  # noqa: A002
                   dim=None):
    return unique(self, sorted, return_inverse, return_counts, dim)


def _split_with_sizes(self, split_sizes, dim: "builtins.int" = 0):  # noqa: F821
    return self.split(list(split_sizes), dim)


def _sum_to_size(self, *size):
    """Sum the broadcast dimensions away to reach `size` (which self must expand from)."""
    from .autograd import tensor_math

    shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], builtins.int) \
        else tuple(size)
    try:
        if broadcast_shapes(shape, tuple(self.shape)) != tuple(self.shape):
            raise ValueError
    except (ValueError, RuntimeError):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size "
                           f"{{{list(self.shape)}}}.") from None
    return tensor_math.sum_to(self, shape)


def _new(self, *args, **kwargs):
    """The legacy x.new(...): a tensor of x's dtype and device from data, or of a size."""
    if len(args) == 1 and not isinstance(args[0], builtins.int):
        return tensor(args[0], dtype=self.dtype, device=self.device)
    return empty(*args, dtype=self.dtype, device=self.device)


Tensor.unique = _unique_method
Tensor.bincount = lambda self, weights=None, minlength=0: bincount(self, weights, minlength)
Tensor.histc = lambda self, bins=100, min=0, max=0: histc(self, bins, min, max)  # noqa: A002
Tensor.cross = lambda self, other, dim=None: cross(self, other, dim)
Tensor.hardshrink = lambda self, lambd=0.5: nn.functional.hardshrink(self, lambd)
Tensor.prelu = lambda self, weight: nn.functional.prelu(self, weight)
Tensor.split_with_sizes = _split_with_sizes
Tensor.narrow_copy = lambda self, dim, start, length: self.narrow(dim, start, length).clone()
Tensor.sum_to_size = _sum_to_size
Tensor.new = _new


def concat(tensors, dim: "builtins.int" = 0) -> Tensor:  # noqa: F821
    if isinstance(tensors, Tensor):
        raise TypeError("concat(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        "not Tensor")
    return cat(tensors, dim)


def concatenate(tensors, dim: "builtins.int" = 0, *, axis=None) -> Tensor:  # noqa: F821
    """cat's NumPy spelling (axis= as NumPy names dim)."""
    if isinstance(tensors, Tensor):
        raise TypeError("concatenate(): argument 'tensors' (position 1) must be tuple of "
                        "Tensors, not Tensor")
    return cat(tensors, dim if axis is None else axis)

for _name in ("logdet", "slogdet", "matrix_power", "matrix_exp", "pinverse", "cholesky", "qr",
              "svd"):
    setattr(Tensor, _name, globals()[_name])


def is_floating_point(input: Tensor) -> "builtins.bool":  # noqa: F821
    return input.is_floating_point()


from .ops.out_arg import give_out_arguments as _give_out_arguments  # noqa: E402

for _namespace in (globals(), vars(linalg), vars(special)):  # out= as PyTorch's functions take
    _give_out_arguments(_namespace)


def _public_names() -> None:
    """Functions made by factories or kept under private names take their public name, so
    that Python's own errors (a missing argument) name the function the user called."""
    import types as _types

    for owner in (Tensor, globals(), vars(linalg), vars(special), vars(nn.functional)):
        names = vars(owner) if isinstance(owner, type) else owner
        for name, fn in list(names.items()):
            if name.startswith("_") or not isinstance(fn, _types.FunctionType):
                continue
            f = fn
            while isinstance(f, _types.FunctionType):  # (wrappers, then the op they call)
                if "<" in f.__qualname__ or f.__qualname__.rsplit(".", 1)[-1] not in names:
                    f.__qualname__ = name
                f = getattr(f, "__wrapped__", None)


_public_names()


from ._parser_words import reword_missing_arguments as _reword  # noqa: E402

_reword(globals())
