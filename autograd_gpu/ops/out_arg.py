"""PyTorch's `out=` argument for the functions of the torch namespace (torch.mul(a, b, out=c),
torch.matmul(x, y, out=z), torch.max(x, 1, out=(values, indices)), torch.zeros(3, out=t)):
the result is computed as usual, then written into `out`, which is returned.

PyTorch's rules: out= records no graph, so it is refused while grad mode is on and an input
(or `out` itself) requires grad; the result's dtype must cast to out's without going down a
category (float into an int tensor is an error); out must be on the result's device; an out of
another shape is resized, with PyTorch's warning unless it was empty. A failed call leaves out
unchanged."""
from __future__ import annotations

import functools
import inspect
import types
import warnings

from .. import _dtypes
from ..autograd.grad_mode import no_grad, state
from ..tensor import Tensor
from ._core import not_tensor

# Creation functions: with out=, their dtype and device default to out's, as in PyTorch.
_CREATES = frozenset({"zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye",
                      "rand", "randn", "randint", "randperm"})
# Modules whose functions are no tensor ops (settings, saving, grad mode, ...).
_NOT_OPS = ("autograd_gpu.serialization", "autograd_gpu._dtypes", "autograd_gpu.backends",
            "autograd_gpu._tensor_str", "autograd_gpu.autograd", "autograd_gpu.runtime",
            "autograd_gpu.tensor", "autograd_gpu.func")
_NOT_OUT = frozenset({"as_tensor", "from_numpy", "from_dlpack", "manual_seed", "initial_seed",
                      "seed", "is_tensor", "numel", "can_cast", "is_floating_point",
                      "broadcast_shapes", "equal", "allclose", "clone", "to", "detach",
                      "get_device", "is_complex", "promote_types", "result_type"})
# Functions PyTorch gives no out= (`torch.relu(x, out=y)` is Python's TypeError there too).
_REFUSES_OUT = frozenset({
    "adjoint", "argwhere", "atleast_1d", "atleast_2d", "atleast_3d", "bincount", "block_diag",
    "broadcast_tensors", "broadcast_to", "cartesian_prod", "cdist", "celu", "chunk", "combinations",
    "conj", "corrcoef", "cosine_similarity", "cov", "det", "diag_embed", "diagflat", "diagonal",
    "diagonal_scatter", "dist", "dropout", "einsum", "embedding", "empty_like", "flatten", "flip",
    "fliplr", "flipud", "full_like", "group_norm", "imag", "index_put", "isclose", "isfinite",
    "isinf", "isnan", "isreal", "layer_norm", "logdet", "masked_scatter", "matrix_exp",
    "meshgrid", "ones_like", "pairwise_distance", "pdist", "permute", "pinverse", "poisson",
    "positive", "ravel", "real", "relu", "reshape", "resolve_conj", "resolve_neg", "roll",
    "rot90", "rrelu", "select", "select_scatter", "selu", "split", "split_with_sizes",
    "swapaxes", "t", "tile", "trace", "transpose", "triu_indices", "tril_indices", "unbind",
    "unflatten", "unique", "unique_consecutive", "unsafe_chunk", "unsafe_split", "unsqueeze",
    "vander", "zeros_like"})
# ... and those with several signatures, none with out= (the parser's other words)
_NO_OUT_SIGNATURE = frozenset({
    "count_nonzero", "cumulative_trapezoid", "dsplit", "gradient", "hsplit", "index_fill",
    "masked_fill", "moveaxis", "movedim", "narrow", "rand_like", "randint_like", "randn_like",
    "repeat_interleave", "rsub", "squeeze", "std_mean", "tensor_split", "trapezoid", "trapz",
    "var_mean", "vsplit"})
# Functions whose out must have the input's dtype (their kernels check it, in these words)
_SAME_DTYPE = frozenset({"abs", "absolute", "bitwise_not", "ceil", "fix", "floor", "frac",
                         "hardshrink", "nan_to_num", "neg", "negative", "round", "sgn", "sign",
                         "trunc"})
