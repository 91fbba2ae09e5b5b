"""Higher-order gradients, custom Functions, hooks, anomaly mode, functional API, pictures."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu.autograd import Function, functional, gradcheck, gradgradcheck

from .conftest import host


def f64(values, device):
    return torch.tensor(values, dtype=torch.float64, device=device, requires_grad=True)


class LegendrePolynomial3(Function):
    """PyTorch's custom-Function example, unchanged."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class MyReLU(Function):
    """PyTorch's hand-written ReLU example, unchanged."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MulAdd(Function):
    """Two tensor inputs, a non-tensor argument, two outputs, needs_input_grad."""

    @staticmethod
    def forward(ctx, a, b, k):
        ctx.save_for_backward(a, b)
        ctx.k = k
        return a * b * k, a + b

    @staticmethod
    def backward(ctx, g_prod, g_sum):
        a, b = ctx.saved_tensors
        ga = g_prod * b * ctx.k + g_sum if ctx.needs_input_grad[0] else None
        gb = g_prod * a * ctx.k + g_sum if ctx.needs_input_grad[1] else None
        return ga, gb, None


def test_third_derivative(device):
    x = f64(2.0, device)
    (g,) = torch.autograd.grad(x ** 4, x, create_graph=True)
    (g2,) = torch.autograd.grad(g, x, create_graph=True)
    (g3,) = torch.autograd.grad(g2, x)
    assert (g.item(), g2.item(), g3.item()) == (32.0, 48.0, 48.0)


def test_hessian_vector_product(device):
    x = f64([1.0, 2.0, 3.0], device)
    v = torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64, device=device)
    loss = (x ** 2).sum() * x[0]
    (g,) = torch.autograd.grad(loss, x, create_graph=True)
    (hv,) = torch.autograd.grad((g * v).sum(), x)
    hess = np.array([[6.0, 4.0, 6.0], [4.0, 2.0, 0.0], [6.0, 0.0, 2.0]])
    np.testing.assert_allclose(host(hv), hess @ [1.0, 0.0, -1.0], atol=1e-12)  # (GPU sums round)


def test_backward_create_graph_keeps_grad_graph(device):
    x = f64([1.0, 2.0], device)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    gx = x.grad
    x.grad = None
    gx.sum().backward()
    np.testing.assert_allclose(host(x.grad), [6.0, 12.0])


def test_custom_functions_match_pytorch_examples(device):
    x = f64([-1.0, 0.5, 2.0], device)
    y = LegendrePolynomial3.apply(x)
    assert type(y.grad_fn).__name__ == "LegendrePolynomial3Backward"
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), 1.5 * (5 * np.array([-1.0, 0.5, 2.0]) ** 2 - 1))
    assert gradcheck(LegendrePolynomial3.apply, (x,))
    assert gradgradcheck(LegendrePolynomial3.apply, (x,))
    x.grad = None
    MyReLU.apply(x).sum().backward()
    assert host(x.grad).tolist() == [0.0, 1.0, 1.0]


def test_custom_function_multiple_outputs_and_needs_input_grad(device):
    a, b = f64([1.0, 2.0], device), torch.tensor([3.0, 4.0], dtype=torch.float64,
                                                 device=device)
    prod, total = MulAdd.apply(a, b, 2.0)
    assert prod.grad_fn is total.grad_fn and prod.grad_fn.needs_input_grad == (True, False,
                                                                             False)
    prod.sum().backward()  # total gets no gradient: materialised as zeros
    assert host(a.grad).tolist() == [6.0, 8.0]
    b.requires_grad_()
    assert gradcheck(lambda p, q: MulAdd.apply(p, q, 3.0), (a, b))


def test_custom_function_wrong_gradient_count(device):
    class Bad(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g

    y = Bad.apply(f64([1.0], device), f64([2.0], device))
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients "
                                           r"\(expected 2, got 1\)"):
        y.sum().backward()


def test_custom_function_saved_tensors_freed(device):
    x = f64([1.0], device)
    y = LegendrePolynomial3.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()


def test_retain_grad(device):
    x = f64([1.0, 2.0], device)
    y = x * 3
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    np.testing.assert_allclose(host(y.grad), [6.0, 12.0])
    np.testing.assert_allclose(host(x.grad), [18.0, 36.0])


def test_register_hook_replaces_and_removes(device):
    x = f64([1.0, 2.0], device)
    seen = []
    h1 = x.register_hook(lambda g: seen.append(host(g).tolist()))
    h2 = x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    assert seen == [[2.0, 4.0]] and host(x.grad).tolist() == [20.0, 40.0]
    h1.remove()
    h2.remove()
    x.grad = None
    (x * x).sum().backward()
    assert seen == [[2.0, 4.0]] and host(x.grad).tolist() == [2.0, 4.0]
    y = x * 2
    y.register_hook(lambda g: g + 1)
    x.grad = None
    y.sum().backward()
    assert host(x.grad).tolist() == [4.0, 4.0]
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        torch.ones(2).register_hook(lambda g: g)


def test_anomaly_mode_names_function_and_source_line(device):
    x = f64([0.0, 1.0], device)
    with torch.autograd.detect_anomaly():
        y = x.sqrt()  # the line the error must point at
        with pytest.raises(RuntimeError) as err:
            (y * 0).sum().backward()
    msg = str(err.value)
    assert "Function 'SqrtBackward0' returned nan values in its 0th output" in msg
    assert "y = x.sqrt()  # the line the error must point at" in msg
    assert not torch.autograd.is_anomaly_enabled()
    x.grad = None
    (x.sqrt() * 0).sum().backward()  # outside anomaly mode the nan is a value, not an error
    assert np.isnan(host(x.grad)[0])


def test_anomaly_mode_checks_nan_only_and_check_nan_switches_it_off(device):
    """PyTorch's check is for NaN: an infinite gradient is a value; check_nan=False keeps
    anomaly mode on (the forward lines recorded) with the check off, and the flag reads True
    by default, anomaly mode on or off."""
    assert torch.is_anomaly_check_nan_enabled() and not torch.is_anomaly_enabled()
    x = f64([0.0, 1.0], device)
    with torch.autograd.detect_anomaly():
        (x.sqrt()).sum().backward()  # d sqrt at 0 is inf: no error
        assert np.isinf(host(x.grad)[0])
        with pytest.raises(RuntimeError, match="Function 'DivBackward0' returned nan values "
                                               "in its 1th output"):
            (x / x).sum().backward()  # (d/d other at 0 is -0/0: the second output)
    with torch.autograd.detect_anomaly(check_nan=False):
        assert torch.is_anomaly_enabled() and not torch.is_anomaly_check_nan_enabled()
        x.grad = None
        (x / x).sum().backward()
        assert np.isnan(host(x.grad)[0])
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        assert torch.is_anomaly_enabled() and not torch.is_anomaly_check_nan_enabled()
    assert torch.is_anomaly_check_nan_enabled() and not torch.is_anomaly_enabled()


def test_functional_api(device):
    x = f64([1.0, 2.0, 3.0], device)

    def g(t):
        return t.exp() * t.sum()

    jac = functional.jacobian(g, x)
    e = np.exp([1.0, 2.0, 3.0])
    expected = np.diag(e * 6.0) + e[:, None]
    np.testing.assert_allclose(host(jac), expected)
    rows = np.stack([host(torch.autograd.grad(g(x)[i], x)[0]) for i in range(3)])
    np.testing.assert_allclose(rows, expected)  # the same Jacobian, row by row
    v = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64, device=device)
    np.testing.assert_allclose(host(functional.vjp(g, x, v)[1]), v.tolist() @ expected)
    np.testing.assert_allclose(host(functional.jvp(g, x, v)[1]), expected @ v.tolist())
    h = functional.hessian(lambda t: (t ** 2).sum() * t[0], x)
    np.testing.assert_allclose(host(h), [[6.0, 4.0, 6.0], [4.0, 2.0, 0.0], [6.0, 0.0, 2.0]])
    _, hv = functional.hvp(lambda t: (t ** 2).sum() * t[0], x, v)
    np.testing.assert_allclose(host(hv), [12.0, 4.0, 8.0])


def test_functional_api_checks_in_pytorchs_words(device):
    x = f64([1.0, 2.0], device)
    with pytest.raises(TypeError, match=r"^The inputs given to jacobian must be either a Tensor "
                                        r"or a tuple of Tensors but the given inputs has type "
                                        r"<class 'list'>\.$"):
        functional.jacobian(lambda a: a * 2, [x])
    with pytest.raises(TypeError, match=r"^The outputs of the user-provided function given to "
                                        r"vjp must be either a Tensor or a tuple of Tensors but "
                                        r"the given outputs of the user-provided function has "
                                        r"type <class 'float'>"):
        functional.vjp(lambda a: 2.0, x, x)
    with pytest.raises(RuntimeError, match=r"^v has invalid size: should be torch.Size\(\[2\]\)"
                                           r" but got torch.Size\(\[3\]\)\.$"):
        functional.vjp(lambda a: a * 2, x, f64([1.0, 1.0, 1.0], device))
    with pytest.raises(RuntimeError, match="^The Tensor returned by the function given to "
                                           "hessian should contain a single element$"):
        functional.hessian(lambda a: a ** 2, x)
    with pytest.raises(RuntimeError, match="^The function given to hvp should return a single "
                                           "Tensor$"):
        functional.hvp(lambda a: (a.sum(), a.sum()), x, x)
    with pytest.raises(RuntimeError, match="^While computing the hessian, found that the "
                                           "jacobian of the user-provided function with respect "
                                           "to input 0 is independent of the input"):
        functional.hessian(lambda a: a.sum(), x, strict=True)  # (linear: H is constant)
    with pytest.raises(RuntimeError, match="^Output 0 of the user-provided function does not "
                                           "require gradients"):
        functional.jacobian(lambda a: a.detach(), x, strict=True)
    with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
        functional.jacobian(lambda a: a * 2, x, strategy="forward-mode")
    assert not host(functional.hessian(lambda a: a.sum(), x)).any()  # (not strict: zeros)


def test_functional_api_graphs_reach_the_callers_inputs_only_with_create_graph(device):
    x = f64([1.0, 2.0], device).requires_grad_()
    out, vj = functional.vjp(lambda a: a ** 3, x, f64([1.0, 1.0], device))
    assert not out.requires_grad and not vj.requires_grad
    out, vj = functional.vjp(lambda a: a ** 3, x, f64([1.0, 1.0], device), create_graph=True)
    assert vj.requires_grad
    np.testing.assert_allclose(host(torch.autograd.grad(vj.sum(), x)[0]), [6.0, 12.0])
    jac = functional.jacobian(lambda a, b: (a * b, a.sum()), (x, x), vectorize=True)
    np.testing.assert_allclose(host(jac[0][0]), np.diag([1.0, 2.0]))
    np.testing.assert_allclose(host(jac[1][0]), [1.0, 1.0])
    assert not host(jac[1][1]).any()
    fwd = functional.jacobian(lambda a: a.sin(), x, vectorize=True, strategy="forward-mode")
    np.testing.assert_allclose(host(fwd), np.diag(np.cos([1.0, 2.0])))
    _, vh = functional.vhp(lambda a: (a ** 3).sum(), x, f64([1.0, 0.0], device))
    np.testing.assert_allclose(host(vh), [6.0, 0.0])


def test_gradcheck_reports_worst_element():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * a * 3  # should be 2

    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    with pytest.raises(torch.autograd.GradcheckError, match="worst at output element 1, input "
                                                            "element 1: analytical 6"):
        gradcheck(Wrong.apply, (x,))
    assert gradcheck(Wrong.apply, (x,), raise_exception=False) is False


def test_to_dot_draws_tensors_and_functions():
    x = torch.randn(3, 4, requires_grad=True)
    y = torch.randn(3, 4)
    c = torch.sum(x * y + 1)
    dot = torch.viz.to_dot(c, params={"x": x})
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for box in ("SumBackward0", "AddBackward0", "MulBackward0"):
        assert f'shape=box, style=filled, fillcolor=lightgrey, label="{box}"' in dot
    assert 'fillcolor=lightblue, label="x\\n(3, 4) float32 cpu"' in dot
    assert "saved" in dot


def test_render_without_graphviz_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    c = (torch.ones(2, requires_grad=True) * 2).sum()
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        torch.viz.render(c, tmp_path / "g.svg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_render_writes_svg(tmp_path):
    c = (torch.ones(2, requires_grad=True) * 2).sum()
    path = torch.viz.render(c, tmp_path / "g.svg")
    assert path.read_text().lstrip().startswith("<?xml") and "MulBackward0" in path.read_text()


def test_remainder_and_fmod_gradients_and_integer_division_by_zero():
    import numpy as np

    import autograd_gpu as ag

    x = ag.tensor([5.0, -5.0, 3.5], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([3.0, 3.0, -2.0], dtype=ag.float64, requires_grad=True)
    assert ag.autograd.gradcheck(lambda a, b: a % b + ag.fmod(a, b), (x, y))
    (x % y).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), -np.floor(np.array([5, -5, 3.5])
                                                            / np.array([3, 3, -2])))
    for expr in (lambda: ag.tensor([1, 2]) // 0, lambda: ag.tensor([1, 2]) % ag.tensor([1, 0])):
        try:
            expr()
        except RuntimeError as exc:
            assert str(exc) == "ZeroDivisionError"
        else:
            raise AssertionError("integer division by zero must raise, as in PyTorch")
    assert (ag.tensor([2, 1, -1, -1]) ** ag.tensor([-1, -3, -3, -2])).tolist() == [0, 1, -1, 1]


def test_post_accumulate_grad_hook_runs_after_accumulation_and_must_return_none():
    x = torch.tensor(2.0, requires_grad=True)
    seen = []
    handle = x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.item()))
    (x * 3).backward()
    (x * 4).backward()
    assert seen == [3.0, 7.0]
    handle.remove()
    (x * 1).backward()
    assert seen == [3.0, 7.0] and x.grad.item() == 8.0
    x.register_post_accumulate_grad_hook(lambda p: p.grad)
    with pytest.raises(RuntimeError, match="should return None"):
        (x * 1).backward()
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda p: None)


class _Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        return x * c

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.c).double(), None  # a float64 gradient for a float32 input


class _Alias(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return g


def test_custom_function_edges_dtypes_and_view_outputs():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = _Scale.apply(x, 3.0)
    assert len(y.grad_fn.next_functions) == 1  # the number is not an input edge
    y.sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [3.0, 3.0]
    z = _Alias.apply(x * 1)
    with pytest.raises(RuntimeError, match="Output 0 of _Alias is a view and is being "
                                           "modified inplace"):
        z.mul_(2)
    w = _Alias.apply(x * 1).clone()
    w.mul_(2)  # cloning first is the fix the message gives
    w.sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_grad_with_batched_grad_outputs_is_one_vjp_per_row():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = x ** 2
    g, = torch.autograd.grad(y, x, torch.eye(2, dtype=torch.float64), is_grads_batched=True)
    np.testing.assert_allclose(g.numpy(), np.diag([2.0, 4.0]))  # the rows of the Jacobian


def test_functional_strict_mode_refuses_constant_outputs_and_unused_inputs():
    af = torch.autograd.functional
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function does not "
                                           "require gradients"):
        af.jacobian(lambda a: torch.ones(2), torch.tensor([1.0, 2.0]), strict=True)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        af.vjp(lambda a, b: (a * 2).sum(), (torch.tensor([1.0]), torch.tensor([1.0])),
               strict=True)
    with pytest.raises(RuntimeError, match="The vector v can only be None"):
        af.vjp(lambda a: a * 2, torch.tensor([1.0, 2.0]))


def test_checkpoint_recomputes_with_the_same_random_masks(device):
    """Reentrant checkpoint: the block runs without a graph; backward recomputes it replaying
    the random state (dropout draws the same mask) and gives the gradients the plain call
    gives, into inputs and the block's parameters."""
    from autograd_gpu.utils.checkpoint import checkpoint, checkpoint_sequential

    def run(use_checkpoint: bool):
        torch.manual_seed(3)
        block = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Dropout(0.5),
                                    torch.nn.Tanh(), torch.nn.Linear(6, 2)).to(device).double()
        torch.manual_seed(7)
        x = torch.randn(5, 4, dtype=torch.float64, device=device, requires_grad=True)
        y = checkpoint(block, x, use_reentrant=True) if use_checkpoint else block(x)
        (y ** 2).sum().backward()
        return y, x.grad, block[0].weight.grad

    plain, ck = run(False), run(True)
    for a, b in zip(plain, ck):
        np.testing.assert_allclose(host(a), host(b), rtol=1e-12)
    assert type(run(True)[0].grad_fn).__name__ == "CheckpointFunctionBackward"
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        checkpoint(torch.nn.Linear(2, 2).to(device), torch.ones(1, 2, device=device,
                                                                requires_grad=True))
    seq = torch.nn.Sequential(*[torch.nn.Linear(3, 3) for _ in range(4)]).to(device)
    x = torch.ones(2, 3, device=device, requires_grad=True)
    y = checkpoint_sequential(seq, 2, x, use_reentrant=True)
    np.testing.assert_allclose(host(y), host(seq(x)), rtol=1e-6)
    y.sum().backward()
    assert all(p.grad is not None for p in seq.parameters())


