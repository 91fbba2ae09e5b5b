"""The rest of nn.init, nn.utils' parameter vectors, and utils.data's samplers."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu.utils import data as D

from .conftest import host


def test_eye_orthogonal_and_truncated_normal(device):
    t = torch.nn.init.eye_(torch.empty(3, 5, device=device))
    np.testing.assert_array_equal(host(t), np.eye(3, 5))
    torch.manual_seed(0)
    for shape, gain in [((4, 6), 1.0), ((6, 4), 2.0), ((3, 2, 2), 1.0)]:
        w = torch.nn.init.orthogonal_(torch.empty(*shape, device=device), gain=gain)
        m = host(w).reshape(shape[0], -1)
        small = min(m.shape)
        gram = m @ m.T if m.shape[0] == small else m.T @ m
        np.testing.assert_allclose(gram, gain ** 2 * np.eye(small), atol=1e-5)
    w = torch.nn.init.trunc_normal_(torch.empty(20000, device=device), std=1.0, a=-0.5, b=0.5)
    values = host(w)
    assert values.min() >= -0.5 and values.max() <= 0.5
    # a normal truncated to [-0.5, 0.5] is nearly uniform there: its std is about 0.28
    assert abs(values.std() - 0.2835) < 0.01 and abs(values.mean()) < 0.01
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        torch.nn.init.eye_(torch.empty(3))


def test_parameter_vectors():
    m = torch.nn.Linear(2, 3)
    v = torch.nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (9,) and v.requires_grad
    np.testing.assert_array_equal(host(v[:6]), host(m.weight).ravel())
    torch.nn.utils.vector_to_parameters(torch.arange(9.0), m.parameters())
    assert host(m.weight).tolist() == [[0, 1], [2, 3], [4, 5]] and host(m.bias).tolist() == [
        6, 7, 8]


def test_samplers_and_batch_sampler():
    ds = D.TensorDataset(torch.arange(10.0), torch.arange(10))
    bs = D.BatchSampler(D.SequentialSampler(ds), 3, drop_last=False)
    assert list(bs) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]] and len(bs) == 4
    loader = D.DataLoader(ds, batch_sampler=bs)
    assert len(loader) == 4 and [host(b[1]).tolist() for b in loader][-1] == [9]
    perm = list(D.RandomSampler(ds, generator=torch.Generator().manual_seed(0)))
    assert sorted(perm) == list(range(10)) and perm != list(range(10))
    draws = list(D.RandomSampler(ds, replacement=True, num_samples=25))
    assert len(draws) == 25 and all(0 <= i < 10 for i in draws)
    loader = D.DataLoader(ds, batch_size=4, sampler=D.SubsetRandomSampler([1, 3, 5, 7, 9]))
    got = sorted(i for b in loader for i in host(b[1]).tolist())
    assert len(loader) == 2 and got == [1, 3, 5, 7, 9]
    assert set(D.WeightedRandomSampler([0.0, 0.0, 1.0, 0.0], 6)) == {2}
    with pytest.raises(ValueError, match="mutually exclusive"):
        D.DataLoader(ds, batch_size=2, batch_sampler=bs)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        D.DataLoader(ds, sampler=D.SequentialSampler(ds), shuffle=True)
