"""torch.distributions.constraints, transforms, biject_to / transform_to, validation,
expand and enumerate_support: each transform's log |det Jacobian| against a finite-difference
Jacobian in float64, each registry transform landing inside its constraint, PyTorch's error
wording for bad parameters and values."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import distributions as D
from autograd_gpu.distributions import constraints as C
from autograd_gpu.distributions import transforms as T

from .conftest import host


def _x(device, *shape, seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.normal(size=shape), dtype=torch.float64, device=device)


def test_constraint_checks_reprs_and_event_dims(device):
    x = torch.tensor([[-1.0, 0.0, 0.5, 1.0, 2.0, float("nan")]], device=device)
    expect = {
        C.real: [1, 1, 1, 1, 1, 0], C.positive: [0, 0, 1, 1, 1, 0],
        C.nonnegative: [0, 1, 1, 1, 1, 0], C.unit_interval: [0, 1, 1, 1, 0, 0],
        C.boolean: [0, 1, 0, 1, 0, 0], C.nonnegative_integer: [0, 1, 0, 1, 1, 0],
        C.positive_integer: [0, 0, 0, 1, 1, 0], C.less_than(1): [1, 1, 1, 0, 0, 0],
        C.half_open_interval(0, 1): [0, 1, 1, 0, 0, 0],
        C.integer_interval(0, 1): [0, 1, 0, 1, 0, 0],
    }
    for constraint, want in expect.items():
        assert host(constraint.check(x)).tolist() == [[bool(w) for w in want]], constraint
    assert repr(C.positive) == "GreaterThan(lower_bound=0.0)"
    assert repr(C.unit_interval) == "Interval(lower_bound=0.0, upper_bound=1.0)"
    assert repr(C.real_vector) == "IndependentConstraint(Real(), 1)"
    assert repr(C.nonnegative_integer) == "IntegerGreaterThan(lower_bound=0)"
    assert (C.simplex.event_dim, C.lower_cholesky.event_dim, C.real.event_dim) == (1, 2, 0)
    assert C.boolean.is_discrete and not C.real.is_discrete
    # vectors and matrices reduce their event dimensions
    assert host(C.simplex.check(torch.tensor([[0.2, 0.8], [0.5, 0.6]], device=device))
                ).tolist() == [True, False]
    assert host(C.independent(C.positive, 1).check(x)).tolist() == [False]
    m = torch.tensor([[2.0, 0.0], [1.0, 3.0]], device=device)
    for constraint, want in [(C.lower_triangular, True), (C.lower_cholesky, True),
                             (C.symmetric, False), (C.positive_definite, False)]:
        assert bool(constraint.check(m)) is want, constraint
    assert bool(C.positive_definite.check(m @ m.T))
    assert bool(C.corr_cholesky.check(torch.eye(3, device=device)))
    assert not bool(C.corr_cholesky.check(m))
    assert host(C.cat([C.real, C.positive], lengths=[2, 1]).check(
        torch.tensor([-1.0, -1.0, -1.0], device=device))).tolist() == [True, True, False]
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(NotImplementedError, match="cannot be determined statically"):
        C.dependent.event_dim
    with pytest.raises(ValueError, match="Cannot determine validity"):
        C.dependent.check(x)


def _jacobian(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f(x).ravel() / d x.ravel() by central differences."""
    cols = []
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = h
        hi, lo = f((x.ravel() + step).reshape(x.shape)), f((x.ravel() - step).reshape(x.shape))
        cols.append((hi - lo).ravel() / (2 * h))
    return np.stack(cols, 1)


@pytest.mark.parametrize("name", ["exp", "sigmoid", "tanh", "softplus", "affine", "power",
                                  "compose", "stick", "corr", "lower_cholesky"])