# -- hooks on saved tensors (torch.autograd.graph) ------------------------------------------
def test_saved_tensor_hooks_pack_at_save_and_unpack_at_backward(device):
    events = []

    def pack(t):
        events.append("pack")
        return ("packed", t.detach().cpu().numpy().copy(), t.device)

    def unpack(p):
        events.append("unpack")
        return torch.tensor(p[1], device=p[2])

    x = f64([0.5, -1.0, 2.0], device)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = (x * x).sin()  # mul saves x twice, sin saves x * x
    assert events == ["pack"] * 3
    (g,) = torch.autograd.grad(y.sum(), x)
    assert events.count("unpack") == 3
    xs = host(x)
    np.testing.assert_allclose(host(g), 2 * xs * np.cos(xs * xs), rtol=1e-12)
    y2 = (x * x).sin()  # outside the context: nothing packed
    y2.sum().backward()
    assert events.count("pack") == 3


def test_saved_tensor_hooks_change_what_backward_sees_and_skip_version_checks():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 10, lambda t: t):
        y = a * a  # the backward sees 10 * a for both factors
    y.sum().backward()
    assert a.grad.tolist() == [20.0, 40.0]
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        c = b * 1
        z = c * c
    c.add_(1)  # under hooks PyTorch checks no version: the modified values are used
    z.sum().backward()
    assert b.grad.tolist() == [4.0, 6.0]
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: "not a tensor"):
        w = b * b
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor"):
        w.sum().backward()


