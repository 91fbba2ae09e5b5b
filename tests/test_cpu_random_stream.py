"""The CPU random stream draws what PyTorch's CPU generator draws: an MT19937 seeded as
torch.manual_seed seeds it, read as PyTorch's kernels read it (checked here against NumPy's
own MT19937 and against values PyTorch prints for seed 0), so a seeded program's weights,
data and shuffles are PyTorch's."""
from __future__ import annotations

import math
import struct

import numpy as np
import pytest

import autograd_gpu as torch


def _raw(seed: int, n: int) -> np.ndarray:
    bits = np.random.MT19937(0)
    bits._legacy_seeding(seed)
    return bits.random_raw(n)


def _doubles(raw: np.ndarray) -> np.ndarray:
    """Double uniforms from raw 32-bit draws as PyTorch makes them: two draws, high word
    first, their low 53 bits over 2^53."""
    return ((((raw[0::2] << np.uint64(32)) | raw[1::2]) & np.uint64(2 ** 53 - 1)) /
            2 ** 53).astype(np.float64)


def test_the_stream_is_mt19937_seeded_like_pytorch():
    # mt19937's first output for init_genrand(0) is 2357136044 (the reference generator's)
    assert int(_raw(0, 1)[0]) == 2357136044
    torch.manual_seed(0)
    # PyTorch's documented torch.rand after manual_seed(0): 0.4963, 0.7682, 0.0885
    np.testing.assert_allclose(torch.rand(3).numpy(), [0.4963, 0.7682, 0.0885], atol=1e-4)
    torch.manual_seed(0)
    raw = _raw(0, 20)
    want32 = (raw & 0xFFFFFF).astype(np.float64) / 2 ** 24
    np.testing.assert_array_equal(torch.rand(20).numpy(), want32.astype(np.float32))
    torch.manual_seed(0)
    want64 = _doubles(raw)
    np.testing.assert_array_equal(torch.rand(10, dtype=torch.float64).numpy(), want64)


def test_small_normals_come_in_box_muller_pairs_across_calls():
    torch.manual_seed(3)
    first, second = float(torch.randn(1, dtype=torch.float64)), \
        float(torch.randn(1, dtype=torch.float64))
    raw = _raw(3, 4)
    u = _doubles(raw)
    radius, theta = math.sqrt(-2 * math.log1p(-u[1])), 2 * math.pi * u[0]
    assert first == pytest.approx(radius * math.cos(theta), rel=1e-15)
    assert second == pytest.approx(radius * math.sin(theta), rel=1e-15)
    torch.manual_seed(3)  # (a new seed forgets the kept half of the pair)
    assert float(torch.randn(1, dtype=torch.float64)) == first


def test_large_normals_integers_and_permutations():
    torch.manual_seed(1)
    x = torch.randn(100000, dtype=torch.float64).numpy()
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    torch.manual_seed(1)
    a = torch.randn(37).numpy()  # (its last 16 redrawn from fresh uniforms, as PyTorch's)
    torch.manual_seed(1)
    b = torch.randn(32).numpy()
    assert np.array_equal(a[:21], b[:21]) and not np.array_equal(a[21:32], b[21:])
    torch.manual_seed(2)
    raw = _raw(2, 6)
    assert torch.randint(-5, 3, (6,)).tolist() == [int(r % 8) - 5 for r in raw]
    torch.manual_seed(2)
    perm = list(range(8))
    for i, r in enumerate(_raw(2, 7)):
        j = i + int(r) % (8 - i)
        perm[i], perm[j] = perm[j], perm[i]
    assert torch.randperm(8).tolist() == perm
    assert sorted(torch.randperm(1000).tolist()) == list(range(1000))


def test_fills_generators_and_state_round_trips():
    torch.manual_seed(5)
    u = torch.empty(4).uniform_(-2, 3)
    torch.manual_seed(5)
    base = torch.rand(4).numpy().astype(np.float64)
    np.testing.assert_array_equal(u.numpy(), (base * 5 - 2).astype(np.float32))
    g = torch.Generator().manual_seed(5)
    np.testing.assert_array_equal(torch.rand(4, generator=g).numpy(), base.astype(np.float32))
    torch.manual_seed(0)
    torch.randn(1)  # (leaves half a Box-Muller pair in the generator)
    state = torch.get_rng_state()
    after = torch.randn(5)
    torch.set_rng_state(state)
    np.testing.assert_array_equal(torch.randn(5).numpy(), after.numpy())


