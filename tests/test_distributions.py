"""torch.distributions: densities against their formulas, sample moments, reparameterised
gradients, parameter checks and KL divergences against Monte Carlo estimates."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import distributions as D
from autograd_gpu.autograd import gradcheck

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
    with pytest.raises(NotImplementedError,  # (PyTorch's words differ for two exponential
                       match="No KL|between different exponential families"):  # families)
        D.kl_divergence(p, D.Bernoulli(probs=torch.tensor(0.5)))


def test_more_distributions_densities_moments_and_gradients(device):
    D = torch.distributions
    f64 = lambda v: torch.tensor(v, dtype=torch.float64, device=device)  # noqa: E731
    loc, scale = f64([0.2, -1.0]).requires_grad_(), f64([0.5, 2.0]).requires_grad_()
    v = f64([0.7, 1.5])
    x, m, s = np.array([0.7, 1.5]), np.array([0.2, -1.0]), np.array([0.5, 2.0])
    normal_pdf = lambda z, mu, sd: np.exp(-(z - mu) ** 2 / (2 * sd ** 2)) / (  # noqa: E731
        sd * np.sqrt(2 * np.pi))
    checks = {
        D.LogNormal: normal_pdf(np.log(x), m, s) / x,
        D.Cauchy: 1 / (np.pi * s * (1 + ((x - m) / s) ** 2)),
        D.Gumbel: np.exp(-(x - m) / s - np.exp(-(x - m) / s)) / s,
    }
    for cls, pdf in checks.items():
        d = cls(loc, scale)
        np.testing.assert_allclose(host(d.log_prob(v)), np.log(pdf), rtol=1e-12)
        q = f64([0.3, 0.9])
        np.testing.assert_allclose(host(d.cdf(d.icdf(q))), host(q), rtol=1e-10)
        assert gradcheck(lambda a, b: cls(a, b).log_prob(v) + cls(a, b).entropy(),
                         (loc, scale))
        draws = cls(loc.detach(), scale.detach()).rsample((4000,))
        assert draws.shape == (4000, 2)
        # the empirical CDF of the samples at the medians: about one half
        median = d.icdf(f64([0.5, 0.5])).detach()
        assert np.all(np.abs(host((draws <= median).double().mean(0)) - 0.5) < 0.05)
    half = D.HalfNormal(scale)
    np.testing.assert_allclose(host(half.log_prob(v)), np.log(2 * normal_pdf(x, 0, s)),
                               rtol=1e-12)
    assert not half.mode.requires_grad and repr(half) == "HalfNormal()"
    rate = f64([0.5, 3.0]).requires_grad_()
    pois = D.Poisson(rate)
    k = f64([0.0, 4.0])
    np.testing.assert_allclose(host(pois.log_prob(k)), [-0.5, 4 * np.log(3) - 3 - np.log(24)],
                               rtol=1e-12)
    with pytest.raises(ValueError, match="IntegerGreaterThan"):
        pois.log_prob(f64([0.5, 1.0]))


def test_multivariate_normal_three_ways_and_kl(device):
    D = torch.distributions
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    loc = torch.tensor([1.0, -1.0], dtype=torch.float64, device=device, requires_grad=True)
    c = torch.tensor(cov, dtype=torch.float64, device=device, requires_grad=True)
    by_cov = D.MultivariateNormal(loc, covariance_matrix=c)
    by_prec = D.MultivariateNormal(loc, precision_matrix=torch.linalg.inv(c))
    by_tril = D.MultivariateNormal(loc, scale_tril=torch.linalg.cholesky(c))
    v = torch.tensor([[0.3, 0.2], [1.0, 1.0]], dtype=torch.float64, device=device)
    d = host(v) - np.array([1.0, -1.0])
    want = -0.5 * (np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d)
                   + 2 * np.log(2 * np.pi) + np.log(np.linalg.det(cov)))
    for dist in (by_cov, by_prec, by_tril):
        np.testing.assert_allclose(host(dist.log_prob(v)), want, rtol=1e-12)
        np.testing.assert_allclose(host(dist.covariance_matrix), cov, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(by_cov.entropy().item(),
                               0.5 * np.log(np.linalg.det(2 * np.pi * np.e * cov)), rtol=1e-12)
    assert gradcheck(lambda a, b: D.MultivariateNormal(a, covariance_matrix=b @ b.mT)
                     .log_prob(v), (loc, c))
    other = D.MultivariateNormal(loc.detach() * 0, covariance_matrix=torch.eye(
        2, dtype=torch.float64, device=device))
    mu1 = np.array([1.0, -1.0])
    kl = 0.5 * (np.trace(cov) + mu1 @ mu1 - 2 - np.log(np.linalg.det(cov)))
    np.testing.assert_allclose(D.kl_divergence(by_cov, other).item(), kl, rtol=1e-12)
    samples = by_cov.rsample((20000,))
    np.testing.assert_allclose(np.cov(host(samples).T), cov, atol=0.08)
    with pytest.raises(ValueError, match="Exactly one of"):
        D.MultivariateNormal(loc, covariance_matrix=c, scale_tril=c)


def test_incomplete_gamma_matches_its_integral():
    # P(a, x) = integral_0^x t^(a-1) e^-t dt / Gamma(a), by Simpson's rule on a fine grid
    # (for a < 1, in u = t^a, where the integrand exp(-u^(1/a)) / a is smooth at 0)
    for a, x in [(0.7, 0.4), (2.0, 2.5), (3.0, 9.0), (7.5, 5.0), (12.0, 20.0)]:
        if a < 1:
            u = np.linspace(0.0, x ** a, 200001)
            f = np.exp(-u ** (1 / a)) / a / math.gamma(a)
        else:
            u = np.linspace(0.0, x, 200001)
            f = np.exp((a - 1) * np.log(np.maximum(u, 1e-300)) - u - math.lgamma(a))
        h = u[1] - u[0]
        integral = h / 3 * (f[0] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum() + f[-1])
        got = torch.special.gammainc(torch.tensor(a, dtype=torch.float64),
                                     torch.tensor(x, dtype=torch.float64))
        np.testing.assert_allclose(got.item(), integral, rtol=2e-6)
        upper = torch.special.gammaincc(torch.tensor(a, dtype=torch.float64),
                                        torch.tensor(x, dtype=torch.float64))
        np.testing.assert_allclose(upper.item(), 1 - integral, rtol=2e-5, atol=1e-12)
    x = torch.tensor([0.5, 3.0], dtype=torch.float64, requires_grad=True)
    a = torch.tensor([2.0, 4.0], dtype=torch.float64)
    assert gradcheck(lambda t: torch.special.gammainc(a, t), (x,))
    with pytest.raises(NotImplementedError, match="igamma: input"):
        torch.special.gammainc(a.requires_grad_(), x).sum().backward()


def test_gamma_family_samples_and_implicit_gradients(device):
    D = torch.distributions
    torch.manual_seed(4)
    conc = torch.tensor([0.6, 3.0], dtype=torch.float64, device=device, requires_grad=True)
    rate = torch.tensor([2.0, 0.5], dtype=torch.float64, device=device, requires_grad=True)
    draws = D.Gamma(conc, rate).rsample((40000,))
    np.testing.assert_allclose(host(draws.mean(0)), [0.3, 6.0], rtol=0.03)
    np.testing.assert_allclose(host(draws.var(0)), [0.15, 12.0], rtol=0.06)
    # E[x] = c / r, so d mean / d c = 1 / r and d mean / d r = -c / r^2, through the samples
    g_conc, g_rate = torch.autograd.grad(draws.mean(0).sum(), [conc, rate])
    np.testing.assert_allclose(host(g_conc), [0.5, 2.0], rtol=0.05)
    np.testing.assert_allclose(host(g_rate), [-0.15, -12.0], rtol=0.05)
    d = D.Dirichlet(torch.tensor([2.0, 3.0, 1.5], dtype=torch.float64, device=device))
    s = d.rsample((20000,))
    np.testing.assert_allclose(host(s.sum(-1)), 1.0, rtol=1e-12)
    np.testing.assert_allclose(host(s.mean(0)), host(d.mean), atol=0.01)
    b = D.Beta(torch.tensor(2.0, device=device), torch.tensor(3.0, device=device))
    np.testing.assert_allclose(b.log_prob(torch.tensor(0.3, device=device)).item(),
                               math.log(0.3 * 0.7 ** 2 / (math.gamma(2) * math.gamma(3) /
                                                          math.gamma(5))), rtol=1e-6)


def test_student_t_and_geometric(device):
    D = torch.distributions
    f64 = lambda v: torch.tensor(v, dtype=torch.float64, device=device)  # noqa: E731
    df, loc, scale = f64([1.5, 4.0]), f64([0.5, -1.0]), f64([2.0, 0.5])
    d = D.StudentT(df.requires_grad_(), loc, scale)
    v = f64([1.0, -0.2])
    y = (host(v) - [0.5, -1.0]) / [2.0, 0.5]
    nu = np.array([1.5, 4.0])
    dens = np.array([math.gamma((n + 1) / 2) / (math.sqrt(n * math.pi) * math.gamma(n / 2))
                     for n in nu]) * (1 + y ** 2 / nu) ** (-(nu + 1) / 2) / [2.0, 0.5]
    np.testing.assert_allclose(host(d.log_prob(v)), np.log(dens), rtol=1e-12)
    assert gradcheck(lambda t: D.StudentT(t, loc, scale).log_prob(v) +
                     D.StudentT(t, loc, scale).entropy(), (df,))
    assert np.isinf(host(d.variance)[0]) and host(d.variance)[1] == pytest.approx(0.25 * 2)
    torch.manual_seed(2)
    draws = D.StudentT(f64(5.0)).rsample((40000,))
    assert abs(host(draws).var() - 5 / 3) < 0.1  # df / (df - 2)
    g = D.Geometric(f64([0.2, 0.7]))
    k = f64([0.0, 3.0])
    np.testing.assert_allclose(host(g.log_prob(k)), np.log([0.2, 0.3 ** 3 * 0.7]), rtol=1e-12)
    samples = host(g.sample((40000,)))
    np.testing.assert_allclose(samples.mean(0), [4.0, 3 / 7], rtol=0.05)


def test_binomial_matches_its_formula(device):
    D = torch.distributions
    p = torch.tensor([0.2, 0.7], dtype=torch.float64, device=device, requires_grad=True)
    d = D.Binomial(10, p)
    k = torch.tensor([3.0, 7.0], dtype=torch.float64, device=device)
    want = [math.log(math.comb(10, 3) * 0.2 ** 3 * 0.8 ** 7),
            math.log(math.comb(10, 7) * 0.7 ** 7 * 0.3 ** 3)]
    np.testing.assert_allclose(host(d.log_prob(k)), want, rtol=1e-12)
    pmf = np.array([[math.comb(10, j) * q ** j * (1 - q) ** (10 - j) for q in (0.2, 0.7)]
                    for j in range(11)])
    np.testing.assert_allclose(host(d.entropy()), -(pmf * np.log(pmf)).sum(0), rtol=1e-10)
    assert gradcheck(lambda t: D.Binomial(10, t).log_prob(k), (p,))
    torch.manual_seed(1)
    samples = host(D.Binomial(10, p.detach()).sample((20000,)))
    np.testing.assert_allclose(samples.mean(0), [2.0, 7.0], rtol=0.02)
    with pytest.raises(NotImplementedError, match="Inhomogeneous total count"):
        D.Binomial(torch.tensor([5.0, 10.0], device=device), p.detach()).entropy()


def test_independent_sums_log_prob_over_reinterpreted_dims(device):
    D = torch.distributions
    loc = torch.tensor([[0.5, -1.0, 0.2], [1.0, 2.0, 3.0]], dtype=torch.float64,
                       device=device, requires_grad=True)
    base = D.Normal(loc, torch.ones(2, 3, dtype=torch.float64, device=device))
    d = D.Independent(base, 1)
    assert d.batch_shape == (2,) and d.event_shape == (3,) and d.has_rsample
    v = torch.zeros(2, 3, dtype=torch.float64, device=device)
    np.testing.assert_allclose(host(d.log_prob(v)), host(base.log_prob(v)).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(host(d.entropy()), host(base.entropy()).sum(-1), rtol=1e-12)
    assert D.Independent(base, 2).log_prob(v).shape == ()
    assert gradcheck(lambda t: D.Independent(D.Normal(t, 1.0), 1).log_prob(v), (loc,))
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims <="):
        D.Independent(base, 3)


def test_transformed_distributions_follow_the_change_of_variables(device):
    """exp of a Normal is the LogNormal; a tanh-squashed Normal's log_prob is the Normal's
    at atanh(a) minus log(1 - a^2); gradients agree with finite differences; the cache of a
    cache_size=1 transform gives back the exact pre-image of its last output."""
    T = D.transforms
    kw = dict(dtype=torch.float64, device=device)
    loc, scale = torch.tensor([0.2, -0.5], **kw), torch.tensor([0.7, 1.3], **kw)
    v = torch.tensor([0.4, 2.5], **kw)
    exp_normal = D.TransformedDistribution(D.Normal(loc, scale), [T.ExpTransform()])
    np.testing.assert_allclose(host(exp_normal.log_prob(v)),
                               host(D.LogNormal(loc, scale).log_prob(v)), rtol=1e-12)
    np.testing.assert_allclose(host(exp_normal.cdf(v)), host(D.LogNormal(loc, scale).cdf(v)),
                               rtol=1e-12)
    a = torch.tensor([0.3, -0.8], **kw)
    squashed = D.TransformedDistribution(D.Normal(loc, scale), T.TanhTransform(cache_size=1))
    want = D.Normal(loc, scale).log_prob(a.atanh()) - (1 - a * a).log()
    np.testing.assert_allclose(host(squashed.log_prob(a)), host(want), rtol=1e-10)
    assert gradcheck(lambda m, s: D.TransformedDistribution(
        D.Normal(m, s), [T.AffineTransform(0.5, 2.0), T.SigmoidTransform()]).log_prob(
        torch.tensor([0.3, 0.9], **kw)), (loc.clone().requires_grad_(),
                                          scale.clone().requires_grad_()))
    t = T.TanhTransform(cache_size=1)
    x = torch.tensor([30.0], **kw)
    y = t(x)  # tanh(30) rounds to 1: atanh would give inf, the cache gives x
    assert t.inv(y) is x
    with np.errstate(divide="ignore"):
        assert math.isinf(float(T.TanhTransform().inv(y)))


def test_weibull_and_half_cauchy(device):
    kw = dict(dtype=torch.float64, device=device)
    scale, k = torch.tensor([1.5, 0.8], **kw), torch.tensor([2.0, 0.7], **kw)
    v = torch.tensor([0.6, 2.0], **kw)
    w = D.Weibull(scale, k)
    z = v / scale  # the density k/s (v/s)^(k-1) exp(-(v/s)^k)
    want = (k / scale).log() + (k - 1) * z.log() - z ** k
    np.testing.assert_allclose(host(w.log_prob(v)), host(want), rtol=1e-12)
    np.testing.assert_allclose(host(w.cdf(v)), host(1 - (-(z ** k)).exp()), rtol=1e-12)
    np.testing.assert_allclose(host(w.mean), host(scale * (1 + 1 / k).lgamma().exp()),
                               rtol=1e-12)
    h = D.HalfCauchy(scale)
    np.testing.assert_allclose(host(h.log_prob(v)),
                               host(math.log(2 / math.pi) - scale.log() - (z * z).log1p()),
                               rtol=1e-12)
    with pytest.raises(ValueError, match="to be within the support"):
        h.log_prob(torch.tensor([-1.0], **kw))
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Weibull(torch.tensor([-1.0], **kw), torch.tensor([1.0], **kw))


def test_gaussian_mixture_and_pareto(device):
    kw = dict(dtype=torch.float64, device=device)
    w = torch.tensor([0.2, 0.5, 0.3], **kw)
    mu, sd = torch.tensor([-1.0, 0.5, 2.0], **kw), torch.tensor([0.4, 1.0, 0.7], **kw)
    m = D.MixtureSameFamily(D.Categorical(w), D.Normal(mu, sd))
    x = torch.tensor([-0.8, 0.0, 1.9], **kw)
    dens = (w * (-(x[:, None] - mu) ** 2 / (2 * sd ** 2)).exp() / (sd * math.sqrt(2 * math.pi)))
    np.testing.assert_allclose(host(m.log_prob(x)), host(dens.sum(1).log()), rtol=1e-12)
    mean = (w * mu).sum()
    np.testing.assert_allclose(float(m.mean), float(mean), rtol=1e-12)
    np.testing.assert_allclose(float(m.variance),
                               float((w * (sd ** 2 + mu ** 2)).sum() - mean ** 2), rtol=1e-12)
    torch.manual_seed(0)
    sample = m.sample((4000,))
    assert sample.shape == (4000,) and abs(float(sample.mean()) - float(mean)) < 0.1
    with pytest.raises(ValueError, match="does not equal `component_distribution.batch_shape"):
        D.MixtureSameFamily(D.Categorical(torch.ones(2, **kw)), D.Normal(mu, sd))
    p = D.Pareto(torch.tensor([1.0, 2.0], **kw), torch.tensor([3.0, 0.5], **kw))
    v = torch.tensor([1.5, 3.0], **kw)
    want = p.alpha.log() + p.alpha * p.scale.log() - (p.alpha + 1) * v.log()
    np.testing.assert_allclose(host(p.log_prob(v)), host(want), rtol=1e-12)
    assert host(p.mean)[1] == np.inf  # (alpha <= 1: no finite mean)
    with pytest.raises(ValueError, match="to be within the support"):
        p.log_prob(torch.tensor([0.5, 3.0], **kw))


def test_multinomial_and_negative_binomial(device):
    kw = dict(dtype=torch.float64, device=device)
    p = torch.tensor([0.2, 0.3, 0.5], **kw)
    m = D.Multinomial(5, p)
    x = torch.tensor([1.0, 2.0, 2.0], **kw)
    want = math.log(math.factorial(5) / (1 * 2 * 2) * 0.2 * 0.3 ** 2 * 0.5 ** 2)
    assert float(m.log_prob(x)) == pytest.approx(want, rel=1e-12)
    torch.manual_seed(0)
    counts = m.sample((3000,))
    assert counts.shape == (3000, 3) and (host(counts).sum(-1) == 5).all()
    np.testing.assert_allclose(host(counts.mean(0)), host(m.mean), atol=0.1)
    with pytest.raises(ValueError, match="to be within the support"):
        m.log_prob(torch.tensor([1.0, 2.0, 3.0], **kw))
    r, q = torch.tensor([3.0, 0.5], **kw), torch.tensor([0.4, 0.9], **kw)
    nb = D.NegativeBinomial(r, q)
    k = torch.tensor([2.0, 4.0], **kw)
    want = [math.lgamma(kk + rr) - math.lgamma(kk + 1) - math.lgamma(rr) + rr * math.log(1 - qq)
            + kk * math.log(qq) for kk, rr, qq in zip(host(k), host(r), host(q))]
    np.testing.assert_allclose(host(nb.log_prob(k)), want, rtol=1e-12)
    np.testing.assert_allclose(host(nb.mean), host(r * q / (1 - q)), rtol=1e-12)
    draws = D.NegativeBinomial(torch.tensor([3.0], **kw), torch.tensor([0.5], **kw)).sample(
        (4000,))
    assert (host(draws) >= 0).all() and abs(float(draws.mean()) - 3.0) < 0.25


def test_relaxed_bernoulli_and_one_hot_categorical(device):
    """The concrete relaxations: densities from the change of variables, samples inside the
    open interval / simplex, and rsample differentiable in the logits."""
    kw = dict(dtype=torch.float64, device=device)
    lg = torch.tensor([0.1, -0.4], **kw)
    temp = torch.tensor(0.6, **kw)
    y = torch.tensor([0.3, 0.95], **kw)
    logit = (y / (1 - y)).log()  # the logistic density of the logit, over d y / d logit
    diff = lg - logit * temp
    want = temp.log() + diff - 2 * torch.nn.functional.softplus(diff) - (y * (1 - y)).log()
    np.testing.assert_allclose(host(D.RelaxedBernoulli(temp, logits=lg).log_prob(y)),
                               host(want), rtol=1e-12)
    logits = torch.tensor([0.2, -0.3, 0.5], **kw, requires_grad=True)
    rc = D.RelaxedOneHotCategorical(torch.tensor(0.5, **kw), logits=logits)
    torch.manual_seed(0)
    s = rc.rsample((8,))
    assert s.shape == (8, 3) and np.allclose(host(s).sum(-1), 1) and (host(s) > 0).all()
    (s[:, 0]).sum().backward()
    assert logits.grad is not None and np.isfinite(host(logits.grad)).all()
    assert rc.event_shape == (3,) and rc.has_rsample


def test_inverse_gamma_and_kumaraswamy_densities(device):
    kw = dict(dtype=torch.float64, device=device)
    c, r = torch.tensor([2.0, 3.5], **kw), torch.tensor([1.0, 0.5], **kw)
    x = torch.tensor([0.5, 2.0], **kw)
    want = c * r.log() - c.lgamma() - (c + 1) * x.log() - r / x
    np.testing.assert_allclose(host(D.InverseGamma(c, r).log_prob(x)), host(want), rtol=1e-12)
    a, b = torch.tensor([2.0, 0.7], **kw), torch.tensor([3.0, 1.5], **kw)
    u = torch.tensor([0.3, 0.8], **kw)
    want = a.log() + b.log() + (a - 1) * u.log() + (b - 1) * (1 - u ** a).log()
    np.testing.assert_allclose(host(D.Kumaraswamy(a, b).log_prob(u)), host(want), rtol=1e-12)
    torch.manual_seed(0)
    s = D.Kumaraswamy(a, b).rsample((2000,))
    np.testing.assert_allclose(host(s.mean(0)), host(D.Kumaraswamy(a, b).mean), atol=0.03)


def test_uniform_support_is_half_open_and_cauchy_moments_are_constants(device):
    d = D.Uniform(torch.tensor([0.0], device=device), torch.tensor([2.0], device=device))
    lp = host(d.log_prob(torch.tensor([[0.0], [1.0], [2.0]], device=device)))
    np.testing.assert_allclose(lp.ravel(), [-math.log(2), -math.log(2), -math.inf])
    loc = torch.tensor([0.5, -1.0], device=device, requires_grad=True)
    c = D.Cauchy(loc, torch.tensor([1.5, 0.3], device=device))
    assert not c.mean.requires_grad and np.isnan(host(c.mean)).all()
    assert not c.variance.requires_grad and np.isinf(host(c.variance)).all()
    assert c.mode.requires_grad  # (the location: differentiable)