def test_saved_tensor_hooks_nest_and_can_be_disabled():
    outer, inner = [], []
    x = torch.tensor([3.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
        with torch.autograd.graph.saved_tensors_hooks(lambda t: inner.append(1) or t,
                                                      lambda t: t):
            x.exp()
        x.log()
    assert (len(outer), len(inner)) == (1, 1)  # the innermost pair applies
    with torch.autograd.graph.disable_saved_tensors_hooks("hooks are off in here"):
        with pytest.raises(RuntimeError, match="hooks are off in here"):
            with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        pass  # usable again after


def test_save_on_cpu_and_custom_functions_and_double_backward(device):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert x.device.type == device  # moved back from the CPU
            return 3 * x * x * g

    x = f64([1.0, -2.0], device)
    with torch.autograd.graph.save_on_cpu():
        y = Cube.apply(x) + (x * x).exp()
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    xs = host(x)
    np.testing.assert_allclose(host(g), 3 * xs ** 2 + 2 * xs * np.exp(xs * xs), rtol=1e-12)
    (h,) = torch.autograd.grad(g.sum(), x)  # differentiable again through the unpacked values
    # Cube's backward is itself differentiable (3 x^2 g), so the second derivative is exact
    np.testing.assert_allclose(host(h), 6 * xs + (2 + 4 * xs * xs) * np.exp(xs * xs),
                               rtol=1e-12)


def test_saved_values_by_pytorchs_names():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * z
    assert y.grad_fn._saved_self is x and y.grad_fn._saved_other is z
    e = x.exp()
    assert torch.equal(e.grad_fn._saved_result, e) and e.grad_fn._saved_result is not e
    assert (x ** 3).grad_fn._saved_exponent == 3
    m = torch.ones(2, 3, requires_grad=True).mm(torch.ones(3, 2))
    assert m.grad_fn._saved_mat2.shape == (3, 2)
    with pytest.raises(AttributeError, match="_saved_nothing"):
        y.grad_fn._saved_nothing
    raw = y.grad_fn._raw_saved_self
    raw.register_hooks(lambda t: t * 2, lambda t: t / 2)
    with pytest.raises(RuntimeError, match="only one pair of hooks"):
        raw.register_hooks(lambda t: t, lambda t: t)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and z.grad.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn._saved_self


# -- forward-mode AD (torch.autograd.forward_ad) ---------------------------------------------
def test_forward_ad_tangents_match_finite_differences(device):
    fwAD = torch.autograd.forward_ad
    rng = np.random.default_rng(3)
    x0, t0 = rng.standard_normal(5), rng.standard_normal(5)
    w0 = rng.standard_normal((3, 5))

    def plain(values):
        return torch.tensor(values, dtype=torch.float64, device=device)

    def f(lib_x):
        w = torch.tensor(w0, device=device)
        return torch.tanh(w @ lib_x.sin()).exp() * lib_x[:3]

    with fwAD.dual_level():
        dual = fwAD.make_dual(plain(x0), plain(t0))
        primal, tangent = fwAD.unpack_dual(f(dual))
    eps = 1e-6
    numeric = (host(f(plain(x0 + eps * t0))) -
               host(f(plain(x0 - eps * t0)))) / (2 * eps)
    np.testing.assert_allclose(host(tangent), numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(host(primal), host(f(plain(x0))), rtol=1e-12)
    assert not primal.requires_grad and not tangent.requires_grad
    # the same directional derivative as torch.func.jvp
    _, jvp_out = torch.func.jvp(f, (plain(x0),), (plain(t0),))
    np.testing.assert_allclose(host(tangent), host(jvp_out), rtol=1e-10)


def test_forward_ad_levels_duals_and_errors():
    fwAD = torch.autograd.forward_ad
    p, tg = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(p, tg)
    assert fwAD.unpack_dual(p).tangent is None
    with fwAD.dual_level():
        d = fwAD.make_dual(p, tg)
        assert fwAD.unpack_dual(d).tangent is tg  # the tangent itself, not a copy
        square = torch.arange(4.0).reshape(2, 2)
        t_t = square.t()  # a tangent laid out otherwise than its primal is copied into it
        got = fwAD.unpack_dual(fwAD.make_dual(square, t_t)).tangent
        assert got is not t_t and torch.equal(got, t_t) and got.is_contiguous()
        y = d * d + p
        assert fwAD.unpack_dual(y).tangent.tolist() == [6.0, 16.0]  # 2 d t
        assert fwAD.unpack_dual(p * 3).tangent is None  # no dual involved
        with pytest.raises(RuntimeError, match="different size"):
            fwAD.make_dual(p, torch.ones(3))
        with pytest.raises(ValueError, match="floating point"):
            fwAD.make_dual(torch.tensor([1, 2]), torch.tensor([1, 2]))
        with pytest.raises(RuntimeError, match="Nested forward mode AD"):
            fwAD.enter_dual_level()
    assert fwAD.unpack_dual(y).tangent is None  # tangents end with the level
    assert not d.requires_grad
    w = torch.tensor([1.0, 2.0], requires_grad=True)  # forward and reverse together
    with fwAD.dual_level():
        dw = fwAD.make_dual(w, torch.ones(2))
        out = (dw ** 3).sum()
        assert fwAD.unpack_dual(out).tangent.item() == 15.0  # 3 w^2 . 1
        out.backward()
    assert w.grad.tolist() == [3.0, 12.0]


def test_householder_product_and_geqrf_against_numpy_and_finite_differences(device):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 5, 3))
    g, tau = torch.geqrf(torch.tensor(a, device=device))
    q_numpy = np.stack([np.linalg.qr(m)[0] for m in a])
    q = torch.linalg.householder_product(g, tau)  # (LAPACK's Q: columns as NumPy's)
    np.testing.assert_allclose(host(q), q_numpy, atol=1e-12)
    r = np.triu(host(g))[..., :3, :]
    np.testing.assert_allclose(q_numpy @ r, a, atol=1e-12)
    A = f64(rng.standard_normal((4, 3)), device)
    t = f64(rng.random(2), device)
    assert gradcheck(torch.linalg.householder_product, (A, t))
    assert gradgradcheck(torch.linalg.householder_product, (A, t))
    x = torch.randn(4, 3, device=device, requires_grad=True)
    out, _ = torch.geqrf(x)
    assert out.grad_fn.name() == "GeqrfBackward0"
    with pytest.raises(NotImplementedError, match="the derivative for 'geqrf' is not "
                                                  "implemented."):
        out.sum().backward()
    with pytest.raises(RuntimeError, match="input.shape\\[-1\\] must be greater than or equal "
                                           "to tau.shape\\[-1\\]"):
        torch.linalg.householder_product(A, f64([0.1] * 4, device))


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
def test_orthogonal_parametrization_stays_orthogonal_while_training(device, orthogonal_map,
                                                                    shape):
    torch.manual_seed(0)
    lin = torch.nn.Linear(shape[1], shape[0], dtype=torch.float64).to(device)
    w0 = lin.weight
    m = torch.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=orthogonal_map)
    assert m.parametrizations.weight.original is w0  # (an optimizer made before still works)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    x = torch.randn(5, shape[1], dtype=torch.float64, device=device)
    for _ in range(3):
        opt.zero_grad()
        m(x).pow(2).sum().backward()
        opt.step()
    W = host(m.weight)
    small = min(shape)
    gram = W @ W.T if shape[0] <= shape[1] else W.T @ W
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-10)
    if shape[0] == shape[1]:  # the weight starts as the Q (diag R >= 0) of the first weight
        torch.manual_seed(0)
        lin = torch.nn.Linear(shape[1], shape[0], dtype=torch.float64).to(device)
        q, r = np.linalg.qr(host(lin.weight))
        start = torch.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=orthogonal_map)
        np.testing.assert_allclose(host(start.weight), q * np.sign(np.diag(r)), atol=1e-12)