def test_log_abs_det_jacobian_matches_finite_differences(device, name):
    # (transform, input shape, which outputs form the chart: the free coordinates)
    cases = {
        "exp": (T.ExpTransform(), (3,), None),
        "sigmoid": (T.SigmoidTransform(), (3,), None),
        "tanh": (T.TanhTransform(), (3,), None),
        "softplus": (T.SoftplusTransform(), (3,), None),
        "affine": (T.AffineTransform(1.0, -2.5), (3,), None),
        "power": (T.PowerTransform(2.5), (3,), None),
        "compose": (T.ComposeTransform([T.ExpTransform(), T.AffineTransform(1.0, 3.0)]),
                    (3,), None),
        "stick": (T.StickBreakingTransform(), (3,), lambda y: y[:-1]),
        "corr": (T.CorrCholeskyTransform(), (3,), lambda y: y[np.tril_indices(3, -1)]),
        "lower_cholesky": (T.LowerCholeskyTransform(), (3, 3),
                           lambda y: y[np.tril_indices(3)]),
    }
    t, shape, chart = cases[name]
    x = _x(device, *shape)
    if name == "power":
        x = x.abs() + 0.5
    if name == "lower_cholesky":
        free = np.tril_indices(3)

        def f(v):
            full = np.zeros((3, 3))
            full[free] = v
            return chart(host(t(torch.tensor(full, dtype=torch.float64, device=device))))
        x0 = host(x)[free]
    else:
        def f(v):
            y = host(t(torch.tensor(v, dtype=torch.float64, device=device)))
            return y if chart is None else chart(y)
        x0 = host(x)
    jac = _jacobian(f, x0)
    want = np.log(abs(np.linalg.det(jac))) if t.domain.event_dim or chart is not None else \
        np.log(np.abs(np.diag(jac)))
    if name == "lower_cholesky":
        want = np.log(abs(np.linalg.det(jac)))  # (no log_abs_det_jacobian in PyTorch either)
        np.testing.assert_allclose(want, host(x.diagonal()).sum(), rtol=1e-6)
        return
    got = host(t.log_abs_det_jacobian(x, t(x)))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(host(t.inv(t(x))), host(x), rtol=1e-7, atol=1e-9)


def test_registry_transforms_land_in_their_constraints(device):
    x = _x(device, 4, 3)
    for constraint in [C.real, C.positive, C.greater_than(2.0), C.less_than(-1.0),
                       C.interval(-1.0, 3.0), C.unit_interval, C.simplex,
                       C.independent(C.positive, 1), C.cat([C.real, C.positive], 1, [2, 1]),
                       C.stack([C.real, C.unit_interval, C.positive], 1)]:
        for registry in (D.biject_to, D.transform_to):
            t = registry(constraint)
            y = t(x)
            assert bool(constraint.check(y).all()), (constraint, registry)
            if registry is D.biject_to:
                np.testing.assert_allclose(host(t.inv(y)), host(x), atol=1e-7)
    assert isinstance(D.biject_to(C.simplex), T.StickBreakingTransform)
    assert isinstance(D.transform_to(C.simplex), T.SoftmaxTransform)
    assert isinstance(D.transform_to(C.corr_cholesky), T.CorrCholeskyTransform)
    m = torch.tensor([[0.3, -1.2], [2.0, 0.1]], dtype=torch.float64, device=device)
    assert bool(C.positive_definite.check(D.transform_to(C.positive_definite)(m)))
    assert bool(C.lower_cholesky.check(D.transform_to(C.lower_cholesky)(m)))
    with pytest.raises(NotImplementedError, match="Cannot transform _Boolean constraints"):
        D.biject_to(C.boolean)
    with pytest.raises(NotImplementedError, match="_LowerCholesky"):
        D.biject_to(C.lower_cholesky)  # (only transform_to has it, as in PyTorch)


def test_transform_shapes_domains_and_equality():
    reshape = T.ReshapeTransform((2, 3), (6,))
    assert reshape.forward_shape(torch.Size([4, 2, 3])) == (4, 6)
    assert reshape.inverse_shape((4, 6)) == (4, 2, 3)
    with pytest.raises(ValueError, match="different numbers of elements"):
        T.ReshapeTransform((2, 3), (5,))
    stick = T.StickBreakingTransform()
    assert stick.forward_shape((5, 3)) == (5, 4) and stick.inverse_shape((5, 4)) == (5, 3)
    with pytest.raises(ValueError, match="Please use either .domain.event_dim"):
        T.ReshapeTransform((2, 3), (6,)).event_dim
    compose = T.ComposeTransform([T.ExpTransform(), T.IndependentTransform(T.ExpTransform(),
                                                                           1)])
    assert compose.domain.event_dim == 1 and compose.codomain.event_dim == 1
    assert repr(T.ExpTransform().inv.domain) == "GreaterThan(lower_bound=0.0)"
    assert T.ExpTransform() == T.ExpTransform() and T.ExpTransform() != T.TanhTransform()
    assert T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0)
    assert T.AffineTransform(1.0, 2.0) != T.AffineTransform(1.0, 3.0)
    with pytest.raises(NotImplementedError):
        T.AbsTransform().sign
    cat = T.CatTransform([T.ExpTransform(), T.identity_transform], dim=0, lengths=[2, 1])
    y = cat(torch.tensor([0.0, 1.0, -3.0]))
    np.testing.assert_allclose(host(y), [1.0, math.e, -3.0], rtol=1e-6)
    with pytest.raises(AssertionError, match=r"x.size\(0\) = 2 must equal length 3"):
        cat(torch.zeros(2))


