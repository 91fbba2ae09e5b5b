"""nn.Module mechanics, layers (default init, train/eval behaviour) and their agreement with
PyTorch when it is installed."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import nn

from .conftest import host, torch_at_reference


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8)])
        self.heads = nn.ModuleDict({"a": nn.Linear(8, 2)})
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("steps", torch.zeros((), dtype=torch.int64))

    def forward(self, x):
        h = self.act(self.fc1(x))
        for b in self.blocks:
            h = self.act(b(h))
        return self.heads["a"](h) * self.scale


def test_registration_and_traversal():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "blocks.0.weight", "blocks.0.bias",
                     "blocks.1.weight", "blocks.1.bias", "heads.a.weight", "heads.a.bias"]
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert len(list(net.children())) == 4 and len(list(net.modules())) == 8
    assert isinstance(net.fc1.weight, nn.Parameter) and net.fc1.weight.is_leaf
    net.eval()
    assert not net.training and not net.blocks[1].training
    net.train()
    assert all(m.training for m in net.modules())
    sd = net.state_dict()
    assert list(sd) == ["scale", "steps", "fc1.weight", "fc1.bias", "blocks.0.weight",
                        "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "heads.a.weight",
                        "heads.a.bias"]
    assert not sd["fc1.weight"].requires_grad


def test_forward_backward_zero_grad(device):
    net = Net().to(device)
    out = net(torch.randn(5, 4, device=device))
    assert out.shape == (5, 2) and out.device == torch.device(device if device == "cpu"
                                                              else "cuda:0")
    out.sum().backward()
    assert all(p.grad is not None and p.grad.device == p.device for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_load_state_dict_errors():
    net = Net()
    sd = net.state_dict()
    other = Net()
    other.load_state_dict(sd)
    assert host(other.fc1.weight).tolist() == host(net.fc1.weight).tolist()
    bad = dict(sd)
    del bad["fc1.bias"]
    bad["extra"] = torch.zeros(1)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "fc1.bias"'):
        other.load_state_dict(bad)
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "extra"'):
        other.load_state_dict(bad)
    result = other.load_state_dict(bad, strict=False)
    assert result.missing_keys == ["fc1.bias"] and result.unexpected_keys == ["extra"]
    wrong = dict(sd)
    wrong["fc1.weight"] = torch.zeros(3, 3)
    with pytest.raises(RuntimeError, match="size mismatch for fc1.weight: copying a param with "
                                           "shape"):
        other.load_state_dict(wrong)


def test_to_moves_parameters_grads_and_buffers_in_place(device):
    net = Net()
    params = list(net.parameters())
    net(torch.randn(2, 4)).sum().backward()
    net.to(device)
    assert list(net.parameters()) == params  # the same Parameter objects (optimizers keep them)
    for p in net.parameters():
        assert p.device.type == device and p.grad.device.type == device
    assert net.steps.device.type == device
    net.double()
    assert net.fc1.weight.dtype == torch.float64 and net.steps.dtype == torch.int64


def test_sequential_indexing_and_repr():
    seq = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    assert isinstance(seq[0], nn.Linear) and isinstance(seq[-1], nn.Linear) and len(seq) == 3
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    assert repr(seq) == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                         "  (1): Tanh()\n  (2): Linear(in_features=3, out_features=1, bias=True)"
                         "\n)")
    assert repr(nn.Conv2d(1, 8, 3, padding=1)) == (
        "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))")
    assert repr(nn.Parameter(torch.zeros(2))) == (
        "Parameter containing:\ntensor([0., 0.], requires_grad=True)")


def test_default_init_bounds():
    torch.manual_seed(0)
    lin = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)
    assert host(lin.weight).max() <= bound and host(lin.weight).min() >= -bound
    assert host(lin.weight).std() > bound / 2  # uniform over the whole range
    conv = nn.Conv2d(4, 6, 3)
    b2 = 1 / math.sqrt(4 * 9)
    assert np.abs(host(conv.weight)).max() <= b2 and np.abs(host(conv.bias)).max() <= b2
    w = torch.empty(200, 300)
    nn.init.xavier_uniform_(w)
    assert np.abs(host(w)).max() <= math.sqrt(6 / 500)
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(host(w).std() - math.sqrt(2 / 300)) < 0.005
    emb = nn.Embedding(10, 3, padding_idx=0)
    assert host(emb.weight)[0].tolist() == [0.0, 0.0, 0.0]


def test_batchnorm_running_stats_and_eval(device):
    bn = nn.BatchNorm1d(3).to(device)
    x = torch.randn(64, 3, device=device) * 2 + 5
    y = bn(x)
    np.testing.assert_allclose(host(y).mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(host(bn.running_mean), 0.1 * host(x).mean(0), rtol=1e-5)
    np.testing.assert_allclose(host(bn.running_var), 0.9 + 0.1 * host(x).var(0, ddof=1),
                               rtol=1e-4)
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    z = bn(x)
    expected = (host(x) - host(bn.running_mean)) / np.sqrt(host(bn.running_var) + 1e-5)
    np.testing.assert_allclose(host(z), expected, rtol=1e-4, atol=1e-5)


def test_dropout_modes(device):
    drop = nn.Dropout(0.5)
    x = torch.ones(1000, device=device)
    y = host(drop(x))
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6
    drop.eval()
    assert drop(x) is x


def test_cross_entropy_errors():
    with pytest.raises(IndexError, match="Target 5 is out of bounds"):
        nn.functional.cross_entropy(torch.randn(2, 3), torch.tensor([0, 5]))
    with pytest.raises(ValueError, match="Expected input batch_size"):
        nn.functional.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="to have 1 channels, but got 3 channels instead"):
        nn.Conv2d(1, 2, 3)(torch.randn(1, 3, 5, 5))


def _leaf_and_input(a: np.ndarray, device, layout: str):
    """A leaf holding `a` (N, C, H, W), and the tensor to feed a layer: the leaf itself, or
    with layout="conv_output" a view of a (C, H, W, N) leaf, the memory conv2d's outputs have."""
    if layout == "contiguous":
        leaf = torch.tensor(a, device=device, requires_grad=True)
        return leaf, leaf
    leaf = torch.tensor(np.ascontiguousarray(a.transpose(1, 2, 3, 0)), device=device,
                        requires_grad=True)
    return leaf, leaf.permute(3, 0, 1, 2)