# The name PyTorch's out= autograd error gives an alias (the op it runs)
_RUNS_AS = {"absolute": "abs", "arccos": "acos", "arccosh": "acosh", "arcsin": "asin",
            "arcsinh": "asinh", "arctan": "atan", "arctanh": "atanh", "clip": "clamp",
            "diff": "sub", "fix": "trunc", "inverse": "linalg_inv_ex", "msort": "sort",
            "nanmean": "nansum", "negative": "neg", "norm": "linalg_vector_norm",
            "square": "pow"}
# Ops without a derivative: out= takes inputs that require grad (the result does not)
_NOT_DIFFERENTIABLE = frozenset({
    "argmax", "argmin", "bitwise_and", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "bucketize", "eq", "floor_divide", "ge", "greater",
    "greater_equal", "gt", "heaviside", "histc", "isin", "isneginf", "isposinf", "le", "less",
    "less_equal", "logical_and", "logical_not", "logical_or", "logical_xor", "lt",
    "multinomial", "ne", "nonzero", "not_equal", "searchsorted", "signbit"})
# Functions whose result (indices) must go into an out of exactly its dtype; for functions with
# several results, every integer result after the first (max's indices, sort's, ...) too.
_INDEXES = frozenset({"argmax", "argmin", "argsort", "nonzero", "argwhere", "searchsorted",
                      "bucketize"})
_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does "
            "not match the required output shape {}. This behavior is deprecated, and in a "
            "future PyTorch release outputs will not be resized unless they have zero "
            "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to "
            "zero elements with t.resize_(0).")


def accepts_out(fn, name: str | None = None):
    """fn with PyTorch's out= keyword (a call without it is fn's own, one check more)."""
    name = name or fn.__name__
    creates = name in _CREATES
    takes_input = _first_parameter(fn) == "input"

    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None or name in _REFUSES_OUT or name in _NO_OUT_SIGNATURE:
            if out is not None:
                _refuse_out(name, args, kwargs, out)
            try:
                return fn(*args, **kwargs)
            except (AttributeError, TypeError) as exc:
                # (a number or list where a Tensor must be: PyTorch's words, unless the op
                # worded its own error)
                if takes_input and not str(exc).startswith(name):
                    _check_input(name, args, kwargs)
                raise
        return _into(name, fn, args, kwargs, out, creates)

    call._accepts_out = True
    return call


def _refuse_out(name: str, args: tuple, kwargs: dict, out) -> None:
    """PyTorch's parser's TypeError for out= given to a function that has none."""
    if name in _REFUSES_OUT:
        raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
    given = [type(v).__name__ for v in args] + [f"{k}={type(v).__name__}" for k, v in
                                                 (*kwargs.items(), ("out", out))]
    raise TypeError(f"{name}() received an invalid combination of arguments - got "
                    f"({', '.join(given)}), but expected one of:")


def _first_parameter(fn) -> str | None:
    try:
        return next(iter(inspect.signature(fn).parameters), None)
    except (TypeError, ValueError):
        return None


def _check_input(name: str, args: tuple, kwargs: dict) -> None:
    value = args[0] if args else kwargs.get("input", None)
    if (args or "input" in kwargs) and not isinstance(value, Tensor):
        raise not_tensor(name, "input", 1, value) from None


def write_out(name: str, fn, args: tuple, kwargs: dict, out):
    """For ops that take out= themselves (without the wrapper's extra call)."""
    return _into(name, fn, args, kwargs, out, name in _CREATES)


def give_out_arguments(namespace: dict) -> None:
    """Give every tensor function of a module namespace (torch, torch.linalg, torch.special)
    the out= keyword (those that handle it themselves keep their own)."""
    for key, fn in list(namespace.items()):
        if (isinstance(fn, types.FunctionType) and not key.startswith("_")
                and not key.endswith("_") and key not in _NOT_OUT
                and fn.__module__.startswith("autograd_gpu")
                and not fn.__module__.startswith(_NOT_OPS)
                and not getattr(fn, "_accepts_out", False)):
            namespace[key] = accepts_out(fn, key)


