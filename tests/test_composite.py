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


def _f64(a, device):
    return torch.tensor(a, dtype=torch.float64, device=device, requires_grad=True)


def test_linalg_against_numpy_with_gradients(device):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((3, 2))
    u, v = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    la = torch.linalg
    np.testing.assert_allclose(host(la.inv(_f64(a, device))), np.linalg.inv(a), rtol=1e-12)
    np.testing.assert_allclose(host(la.det(_f64(a, device))), np.linalg.det(a), rtol=1e-12)
    np.testing.assert_allclose(host(torch.det(_f64(a, device))), np.linalg.det(a), rtol=1e-12)
    np.testing.assert_allclose(host(la.solve(_f64(a, device), _f64(b, device))),
                               np.linalg.solve(a, b), rtol=1e-12)
    np.testing.assert_allclose(host(la.cross(_f64(u, device), _f64(v, device))),
                               np.cross(u, v), rtol=1e-12)
    x = rng.standard_normal((3, 4))
    for ord_ in (1, 2, 3, float("inf"), -float("inf")):
        np.testing.assert_allclose(host(la.vector_norm(_f64(x, device), ord_, dim=1)),
                                   np.linalg.norm(x, ord_, axis=1), rtol=1e-12)
    np.testing.assert_allclose(host(la.norm(_f64(x, device))), np.linalg.norm(x), rtol=1e-12)
    np.testing.assert_allclose(host(la.matrix_norm(_f64(x, device))), np.linalg.norm(x, "fro"),
                               rtol=1e-12)
    gc, ggc = torch.autograd.gradcheck, torch.autograd.gradgradcheck
    for fn, args in [(la.inv, (a,)), (la.det, (a,)), (la.solve, (a, b)), (la.cross, (u, v)),
                     (lambda t: la.vector_norm(t, 3, dim=0), (x,))]:
        inputs = tuple(_f64(arr, device) for arr in args)
        assert gc(fn, inputs) and ggc(fn, inputs)
    with pytest.raises(RuntimeError, match="must be batches of square matrices"):
        la.inv(torch.ones(2, 3, device=device))


def test_selection_and_counting_against_numpy(device):
    rng = np.random.default_rng(4)
    x = rng.permutation(20).reshape(4, 5).astype(np.float64)  # no ties
    t = _f64(x, device)
    np.testing.assert_array_equal(host(t.median(1).values), np.sort(x, 1)[:, 2])
    np.testing.assert_array_equal(host(t.median(1).indices), np.argsort(x, 1)[:, 2])
    assert t.median().item() == np.sort(x.ravel())[9]  # the lower median of 20 values
    np.testing.assert_array_equal(host(t.kthvalue(2, 0).values), np.sort(x, 0)[1])
    np.testing.assert_array_equal(host(t.cummax(1).values), np.maximum.accumulate(x, 1))
    np.testing.assert_array_equal(host(t.cummin(0).values), np.minimum.accumulate(x, 0))
    for fn in (lambda v: v.median(1).values, lambda v: v.kthvalue(2, 0).values,
               lambda v: v.cummax(1).values, lambda v: torch.nansum(v, 1),
               lambda v: v.masked_select(torch.tensor(x > 7.5, device=device)),
               lambda v: v.unfold(1, 2, 2),
               lambda v: torch.cdist(v[:2], v[2:])):
        assert torch.autograd.gradcheck(fn, (t,))
    with_nan = torch.tensor([[1.0, float("nan"), 3.0]], device=device)
    assert host(torch.nansum(with_nan)).item() == 4.0
    assert host(with_nan.nanmean(1)).tolist() == [2.0]
    np.testing.assert_array_equal(host(t.unfold(1, 2, 2)),
                                  np.stack([x[:, 0:2], x[:, 2:4]], 1))
    d = torch.cdist(torch.tensor(x[:2], device=device), torch.tensor(x[2:], device=device))
    np.testing.assert_allclose(host(d), np.linalg.norm(x[:2, None] - x[None, 2:], axis=-1))
    values, inverse, counts = torch.unique(torch.tensor([3, 1, 3, 2], device=device),
                                           return_inverse=True, return_counts=True)
    assert (host(values).tolist(), host(inverse).tolist(), host(counts).tolist()) == (
        [1, 2, 3], [2, 0, 2, 1], [1, 1, 2])
    assert host(torch.bincount(torch.tensor([0, 1, 1, 3], device=device))).tolist() == [
        1, 2, 0, 1]
    seq = torch.tensor([1, 3, 5, 7], device=device)
    assert host(torch.searchsorted(seq, torch.tensor([3, 6], device=device))).tolist() == [1, 3]
    assert host(torch.bucketize(torch.tensor([3, 6], device=device), seq, right=True)
                ).tolist() == [2, 3]
    assert torch.broadcast_shapes((2, 1), (1, 3)) == (2, 3)