def test_multi_grad_hooks_gradient_edges_and_version_bumps(device):
    graph = torch.autograd.graph
    a = f64([1.0, 2.0], device)
    b = f64([3.0, 4.0], device)
    seen = []
    handle = graph.register_multi_grad_hook(
        (a, b), lambda grads: seen.append([None if g is None else host(g).tolist()
                                           for g in grads]))
    (a * b).sum().backward()
    (a * 2).sum().backward()  # (b gets no gradient: the hook runs with None for it)
    assert seen == [[[3.0, 4.0], [1.0, 2.0]], [[2.0, 2.0], None]]
    handle.remove()
    (a * b).sum().backward()
    assert len(seen) == 2
    firsts = []
    graph.register_multi_grad_hook((a, b), lambda g: firsts.append(host(g).tolist()),
                                   mode="any")
    (a * b).sum().backward()
    (b * 3).sum().backward()
    assert len(firsts) == 2 and firsts[1] == [3.0, 3.0]  # (once per backward)
    with pytest.raises(ValueError, match="Expects mode to be one of"):
        graph.register_multi_grad_hook((a,), print, mode="some")
    # a gradient edge keeps the point of the graph a tensor had when it was taken
    x = f64([1.0, 2.0], device)
    y = x * 2
    edge = graph.get_gradient_edge(y)
    y.mul_(5)
    gy, gx = torch.autograd.grad((y ** 2).sum(), [edge, x])
    assert host(gy).tolist() == [100.0, 200.0] and host(gx).tolist() == [200.0, 400.0]
    assert graph.get_gradient_edge(x).node.name() == "torch::autograd::AccumulateGrad"
    with pytest.raises(RuntimeError, match="does not require gradients"):
        graph.get_gradient_edge(x.detach())
    z = x * 1
    w = z * z
    graph.increment_version(z)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


