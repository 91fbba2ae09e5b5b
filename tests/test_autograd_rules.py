"""The autograd rules of the seed and the core issue, one test each, errors included."""
from __future__ import annotations

import gc
import threading
import warnings
import weakref

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu.autograd import AccumulateGrad

from .conftest import host


def leaf(values, device, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype, device=device, requires_grad=True)


def test_output_requires_grad_iff_an_input_does(device):
    a = leaf([1.0, 2.0], device)
    b = torch.tensor([3.0, 4.0], device=device)
    assert (a + b).requires_grad and (a * b).grad_fn is not None
    assert not (b * b).requires_grad and (b * b).grad_fn is None


def test_requires_grad_on_non_leaf(device):
    c = leaf([1.0], device) * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        c.requires_grad_(False)
    assert c.requires_grad_(True) is c
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        c.requires_grad = True


def test_integer_tensors_cannot_require_grad(device):
    # PyTorch words the three paths differently; each message is PyTorch's, then the dtype
    msg = "Only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError, match=msg):
        torch.tensor([1, 2], requires_grad=True, device=device)
    with pytest.raises(RuntimeError, match="^only Tensors of floating point dtype can require "
                                           "gradients \\(got a tensor of dtype .*int64\\)"):
        torch.zeros(2, dtype=torch.int64, device=device).requires_grad_()
    with pytest.raises(RuntimeError, match="^only Tensors of floating point and complex dtype"):
        torch.ones(2, dtype=torch.bool, device=device).requires_grad = True


def test_grad_fn_names_and_next_functions(device):
    x = leaf([1.0, 2.0], device)
    y = x * torch.tensor([3.0, 4.0], device=device)
    assert type(y.grad_fn).__name__ == "MulBackward0" and y.grad_fn.name() == "MulBackward0"
    (acc, nr), (none, nr2) = y.grad_fn.next_functions
    assert isinstance(acc, AccumulateGrad) and acc.variable is x and nr == 0
    assert none is None and nr2 == 0
    z = (y + 1).sum()
    assert type(z.grad_fn).__name__ == "SumBackward0"
    assert type(z.grad_fn.next_functions[0][0]).__name__ == "AddBackward0"
    assert type((x @ x).grad_fn).__name__ == "DotBackward0"
    m = leaf([[1.0, 2.0], [3.0, 4.0]], device)
    assert type((m @ m).grad_fn).__name__ == "MmBackward0"
    assert x.grad_fn is None and x.is_leaf and not y.is_leaf


def test_detach_shares_storage_and_version(device):
    x = leaf([1.0, 2.0], device)
    c = x * 1
    d = c.detach()
    assert not d.requires_grad and d.is_leaf
    d[0] = 5.0
    assert host(c)[0] == 5.0
    assert c._version == d._version == 1


def test_data_shares_storage_not_version(device):
    x = leaf([1.0, 2.0], device)
    y = x * x
    x.data.zero_()
    assert x._version == 0
    y.sum().backward()  # .data edits are invisible to autograd, as in PyTorch
    np.testing.assert_array_equal(host(x.grad), [0.0, 0.0])


def test_detach_inplace(device):
    x = leaf([1.0], device)
    y = x * 2
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_no_grad_is_a_context_manager_and_decorator(device):
    x = leaf([1.0], device)
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        assert not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad
    assert torch.is_grad_enabled()

    @torch.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad and torch.is_grad_enabled()


def test_set_grad_enabled_as_call_and_context():
    torch.set_grad_enabled(False)
    try:
        assert not torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = []
    with torch.no_grad():
        t = threading.Thread(target=lambda: seen.append(torch.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_backward_accumulates(device):
    x = leaf([1.0, 2.0, 3.0], device)
    for k in range(1, 4):
        (x * x).sum().backward()
        np.testing.assert_allclose(host(x.grad), 2 * k * np.array([1.0, 2.0, 3.0]))


def test_accumulation_keeps_grad_object(device):
    x = leaf([1.0, 2.0], device)
    (x * 3).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    assert x.grad is g and host(g).tolist() == [6.0, 6.0]


def test_grad_none_before_backward_and_zeroing(device):
    x = leaf([1.0, 2.0], device)
    assert x.grad is None
    (x * 2).sum().backward()
    x.grad.zero_()
    assert host(x.grad).tolist() == [0.0, 0.0]
    x.grad = None
    (x * 2).sum().backward()
    assert host(x.grad).tolist() == [2.0, 2.0]


def test_grad_lives_with_its_tensor(device):
    for dtype in (torch.float16, torch.float32, torch.float64):
        x = torch.ones(2, 3, dtype=dtype, device=device, requires_grad=True)
        (x * 2.5).sum().backward()
        assert x.grad.dtype == dtype and x.grad.shape == x.shape and x.grad.device == x.device


def test_second_backward_raises_unless_retained(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    np.testing.assert_allclose(host(x.grad), [4.0, 8.0])


def test_graph_without_saved_tensors_can_backward_twice(device):
    x = leaf([1.0, 2.0], device)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    assert host(x.grad).tolist() == [2.0, 2.0]


def test_non_scalar_backward_needs_gradient(device):
    x = leaf([1.0, 2.0], device)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        y.backward()
    y.backward(torch.tensor([1.0, 10.0], device=device))
    assert host(x.grad).tolist() == [2.0, 20.0]


def test_gradient_shape_mismatch(device):
    y = leaf([1.0, 2.0], device) * 2
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of"):
        y.backward(torch.ones(3, device=device))


def test_backward_on_tensor_without_grad(device):
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and "
                                           "does not have a grad_fn"):
        torch.ones(2, device=device).sum().backward()


def test_backward_inputs_accumulates_only_named(device):
    a, b = leaf([1.0, 2.0], device), leaf([3.0, 4.0], device)
    (a * b).sum().backward(inputs=[a])
    assert host(a.grad).tolist() == [3.0, 4.0] and b.grad is None
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (a * b).sum().backward(inputs=[])


def test_autograd_backward_function(device):
    x = leaf([1.0, 2.0], device)
    y1, y2 = x * 2, (x * x).sum()
    torch.autograd.backward([y1, y2], [torch.ones(2, device=device), None])
    assert host(x.grad).tolist() == [4.0, 6.0]


def test_autograd_grad_does_not_touch_dot_grad(device):
    x = leaf([1.0, 2.0], device)
    (g,) = torch.autograd.grad((x ** 3).sum(), x)
    assert x.grad is None
    np.testing.assert_allclose(host(g), [3.0, 12.0])


def test_autograd_grad_unused(device):
    x, z = leaf([1.0], device), leaf([2.0], device)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph. Set "
                                           "allow_unused=True"):
        torch.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = torch.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and host(gx).tolist() == [2.0]
    gx, gz = torch.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert host(gz).tolist() == [0.0]


def test_autograd_grad_of_non_leaf(device):
    x = leaf([1.0, 2.0], device)
    h = x * 3
    (g,) = torch.autograd.grad((h * h).sum(), h)
    np.testing.assert_allclose(host(g), 2 * host(h))


def test_grad_assignment_checks(device):
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="size"):
        x.grad = torch.zeros(3, device=device)
    with pytest.raises(RuntimeError, match="dtype"):
        x.grad = torch.zeros(2, dtype=torch.float64, device=device)
    x.grad = torch.ones(2, device=device)
    assert host(x.grad).tolist() == [1.0, 1.0]


def test_non_leaf_grad_access_warns(device):
    y = leaf([1.0], device) * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert y.grad is None


def test_inplace_on_leaf_requiring_grad(device):
    w = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation."):
        w += 1
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.mul_(2)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w[0:1].mul_(2)
    assert host(w).tolist() == [1.0, 2.0] and w._version == 0
    (w * w).sum().backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
    assert host(w).tolist() == [0.0, 0.0] and w.is_leaf and w.requires_grad


def test_inplace_bumps_version(device):
    x = torch.zeros(3, device=device)
    versions = [x._version]
    for op in (lambda: x.add_(1), lambda: x.sub_(1, alpha=2), lambda: x.mul_(2),
               lambda: x.div_(2), lambda: x.zero_(), lambda: x.fill_(3),
               lambda: x.copy_(torch.ones(3, device=device)), lambda: x.clamp_(0, 0.5),
               lambda: x.__iadd__(1), lambda: x.__isub__(1), lambda: x.__imul__(2),
               lambda: x.__itruediv__(2), lambda: x.__setitem__(0, 7.0)):
        op()
        versions.append(x._version)
    assert versions == list(range(14))
    assert host(x).tolist() == [7.0, 0.5, 0.5]


