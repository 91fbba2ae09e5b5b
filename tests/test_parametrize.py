"""nn.utils.parametrize, parametrizations (weight_norm, spectral_norm), the hook-based
weight_norm/spectral_norm and conv/linear + batch-norm fusion: values from their formulas,
gradients by finite differences, and the state_dict names PyTorch uses."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu.autograd import gradcheck
from autograd_gpu.nn.utils import parametrizations, parametrize

from .conftest import host

W = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]])


def _linear(device, weight=W):
    m = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(device).double()
    with torch.no_grad():
        m.weight.copy_(torch.tensor(weight, device=device))
        m.bias.zero_()
    return m


def test_weight_norm_parametrization_splits_magnitude_and_direction(device):
    m = parametrizations.weight_norm(_linear(device))
    assert type(m).__name__ == "ParametrizedLinear"
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original0",
                                    "parametrizations.weight.original1"]
    g, v = m.parametrizations.weight.original0, m.parametrizations.weight.original1
    np.testing.assert_allclose(host(g).ravel(), np.linalg.norm(W, axis=1))
    np.testing.assert_allclose(host(m.weight), W, rtol=1e-12)  # (unchanged at the start)
    assert gradcheck(lambda gg, vv: parametrizations._WeightNorm(0)(gg, vv),
                     (g.detach().requires_grad_(), v.detach().requires_grad_()))
    m(torch.ones(1, 3, dtype=torch.float64, device=device)).sum().backward()
    assert g.grad is not None and v.grad is not None and m.bias.grad is not None


def test_spectral_norm_divides_by_the_largest_singular_value(device):
    torch.manual_seed(0)
    m = parametrizations.spectral_norm(_linear(device))
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original",
                                    "parametrizations.weight.0._u",
                                    "parametrizations.weight.0._v"]
    np.testing.assert_allclose(host(m.weight), W / np.linalg.svd(W)[1][0], rtol=1e-6)
    old = torch.nn.utils.spectral_norm(_linear(device))
    for _ in range(20):  # (one power-iteration step per training forward)
        old(torch.ones(1, 3, dtype=torch.float64, device=device))
    np.testing.assert_allclose(host(old.weight), W / np.linalg.svd(W)[1][0], rtol=1e-6)
    torch.nn.utils.remove_spectral_norm(old)
    assert list(old.state_dict()) == ["bias", "weight"]


def test_register_and_remove_a_custom_parametrization(device):
    class Symmetric(torch.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).mT

        def right_inverse(self, A):
            return A.triu()

    m = _linear(device, np.arange(9.0).reshape(3, 3))
    m = parametrize.register_parametrization(m, "weight", Symmetric())
    w = host(m.weight)
    assert parametrize.is_parametrized(m, "weight") and not parametrize.is_parametrized(m, "bias")
    np.testing.assert_array_equal(w, w.T)
    target = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 6.0]])
    m.weight = torch.tensor(target, device=device)  # (through right_inverse)
    np.testing.assert_array_equal(host(m.weight), target)
    with parametrize.cached():
        assert m.weight is m.weight
    parametrize.remove_parametrizations(m, "weight")
    assert type(m).__name__ == "Linear" and list(m.state_dict()) == ["bias", "weight"]
    np.testing.assert_array_equal(host(m.weight), target)
    with pytest.raises(ValueError, match="may not change the shape"):
        parametrize.register_parametrization(_linear(device), "weight", torch.nn.Flatten(0))


def test_hook_weight_norm_and_bn_fusion(device):
    with pytest.warns(FutureWarning, match="deprecated in favor of"):
        m = torch.nn.utils.weight_norm(_linear(device))
    assert list(m.state_dict()) == ["bias", "weight_g", "weight_v"]
    y = m(torch.tensor([[1.0, -1.0, 2.0]], dtype=torch.float64, device=device))
    np.testing.assert_allclose(host(y).ravel(), W @ [1.0, -1.0, 2.0], rtol=1e-12)
    torch.nn.utils.remove_weight_norm(m)
    assert list(m.state_dict()) == ["bias", "weight"]
    conv, bn = torch.nn.Conv2d(2, 3, 1).to(device), torch.nn.BatchNorm2d(3).to(device)
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([0.1, 0.2, 0.3], device=device))
        bn.running_var.copy_(torch.tensor([1.0, 2.0, 0.5], device=device))
        bn.weight.fill_(1.5)
    conv.eval(), bn.eval()
    x = torch.arange(8.0, device=device).reshape(1, 2, 2, 2)
    fused = torch.nn.utils.fuse_conv_bn_eval(conv, bn)
    np.testing.assert_allclose(host(fused(x)), host(bn(conv(x))), rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        torch.nn.utils.fuse_conv_bn_eval(conv.train(), bn)
