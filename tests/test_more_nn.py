"""The added torch.nn layers and functions: values against NumPy definitions, derivatives
against finite differences (float64), and their argument errors."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag
from autograd_gpu import nn
from autograd_gpu.autograd import gradcheck, gradgradcheck
from autograd_gpu.nn import functional as F

from .conftest import host


def t64(a, device, grad=True):
    return ag.tensor(np.asarray(a, np.float64), device=device, requires_grad=grad)


def test_instance_norm_normalises_each_sample_and_channel(device, rng):
    x = rng.standard_normal((2, 3, 5))
    out = host(F.instance_norm(t64(x, device, False)))
    ref = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(out, ref, atol=1e-12)
    m = nn.InstanceNorm1d(3, affine=True, track_running_stats=True).double().to(device)
    m(t64(x, device, False))
    np.testing.assert_allclose(host(m.running_mean), 0.1 * x.mean(-1).mean(0), atol=1e-12)
    np.testing.assert_allclose(host(m.running_var),
                               0.9 + 0.1 * x.var(-1, ddof=1).mean(0), atol=1e-12)
    m.eval()
    rm, rv = host(m.running_mean), host(m.running_var)
    np.testing.assert_allclose(host(m(t64(x, device, False))),
                               (x - rm[:, None]) / np.sqrt(rv[:, None] + 1e-5), atol=1e-12)
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        m(t64(np.ones((1, 3, 2, 2)), device, False))
    with pytest.raises(ValueError, match="to match num_features \\(3\\), but got: 4"):
        m(t64(np.ones((1, 4, 2)), device, False))
    xg = t64(rng.standard_normal((2, 2, 3, 3)), device)
    w, b = t64(rng.uniform(0.5, 1.5, 2), device), t64(rng.standard_normal(2), device)
    fn = lambda x, w, b: F.instance_norm(x, weight=w, bias=b)  # noqa: E731
    assert gradcheck(fn, (xg, w, b)) and gradgradcheck(fn, (xg, w, b), atol=1e-4)


def test_local_response_norm_is_its_definition(device, rng):
    x = rng.standard_normal((2, 5, 3))
    out = host(F.local_response_norm(t64(x, device, False), 3, alpha=0.1, beta=0.5, k=2.0))
    pad = np.pad(x * x, ((0, 0), (1, 1), (0, 0)))
    avg = (pad[:, :-2] + pad[:, 1:-1] + pad[:, 2:]) / 3
    np.testing.assert_allclose(out, x / (2.0 + 0.1 * avg) ** 0.5, atol=1e-12)
    xg = t64(rng.standard_normal((1, 4, 2, 2)), device)
    assert gradcheck(lambda x: F.local_response_norm(x, 2), (xg,))


def test_bilinear_and_its_module(device, rng):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    w, bias = rng.standard_normal((5, 3, 2)), rng.standard_normal(5)
    out = F.bilinear(t64(a, device), t64(b, device), t64(w, device), t64(bias, device))
    np.testing.assert_allclose(host(out), np.einsum("ni,oij,nj->no", a, w, b) + bias,
                               atol=1e-12)
    assert gradcheck(F.bilinear, tuple(t64(v, device) for v in (a, b, w, bias)))
    m = nn.Bilinear(3, 2, 5)
    bound = 1 / np.sqrt(3)
    assert tuple(m.weight.shape) == (5, 3, 2) and host(m.weight).max() <= bound
    assert tuple(m(ag.ones(7, 3), ag.ones(7, 2)).shape) == (7, 5)


def test_pooling_family(device, rng):
    x = rng.uniform(0.1, 2, (1, 2, 6))
    out = host(F.lp_pool1d(t64(x, device, False), 2, 3))
    ref = np.sqrt((x ** 2).reshape(1, 2, 2, 3).sum(-1))
    np.testing.assert_allclose(out, ref, atol=1e-12)
    xg = t64(rng.uniform(0.5, 2, (1, 1, 4, 4)), device)
    assert gradcheck(lambda x: F.lp_pool2d(x, 3, 2), (xg,))
    x = t64(rng.permutation(32).reshape(1, 2, 4, 4).astype(float), device)
    pooled, idx = F.max_pool2d(x, 2, return_indices=True)
    restored = F.max_unpool2d(pooled, idx, 2)
    h = host(x)
    keep = h == h.reshape(1, 2, 2, 2, 2, 2).max((3, 5)).repeat(2, 2).repeat(2, 3)
    np.testing.assert_array_equal(host(restored), np.where(keep, h, 0))
    assert gradcheck(lambda p: F.max_unpool2d(p, idx, 2), (pooled.detach().requires_grad_(),))
    with pytest.raises(ValueError, match="invalid output_size"):
        F.max_unpool2d(pooled, idx, 2, output_size=(9, 4))


def test_embedding_bag_modes(device):
    w = ag.arange(15.0, dtype=ag.float64, device=device).reshape(5, 3).requires_grad_()
    idx = ag.tensor([1, 2, 4, 4, 0], device=device)
    out = F.embedding_bag(idx, w, ag.tensor([0, 2, 2], device=device), mode="sum")
    W = host(w)
    np.testing.assert_allclose(host(out), [W[1] + W[2], np.zeros(3), W[4] + W[4] + W[0]])
    means = F.embedding_bag(ag.tensor([[1, 2], [4, 0]], device=device), w, mode="mean")
    np.testing.assert_allclose(host(means), [(W[1] + W[2]) / 2, (W[4] + W[0]) / 2])
    maxes = F.embedding_bag(ag.tensor([[1, 2], [4, 0]], device=device), w, mode="max")
    np.testing.assert_allclose(host(maxes), [W[2], W[4]])
    assert gradcheck(lambda w: F.embedding_bag(idx, w, ag.tensor([0, 2], device=device),
                                               mode="sum", per_sample_weights=ag.tensor(
                                                   [1.0, 2, 0.5, -1, 3], dtype=ag.float64,
                                                   device=device)), (w,))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(idx, w, ag.tensor([0]), per_sample_weights=ag.ones(5), mode="max")


def test_conv_transpose1d_is_the_adjoint_of_conv1d(device, rng):
    x, w = rng.standard_normal((2, 3, 7)), rng.standard_normal((3, 2, 3))
    y = rng.standard_normal((2, 2, 14))
    up = F.conv_transpose1d(t64(x, device, False), t64(w, device, False), stride=2, padding=1,
                            output_padding=1)
    assert tuple(up.shape) == (2, 2, 14)
    down = F.conv1d(t64(y, device, False), t64(w, device, False), stride=2, padding=1)
    # <conv_transpose(x), y> = <x, conv(y)> for the same weight, stride and padding
    assert np.isclose((host(up) * y).sum(), (x * host(down)[..., :7]).sum())
    assert gradcheck(lambda x, w: F.conv_transpose1d(x, w, stride=2),
                     (t64(x, device), t64(w, device)))
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride"):
        F.conv_transpose1d(t64(x, device), t64(w, device), stride=2, output_padding=2)
    m = nn.ConvTranspose1d(3, 4, 3, stride=2)
    assert tuple(m(ag.ones(1, 3, 5), output_size=[12]).shape) == (1, 4, 12)


def test_margin_losses(device, rng):
    x = rng.standard_normal((3, 4))
    y = np.array([3, 0, 2])
    got = host(F.multi_margin_loss(t64(x, device, False), ag.tensor(y, device=device),
                                   reduction="none"))
    ref = [sum(max(0, 1 - x[n, y[n]] + x[n, i]) for i in range(4) if i != y[n]) / 4
           for n in range(3)]
    np.testing.assert_allclose(got, ref, atol=1e-12)
    tgt = ag.tensor([[3, 0, -1, 1], [1, 2, 3, -1], [0, -1, 2, 2]], device=device)
    got = host(F.multilabel_margin_loss(t64(x, device, False), tgt, reduction="none"))
    labels = [{3, 0}, {1, 2, 3}, {0}]
    ref = [sum(max(0, 1 - (x[n, j] - x[n, i])) for j in labels[n] for i in range(4)
               if i not in labels[n]) / 4 for n in range(3)]
    np.testing.assert_allclose(got, ref, atol=1e-12)
    xg = t64(x, device)
    assert gradcheck(lambda x: F.multi_margin_loss(x, ag.tensor(y, device=device), p=2), (xg,))
    assert gradcheck(lambda x: F.multilabel_margin_loss(x, tgt), (xg,))
    a, p, n = (t64(rng.standard_normal((4, 3)), device) for _ in range(3))
    got = F.triplet_margin_with_distance_loss(a, p, n, swap=True, reduction="none")
    d = lambda u, v: np.linalg.norm(host(u) - host(v) + 1e-6, axis=1)  # noqa: E731
    ref = np.maximum(d(a, p) - np.minimum(d(a, n), d(p, n)) + 1.0, 0)
    np.testing.assert_allclose(host(got), ref, atol=1e-12)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=0)


def test_small_layers(device, rng):
    x = ag.arange(12.0, device=device).reshape(1, 6, 2)
    shuffled = host(F.channel_shuffle(x, 3))
    np.testing.assert_array_equal(shuffled[0, :, 0], [0, 4, 8, 2, 6, 10])
    s = host(nn.Softmax2d()(ag.tensor(rng.standard_normal((2, 3, 2, 2)), device=device)))
    np.testing.assert_allclose(s.sum(1), 1, atol=1e-6)
    r = nn.RReLU(0.1, 0.3)
    r.eval()
    assert host(r(ag.tensor([-2.0, 3.0]))).tolist() == pytest.approx([-0.4, 3.0])
    r.train()
    slopes = host(r(ag.full((1000,), -1.0))) * -1
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    d = nn.AlphaDropout(0.3)
    big = ag.tensor(rng.standard_normal(200000), dtype=ag.float64)
    out = host(d(big))  # keeps (approximately) zero mean and unit variance
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    d.eval()
    assert d(big) is big
    pd = host(F.pdist(ag.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]])))
    np.testing.assert_allclose(pd, [5.0, np.sqrt(2), np.sqrt(13)])
    g = F.gumbel_softmax(ag.tensor(rng.standard_normal((50, 4)), requires_grad=True), hard=True)
    assert set(np.unique(host(g)).tolist()) == {0.0, 1.0} and host(g).sum(1).tolist() == [1] * 50
    g.sum().backward()  # straight-through: a gradient flows
    unf = nn.Unfold(2, stride=2)(ag.arange(32.0).reshape(1, 2, 4, 4))
    np.testing.assert_array_equal(host(nn.Fold((4, 4), 2, stride=2)(unf)),
                                  np.arange(32.0).reshape(1, 2, 4, 4))


def test_embedding_max_norm_renormalizes_the_rows_it_reads():
    e = ag.nn.Embedding(4, 2, max_norm=1.0)
    with ag.no_grad():
        e.weight.copy_(ag.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, 0.0]]))
    y = e(ag.tensor([0, 1]))
    w = e.weight.detach().numpy()
    np.testing.assert_allclose(w[0], [0.6, 0.8], rtol=1e-6)  # norm 5 -> 1 (in place)
    np.testing.assert_allclose(w[1], [0.3, 0.4])  # under the limit: untouched
    np.testing.assert_allclose(w[2], [6.0, 8.0])  # not read: untouched
    np.testing.assert_allclose(y.detach().numpy(), w[:2], rtol=1e-6)
    assert repr(e) == "Embedding(4, 2, max_norm=1.0)"


def test_lazy_linear_takes_in_features_from_its_first_input():
    m = nn.LazyLinear(3)
    assert repr(m) == "LazyLinear(in_features=0, out_features=3, bias=True)"
    opt = ag.optim.SGD(m.parameters(), lr=0.1)  # made before the shapes are known
    y = m(ag.ones(2, 5))
    assert type(m).__name__ == "Linear" and m.weight.shape == (3, 5) and y.shape == (2, 3)
    y.sum().backward()
    before = m.weight.detach().clone()
    opt.step()
    np.testing.assert_allclose(m.weight.detach().numpy(), before.numpy() - 0.2, rtol=1e-6)


def test_dirac_kernel_passes_the_input_through_a_convolution():
    x = ag.linspace(-1, 1, 2 * 3 * 5 * 5).reshape(2, 3, 5, 5)
    w = nn.init.dirac_(ag.empty(3, 3, 3, 3))
    np.testing.assert_allclose(nn.functional.conv2d(x, w, padding=1).numpy(), x.numpy(),
                               atol=1e-6)
    g = nn.init.dirac_(ag.empty(4, 2, 3), groups=2)
    assert g.sum().item() == 4 and g[2, 0, 1].item() == 1 and g[1, 1, 1].item() == 1


def test_conv_transpose3d_is_the_adjoint_of_conv3d_and_differentiates(device):
    """<conv3d(x, w), y> == <x, conv_transpose3d(y, w)> for every stride/padding/dilation/
    groups (the defining property), and float64 gradients by finite differences."""
    rng = np.random.default_rng(0)
    for stride, padding, dilation, groups in (((1, 1, 1), 0, 1, 1), ((2, 1, 2), (1, 0, 1),
                                                                     (1, 2, 1), 1),
                                              (2, 1, 1, 2)):
        x = ag.tensor(rng.normal(size=(2, 4, 5, 6, 5)), device=device)
        w = ag.tensor(rng.normal(size=(6, 4 // groups, 3, 2, 3)), device=device)
        y_shape = F.conv3d(x, w, None, stride, padding, dilation,
                                             groups).shape
        y = ag.tensor(rng.normal(size=tuple(y_shape)), device=device)
        forward = (F.conv3d(x, w, None, stride, padding, dilation, groups)
                   * y).sum()
        back = F.conv_transpose3d(y, w, None, stride, padding, 0, groups,
                                                    dilation)
        back = back[..., :x.shape[2], :x.shape[3], :x.shape[4]]  # (the rows stride skips)
        assert forward.item() == pytest.approx((x * back).sum().item(), rel=1e-10)
    xs = ag.tensor(rng.normal(size=(1, 2, 2, 3, 2)), device=device, requires_grad=True)
    ws = ag.tensor(rng.normal(size=(2, 3, 2, 2, 2)), device=device, requires_grad=True)
    bs = ag.tensor([0.1, -0.2, 0.3], dtype=ag.float64, device=device, requires_grad=True)
    assert gradcheck(lambda a, b, c: F.conv_transpose3d(
        a, b, c, stride=2, padding=1, output_padding=1), (xs, ws, bs))
    m = nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1).to(device)
    assert m(ag.ones(2, 3, 3, 3, device=device), output_size=(6, 6, 6)).shape == (3, 6, 6, 6)


def test_lazy_modules_take_their_sizes_from_the_first_input(device):
    conv, bn = nn.LazyConv2d(4, 3).to(device), nn.LazyBatchNorm2d().to(device)
    assert repr(conv) == "LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))"
    opt = ag.optim.SGD([*conv.parameters(), *bn.parameters()], lr=0.1)  # (before the sizes)
    x = ag.ones(2, 3, 6, 6, device=device)
    bn(conv(x))
    assert type(conv) is nn.Conv2d and conv.in_channels == 3 and conv.weight.shape == (4, 3, 3, 3)
    assert type(bn) is nn.BatchNorm2d and bn.num_features == 4 and bn.running_mean.shape == (4,)
    assert isinstance(conv.weight, nn.Parameter) and type(conv.weight) is nn.Parameter
    before = host(conv.weight).copy()
    x2 = ag.arange(2 * 3 * 36.0, device=device).reshape(2, 3, 6, 6).sin()
    (bn(conv(x2)) * ag.arange(64.0, device=device).reshape(1, 4, 4, 4)).sum().backward()
    opt.step()
    assert not np.allclose(host(conv.weight), before)  # the optimizer holds the real ones
    norm = nn.LazyInstanceNorm1d().to(device)  # (affine and tracking by default, as PyTorch)
    norm(ag.ones(3, 5, device=device))  # unbatched: 3 features
    assert norm.num_features == 3 and norm.weight.shape == (3,) and norm.running_mean is not None
    up = nn.LazyConvTranspose3d(2, 2, stride=2).to(device)
    assert up(ag.ones(1, 5, 2, 2, 2, device=device)).shape == (1, 2, 4, 4, 4)
    assert up.in_channels == 5


def test_max_pool3d_indices_unpool_and_uneven_adaptive_windows(device):
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.normal(size=(2, 3, 5, 6, 4)), device=device, requires_grad=True)
    v, i = F.max_pool3d(x, (2, 3, 2), stride=(2, 1, 2), padding=(1, 1, 0), dilation=(1, 2, 1),
                        return_indices=True)
    flat = x.detach().flatten(2)
    assert ag.equal(flat.gather(2, i.flatten(2)), v.detach().flatten(2))  # indices find them
    v2, i2 = F.max_pool3d(x.detach(), 2, return_indices=True)
    back = F.max_unpool3d(v2, i2, 2, output_size=x.shape[-3:])
    assert back.shape == x.shape and ag.equal(back.flatten(2).gather(2, i2.flatten(2)),
                                              v2.flatten(2))
    assert int((back != 0).sum()) == v2.numel()
    sizes = (2, 4, 3)  # (5, 6, 4 are not multiples: windows of uneven size that overlap)
    a = host(x)
    expected = np.zeros((2, 3) + sizes)
    for d, h, w in np.ndindex(*sizes):
        sl = [slice(k * n // s, -(-(k + 1) * n // s)) for k, n, s in zip((d, h, w), (5, 6, 4),
                                                                          sizes)]
        expected[:, :, d, h, w] = a[:, :, sl[0], sl[1], sl[2]].max(axis=(2, 3, 4))
    out, idx = F.adaptive_max_pool3d(x, sizes, return_indices=True)
    np.testing.assert_allclose(host(out), expected)
    assert ag.equal(x.detach().flatten(2).gather(2, idx.flatten(2)), out.detach().flatten(2))
    small = x[:1, :1].detach().requires_grad_()
    assert gradcheck(lambda t: F.adaptive_max_pool3d(t, sizes), (small,))


def test_lp_pool3d_is_the_p_norm_of_each_window(device):
    rng = np.random.default_rng(5)
    a = np.abs(rng.standard_normal((2, 3, 4, 4, 6)))  # (an odd p of a negative sum: NaN,
    x = ag.tensor(a, dtype=ag.float64, device=device, requires_grad=True)  # as PyTorch)
    y = ag.nn.LPPool3d(3, (2, 2, 3))(x)
    want = np.cbrt((a.reshape(2, 3, 2, 2, 2, 2, 2, 3) ** 3).sum(axis=(3, 5, 7)))
    np.testing.assert_allclose(host(y), want, rtol=1e-10)
    assert gradcheck(lambda t: ag.nn.functional.lp_pool3d(t, 2.0, 2), (x,))
    values, idx = ag.nn.functional.max_pool3d_with_indices(x, 2)
    np.testing.assert_allclose(host(values), host(ag.nn.functional.max_pool3d(x, 2)))
    assert idx.dtype == ag.int64


def _ctc_brute_force(log_probs: np.ndarray, target: list, blank: int = 0) -> float:
    """-log of the total probability of every path that collapses to target."""
    import itertools

    T, C = log_probs.shape
    total = 0.0
    for path in itertools.product(range(C), repeat=T):
        collapsed = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
        if [k for k in collapsed if k != blank] == target:
            total += np.exp(sum(log_probs[t, k] for t, k in enumerate(path)))
    return -np.log(total) if total else np.inf


def test_ctc_loss_sums_every_alignment_and_differentiates(device):
    rng = np.random.default_rng(8)
    scores = rng.standard_normal((5, 3, 4))
    x = ag.tensor(scores, dtype=ag.float64, device=device, requires_grad=True)
    targets = [[1, 2], [3, 3], [2]]
    padded = ag.tensor([[1, 2], [3, 3], [2, 0]], device=device)
    lengths_in, lengths_t = [5, 4, 3], [2, 2, 1]
    losses = ag.nn.functional.ctc_loss(x.log_softmax(2), padded, lengths_in, lengths_t,
                                       reduction="none")
    logp = host(x.log_softmax(2))
    want = [_ctc_brute_force(logp[:lengths_in[n], n], targets[n]) for n in range(3)]
    np.testing.assert_allclose(host(losses), want, rtol=1e-10)
    assert losses.grad_fn.name() == "CtcLossBackward0"
    mean = ag.nn.CTCLoss()(x.log_softmax(2), padded, lengths_in, lengths_t)
    np.testing.assert_allclose(mean.item(), np.mean(np.array(want) / [2, 2, 1]), rtol=1e-10)
    flat = ag.tensor([1, 2, 3, 3, 2], device=device)  # concatenated targets: the same losses
    np.testing.assert_allclose(host(ag.nn.functional.ctc_loss(
        x.log_softmax(2), flat, lengths_in, lengths_t, reduction="none")), want, rtol=1e-12)
    f = lambda t: ag.nn.functional.ctc_loss(t.log_softmax(2), padded, lengths_in,  # noqa: E731
                                            lengths_t, reduction="sum")
    assert gradcheck(f, (x,))
    with pytest.raises(RuntimeError, match="derivative for aten::_ctc_loss_backward is not "
                                           "implemented"):  # (no second derivative, as PyTorch)
        gradgradcheck(f, (x,))
    short = ag.nn.functional.ctc_loss(x.log_softmax(2), ag.tensor([[1, 1, 1]] * 3,
                                      device=device), [4, 4, 4], [3, 3, 3], reduction="none")
    assert np.isinf(host(short)).all()  # 1,1,1 needs 5 steps (blanks between repeats)
    zeroed = ag.nn.functional.ctc_loss(x.log_softmax(2), ag.tensor([[1, 1, 1]] * 3,
                                       device=device), [4, 4, 5], [3, 3, 3], reduction="sum",
                                       zero_infinity=True)
    zeroed.backward()
    assert np.isfinite(zeroed.item()) and np.isfinite(host(x.grad)).all()
    with pytest.raises(RuntimeError, match="blank must be in label range"):
        ag.nn.functional.ctc_loss(x.log_softmax(2), padded, lengths_in, lengths_t, blank=4)
    with pytest.raises(RuntimeError, match="input_lengths to have value at most 5"):
        ag.nn.functional.ctc_loss(x.log_softmax(2), padded, [6, 4, 3], lengths_t)


def test_sync_batch_norm_converts_a_model_and_normalises_any_rank(device):
    model = ag.nn.Sequential(ag.nn.Conv2d(1, 2, 1), ag.nn.BatchNorm2d(2),
                             ag.nn.Sequential(ag.nn.BatchNorm1d(2))).to(device)
    weight, mean = model[1].weight, model[1].running_mean
    synced = ag.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert type(synced[1]).__name__ == type(synced[2][0]).__name__ == "SyncBatchNorm"
    assert synced[1].weight is weight and synced[1].running_mean is mean  # shared, not copied
    x = ag.arange(2 * 3 * 4 * 5.0, device=device).reshape(2, 3, 4, 5)
    y = ag.nn.SyncBatchNorm(3).to(device)(x)
    xs = host(x)
    want = (xs - xs.mean((0, 2, 3), keepdims=True)) / np.sqrt(
        xs.var((0, 2, 3), keepdims=True) + 1e-5)
    np.testing.assert_allclose(host(y), want, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="expected at least 2D input"):
        ag.nn.SyncBatchNorm(3)(ag.ones(4))


def test_fractional_max_pool2d_windows_follow_the_samples(device):
    rng = np.random.default_rng(9)
    a = rng.standard_normal((2, 3, 9, 10))
    x = ag.tensor(a, dtype=ag.float64, device=device, requires_grad=True)
    s = rng.uniform(0, 1, (2, 3, 2))
    samples = ag.tensor(s, dtype=ag.float64, device=device)
    out, idx = ag.nn.functional.fractional_max_pool2d(x, (2, 3), output_size=(4, 5),
                                                      return_indices=True,
                                                      _random_samples=samples)

    def starts(u, size, n, k):  # PyTorch's rule: int((i + u) a) - int(u a), the last at the end
        alpha = (size - k) / (n - 1)
        return [int((i + u) * alpha) - int(u * alpha) for i in range(n - 1)] + [size - k]

    for b in range(2):
        for ch in range(3):
            hs, ws = starts(s[b, ch, 1], 9, 4, 2), starts(s[b, ch, 0], 10, 5, 3)
            want = [[a[b, ch, h:h + 2, w:w + 3].max() for w in ws] for h in hs]
            np.testing.assert_allclose(host(out)[b, ch], want)
            flat = a[b, ch].reshape(-1)
            np.testing.assert_allclose(flat[host(idx)[b, ch]], want)  # indices into the plane
    assert gradcheck(lambda t: ag.nn.functional.fractional_max_pool2d(
        t, (2, 3), output_size=(4, 5), _random_samples=samples), (x,))
    with pytest.raises(ValueError, match="either an output_size or an output_ratio"):
        ag.nn.functional.fractional_max_pool2d(x, 2)


def test_fractional_max_pool3d_windows_follow_the_samples(device):
    """Sample k of a plane places its windows along T, H, W in that order; the node is
    PyTorch's FractionalMaxPool3DBackward0; the module checks its options."""
    rng = np.random.default_rng(10)
    a = rng.standard_normal((2, 2, 6, 7, 8))
    x = ag.tensor(a, dtype=ag.float64, device=device, requires_grad=True)
    s = rng.uniform(0, 1, (2, 2, 3))
    samples = ag.tensor(s, dtype=ag.float64, device=device)
    out, idx = ag.nn.functional.fractional_max_pool3d(x, (2, 3, 2), output_size=(3, 4, 5),
                                                      return_indices=True,
                                                      _random_samples=samples)
    assert out.grad_fn.name() == "FractionalMaxPool3DBackward0"

    def starts(u, size, n, k):
        alpha = (size - k) / (n - 1)
        return [int((i + u) * alpha) - int(u * alpha) for i in range(n - 1)] + [size - k]

    for b in range(2):
        for ch in range(2):
            ts, hs, ws = (starts(s[b, ch, 0], 6, 3, 2), starts(s[b, ch, 1], 7, 4, 3),
                          starts(s[b, ch, 2], 8, 5, 2))
            want = [[[a[b, ch, t:t + 2, h:h + 3, w:w + 2].max() for w in ws] for h in hs]
                    for t in ts]
            np.testing.assert_allclose(host(out)[b, ch], want)
            np.testing.assert_allclose(a[b, ch].reshape(-1)[host(idx)[b, ch]], want)
    assert gradcheck(lambda t: ag.nn.functional.fractional_max_pool3d(
        t, (2, 3, 2), output_size=(3, 4, 5), _random_samples=samples), (x,))
    pool = ag.nn.FractionalMaxPool3d(2, output_ratio=0.5)
    assert pool(ag.ones(1, 4, 4, 4, device=device)).shape == (1, 2, 2, 2)
    with pytest.raises(ValueError, match="requires specifying either an output size, or a "
                                         "pooling ratio"):
        ag.nn.FractionalMaxPool3d(2)
    with pytest.raises(RuntimeError, match="pool time 3 too large relative to input time 3"):
        ag.nn.functional.fractional_max_pool3d(ag.ones(1, 1, 3, 3, 3), 3, output_size=2)