def test_func_linearize_and_jvp_checks(device):
    x = f64([1.0, 2.0], device).detach()
    y = f64([0.5, 0.3], device).detach()
    f = lambda a, b: (a * b).sin()  # noqa: E731
    out, jvp_fn = torch.func.linearize(f, x, y)
    tx, ty = f64([1.0, 1.0], device).detach(), f64([0.0, 2.0], device).detach()
    xs, ys = host(x), host(y)
    np.testing.assert_allclose(host(out), np.sin(xs * ys))
    np.testing.assert_allclose(host(jvp_fn(tx, ty)), np.cos(xs * ys) * (ys * 1.0 + xs * [0, 2]))
    with pytest.raises(RuntimeError, match=r"tangent:0 with shape torch.Size\(\[3\]\) in "
                                           r"flattened pytree doesn't match"):
        jvp_fn(f64([1.0, 1.0, 1.0], device).detach(), ty)
    with pytest.raises(RuntimeError, match="Trying to set a forward gradient that has a "
                                           "different size"):
        torch.func.jvp(torch.exp, (x,), (f64([1.0, 0.0, 0.0], device).detach(),))
    with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
        torch.func.grad(lambda a: a.sum(), argnums=2)(x)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("values", [
    [1.5, -2.0, 3.0, 0.5, 1.25, -0.75],   # no zeros
    [0.0, -2.0, 3.0, 0.5, 1.25, -0.75],   # one zero at a place
    [1.5, 0.0, 3.0, 0.5, 1.25, 0.0],      # two zeros at one place (first order only)
])
def test_scatter_reduce_prod_gradients_match_finite_differences(device, include_self, values):
    """reduce='prod' has PyTorch's derivative: the product of the other factors of each
    place, zeros included (a lone zero gets the product of the rest; two zeros at a place
    give each other 0); first and, where PyTorch gives one, second derivatives."""
    index = torch.tensor([0, 1, 0, 1, 2, 1], device=device)
    base = f64([1.25, 0.0, -1.5, 2.0], device)
    src = f64(values, device)

    def f(base, src):
        return base.scatter_reduce(0, index, src, "prod", include_self=include_self)

    assert f(base, src).grad_fn.name() == "ScatterReduceBackward0"
    assert gradcheck(f, (base, src))
    several_zeros = values.count(0.0) > 1
    if not several_zeros:
        assert gradgradcheck(f, (base, src))
        return
    g_src, = torch.autograd.grad(f(base, src).sum(), src, create_graph=True)
    with pytest.raises(RuntimeError, match=r"Double backward is unsupported for src when >1 "
                                           r"zeros in src are scattered to the same position"):
        torch.autograd.grad(g_src.sum(), src)


