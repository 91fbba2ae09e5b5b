"""The op table drives forward checks against NumPy and float64 gradient checks (first and
second order) for every op, on every available device."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag
from autograd_gpu.autograd import gradcheck, gradgradcheck
from autograd_gpu.ops import REGISTRY

from .conftest import host
from .op_specs import SPECS

CASES = [(name, i) for name, cases in SPECS.items() for i in range(len(cases))]


def test_every_registered_op_has_a_spec():
    missing = sorted(set(REGISTRY) - set(SPECS))
    assert not missing, f"ops without a spec in tests/op_specs.py: {missing}"


def _inputs(case, rng):
    if case.make is not None:
        return [np.asarray(a, np.float64) for a in case.make(rng)]
    return [rng.uniform(case.low, case.high, s) for s in case.shapes]


def _tensors(arrays, device, requires_grad=True):
    return [ag.tensor(a, dtype=ag.float64, device=device, requires_grad=requires_grad)
            for a in arrays]


@pytest.mark.parametrize("name,i", CASES)
def test_forward_matches_numpy(name, i, device, rng):
    case = SPECS[name][i]
    arrays = _inputs(case, rng)
    out = case.fn(*_tensors(arrays, device, requires_grad=False))
    if case.ref is None:  # checked against its adjoint instead (see test_fold_is_unfold_adjoint)
        return
    np.testing.assert_allclose(host(out), case.ref(*arrays), rtol=1e-12, atol=1e-12)
    assert out.device == ag.device(device if device == "cpu" else "cuda:0")


@pytest.mark.parametrize("name,i", CASES)
def test_forward_float32_keeps_dtype(name, i, device, rng):
    case = SPECS[name][i]
    arrays = _inputs(case, rng)
    ts = [ag.tensor(a, dtype=ag.float32, device=device, requires_grad=True) for a in arrays]
    out = case.fn(*ts)
    assert out.dtype == ag.float32
    if case.ref is not None:
        np.testing.assert_allclose(host(out), case.ref(*arrays), rtol=2e-5, atol=2e-5)
    if out.requires_grad:
        out.backward(ag.ones_like(out))
        for t in ts:
            if t.grad is not None:
                assert t.grad.dtype == ag.float32 and t.grad.shape == t.shape
                assert t.grad.device == t.device


@pytest.mark.parametrize("name,i", CASES)
def test_gradient_matches_finite_differences(name, i, device, rng):
    case = SPECS[name][i]
    if not case.grad:
        pytest.skip("not differentiable")
    assert gradcheck(case.fn, _tensors(_inputs(case, rng), device), eps=case.eps)


@pytest.mark.parametrize("name,i", CASES)
def test_second_derivative_matches_finite_differences(name, i, device, rng):
    case = SPECS[name][i]
    if not case.second:
        pytest.skip("second derivative not defined at these inputs (exact zeros)")
    assert gradgradcheck(case.fn, _tensors(_inputs(case, rng), device), eps=case.eps,
                         atol=1e-4)


def test_fold_is_unfold_adjoint(device, rng):
    """<unfold(x), c> == <x, fold(c)>: fold is the exact adjoint of unfold."""
    x = rng.standard_normal((2, 3, 5, 4))
    c = rng.standard_normal((2, 3 * 2 * 2, 4 * 3))
    fx = ag.nn.functional
    u = host(fx.unfold(ag.tensor(x, device=device), 2))
    f = host(fx.fold(ag.tensor(c, device=device), (5, 4), 2))
    assert np.isclose((u * c).sum(), (x * f).sum(), rtol=1e-12)


@pytest.mark.parametrize("args", [(2, 1, 0, 1), (3, 2, 1, 2), (2, 1, 2, 3)])
def test_batch_last_columns_are_unfold_reordered(device, rng, args):
    """unfold(batch_last=True) holds unfold's columns ordered (C*kh*kw, L*N), and fold with
    batch_last undoes it: conv2d's layout carries exactly PyTorch's unfold values."""
    x = rng.standard_normal((3, 2, 7, 6))
    fx = ag.nn.functional
    plain = host(fx.unfold(ag.tensor(x, device=device), *args))
    last = host(fx.unfold(ag.tensor(x, device=device), *args, batch_last=True))
    np.testing.assert_array_equal(last, plain.transpose(1, 2, 0).reshape(plain.shape[1], -1))
    c = rng.standard_normal(last.shape)
    folded = host(fx.fold(ag.tensor(c, device=device), (7, 6), *args, batch_last=True, n=3))
    reference = host(fx.fold(ag.tensor(c.reshape(c.shape[0], -1, 3).transpose(2, 0, 1),
                                       device=device), (7, 6), *args))
    np.testing.assert_allclose(folded, reference, rtol=1e-12, atol=1e-12)
