"""torch.distributions: densities against their formulas, sample moments, reparameterised
gradients, parameter checks and KL divergences against Monte Carlo estimates."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import distributions as D

from .conftest import host


def test_normal_density_sampling_and_reparameterised_gradient(device):
    torch.manual_seed(0)
    loc = torch.tensor([0.5, -1.0], device=device, requires_grad=True)
    scale = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    d = D.Normal(loc, scale)
    x = np.array([0.0, 1.0])
    ref = -(x - [0.5, -1.0]) ** 2 / (2 * np.array([1.0, 4.0])) - np.log([1.0, 2.0]) \
        - 0.5 * math.log(2 * math.pi)
    np.testing.assert_allclose(host(d.log_prob(torch.tensor(x, device=device))), ref,
                               rtol=1e-6)
    s = d.rsample((20000,))
    np.testing.assert_allclose(host(s.mean(0)), [0.5, -1.0], atol=0.05)
    np.testing.assert_allclose(host(s.std(0)), [1.0, 2.0], rtol=0.03)
    s.mean(0).sum().backward()  # d(mean of loc + eps * scale)/d loc = 1
    np.testing.assert_allclose(host(loc.grad), [1.0, 1.0], rtol=1e-3)  # (float32 sums)
    assert not d.sample().requires_grad
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Normal(torch.zeros(2), torch.tensor([1.0, 0.0]))


def test_categorical_and_bernoulli(device):
    probs = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], device=device)
    c = D.Categorical(probs=probs)
    np.testing.assert_allclose(host(c.log_prob(torch.tensor([2, 0], device=device))),
                               np.log([0.7, 0.5]), rtol=1e-6)
    ent = -np.nansum(host(probs) * np.log(np.where(host(probs) > 0, host(probs), 1)), -1)
    np.testing.assert_allclose(host(c.entropy()), ent, rtol=1e-6)
    draws = host(c.sample((20000,)))
    assert draws.shape == (20000, 2) and (draws[:, 1] != 2).all()
    assert abs((draws[:, 0] == 2).mean() - 0.7) < 0.02
    with pytest.raises(ValueError, match="to be within the support"):
        c.log_prob(torch.tensor([3, 0], device=device))
    b = D.Bernoulli(logits=torch.tensor([0.3, -2.0], device=device))
    p = 1 / (1 + np.exp(-np.array([0.3, -2.0])))
    np.testing.assert_allclose(host(b.probs), p, rtol=1e-6)
    np.testing.assert_allclose(host(b.log_prob(torch.tensor([1.0, 0.0], device=device))),
                               np.log([p[0], 1 - p[1]]), rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: (D.Normal(torch.tensor(0.3), torch.tensor(1.5)),
             D.Normal(torch.tensor(-0.5), torch.tensor(0.8))),
    lambda: (D.Laplace(torch.tensor(0.0), torch.tensor(1.0)),
             D.Laplace(torch.tensor(1.0), torch.tensor(2.0))),
    lambda: (D.Exponential(torch.tensor(2.0)), D.Exponential(torch.tensor(0.5))),
])
def test_kl_matches_a_monte_carlo_estimate(make):
    torch.manual_seed(1)
    p, q = make()
    x = p.sample((200000,))
    estimate = (p.log_prob(x) - q.log_prob(x)).mean().item()
    assert D.kl_divergence(p, q).item() == pytest.approx(estimate, rel=0.03, abs=0.01)
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(p, D.Bernoulli(probs=torch.tensor(0.5)))
