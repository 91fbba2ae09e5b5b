"""PyTorch's other top-level spellings: torch.* forms of nn.functional ops (with torch.*'s
own argument orders), the `*_copy` forms of view ops, the real-number answers of the complex
API (this library has no complex dtypes), unique_consecutive, histogram and gradient."""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from . import _dtypes, backends
from .autograd import anomaly_mode
from .autograd.grad_mode import state as grad_state
from .nn import functional as F
from .ops import cat
from .autograd.function import named_function
from .ops.one_node import call_as_one_node
from .ops._core import method
from .ops.shape import zero_dim_transpose
from .tensor import Tensor, _wrap, _wrap_dim


# -- torch.* forms of nn.functional ops --------------------------------------------------------
def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return F.dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.feature_alpha_dropout(input, p, train)


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:
    return F.group_norm(input, num_groups, weight, bias, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """torch.embedding takes the weight first (F.embedding takes the indices first)."""
    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq)


max_pool1d, max_pool1d_with_indices = F.max_pool1d, F.max_pool1d_with_indices
adaptive_max_pool1d = F.adaptive_max_pool1d
split_with_sizes = Tensor.split
conv3d, max_pool3d, pdist, conv_transpose3d = F.conv3d, F.max_pool3d, F.pdist, F.conv_transpose3d


def rms_norm(input: Tensor, normalized_shape, weight=None, eps=None) -> Tensor:
    return F.rms_norm(input, normalized_shape, weight, eps)


def batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:
    """torch.batch_norm: the weight and bias come before the running statistics."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight, bias, running_mean, running_var,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool = True) -> Tensor:
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


_REDUCTIONS = ("none", "mean", "sum")  # (torch.*_loss take the reduction as 0, 1, 2, and
# when it is left out they do not reduce, unlike nn.functional's)


def _reduction(value) -> str:
    return _REDUCTIONS[value] if isinstance(value, int) else value


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,
                                     pos_weight=None, reduction=0) -> Tensor:
    return F.binary_cross_entropy_with_logits(input, target, weight,
                                              reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


def kl_div(input: Tensor, target: Tensor, reduction=0, *, log_target: bool = False) -> Tensor:
    import warnings

    with warnings.catch_warnings():  # (the 'mean' warning is nn.functional's, not torch's)
        warnings.simplefilter("ignore")
        return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction=0) -> Tensor:
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction(reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction=0) -> Tensor:
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction=0) -> Tensor:
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction(reduction))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, reduction=0) -> Tensor:
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction) -> Tensor:
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction(reduction))


def constant_pad_nd(input: Tensor, pad, value=0) -> Tensor:
    return F.pad(input, pad, "constant", value)


def frobenius_norm(input: Tensor, dim=(-2, -1), keepdim: bool = False) -> Tensor:
    return input.norm("fro", dim, keepdim)


def nuclear_norm(input: Tensor, dim=(-2, -1), keepdim: bool = False) -> Tensor:
    from .linalg import matrix_norm

    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = (-2, -1), dim
    return matrix_norm(input, "nuc", dim, keepdim)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """X with A X = B where A = L L^T (or U^T U with upper), by two triangular solves."""
    from .linalg import solve_triangular

    if upper:
        y = solve_triangular(L.mT, B, upper=False)
        return solve_triangular(L, y, upper=True)
    y = solve_triangular(L, B, upper=False)
    return solve_triangular(L.mT, y, upper=True)


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """The inverse of A = L L^T (or U^T U) from its Cholesky factor (only its triangle is
    read; the gradient is PyTorch's formula, which uses all of L)."""
    return _CholeskyInverse.apply(L, upper)


def _cholesky_inverse_forward(ctx, L, upper):
    from .linalg import _batched_eye

    inverse = cholesky_solve(_batched_eye(L), L, upper)
    ctx.save_for_backward(L, inverse)  # (as PyTorch saves them)
    ctx.upper = upper
    return inverse


def _cholesky_inverse_backward(ctx, g):
    L, inverse = ctx.saved_tensors
    common = inverse @ (g + g.mT) @ inverse
    return -(L @ common) if ctx.upper else -(common @ L), None


_CholeskyInverse = named_function("CholeskyInverseBackward0", _cholesky_inverse_forward,
                                  _cholesky_inverse_backward)


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma: p(p-1)/4 log(pi) + sum_j lgamma(x + (1 - j) / 2)."""
    import math

    from . import creation

    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    shift = creation.arange(p, dtype=input.dtype, device=input.device) * -0.5
    return (input.unsqueeze(-1) + shift).lgamma().sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


Tensor.cholesky_solve = cholesky_solve
Tensor.cholesky_inverse = cholesky_inverse
Tensor.mvlgamma = mvlgamma
Tensor.mvlgamma_ = lambda self, p: self.copy_(mvlgamma(self, p))


# -- the *_copy forms: the view op's values in new memory ---------------------------------------
def _copying(view_name: str):
    def fn(input: Tensor, *args, **kwargs):
        out = getattr(Tensor, view_name)(input, *args, **kwargs)
        return type(out)(o.clone() for o in out) if isinstance(out, tuple) else out.clone()

    fn.__name__ = view_name + "_copy"
    fn.__doc__ = f"{view_name}, copied out of its input's memory."
    return fn


_COPIES = ("view", "permute", "transpose", "t", "squeeze", "unsqueeze", "expand", "diagonal",
           "select", "narrow", "detach", "split", "unbind", "unfold", "as_strided", "alias")
Tensor.alias = lambda self: self.view_as(self)
for _name in _COPIES:
    globals()[_name + "_copy"] = _copying(_name)
slice_copy = _copying("narrow")


# -- real numbers through the complex API (Tensor.conj, real, mH, adjoint exist already) ------
def conj(input: Tensor) -> Tensor:
    return input.conj()


def resolve_conj(input: Tensor) -> Tensor:
    return input


def resolve_neg(input: Tensor) -> Tensor:
    return input


def real(input: Tensor) -> Tensor:
    return input.real


Tensor.resolve_neg = resolve_neg


def is_conj(input: Tensor) -> bool:
    return False


@method("is_neg")
def is_neg(input: Tensor) -> bool:
    return False


def imag(input: Tensor) -> Tensor:
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def adjoint(input: Tensor) -> Tensor:
    return input.adjoint()


@method("angle")
def angle(input: Tensor) -> Tensor:
    """0 for x >= 0 and pi for x < 0 (NaN stays NaN); the gradient is 0, as PyTorch's."""
    x = input if input.is_floating_point() else input.float()
    return call_as_one_node("AngleBackward0", ("input",), _angle, x)


def _angle(input: Tensor) -> Tensor:
    from .ops import where

    x = input.detach()
    return where(x.isnan(), x, (x < 0).to(x.dtype) * np.pi)


Tensor.H = property(lambda self: _matrix_only(self, "H").transpose(0, 1) if self.dim()
                    else _matrix_only(self, "H"))


def _matrix_only(t: Tensor, name: str) -> Tensor:
    if t.dim() == 0:
        return zero_dim_transpose(t, name)
    if t.dim() != 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices (2-D tensors). Got "
                           f"{t.dim()}-D tensor. For batches of matrices, consider using "
                           f"tensor.m{name}")
    return t


def clamp_min_(input: Tensor, min) -> Tensor:  # noqa: A002
    return input.clamp_min_(min)


def clamp_max_(input: Tensor, max) -> Tensor:  # noqa: A002
    return input.clamp_max_(max)


def fill(input: Tensor, value) -> Tensor:
    """A new tensor like input, every element `value` (its gradient to input is 0)."""
    return call_as_one_node("FillBackward0", ("input",), _filled, input, value)


def _filled(input: Tensor, value) -> Tensor:
    return input.detach().clone().fill_(value)


# -- Python functions applied element by element (CPU only, no gradient) ------------------------
def _python_map(t: Tensor, name: str, values) -> Tensor:
    from .ops.inplace import _write

    if t.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                           f"var.detach().{name}() instead.")
    if t.device.type != "cpu":
        raise TypeError(f"{name} is only implemented on CPU tensors")
    out = np.asarray(list(values), dtype=t._data.dtype).reshape(t._data.shape)
    _write(t, out, name)
    return t