def test_shuffling_draws_a_fresh_generator_per_epoch():
    ds = torch.utils.data.TensorDataset(torch.arange(10))
    torch.manual_seed(0)
    epochs = [torch.cat([b[0] for b in torch.utils.data.DataLoader(ds, batch_size=4,
                                                                    shuffle=True)])
              for _ in range(2)]
    assert all(sorted(e.tolist()) == list(range(10)) for e in epochs)
    assert epochs[0].tolist() != epochs[1].tolist()
    torch.manual_seed(0)
    again = torch.cat([b[0] for b in torch.utils.data.DataLoader(ds, batch_size=4,
                                                                 shuffle=True)])
    assert again.tolist() == epochs[0].tolist()


def test_dropout_and_bernoulli_read_double_uniforms_as_pytorch():
    raw = _raw(0, 40)
    u = _doubles(raw)
    torch.manual_seed(0)
    y = torch.nn.functional.dropout(torch.ones(20), 0.3)
    np.testing.assert_array_equal(y.numpy() > 0, u < 0.7)
    np.testing.assert_allclose(y.numpy()[y.numpy() > 0], 1 / np.float32(0.7), rtol=1e-7)
    torch.manual_seed(0)
    np.testing.assert_array_equal(torch.empty(20).bernoulli_(0.3).numpy(), (u < 0.3) * 1.0)
    torch.manual_seed(0)
    g = torch.empty(20).geometric_(0.4).numpy()
    np.testing.assert_array_equal(g, np.ceil(np.log(u) / np.log1p(-0.4)))


@pytest.mark.parametrize("bounds", [(-2.0, 2.0), (3.0, 3.5)])
def test_truncated_normal_stays_in_bounds_with_the_right_mean(bounds):
    a, b = bounds
    torch.manual_seed(0)
    w = torch.nn.init.trunc_normal_(torch.empty(20000, dtype=torch.float64), 1.0, 2.0, a, b)
    x = w.numpy()
    assert x.min() >= a and x.max() <= b
    # the mean of N(1, 4) truncated to [a, b]
    alpha, beta = (a - 1) / 2, (b - 1) / 2
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    want = 1 + 2 * (pdf(alpha) - pdf(beta)) / (cdf(beta) - cdf(alpha))
    assert x.mean() == pytest.approx(want, abs=0.03)


def test_multinomial_draws_as_pytorch():
    p = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0.25, 0.125, 0.125]])
    raw = _raw(0, 16)
    u = _doubles(raw)
    # one draw (or none repeated): the largest p / e, e = -log(1 - u) in p's dtype
    keys = p.numpy() / (-np.log1p(-u)).astype(np.float32).reshape(2, 4)
    torch.manual_seed(0)
    assert torch.multinomial(p, 1).ravel().tolist() == keys.argmax(1).tolist()
    torch.manual_seed(0)
    assert torch.multinomial(p, 3).tolist() == np.argsort(-keys, 1)[:, :3].tolist()
    # with replacement: each double uniform inverts the row's CDF
    torch.manual_seed(0)
    got = torch.multinomial(p, 4, replacement=True).numpy()
    cdf = np.cumsum(p.numpy().astype(np.float64), 1)
    want = [[int(np.searchsorted(cdf[i] / cdf[i, -1], u[4 * i + j])) for j in range(4)]
            for i in range(2)]
    assert got.tolist() == want
    torch.manual_seed(0)
    counts = np.bincount(torch.multinomial(p[0], 20000, replacement=True).numpy(), minlength=4)
    np.testing.assert_allclose(counts / 20000, [0.1, 0.2, 0.3, 0.4], atol=0.015)


def test_gamma_draws_follow_marsaglia_tsang_on_the_stream():
    torch.manual_seed(4)
    x = torch.distributions.Gamma(torch.tensor([0.5, 3.0], dtype=torch.float64),
                                  1.0).sample((20000,)).numpy()
    np.testing.assert_allclose(x.mean(0), [0.5, 3.0], rtol=0.03)
    np.testing.assert_allclose(x.var(0), [0.5, 3.0], rtol=0.06)
    torch.manual_seed(4)  # (the same seed, the same draws)
    y = torch.distributions.Gamma(torch.tensor([0.5, 3.0], dtype=torch.float64),
                                  1.0).sample((20000,)).numpy()
    np.testing.assert_array_equal(x, y)