def test_modified_saved_tensor_raises(device):
    x = leaf([1.0, 2.0], device)
    y = x * 2
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError) as err:
        z.sum().backward()
    msg = str(err.value)
    assert "one of the variables needed for gradient computation has been modified by an " \
           "inplace operation" in msg
    assert "is at version 1; expected version 0 instead" in msg
    assert "saved for MulBackward0" in msg and "add_()" in msg


def test_modified_saved_output_raises(device):
    x = leaf([1.0, 2.0], device)
    y = x.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_non_leaf_is_differentiated(device):
    x = leaf([1.0, 2.0, 3.0], device)
    y = x * 2
    y.mul_(x)  # y = 2x^2
    y.add_(x, alpha=3)
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), 4 * np.array([1.0, 2.0, 3.0]) + 3)
    assert type(y.grad_fn).__name__ == "AddBackward0"
    y = x * 2
    y.mul_(y)  # the op saved y as its own operand, then modified it: PyTorch refuses too
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_setitem_records_copyslices(device):
    x = leaf([[1.0, 2.0], [3.0, 4.0]], device)
    v = leaf(3.0, device)
    y = x * 1
    y[0] = v
    y[:, 1] = torch.tensor([7.0, 8.0], device=device)
    assert type(y.grad_fn).__name__ == "CopySlices"
    (y * y).sum().backward()
    np.testing.assert_allclose(host(x.grad), [[0.0, 0.0], [6.0, 0.0]])
    np.testing.assert_allclose(host(v.grad), 6.0)  # y[0, 0] = v survives; y[0, 1] was rewritten


def test_mixed_dtype_inplace_errors(device):
    x = torch.zeros(2, dtype=torch.int64, device=device)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        x += 1.5
    assert host(x).tolist() == [0, 0]


def test_failed_op_leaves_inputs_and_grads_unchanged(device):
    x = leaf([1.0, 2.0], device)
    (x * 2).sum().backward()
    before = host(x.grad).copy()
    with pytest.raises(RuntimeError):
        x + torch.ones(3, device=device)
    with pytest.raises(RuntimeError):
        x @ torch.ones(3, 2, device=device)
    y = torch.ones(2, device=device)
    with pytest.raises(RuntimeError):
        y.add_(torch.ones(2, 2, device=device))
    assert host(y).tolist() == [1.0, 1.0] and y._version == 0
    np.testing.assert_array_equal(host(x.grad), before)
    assert host(x).tolist() == [1.0, 2.0]


def test_shape_errors_name_both_shapes(device):
    a, b = torch.ones(2, 3, device=device), torch.ones(3, 2, device=device)
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of "
                                           r"tensor b \(2\).*\[2, 3\] and \[3, 2\]"):
        a + b
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(2x3 and 2x3\)"):
        a @ torch.ones(2, 3, device=device)


def test_deep_chain_has_no_recursion_limit():
    x = torch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_node_runs_once_with_every_path_summed(device):
    # x feeds `a`, which reaches the sum directly and through a 10-step branch: a's node
    # must wait for the long branch (nodes run newest first) and run exactly once
    x = leaf([1.0, -2.0], device)
    a = x * 2
    seen = []
    a.register_hook(lambda g: seen.append(host(g).copy()))
    b = a
    for _ in range(10):
        b = b * 1.5
    (a + b).sum().backward()
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], [1 + 1.5 ** 10] * 2, rtol=1e-6)
    np.testing.assert_allclose(host(x.grad), [2 * (1 + 1.5 ** 10)] * 2, rtol=1e-6)


def test_engine_refuses_a_node_pointing_to_a_newer_one():
    # the order is only right while nodes point to older nodes; a graph that breaks this
    # (only possible by rewiring internals) stops with an error instead of a partial gradient
    x = torch.tensor([1.0], requires_grad=True)
    older, newer = x * x, x * 3
    older.grad_fn.next_functions = (older.grad_fn.next_functions[0], (newer.grad_fn, 0))
    with pytest.raises(RuntimeError, match="internal error: MulBackward0 points to the newer"):
        (older + newer).backward()


def test_saved_arrays_released_after_backward():
    x = torch.randn(50, 50, requires_grad=True)
    h = torch.tanh(x @ x)
    out = h.exp().sum()
    ref_h = weakref.ref(h._data)
    node = weakref.ref(out.grad_fn)
    del h
    out.backward()
    del out
    gc.collect()
    assert ref_h() is None and node() is None


def test_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = torch.randn(4, requires_grad=True)
        y = (x.exp() * x).tanh().sum()
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None  # freed by reference counting alone: no cycle
    finally:
        gc.enable()


def test_leaf_accumulator_does_not_keep_tensor_alive():
    x = torch.randn(3, requires_grad=True)
    ref = weakref.ref(x)
    y = (x * 2).sum()
    del x
    assert ref() is None  # the graph holds its leaf weakly
    y.backward()  # and backward still runs; the gradient has nowhere to go


def test_int_tensor_ops_keep_pytorch_dtypes(device):
    i = torch.tensor([1, 2], device=device)
    assert (i + 1).dtype == torch.int64
    assert (i / 2).dtype == torch.float32
    assert (i * 1.5).dtype == torch.float32
    assert (i + torch.tensor([1.0], dtype=torch.float64, device=device)).dtype == torch.float64
    assert (torch.tensor([1.0], device=device) + i).dtype == torch.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.tensor([1.0], device=device).sum().dtype == torch.float32


def test_leaf_grads_never_alias_each_other_or_user_arrays(device):
    a, b = leaf([1.0, 2.0], device), leaf([3.0, 4.0], device)
    (a + b).sum().backward()  # AddBackward hands the same array to both leaves
    a.grad.add_(10)
    assert host(b.grad).tolist() == [1.0, 1.0]
    x = leaf([1.0, 2.0], device)
    v = torch.tensor([5.0, 6.0], device=device)
    (x * 1).backward(v)  # the user's gradient reaches the leaf unchanged
    x.grad.zero_()
    assert host(v).tolist() == [5.0, 6.0]
    y = leaf([1.0, 2.0], device)
    keep = torch.tensor([7.0, 7.0], device=device)
    y.register_hook(lambda g: keep)
    (y * 2).sum().backward()
    y.grad.add_(1)
    assert host(keep).tolist() == [7.0, 7.0]

    class ReturnsSaved(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t, other):
            ctx.save_for_backward(other)
            return t * 1

        @staticmethod
        def backward(ctx, g):
            (o,) = ctx.saved_tensors
            return o, None

    z = leaf([1.0, 1.0], device)
    other = torch.tensor([3.0, 3.0], device=device)
    ReturnsSaved.apply(z, other).sum().backward()
    z.grad.add_(1)
    assert host(other).tolist() == [3.0, 3.0]


def test_no_grad_as_bare_decorator():
    @torch.no_grad
    def f(t):
        return t * 2

    x = torch.ones(2, requires_grad=True)
    assert not f(x).requires_grad and torch.is_grad_enabled()
    torch.backends.cudnn.benchmark = True  # PyTorch scripts set it; it must not fail


def test_backward_inputs_never_alias_grads(device):
    a, b = leaf([1.0, 2.0], device), leaf([3.0, 4.0], device)
    (a + b).sum().backward(inputs=[a, b])
    a.grad.add_(5)
    assert host(b.grad).tolist() == [1.0, 1.0]


def test_concurrent_backward_in_threads():
    import threading

    results = []

    def work():
        x = torch.ones(50, requires_grad=True)
        for _ in range(50):
            (x * x).sum().backward()
        results.append(host(x.grad).tolist())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[100.0] * 50] * 4


@pytest.mark.parametrize("expr,frees", [
    ("x * 2", True), ("2 * x", True), ("x / 2", True), ("x.mul(3)", True),
    ("torch.where(x > 2, x, 0.)", True), ("x.masked_fill(x > 2, 0.)", True),
    ("x + 1", False), ("1 - x", False), ("x.reshape(4)", False)])