def test_transformed_distributions_with_vector_transforms(device):
    # a logistic-normal by hand: its density is the normal density of the inverse
    # image, over the stick-breaking Jacobian (checked against the formula)
    loc = torch.tensor([0.2, -0.5], dtype=torch.float64, device=device)
    d = D.LogisticNormal(loc, 0.7)
    v = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64, device=device)
    stick = T.StickBreakingTransform()
    x = stick.inv(v)
    want = D.Normal(loc, 0.7).log_prob(x).sum() - stick.log_abs_det_jacobian(x, v)
    assert float(d.log_prob(v)) == pytest.approx(float(want), rel=1e-12)
    assert (d.batch_shape, d.event_shape) == ((), (3,))
    assert repr(d.support) == "Simplex()"
    s = d.sample((5,))
    assert s.shape == (5, 3) and np.allclose(host(s.sum(-1)), 1.0)
    r = D.TransformedDistribution(D.Normal(torch.zeros(2, 3, device=device), 1.0),
                                  [T.ReshapeTransform((2, 3), (6,))])
    assert (r.batch_shape, r.event_shape) == ((), (6,))
    assert float(r.log_prob(torch.zeros(6, device=device))) == pytest.approx(
        -3 * math.log(2 * math.pi), rel=1e-6)
    # a transform's parameters broadcast the base distribution
    a = D.TransformedDistribution(D.Normal(0.0, 1.0), T.AffineTransform(
        torch.zeros(3, device=device), torch.tensor([1.0, 2.0, 3.0], device=device)))
    assert a.batch_shape == (3,) and a.base_dist.batch_shape == (3,)
    with pytest.raises(ValueError, match="needs to have shape with size at least 1"):
        D.TransformedDistribution(D.Normal(0.0, 1.0), [T.StickBreakingTransform()])


def test_fisher_snedecor_density_and_moments(device):
    df1 = torch.tensor([3.0, 6.0], dtype=torch.float64, device=device)
    df2 = torch.tensor([5.0, 9.0], dtype=torch.float64, device=device)
    f = D.FisherSnedecor(df1, df2)
    x = np.array([0.7, 1.8])
    a, b = np.array([3.0, 6.0]), np.array([5.0, 9.0])
    lbeta = np.array([math.lgamma(p / 2) + math.lgamma(q / 2) - math.lgamma((p + q) / 2)
                      for p, q in zip(a, b)])
    want = (a / 2 * np.log(a * x / (a * x + b)) + b / 2 * np.log(b / (a * x + b))
            - np.log(x) - lbeta)
    np.testing.assert_allclose(host(f.log_prob(torch.tensor(x, device=device))), want,
                               rtol=1e-10)
    np.testing.assert_allclose(host(f.mean), b / (b - 2), rtol=1e-12)
    torch.manual_seed(0)
    assert abs(float(f.rsample((40000,)).mean(0)[1]) - 9 / 7) < 0.05


def test_validation_messages_and_shapes(device):
    with pytest.raises(ValueError, match="must be a Tensor"):
        D.Normal(0.0, 1.0).log_prob(0.5)
    assert float(D.Normal(0.0, 1.0, validate_args=False).log_prob(0.0)) == pytest.approx(
        -0.5 * math.log(2 * math.pi))
    with pytest.raises(ValueError, match="not broadcastable with batch_shape"):
        D.Normal(torch.zeros(3, device=device), 1.0).log_prob(torch.zeros(2, device=device))
    with pytest.raises(ValueError, match="right-most size of value must match event_shape"):
        D.MultivariateNormal(torch.zeros(3, device=device), torch.eye(3, device=device)
                             ).log_prob(torch.zeros(2, device=device))
    with pytest.raises(ValueError, match=r"support \(Interval\(lower_bound=0.0, "):
        D.Beta(2.0, 3.0).log_prob(torch.tensor(1.5, device=device))
    with pytest.raises(ValueError, match=r"constraint PositiveDefinite\(\)"):
        D.MultivariateNormal(torch.zeros(2), torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="to be positive but found invalid values"):
        D.Geometric(torch.tensor([0.0, 0.5]))
    with pytest.raises(ValueError, match=r"LessThan\(upper_bound=0.0\)"):
        D.Uniform(1.0, 0.0)
    # a parameter given as logits shows in the repr; probs from the first time it is read
    b = D.Bernoulli(logits=torch.tensor([0.5, -1.0]))
    assert repr(b) == "Bernoulli(logits: torch.Size([2]))"
    b.probs
    assert repr(b) == "Bernoulli(probs: torch.Size([2]), logits: torch.Size([2]))"
    assert repr(D.HalfNormal(1.0)) == "HalfNormal()"