@pytest.mark.parametrize("layout", ["contiguous", "conv_output"])
def test_max_pool_ties_nans_and_infinite_gradients(device, layout):
    """PyTorch's rules: a tie sends the gradient to the first maximum of a window, a NaN is
    the maximum (the last NaN gets the gradient), and an infinite gradient reaches only the
    winners (the rest stay exactly 0, not NaN); overlapping windows add up."""
    nan = np.nan

    def run(a, g, *args):
        leaf, x = _leaf_and_input(a, device, layout)
        out = nn.functional.max_pool2d(x, *args)
        out.backward(torch.tensor(g, device=device))
        grad = leaf.grad if leaf is x else leaf.grad.permute(3, 0, 1, 2)
        return host(out), host(grad)

    ties = np.zeros((1, 1, 2, 4))
    out, grad = run(ties, np.array([[[[2.0, 3.0]]]]), 2)
    np.testing.assert_array_equal(grad[0, 0], [[2, 0, 3, 0], [0, 0, 0, 0]])
    out, grad = run(np.array([[[[1.0, nan], [2.0, nan]]]]), np.ones((1, 1, 1, 1)), 2)
    assert np.isnan(out).all()
    np.testing.assert_array_equal(grad[0, 0], [[0, 0], [0, 1]])
    out, grad = run(ties, np.full((1, 1, 1, 2), np.inf), 2)
    np.testing.assert_array_equal(grad[0, 0], [[np.inf, 0, np.inf, 0], [0, 0, 0, 0]])
    out, grad = run(np.zeros((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), 2, 1)
    np.testing.assert_array_equal(grad[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_layers_match_pytorch():
    T = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 6)).astype(np.float32)
    tconv = T.nn.Conv2d(3, 4, 3, stride=2, padding=1, dilation=1)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
    conv.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                          tconv.state_dict().items()})
    tx, ax = T.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for tf, af in [(lambda v: tconv(v), lambda v: conv(v)),
                   (lambda v: T.nn.functional.max_pool2d(v, 3, 2, 1),
                    lambda v: nn.functional.max_pool2d(v, 3, 2, 1)),
                   (lambda v: T.nn.functional.avg_pool2d(v, 2, 1, 1, count_include_pad=False),
                    lambda v: nn.functional.avg_pool2d(v, 2, 1, 1, count_include_pad=False)),
                   (lambda v: T.nn.functional.gelu(v), lambda v: nn.functional.gelu(v)),
                   (lambda v: T.nn.functional.layer_norm(v, (7, 6)),
                    lambda v: nn.functional.layer_norm(v, (7, 6)))]:
        tx.grad, ax.grad = None, None
        t_out, a_out = tf(tx), af(ax)
        np.testing.assert_allclose(host(a_out), t_out.detach().numpy(), rtol=1e-4, atol=1e-5)
        w = rng.standard_normal(tuple(t_out.shape)).astype(np.float32)
        (t_out * T.tensor(w)).sum().backward()
        (a_out * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(host(ax.grad), tx.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_losses_match_pytorch():
    T = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 4)).astype(np.float32)
    target = np.array([0, 3, 1, -100, 2, 3])
    weight = np.array([1.0, 2.0, 0.5, 1.5], np.float32)
    for kw in [dict(), dict(reduction="sum"), dict(label_smoothing=0.1),
               dict(weight="w"), dict(weight="w", label_smoothing=0.2),
               dict(reduction="none", label_smoothing=0.3)]:
        def args(mod):
            k = dict(kw)
            if k.get("weight") == "w":
                k["weight"] = mod.tensor(weight)
            return k

        t = T.nn.functional.cross_entropy(T.tensor(logits), T.tensor(target), **args(T))
        a = nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target),
                                        **args(torch))
        np.testing.assert_allclose(host(a), t.numpy(), rtol=1e-5, atol=1e-6)
    p = rng.uniform(0.05, 0.95, (5,)).astype(np.float32)
    tgt = rng.uniform(0, 1, (5,)).astype(np.float32)
    for name in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss",
                 "l1_loss"):
        t = getattr(T.nn.functional, name)(T.tensor(p), T.tensor(tgt))
        a = getattr(nn.functional, name)(torch.tensor(p), torch.tensor(tgt))
        np.testing.assert_allclose(host(a), t.numpy(), rtol=1e-5)


def test_clip_grad_norm_and_value():
    a = torch.zeros(3, requires_grad=True)
    b = torch.zeros(4, requires_grad=True)
    (a * torch.tensor([3.0, 0.0, 0.0]) + 0).sum().backward()
    (b * torch.tensor([0.0, 4.0, 0.0, 0.0])).sum().backward()
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    assert host(a.grad).tolist() == pytest.approx([0.6, 0, 0], abs=1e-6)
    assert host(b.grad)[1] == pytest.approx(0.8, abs=1e-6)
    nn.utils.clip_grad_value_([a, b], 0.7)
    assert host(b.grad)[1] == pytest.approx(0.7)


def test_assigning_a_plain_tensor_to_a_parameter_name_raises():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign .* as parameter 'weight'"):
        lin.weight = torch.zeros(2, 2)
    assert "weight" in dict(lin.named_parameters())
    lin.bias = None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    lin.extra = nn.Parameter(torch.ones(1))
    assert "extra" in dict(lin.named_parameters())


