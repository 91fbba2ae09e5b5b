"""torch.distributions.utils: the small helpers distributions share (broadcasting their
parameters, probabilities to logits and back, lower-triangular packing)."""
from __future__ import annotations

from functools import update_wrapper
from numbers import Number

from ..tensor import Tensor

__all__ = ["broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix"]


def broadcast_all(*values):
    """values (tensors and numbers) as tensors of one broadcast shape; numbers take the
    dtype and device of the first tensor (the default dtype when there is none)."""
    from .. import creation
    from ..ops import broadcast_tensors

    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or "
                         "objects implementing __torch_function__.")
    from .._dtypes import get_default_dtype

    like = next((v for v in values if isinstance(v, Tensor)), None)
    options = {"dtype": get_default_dtype()} if like is None else \
        {"dtype": like.dtype, "device": like.device}
    return broadcast_tensors(*(v if isinstance(v, Tensor) else creation.tensor(v, **options)
                               for v in values))


def clamp_probs(probs: Tensor) -> Tensor:
    """probs clamped into [eps, 1 - eps] (eps of their dtype)."""
    from ..runtime import finfo

    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    return logits.sigmoid() if is_binary else logits.softmax(-1)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    clamped = clamp_probs(probs)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


class lazy_property:
    """A property computed on first read and then stored on the instance (read on the class,
    it is the property object itself)."""

    def __init__(self, wrapped):
        self.wrapped, self.name = wrapped, wrapped.__name__
        update_wrapper(self, wrapped)

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        from ..autograd.grad_mode import enable_grad

        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.name, value)
        return value


def _tril_mask(n: int, diag: int, device):
    from .. import creation

    arange = creation.arange(n, device=device)
    return arange < arange.view(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries of mat on and below diagonal diag, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag, mat.device)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The D x D lower-triangular matrix (below diagonal diag) holding vec's entries row by
    row."""
    from ..runtime import finfo

    # the positive root of D**2 + (1 + 2 diag) D - |diag| (diag + 1) - 2 len(vec) = 0
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1]
                            + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > finfo(vec.dtype).eps:
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be "
                         f"expressed as the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    mat[..., _tril_mask(n, diag, vec.device)] = vec
    return mat


def _sum_rightmost(value: Tensor, dims: int) -> Tensor:
    """value summed over its dims rightmost dimensions."""
    if dims <= 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dims]) + (-1,)).sum(-1)