def test_expand_and_enumerate_support(device):
    d = D.Normal(torch.zeros(3, device=device), 1.0).expand((2, 3))
    assert d.batch_shape == (2, 3) and d.sample().shape == (2, 3) and d.loc.shape == (2, 3)
    with pytest.raises(RuntimeError, match="expanded size"):
        D.Normal(torch.zeros(3), 1.0).expand((2, 4))
    c = D.Categorical(logits=torch.zeros(3, device=device)).expand((4,))
    assert c.batch_shape == (4,) and c.sample().shape == (4,)
    m = D.MultivariateNormal(torch.zeros(2, device=device), torch.eye(2, device=device)
                             ).expand((3,))
    assert m.sample().shape == (3, 2) and m.log_prob(torch.zeros(3, 2, device=device)
                                                     ).shape == (3,)
    mix = D.MixtureSameFamily(D.Categorical(torch.ones(3, device=device)),
                              D.Normal(torch.zeros(3, device=device), 1.0)).expand((2,))
    assert mix.sample().shape == (2,)

    class Custom(D.Normal):
        def __init__(self, loc):
            super().__init__(loc, 1.0)
    with pytest.raises(NotImplementedError, match="must also define a custom .expand"):
        Custom(torch.zeros(2)).expand((3, 2))
    bern = D.Bernoulli(torch.tensor([0.2, 0.7], device=device))
    assert host(bern.enumerate_support()).tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert bern.enumerate_support(expand=False).shape == (2, 1)
    onehot = D.OneHotCategorical(torch.ones(2, 3, device=device))
    assert onehot.enumerate_support().shape == (3, 2, 3)
    np.testing.assert_array_equal(host(onehot.enumerate_support(False))[:, 0], np.eye(3))
    with pytest.raises(NotImplementedError, match="cartesian product"):
        D.Independent(bern, 1).enumerate_support()


def test_straight_through_and_exponential_family_entropy(device):
    probs = torch.tensor([0.2, 0.3, 0.5], device=device, requires_grad=True)
    d = D.OneHotCategoricalStraightThrough(probs=probs)
    s = d.rsample((7,))
    assert np.allclose(host(s.sum(-1)), 1.0)
    (s * torch.arange(3.0, device=device)).sum().backward()
    g = 7 * np.arange(3.0)  # (straight through to the normalised probs, p / sum(p))
    np.testing.assert_allclose(host(probs.grad), g - g @ [0.2, 0.3, 0.5], atol=1e-5)

    class Exp(D.ExponentialFamily):  # the exponential distribution in natural form
        arg_constraints = {"rate": C.positive}

        def __init__(self, rate):
            self.rate = rate
            super().__init__(rate.shape)

        _natural_params = property(lambda self: (-self.rate,))
        _mean_carrier_measure = 0

        def _log_normalizer(self, x):
            return -(-x).log()
    rate = torch.tensor([0.5, 2.0], dtype=torch.float64, device=device)
    np.testing.assert_allclose(host(Exp(rate).entropy()), 1 - np.log([0.5, 2.0]), rtol=1e-12)


def test_per_family_submodules_import_like_pytorch():
    from autograd_gpu.distributions.categorical import Categorical
    from autograd_gpu.distributions.kl import kl_divergence
    from autograd_gpu.distributions.normal import Normal
    from autograd_gpu.distributions.one_hot_categorical import (
        OneHotCategoricalStraightThrough)
    from autograd_gpu.distributions.utils import probs_to_logits

    assert Categorical is D.Categorical and Normal is D.Normal
    assert OneHotCategoricalStraightThrough is D.OneHotCategoricalStraightThrough
    assert float(kl_divergence(Normal(0.0, 1.0), Normal(0.0, 1.0))) == 0.0
    np.testing.assert_allclose(host(probs_to_logits(torch.tensor([0.5]), is_binary=True)),
                               [0.0], atol=1e-7)