_NP_PAD_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap", "zeros": "constant"}


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv_padding_modes_pad_the_input_as_numpy_does(device, mode):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 6, 5))
    conv = nn.Conv2d(3, 4, 3, padding=(1, 2), padding_mode=mode).double().to(device)
    expected = nn.functional.conv2d(
        torch.tensor(np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2)), mode=_NP_PAD_MODE[mode]),
                     device=device), conv.weight, conv.bias)
    out = conv(torch.tensor(x, device=device))
    assert out.shape == (2, 4, 6, 7)
    np.testing.assert_allclose(host(out), host(expected), rtol=1e-12, atol=1e-12)
    assert ("padding_mode=" in repr(conv)) == (mode != "zeros")
    leaf = torch.tensor(x[:1, :, :4, :4], device=device, requires_grad=True)
    assert torch.autograd.gradcheck(lambda v: conv(v), (leaf,))
    assert torch.autograd.gradgradcheck(lambda v: conv(v), (leaf,))


def test_conv_bad_padding_mode_and_same_padding_with_even_kernels(device):
    with pytest.raises(ValueError, match="padding_mode must be one of .*but got "
                                         "padding_mode='wrap'"):
        nn.Conv2d(1, 1, 3, padding_mode="wrap")
    rng = np.random.default_rng(4)
    x = torch.tensor(rng.standard_normal((1, 2, 5, 6)), device=device)
    w = torch.tensor(rng.standard_normal((3, 2, 4, 2)), device=device)
    out = nn.functional.conv2d(x, w, padding="same")
    assert out.shape == (1, 3, 5, 6)  # total padding 3 and 1: one more after, as PyTorch
    manual = nn.functional.conv2d(
        torch.tensor(np.pad(host(x), ((0, 0), (0, 0), (1, 2), (0, 1))), device=device), w)
    np.testing.assert_allclose(host(out), host(manual), rtol=1e-12, atol=1e-12)
    reflect = nn.Conv2d(2, 3, (4, 2), padding="same", padding_mode="reflect", bias=False)
    reflect.weight.data = w.float()
    np.testing.assert_allclose(
        host(reflect(x.float())), host(nn.functional.conv2d(torch.tensor(
            np.pad(host(x), ((0, 0), (0, 0), (1, 2), (0, 1)), mode="reflect"),
            device=device).float(), w.float())), rtol=1e-5, atol=1e-5)
    assert "padding=same" in repr(reflect)


def test_max_pool_ceil_mode_and_indices(device):
    x = torch.arange(25.0, device=device).reshape(1, 1, 5, 5)
    # windows of 2 over 5 with ceil_mode: [0, 2), [2, 4), [4, 5); the maximum of each is its
    # last row's last column, whose value is also its flat index
    expected = [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    out, idx = nn.functional.max_pool2d(x, 2, ceil_mode=True, return_indices=True)
    assert host(out)[0, 0].tolist() == expected and host(idx)[0, 0].tolist() == expected
    assert idx.dtype == torch.int64 and not idx.requires_grad
    assert nn.functional.max_pool2d(x, 2).shape == (1, 1, 2, 2)
    pool = nn.MaxPool2d(2, ceil_mode=True, return_indices=True)
    out2, idx2 = pool(x[0])  # unbatched
    assert out2.shape == idx2.shape == (1, 3, 3) and host(idx2)[0].tolist() == expected
    assert repr(pool) == ("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                          "ceil_mode=True)")
    # negated: the maximum is each window's first element, its index the window's start
    _, idx = nn.functional.max_pool2d(-x, 3, 2, padding=1, ceil_mode=True, return_indices=True)
    assert host(idx)[0, 0].tolist() == [[0, 1, 3], [5, 6, 8], [15, 16, 18]]
    avg = nn.functional.avg_pool2d(x, 2, ceil_mode=True)
    assert host(avg)[0, 0, 0].tolist() == [3.0, 5.0, 6.5]  # the last: mean of 4 and 9


def test_padding_layers(device):
    x = torch.arange(24.0, device=device).reshape(2, 3, 4)
    for layer, np_mode in [(nn.ReflectionPad1d(2), "reflect"),
                           (nn.ReplicationPad1d((0, 3)), "edge"),
                           (nn.CircularPad1d((1, 2)), "wrap"), (nn.ZeroPad1d(1), "constant")]:
        p = layer.padding
        np.testing.assert_array_equal(host(layer(x)), np.pad(host(x), ((0, 0), (0, 0), p),
                                                             mode=np_mode))
    layer = nn.ConstantPad2d((1, 0, 0, 2), 3.5)
    assert repr(layer) == "ConstantPad2d(padding=(1, 0, 0, 2), value=3.5)"
    np.testing.assert_array_equal(host(layer(x)), np.pad(host(x), ((0, 0), (0, 2), (1, 0)),
                                                          constant_values=3.5))
    assert repr(nn.ReflectionPad2d(1)) == "ReflectionPad2d((1, 1, 1, 1))"
    with pytest.raises(RuntimeError, match="Padding size should be less than the "
                                           "corresponding input dimension"):
        nn.ReflectionPad1d(4)(x)
    with pytest.raises(RuntimeError, match="doesn't take in value argument"):
        nn.functional.pad(x, (1, 1), mode="replicate", value=1.0)


def test_pools_and_padding_modes_match_pytorch():
    T = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for shape in [(2, 3, 7, 6), (3, 5, 5)]:
        x = rng.standard_normal(shape)
        cases = [(f"max_pool2d(v, {a}, ceil_mode=True, return_indices=True)")
                 for a in ("2", "3, 2, 1", "(3, 2), (2, 3), (1, 0)", "3, 3, 1, 2")]
        cases += [f"avg_pool2d(v, {a}, ceil_mode=True, count_include_pad={c})"
                  for a in ("2", "3, 2, 1", "(3, 2), (2, 3), (1, 0)") for c in (True, False)]
        cases += [f"pad(v, {p}, mode='{m}')" for m in ("reflect", "replicate", "circular")
                  for p in ("(1, 2, 1, 1)", "(2, 0, -1, 1)")]
        for case in cases:
            outs = []
            for lib in (T, torch):
                v = lib.tensor(x, requires_grad=True)
                out = eval(f"lib.nn.functional.{case}", {"lib": lib, "v": v})
                if isinstance(out, tuple):
                    out, idx = out
                    outs.append(idx.numpy())
                out.backward(lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape)))
                outs += [out.detach().numpy(), v.grad.numpy()]
            half = len(outs) // 2
            for a, b in zip(outs[:half], outs[half:]):
                np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12, err_msg=case)


