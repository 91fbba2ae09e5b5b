"""torch.special's orthogonal polynomials: Chebyshev T, U, V, W (and shifted to [0, 1]),
Hermite H and He, Laguerre L and Legendre P of integer degree n, elementwise over x and n
(broadcast). Evaluated by their three-term recurrences, with PyTorch's exact values at the
ends of [-1, 1] and 0 for negative degrees. As in PyTorch they are not differentiable: the
result never requires grad."""
from __future__ import annotations

from . import _dtypes, backends
from .tensor import Tensor, _wrap

# name: (first-degree polynomial p1(x), step(x, d, p_{d-2}, p_{d-1}) -> p_d, shifted)
_ONE = {
    "chebyshev_polynomial_t": (lambda x: x, lambda x, d, p, q: (x + x) * q - p),
    "chebyshev_polynomial_u": (lambda x: x + x, lambda x, d, p, q: (x + x) * q - p),
    "chebyshev_polynomial_v": (lambda x: x + x - 1, lambda x, d, p, q: (x + x) * q - p),
    "chebyshev_polynomial_w": (lambda x: x + x + 1, lambda x, d, p, q: (x + x) * q - p),
    "hermite_polynomial_h": (lambda x: x + x, lambda x, d, p, q: (x + x) * q - 2 * (d - 1) * p),
    "hermite_polynomial_he": (lambda x: x, lambda x, d, p, q: x * q - (d - 1) * p),
    "laguerre_polynomial_l": (lambda x: 1 - x,
                              lambda x, d, p, q: ((2 * d - 1 - x) * q - (d - 1) * p) / d),
    "legendre_polynomial_p": (lambda x: x,
                              lambda x, d, p, q: ((2 * d - 1) * x * q - (d - 1) * p) / d),
}


def _ends(name: str, xp, x, n, out):
    """PyTorch's values at x = +-1 (where the recurrences lose nothing, but it returns exact
    integers) for the Chebyshev and Legendre families."""
    kind = name.rsplit("_", 1)[-1]
    if name.startswith("legendre"):
        kind = "p"
    elif not name.startswith("chebyshev"):
        return out
    odd = (n % 2) == 1
    one, minus = x == 1, x == -1
    at_plus = {"t": 1, "u": n + 1, "v": 1, "w": 2 * n + 1, "p": 1}[kind]
    at_minus = {"t": xp.where(odd, -1, 1), "u": xp.where(odd, -(n + 1), n + 1),
                "v": xp.where(odd, -(2 * n + 1), 2 * n + 1), "w": xp.where(odd, -1, 1),
                "p": xp.where(odd, -1, 1)}[kind]
    out = xp.where(one, xp.asarray(at_plus, dtype=out.dtype), out)
    return xp.where(minus, xp.asarray(at_minus, dtype=out.dtype), out)


def _evaluate(name: str, input, n):
    shifted = name.startswith("shifted_")
    base = name[len("shifted_"):] if shifted else name
    first, step = _ONE[base]
    tensors = [t for t in (input, n) if isinstance(t, Tensor)]
    backend = backends.of(tensors[0]._data)
    xp = backend.xp
    dtype = _dtypes.result_type(input, n)
    if not dtype.is_floating_point:
        dtype = _dtypes.get_default_dtype()
    x = input._data if isinstance(input, Tensor) else backend.asarray(input)
    k = n._data if isinstance(n, Tensor) else backend.asarray(n)
    x, k = xp.broadcast_arrays(x.astype(dtype.np), k)
    k = k.astype("int64")  # (a fractional degree counts as its integer part, as PyTorch)
    if shifted:
        x = x + x - 1
    top = int(k.max()) if k.size else 0
    p, q = xp.ones_like(x), first(x)
    out = xp.where(k == 0, p, xp.where(k == 1, q, xp.zeros_like(x)))
    for d in range(2, top + 1):
        p, q = q, step(x, d, p, q)
        out = xp.where(k == d, q, out)
    out = _ends(base, xp, x, k, out)
    out = xp.where(k < 0, xp.zeros_like(out), out)
    return _wrap(out.astype(dtype.np, copy=False))


def _make(name: str):
    def fn(input, n, *, out=None) -> Tensor:
        res = _evaluate(name, input, n)
        if out is not None:
            out.copy_(res)
            return out
        return res

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{name}(input, n): the polynomial of degree n at input, elementwise."
    return fn


NAMES = [f"{pre}{name}" for name in _ONE for pre in (
    ("", "shifted_") if name.startswith("chebyshev") else ("",))]
globals().update({name: _make(name) for name in NAMES})