@pytest.mark.parametrize("call,error,message", [
    (lambda F: F.fold(ag.ones(1, 6, 4), (3, 4), 2, padding=(0, 1)), RuntimeError,
     "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
     "got input.size(1)=6 and kernel_size=(2, 2)."),
    (lambda F: F.fold(ag.ones(8, 4), (3, 4), 2, padding=(0, 1)), RuntimeError,
     "Given output_size=(3, 4), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 1), "
     "stride=(1, 1), expected size of input's dimension 2 to match the calculated number of "
     "sliding blocks 2 * 5 = 10, but got input.size(2)=4."),
    (lambda F: F.fold(ag.ones(8), (3, 4), 2), RuntimeError,
     "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
     "dimensions for input, but got: [8]"),
    (lambda F: F.fold(ag.ones(1, 8, 10), (3, 4), 2, stride=0, dilation=0), RuntimeError,
     "stride should be greater than zero, but got stride_height: 0 stride_width: 0"),
    (lambda F: F.unfold(ag.ones(1, 1, 3, 3), 2, padding=-1, stride=0), RuntimeError,
     "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda F: F.unfold(ag.ones(1, 1, 3, 3), 2, dilation=0, stride=0), RuntimeError,
     "dilation should be greater than zero, but got dilation_height: 0 dilation_width: 0"),
    (lambda F: F.unfold(ag.ones(1, 1, 3, 3), 2, stride=2, dilation=3), RuntimeError,
     "Given input with spatial size (3, 3), kernel_size=(2, 2), dilation=(3, 3), padding=(0, 0), "
     "calculated shape of the array of sliding blocks as (0, 0), but its components must be at "
     "least one."),
    (lambda F: F.unfold(ag.ones(3, 4), 2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda F: F.unfold(ag.ones(2, 3, 4, 5, 6), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
     "dimensions for input, but got: [2, 3, 4, 5, 6]"),
])
def test_fold_and_unfold_check_their_arguments_as_pytorch(call, error, message):
    with pytest.raises(error) as info:
        call(ag.nn.functional)
    assert str(info.value) == message


def test_fold_and_unfold_take_unbatched_input(device):
    """(C, H, W) unfolds and (C*kh*kw, L) folds as a batch of one, gradients included."""
    F = ag.nn.functional
    x = ag.arange(24.0, device=device).reshape(2, 3, 4).requires_grad_()
    cols = F.unfold(x, 2, padding=1)
    batched = F.unfold(x.detach().unsqueeze(0), 2, padding=1)[0]
    assert cols.shape == (8, 20) and np.array_equal(host(cols), host(batched))
    back = F.fold(cols, (3, 4), 2, padding=1)
    assert back.shape == (2, 3, 4)
    # each element is read by as many 2x2 windows as cover it: fold(unfold(x)) = x * count
    count = F.fold(F.unfold(ag.ones(1, 1, 3, 4, device=device), 2, padding=1), (3, 4), 2,
                   padding=1)[0]
    np.testing.assert_array_equal(host(back), host(x.detach() * count))
    back.sum().backward()
    np.testing.assert_array_equal(host(x.grad), np.broadcast_to(host(count), (2, 3, 4)))


@pytest.mark.parametrize("size", [2, 3, 4, 9])
def test_cross_map_lrn2d_is_lua_torchs_running_sum_and_legacy_gradient(device, size):
    """CrossMapLRN2d against Lua Torch's loops written out: a running sum of squares over
    channels (which never takes channel 0 out), and the legacy backward's window sums of
    g * out / scale (PyTorch's gradient, not the forward's derivative)."""
    rng = np.random.default_rng(size)
    a, g = rng.standard_normal((2, 5, 2, 3)), rng.standard_normal((2, 5, 2, 3))
    alpha, beta, k, channels = 0.1, 0.75, 2.0, 5
    sq, pre = a * a, int((size - 1) / 2 + 1)
    scale = np.zeros_like(a)
    scale[:, 0] = sq[:, :min(pre, channels)].sum(1)
    for c in range(1, channels):
        scale[:, c] = scale[:, c - 1]
        if c < channels - pre + 1:
            scale[:, c] += sq[:, c + pre - 1]
        if c > pre:
            scale[:, c] -= sq[:, c - pre]
    scale = scale * alpha / size + k
    out = a * scale ** -beta
    start = int(size - (size - 1) / 2)
    padded = np.zeros((2, channels + size - 1, 2, 3))
    padded[:, start:start + channels] = g * out / scale
    want_grad = g * scale ** -beta
    for c in range(channels):
        want_grad[:, c] -= 2 * alpha * beta / size * a[:, c] * padded[:, c:c + size].sum(1)
    x = ag.tensor(a, device=device, requires_grad=True)
    y = ag.nn.CrossMapLRN2d(size, alpha, beta, k)(x)
    np.testing.assert_allclose(host(y), out, rtol=1e-12)
    assert y.grad_fn.name() == "CrossMapLRN2dBackward"
    y.backward(ag.tensor(g, device=device))
    np.testing.assert_allclose(host(x.grad), want_grad, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D, got 3D"):
        ag.nn.CrossMapLRN2d(size)(ag.ones(2, 3, 4))