def test_second_backward_needs_retain_graph_where_pytorch_saves_something(expr, frees):
    """As in PyTorch: a node that saved anything (even a scalar factor or a condition) frees
    it after backward, so a second backward through it fails; add and reshape save nothing."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    z = eval(expr, {"torch": torch, "x": x})
    z.sum().backward()
    if frees:
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            z.sum().backward()
    else:
        z.sum().backward()
        assert x.grad is not None
    z2 = eval(expr, {"torch": torch, "x": x})
    z2.sum().backward(retain_graph=True)
    z2.sum().backward()  # retain_graph keeps it


def test_pieces_of_multi_view_functions_refuse_in_place_writes_in_a_graph():
    x = torch.ones(4, requires_grad=True)
    for pieces, name in (((x * 1).split(2), "Split"), ((x * 1).chunk(2), "Split"),
                         ((x * 1).split([1, 3]), "SplitWithSizes"),
                         ((x * 1).reshape(2, 2).unbind(), "Unbind")):
        with pytest.raises(RuntimeError, match=f"Output 1 of {name} is a view and is being "
                                               f"modified inplace.*multiple views"):
            pieces[1].mul_(2)
    a, _ = (x * 1).reshape(2, 2).unbind()
    with pytest.raises(RuntimeError, match="Output 0 of Select is a view"):
        a[0].add_(1)  # a view of a piece inherits the rule
    a, b = (x * 1).tensor_split(2)  # slices, not one multi-output node: allowed
    a.add_(1)
    (a.sum() + b.sum()).backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0, 1.0]
    plain = torch.ones(4)
    p, _ = plain.split(2)
    p.add_(1)  # no graph: allowed, and written through
    assert plain.tolist() == [2.0, 2.0, 1.0, 1.0]
    q, _ = (x * 1).split(2)
    with torch.no_grad():
        q.add_(1)  # not recorded: allowed
    assert q.tolist() == [2.0, 2.0]


def test_retain_grad_sees_the_gradient_after_every_tensor_hook():
    for retain_first in (False, True):
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        if retain_first:
            y.retain_grad()
        y.register_hook(lambda g: g * 10)
        if not retain_first:
            y.retain_grad()
        y.sum().backward()
        assert y.grad.tolist() == [10.0] * 3 and x.grad.tolist() == [20.0] * 3


def test_forward_hooks_with_kwargs_prepend_and_always_call():
    class Scale(torch.nn.Module):
        def forward(self, x, scale=1.0):
            if scale < 0:
                raise ValueError("negative scale")
            return x * scale

    m, order = Scale(), []
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}),
                                with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: order.append(("kw", kwargs)) or
                            out + 1, with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: order.append("first"), prepend=True)
    assert m(torch.ones(2), scale=2.0).tolist() == [4.0, 4.0]
    assert order == ["first", ("kw", {"scale": 3.0})]
    bad = Scale()
    seen = []
    bad.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
    with pytest.raises(ValueError, match="negative scale"):
        bad(torch.ones(2), scale=-1.0)
    assert seen == [None]
    wrong = Scale()
    wrong.register_forward_pre_hook(lambda mod, args, kwargs: args, with_kwargs=True)
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        wrong(torch.ones(2))
    with m.register_forward_hook(lambda mod, args, out: out * 0):
        assert m(torch.ones(1)).tolist() == [0.0]
    assert m(torch.ones(1)).tolist() == [4.0]  # the with block removed the hook


def test_a_view_regenerates_its_grad_fn_after_its_base_changes(device):
    """As PyTorch: reading grad_fn (or backward, autograd.grad, hooks) on a view whose base was
    modified in place gives an AsStridedBackward0 over the base's new history."""
    x = torch.arange(4.0, device=device).requires_grad_()
    y = x * 1
    v = y.view(2, 2)
    assert v.grad_fn.name() == "ViewBackward0"
    y.mul_(2)
    assert v.grad_fn.name() == "AsStridedBackward0"
    v.backward(torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device))
    assert host(x.grad).tolist() == [2.0, 4.0, 6.0, 8.0]  # through the mul_ as well


def test_a_no_grad_view_of_a_modified_base_is_refused(device):
    x = torch.arange(4.0, device=device).requires_grad_()
    y = x * 1
    with torch.no_grad():
        v = y[1:]
    assert v.grad_fn is None  # (nothing changed yet)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="A view was created in no_grad mode and its base or "
                                           "another view of its base has been modified inplace"):
        v.grad_fn
    # a view of a base outside the graph stays outside
    z = torch.arange(4.0, device=device)
    with torch.no_grad():
        w = z[1:]
    z.mul_(2)
    assert w.grad_fn is None and host(w).tolist() == [2.0, 4.0, 6.0]


@pytest.mark.parametrize("index,through_view", [
    ((0,), True), ((slice(1, None),), True), ((slice(None, None, 2),), True), ((None,), True),
    ((Ellipsis, 1), True), ((slice(0, 5),), False), ((slice(None),), False),
    ((Ellipsis,), False), (([0, 1],), False), ((slice(None), [1]), False), ((0, [1]), True)])
def test_writing_into_a_leaf_names_the_view_as_pytorch(index, through_view):
    """x[i] = v on a leaf that requires grad: PyTorch indexes first (a view for integers,
    None and partial slices; the tensor itself for full slices and advanced indices), so
    the error names "a view of a leaf" or "a leaf"."""
    x = torch.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        x[index] = 5.0
    view = "a view of a leaf Variable" in str(info.value)
    assert view == through_view and "requires grad is being used in an in-place" in str(info.value)
    assert x.grad is None and (host(x) == 1).all()
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 2"):
        x[5] = 1.0


def test_bmm_checks_the_second_batch_as_pytorch():
    with pytest.raises(RuntimeError, match=r"Expected size for first two dimensions of batch2 "
                                           r"tensor to be: \[2, 3\] but got: \[3, 2\]\."):
        torch.bmm(torch.ones(2, 2, 3), torch.ones(3, 2, 2))


def test_a_no_grad_view_requires_grad_through_its_base_but_its_gradient_goes_nowhere(device):
    x = torch.ones(3, device=device, requires_grad=True)
    with torch.no_grad():
        v = x[:2]
        w = torch.ones(3, device=device)[:2]  # (of a base outside the graph: stays outside)
    assert v.requires_grad and v.is_leaf and v.grad_fn is None and not w.requires_grad
    y = (v * 2).sum()
    assert y.requires_grad and y.grad_fn.name() == "SumBackward0"
    y.backward()
    assert v.grad is None and x.grad is None  # (PyTorch drops it too)
    assert v.requires_grad_(False).requires_grad  # (its base still requires grad)
    with pytest.raises(RuntimeError, match="A view was created in no_grad mode and is being "
                                           "modified inplace with grad mode enabled"):
        v.mul_(2)
    with torch.no_grad():
        v.mul_(2)  # (inside no_grad it writes through to the base)
    assert host(x.detach()).tolist() == [2.0, 2.0, 1.0]