FUNCTIONAL_CASES = [
    "F.hardtanh(x)", "F.hardtanh(x, -2., 2.)", "F.relu6(x)", "F.elu(x, 0.5)", "F.selu(x)",
    "F.celu(x, 2.0)", "F.softplus(x)", "F.softplus(x, 2, 3)", "F.mish(x)", "F.hardsigmoid(x)",
    "F.hardswish(x)", "F.logsigmoid(x)", "F.softsign(x)", "F.softmin(x, 1)",
    "F.threshold(x, 0.5, -2.)", "F.glu(x, 1)", "F.tanhshrink(x)", "F.softshrink(x)",
    "F.hardshrink(x, 1.)", "F.smooth_l1_loss(x, t)",
    "F.smooth_l1_loss(x, t, beta=0.5, reduction='sum')", "F.huber_loss(x, t, delta=2.)",
    "F.kl_div(x, t, reduction='batchmean')", "F.kl_div(x, t.log(), log_target=True)",
    "F.margin_ranking_loss(x, t, t.detach().sign())", "F.normalize(x)", "F.normalize(x, 1, -1)",
    "F.cosine_similarity(x, t)", "F.cosine_similarity(x, t[:1], dim=-1)",
    "F.pairwise_distance(x, t)", "F.adaptive_avg_pool2d(x, 1)",
    "F.adaptive_avg_pool2d(x, (4, 3))", "F.adaptive_avg_pool2d(x, (None, 2))",
    "F.adaptive_max_pool2d(x, (4, 3))", "F.adaptive_max_pool2d(x, (3, 5))", "F.conv1d(l, w)",
    "F.conv1d(l, w, stride=2, padding=1)", "F.conv1d(l, w, padding='same', dilation=2)",
    "F.max_pool1d(l, 2)", "F.max_pool1d(l, 3, 2, 1, ceil_mode=True)", "F.avg_pool1d(l, 3, 2, 1)",
    "F.group_norm(x, 2)", "F.interpolate(x, scale_factor=2)", "F.interpolate(x, size=(4, 7))",
    "F.interpolate(l, scale_factor=1.5)", "F.interpolate(x, scale_factor=(0.5, 1.7))",
    "F.pixel_shuffle(x[:, :4], 2)", "F.pixel_unshuffle(x[:, :, :6, :4], 2)", "F.glu(x, 2)",
    "F.glu(x[:, :3], 1)", "F.conv_transpose2d(x, x[:, :3, :3, :3].transpose(0, 1))",
    "F.conv_transpose2d(x, x[:, :2, :3, :2].transpose(0, 1), t[0, :4, 0, 0], 2, 1, 1, 2)",
    "F.prelu(x, t[0, :4, 0, 0])", "F.rms_norm(x, (6, 5))", "F.poisson_nll_loss(x, t)",
    "F.gaussian_nll_loss(x, t, t)", "F.triplet_margin_loss(x[0], t[0], t[1])",
    "F.cosine_embedding_loss(x[0, 0], t[0, 0], t[0, 0, :, 0].detach().sign())",
    "F.interpolate(x, scale_factor=2, mode='bilinear')",
    "F.interpolate(x, size=(3, 7), mode='bilinear', align_corners=True)",
    "F.interpolate(l, scale_factor=1.5, mode='linear')", "F.interpolate(l, mode='bilinear')",
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("case", FUNCTIONAL_CASES)
def test_more_functionals_match_pytorch(case):
    """Values, gradients (through every input) and error types agree with PyTorch."""
    T = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = dict(x=rng.standard_normal((2, 4, 6, 5)) * 3, t=rng.uniform(0.05, 1, (2, 4, 6, 5)),
                  l=rng.standard_normal((2, 4, 7)), w=rng.standard_normal((3, 4, 3)))
    arrays["x"].flat[:4] = [0.5, 6.5, -3.5, 3.5]
    results = []
    for lib in (T, torch):
        leaves = {k: lib.tensor(v, requires_grad=True) for k, v in arrays.items()}
        try:
            out = eval(case, {"F": lib.nn.functional, **leaves})
        except Exception as exc:
            results.append(type(exc).__name__)
            continue
        out.backward(lib.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape))))
        results.append([out.detach().numpy()] + [
            None if v.grad is None else v.grad.numpy() for v in leaves.values()])
    if isinstance(results[0], str) or isinstance(results[1], str):
        assert results[1] == results[0]
        return
    for theirs, ours in zip(*results):
        assert (theirs is None) == (ours is None)
        if theirs is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9, err_msg=case)


