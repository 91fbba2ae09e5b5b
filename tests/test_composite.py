"""The composites that are not in the op table (several outputs, no gradient, or warnings)."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch

from .conftest import host


def test_meshgrid_matches_numpy(device):
    x, y = torch.arange(3.0, device=device), torch.arange(2.0, device=device)
    for indexing in ("ij", "xy"):
        got = torch.meshgrid(x, y, indexing=indexing)
        want = np.meshgrid(host(x), host(y), indexing=indexing)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(host(g), w)
    with pytest.warns(UserWarning, match="pass the indexing argument"):
        a, b = torch.meshgrid([x, y])
    assert a.shape == b.shape == (3, 2)
    with pytest.raises(RuntimeError, match='indexing must be one of "xy" or "ij"'):
        torch.meshgrid(x, y, indexing="yx")


def test_aminmax_logical_xor_repeat_counts_and_atleast(device):
    a = torch.tensor([[3.0, -1.0], [0.5, 7.0]], device=device)
    lo, hi = torch.aminmax(a, dim=1)
    assert host(lo).tolist() == [-1.0, 0.5] and host(hi).tolist() == [3.0, 7.0]
    whole = a.aminmax()
    assert (whole.min.item(), whole.max.item()) == (-1.0, 7.0)
    x = torch.tensor([True, False, True, False], device=device)
    y = torch.tensor([True, True, False, False], device=device)
    assert host(torch.logical_xor(x, y)).tolist() == [False, True, True, False]
    assert host(torch.repeat_interleave(torch.tensor([2, 0, 1]))).tolist() == [0, 0, 2]
    assert torch.atleast_2d(torch.tensor(1.0)).shape == (1, 1)
    assert [t.shape for t in torch.atleast_3d(torch.ones(2), torch.ones(2, 3))] == [
        (1, 2, 1), (2, 3, 1)]


def test_composite_errors(device):
    a = torch.ones(3, 4, device=device)
    with pytest.raises(RuntimeError, match=r"start \(3\) \+ length \(2\) exceeds dimension size"):
        a.narrow(1, 3, 2)
    with pytest.raises(IndexError, match="select\\(\\): index 4 out of range"):
        a.select(1, 4)
    with pytest.raises(IndexError, match="Index is supposed to be a vector"):
        a.index_select(0, torch.zeros(1, 1, dtype=torch.int64, device=device))
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical"):
        a.diagonal(0, 1, 1)
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        a.roll((1, 2), 0)


def test_addmm_with_beta_zero_ignores_nan_and_gives_input_a_zero_gradient(device):
    c = torch.full((2, 2), float("nan"), device=device, requires_grad=True)
    a = torch.eye(2, device=device, requires_grad=True)
    out = torch.addmm(c, a, a, beta=0)
    np.testing.assert_array_equal(host(out), np.eye(2))
    out.sum().backward()
    np.testing.assert_array_equal(host(c.grad), np.zeros((2, 2)))