def test_index_reduce_prod_gradients_and_aliased_reductions(device):
    x = f64([[1.0, 2.0], [3.0, 0.0], [5.0, 6.0]], device)
    s = f64([[2.0, 0.5], [4.0, 5.0], [7.0, 1.5], [-1.0, 1.0]], device)
    index = torch.tensor([0, 2, 0, 1], device=device)
    for reduce in ("prod", "mean", "amax", "amin"):
        y = x.index_reduce(0, index, s, reduce)
        assert y.grad_fn.name() == "IndexReduceBackward0"
        assert gradcheck(lambda a, b: a.index_reduce(0, index, b, reduce), (x, s))
    # 'max' and 'min' name amax and amin in the forward; PyTorch's derivative refuses them
    t = f64([1.0, 1.0, 1.0], device)
    y = t.scatter_reduce(0, torch.tensor([0, 0], device=device),
                         torch.tensor([2.0, 3.0], dtype=torch.float64, device=device), "max")
    assert host(y).tolist() == [3.0, 1.0, 1.0]
    with pytest.raises(RuntimeError, match="Expected 'reduce' to be one of 'sum', 'prod', "
                                           "'mean', 'amax', 'amin' but got max."):
        y.sum().backward()


@pytest.mark.parametrize("reduce", ["sum", "mean", "prod", "max", "min"])
def test_segment_reduce_values_and_gradients(device, reduce):
    """segment_reduce against a loop over the segments (an empty one gives the reduction's
    empty value, or `initial`), with gradients against finite differences, first and
    second order."""
    data = f64([1.5, -2.0, 3.0, 0.5, 1.25, -0.75], device)
    lengths = torch.tensor([2, 0, 3, 1], device=device)
    got = torch.segment_reduce(data, reduce, lengths=lengths)
    assert got.grad_fn.name() == "SegmentReduceBackward0"
    values, want, start = host(data).tolist(), [], 0
    empty = {"sum": 0.0, "mean": float("nan"), "prod": 1.0, "max": -np.inf, "min": np.inf}
    for n in (2, 0, 3, 1):
        part = values[start:start + n]
        start += n
        want.append(empty[reduce] if not part else {
            "sum": sum, "mean": lambda p: sum(p) / len(p), "prod": np.prod, "max": max,
            "min": min}[reduce](part))
    np.testing.assert_allclose(host(got), want, rtol=1e-12)
    with_initial = torch.segment_reduce(data, reduce, lengths=lengths, initial=2.0)
    assert host(with_initial)[1] == 2.0  # (the empty segment)
    nonempty = torch.tensor([2, 3, 1], device=device)
    f = lambda x: torch.segment_reduce(x, reduce, lengths=nonempty)  # noqa: E731
    assert gradcheck(f, (data,)) and gradgradcheck(f, (data,))