_KL_PAIRS = {  # p, q: pairs with a finite KL, each checked against a Monte Carlo estimate
    "normal-laplace": (lambda: D.Normal(0.3, 1.2), lambda: D.Laplace(-0.2, 0.9)),
    "normal-gumbel": (lambda: D.Normal(0.3, 1.2), lambda: D.Gumbel(-0.2, 1.5)),
    "laplace-normal": (lambda: D.Laplace(0.1, 0.7), lambda: D.Normal(0.4, 1.3)),
    "exponential-gamma": (lambda: D.Exponential(1.5), lambda: D.Gamma(2.0, 1.5)),
    "exponential-normal": (lambda: D.Exponential(1.5), lambda: D.Normal(0.5, 1.0)),
    "exponential-gumbel": (lambda: D.Exponential(1.5), lambda: D.Gumbel(0.5, 1.0)),
    "gamma-exponential": (lambda: D.Gamma(2.0, 1.5), lambda: D.Exponential(0.8)),
    "gamma-normal": (lambda: D.Gamma(2.0, 1.5), lambda: D.Normal(1.0, 2.0)),
    "gamma-gumbel": (lambda: D.Gamma(2.0, 1.5), lambda: D.Gumbel(1.0, 2.0)),
    "beta-normal": (lambda: D.Beta(2.0, 3.0), lambda: D.Normal(0.5, 1.0)),
    "beta-gamma": (lambda: D.Beta(2.0, 3.0), lambda: D.Gamma(2.0, 3.0)),
    "beta-exponential": (lambda: D.Beta(2.0, 3.0), lambda: D.Exponential(2.0)),
    "beta-uniform": (lambda: D.Beta(2.0, 3.0), lambda: D.Uniform(-0.5, 1.5)),
    "uniform-beta": (lambda: D.Uniform(0.2, 0.7), lambda: D.Beta(2.0, 3.0)),
    "uniform-normal": (lambda: D.Uniform(0.2, 0.7), lambda: D.Normal(0.0, 1.0)),
    "uniform-gamma": (lambda: D.Uniform(0.2, 0.7), lambda: D.Gamma(2.0, 3.0)),
    "uniform-gumbel": (lambda: D.Uniform(0.2, 0.7), lambda: D.Gumbel(0.0, 1.0)),
    "uniform-exponential": (lambda: D.Uniform(0.2, 0.7), lambda: D.Exponential(2.0)),
    "uniform-pareto": (lambda: D.Uniform(1.2, 1.7), lambda: D.Pareto(1.0, 2.0)),
    "gumbel-normal": (lambda: D.Gumbel(0.1, 0.7), lambda: D.Normal(0.4, 1.3)),
    "gumbel-gumbel": (lambda: D.Gumbel(0.1, 0.7), lambda: D.Gumbel(0.4, 1.3)),
    "pareto-pareto": (lambda: D.Pareto(1.0, 3.0), lambda: D.Pareto(0.5, 2.0)),
    "pareto-exponential": (lambda: D.Pareto(1.0, 3.0), lambda: D.Exponential(0.5)),
    "pareto-gamma": (lambda: D.Pareto(1.0, 3.0), lambda: D.Gamma(2.0, 1.0)),
    "pareto-normal": (lambda: D.Pareto(1.0, 3.0), lambda: D.Normal(1.0, 2.0)),
    "cauchy-cauchy": (lambda: D.Cauchy(0.1, 0.7), lambda: D.Cauchy(0.4, 1.3)),
    "halfnormal-halfnormal": (lambda: D.HalfNormal(0.7), lambda: D.HalfNormal(1.3)),
    "cb-cb": (lambda: D.ContinuousBernoulli(0.2), lambda: D.ContinuousBernoulli(0.7)),
    "cb-normal": (lambda: D.ContinuousBernoulli(0.2), lambda: D.Normal(0.3, 0.8)),
    "cb-exponential": (lambda: D.ContinuousBernoulli(0.8), lambda: D.Exponential(1.5)),
    "cb-uniform": (lambda: D.ContinuousBernoulli(0.8), lambda: D.Uniform(-0.5, 1.5)),
    "beta-cb": (lambda: D.Beta(2.0, 3.0), lambda: D.ContinuousBernoulli(0.3)),
    "uniform-cb": (lambda: D.Uniform(0.2, 0.7), lambda: D.ContinuousBernoulli(0.3)),
}


