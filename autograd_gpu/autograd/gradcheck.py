"""gradcheck / gradgradcheck: analytical gradients against central finite differences.

Run them in float64. A failure reports the worst element: which output, which input, where,
and both values.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import backends
from ..tensor import Tensor, _wrap
from .api import grad as autograd_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _tuple(x) -> tuple:
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _outputs(func, inputs) -> tuple:
    return tuple(o for o in _tuple(func(*inputs)) if isinstance(o, Tensor))


def _numerical(func, inputs, diff, eps) -> list:
    """J[k][i]: d output k / d input i as a (out numel, in numel) NumPy array (evaluated in
    the caller's grad mode, as PyTorch's: a function may take gradients inside)."""
    base = [np.array(backends.of(o._data).to_host(o._data), np.float64)
            for o in _outputs(func, inputs)]
    jac = [[np.zeros((b.size, t.numel())) for t in diff] for b in base]
    for i, t in enumerate(diff):
        orig = t._data.copy()
        flat = orig.reshape(-1)
        try:
            for j in range(flat.size):
                vals = []
                for sign in (1, -1):
                    pert = flat.copy()
                    pert[j] = pert[j] + sign * eps
                    t._data[...] = pert.reshape(orig.shape)
                    vals.append([np.array(backends.of(o._data).to_host(o._data), np.float64)
                                 for o in _outputs(func, inputs)])
                for k, (plus, minus) in enumerate(zip(*vals)):
                    jac[k][i][:, j] = ((plus - minus) / (2 * eps)).reshape(-1)
        finally:  # (the input is left as it was, whatever the function raised)
            t._data[...] = orig
    return jac


def _analytical(func, inputs, diff) -> list:
    outs = _outputs(func, inputs)
    jac = [[np.zeros((o.numel(), t.numel())) for t in diff] for o in outs]
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        xp = backends.of(o._data).xp
        for m in range(o.numel()):
            onehot = xp.zeros(o._data.size, o._data.dtype)
            onehot[m] = 1
            grads = autograd_grad(o, diff, _wrap(onehot.reshape(o._data.shape)),
                                  retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[k][i][m] = np.asarray(backends.of(g._data).to_host(g._data),
                                              np.float64).reshape(-1)
    return jac


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **_ignored) -> bool:
    """Check the gradients of `func` at `inputs` against central differences."""
    inputs = _tuple(inputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for i, t in enumerate(diff):
        if t._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          f"point. This check will likely fail if all the inputs are not of "
                          f"double precision floating point.", UserWarning, stacklevel=2)
    numerical = _numerical(func, inputs, diff, eps)
    analytical = _analytical(func, inputs, diff)
    for k, (num_k, ana_k) in enumerate(zip(numerical, analytical)):
        for i, (n, a) in enumerate(zip(num_k, ana_k)):
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                if not raise_exception:
                    return False
                raise GradcheckError(_report(k, i, n, a, atol, rtol))
    return True


def _report(k: int, i: int, n, a, atol, rtol) -> str:
    err = np.abs(a - n) - rtol * np.abs(n)
    worst = np.unravel_index(np.nanargmax(err), err.shape)
    return (f"Jacobian mismatch for output {k} with respect to input {i}: worst at output "
            f"element {worst[0]}, input element {worst[1]}: analytical {a[worst]:.8g}, "
            f"numerical {n[worst]:.8g} (atol={atol}, rtol={rtol}).\nnumerical:\n{n}\n"
            f"analytical:\n{a}")


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, **_ignored) -> bool:
    """Check second derivatives: gradcheck of the (create_graph=True) gradient of `func`."""
    inputs = _tuple(inputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        outs = _outputs(func, inputs)
        grad_outputs = []
        for o in outs:
            data = backends.of(o._data).asarray(rng.standard_normal(o._data.shape),
                                                dtype=o._data.dtype)
            grad_outputs.append(_wrap(data).requires_grad_(o._data.dtype.kind == "f"))
    grad_outputs = _tuple(grad_outputs)
    n_in = len(inputs)

    def first_grads(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _outputs(func, ins)
        used = [(o, g) for o, g in zip(outs, gos) if o.requires_grad]
        d = [t for t in ins if isinstance(t, Tensor) and t.requires_grad]
        grads = autograd_grad([o for o, _ in used], d, [g for _, g in used],
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    del diff
    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