@pytest.mark.parametrize("hook, where, error, words", [
    (lambda g: g.sum(), "tensor", RuntimeError, "hook '<lambda>' has changed the size of value"),
    (lambda g: g.double(), "tensor", RuntimeError,
     "hook '<lambda>' has changed the type of value (was torch.FloatTensor got "
     "torch.DoubleTensor)"),
    (lambda g: 3.0, "tensor", TypeError, "expected Variable, but hook returned 'float'"),
    (lambda g: g.half(), "leaf", RuntimeError,
     "hook '<lambda>' has changed the type of value (was torch.FloatTensor got "
     "torch.HalfTensor)"),
    (lambda gi, go: (gi[0], gi[0]), "node", RuntimeError,
     "hook '<lambda>' has returned an incorrect number of values (got 2, but expected 1)"),
    (lambda gi, go: [gi[0]], "node", TypeError, "expected tuple, but hook returned 'list'"),
    (lambda gi, go: (gi[0].sum(),), "node", RuntimeError,
     "hook '<lambda>' has changed the size of value"),
])
def test_a_hook_may_not_change_a_gradients_type_size_or_count(hook, where, error, words):
    """A hook returns a replacement of the same type and size (PyTorch checks each), or None;
    the leaf's .grad stays untouched when it does not."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp() if where == "node" else x * 2
    if where == "node":
        y.grad_fn.register_hook(hook)
    else:
        (x if where == "leaf" else y).register_hook(hook)
    with pytest.raises(error) as info:
        y.sum().backward()
    assert str(info.value) == words
    assert x.grad is None
    x2 = torch.tensor([1.0, 2.0], requires_grad=True)
    y2 = x2 * 2
    y2.register_hook(lambda g: g * 3)  # same type and size: taken
    y2.sum().backward()
    assert x2.grad.tolist() == [6.0, 6.0]


def test_backward_checks_seed_gradients_before_the_outputs_and_inputs():
    """PyTorch makes the seed gradients first (their shapes), then asks whether the outputs
    require grad, then retains backward's inputs."""
    plain = torch.tensor(1.0)
    with pytest.raises(RuntimeError, match=r"^Mismatch in shape: grad_output\[0\] has a shape "
                                           r"of torch.Size\(\[2\]\) and output\[0\] has a shape "
                                           r"of torch.Size\(\[\]\).$"):
        plain.backward(torch.ones(2))
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad"):
        torch.ones(3).backward()  # no implicit-scalar complaint for an output without grad
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="^can't retain_grad on Tensor that has "
                                           "requires_grad=False$"):
        (x * 2).backward(inputs=[torch.tensor(1.0)])
    with pytest.raises(TypeError, match="^gradients can be either Tensors or None, but got "
                                        "float$"):
        torch.autograd.backward([x * 2], [2.0])
    # extra gradients are ignored (zip), missing ones are an error
    assert torch.autograd.grad(x * 2, x, [torch.tensor(1.0), None])[0].item() == 2.0
    with pytest.raises(RuntimeError, match="^got 2 tensors and 1 gradients"):
        torch.autograd.grad([x * 2, x * 3], x, [torch.tensor(1.0)])
    assert x.grad is None


def test_version_errors_name_the_forward_op_as_pytorch():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    assert x.clone().grad_fn.next_functions[0][0].name() == "torch::autograd::AccumulateGrad"
    for make, owner in ((lambda: x.max(), "Max1"), (lambda: x.exp(), "Exp")):
        y = make()
        y.mul_(2)
        with pytest.raises(RuntimeError, match=f"which is output 0 of {owner}, is at version 1"):
            y.sum().backward()


def test_backward_with_inputs_runs_only_the_nodes_leading_to_them():
    """Nodes (and their hooks) on no path to `inputs` never run, as PyTorch's exec_info."""
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = torch.tensor([1.5, 0.25, -0.5], requires_grad=True)
    ran = []
    x.register_hook(lambda g: ran.append("x"))
    y = (x * w).sum()
    torch.autograd.backward([y], inputs=[w], retain_graph=True)
    assert ran == [] and x.grad is None
    np.testing.assert_array_equal(w.grad.numpy(), x.detach().numpy())
    (gw,) = torch.autograd.grad(y, w)
    assert ran == [] and x.grad is None
    np.testing.assert_array_equal(gw.numpy(), x.detach().numpy())


def test_data_of_another_dtype_gives_the_leaf_a_new_gradient_accumulator():
    """set_data with another type resets the leaf's AccumulateGrad (PyTorch): a graph built
    before no longer reaches the leaf for autograd.grad."""
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = (x * 2).sum()
    before = x.clone().grad_fn.next_functions[0][0]
    x.data = torch.zeros(3, dtype=torch.float64)  # same type: same accumulator
    assert x.clone().grad_fn.next_functions[0][0] is before
    x.data = torch.zeros(3)
    assert x.dtype == torch.float32 and x.clone().grad_fn.next_functions[0][0] is not before
    with pytest.raises(RuntimeError, match="^The differentiated Tensor at index 0 appears to "
                                           "not have been used in the graph"):
        torch.autograd.grad(y, x)


def test_data_of_another_shape_fails_in_backward_in_pytorchs_words():
    """A derivative meeting an input whose .data changed shape since forward: PyTorch's
    broadcast RuntimeError, not the array library's ValueError."""
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([1.5, 0.25, -0.5], dtype=torch.float64, requires_grad=True)
    y = (x * w).sum()
    x.data = torch.zeros(2, dtype=torch.float64)
    with pytest.raises(RuntimeError, match=r"^The size of tensor a \(3\) must match the size "
                                           r"of tensor b \(2\) at non-singleton dimension 0"):
        y.backward()


_X = [0.5, -0.2, 0.3, 0.7]
_M = [[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]]


def _vec():
    return torch.tensor(_X, dtype=torch.float64, requires_grad=True)


def _mat():
    return torch.tensor(_M, dtype=torch.float64, requires_grad=True)


# ops whose PyTorch node saves its output: changing the output in place fails at backward,
# naming the op as its node (output_nr for ops with several outputs)
@pytest.mark.parametrize("make, owner", [
    (lambda x, m: torch.exp2(x), "output 0 of Exp2"),
    (lambda x, m: 2 ** x, "output 0 of Pow2"),
    (lambda x, m: x.abs() ** x, "output 0 of Pow1"),
    (lambda x, m: x.prod(), "output 0 of Prod"),
    (lambda x, m: m.prod(0), "output 0 of Prod1"),
    (lambda x, m: x.logsumexp(0), "output 0 of Logsumexp"),
    (lambda x, m: x.median(), "output 0 of Median"),
    (lambda x, m: x.nanmedian(), "output 0 of Nanmedian"),
    (lambda x, m: x.sgn(), "output 0 of Sgn"),
    (lambda x, m: torch.linalg.vector_norm(x, 3), "output 0 of LinalgVectorNorm"),
    (lambda x, m: torch.linalg.vector_norm(x, float("inf")), "output 0 of LinalgVectorNorm"),
    (lambda x, m: x.logcumsumexp(0), "output 0 of Logcumsumexp"),
    (lambda x, m: torch.hypot(x, x * 2), "output 0 of Hypot"),
    (lambda x, m: torch.dist(x, x * 2, 3), "output 0 of Dist"),
    (lambda x, m: torch.cdist(m, m * 2), "output 0 of Cdist"),
    (lambda x, m: torch.copysign(x, -1.0), "output 0 of Copysign1"),
    (lambda x, m: torch.copysign(x, x * 0 - 1), "output 0 of Copysign"),
    (lambda x, m: torch.special.erfcx(x), "output 0 of SpecialErfcx"),
    (lambda x, m: torch.special.ndtri(x.abs()), "output 0 of SpecialNdtri"),
    (lambda x, m: torch.special.log_ndtr(x), "output 0 of SpecialLogNdtr"),
    (lambda x, m: torch.special.i1e(x), "output 0 of SpecialI1E"),
    (lambda x, m: torch.linalg.cholesky(m), "output 0 of LinalgCholeskyEx"),
    (lambda x, m: torch.linalg.cholesky(m, upper=True), "output 0 of LinalgCholeskyEx"),
    (lambda x, m: torch.linalg.eigh(m)[1], "output 1 of LinalgEigh"),
    (lambda x, m: torch.linalg.svd(m)[2], "output 2 of LinalgSvd"),
    (lambda x, m: torch.linalg.lu(m)[2], "output 1 of LinalgLu"),
    (lambda x, m: torch.linalg.slogdet(m)[0], "output 0 of LinalgSlogdet"),
    (lambda x, m: torch.linalg.solve(m, x[:3]), "output 0 of LinalgSolveEx"),
    (lambda x, m: torch.linalg.pinv(m), "output 0 of LinalgPinv"),
    (lambda x, m: torch.aminmax(x)[1], "output 1 of Aminmax"),
    (lambda x, m: torch.std_mean(x)[0], "output 0 of StdMean"),
])
def test_changing_a_saved_output_fails_naming_its_op(make, owner):
    y = make(_vec(), _mat())
    y.add_(1)
    with pytest.raises(RuntimeError, match=f"which is {owner}, is at version 1; expected "
                                           f"version 0 instead"):
        y.sum().backward()