@method("apply_")
def apply_(input: Tensor, callable) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """Each element replaced by callable(element), in place."""
    return _python_map(input, "apply_", map(callable, input._data.ravel().tolist()))


@method("map_")
def map_(input: Tensor, tensor: Tensor, callable) -> Tensor:  # noqa: A002
    """Each element replaced by callable(element, the other tensor's element), in place."""
    other = np.broadcast_to(tensor._data, input._data.shape).ravel().tolist()
    return _python_map(input, "map_", map(callable, input._data.ravel().tolist(), other))


# -- modes and flags ----------------------------------------------------------------------------
is_anomaly_enabled = anomaly_mode.is_anomaly_enabled


def is_anomaly_check_nan_enabled() -> bool:
    return grad_state.anomaly_check_nan


def is_inference_mode_enabled() -> bool:
    return grad_state.inference


_WARN_ALWAYS = [False]


def set_warn_always(b: bool) -> None:
    _WARN_ALWAYS[0] = bool(b)


def is_warn_always_enabled() -> bool:
    return _WARN_ALWAYS[0]


# -- counting and differences -------------------------------------------------------------------
@method("unique_consecutive")
def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim=None):
    """The values with each run of equal neighbours kept once (flattened when dim is None),
    the run each element belongs to, and the run lengths."""
    if dim is not None:
        d = _wrap_dim(dim, input.dim())
        x = input.movedim(d, 0).reshape(input.shape[d], -1)._data
        change = (x[1:] != x[:-1]).any(axis=1) if x.shape[0] else x[:0, 0]
    else:
        x = input.reshape(-1)._data
        change = x[1:] != x[:-1]
    xp = backends.of(x).xp
    starts = xp.concatenate([xp.ones(min(len(x), 1), bool), change])
    run = xp.cumsum(starts) - 1
    keep = xp.nonzero(starts)[0]
    values = _wrap(x[keep]) if dim is None else input.index_select(
        d, _wrap(keep.astype(np.int64)))
    out = [values]
    if return_inverse:
        out.append(_wrap(run.astype(np.int64).reshape(
            tuple(input.shape) if dim is None else (input.shape[d],))))
    if return_counts:
        ends = xp.concatenate([keep[1:], xp.asarray([len(x)])]) if len(keep) else keep
        out.append(_wrap((ends - keep).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@method("histogram")
def histogram(input: Tensor, bins=100, *, range=None, weight=None,  # noqa: A002
              density: bool = False):
    """(hist, bin_edges) as NumPy's histogram computes them, in input's dtype."""
    from collections import namedtuple

    from .ops.composite import _c_double, check_bins

    c_name = lambda t: _dtypes.C_NAMES.get(t.dtype.name, t.dtype.name)  # noqa: E731
    if isinstance(bins, Tensor) and bins.dtype != input.dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have "
                           f"the same dtype, but got input with dtype {c_name(input)} and "
                           f"bins for dimension 0 with dtype {c_name(bins)}")
    if input.dtype.name not in ("float32", "float64"):
        raise NotImplementedError(f'"histogramdd" not implemented for '
                                  f"'{_dtypes.LEGACY_NAMES[input.dtype.name]}'")
    if isinstance(bins, Tensor):
        if bins.dim() != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but "
                               f"got {bins.dim()} dimensions in the bins tensor for dimension 0")
    else:
        check_bins(bins)
    if weight is not None:
        if weight.numel() != input.numel():  # (both flattened first)
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have "
                               f"the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape [{input.numel()}, 1] and "
                               f"weight with shape [{weight.numel()}]")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor "
                               f"and weight tensor should have the same dtype, but got "
                               f"input({c_name(input)}), and weight({c_name(weight)})")
    if range is not None and not isinstance(bins, Tensor):
        lo, hi = (float(v) for v in range)
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min "
                               f"{_c_double(lo)} max {_c_double(hi)} for dimension 0")
    elif not isinstance(bins, Tensor) and input.numel():
        lo, hi = float(input._data.min()), float(input._data.max())
    else:
        lo = hi = 0.0
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not "
                           f"finite")
    xp = backends.of(input._data).xp
    b = bins._data if isinstance(bins, Tensor) else bins
    w = None if weight is None else weight._data.reshape(-1)
    hist, edges = xp.histogram(input._data.reshape(-1), b, range=range, weights=w,
                               density=density)
    result = namedtuple("histogram", ["hist", "bin_edges"])
    return result(_wrap(hist.astype(input._data.dtype)), _wrap(edges.astype(input._data.dtype)))


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """Differences of neighbours: central ((f[i+1] - f[i-1]) / 2h) inside, one-sided at the
    two ends (of first or second order), along each dim in turn; differentiable."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(input.dim())) if dim is None else (
        [dim] if isinstance(dim, int) else list(dim))
    dims = [_wrap_dim(d, input.dim()) for d in dims]
    steps = spacing if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    return tuple(_gradient_1d(input, d, float(h), edge_order) for d, h in zip(dims, steps))


def _gradient_1d(f: Tensor, d: int, h: float, edge_order: int) -> Tensor:
    n = f.shape[d]
    if n < edge_order + 1:
        raise RuntimeError("torch.gradient expected each dimension size to be at least "
                           "edge_order+1")
    part = lambda a, b: f.narrow(d, a, b - a)  # noqa: E731
    inner = (part(2, n) - part(0, n - 2)) / (2 * h)
    if edge_order == 1:
        first = (part(1, 2) - part(0, 1)) / h
        last = (part(n - 1, n) - part(n - 2, n - 1)) / h
    else:
        first = (-1.5 * part(0, 1) + 2 * part(1, 2) - 0.5 * part(2, 3)) / h
        last = (0.5 * part(n - 3, n - 2) - 2 * part(n - 2, n - 1) + 1.5 * part(n - 1, n)) / h
    out = cat([first, inner, last], d)
    return out if out.is_floating_point() else out.float()


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-d tensor sharing the memory of an object with the buffer protocol (a bytearray,
    memoryview, array.array...); a read-only buffer gives a read-only tensor, as PyTorch warns."""
    from . import _dtypes

    np_dtype = _dtypes.to_dtype(dtype).np
    if len(memoryview(buffer).cast("B")) - offset <= 0:
        raise ValueError(f"both buffer length ({len(memoryview(buffer).cast('B'))}) and offset "
                         f"({offset}) must be positive")
    out = _wrap(np.frombuffer(buffer, dtype=np_dtype, count=count, offset=offset))
    return out.requires_grad_(requires_grad) if requires_grad else out