MODULE_REPRS = [
    "ReLU6()", "ELU(alpha=0.5)", "SELU()", "CELU(2.0)", "Softplus(beta=2, threshold=10)",
    "Mish()", "Hardtanh(-2, 2)", "Hardsigmoid()", "Hardswish()", "LogSigmoid()", "Softsign()",
    "Softmin(dim=1)", "Threshold(0.1, 20)", "GLU()", "Tanhshrink()", "Softshrink()",
    "Hardshrink(1.0)", "SmoothL1Loss()", "HuberLoss(delta=2.)", "KLDivLoss()",
    "MarginRankingLoss()", "SoftMarginLoss()", "CosineSimilarity()", "PairwiseDistance()",
    "AdaptiveAvgPool2d(1)", "AdaptiveAvgPool2d((None, 3))", "AdaptiveMaxPool2d(2)",
    "Conv1d(2, 3, 3, stride=2, padding=1, bias=False)",
    "Conv1d(2, 4, 3, padding='same', padding_mode='circular', groups=2)", "MaxPool1d(2)",
    "AvgPool1d(3)", "Dropout1d()", "Dropout2d(0.3)", "GroupNorm(2, 4)",
    "Upsample(scale_factor=2)", "Upsample(size=(4, 5))", "PixelShuffle(2)", "PixelUnshuffle(2)",
    "Unflatten(1, (2, 2))", "ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)",
    "ConvTranspose2d(4, 2, (3, 2), groups=2, bias=False)", "PReLU(4)", "RMSNorm(6)",
    "Upsample(scale_factor=2, mode='bilinear')",
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("spec", MODULE_REPRS)
def test_more_modules_print_and_compute_as_pytorch(spec):
    T = pytest.importorskip("torch")
    theirs, ours = eval(f"T.nn.{spec}"), eval(f"torch.nn.{spec}")
    if torch_at_reference(T):  # (older releases print some modules otherwise)
        assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    theirs.eval(), ours.eval()
    rng = np.random.default_rng(1)
    shape = (2, 2, 7) if "1d" in spec else (2, 4, 6, 6)
    inputs = [rng.standard_normal(shape).astype(np.float32)
              for _ in range(3 if "Ranking" in spec else 2 if any(
                  k in spec for k in ("Loss", "Similarity", "Distance")) else 1)]
    if "Ranking" in spec:
        inputs[2] = np.sign(inputs[2])
    if "KLDiv" in spec:
        inputs[1] = np.abs(inputs[1])
    t_out = theirs(*[T.tensor(a) for a in inputs])
    a_out = ours(*[torch.tensor(a) for a in inputs])
    np.testing.assert_allclose(host(a_out), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_parameter_containers_register_their_parameters():
    plist = nn.ParameterList([torch.zeros(2), nn.Parameter(torch.ones(2, 3))])
    plist.append(torch.ones(1))
    assert len(plist) == 3 and all(isinstance(p, nn.Parameter) for p in plist)
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2"]
    assert "(1): Parameter containing: [torch.float32 of size 2x3]" in repr(plist)
    pdict = nn.ParameterDict({"a": torch.zeros(2)})
    pdict["b"] = torch.ones(3)
    assert list(pdict.keys()) == ["a", "b"] and "b" in pdict and len(pdict) == 2

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = nn.ParameterList([torch.ones(2)])

    net = Net()
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    net.ws[0].sum().backward()
    opt.step()
    assert host(net.ws[0]).tolist() == [0.5, 0.5]
    assert list(net.state_dict()) == ["ws.0"]


def test_new_layers_on_a_device(device):
    """The layers run on every device and keep the output there (values are compared with
    PyTorch above)."""
    x = torch.randn(2, 4, 6, 6, device=device)
    for layer in [nn.AdaptiveAvgPool2d((3, 2)), nn.GroupNorm(2, 4), nn.Upsample(scale_factor=2),
                  nn.PixelShuffle(2), nn.Hardswish(), nn.Dropout2d(0.5)]:
        out = layer.to(device)(x)
        assert out.device == x.device
    conv = nn.Conv1d(4, 2, 3, padding=1).to(device)
    assert conv(x[:, :, 0]).shape == (2, 2, 6) and conv(x[:, :, 0]).device == x.device
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        nn.functional.glu(x[:, :3], 1)


def test_views_of_convolution_outputs_work_as_in_pytorch(device):
    """Conv outputs are (C, H, W, N) in memory here (contiguous in PyTorch): every view
    PyTorch allows on them works, with the values of reshape; other non-contiguous tensors
    still refuse a view as PyTorch does."""
    conv, pool = nn.Conv2d(3, 6, 3).to(device), nn.MaxPool2d(2)
    x = torch.randn(4, 3, 10, 10, device=device)
    y = pool(torch.relu(conv(x)))
    for shape in [(-1,), (4, -1), (24, 16), (4, 6, 16), (-1, 4, 4)]:
        np.testing.assert_array_equal(host(y.view(*shape)), host(y).reshape(shape))
    y.view(-1).sum().backward()
    assert conv.weight.grad.shape == (6, 3, 3, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        torch.ones(2, 3, device=device).t().view(6)


def test_full_backward_hooks_see_the_modules_own_gradients(device):
    lin = torch.nn.Linear(3, 2).to(device)
    seen = []
    handle = lin.register_full_backward_hook(lambda m, gi, go: seen.append(
        (m, [host(g) for g in gi], [host(g) for g in go])))
    x = torch.tensor([[1.0, 2.0, 3.0]], device=device, requires_grad=True)
    z = x * 1
    y = lin(z)
    (y * torch.tensor([[2.0, -1.0]], device=device)).sum().backward(retain_graph=True)
    assert len(seen) == 1 and seen[0][0] is lin
    np.testing.assert_allclose(seen[0][2][0], [[2.0, -1.0]])
    w = host(lin.weight)
    np.testing.assert_allclose(seen[0][1][0], [[2.0, -1.0]] @ w, rtol=1e-6)  # dL/dz only
    handle.remove()
    y.sum().backward()
    assert len(seen) == 1  # removed
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    x.grad = None
    z = x * 1
    (lin(z).sum() + z.sum()).backward()
    np.testing.assert_allclose(host(x.grad), np.ones((1, 3)))  # only the module's share zeroed
    pre = torch.nn.Linear(3, 1).to(device)
    pre.register_full_backward_pre_hook(lambda m, go: (go[0] * 3,))
    pre(torch.ones(1, 3, device=device)).sum().backward()
    assert host(pre.bias.grad).tolist() == [3.0]


def test_loss_target_dtype_errors_as_pytorch():
    """The dtype mistakes beginners make get PyTorch's errors, not a silent cast."""
    F = torch.nn.functional
    x = torch.ones(2, 3)
    for bad in (torch.tensor([0, 1], dtype=torch.int32), torch.tensor([0.0, 1.0]),
                torch.tensor([True, False])):
        with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, "
                                               "but got (Int|Float|Bool)"):
            F.nll_loss(x, bad)
    assert F.cross_entropy(x, torch.tensor([0, 1], dtype=torch.uint8)).item() == \
        pytest.approx(math.log(3))
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        torch.nn.BCELoss()(torch.tensor([0.5, 0.5]), torch.tensor([1, 0]))
    with pytest.raises(RuntimeError, match="Found dtype Float but expected Double"):
        F.binary_cross_entropy(torch.tensor([0.5], dtype=torch.float64), torch.tensor([1.0]))
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        F.binary_cross_entropy_with_logits(torch.tensor([0.5]), torch.tensor([1]))
    with pytest.raises(NotImplementedError, match='"mse_cpu" not implemented for \'Long\''):
        F.mse_loss(torch.tensor([1]), torch.tensor([2]))
    assert F.mse_loss(torch.tensor([1]), torch.tensor([1.5])).item() == 0.25
    with pytest.raises(RuntimeError, match="kl_div: Integral inputs not supported"):
        F.kl_div(torch.tensor([1]), torch.tensor([1.0]))


def test_module_names_are_checked_as_pytorch():
    m = torch.nn.Linear(2, 2)
    for call, message in ((lambda: m.register_buffer("a.b", None), "buffer name can.*t contain"),
                          (lambda: m.add_module("a.b", None), "module name can.*t contain"),
                          (lambda: m.register_parameter("", None), "can.*t be empty string"),
                          (lambda: m.register_parameter("in_features", None),
                           "attribute 'in_features' already exists")):
        with pytest.raises(KeyError, match=message):
            call()
    with pytest.raises(TypeError, match="parameter name should be a string. Got int"):
        m.register_parameter(3, None)
    with pytest.raises(TypeError, match=r"cannot assign '.*FloatTensor' object to parameter"):
        m.register_parameter("p", torch.ones(2))
    assert list(m.state_dict()) == ["weight", "bias"]


def test_sequential_and_module_list_edit_like_lists():
    """insert/pop/extend/del/+/* renumber the children "0", "1", ... as PyTorch does."""
    nn = torch.nn
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert isinstance(s.pop(1), nn.ReLU)
    s.insert(-1, nn.Tanh())
    s.extend([nn.Sigmoid()])
    assert [type(c).__name__ for c in s] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    assert list(s.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    del s[0:2]
    assert [k for k, _ in s.named_children()] == ["0", "1"]
    doubled = s * 2
    assert len(doubled) == 4 and doubled[2] is s[0]
    both = s + nn.Sequential(nn.ReLU())
    assert [type(c).__name__ for c in both] == ["Linear", "Sigmoid", "ReLU"]
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential"):
        s + nn.ReLU()
    with pytest.raises(IndexError, match="Index out of range: 5"):
        s.insert(5, nn.ReLU())
    lst = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])
    del lst[0]
    assert isinstance(lst.pop(-1), nn.Sigmoid)
    lst += [nn.ELU()]
    assert [k for k, _ in lst.named_children()] == ["0", "1"]
    assert isinstance(lst + nn.ModuleList([nn.GELU()]), nn.ModuleList)


def test_layer_input_errors_in_pytorchs_words():
    F = torch.nn.functional
    ints = torch.tensor([1, -2])
    for fn, kernel in ((F.elu, "elu_cpu"), (F.gelu, "GeluKernelImpl"), (F.silu, "silu_cpu"),
                       (F.leaky_relu, "leaky_relu_cpu"), (F.logsigmoid, "log_sigmoid_cpu")):
        with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented for '
                                                      f"'Long'"):
            fn(ints)
    x64 = torch.ones(1, 1, 5, 5, dtype=torch.float64)
    with pytest.raises(RuntimeError, match=r"Input type \(double\) and bias type \(float\)"):
        torch.nn.Conv2d(1, 2, 3)(x64)
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        torch.nn.Conv2d(1, 2, 3, bias=False)(x64)
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 3\]"):
        F.cross_entropy(torch.ones(2, 3, 4), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(RuntimeError, match="pad=2, kernel_size=3 and dilation=1"):
        F.avg_pool2d(torch.ones(1, 1, 4, 4), (2, 3), padding=(1, 2))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of "
                                           r"tensor b \(4\) at non-singleton dimension 1"):
        F.cosine_similarity(torch.ones(2, 3), torch.ones(2, 4))