def test_poisson_draws_small_and_large_rates():
    torch.manual_seed(6)
    rates = torch.tensor([0.5, 4.0, 30.0], dtype=torch.float64).expand(3000, 3)
    x = torch.poisson(rates.contiguous()).numpy()
    np.testing.assert_allclose(x.mean(0), [0.5, 4.0, 30.0], rtol=0.05)
    np.testing.assert_allclose(x.var(0), [0.5, 4.0, 30.0], rtol=0.12)
    assert (x == np.floor(x)).all() and (x >= 0).all()
    assert float(torch.poisson(torch.zeros(3)).sum()) == 0.0


def test_float32_normal_blocks_follow_the_float32_kernel():
    """Blocks of 16 float32 normals use float32 approximations of log and sincos: within a
    couple of units in the last place of the exact Box-Muller values (and, where PyTorch is
    installed, equal to its draws bit for bit)."""
    torch.manual_seed(9)
    got = torch.randn(4096).numpy()
    raw = _raw(9, 4096)
    u = ((raw & 0xFFFFFF).astype(np.float64) / 2 ** 24).astype(np.float32).reshape(-1, 16)
    radius = np.sqrt(-2 * np.log((np.float32(1) - u[:, :8]).astype(np.float64)))
    theta = (np.float32(2 * math.pi) * u[:, 8:]).astype(np.float64)  # (rounded as the kernel)
    exact = np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], 1).reshape(-1)
    np.testing.assert_allclose(got, exact, rtol=3e-7, atol=3e-7)
    reference = pytest.importorskip("torch")
    reference.manual_seed(9)
    np.testing.assert_array_equal(got, reference.randn(4096).numpy())


@pytest.mark.parametrize("count, prob", [(8.0, 0.3), (200.0, 0.4), (150.0, 0.85)])
def test_binomial_draws_inversion_and_btrs(count, prob):
    torch.manual_seed(7)
    x = torch.binomial(torch.full((4000,), count, dtype=torch.float64),
                       torch.full((4000,), prob, dtype=torch.float64)).numpy()
    assert ((x >= 0) & (x <= count) & (x == np.floor(x))).all()
    assert x.mean() == pytest.approx(count * prob, rel=0.02)
    assert x.var() == pytest.approx(count * prob * (1 - prob), rel=0.1)
    torch.manual_seed(7)  # (the same seed, the same draws)
    np.testing.assert_array_equal(torch.binomial(torch.full((4000,), count, dtype=torch.float64),
                                                 torch.full((4000,), prob,
                                                            dtype=torch.float64)).numpy(), x)


def test_rrelu_draws_a_slope_only_for_elements_at_or_below_zero():
    x = torch.tensor([-2.0, 1.0, -1.0, 0.5, 0.0], dtype=torch.float64, requires_grad=True)
    torch.manual_seed(8)
    y = torch.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    raw = _raw(8, 6)
    u = _doubles(raw)
    slopes = u * 0.2 + 0.1  # (three draws: for -2, -1 and 0)
    np.testing.assert_allclose(y.detach().numpy(), [-2 * slopes[0], 1.0, -slopes[1], 0.5, 0.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [slopes[0], 1.0, slopes[1], 1.0, slopes[2]])


def test_the_state_has_pytorchs_layout():
    torch.manual_seed(5)
    torch.rand(3)
    torch.randn(1, dtype=torch.float64)  # (keeps the second value of a Box-Muller pair)
    state = torch.get_rng_state()
    raw = state.numpy().tobytes()
    assert state.shape == (5056,) and state.dtype == torch.uint8
    seed, left, seeded, nxt = struct.unpack_from("<QiiQ", raw, 0)
    assert (seed, left, seeded, nxt) == (5, 625 - 7, 1, 7)  # (7 words drawn so far)
    key = np.frombuffer(raw, "<u8", 624, 24)
    bits = np.random.MT19937(0)
    bits._legacy_seeding(5)
    bits.random_raw(1)  # (twists the first block, as the first draw did)
    np.testing.assert_array_equal(key, bits.state["state"]["key"])
    after = torch.randn(2, dtype=torch.float64)
    torch.manual_seed(0)
    torch.set_rng_state(state)
    np.testing.assert_array_equal(torch.randn(2, dtype=torch.float64).numpy(), after.numpy())
    with pytest.raises(RuntimeError, match="size 5056 but found the input RNG state size"):
        torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))