# ops whose PyTorch node does not save its input (or saves it only for another input's
# gradient): changing that input after the op is allowed and the gradient is unchanged
@pytest.mark.parametrize("make", [
    lambda a, b: torch.exp2(a),
    lambda a, b: a.sort()[0],
    lambda a, b: a.topk(2)[0],
    lambda a, b: a.kthvalue(2)[0],
    lambda a, b: a.reshape(2, 2).median(0)[0],
    lambda a, b: a.reshape(2, 2).mode(0)[0],
    lambda a, b: a.reshape(2, 2).nanmedian(1)[0],
    lambda a, b: a.reshape(2, 2).trace(),
    lambda a, b: a.reshape(2, 2).triu(),
    lambda a, b: a.deg2rad(),
    lambda a, b: torch.remainder(a, b.detach() + 2),
    lambda a, b: torch.fmod(a, b.detach() + 2),
    lambda a, b: torch.lerp(a, b, 0.3),
    lambda a, b: torch.special.ndtri(a / 4 + 0.5) * 1,
])
def test_changing_an_input_pytorch_does_not_save_leaves_the_gradient(make):
    def grad(change: bool):
        x = _vec()
        a, b = x * 1, x * 2 + 1
        make(a, b).sum().backward() if not change else None
        if change:
            y = make(a, b)
            a.add_(10)
            y.sum().backward()
        return x.grad
    assert torch.allclose(grad(True), grad(False))


@pytest.mark.parametrize("make, changed", [
    (lambda x, w: torch.lerp(x * 1, x * 2, w), "weight"),     # the weight: for the ends
    (lambda x, w: torch.remainder(x * 1, w), "divisor"),      # both: for the divisor
    (lambda x, w: torch.logaddexp(x, w), "other"),
    (lambda x, w: torch.fmax(x, w), "other"),
])
def test_changing_an_input_pytorch_saves_fails(make, changed):
    x = _vec()
    w = torch.tensor([0.3, 0.4, 0.5, 2.0], dtype=torch.float64, requires_grad=changed == "divisor")
    w2 = w * 1 if w.requires_grad else w
    y = make(x, w2)
    with torch.no_grad():
        w2.add_(1)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        y.sum().backward()


def test_a_functions_saved_output_is_named_as_its_output_after_an_in_place_change():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * x
            ctx.save_for_backward(y, x)
            return x * 2, y

        @staticmethod
        def backward(ctx, g, h):
            y, x = ctx.saved_tensors
            return g * y

    a, y = Square.apply(torch.tensor([1.0, 2.0], requires_grad=True))
    y.mul_(2)
    with pytest.raises(RuntimeError, match="which is output 1 of Square, is at version 1"):
        (a + y).sum().backward()


@pytest.mark.parametrize("make, name", [
    (lambda x, m: torch.exp2(x), "Exp2Backward0"),
    (lambda x, m: x.nanmedian(), "NanmedianBackward0"),
    (lambda x, m: m.nanmedian(0)[0], "NanmedianBackward1"),
    (lambda x, m: m.mode(0)[0], "ModeBackward0"),
    (lambda x, m: x.sgn(), "SgnBackward0"),
    (lambda x, m: torch.special.log_ndtr(x), "SpecialLogNdtrBackward0"),
    (lambda x, m: torch.special.ndtri(x.abs()), "SpecialNdtriBackward0"),
    (lambda x, m: torch.special.entr(x.abs()), "SpecialEntrBackward0"),
    (lambda x, m: torch.special.xlog1py(x, x.abs()), "SpecialXlog1PyBackward0"),
    (lambda x, m: x.logcumsumexp(0), "LogcumsumexpBackward0"),
    (lambda x, m: torch.hypot(x, x), "HypotBackward0"),
    (lambda x, m: torch.cdist(m, m), "CdistBackward0"),
    (lambda x, m: torch.fmax(x, x), "FmaxBackward0"),
    (lambda x, m: torch.fmin(x, x), "FminBackward0"),
    (lambda x, m: torch.logaddexp(x, x), "LogaddexpBackward0"),
    (lambda x, m: torch.logaddexp2(x, x), "Logaddexp2Backward0"),
    (lambda x, m: x.nansum(), "NansumBackward0"),
    (lambda x, m: torch.remainder(x, x), "RemainderBackward1"),
    (lambda x, m: torch.remainder(x, 2.0), "RemainderBackward0"),
    (lambda x, m: torch.fmod(x, x), "FmodBackward1"),
    (lambda x, m: torch.fmod(x, 2.0), "FmodBackward0"),
    (lambda x, m: torch.linalg.pinv(m), "LinalgPinvBackward0"),
    (lambda x, m: torch.linalg.solve(m, m), "LinalgSolveExBackward0"),
    (lambda x, m: torch.linalg.solve_ex(m, x[:3]).result, "LinalgSolveExBackward0"),
    (lambda x, m: torch.linalg.matrix_exp(m), "LinalgMatrixExpBackward0"),
    (lambda x, m: torch.linalg.lstsq(m, m).solution, "LinalgLstsqBackward0"),
    (lambda x, m: torch.linalg.solve_triangular(m, m, upper=True),
     "LinalgSolveTriangularBackward0"),
    (lambda x, m: torch.cholesky_inverse(m), "CholeskyInverseBackward0"),
    (lambda x, m: torch.linalg.slogdet(m)[0], "LinalgSlogdetBackward0"),
    (lambda x, m: torch.std_mean(x)[1], "StdMeanBackward0"),
    (lambda x, m: torch.var_mean(m, 0)[0], "VarMeanBackward0"),
    (lambda x, m: torch.aminmax(m, dim=1)[0], "AminmaxBackward0"),
])
def test_grad_fn_names_as_pytorch(make, name):
    assert make(_vec(), _mat()).grad_fn.name() == name


def test_lu_numbers_its_differentiable_outputs_as_pytorch():
    P, L, U = torch.linalg.lu(_mat())
    assert (L.output_nr, U.output_nr, P.requires_grad) == (0, 1, False)
    sign, logabsdet = torch.linalg.slogdet(_mat())
    assert (sign.output_nr, logabsdet.output_nr) == (0, 1)
    assert sign.grad_fn is logabsdet.grad_fn


@pytest.mark.parametrize("fn", [
    lambda x: torch.std_mean(x)[0] + torch.std_mean(x)[1] ** 2,
    lambda x: sum(torch.std_mean(x, 1, True, True)).sum(),
    lambda x: sum(torch.std_mean(x, 0, correction=0)).sum(),
    lambda x: (torch.var_mean(x, (0, 1), correction=2)[0] * 3 + torch.var_mean(x)[1]),
    lambda x: (torch.aminmax(x)[0] * 2 + torch.aminmax(x)[1]),
    lambda x: sum(torch.aminmax(x, dim=1, keepdim=True)).pow(2).sum(),
    lambda x: torch.linalg.solve(x[:, :2] + 2 * torch.eye(2, dtype=x.dtype), x).sum(),
    lambda x: torch.linalg.solve(x[:, :2].T @ x[:, :2] + torch.eye(2, dtype=x.dtype), x.T,
                                 left=False).sum(),
    lambda x: torch.erfinv(x / 2).sum(),
    lambda x: torch.linalg.slogdet(x[:, :2] + 2 * torch.eye(2, dtype=x.dtype))[1],
    lambda x: (x.abs() + 0.5).pow(x).sum(),
    lambda x: torch.exp2(x).sum() + (3 ** x).sum(),
    lambda x: torch.special.erfcx(x).sum() + torch.special.i1e(x).sum(),
])
def test_rewritten_derivatives_match_finite_differences_to_second_order(fn):
    x = torch.tensor([[0.5, -0.2, 0.3], [0.7, 0.1, -0.4]], dtype=torch.float64,
                     requires_grad=True)
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(fn, (x,))


F = torch.nn.functional


