"""torch.func transforms on this library's autograd: values against closed forms and finite
differences in float64, nesting, pytrees, and the per-sample-gradient / model-ensembling
recipes from PyTorch's tutorials."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev,
                               jvp, stack_module_state, vjp, vmap)

from .conftest import host


def _fd_jacobian(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of a NumPy-in NumPy-out function."""
    y0 = np.asarray(f(x))
    jac = np.zeros(y0.shape + x.shape)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        jac[(...,) + idx] = (np.asarray(f(x + d)) - np.asarray(f(x - d))) / (2 * eps)
    return jac


def test_grad_matches_finite_differences_and_nests(device):
    def f(x):
        return (x.sin() * x ** 2).sum()

    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, device=device)
    g = grad(f)(x)
    fd = _fd_jacobian(lambda a: (np.sin(a) * a ** 2).sum(), host(x))
    np.testing.assert_allclose(host(g), fd, rtol=1e-6)
    assert not g.requires_grad  # (a plain tensor, as PyTorch's)
    h = hessian(f)(x)
    fd2 = _fd_jacobian(lambda a: 2 * a * np.sin(a) + a ** 2 * np.cos(a), host(x))
    np.testing.assert_allclose(host(h), fd2, rtol=1e-6, atol=1e-8)
    s = torch.tensor(2.0, dtype=torch.float64, device=device)
    assert grad(grad(grad(lambda t: t ** 4)))(s).item() == pytest.approx(48.0)


def test_grad_argnums_aux_pytrees_and_errors(device):
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    gx, gy = grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, x + 1)
    assert host(gx).tolist() == [2, 3, 4] and host(gy).tolist() == [1, 2, 3]
    g, aux = grad(lambda a: ((a ** 2).sum(), a.mean()), has_aux=True)(x)
    assert host(g).tolist() == [2, 4, 6] and aux.item() == 2.0
    gd = grad(lambda p: (p["a"] * p["b"]).sum())({"a": x, "b": 2 * x})
    assert host(gd["a"]).tolist() == [2, 4, 6] and host(gd["b"]).tolist() == [1, 2, 3]
    assert host(grad(lambda a, b: b.sum())(x, x)).tolist() == [0, 0, 0]  # unused: zeros
    grads, (value, aux) = grad_and_value(lambda a: ((a ** 2).sum(), 7), has_aux=True)(x)
    assert value.item() == 14.0 and aux == 7
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor, "
                                           "got tensor with 1 dims"):
        grad(lambda a: a ** 2)(x)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        grad(lambda a: a.sum())(torch.tensor([1, 2], device=device))


def test_grad_keeps_the_graph_to_what_it_closes_over(device):
    """The result depends on an outer tensor that requires grad: it keeps that graph (and
    only then), so grad inside a training step differentiates correctly."""
    w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    g = grad(lambda x: (x * w ** 2).sum())(torch.ones(2, device=device))
    assert g.requires_grad
    g.sum().backward()
    assert host(w.grad).tolist() == [2.0, 4.0]
    y = torch.tensor([1.0, 2.0], device=device)
    outer = grad(lambda yy: grad(lambda x: (x * yy ** 2).sum())(
        torch.tensor([3.0, 4.0], device=device)).sum())(y)
    assert host(outer).tolist() == [2.0, 4.0]


def test_vmap_equals_a_loop_and_checks_its_dims(device):
    a = torch.arange(12.0, device=device).reshape(4, 3)
    b = torch.arange(12.0, device=device).reshape(3, 4)
    out = vmap(torch.dot, in_dims=(0, 1))(a, b)
    assert host(out).tolist() == [float(host(a[i]) @ host(b[:, i])) for i in range(4)]
    assert vmap(lambda r: r * 2, out_dims=1)(a).shape == (3, 4)
    pair = vmap(lambda r, s: (r + s, r.sum()), in_dims=(0, None))(a, torch.ones(3, device=device))
    assert pair[0].shape == (4, 3) and pair[1].shape == (4,)
    nested = vmap(vmap(lambda p, q: p * q))(a, a)
    np.testing.assert_allclose(host(nested), host(a) ** 2)
    with pytest.raises(ValueError, match="same size in the mapped dimension, got sizes \\[4, 3\\]"):
        vmap(lambda p, q: p + q)(a, b)
    with pytest.raises(ValueError, match="expected in_dim to satisfy -2 <= in_dim < 2"):
        vmap(lambda p: p, in_dims=2)(a)
    with pytest.raises(ValueError, match="must only return Tensors"):
        vmap(lambda p: 3.0)(a)


