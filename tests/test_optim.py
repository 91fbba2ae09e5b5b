"""Optimizers and schedules: PyTorch's update rules written out in NumPy as the reference
(and PyTorch itself when installed)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch

from .conftest import host


def _quadratic_steps(device, make_opt, steps=5):
    """Minimise sum((w - c)^2) for a few steps; return w's trajectory and the gradients."""
    c = np.array([1.0, -2.0, 0.5], np.float32)
    w = torch.tensor([0.5, 0.5, 0.5], device=device, requires_grad=True)
    opt = make_opt([w])
    traj, grads = [], []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((w - torch.tensor(c, device=device)) ** 2).sum()
        loss.backward()
        grads.append(host(w.grad).copy())
        opt.step()
        traj.append(host(w).copy())
    return traj, grads


def test_sgd_momentum_nesterov_weight_decay(device):
    lr, mu, wd = 0.1, 0.9, 0.01
    traj, grads = _quadratic_steps(device, lambda p: torch.optim.SGD(
        p, lr=lr, momentum=mu, nesterov=True, weight_decay=wd))
    w = np.array([0.5, 0.5, 0.5])
    buf = None
    for g, got in zip(grads, traj):
        d = g + wd * w
        buf = d.copy() if buf is None else mu * buf + d
        w = w - lr * (d + mu * buf)
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


def test_adam_and_adamw(device):
    for cls, wd in ((torch.optim.Adam, 0.0), (torch.optim.AdamW, 0.1)):
        lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
        traj, grads = _quadratic_steps(device, lambda p: cls(p, lr=lr, weight_decay=wd))
        w, m, v = np.array([0.5] * 3), np.zeros(3), np.zeros(3)
        for t, (g, got) in enumerate(zip(grads, traj), start=1):
            w = w * (1 - lr * wd)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            w = w - lr / (1 - b1 ** t) * m / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
            np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


def test_rmsprop_and_adagrad(device):
    traj, grads = _quadratic_steps(device, lambda p: torch.optim.RMSprop(p, lr=0.01))
    w, sq = np.array([0.5] * 3), np.zeros(3)
    for g, got in zip(grads, traj):
        sq = 0.99 * sq + 0.01 * g * g
        w = w - 0.01 * g / (np.sqrt(sq) + 1e-8)
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)
    traj, grads = _quadratic_steps(device, lambda p: torch.optim.Adagrad(p, lr=0.1,
                                                                         lr_decay=0.01))
    w, acc = np.array([0.5] * 3), np.zeros(3)
    for t, (g, got) in enumerate(zip(grads, traj), start=1):
        acc = acc + g * g
        w = w - 0.1 / (1 + (t - 1) * 0.01) * g / (np.sqrt(acc) + 1e-10)
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


def test_param_groups_zero_grad_and_state_dict(device):
    a = torch.ones(2, device=device, requires_grad=True)
    b = torch.ones(2, device=device, requires_grad=True)
    opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    ((a * 2).sum() + (b * 3).sum()).backward()
    opt.step()
    assert host(a).tolist() == pytest.approx([0.8, 0.8]) and host(b).tolist() == pytest.approx(
        [-0.5, -0.5])
    assert opt.state[a]["momentum_buffer"].device == a.device
    sd = opt.state_dict()
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][1]["params"] == [1]
    opt.zero_grad()
    assert a.grad is None
    ((a * 2).sum()).backward()
    opt.zero_grad(set_to_none=False)
    assert host(a.grad).tolist() == [0.0, 0.0]
    fresh = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    fresh.load_state_dict(sd)
    assert host(fresh.state[a]["momentum_buffer"]).tolist() == pytest.approx([2.0, 2.0])
    with pytest.raises(ValueError, match="empty parameter list"):
        torch.optim.Adam([])
    with pytest.raises(ValueError, match="Invalid learning rate"):
        torch.optim.SGD([a], lr=-1)


def test_schedulers():
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    step = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        lrs.append(step.get_last_lr()[0])
        opt.step()
        step.step()
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25]
    opt = torch.optim.SGD([w], lr=1.0)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.1)
    got = []
    for _ in range(9):
        got.append(opt.param_groups[0]["lr"])
        opt.step()
        cos.step()
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(9)]
    np.testing.assert_allclose(got, expected, atol=1e-12)
    opt = torch.optim.SGD([w], lr=2.0)
    lam = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.9 ** e)
    for _ in range(3):
        opt.step()
        lam.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(2.0 * 0.9 ** 3)


def test_optimizers_match_pytorch():
    T = pytest.importorskip("torch")
    configs = [("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
               ("Adam", dict(lr=0.05, amsgrad=True)), ("AdamW", dict(lr=0.05)),
               ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
               ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.1))]
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
    for name, kw in configs:
        out = []
        for mod in (torch, T):
            w = mod.tensor(np.array([[0.3, -0.2, 0.1]], np.float32), requires_grad=True)
            opt = getattr(mod.optim, name)([w], **kw)
            for _ in range(6):
                opt.zero_grad()
                (mod.tanh(mod.tensor(x) @ w.t()) ** 2).sum().backward()
                opt.step()
            out.append(w.detach().numpy().copy())
        np.testing.assert_allclose(out[0], out[1], rtol=1e-5, atol=1e-6, err_msg=name)


def test_optimizer_state_follows_its_parameter(device):
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    model.to(device).double()
    opt.zero_grad()
    model(torch.randn(4, 3, device=device, dtype=torch.float64)).sum().backward()
    opt.step()
    for p in model.parameters():
        st = opt.state[p]
        assert st["exp_avg"].dtype == torch.float64 and st["exp_avg"].device == p.device
        assert p.dtype == torch.float64
