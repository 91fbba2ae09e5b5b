"""Property-based tests: random shapes, broadcast pairs and compositions of ops, checked to
first and second order against finite differences on every available device."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_gpu as torch
from autograd_gpu.autograd import gradcheck, gradgradcheck

from .conftest import host

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast: drop leading dims and set some dims to 1 in either."""
    out = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    a = [1 if draw(st.booleans()) else n for n in out]
    b = [1 if draw(st.booleans()) else n for n in out]
    return tuple(a[draw(st.integers(0, len(a))):]), tuple(b[draw(st.integers(0, len(b))):])


UNARY = {
    "exp": (torch.exp, np.exp),
    "tanh": (torch.tanh, np.tanh),
    "sigmoid": (torch.sigmoid, lambda a: 1 / (1 + np.exp(-a))),
    "sin": (torch.sin, np.sin),
    "square": (lambda t: t * t, np.square),
    "softmax": (lambda t: t.softmax(-1) if t.dim() else t.exp(),
                lambda a: (np.exp(a - a.max(-1, keepdims=True)) / np.exp(
                    a - a.max(-1, keepdims=True)).sum(-1, keepdims=True)) if a.ndim
                else np.exp(a)),
}
BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
}


def _t(a, device):
    return torch.tensor(a, dtype=torch.float64, device=device, requires_grad=True)


@SETTINGS
@given(pair=broadcast_pair(), op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16))
def test_broadcast_binary_ops(device, pair, op, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-1, 1, pair[0]), rng.uniform(-1, 1, pair[1])
    fn, ref = BINARY[op]
    ta, tb = _t(a, device), _t(b, device)
    np.testing.assert_allclose(host(fn(ta, tb)), ref(a, b), rtol=1e-12)
    assert gradcheck(fn, (ta, tb))
    assert gradgradcheck(fn, (ta, tb), atol=1e-4)


@SETTINGS
@given(shape=shapes, ops=st.lists(st.sampled_from(sorted(UNARY)), min_size=1, max_size=3),
       reduce=st.sampled_from(["sum", "mean", "none"]), seed=st.integers(0, 2**16))
def test_compositions(device, shape, ops, reduce, seed):
    a = np.random.default_rng(seed).uniform(-1, 1, shape)

    def fn(t):
        for name in ops:
            t = UNARY[name][0](t)
        return t.sum() if reduce == "sum" else t.mean() if reduce == "mean" else t

    expected = a
    for name in ops:
        expected = UNARY[name][1](expected)
    expected = expected.sum() if reduce == "sum" else expected.mean() if reduce == "mean" \
        else expected
    t = _t(a, device)
    np.testing.assert_allclose(host(fn(t)), expected, rtol=1e-10, atol=1e-12)
    assert gradcheck(fn, (t,))
    assert gradgradcheck(fn, (t,), atol=1e-4)


@SETTINGS
@given(m=st.integers(1, 3), k=st.integers(1, 3), n=st.integers(1, 3),
       batch=st.lists(st.integers(1, 2), max_size=2).map(tuple), seed=st.integers(0, 2**16))
def test_matmul_chains(device, m, k, n, batch, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-1, 1, batch + (m, k)), rng.uniform(-1, 1, (k, n))

    def fn(x, y):
        return torch.tanh(x @ y).sum(-1)

    ta, tb = _t(a, device), _t(b, device)
    np.testing.assert_allclose(host(fn(ta, tb)), np.tanh(a @ b).sum(-1), rtol=1e-12)
    assert gradcheck(fn, (ta, tb))
    assert gradgradcheck(fn, (ta, tb), atol=1e-4)


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
       seed=st.integers(0, 2**16))
def test_reshape_index_reduce(device, shape, seed):
    a = np.random.default_rng(seed).uniform(-1, 1, shape)

    def fn(t):
        flat = t.reshape(-1)
        return (flat[::2] * flat[: (flat.shape[0] + 1) // 2]).sum() + t.var(0, unbiased=False
                                                                           ).sum()

    t = _t(a, device)
    assert gradcheck(fn, (t,))
    assert gradgradcheck(fn, (t,), atol=1e-4)
