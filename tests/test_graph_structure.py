"""The graph as PyTorch draws it: one named grad_fn per op written with other ops (one_node),
linear's Addmm(b, x, W.T), inplace=True arguments, views laid out by strides, and the
version-counter error's words. Values are checked against NumPy and finite differences."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag
from autograd_gpu.nn import functional as F


def _names(fn, depth: int = 2) -> list:
    out = [type(fn).__name__ if fn is not None else None]
    if fn is not None and depth:
        for nxt, _ in fn.next_functions:
            out.append(_names(nxt, depth - 1))
    return out


def _lin(n_in: int, n_out: int) -> ag.nn.Linear:
    lin = ag.nn.Linear(n_in, n_out).double()
    with ag.no_grad():
        lin.weight.copy_(ag.linspace(-1, 1, n_in * n_out, dtype=ag.float64).reshape(n_out, n_in))
        lin.bias.copy_(ag.linspace(0, 1, n_out, dtype=ag.float64))
    return lin


def test_mse_of_linear_has_pytorchs_graph_and_gradients():
    lin = _lin(4, 2)
    x = ag.linspace(-1, 1, 12, dtype=ag.float64).reshape(3, 4)
    t = ag.zeros(3, 2, dtype=ag.float64)
    loss = ag.nn.MSELoss()(lin(x), t)
    assert _names(loss.grad_fn) == ["MseLossBackward0",
                                    ["AddmmBackward0", ["AccumulateGrad"], [None], ["TBackward0"]],
                                    [None]]
    loss.backward()
    w, b, xd = lin.weight.detach().numpy(), lin.bias.detach().numpy(), x.numpy()
    g = 2 * (xd @ w.T + b) / 6  # d mean((y - 0)^2) / dy
    np.testing.assert_allclose(lin.weight.grad.numpy(), g.T @ xd, rtol=1e-12)
    np.testing.assert_allclose(lin.bias.grad.numpy(), g.sum(0), rtol=1e-12)


@pytest.mark.parametrize("shape, bias, top", [((5,), True, "ViewBackward0"),
                                              ((5,), False, "SqueezeBackward4"),
                                              ((2, 3, 5), True, "ViewBackward0"),
                                              ((2, 3, 5), False, "UnsafeViewBackward0"),
                                              ((4, 5), False, "MmBackward0")])
def test_linear_of_any_rank_matches_matmul_and_names(shape, bias, top):
    lin = _lin(5, 3)
    x = ag.linspace(-2, 2, int(np.prod(shape)), dtype=ag.float64).reshape(shape)
    x.requires_grad_()
    y = F.linear(x, lin.weight, lin.bias if bias else None)
    assert type(y.grad_fn).__name__ == top
    ref = x.detach().numpy() @ lin.weight.detach().numpy().T + (
        lin.bias.detach().numpy() if bias else 0)
    np.testing.assert_allclose(y.detach().numpy(), ref, rtol=1e-12)
    inputs = (x, lin.weight) + ((lin.bias,) if bias else ())
    assert ag.autograd.gradcheck(lambda *a: F.linear(*a), inputs)
    assert ag.autograd.gradgradcheck(lambda *a: F.linear(*a), inputs)


def test_one_node_frees_its_graph_and_retains_on_request():
    x = ag.linspace(-1, 1, 4, dtype=ag.float64, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.full((4,), 0.25, dtype=ag.float64))
    loss.backward(retain_graph=True)
    first = x.grad.clone()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy())
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


def test_one_node_second_derivative_is_exact():
    # d^2/dx^2 of mean(bce_with_logits(x, t)) is sigmoid'(x) / n whatever t is
    x = ag.linspace(-2, 2, 5, dtype=ag.float64, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.linspace(0, 1, 5, dtype=ag.float64))
    g, = ag.autograd.grad(loss, x, create_graph=True)
    h, = ag.autograd.grad(g.sum(), x)
    s = 1 / (1 + np.exp(-x.detach().numpy()))
    np.testing.assert_allclose(g.detach().numpy(), (s - np.linspace(0, 1, 5)) / 5, rtol=1e-12)
    np.testing.assert_allclose(h.numpy(), s * (1 - s) / 5, rtol=1e-12)


def test_one_node_input_modified_in_place_is_refused_with_both_names():
    x = ag.linspace(-1, 1, 3, requires_grad=True)
    y = x * 2
    loss = F.mse_loss(y, ag.zeros(3))
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"output 0 of Add, is at version 1; expected version "
                                           r"0 instead\. Hint: .*saved for MseLossBackward0"):
        loss.backward()
    assert x.grad is None


def test_one_node_runs_hooks_and_keeps_gradients_apart_for_a_repeated_input():
    x = ag.linspace(-1, 1, 3, dtype=ag.float64, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.clone()))
    F.mse_loss(x, x * 3, reduction="sum").backward()  # d/dx sum((x - 3x)^2) = 8x
    np.testing.assert_allclose(x.grad.numpy(), 8 * x.detach().numpy())
    assert len(seen) == 1


def test_batch_norm_updates_running_stats_once_even_under_double_backward():
    x = ag.linspace(-1, 2, 12, dtype=ag.float64).reshape(4, 3).requires_grad_()
    bn = ag.nn.BatchNorm1d(3).double()
    out = bn(x)
    assert type(out.grad_fn).__name__ == "NativeBatchNormBackward0"
    g, = ag.autograd.grad((out ** 3).sum(), x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * x.detach().numpy().mean(0))
    assert int(bn.num_batches_tracked) == 1
    assert ag.autograd.gradgradcheck(
        lambda a: F.batch_norm(a, None, None, training=True), (x,))


def test_unbatched_convolution_is_a_squeeze_of_the_batched_node():
    x = ag.linspace(-1, 1, 2 * 5 * 5).reshape(2, 5, 5).requires_grad_()
    w = ag.linspace(-1, 1, 3 * 2 * 9).reshape(3, 2, 3, 3).requires_grad_()
    y = F.conv2d(x, w)
    assert _names(y.grad_fn, 1) == ["SqueezeBackward1", ["ConvolutionBackward0"]]
    assert len(y.grad_fn.next_functions[0][0].next_functions) == 3  # (input, weight, None)
    np.testing.assert_allclose(y.detach().numpy(), F.conv2d(x[None], w)[0].detach().numpy())


ACTIVATIONS = [(F.relu, ()), (F.leaky_relu, (0.2,)), (F.elu, (1.0,)), (F.selu, ()),
               (F.celu, (2.0,)), (F.hardtanh, (-0.5, 0.5)), (F.relu6, ()), (F.silu, ()),
               (F.mish, ()), (F.hardswish, ()), (F.hardsigmoid, ()), (F.threshold, (0.1, 7.0))]


@pytest.mark.parametrize("fn, args", ACTIVATIONS, ids=[f.__name__ for f, _ in ACTIVATIONS])
def test_inplace_true_writes_into_the_input(fn, args):
    x = ag.linspace(-3, 3, 7)
    expected = fn(x, *args).numpy()
    y = fn(x, *args, inplace=True)
    assert y is x
    np.testing.assert_allclose(x.numpy(), expected)
    leaf = ag.linspace(-3, 3, 7, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        fn(leaf, *args, inplace=True)


def test_inplace_modules_and_their_gradients():
    x = ag.linspace(-3, 3, 7, requires_grad=True)
    y = x * 2
    z = ag.nn.LeakyReLU(0.1, inplace=True)(y)
    assert z is y and repr(ag.nn.LeakyReLU(0.1, True)).endswith("inplace=True)")
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(x.detach().numpy() > 0, 2.0, 0.2))
    d = ag.ones(4, 2, 3)
    assert ag.nn.Dropout(0.0, inplace=True)(d) is d
    assert repr(ag.nn.Hardswish(True)) == "Hardswish()"


def test_diagonal_unfold_and_as_strided_are_views():
    x = ag.zeros(3, 3)
    x.diagonal().fill_(1)
    x.diagonal(1).add_(2)
    np.testing.assert_array_equal(x.numpy(), np.eye(3) + 2 * np.eye(3, k=1))
    assert x.diagonal()._base is x and x.diagonal().stride() == (4,)
    t = ag.zeros(3, 4).t()  # a transposed input: its strides are used, not row-major ones
    t.diagonal(-1).fill_(5)
    np.testing.assert_array_equal(t.numpy(), 5 * np.eye(4, 3, k=-1))
    r = ag.arange(6.)
    r.unfold(0, 2, 2)[1, 0] = 100
    assert r.tolist() == [0, 1, 100, 3, 4, 5]
    assert r.unfold(0, 3, 1).stride() == (1, 1)
    s = ag.arange(12.).reshape(3, 4)
    v = s.as_strided((2, 2), (1, 4), 1)
    np.testing.assert_array_equal(v.numpy(), [[1, 5], [2, 6]])
    v[0, 1] = -1
    assert s[1, 1].item() == -1


def test_gradients_through_stride_views():
    x = ag.arange(9., dtype=ag.float64).reshape(3, 3).requires_grad_()
    y = x * 1
    y.diagonal().mul_(2)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((3, 3)) + np.eye(3))
    a = ag.arange(5., dtype=ag.float64, requires_grad=True)
    a.unfold(0, 3, 1).sum().backward()  # overlapping windows: each position counted per window
    np.testing.assert_array_equal(a.grad.numpy(), [1, 2, 3, 2, 1])
    b = ag.arange(6., dtype=ag.float64, requires_grad=True)
    b.as_strided((2, 2), (1, 1)).sum().backward()
    np.testing.assert_array_equal(b.grad.numpy(), [1, 2, 1, 0, 0, 0])


def test_views_of_a_leaf_view_refuse_in_place_writes():
    x = ag.linspace(-1, 1, 6).reshape(2, 3).requires_grad_()  # a view made a leaf
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x.t().mul_(2)
    with ag.no_grad():
        x.t().mul_(2)  # allowed without recording, as in PyTorch
    np.testing.assert_allclose(x.detach().numpy(), 2 * np.linspace(-1, 1, 6).reshape(2, 3))


def test_version_error_names_the_op_as_pytorch_does():
    x = ag.linspace(-1, 1, 3, requires_grad=True)
    y = x.exp()
    y.mul_(3)
    with pytest.raises(RuntimeError, match=r"\[torch.FloatTensor \[3\]\], which is output "
                                           r"0 of Exp, is at version 1"):
        y.sum().backward()


def test_split_and_unbind_pieces_are_named_views():
    x = ag.zeros(2, 4)
    a, b = x.split(2, 1)
    b.fill_(3)
    assert x[:, 2:].sum().item() == 12
    w = ag.zeros(2, 4, requires_grad=True)
    assert [type(p.grad_fn).__name__ for p in (w.split(2)[0], w.split([1, 1])[0], w.unbind()[0],
                                               w.chunk(2)[0])] == [
        "SplitBackward0", "SplitWithSizesBackward0", "UnbindBackward0", "SplitBackward0"]


# -- derivatives where a formula has a kink: PyTorch's choice, derived by hand ---------------
def _grad(fn, values):
    x = ag.tensor(values, dtype=ag.float64, requires_grad=True)
    y = fn(x)
    (y.sum() if y.dim() else y).backward()
    return x.grad.numpy()


def test_logistic_losses_are_smooth_at_zero():
    t = ag.tensor([0.0, 0.25, 1.0], dtype=ag.float64)
    g = _grad(lambda x: F.binary_cross_entropy_with_logits(x, t, reduction="none"), [0.0] * 3)
    np.testing.assert_allclose(g, 0.5 - t.numpy())  # sigmoid(0) - t
    g = _grad(lambda x: F.binary_cross_entropy_with_logits(
        x, t, pos_weight=ag.tensor(2.0, dtype=ag.float64), reduction="none"), [0.0] * 3)
    np.testing.assert_allclose(g, 0.5 * (1 + t.numpy()) - 2 * t.numpy())  # pw: (1+(pw-1)t)s - pw t
    np.testing.assert_allclose(_grad(F.logsigmoid, [0.0, -800.0, 800.0]), [0.5, 1.0, 0.0])
    big = F.binary_cross_entropy_with_logits(ag.tensor([800.0, -800.0], dtype=ag.float64),
                                             ag.tensor([0.0, 1.0], dtype=ag.float64),
                                             reduction="none")
    np.testing.assert_allclose(big.numpy(), [800.0, 800.0])


def test_saturated_probability_keeps_pytorchs_bounded_gradient():
    p = 1 / (1 + np.exp(-30.0))  # 1 - 9.4e-14: PyTorch divides by max(p (1 - p), 1e-12)
    g = _grad(lambda x: F.binary_cross_entropy(x.sigmoid(), ag.zeros(1, dtype=ag.float64)),
              [30.0])
    np.testing.assert_allclose(g, p / 1e-12 * p * (1 - p), rtol=1e-6)


def test_hinge_kinks_follow_clamp_min_and_strict_margins():
    zero = ag.zeros(2, dtype=ag.float64)
    y = ag.tensor([1.0, -1.0], dtype=ag.float64)
    # margin_ranking is clamp_min(-y (x1 - x2), 0): gradient -y at the kink itself
    np.testing.assert_allclose(
        _grad(lambda x: F.margin_ranking_loss(x, zero, y, reduction="none"), [0.0, 0.0]),
        [-1.0, 1.0])
    # multi_margin counts a class only where margin - x[y] + x[i] > 0 (strictly)
    g = _grad(lambda x: F.multi_margin_loss(x.reshape(1, 3), ag.tensor([0])), [1.0, 0.0, -1.0])
    np.testing.assert_allclose(g, [0.0, 0.0, 0.0])


def test_zero_spread_and_sign_sources_give_zero_gradients():
    np.testing.assert_array_equal(_grad(lambda x: x.std(), [2.0, 2.0, 2.0]), [0.0, 0.0, 0.0])
    mag = ag.ones(3, dtype=ag.float64)
    g = _grad(lambda x: ag.copysign(mag, x), [-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0])  # zeros, not None: the sign is a constant


def test_a_kept_loss_does_not_keep_its_input_alive_after_backward():
    import weakref

    x = ag.linspace(-1, 1, 12).reshape(4, 3).requires_grad_()
    y = x * 2
    ref = weakref.ref(y)
    loss = F.mse_loss(y, ag.zeros(4, 3))  # kept, as in losses.append(loss)
    loss.backward()
    del y
    assert ref() is None
    assert type(loss.grad_fn).__name__ == "MseLossBackward0"


@pytest.mark.parametrize("call, name", [
    (lambda y: y.t_(), "TBackward1"), (lambda y: y.transpose_(0, 1), "TransposeBackward1"),
    (lambda y: y.swapdims_(0, 1), "TransposeBackward1"),
    (lambda y: y.squeeze_(), "SqueezeBackward3"), (lambda y: y.squeeze_(0), "SqueezeBackward4"),
    (lambda y: y.squeeze_((0, 1)), "SqueezeBackward5"),
    (lambda y: y.unsqueeze_(0), "UnsqueezeBackward1"),
    (lambda y: y.as_strided_((2, 2), (1, 2)), "AsStridedBackward1"),
])
def test_in_place_view_ops_name_their_nodes_apart(call, name):
    """PyTorch names the in-place view ops' nodes apart from the out-of-place ones
    (t_ -> TBackward1, squeeze_(dim) -> SqueezeBackward4, ...); the gradient is the same."""
    x = ag.ones(2, 2, requires_grad=True)
    y = x.clone()
    call(y)
    assert y.grad_fn.name() == name and y._version == 1
    y.sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert ag.ones(1, 2).squeeze((0, 1)).shape == (2,)
    assert x.clone().squeeze((0, 1)).grad_fn.name() == "SqueezeBackward2"