@pytest.mark.parametrize("pair", sorted(_KL_PAIRS))
def test_cross_family_kl_matches_monte_carlo(pair):
    torch.set_default_dtype(torch.float64)
    try:
        p, q = (make() for make in _KL_PAIRS[pair])
        torch.manual_seed(0)
        x = p.sample((200000,))
        ratio = p.log_prob(x) - q.log_prob(x)
        estimate, err = float(ratio.mean()), float(ratio.std()) / math.sqrt(x.shape[0])
        assert float(D.kl_divergence(p, q)) == pytest.approx(estimate, abs=5 * err + 1e-3)
    finally:
        torch.set_default_dtype(torch.float32)


def test_discrete_kl_is_the_sum_over_the_support_and_infinite_off_it():
    def exact(p, q, values):
        lp, lq = p.log_prob(values), q.log_prob(values)
        return float((lp.exp() * (lp - lq)).sum())
    n = torch.arange(0.0, 400.0, dtype=torch.float64)
    p, q = D.Geometric(torch.tensor(0.3, dtype=torch.float64)), D.Geometric(
        torch.tensor(0.6, dtype=torch.float64))
    assert float(D.kl_divergence(p, q)) == pytest.approx(exact(p, q, n), rel=1e-9)
    p, q = D.Binomial(5, torch.tensor(0.3, dtype=torch.float64)), D.Binomial(
        5, torch.tensor(0.6, dtype=torch.float64))
    assert float(D.kl_divergence(p, q)) == pytest.approx(exact(p, q, n[:6]), rel=1e-9)
    with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
        D.kl_divergence(D.Binomial(3, torch.tensor(0.5)), D.Binomial(5, torch.tensor(0.5)))
    for p, q in [(D.Normal(0.0, 1.0), D.Exponential(1.0)), (D.Gamma(2.0, 1.0),
                 D.Uniform(0.0, 1.0)), (D.Poisson(2.0), D.Bernoulli(0.5)),
                 (D.Pareto(1.0, 0.5), D.Normal(0.0, 1.0)), (D.Uniform(-1.0, 1.0),
                                                            D.Exponential(1.0))]:
        assert float(D.kl_divergence(p, q)) == math.inf, (p, q)
    with pytest.raises(NotImplementedError, match="different exponential families"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Poisson(1.0))
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Gumbel(0.0, 1.0), D.Cauchy(0.0, 1.0))

    class MyNormal(D.Normal):
        pass
    assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 0.5


def _integrate(f, low, high, n=20001):
    x = np.linspace(low, high, n)
    return np.trapezoid(f(x), x) if hasattr(np, "trapezoid") else np.trapz(f(x), x)


@pytest.mark.parametrize("p", [0.2, 0.4995, 0.9])
def test_continuous_bernoulli_density_moments_and_quantiles(p):
    d = D.ContinuousBernoulli(torch.tensor(p, dtype=torch.float64))

    def density(x):
        return host(d.log_prob(torch.tensor(x, dtype=torch.float64)).exp())
    assert _integrate(density, 0, 1) == pytest.approx(1.0, abs=1e-6)
    mean = _integrate(lambda x: x * density(x), 0, 1)
    assert float(d.mean) == pytest.approx(mean, abs=1e-6)
    assert float(d.variance) == pytest.approx(
        _integrate(lambda x: (x - mean) ** 2 * density(x), 0, 1), abs=1e-6)
    u = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    np.testing.assert_allclose(host(d.cdf(d.icdf(u))), host(u), atol=1e-9)
    entropy = -_integrate(lambda x: density(x) * np.log(density(x)), 0, 1)
    assert float(d.entropy()) == pytest.approx(entropy, abs=1e-6)
    with pytest.raises(ValueError, match="The parameter probs has invalid values"):
        D.ContinuousBernoulli(torch.tensor([1.5]), validate_args=True)