def unsafe_split(input: Tensor, split_size, dim: int = 0) -> tuple:
    """split, whose pieces may be written in place (the caller vouches for it)."""
    pieces = input.split(split_size, dim)
    for p in pieces:
        p.__dict__.pop("_multi_view", None)
    return pieces


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    pieces = input.chunk(chunks, dim)
    for p in pieces:
        p.__dict__.pop("_multi_view", None)
    return pieces


def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    return unsafe_split(input, list(split_sizes), dim)


def is_autocast_enabled(device_type=None) -> bool:
    """Whether autocast is on for device_type (CUDA when none is named, as PyTorch)."""
    from .amp import is_autocast_enabled as enabled

    return enabled("cuda" if device_type is None else device_type)


def set_flush_denormal(mode: bool) -> bool:
    """False: NumPy and CuPy keep subnormal numbers (so the setting is not supported)."""
    return False


# -- deprecated and removed spellings older tutorials use ---------------------------------------
_WARNED_TENSOR_TYPE: list = []


def set_default_tensor_type(t) -> None:
    """The default dtype (and device, for torch.cuda.* types) from a legacy tensor type or
    its name, with PyTorch's deprecation warning."""
    import warnings

    from . import _legacy_types, runtime
    from ._dtypes import set_default_dtype

    if not _WARNED_TENSOR_TYPE:  # (once per process, as PyTorch's TORCH_WARN_ONCE)
        _WARNED_TENSOR_TYPE.append(True)
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
                      "use torch.set_default_dtype() and torch.set_default_device() as "
                      "alternatives.", UserWarning, stacklevel=2)
    if isinstance(t, str):
        cuda = ".cuda." in t
        name = t.rsplit(".", 1)[-1]
        kind = (_legacy_types.CUDA_TYPES if cuda else _legacy_types.CPU_TYPES).get(name)
        if kind is None:
            raise TypeError(f"invalid type: '{t}'")
        t = kind
    if not isinstance(t, _legacy_types._LegacyType):
        raise TypeError(f"invalid type object: only floating-point types are supported as the "
                        f"default type, got {t!r}")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    set_default_dtype(t.dtype)
    runtime.set_default_device("cuda" if t.is_cuda else None)


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    anomaly_mode.set_detect_anomaly(enabled, check_nan)


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """torch.lu_solve(b, LU, pivots): linalg.lu_solve with the old argument order."""
    from .linalg_lu import lu_solve as _lu_solve

    return _lu_solve(LU_data, LU_pivots, b)


