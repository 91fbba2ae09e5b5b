"""The seed tutorial's code cells, with `import torch` replaced by `import autograd_gpu as
torch`, print what the tutorial shows (random values aside) on every device."""
from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_gpu as torch

from .conftest import host


def test_cell_29_switch_and_leaves(device):
    a = torch.ones((2, 2), requires_grad=True, device=device)
    b = torch.eye(2, device=device)
    c = a + b
    assert c.requires_grad is True
    a.requires_grad_(False)
    assert a.requires_grad is False
    with pytest.raises(RuntimeError) as err:
        c.requires_grad_(False)
    assert str(err.value) == (
        "you can only change requires_grad flags of leaf variables. If you want to use a "
        "computed variable in a subgraph that doesn't require differentiation use "
        "var_no_grad = var.detach().")


def test_cell_16_detach_shares_storage(device):
    a = torch.ones((2, 2), requires_grad=True, device=device)
    c = a + torch.eye(2, device=device)
    d = c.detach()
    d[0, 0] = 111
    expected = "tensor([[111.,   1.],\n        [  1.,   2.]]"
    if device == "cuda":
        expected += ", device='cuda:0'"
    assert repr(c) == expected + ", grad_fn=<AddBackward0>)"
    assert d.requires_grad is False and d.grad_fn is None


def _cells_46_to_48(device):
    x = torch.randn(3, 4, requires_grad=True, device=device)
    y = torch.randn(3, 4, device=device)
    z = torch.randn(3, 4, device=device)
    a = x * y
    b = a + z
    c = torch.sum(b)
    return x, y, z, c


def test_cell_46_grad_fn(device):
    x, y, z, c = _cells_46_to_48(device)
    assert re.fullmatch(r"<SumBackward0 object at 0x[0-9a-f]+>", str(c.grad_fn))
    assert x.grad_fn is None and x.grad is None


def test_cell_47_backward_accumulates(device):
    x, y, z, c = _cells_46_to_48(device)
    c.backward()
    np.testing.assert_allclose(host(x.grad), host(y), rtol=1e-6)
    c = torch.sum(x * y + z)
    c.backward()
    np.testing.assert_allclose(host(x.grad), 2 * host(y), rtol=1e-6)
    assert x.grad.device == x.device and x.grad.dtype == torch.float32


def test_cell_47_second_backward_raises(device):
    x, y, z, c = _cells_46_to_48(device)
    c.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        c.backward()


def test_cell_48_zeroing(device):
    x, y, z, c = _cells_46_to_48(device)
    c.backward()
    c = torch.sum(x * y + z)
    c.backward()
    c = torch.sum(x * y + z)
    x.grad.data.zero_()
    c.backward()
    np.testing.assert_allclose(host(x.grad), host(y), rtol=1e-6)


def test_no_grad_stops_recording(device):
    x = torch.randn(3, requires_grad=True, device=device)
    with torch.no_grad():
        y = x * 2
    assert y.requires_grad is False and y.grad_fn is None


def test_retain_graph_allows_a_second_backward(device):
    x, y, z, c = _cells_46_to_48(device)
    c.backward(retain_graph=True)
    c.backward()
    np.testing.assert_allclose(host(x.grad), 2 * host(y), rtol=1e-6)


def test_demo_prints_the_tutorial_output(capsys):
    from autograd_gpu import demo

    demo.main(["--device", "cpu"])
    out = capsys.readouterr().out
    assert "True\nFalse\n" in out
    assert "you can only change requires_grad flags of leaf variables." in out
    assert "tensor([[111.,   1.],\n        [  1.,   2.]], grad_fn=<AddBackward0>)" in out
    assert "<SumBackward0 object at 0x" in out