def test_jacobians_vjp_and_jvp_agree_with_finite_differences(device):
    x = torch.tensor([0.5, -0.7, 1.3], dtype=torch.float64, device=device)

    def f(t):
        return torch.stack([t[0] * t[1], t.exp().sum(), (t ** 3)[2]])

    def f_np(t):
        return np.array([t[0] * t[1], np.exp(t).sum(), t[2] ** 3])

    fd = _fd_jacobian(f_np, host(x))
    for transform in (jacrev, jacfwd):
        np.testing.assert_allclose(host(transform(f)(x)), fd, rtol=1e-6)
    v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, device=device)
    out, vjp_fn = vjp(f, x)
    np.testing.assert_allclose(host(out), f_np(host(x)))
    np.testing.assert_allclose(host(vjp_fn(v)[0]), host(v) @ fd, rtol=1e-6)
    _, tangent_out = jvp(f, (x,), (v,))
    np.testing.assert_allclose(host(tangent_out), fd @ host(v), rtol=1e-6)
    jac = jacrev(lambda t: {"double": 2 * t, "total": t.sum()})(x)
    assert jac["double"].shape == (3, 3) and host(jac["total"]).tolist() == [1, 1, 1]
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        jvp(f, x, v)


def test_per_sample_gradients_and_ensembles_with_functional_call(device):
    """The two torch.func tutorial recipes: per-sample gradients by vmap(grad(loss)) over a
    functional_call, and an ensemble by vmap over stack_module_state."""
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2).to(device).double()
    params = {k: v.detach() for k, v in model.named_parameters()}
    x = torch.randn(5, 3, dtype=torch.float64, device=device)
    y = torch.tensor([0, 1, 1, 0, 1], device=device)

    def loss(p, xi, yi):
        logits = functional_call(model, p, (xi.unsqueeze(0),))
        return torch.nn.functional.cross_entropy(logits, yi.unsqueeze(0))

    per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    for i in range(5):
        model.zero_grad()
        torch.nn.functional.cross_entropy(model(x[i:i + 1]), y[i:i + 1]).backward()
        np.testing.assert_allclose(host(per_sample["weight"][i]), host(model.weight.grad),
                                   rtol=1e-10)
    assert model.weight is dict(model.named_parameters())["weight"]  # (left as it was)
    models = [torch.nn.Linear(3, 2).to(device).double() for _ in range(4)]
    stacked, buffers = stack_module_state(models)
    assert stacked["weight"].shape == (4, 2, 3) and stacked["weight"].is_leaf
    outs = vmap(lambda p, b, xx: functional_call(models[0], (p, b), (xx,)),
                in_dims=(0, 0, None))(stacked, buffers, x)
    for k, m in enumerate(models):
        np.testing.assert_allclose(host(outs[k]), host(m(x)), rtol=1e-12)
    with pytest.raises(RuntimeError, match="Unexpected key\\(s\\): 'weights'"):
        functional_call(model, {"weights": params["weight"]}, (x,), strict=True)


def test_vmap_out_dims_must_match_the_outputs_structure():
    x = torch.arange(12.0).reshape(3, 4)
    first, second = torch.func.vmap(lambda a: (a, a), out_dims=(0, 1))(x)
    assert first.shape == (3, 4) and second.shape == (4, 3)
    assert torch.func.vmap(lambda a: a, out_dims=(1,))(x).shape == (4, 3)  # (a 1-tuple: unwrapped)
    with pytest.raises(ValueError) as info:
        torch.func.vmap(lambda a: (a, a), out_dims=(0, 1, 0))(x)
    assert str(info.value) == (
        "vmap(<lambda>, ..., out_dims=(0, 1, 0))(<inputs>): out_dims is not compatible with the "
        "structure of `outputs`. out_dims has structure TreeSpec(tuple, None, [*,\n  *,\n  *]) "
        "but outputs has structure TreeSpec(tuple, None, [*,\n  *]).")
    with pytest.raises(ValueError, match=r"out_dims has structure TreeSpec\(list, None"):
        torch.func.vmap(lambda a: (a, a), out_dims=[0, 1])(x)