# a second backward without retain_graph fails exactly where PyTorch's node saved a tensor
# (inputs, outputs, or indices and masks), and runs again where it saved none
@pytest.mark.parametrize("make, saves", [
    (lambda x: x.repeat(2), False),
    (lambda x: x.roll(1), False),
    (lambda x: x.diag(), False),
    (lambda x: torch.diag_embed(x), False),
    (lambda x: x.deg2rad(), False),
    (lambda x: x.reshape(1, 3).triu(), False),
    (lambda x: F.pixel_shuffle(x.reshape(1, 1, 3, 1).repeat(1, 4, 1, 1), 2), False),
    (lambda x: F.interpolate(x.reshape(1, 1, 3), scale_factor=2), False),
    (lambda x: torch.lerp(x, x.detach() + 1, 0.3), False),
    (lambda x: F.channel_shuffle(x.reshape(1, 3, 1).repeat(1, 2, 1), 2), False),
    (lambda x: torch.addmm(x.reshape(1, 3), torch.ones(1, 2, dtype=x.dtype),
                           torch.ones(2, 3, dtype=x.dtype)), False),
    (lambda x: x.max(0)[0], True),
    (lambda x: x.sort()[0], True),
    (lambda x: x.topk(2)[0], True),
    (lambda x: x[[0, 2]], True),
    (lambda x: x[x > 0], True),
    (lambda x: x.index_select(0, torch.tensor([0, 1])), True),
    (lambda x: x.scatter_add(0, torch.tensor([0]), x[:1]), True),
    (lambda x: x.index_add(0, torch.tensor([0]), x[:1]), True),
    (lambda x: x.masked_fill(x > 0, 1.0), True),
    (lambda x: F.max_pool1d(x.reshape(1, 1, 3), 2), True),
    (lambda x: torch.linalg.vector_norm(x, 0), True),
    (lambda x: x.exp(), True),
    (lambda x: x.take(torch.tensor([0, 2])), True),
])
def test_a_second_backward_fails_only_where_pytorch_saved_a_tensor(make, saves):
    x = torch.tensor([0.5, -0.2, 0.3], dtype=torch.float64, requires_grad=True)
    y = make(x)
    y.sum().backward()
    if saves:
        with pytest.raises(RuntimeError, match="^Trying to backward through the graph a "
                                               "second time"):
            y.sum().backward()
    else:
        first = x.grad.clone()
        y.sum().backward()
        assert torch.allclose(x.grad, 2 * first)


@pytest.mark.parametrize("make, name", [
    (lambda x: x.diag(), "DiagEmbedBackward0"),
    (lambda x: x.index_add(0, torch.tensor([0]), x[:1]), "IndexAddBackward0"),
    (lambda x: x.scatter(0, torch.tensor([0]), x[:1]), "ScatterBackward0"),
    (lambda x: x.scatter(0, torch.tensor([0]), 2.0), "ScatterBackward1"),
    (lambda x: x.scatter_add(0, torch.tensor([0]), x[:1]), "ScatterAddBackward0"),
    (lambda x: x.put(torch.tensor([0]), x[:1]), "PutBackward0"),
    (lambda x: x.take(torch.tensor([0, 2])), "TakeBackward0"),
    (lambda x: x.index_put((torch.tensor([0]),), x[:1]), "IndexPutBackward0"),
    (lambda x: F.pairwise_distance(x, x * 2), "NormBackward1"),
    (lambda x: F.soft_margin_loss(x, torch.ones(3, dtype=x.dtype)), "SoftMarginLossBackward0"),
    (lambda x: F.channel_shuffle(x.reshape(1, 3, 1).repeat(1, 2, 1), 2),
     "ChannelShuffleBackward0"),
    (lambda x: F.rrelu(x), "RreluWithNoiseBackward0"),
    (lambda x: torch.cholesky_inverse(x.reshape(3, 1) @ x.reshape(1, 3) + torch.eye(3)),
     "CholeskyInverseBackward0"),
])
def test_more_grad_fn_names_as_pytorch(make, name):
    x = torch.tensor([0.5, -0.2, 0.3], dtype=torch.float64, requires_grad=True)
    assert make(x).grad_fn.name() == name


def test_changing_what_pytorch_does_not_save_is_allowed():
    img = torch.randn(1, 2, 4, 4, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64, requires_grad=True) * 1
    y = F.conv2d(img, w, b)
    b.add_(1)  # the bias is not saved by a convolution
    y.sum().backward()
    assert torch.allclose(img.grad, F.conv2d(img, w, b).new_ones(1, 3, 2, 2).new_zeros(
        1, 2, 4, 4) + torch.autograd.grad(F.conv2d(img, w).sum(), img)[0])
    weight = torch.randn(5, 3, dtype=torch.float64, requires_grad=True) * 1
    e = F.embedding(torch.tensor([0, 2, 2]), weight)
    weight.add_(1)  # nor an embedding's weight
    e.sum().backward()
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(4, dtype=torch.float64, requires_grad=True) * 1
    y = F.batch_norm(x, None, None, torch.ones(4, dtype=torch.float64), bias, training=True)
    bias.add_(1)  # nor a batch norm's bias
    y.sum().backward()
    m = torch.randn(3, 3, dtype=torch.float64, requires_grad=True) * 1
    y = torch.addmm(m, torch.ones(3, 3, dtype=torch.float64), torch.ones(3, 3, dtype=torch.float64))
    m.add_(1)  # nor addmm's added input
    y.sum().backward()


def test_cholesky_inverse_gradient_is_pytorchs_formula_over_all_of_l():
    L = torch.tensor([[2.0, 0.0, 0.0], [0.3, 1.5, 0.0], [0.1, 0.2, 1.0]], dtype=torch.float64,
                     requires_grad=True)
    def fn(L):  # (the value reads only the lower triangle: check through it)
        return torch.cholesky_inverse(L.tril())
    assert torch.autograd.gradcheck(fn, (L,))
    assert torch.autograd.gradgradcheck(fn, (L,))
    g, = torch.autograd.grad(torch.cholesky_inverse(L).sum(), L)
    assert g[0, 1] != 0  # (the formula reads L's zeros too: PyTorch's gradient is full)


def _graph(fn, depth: int = 4):
    """grad_fn names and next_functions, nested, as PyTorch prints them."""
    if fn is None or depth == 0:
        return None if fn is None else fn.name()
    return (fn.name(), [(_graph(f, depth - 1), i) for f, i in fn.next_functions])


_LEAF = "torch::autograd::AccumulateGrad"


@pytest.mark.parametrize("make, graph", [
    (lambda x, w: x ** 2, ("PowBackward0", [((_LEAF, []), 0)])),
    (lambda x, w: x * 2, ("MulBackward0", [((_LEAF, []), 0), (None, 0)])),
    (lambda x, w: 2 / x, ("MulBackward0", [(("ReciprocalBackward0", [((_LEAF, []), 0)]), 0),
                                           (None, 0)])),
    (lambda x, w: x.div(2, rounding_mode="floor"),
     ("DivBackward2", [((_LEAF, []), 0), (None, 0)])),
    (lambda x, w: torch.where(x > 0.5, x, 0.0), ("WhereBackward0", [((_LEAF, []), 0),
                                                                    (None, 0)])),
    (lambda x, w: torch.xlogy(2.0, x), ("XlogyBackward1", [((_LEAF, []), 0)])),
    (lambda x, w: torch.xlogy(x, 2.0), ("XlogyBackward2", [((_LEAF, []), 0)])),
    (lambda x, w: torch.special.xlog1py(x, 2.0), ("SpecialXlog1PyBackward2", [((_LEAF, []), 0)])),
    (lambda x, w: torch.special.xlog1py(2.0, x), ("SpecialXlog1PyBackward1", [((_LEAF, []), 0)])),
    (lambda x, w: x.copysign(-1.0), ("CopysignBackward1", [((_LEAF, []), 0)])),
    (lambda x, w: x.addcmul(x, x), ("AddcmulBackward0", [((_LEAF, []), 0)] * 3)),
    (lambda x, w: x @ w, ("SqueezeBackward4", [(("MmBackward0", [
        (("UnsqueezeBackward0", [((_LEAF, []), 0)]), 0), ((_LEAF, []), 0)]), 0)])),
    (lambda x, w: w[0, 1], ("SelectBackward0", [(("SelectBackward0", [((_LEAF, []), 0)]), 0)])),
    (lambda x, w: w[None, 1:, 0], ("SelectBackward0", [(("SliceBackward0", [
        (("UnsqueezeBackward0", [((_LEAF, []), 0)]), 0)]), 0)])),
    (lambda x, w: x.outer(x), ("MulBackward0", [(("ViewBackward0", [((_LEAF, []), 0)]), 0),
                                               ((_LEAF, []), 0)])),
])
def test_graphs_have_pytorchs_nodes_and_edges(make, graph):
    x = torch.tensor([0.5, 0.7, 0.2], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]], dtype=torch.float64,
                     requires_grad=True)
    y = make(x, w)
    assert _graph(y.grad_fn, 5) == graph
    inputs = [t for t in (x, w) if t.grad_fn is None]
    got = torch.autograd.grad(y.sum(), inputs, allow_unused=True)
    assert all(g is None or g.shape == t.shape for g, t in zip(got, inputs))