def _bind(fn, args: tuple, kwargs: dict) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    signature.bind(*args, **kwargs)


def _requires_grad(values) -> bool:
    for v in values:
        if isinstance(v, Tensor):
            if v.requires_grad:
                return True
        elif isinstance(v, (list, tuple)) and _requires_grad(v):
            return True
    return False


def _into(name: str, fn, args, kwargs, out, creates: bool):
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(o).__name__}")
    view_copy = name.endswith("_copy") and name != "narrow_copy"
    if state.enabled and not view_copy and name not in _NOT_DIFFERENTIABLE and (
            any(o.requires_grad for o in outs) or _requires_grad(args)
            or _requires_grad(kwargs.values())):
        _bind(fn, args, kwargs)  # (missing arguments first, as PyTorch's parser)
        raise RuntimeError(f"{_RUNS_AS.get(name, name)}(): functions with out=... arguments "
                           "don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if creates:
        kwargs.setdefault("dtype", outs[0].dtype)
        kwargs.setdefault("device", outs[0].device)
    with no_grad():
        result = fn(*args, **kwargs)
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    if len(results) != len(outs):
        raise TypeError(f"{name}(): expected out to hold {len(results)} tensor(s), got "
                        f"{len(outs)}")
    for k, (o, r) in enumerate(zip(outs, results)):  # (every check before any write)
        if view_copy and o._data.dtype != r._data.dtype:
            names = _dtypes.C_NAMES
            raise RuntimeError(f"Expected out tensor to have dtype {names[r.dtype.name]}, but "
                               f"got {names[o.dtype.name]} instead")
        _check(name, o, r, exact=name in _INDEXES or k > 0)
    for o, r in zip(outs, results):
        _write(o, r)
    if view_copy and _requires_grad(args) and state.enabled:
        _not_implemented(name, outs, args)
    if isinstance(out, Tensor):
        return out
    return type(result)(*outs) if hasattr(result, "_fields") else tuple(outs)


def _check(name: str, o: Tensor, r, exact: bool) -> None:
    from .inplace import _check_cast

    if not isinstance(r, Tensor):
        raise TypeError(f"{name}() returns {type(r).__name__}, which cannot be written into an "
                        f"out tensor")
    if exact and r._data.dtype.kind == "i" and o._data.dtype != r._data.dtype:  # (indices)
        names = _dtypes.C_NAMES
        raise RuntimeError(f"Expected out tensor to have dtype {names[r.dtype.name]}, but "
                           f"got {names[o.dtype.name]} instead")
    if o._data.dtype != r._data.dtype and name in _SAME_DTYPE:
        names = _dtypes.LEGACY_NAMES
        found, expected = names[o.dtype.name], names[r.dtype.name]
        raise RuntimeError(f"nan_to_num: dtype of out: {found} should be same as input: "
                           f"{expected}" if name == "nan_to_num" else
                           f"Found dtype {found} but expected {expected}")
    if o.device != r.device:
        raise RuntimeError(f"Expected out tensor to have device {r.device}, but got {o.device} "
                           f"instead ({name}(): make out with device='{r.device}')")
    _check_cast(o, r.dtype, name)


def _not_implemented(name: str, outs: list, args: tuple) -> None:
    """A view op's copy writes out= with a graph, as PyTorch's does: its derivative there is
    not implemented (the backward says so)."""
    from ._core import record
    from .pointwise import NotImplementedBackward

    inputs = tuple(a for a in args if isinstance(a, Tensor) and a.requires_grad)
    for o in outs:
        res = record(NotImplementedBackward, o._data, inputs)
        res._edge[0].op = name
        o._edge = res._edge


def _write(o: Tensor, r: Tensor) -> None:
    from .. import backends

    if o._data.shape != r._data.shape:
        if o._data.size:
            warnings.warn(_RESIZED.format(list(o._data.shape), list(r._data.shape)),
                          UserWarning, stacklevel=4)
        o._data = backends.of(o._data).xp.empty(r._data.shape, o._data.dtype)
    o._data[...] = r._data
    o._vc[0] += 1
