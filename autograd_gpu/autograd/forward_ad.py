"""torch.autograd.forward_ad: dual tensors for forward-mode differentiation.

Inside `dual_level()`, `make_dual(primal, tangent)` gives a tensor that carries a tangent, and
`unpack_dual(y)` gives y's primal and its tangent J·t (the directional derivative of y along
the tangents of every dual it depends on). The tangent is computed when asked for, from the
reverse-mode graph, as the derivative of <J^T u, t> with respect to u (the double-vjp trick),
so every differentiable operation works under forward AD without a rule of its own.

Differences from PyTorch, following from that: a dual tensor and what is computed from it
record a reverse-mode graph (so they show requires_grad=True and a grad_fn, and print no
`tangent=`), operations must run with grad mode on, and custom Functions need a backward (a
`jvp` staticmethod alone is not used)."""
from __future__ import annotations

from typing import NamedTuple

from ..tensor import Tensor, _wrap
from .grad_mode import enable_grad

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]


class UnpackedDualTensor(NamedTuple):
    primal: Tensor
    tangent: Tensor | None


class _Level:
    def __init__(self, index: int):
        self.index = index
        self.duals: list = []  # (dual tensor, its tangent)
        self.reverse_too = False  # some primal required grad: keep primals in its graph


_levels: list = []


def _current(level=None) -> _Level | None:
    if not _levels:
        return None
    return _levels[-1] if level is None or level == _levels[-1].index else None


def enter_dual_level() -> int:
    if _levels:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _levels.append(_Level(len(_levels)))
    return _levels[-1].index


def exit_dual_level(*, level=None) -> None:
    current = _current(level)
    if current is None:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    _levels.pop()
    for dual, _ in current.duals:  # tangents end with their level; duals become plain
        dual.__dict__.pop("_fw_tangent", None)
        if dual.__dict__.pop("_fw_hidden_leaf", False):
            dual.requires_grad_(False)


class dual_level:  # noqa: N801 - PyTorch's spelling
    """A context (and decorator) in which dual tensors carry tangents."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)

        return wrapper


def make_dual(tensor: Tensor, tangent: Tensor, *, level=None) -> Tensor:
    """A tensor with tensor's values (sharing its memory) that carries `tangent`."""
    current = _current(level)
    if current is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not t.is_floating_point():
            raise ValueError(f"Expected {name} to be floating point or complex, but got: "
                             f"{t.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than "
                           f"that of the original Tensor, this is not supported. Tensor is of "
                           f"size {list(tensor.shape)} while the given forward gradient is of "
                           f"size {list(tangent.shape)}.")
    if tangent.device != tensor.device:
        raise RuntimeError(f"Trying to set a forward gradient on {tensor.device} from a "
                           f"tangent on {tangent.device}: move the tangent there first.")
    if tangent.stride() != tensor.stride():  # (PyTorch copies it into the primal's layout)
        tangent = tangent.contiguous() if tensor.is_contiguous() else tangent.clone()
    if tensor.requires_grad:
        dual = tensor.view_as(tensor)  # reverse mode still reaches the primal
        current.reverse_too = True
    else:
        with enable_grad():
            dual = _wrap(tensor._data)
            dual._vc = tensor._vc
            dual.requires_grad_(True)
        dual._fw_hidden_leaf = True
    dual._fw_tangent = tangent
    current.duals.append((dual, tangent))
    return dual


def unpack_dual(tensor: Tensor, *, level=None) -> UnpackedDualTensor:
    """(primal, tangent): tangent is None outside a level or where tensor depends on no dual."""
    current = _current(level)
    if current is None or not isinstance(tensor, Tensor) or not tensor.requires_grad:
        return UnpackedDualTensor(_primal(tensor, current), None)
    own = tensor.__dict__.get("_fw_tangent")
    if own is not None:
        return UnpackedDualTensor(_primal(tensor, current), own)
    return UnpackedDualTensor(_primal(tensor, current), _tangent(tensor, current))


def _primal(tensor, current):
    if not isinstance(tensor, Tensor):
        return tensor
    if current is not None and not current.reverse_too:
        return tensor.detach()
    return tensor.view_as(tensor) if tensor.requires_grad else tensor.detach()


def _tangent(y: Tensor, current: _Level):
    """J·t for y: d/du <J^T u, t> summed over the level's duals (u a stand-in cotangent)."""
    from ..creation import ones_like
    from .api import grad

    duals = [d for d, _ in current.duals]
    with enable_grad():
        u = ones_like(y).requires_grad_(True)
        vjps = grad(y, duals, grad_outputs=u, create_graph=True, allow_unused=True)
        total = None
        for v, (_, t) in zip(vjps, current.duals):
            if v is not None:
                term = (v * t.to(v.dtype)).sum()
                total = term if total is None else total + term
        if total is None:
            return None
        if not total.requires_grad:  # y is linear in no dual (J = 0 along them)
            return ones_like(y).mul_(0)
        # (where a primal requires grad, the tangent is differentiable too: forward-over-reverse)
        (jt,) = grad(total, u, allow_unused=True, create_graph=current.reverse_too)
    if jt is None:
        return ones_like(y).mul_(0)
    return jt if current.reverse_too else jt.detach()