def test_von_mises_density_sampling_and_variance():
    loc, kappa = 0.7, 2.5
    d = D.VonMises(torch.tensor(loc, dtype=torch.float64), torch.tensor(kappa,
                                                                         dtype=torch.float64))

    def density(x):
        return host(d.log_prob(torch.tensor(x, dtype=torch.float64)).exp())
    assert _integrate(density, -math.pi, math.pi) == pytest.approx(1.0, abs=1e-6)
    circular_variance = 1 - _integrate(lambda x: np.cos(x - loc) * density(x), -math.pi,
                                       math.pi)
    assert float(d.variance) == pytest.approx(circular_variance, abs=1e-6)
    torch.manual_seed(0)
    s = host(d.sample((20000,)))
    assert ((s >= -math.pi) & (s < math.pi)).all()
    assert np.angle(np.exp(1j * s).mean()) == pytest.approx(loc, abs=0.03)
    assert 1 - abs(np.exp(1j * s).mean()) == pytest.approx(circular_variance, abs=0.01)


def test_low_rank_normal_matches_the_full_covariance_normal(device):
    kw = dict(dtype=torch.float64, device=device)
    loc = torch.tensor([0.3, -0.5, 1.0], **kw)
    w = torch.tensor([[0.5, 0.1], [-0.3, 0.8], [0.2, -0.4]], **kw)
    diag = torch.tensor([0.7, 1.2, 0.4], **kw)
    low = D.LowRankMultivariateNormal(loc, w, diag)
    cov = w @ w.T + torch.diag(diag)
    full = D.MultivariateNormal(loc, cov)
    v = torch.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]], **kw)
    np.testing.assert_allclose(host(low.log_prob(v)), host(full.log_prob(v)), rtol=1e-12)
    assert float(low.entropy()) == pytest.approx(float(full.entropy()), rel=1e-12)
    np.testing.assert_allclose(host(low.covariance_matrix), host(cov), rtol=1e-12)
    np.testing.assert_allclose(host(low.precision_matrix), np.linalg.inv(host(cov)),
                               rtol=1e-10)
    np.testing.assert_allclose(host(low.scale_tril @ low.scale_tril.mT), host(cov), rtol=1e-12)
    other_w, other_diag = w.flip(0) * 0.5, diag.flip(0) + 0.3
    other = D.LowRankMultivariateNormal(loc + 0.2, other_w, other_diag)
    other_full = D.MultivariateNormal(loc + 0.2, other_w @ other_w.T + torch.diag(other_diag))
    want = float(D.kl_divergence(full, other_full))
    for p, q in [(low, other), (full, other), (low, other_full)]:
        assert float(D.kl_divergence(p, q)) == pytest.approx(want, rel=1e-10)
    torch.manual_seed(0)
    s = low.rsample((40000,))
    np.testing.assert_allclose(np.cov(host(s).T), host(cov), atol=0.05)
    with pytest.raises(ValueError, match="cov_factor must be a batch of matrices"):
        D.LowRankMultivariateNormal(loc, torch.ones(2, 2, **kw), diag)
    with pytest.raises(ValueError, match="Incompatible batch shapes"):
        D.LowRankMultivariateNormal(torch.zeros(2, 3, **kw), torch.ones(4, 3, 2, **kw), diag)


@pytest.mark.parametrize("concentration", [0.3, 0.0, -0.25])
def test_generalized_pareto_density_cdf_and_quantiles(concentration):
    d = D.GeneralizedPareto(torch.tensor(1.0, dtype=torch.float64),
                            torch.tensor(2.0, dtype=torch.float64),
                            torch.tensor(concentration, dtype=torch.float64))
    upper = 1.0 + 2.0 / -concentration if concentration < 0 else 400.0

    def density(x):
        return host(d.log_prob(torch.tensor(x, dtype=torch.float64)).exp())
    assert _integrate(density, 1.0, upper, 400001) == pytest.approx(1.0, abs=2e-3)
    x = torch.tensor([1.5, 3.0], dtype=torch.float64)
    for xi, ci in zip(host(x), host(d.cdf(x))):
        assert ci == pytest.approx(_integrate(density, 1.0, xi), abs=1e-6)
    u = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    np.testing.assert_allclose(host(d.cdf(d.icdf(u))), host(u), rtol=1e-10)
    assert float(d.support.lower_bound) == 1.0
    if concentration < 0.5:
        torch.manual_seed(0)
        s = d.rsample((100000,))
        assert float(s.mean()) == pytest.approx(float(d.mean), rel=0.03)