def test_pieces_of_split_and_unbind_are_numbered_outputs():
    x = torch.arange(6.0, requires_grad=True)
    for pieces in (x.split(2), x.chunk(3), x.unbind(), x.split([1, 5])):
        assert [t.output_nr for t in pieces] == list(range(len(pieces)))
    a, b, c = x.split(2)
    b.register_hook(lambda g: g * 10)
    (a.sum() + 2 * b.sum() + c.sum()).backward()
    assert x.grad.tolist() == [1.0, 1.0, 20.0, 20.0, 1.0, 1.0]


def test_vector_matrix_products_and_stepwise_indexing_keep_their_gradients():
    x = torch.tensor([0.5, 0.7, 0.2], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]], dtype=torch.float64,
                     requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: a @ b, (x, w))
    assert torch.autograd.gradgradcheck(lambda a, b: a @ b, (x, w))
    assert torch.autograd.gradcheck(lambda b: b[None, 1:, 0] * b[2, 1], (w,))
    assert torch.autograd.gradcheck(lambda a: 2 / a + a.div(3, rounding_mode="trunc"), (x,))


def test_tensors_made_in_inference_mode_are_inference_tensors():
    w = torch.ones(3, requires_grad=True)
    with torch.inference_mode():
        x = torch.ones(3)
        y = x * 2
        view_of_normal = w[:2]
        with torch.inference_mode(False):
            normal = torch.ones(3)
        x.add_(1)  # (in-place updates are fine inside)
    assert x.is_inference() and y.is_inference() and x[0].is_inference()
    assert x.detach().is_inference() and not x.clone().is_inference()
    assert not normal.is_inference() and not w.is_inference()
    assert not view_of_normal.is_inference() and view_of_normal.requires_grad
    assert type(x).__name__ == "Tensor" and isinstance(x, torch.Tensor)
    assert x.tolist() == [2.0, 2.0, 2.0] and not y.requires_grad
    with pytest.raises(RuntimeError, match="^Inference tensors do not track version counter"):
        x._version
    for change in (lambda: x.requires_grad_(), lambda: setattr(x, "requires_grad", True)):
        with pytest.raises(RuntimeError, match="^Setting requires_grad=True on inference tensor "
                                               "outside InferenceMode is not allowed"):
            change()
    for write in (lambda: x.add_(1), lambda: x.zero_(), lambda: x.__setitem__(0, 5.0),
                  lambda: x.copy_(torch.zeros(3)), lambda: x[1:].mul_(2)):
        with pytest.raises(RuntimeError, match="^Inplace update to inference tensor outside "
                                               "InferenceMode is not allowed"):
            write()
    assert x.tolist() == [2.0, 2.0, 2.0]  # (nothing written)
    for use in (lambda: x * w, lambda: w.exp() * x, lambda: torch.nn.functional.linear(
            x, w.reshape(1, 3))):
        with pytest.raises(RuntimeError, match="^Inference tensors cannot be saved for "
                                               "backward"):
            use()
    (x + w).sum().backward()  # (an add saves nothing: allowed)
    assert w.grad.tolist() == [1.0, 1.0, 1.0]
    z = x.clone() * w  # (a clone is a normal tensor)
    z.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0, 3.0]


def test_relus_gradient_stays_connected_under_create_graph_as_pytorchs():
    """PyTorch's relu backward is threshold_backward(g, y): differentiable again (its
    gradient in y is zero), so the first gradient requires grad."""
    x = torch.tensor([0.3, -0.6, 0.9], requires_grad=True)
    g, = torch.autograd.grad(x.relu().sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn.name() == "ThresholdBackwardBackward0"
    assert g.tolist() == [1.0, 0.0, 1.0]
    assert torch.autograd.grad(g.sum(), x)[0].tolist() == [0.0, 0.0, 0.0]
    x64 = torch.tensor([0.3, -0.6, 0.9], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda t: (t * 2).relu() * t, (x64,))


def test_backward_with_inputs_runs_a_leafs_post_accumulate_hooks():
    x = torch.tensor([0.3, 0.6], requires_grad=True)
    seen = []
    x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
    (x * 2).sum().backward(inputs=[x])
    assert seen == [[2.0, 2.0]]
    x.register_post_accumulate_grad_hook(lambda p: p.grad)
    with pytest.raises(RuntimeError, match="^Tensor post accumulate grad hooks should return "
                                           "None"):
        (x * 2).sum().backward(inputs=[x])


@pytest.mark.parametrize("fn, name", [(torch.tanh, "TanhBackwardBackward0"),
                                      (torch.sigmoid, "SigmoidBackwardBackward0")])
def test_tanh_and_sigmoid_gradients_are_pytorchs_nodes_differentiable_again(fn, name):
    x = torch.tensor([0.3, -0.6, 1.2], dtype=torch.float64, requires_grad=True)
    g, = torch.autograd.grad((fn(x) ** 2).sum(), x, create_graph=True)
    assert g.grad_fn.name() == name
    assert torch.autograd.gradgradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(  # (the node's own gradients, one order up)
        lambda t: torch.autograd.grad(fn(t).sum(), t, create_graph=True)[0], (x,))


_PIECEWISE = [  # (op, PyTorch's node for its gradient under create_graph, reads its input again)
    (lambda x: F.max_pool2d(x, 2), "MaxPool2DWithIndicesBackwardBackward0", False),
    (lambda x: F.avg_pool2d(x, 2), "AvgPool2DBackwardBackward0", False),
    (lambda x: F.adaptive_max_pool2d(x, (3, 2)), "AdaptiveMaxPool2DBackwardBackward0", False),
    (lambda x: F.adaptive_avg_pool2d(x, (3, 2)), "AdaptiveAvgPool2DBackwardBackward0", False),
    (lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"), "ReflectionPad2DBackwardBackward0",
     False),
    (lambda x: F.pad(x, (1, 2, 2, 1), mode="replicate"), "ReplicationPad2DBackwardBackward0",
     False),
    (F.hardtanh, "HardtanhBackwardBackward0", True),
    (lambda x: F.leaky_relu(x, 0.2), "LeakyReluBackwardBackward0", True),
    (lambda x: F.threshold(x, 0.1, 2.0), "ThresholdBackwardBackward0", True),
    (lambda x: F.hardshrink(x, 0.3), "HardshrinkBackwardBackward0", True),
    (lambda x: F.softshrink(x, 0.3), "SoftshrinkBackwardBackward0", True),
    (lambda x: torch.copysign(x, torch.ones(4, 4, dtype=torch.float64) - 1.5), "MulBackward0",
     True),
]


@pytest.mark.parametrize("op, name, reads_input", _PIECEWISE)
def test_piecewise_linear_gradients_are_one_differentiable_node(op, name, reads_input):
    """The gradient of a pooling, a padding or a piecewise-linear activation under
    create_graph is one node, as PyTorch's: it requires grad (its derivative for the input is
    zero, not missing), and its derivative for the output gradient v is the op's own
    derivative at x, checked here against finite differences of the op along w."""
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-2, 2, (1, 2, 4, 4)).round(3) + 0.0005  # (off every kink)
    x = torch.tensor(x0, requires_grad=True)
    y = op(x)
    v = torch.tensor(rng.standard_normal(tuple(y.shape)), requires_grad=True)
    g, = torch.autograd.grad((y * v).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn.name() == name
    w = rng.standard_normal(x0.shape)
    gv, gx = torch.autograd.grad((g * torch.tensor(w)).sum(), [v, x], create_graph=True)
    eps = 1e-6
    jvp = (host(op(torch.tensor(x0 + eps * w))) - host(op(torch.tensor(x0 - eps * w)))) / (
        2 * eps)
    np.testing.assert_allclose(host(gv), jvp, atol=1e-7)
    assert not host(gx).any()
    assert gv.requires_grad == reads_input  # (a mask is read again; a pooling's winners not)
    # one order up: the derivative of <L w, u> for w is L^T u again
    if gv.requires_grad:
        u = rng.standard_normal(tuple(y.shape))
        third, = torch.autograd.grad((gv * torch.tensor(u)).sum(), x, allow_unused=True)
        assert third is None or not host(third).any()


@pytest.mark.parametrize("op, error, words", [
    (F.hardsigmoid, RuntimeError, "derivative for aten::hardsigmoid_backward is not implemented"),
    (lambda x: F.multi_margin_loss(x.reshape(4, 8), torch.tensor([0, 3, 1, 7])), RuntimeError,
     "derivative for aten::multi_margin_loss_backward is not implemented"),
    (lambda x: F.pdist(x.reshape(4, 8)), NotImplementedError,
     "the derivative for '_pdist_backward' is not implemented."),
    (lambda x: torch.cdist(x.reshape(4, 8), torch.ones(3, 8, dtype=torch.float64)),
     NotImplementedError, "the derivative for '_cdist_backward' is not implemented."),
])
def test_gradients_pytorch_cannot_differentiate_again_fail_when_they_are(op, error, words):
    x = torch.linspace(-2, 2, 32, dtype=torch.float64).reshape(2, 4, 4).requires_grad_()
    g, = torch.autograd.grad(op(x).sum(), x, create_graph=True)  # (the gradient itself is fine)
    eager, = torch.autograd.grad(op(x).sum(), x)
    np.testing.assert_allclose(host(g), host(eager))
    assert g.requires_grad
    with pytest.raises(error, match="^" + words.replace("(", r"\(").replace(")", r"\)")):
        torch.autograd.grad(g.sum(), x)


def test_multi_margin_loss_refuses_a_weight_that_requires_grad():
    x = torch.zeros(2, 3, requires_grad=True)
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="^The function 'multi_margin_loss' is not "
                                           "differentiable with respect to argument 'weight'"):
        F.multi_margin_loss(x, torch.tensor([0, 2]), weight=w)
    assert F.multi_margin_loss(x, torch.tensor([0, 2])).grad_fn.name() == \
        "MultiMarginLossBackward0"