def test_hardtanh_keeps_integer_dtypes():
    out = torch.nn.functional.hardtanh(torch.tensor([1, -2, 3]), -1.5, 2.5)
    assert out.dtype == torch.int64 and out.tolist() == [1, -1, 2]
    assert torch.nn.ReLU6()(torch.tensor([7, -1], dtype=torch.int32)).tolist() == [6, 0]


@pytest.mark.parametrize("geometry", [dict(), dict(stride=2, padding=1),
                                      dict(padding=(2, 0), dilation=(1, 2)),
                                      dict(stride=(1, 3), padding=1, dilation=2)])
@pytest.mark.parametrize("needs", ["xwb", "x", "w", "b", "wb", "x-nobias"])
def test_conv2d_array_path_matches_the_composed_body(device, geometry, needs):
    """conv2d's one-group path (arrays and one node) against the same convolution written
    as tensor ops (the body, whose gradients the engine derives): values, every subset of
    gradients, a second backward with retain_graph, and the version check on its input."""
    from autograd_gpu.nn import functional as F
    from autograd_gpu.nn.functional import conv2d_batched

    rng = np.random.default_rng(7)
    arrays = (rng.standard_normal((3, 2, 7, 6)), rng.standard_normal((4, 2, 3, 2)),
              rng.standard_normal(4))
    results = []
    for conv in (F.conv2d, conv2d_batched.body):
        x, w, b = (torch.tensor(a, device=device, requires_grad=k in needs)
                   for a, k in zip(arrays, "xwb"))
        b = None if needs == "x-nobias" else b
        out = conv(x, w, b, **{"stride": 1, "padding": 0, "dilation": 1, **geometry,
                               **({} if conv is F.conv2d else {"groups": 1})})
        if conv is F.conv2d:
            g = torch.tensor(rng.standard_normal(tuple(out.shape)), device=device)
        out.backward(g, retain_graph=True)
        first = [None if t is None or t.grad is None else host(t.grad).copy() for t in (x, w, b)]
        out.backward(g)
        twice = [None if t is None or t.grad is None else host(t.grad) for t in (x, w, b)]
        results.append((host(out), first, twice, out.grad_fn.name()))
    (v1, g1, t1, n1), (v2, g2, t2, n2) = results
    np.testing.assert_allclose(v1, v2, rtol=1e-12, atol=1e-12)
    assert n1 == "ConvolutionBackward0"
    for a, b_, c in zip(g1, g2, t1):
        assert (a is None) == (b_ is None)
        if a is not None:
            np.testing.assert_allclose(a, b_, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(c, 2 * a, rtol=1e-12, atol=1e-12)
    x = torch.tensor(arrays[0], device=device, requires_grad=True)
    w = torch.tensor(arrays[1], device=device, requires_grad=True)
    out = F.conv2d(x, w)
    with torch.no_grad():
        w.mul_(2)  # the weight is saved for the input's gradient
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_module_containers_index_update_and_fail_as_pytorchs():
    lin = lambda: nn.Linear(2, 2)  # noqa: E731
    m = nn.ModuleList([lin(), lin(), nn.Linear(2, 3)])
    assert m[torch.tensor(2)].out_features == 3 and len(m[1:]) == 2
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        m[0.5]
    with pytest.raises(TypeError, match=r"^cannot assign 'int' as child module '0' "
                                        r"\(torch.nn.Module or None expected\)$"):
        m[0] = 3
    with pytest.raises(TypeError, match="^ModuleList.extend should be called with an iterable, "
                                        "but got ReLU$"):
        m.extend(nn.ReLU())
    m.insert(10, nn.ReLU())  # (PyTorch's key arithmetic: the new module goes under "10")
    assert list(m._modules) == ["0", "1", "2", "10"]
    del m[0]
    assert list(m._modules) == ["0", "1", "2"] and type(m[2]) is nn.ReLU
    d = nn.ModuleDict({"b": lin(), "a": nn.ReLU()})
    assert list(d.keys()) == ["b", "a"] and not hasattr(d, "get")
    with pytest.raises(ValueError, match="^ModuleDict update sequence element #0 has length 1; "
                                         "2 is required$"):
        d.update([("c",)])
    with pytest.raises(TypeError, match="^ModuleDict.update should be called with an iterable "
                                        "of key/value pairs, but got int$"):
        d.update(3)
    d.clear()
    assert len(d) == 0
    s = nn.Sequential(lin(), nn.ReLU(), nn.Linear(2, 1))
    with pytest.raises(TypeError, match="cannot assign 'int' as child module '1'"):
        s[1] = 3
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        s += s  # (one module went in before the error, as in PyTorch)
    assert len(s) == 4 and len(s * 2) == 8 and len(2 * s) == 8


def test_parameter_dict_and_list_behave_as_pytorchs():
    p = nn.ParameterDict({"b": torch.ones(2), "a": nn.Parameter(torch.zeros(3))})
    assert list(p.keys()) == ["a", "b"]  # (a plain dict's keys are sorted, as in PyTorch)
    assert isinstance(p["b"], nn.Parameter) and [k for k, _ in p.named_parameters()] == ["a", "b"]
    p["c"] = 3  # (not a tensor: kept as a plain attribute)
    assert p["c"] == 3 and len(p) == 3 and [k for k, _ in p.named_parameters()] == ["a", "b"]
    with pytest.raises(AttributeError, match="'ParameterDict' object has no attribute 'z'"):
        p.pop("z")
    assert p.popitem()[0] == "c" and p.setdefault("n", torch.ones(1)).shape == (1,)
    q = p | nn.ParameterDict({"q": torch.ones(1)})
    assert list(q.keys()) == ["a", "b", "n", "q"] and list(p.copy().keys()) == ["a", "b", "n"]
    assert list(p.fromkeys(["x", "y"]).keys()) == ["x", "y"]
    p.clear()
    assert len(p) == 0 and list(p.parameters()) == []
    with pytest.raises(TypeError, match="^ParametersDict.update should be called with an "
                                        "iterable of key/value pairs, but got int$"):
        p.update(3)
    pl = nn.ParameterList([torch.ones(2)])
    with pytest.raises(TypeError, match="^ParameterList.extend should be called with an "
                                        "iterable, but got Tensor$"):
        pl.extend(torch.ones(1))
    pl += [torch.zeros(1)]
    assert len(pl) == 2 and isinstance(pl[1], nn.Parameter)


def test_conv_transpose_output_size_and_padding_layers_as_pytorchs():
    m = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1)
    x = torch.randn(2, 3, 6, 5)
    assert m(x, output_size=[2, 3, 12, 10]).shape == (2, 4, 12, 10)
    assert m(x, output_size=(11, 9)).shape == (2, 4, 11, 9)
    with pytest.raises(ValueError, match=r"^requested an output size of \[13, 10\], but valid "
                                         r"sizes range from \[11, 9\] to \[12, 10\] \(for an "
                                         r"input of torch.Size\(\[6, 5\]\)\)$"):
        m(x, output_size=[13, 10])
    with pytest.raises(ValueError, match=r"ConvTranspose2D: for 4D input, output_size must "
                                         r"have 2 or 4 elements \(got 3\)"):
        m(x, output_size=[1, 2, 3])
    # a padding sequence is kept as given: ConstantPad2d((1, 1)) pads the last dim only
    assert nn.ConstantPad2d((1, 1), 2.5)(x).shape == (2, 3, 6, 7)
    assert nn.ReflectionPad1d((1, 1, 1, 1))(x).shape == (2, 3, 8, 7)
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D"):
        nn.ReflectionPad2d((1, 1))(x)