@pytest.mark.parametrize("eta", [1.0, 2.5])
def test_lkj_cholesky_density_and_samples(eta):
    d = D.LKJCholesky(2, torch.tensor(eta, dtype=torch.float64))

    def density(r):  # over the one free entry, L = [[1, 0], [r, sqrt(1 - r^2)]]
        L = np.zeros((len(r), 2, 2))
        L[:, 0, 0], L[:, 1, 0], L[:, 1, 1] = 1, r, np.sqrt(1 - r ** 2)
        return host(d.log_prob(torch.tensor(L, dtype=torch.float64)).exp())
    assert _integrate(density, -1 + 1e-9, 1 - 1e-9) == pytest.approx(1.0, abs=1e-4)
    torch.manual_seed(0)
    s = D.LKJCholesky(4, torch.tensor(eta, dtype=torch.float64)).sample((4000,))
    assert bool(C.corr_cholesky.check(s).all())
    r = host(s[:, 1, 0])  # each correlation of an LKJ(eta) in dim 4 has variance 1/(2eta+3)
    assert r.var() == pytest.approx(1 / (2 * eta + 3), rel=0.1)
    with pytest.raises(ValueError, match="greater than or equal to 2"):
        D.LKJCholesky(1)


def test_wishart_in_one_dimension_is_a_scaled_chi_square():
    df, var = 5.0, 2.0
    w = D.Wishart(torch.tensor(df, dtype=torch.float64),
                  covariance_matrix=torch.tensor([[var]], dtype=torch.float64))
    g = D.Gamma(torch.tensor(df / 2, dtype=torch.float64),
                torch.tensor(1 / (2 * var), dtype=torch.float64))
    x = torch.tensor([0.5, 3.0, 9.0], dtype=torch.float64)
    np.testing.assert_allclose(host(w.log_prob(x.reshape(3, 1, 1))), host(g.log_prob(x)),
                               rtol=1e-12)
    assert float(w.entropy()) == pytest.approx(float(g.entropy()), rel=1e-12)
    sigma = torch.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=torch.float64)
    w2 = D.Wishart(torch.tensor(6.0, dtype=torch.float64), scale_tril=torch.linalg.cholesky(sigma))
    torch.manual_seed(0)
    s = w2.rsample((20000,))
    np.testing.assert_allclose(host(s.mean(0)), 6 * host(sigma), rtol=0.03)
    np.testing.assert_allclose(host(s.var(0)), host(w2.variance), rtol=0.08)
    np.testing.assert_allclose(host(w2.precision_matrix), np.linalg.inv(host(sigma)),
                               rtol=1e-12)
    with pytest.raises(ValueError, match="expected to be greater than ndim - 1"):
        D.Wishart(0.5, torch.eye(2))


def test_base_distribution_methods_and_the_new_moments():
    class Bare(D.Distribution):
        arg_constraints = {}

        def __init__(self):
            super().__init__(torch.Size([2]))
    bare = Bare()
    for name in ("log_prob", "cdf", "icdf"):
        with pytest.raises(NotImplementedError):
            getattr(bare, name)(torch.zeros(2))
    with pytest.raises(NotImplementedError, match="does not implement mode"):
        bare.mode
    with pytest.raises(NotImplementedError):
        bare.sample()
    assert bare._extended_shape((3,)) == (3, 2) and bare._validate_args

    class FromRsample(Bare):  # sample() falls back on a subclass's own rsample
        def rsample(self, sample_shape=()):
            return torch.ones(self._extended_shape(sample_shape))
    assert FromRsample().sample((4,)).shape == (4, 2)
    lap = D.Laplace(torch.tensor(0.5, dtype=torch.float64), torch.tensor(2.0,
                                                                         dtype=torch.float64))
    u = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    np.testing.assert_allclose(host(lap.cdf(lap.icdf(u))), host(u), rtol=1e-12)
    assert float(lap.cdf(torch.tensor(0.5, dtype=torch.float64))) == 0.5
    assert float(D.Uniform(1.0, 3.0).icdf(torch.tensor(0.25))) == 1.5
    assert host(D.Bernoulli(torch.tensor([0.2, 0.5, 0.9])).mode).tolist()[0::2] == [0.0, 1.0]
    # a multinomial's entropy, against the sum over its whole support
    m = D.Multinomial(3, torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64))
    counts = torch.tensor([[a, b, 3 - a - b] for a in range(4) for b in range(4 - a)],
                          dtype=torch.float64)
    lp = m.log_prob(counts)
    assert float(m.entropy()) == pytest.approx(-float((lp.exp() * lp).sum()), rel=1e-12)