def test_gradient_through_a_cast_operand_reaches_it_under_create_graph():
    """a * b with a float32 and b float64 computes with a cast to float64; the gradient for b
    (g * a) must still depend on a itself, so d/da of it is g (it was silently missing)."""
    a = torch.tensor([-0.5, 2.0], requires_grad=True)
    b = torch.tensor([1.5, -3.0], dtype=torch.float64, requires_grad=True)
    p, q = host(a).astype(np.float64), host(b)
    for f, d2 in ((lambda: (a * b).sum(), [1.0, 1.0]),
                  (lambda: (b / a).sum(), -1 / p ** 2),
                  (lambda: torch.atan2(a, b).sum(), (p * p - q * q) / (p * p + q * q) ** 2)):
        gb, = torch.autograd.grad(f(), b, create_graph=True)
        gab, = torch.autograd.grad(gb.sum(), a)  # d/da of d/db
        assert gab.dtype == torch.float32
        np.testing.assert_allclose(host(gab), d2, rtol=1e-6)


def test_zero_gradients_of_formulas_are_constants():
    """copysign's gradient for its sign source and nextafter's for its target are zeros
    that require no grad (PyTorch's zeros_like), so a second grad through them finds no
    graph."""
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    y = torch.tensor([-1.0, 3.0], requires_grad=True)
    for out in (torch.copysign(x, y), torch.nextafter(x, y) * x):
        gy, = torch.autograd.grad(out.sum(), y, create_graph=True)
        assert not gy.requires_grad and not host(gy).any()


def test_floor_division_of_floats_is_pythons():
    """-1.6 // 0.04 is -41 (Python and PyTorch: the remainder decides), though the rounded
    quotient -1.6 / 0.04 is exactly -40.0."""
    a = torch.tensor([-1.6, 1.6, 5.5, -5.5], dtype=torch.float64)
    b = torch.tensor([0.04, -0.04, -2.0, 2.0], dtype=torch.float64)
    want = [-1.6 // 0.04, 1.6 // -0.04, 5.5 // -2.0, -5.5 // 2.0]
    assert torch.div(a, b, rounding_mode="floor").tolist() == want
    assert (a // b).tolist() == want
    assert torch.div(a, b, rounding_mode="trunc").tolist() == [-40.0, -40.0, -2.0, -2.0]


def test_smooth_l1_and_huber_second_derivative_at_zero_difference():
    x = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0.5, 0.0], dtype=torch.float64)
    for loss, want in ((lambda: F.smooth_l1_loss(x, y, beta=0.5, reduction="sum"), [2.0, 0.0]),
                       (lambda: F.huber_loss(x, y, delta=3.0, reduction="sum"), [1.0, 1.0])):
        g, = torch.autograd.grad(loss(), x, create_graph=True)
        assert torch.autograd.grad(g.sum(), x)[0].tolist() == want


def test_adaptive_max_pool_overlapping_windows_pick_the_first_maximum():
    x = torch.tensor([[[0.85, -0.48, 0.49, 0.88, -0.8, 0.88, -0.56, 0.85]]],
                     requires_grad=True)
    y, i = F.adaptive_max_pool1d(x, 3, return_indices=True)  # windows [0,3) [2,6) [5,8)
    assert i.tolist() == [[[0, 3, 5]]] and host(y).tolist() == host(x)[..., [0, 3, 5]].tolist()
    y.backward(torch.tensor([[[1.0, 10.0, 100.0]]]))
    assert x.grad.tolist() == [[[1.0, 0, 0, 10.0, 0, 100.0, 0, 0]]]
    z, j = F.adaptive_max_pool2d(torch.arange(35.0).reshape(1, 5, 7), (2, 3),
                                 return_indices=True)
    assert j.tolist() == [[[16, 18, 20], [30, 32, 34]]] and z.grad_fn is None


def test_einsum_contraction_refuses_mixed_dtypes_and_products_promote():
    a = torch.ones(2, 3, requires_grad=True)
    b = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="^expected scalar type Float but found Double$"):
        torch.einsum("ij,ij->i", a, b)
    out = torch.einsum("ij,ij->ij", a, b)
    ga, gb = torch.autograd.grad(out.sum(), [a, b])
    assert out.dtype == torch.float64 and ga.dtype == torch.float32 and gb.dtype == torch.float64
    with pytest.raises(RuntimeError, match="^`inputs` argument to `grad\\(\\)` cannot be empty"):
        torch.autograd.grad(out.sum(), [])


def test_custom_function_misuse_in_pytorchs_words():
    class SavesNumber(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a, 3)
            return a * 2

    class ReturnsNumber(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, n):
            return a * n

        @staticmethod
        def backward(ctx, g):
            return 3, g

    class DirtiesLeaf(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.mark_dirty(a)
            return a

    x = torch.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="^save_for_backward can only save variables, but "
                                        "argument 1 is of type int$"):
        SavesNumber.apply(x)
    with pytest.raises(RuntimeError, match=r"^expected Variable or None \(got int\)$"):
        ReturnsNumber.apply(x, 3).sum().backward()
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad has been used in "
                                           "an in-place operation.$"):
        DirtiesLeaf.apply(x)
    assert x.grad is None


def test_in_place_view_ops_move_the_version_on():
    for op in (lambda t: t.unsqueeze_(0), lambda t: t.squeeze_(), lambda t: t.t_(),
               lambda t: t.transpose_(0, -1)):
        x = torch.ones(2, 1)
        assert op(x) is x and x._version == 1
    x = torch.ones(3, requires_grad=True)
    y = x.exp()  # (exp saves its output: a reshape of it in place is caught at backward)
    y.unsqueeze_(0)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0 instead"):
        y.sum().backward()


@pytest.mark.parametrize("fn, slope", [(F.elu, 1.0), (lambda t: F.elu(t, 0.5), 0.5),
                                       (F.selu, 1.0507009873554805 * 1.6732632423543772),
                                       (lambda t: F.celu(t, 2.0), 1.0)])
def test_elu_family_derivatives_at_zero_are_pytorchs(fn, slope):
    """At exactly 0 the first derivative is the negative side's, the second is 0 (PyTorch's
    double backward counts only x < 0); elsewhere both match finite differences."""
    x = torch.tensor([0.0, -0.0], dtype=torch.float64, requires_grad=True)
    g, = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(host(g), [slope, slope])
    assert torch.autograd.grad(g.sum(), x)[0].tolist() == [0.0, 0.0]
    away = torch.tensor([-1.3, -0.2, 0.4], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(fn, (away,))