_TriangularSolve = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False):
    """(solution, cloned_coefficient) of A X = b (A^T X = b with transpose), with PyTorch's
    deprecation warning."""
    import warnings

    from .linalg import solve_triangular

    warnings.warn("torch.triangular_solve is deprecated in favor of "
                  "torch.linalg.solve_triangularand will be removed in a future PyTorch "
                  "release.\ntorch.linalg.solve_triangular has its arguments reversed and does "
                  "not return a copy of one of the inputs.\nX = torch.triangular_solve(B, "
                  "A).solution\nshould be replaced with\nX = torch.linalg.solve_triangular(A, "
                  "B).", UserWarning, stacklevel=2)
    coefficient = A.mT if transpose else A
    solution = solve_triangular(coefficient, b, upper=upper != transpose,
                                unitriangular=unitriangular)
    return _TriangularSolve(solution, A.clone())


def binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    """Samples of Binomial(count, prob), elementwise, in count's dtype."""
    from .sampling import _stream

    backend = backends.of(count._data)
    if backend.xp is np:
        rng = _stream(backend, generator)
        draws = rng.binomial_like_pytorch(count._data, prob._data)
        if draws is None:  # (beyond 4096 elements: NumPy's sampler on the same stream)
            draws = rng.binomial(count._data.astype(np.int64), prob._data.astype(np.float64))
    else:  # (CuPy's generator here has no binomial: drawn on the host)
        from ._gamma import _host_rng

        draws = backend.asarray(_host_rng().binomial(backend.to_host(count._data).astype(
            np.int64), backend.to_host(prob._data).astype(np.float64)))
    return _wrap(draws.astype(count._data.dtype))


def _removed(name: str, message: str):
    def fn(*args, **kwargs):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed"
                           + message)

    fn.__name__ = fn.__qualname__ = name
    return fn


solve = _removed("solve", ". `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
                 "`torch.linalg.solve` has its arguments reversed and does not return the LU "
                 "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be "
                 "used with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, "
                 "A).solution should be replaced with:\nX = torch.linalg.solve(A, B)")
lstsq = _removed("lstsq", ". `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
                 "`torch.linalg.lstsq` has reversed arguments and does not return the QR "
                 "decomposition in the returned tuple (although it returns other information "
                 "about the problem).\n\nTo get the QR decomposition consider using "
                 "`torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` stored the "
                 "residuals of the solution in the last m - n columns of the returned value "
                 "whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
                 "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, "
                 "as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced "
                 "with:\nX = torch.linalg.lstsq(A, B).solution")
eig = _removed("eig", ". `torch.linalg.eig` returns complex tensors of dtype `cfloat` or "
               "`cdouble` rather than real tensors mimicking complex tensors.\n\nL, _ = "
               "torch.eig(A) should be replaced with:\nL_complex = torch.linalg.eigvals(A)\n\n"
               "and\n\nL, V = torch.eig(A, eigenvectors=True) should be replaced with:\n"
               "L_complex, V_complex = torch.linalg.eig(A)")