def test_conv2d_checks_still_run_after_a_call_that_passed_them():
    """conv2d remembers the shapes, dtypes and parameters whose checks passed; any other
    call is checked again, with PyTorch's words."""
    F = nn.functional
    x, w, b = torch.randn(2, 3, 6, 6), torch.randn(4, 3, 3, 3), torch.randn(4)
    want = F.conv2d(x, w, b, padding=1)
    assert want.shape == (2, 4, 6, 6)
    cases = [
        (lambda: F.conv2d(torch.randn(2, 2, 6, 6), w, b, padding=1), RuntimeError,
         r"expected input\[2, 2, 6, 6\] to have 3 channels, but got 2 channels instead"),
        (lambda: F.conv2d(x, w, b.double(), padding=1), RuntimeError,
         r"Input type \(float\) and bias type \(double\) should be the same"),
        (lambda: F.conv2d(x, w.double(), b, padding=1), RuntimeError,
         "expected scalar type Float but found Double"),
        (lambda: F.conv2d(x, w, b, padding=(1.0, 1)), TypeError, "'float' object"),
        (lambda: F.conv2d(torch.randn(2, 3, 1, 1), w, b), RuntimeError,
         r"Kernel size can't be greater than actual input size"),
        (lambda: F.conv2d(x, w, b, padding=1, dilation=(1, 0)), RuntimeError,
         r"dilation should be greater than zero, but got \[1, 0\]"),
        (lambda: F.conv2d(x, w, torch.randn(5), padding=1), RuntimeError,
         r"expected bias to be 1-dimensional with 4 elements, but got bias of size \[5\]"),
    ]
    for call, error, words in cases:
        with pytest.raises(error, match=words):
            call()
    again = F.conv2d(x, w, b, padding=(1, 1))  # (the same parameters, spelt as a pair)
    np.testing.assert_array_equal(host(again), host(want))