def test_segment_reduce_rows_offsets_and_checks(device):
    data = torch.arange(12.0, dtype=torch.float64, device=device).reshape(4, 3)
    lengths = torch.tensor([[1, 2], [2, 1], [0, 3], [3, 0]], device=device)
    got = torch.segment_reduce(data, "sum", lengths=lengths, axis=1)
    assert host(got).tolist() == [[0, 3], [7, 5], [0, 21], [30, 0]]
    flat = torch.tensor([1.0, 2.0, 2.0, 4.0, 5.0], device=device)
    assert host(torch.segment_reduce(flat, "sum", offsets=torch.tensor([1, 4],
                                                                       device=device))) == [8]
    with pytest.raises(RuntimeError, match=r"Expected all rows of lengths along axis to sum to "
                                           r"data.size\(lengths.dim\(\)-1\) when !unsafe"):
        torch.segment_reduce(flat, "max", lengths=torch.tensor([1, 3], device=device))
    with pytest.raises(RuntimeError, match="lengths contains negative value!"):
        torch.segment_reduce(flat, "sum", lengths=torch.tensor([-1, 6], device=device))
    with pytest.raises(RuntimeError, match="Either lengths or offsets must be defined"):
        torch.segment_reduce(flat, "sum")


@pytest.mark.parametrize("left, transpose", [(True, False), (True, True), (False, False),
                                             (False, True)])