symeig = _removed("symeig", ". The default behavior has changed from using the upper "
                  "triangular portion of the matrix by default to using the lower triangular "
                  "portion.\n\nL, _ = torch.symeig(A, upper=upper) should be replaced with:\n"
                  "L = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
                  "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
                  "torch.linalg.eigh(A, UPLO='U' if upper else 'L')")
matrix_rank = _removed("matrix_rank", ".\nPlease use the `torch.linalg.matrix_rank` function "
                       "instead. The parameter 'symmetric' was renamed in "
                       "`torch.linalg.matrix_rank()` to 'hermitian'.")


# -- torch.*_cell: one step of a recurrent cell from its weights ---------------------------------
def _cell_step(mode: str, input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih, b_hh):
    from .nn.modules.rnn import _cell

    hs = hx if mode == "LSTM" else (hx,)
    if input.dim() < 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected "
                           f"{w_ih.shape[1]}")
    for i, h in enumerate(hs):
        if h.shape[0] != input.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} "
                               f"batch size {h.shape[0]}")
        if h.shape[1] != w_hh.shape[1]:
            raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, "
                               f"expected {w_hh.shape[1]}")
    return _cell(mode, F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None,
                  b_hh=None) -> Tensor:
    return _cell_step("RNN_TANH", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None,
                  b_hh=None) -> Tensor:
    return _cell_step("RNN_RELU", input, hx, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None,
             b_hh=None) -> Tensor:
    return _cell_step("GRU", input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih=None, b_hh=None) -> tuple:
    """One LSTM step: (h, c) from hx = (h, c)."""
    if not isinstance(hx, (tuple, list)) or not all(isinstance(h, Tensor) for h in hx):
        raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, "
                        f"not {type(hx).__name__}")
    return tuple(_cell_step("LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh))


# -- torch.sym_* (plain Python numbers here: there are no symbolic sizes) ---------------------
def sym_int(a):
    return int(a)


def sym_float(a):
    return float(a)


def sym_not(a):
    return not a


def sym_max(a, b):
    return max(a, b)


def sym_min(a, b):
    return min(a, b)


def sym_sqrt(a):
    import math

    return math.sqrt(a)


def sym_ite(b, t, f):
    return t if b else f


def sym_sum(args):
    return sum(args)


Tensor.unsafe_split = unsafe_split
# the deprecated linear-algebra spellings are Tensor methods too (b.lu_solve(LU, pivots), ...)
Tensor.lu_solve, Tensor.triangular_solve = lu_solve, triangular_solve
Tensor.solve, Tensor.lstsq, Tensor.eig, Tensor.symeig = solve, lstsq, eig, symeig
Tensor.unsafe_chunk = unsafe_chunk
Tensor.unsafe_split_with_sizes = unsafe_split_with_sizes

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "gru_cell", "lstm_cell",
           "set_default_tensor_type", "set_anomaly_enabled", "lu_solve", "triangular_solve",
           "binomial", "solve", "lstsq", "eig", "symeig", "matrix_rank", "sym_int", "sym_float",
           "sym_not", "sym_max", "sym_min", "sym_sqrt", "sym_ite", "sym_sum", "frombuffer",
           "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes",
           "is_autocast_enabled", "set_flush_denormal", "dropout", "dropout_", "alpha_dropout",
           "feature_alpha_dropout", "layer_norm",
           "group_norm", "embedding", "max_pool1d", "max_pool1d_with_indices",
           "adaptive_max_pool1d", "split_with_sizes", "slice_copy", "conj", "resolve_conj",
           "resolve_neg", "real", "imag", "is_conj", "is_neg", "adjoint", "angle", "clamp_min_",
           "clamp_max_", "fill", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
           "is_inference_mode_enabled", "set_warn_always", "is_warn_always_enabled",
           "unique_consecutive", "histogram", "gradient", "conv3d", "max_pool3d", "pdist",
           "conv_transpose3d",
           "rms_norm", "batch_norm", "instance_norm", "binary_cross_entropy_with_logits",
           "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "triplet_margin_loss", "poisson_nll_loss", "constant_pad_nd", "frobenius_norm",
           "nuclear_norm", "cholesky_solve", "cholesky_inverse", "mvlgamma"] + [
    n + "_copy" for n in _COPIES]