def test_module_to_takes_floating_dtypes_only_and_buffer_words():
    net = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(TypeError, match=r"nn.Module.to only accepts floating point or complex "
                                        r"dtypes, but got desired dtype=torch.int32"):
        net.to(torch.int32)
    assert net[0].weight.dtype == torch.float32  # (nothing converted)
    bn = nn.BatchNorm1d(2)
    with pytest.raises(TypeError, match=r"cannot assign 'int' as buffer 'running_mean' "
                                        r"\(torch.nn.Buffer, torch.Tensor or None expected\)"):
        bn.running_mean = 5


@pytest.mark.parametrize("call, error, words", [
    (lambda F: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1]), reduction="avg"),
     ValueError, "avg is not a valid value for reduction"),
    (lambda F: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1]), label_smoothing=1.5),
     RuntimeError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    (lambda F: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1]), weight=torch.ones(2)),
     RuntimeError, "weight tensor should be defined either for all 3 classes or no classes "
     "but got weight tensor of shape: [2]"),
    (lambda F: F.cross_entropy(torch.ones(2, 3).double(), torch.tensor([0, 1]),
                               weight=torch.ones(3)), RuntimeError,
     "expected scalar type Double but found Float"),
    (lambda F: F.cross_entropy(torch.ones(2, 3, dtype=torch.int64), torch.tensor([0, 1])),
     NotImplementedError, "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    (lambda F: F.cross_entropy(torch.ones(2, 3), torch.ones(2, 3) / 3, weight=torch.ones(2)),
     RuntimeError, "cross_entropy: weight tensor should be defined either for all 3 classes "
     "or no classes but got weight tensor of shape: [2]"),
    (lambda F: F.nll_loss(torch.ones(2, 3, 2), torch.zeros(2, 2, dtype=torch.int64),
                          weight=torch.ones(2)), RuntimeError,
     "weight tensor should be defined either for all or no classes"),
    (lambda F: F.rms_norm(torch.ones(2, 6), (3,)), RuntimeError,
     "Given normalized_shape=[3], expected input with shape [*3], but got input of size[2, 6]"),
    (lambda F: F.rms_norm(torch.ones(2, 6), (6,), torch.ones(3)), RuntimeError,
     "Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and "
     "normalized_shape = [6]"),
    (lambda F: F.rms_norm(torch.ones(6), (2, 6)), ValueError,
     "Input tensor must have at least 2 dimensions, but got 1"),
    (lambda F: F.rms_norm(torch.ones(2, 6), 6), TypeError,
     "rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"),
])
def test_loss_and_norm_checks_in_pytorchs_words(call, error, words):
    with pytest.raises(error) as info:
        call(nn.functional)
    assert str(info.value) == words


def test_cross_entropy_negative_smoothing_is_none_and_attention_takes_mask_with_causal():
    F = nn.functional
    x, t = torch.tensor([[1.0, -0.5, 2.0], [0.3, 0.2, -1.0]]), torch.tensor([2, 0])
    assert F.cross_entropy(x, t, label_smoothing=-0.1).item() == F.cross_entropy(x, t).item()
    # is_causal and an attn_mask together: both apply (each query keeps its past where the
    # mask keeps it), as PyTorch 2.13 does
    q = torch.arange(24.0, dtype=torch.float64).reshape(1, 2, 3, 4) / 10
    m = torch.tensor([[True, False, True]])
    got = F.scaled_dot_product_attention(q, q, q, attn_mask=m, is_causal=True)
    keep = torch.tensor([[True, False, False], [True, False, False], [True, False, True]])
    want = F.scaled_dot_product_attention(q, q, q, attn_mask=keep)
    np.testing.assert_allclose(host(got), host(want), rtol=1e-12)