def test_ormqr_multiplies_by_geqrfs_q_with_gradients(device, left, transpose):
    A = torch.tensor([[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]], dtype=torch.float64, device=device)
    a, tau = torch.geqrf(A)
    Q = host(torch.linalg.householder_product(torch.cat([a, torch.zeros(3, 1, dtype=a.dtype,
                                                                          device=device)], 1),
                                              torch.cat([tau, torch.zeros(1, dtype=tau.dtype,
                                                                          device=device)])))
    C = f64(np.arange(6.0).reshape(3, 2) if left else np.arange(6.0).reshape(2, 3), device)
    got = torch.ormqr(a, tau, C, left=left, transpose=transpose)
    q = Q.T if transpose else Q
    np.testing.assert_allclose(host(got), q @ host(C) if left else host(C) @ q, atol=1e-12)
    assert got.grad_fn.name() == "OrmqrBackward0"
    a, tau = a.requires_grad_(), tau.requires_grad_()
    f = lambda x, t, c: torch.ormqr(x, t, c, left=left, transpose=transpose)  # noqa: E731
    assert gradcheck(f, (a, tau, C)) and gradgradcheck(f, (a, tau, C))
    with pytest.raises(RuntimeError, match=r"torch.ormqr: other.shape\[-2\] must be equal to "
                                           r"input.shape\[-2\]"):
        torch.ormqr(a, tau, torch.ones(2, 3, dtype=a.dtype, device=device))
