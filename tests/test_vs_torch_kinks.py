"""Values and first derivatives at kinks, bounds and saturation (0, +-1, +-3, +-6, +-20,
+-30) of activations, losses and piecewise ops, side by side with PyTorch (skipped without
it): a formula's choice at a kink (which branch owns the point, a subgradient of 0 or of 1)
is where two correct-looking implementations disagree."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag

torch = pytest.importorskip("torch")

POINTS = [-30.0, -20.0, -6.0, -3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 6.0, 20.0, 30.0]


def fns(L):
    F = L.nn.functional
    t = L.tensor(
        [0.0, 0.25, 0.5, 1.0, 0.0, 1.0, 0.5, 0.5, 0.5, 0.0, 1.0, 0.3, 0.7, 1.0, 0.0],
        dtype=L.float64,
    )
    pm = L.tensor([1.0, -1.0] * 7 + [1.0], dtype=L.float64)
    z = L.zeros(len(POINTS), dtype=L.float64)
    return {
        "relu": F.relu,
        "leaky_relu": F.leaky_relu,
        "elu": F.elu,
        "selu": F.selu,
        "celu": lambda x: F.celu(x, 2.0),
        "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "silu": F.silu,
        "mish": F.mish,
        "softplus": F.softplus,
        "softplus_b": lambda x: F.softplus(x, 2.0, 5.0),
        "hardswish": F.hardswish,
        "hardsigmoid": F.hardsigmoid,
        "hardtanh": F.hardtanh,
        "relu6": F.relu6,
        "logsigmoid": F.logsigmoid,
        "softsign": F.softsign,
        "tanhshrink": F.tanhshrink,
        "softshrink": F.softshrink,
        "hardshrink": F.hardshrink,
        "threshold": lambda x: F.threshold(x, 1.0, -2.0),
        "sigmoid": L.sigmoid,
        "tanh": L.tanh,
        "abs": L.abs,
        "sign": L.sign,
        "clamp": lambda x: x.clamp(-1, 1),
        "clamp_min": lambda x: x.clamp(min=0),
        "clamp_max": lambda x: x.clamp(max=0),
        "maximum": lambda x: L.maximum(x, z),
        "minimum": lambda x: L.minimum(x, z),
        "max_all": lambda x: x.max(),
        "amax": lambda x: L.stack([x, -x]).amax(0),
        "norm": lambda x: x.norm(),
        "norm1": lambda x: x.norm(p=1),
        "sqrt_abs": lambda x: x.abs().sqrt(),
        "pow_frac": lambda x: x.abs() ** 1.5,
        "pow0": lambda x: x**0,
        "pow2": lambda x: x**2,
        "x_pow_x": lambda x: x.abs() ** x,
        "bce_logits": lambda x: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
        "bce_logits_pw": lambda x: F.binary_cross_entropy_with_logits(
            x, t, pos_weight=L.tensor(2.0, dtype=L.float64), reduction="none"
        ),
        "smooth_l1": lambda x: F.smooth_l1_loss(x, z, reduction="none"),
        "huber": lambda x: F.huber_loss(x, z, reduction="none", delta=2.0),
        "l1": lambda x: F.l1_loss(x, z, reduction="none"),
        "soft_margin": lambda x: F.soft_margin_loss(x, pm, reduction="none"),
        "hinge": lambda x: F.hinge_embedding_loss(x, pm, reduction="none"),
        "margin_rank": lambda x: F.margin_ranking_loss(x, z, pm, reduction="none"),
        "multilabel_soft": lambda x: F.multilabel_soft_margin_loss(
            x.reshape(3, 5), t.reshape(3, 5), reduction="none"
        ),
        "poisson": lambda x: F.poisson_nll_loss(x, t.abs(), reduction="none"),
        "kl": lambda x: F.kl_div(x, t, reduction="none"),
        "prelu": lambda x: F.prelu(x, L.tensor([0.25], dtype=L.float64)),
        "rrelu_eval": lambda x: F.rrelu(x, training=False),
        "logit": lambda x: L.logit(x.sigmoid()),
        "round": L.round,
        "floor": L.floor,
        "frac": L.frac,
        "fmod": lambda x: L.fmod(x, 2.0),
        "remainder": lambda x: L.remainder(x, 2.0),
        "atan2": lambda x: L.atan2(x, z + 1),
        "hypot": lambda x: L.hypot(x, z),
        "dist": lambda x: L.dist(x, z),
        "cdist": lambda x: L.cdist(x.reshape(-1, 1), z.reshape(-1, 1)),
        "pdist_like": lambda x: F.pairwise_distance(x.reshape(-1, 1), z.reshape(-1, 1)),
        "cos_sim": lambda x: F.cosine_similarity(x.reshape(1, -1), (z + 1).reshape(1, -1)),
        "normalize": lambda x: F.normalize(x.reshape(1, -1)),
        "std": lambda x: (x * 0).std(),
        "var0": lambda x: (x * 0).var(),
        "logsumexp": lambda x: L.logsumexp(x, 0),
        "relu_sq": lambda x: F.relu(x) ** 2,
        "elu_neg": lambda x: F.elu(x, alpha=0.5),
        "glu": lambda x: F.glu(L.cat([x, x.flip(0)])),
        "median": lambda x: L.cat([x, x]).median(),
        "sort": lambda x: L.cat([x, x]).sort()[0],
        "topk": lambda x: L.cat([x, x]).topk(3)[0],
        "cummax": lambda x: L.cat([x, x]).cummax(0)[0],
        "max_dim": lambda x: L.stack([x, x]).max(0)[0],
        "kth": lambda x: L.cat([x, x]).kthvalue(4)[0],
        "amin_tie": lambda x: L.stack([x, x]).amin(0),
        "max_tie": lambda x: L.stack([x, x]).max(),
        "mode": lambda x: L.cat([x, x]).mode()[0],
        "where_nan": lambda x: L.where(x > 0, x.sqrt(), z),
        "sinc": L.sinc,
        "erfinv": lambda x: L.erfinv(x.tanh() * 0.99),
        "lgamma": lambda x: L.lgamma(x.abs() + 0.5),
        "digamma": lambda x: L.digamma(x.abs() + 0.5),
        "heaviside": lambda x: L.heaviside(x, z),
        "copysign": lambda x: L.copysign(z + 1, x),
        "fmax": lambda x: L.fmax(x, z),
        "fmin": lambda x: L.fmin(x, z),
        "maxpool": lambda x: F.max_pool1d(L.cat([x, x]).reshape(1, 1, -1), 2),
        "adaptive_max": lambda x: F.adaptive_max_pool1d(x.reshape(1, 1, -1), 4),
        "cross_entropy": lambda x: F.cross_entropy(x.reshape(3, 5), L.tensor([0, 2, 4])),
        "ce_ls": lambda x: F.cross_entropy(
            x.reshape(3, 5), L.tensor([0, 2, 4]), label_smoothing=0.2
        ),
        "nll": lambda x: F.nll_loss(x.reshape(3, 5), L.tensor([0, 2, 4])),
        "log_softmax": lambda x: x.log_softmax(0),
        "softmax": lambda x: x.softmax(0),
        "bce": lambda x: F.binary_cross_entropy(x.sigmoid(), t, reduction="none"),
        "mse": lambda x: F.mse_loss(x, z, reduction="none"),
        "gauss": lambda x: F.gaussian_nll_loss(x, z, x.abs() + 1, reduction="none"),
        "triplet": lambda x: F.triplet_margin_loss(
            x.reshape(3, 5), z.reshape(3, 5), (z + 1).reshape(3, 5)
        ),
        "cosine_emb": lambda x: F.cosine_embedding_loss(
            x.reshape(3, 5), (z + 1).reshape(3, 5), L.tensor([1.0, -1.0, 1.0], dtype=L.float64)
        ),
        "multi_margin": lambda x: F.multi_margin_loss(x.reshape(3, 5), L.tensor([0, 2, 4])),
    }


@pytest.mark.parametrize("name", sorted(fns(torch)))
def test_value_and_gradient_at_kinks_match_pytorch(name):
    results = []
    for lib in (torch, ag):
        x = lib.tensor(POINTS, dtype=lib.float64, requires_grad=True)
        y = fns(lib)[name](x)
        y = y.sum() if y.dim() else y
        try:
            (g,) = lib.autograd.grad(y, x, allow_unused=True)
        except RuntimeError as exc:  # no derivative (heaviside): both refuse
            results.append((y.detach().numpy(), type(exc)))
            continue
        results.append((y.detach().numpy(), None if g is None else g.numpy()))
    (want, want_g), (got, got_g) = results
    if isinstance(want_g, type):
        assert got_g is want_g
        return
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    assert (want_g is None) == (got_g is None)
    if want_g is not None:
        np.testing.assert_allclose(got_g, want_g, rtol=1e-6, atol=1e-9)
