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
               ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.1)),
               ("Adamax", dict(lr=0.05, weight_decay=0.1)), ("NAdam", dict(lr=0.05)),
               ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
               ("RAdam", dict(lr=0.05, weight_decay=0.1)), ("Adadelta", dict(maximize=True))]
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
    for name, kw in configs:
        out = []
        for mod in (torch, T):
            w = mod.tensor(np.array([[0.3, -0.2, 0.1]], np.float32), requires_grad=True)
            opt = getattr(mod.optim, name)([w], **kw)
            for _ in range(8):  # (RAdam rectifies from its 6th step on)
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


def _lrs(make, steps: int, lib=torch, metrics=None, opt_name: str = "SGD"):
    """The learning rate (and momentum or beta1) seen by each of `steps` optimizer steps."""
    w = lib.zeros(1, requires_grad=True)
    opt = getattr(lib.optim, opt_name)([w], lr=1.0, **(
        {"momentum": 0.9} if opt_name == "SGD" else {}))
    sched = make(lib.optim.lr_scheduler, opt)
    seen = []
    for k in range(steps):
        group = opt.param_groups[0]
        seen.append((group["lr"], group.get("momentum", group.get("betas", (None,))[0])))
        opt.step()
        sched.step(*([] if metrics is None else [metrics[k]]))
    return seen


def test_more_schedulers_follow_their_formulas():
    lr = lambda seen: [s[0] for s in seen]  # noqa: E731
    np.testing.assert_allclose(lr(_lrs(lambda S, o: S.ExponentialLR(o, 0.9), 5)),
                               [0.9 ** k for k in range(5)])
    np.testing.assert_allclose(lr(_lrs(lambda S, o: S.MultiStepLR(o, [2, 4, 4], 0.5), 6)),
                               [1, 1, 0.5, 0.5, 0.125, 0.125])
    np.testing.assert_allclose(lr(_lrs(lambda S, o: S.ConstantLR(o, 0.25, 3), 5)),
                               [0.25, 0.25, 0.25, 1, 1])
    np.testing.assert_allclose(lr(_lrs(lambda S, o: S.LinearLR(o, 0.2, 1.0, 4), 6)),
                               [0.2 + 0.8 * min(k, 4) / 4 for k in range(6)])
    np.testing.assert_allclose(lr(_lrs(lambda S, o: S.MultiplicativeLR(o, lambda e: 0.5), 4)),
                               [1, 0.5, 0.25, 0.125])
    # warm restarts: periods 2, 4, 8, ... (T_mult=2); inside one, cosine from 1 to eta_min
    t_cur = [0, 1, 0, 1, 2, 3, 0]
    t_i = [2, 2, 4, 4, 4, 4, 8]
    np.testing.assert_allclose(
        lr(_lrs(lambda S, o: S.CosineAnnealingWarmRestarts(o, 2, 2, 0.1), 7)),
        [0.1 + 0.9 * (1 + math.cos(math.pi * c / i)) / 2 for c, i in zip(t_cur, t_i)])


def test_one_cycle_and_plateau():
    seen = _lrs(lambda S, o: S.OneCycleLR(o, max_lr=2.0, total_steps=10), 10)
    lrs, moms = [s[0] for s in seen], [s[1] for s in seen]
    assert lrs[0] == pytest.approx(2.0 / 25) and max(lrs) == pytest.approx(2.0)
    assert lrs.index(max(lrs)) == 2  # the peak is at pct_start * total_steps - 1
    assert lrs[-1] == pytest.approx(2.0 / 25 / 1e4)
    assert moms[0] == pytest.approx(0.95) and moms[2] == pytest.approx(0.85)
    adam = _lrs(lambda S, o: S.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=3), 6,
                opt_name="Adam")
    assert adam[0][1] == pytest.approx(0.95)  # Adam's beta1 cycles instead of momentum
    with pytest.raises(ValueError, match="total_steps OR"):
        torch.optim.lr_scheduler.OneCycleLR(torch.optim.SGD([torch.zeros(1)], lr=1), 1.0)
    # the metric stops improving after step 1: 2 bad steps are tolerated, the third cuts
    # the rate, then one step of cooldown
    metrics = [1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    got = [s[0] for s in _lrs(lambda S, o: S.ReduceLROnPlateau(o, patience=2, cooldown=1),
                              9, metrics=metrics)]
    assert got == pytest.approx([1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        torch.optim.lr_scheduler.ReduceLROnPlateau(torch.optim.SGD([torch.zeros(1)], lr=1),
                                                   factor=2)


SCHEDULES = [
    ("lambda S, o: S.MultiStepLR(o, [3, 7, 7], 0.5)", None, "SGD"),
    ("lambda S, o: S.ExponentialLR(o, 0.9)", None, "SGD"),
    ("lambda S, o: S.ConstantLR(o, 0.5, 4)", None, "SGD"),
    ("lambda S, o: S.LinearLR(o, 0.2, 0.9, 6)", None, "SGD"),
    ("lambda S, o: S.CosineAnnealingWarmRestarts(o, 4, 2, 0.001)", None, "SGD"),
    ("lambda S, o: S.OneCycleLR(o, 1.0, total_steps=25)", None, "SGD"),
    ("lambda S, o: S.OneCycleLR(o, 1.0, epochs=5, steps_per_epoch=5, three_phase=True, "
     "anneal_strategy='linear')", None, "Adam"),
    ("lambda S, o: S.ReduceLROnPlateau(o, patience=2, cooldown=1, min_lr=0.002)",
     [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85] * 4, "SGD"),
    ("lambda S, o: S.ReduceLROnPlateau(o, 'max', 0.5, 1, 0.01, 'abs')",
     [1, 0.9, 0.95, 0.95, 1.2, 0.95, 0.8, 0.85] * 4, "SGD"),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("make,metrics,opt_name", SCHEDULES)
def test_more_schedulers_match_pytorch(make, metrics, opt_name):
    T = pytest.importorskip("torch")
    theirs = _lrs(eval(make), 25, T, metrics, opt_name)
    ours = _lrs(eval(make), 25, torch, metrics, opt_name)
    np.testing.assert_allclose(np.array(ours, float), np.array(theirs, float), rtol=1e-12)


def test_more_optimizers_first_steps(device):
    """First updates written out from each algorithm's definition (g = 2 everywhere)."""
    def first(name, **kw):
        w = torch.ones(3, device=device, requires_grad=True)
        opt = getattr(torch.optim, name)([w], **kw)
        w.grad = torch.full((3,), 2.0, device=device)
        opt.step()
        return host(w)[0], opt

    eps = 1e-8
    got, _ = first("Adamax", lr=0.1)  # m = 0.1 g, u = |g| + eps, step lr / 0.1
    assert got == pytest.approx(1 - 0.1 / 0.1 * (0.1 * 2) / (2 + eps))
    got, _ = first("RAdam", lr=0.1)  # rho_1 < 5: plain bias-corrected momentum
    assert got == pytest.approx(1 - 0.1 * 2)
    got, opt = first("Adadelta", lr=1.0, rho=0.9, eps=1e-6)
    delta = np.sqrt(1e-6) / np.sqrt(0.1 * 4 + 1e-6) * 2
    assert got == pytest.approx(1 - delta, rel=1e-6)
    assert host(opt.state[opt.param_groups[0]["params"][0]]["acc_delta"])[0] == pytest.approx(
        0.1 * delta * delta, rel=1e-5)
    got, opt = first("NAdam", lr=0.1)
    mu, mu_next = 0.9 * (1 - 0.5 * 0.96 ** 0.004), 0.9 * (1 - 0.5 * 0.96 ** 0.008)
    denom = np.sqrt(0.001 * 4 / 0.001) + eps
    want = 1 - 0.1 * (1 - mu) / (1 - mu) * 2 / denom - 0.1 * mu_next / (1 - mu * mu_next) * (
        0.1 * 2) / denom
    assert got == pytest.approx(want, rel=1e-6)


def test_rprop_follows_its_update_rule(device):
    traj, grads = _quadratic_steps(device, lambda p: torch.optim.Rprop(p, lr=0.1), steps=6)
    w = np.full(3, 0.5, np.float32)
    prev, size = np.zeros(3, np.float32), np.full(3, 0.1, np.float32)
    for g, got in zip(grads, traj):
        sign = np.sign(g * prev)
        factor = np.where(sign > 0, 1.2, np.where(sign < 0, 0.5, 1.0)).astype(np.float32)
        size = np.clip(size * factor, 1e-6, 50)
        g = np.where(factor == 0.5, 0, g)
        w = w - np.sign(g) * size
        prev = g
        np.testing.assert_allclose(got, w, rtol=1e-6)


def test_asgd_follows_its_update_rule_and_averages(device):
    traj, grads = _quadratic_steps(device, lambda p: torch.optim.ASGD(p, lr=0.1, t0=2),
                                   steps=6)
    w, ax, eta, mu = np.full(3, 0.5), np.zeros(3), 0.1, 1.0
    for step, (g, got) in enumerate(zip(grads, traj), 1):
        w = w * (1 - 1e-4 * eta) - eta * g
        ax = w.copy() if mu == 1 else ax + (w - ax) * mu
        eta = 0.1 / (1 + 1e-4 * 0.1 * step) ** 0.75
        mu = 1 / max(1, step - 2)
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)  # (float32 against float64)
    assert mu < 1  # averaging started


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_minimises_rosenbrock(device, line_search):
    w = torch.tensor([-1.2, 1.0], dtype=torch.float64, device=device, requires_grad=True)
    opt = torch.optim.LBFGS([w], lr=1 if line_search else 0.5, max_iter=100,
                            line_search_fn=line_search, history_size=10)

    def closure():
        opt.zero_grad()
        loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
        loss.backward()
        return loss

    first = closure().item()
    for _ in range(5 if line_search else 30):
        opt.step(closure)
    assert closure().item() < 1e-8 < first
    np.testing.assert_allclose(host(w), [1.0, 1.0], atol=1e-4)
    assert opt.state[w]["func_evals"] > opt.state[w]["n_iter"] > 0
    with pytest.raises(RuntimeError, match="LBFGS requires a closure"):
        opt.step(None)


def test_polynomial_cyclic_sequential_chained_schedulers():
    def sgd(lr=1.0, **kw):
        return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, **kw)

    def run(sched, opt, n):
        out = []
        for _ in range(n):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr()[0])
        return out

    opt = sgd(0.1)
    lrs = run(torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0), opt, 6)
    np.testing.assert_allclose(lrs, [0.1 * (1 - min(t, 4) / 4) ** 2 for t in range(1, 7)],
                               atol=1e-12)
    opt = sgd(momentum=0.9)
    sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                              mode="triangular2")
    lrs, moms = [], []
    for _ in range(12):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])
    want = []
    for t in range(1, 13):
        cycle = math.floor(1 + t / 6)
        x = abs(t / 3 - 2 * cycle + 1)
        want.append(0.01 + 0.09 * max(0.0, 1 - x) / 2 ** (cycle - 1))
    np.testing.assert_allclose(lrs, want, atol=1e-12)
    assert max(moms) == pytest.approx(0.9) and min(moms) == pytest.approx(0.8)
    opt = sgd(1.0)
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=3)
    decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    seq = torch.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[3])
    assert seq.get_last_lr()[0] == pytest.approx(0.1)
    np.testing.assert_allclose(run(seq, opt, 6), [0.4, 0.7, 1.0, 0.5, 0.25, 0.125])
    opt = sgd(1.0)
    chain = torch.optim.lr_scheduler.ChainedScheduler([
        torch.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=2),
        torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)])
    # 0.1 * 0.9, then ConstantLR's factor lifted at its step 2 (x10), then 0.9 each step
    np.testing.assert_allclose(run(chain, opt, 4), [0.09, 0.81, 0.729, 0.6561])
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        torch.optim.lr_scheduler.SequentialLR(warm.optimizer, [warm, decay], milestones=[1, 2])
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same"):
        torch.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[3])


def test_step_with_an_epoch_uses_the_closed_form():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 2, 5], gamma=0.5)
    got = []
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        for epoch in (1, 3, 6, 0):
            sched.step(epoch)
            got.append(sched.get_last_lr()[0])
    assert got == [1.0, 0.25, 0.125, 1.0]


def test_grad_scaler_skips_inf_steps_and_adapts_the_scale():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = torch.optim.SGD([w], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    history = []
    for i in range(4):
        opt.zero_grad()
        with torch.autocast("cpu"):
            loss = (w * w).sum() * (float("inf") if i == 1 else 1.0)
        scaled = scaler.scale(loss)
        assert scaled.item() == pytest.approx(loss.item() * scaler.get_scale())
        scaled.backward()
        before = host(w).copy()
        scaler.step(opt)
        after = host(w).copy()
        if i == 1:
            assert np.array_equal(before, after)  # an inf gradient: the step is skipped
        else:  # the step used the unscaled gradient 2w
            np.testing.assert_allclose(after, before - 0.1 * 2 * before, rtol=1e-6)
        scaler.update()
        history.append(scaler.get_scale())
    assert history == [8.0, 4.0, 4.0, 8.0]  # backed off after the inf, grown after 2 good
    if torch.cuda.is_available():
        assert torch.amp.GradScaler("cuda").is_enabled()
    else:
        with pytest.warns(UserWarning, match="CUDA is not available"):
            off = torch.amp.GradScaler("cuda")
        assert not off.is_enabled() and off.scale(w) is w


def test_step_hooks_run_around_every_optimizers_step():
    for make in (lambda p: torch.optim.SGD(p, lr=0.1), lambda p: torch.optim.Adam(p),
                 lambda p: torch.optim.Rprop(p)):
        w = torch.nn.Parameter(torch.ones(2))
        opt = make([w])
        calls = []
        pre = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", host(w)[0])))
        opt.register_step_post_hook(lambda o, a, k: calls.append(("post", host(w)[0])))
        w.sum().backward()
        opt.step()
        pre.remove()
        opt.step()
        assert [c[0] for c in calls] == ["pre", "post", "post"]
        assert calls[0][1] == 1.0 and calls[1][1] < 1.0  # before, then after the update


def test_tensor_hyperparameters_step_as_their_current_value(device):
    """lr (and Adam's betas) may be 0-d tensors, as in PyTorch; a change made to the tensor in
    place is seen by the next step."""
    def run(lr, betas):
        w = torch.nn.Parameter(torch.tensor([1.0, -2.0], device=device))
        opt = torch.optim.Adam([w], lr=lr, betas=betas)
        for _ in range(3):
            opt.zero_grad()
            (w ** 2).sum().backward()
            opt.step()
            if isinstance(lr, torch.Tensor):
                lr.mul_(0.5)
            else:
                opt.param_groups[0]["lr"] *= 0.5
        return host(w)

    plain = run(0.1, (0.8, 0.9))
    as_tensors = run(torch.tensor(0.1), (torch.tensor(0.8), torch.tensor(0.9)))
    np.testing.assert_allclose(as_tensors, plain, rtol=1e-6)
    assert not np.allclose(plain, [1.0, -2.0])


def test_scheduler_state_holds_no_functions_and_round_trips(tmp_path):
    """state_dict() of every scheduler is data only (no lambdas), so it saves with
    autograd_gpu.save and resumes to the same rates; a callable object's attributes are kept,
    a plain function is saved as None (PyTorch's rule)."""
    class Warmup:
        def __init__(self):
            self.k = 3

        def __call__(self, e):
            return min(1.0, (e + 1) / self.k)

    sched = torch.optim.lr_scheduler
    makers = [
        lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="exp_range", gamma=0.9),
        lambda o: sched.OneCycleLR(o, max_lr=1.0, total_steps=10, three_phase=True,
                                   anneal_strategy="linear"),
        lambda o: sched.LambdaLR(o, Warmup()),
        lambda o: sched.StepLR(o, 2, gamma=0.5),
    ]
    for make in makers:
        p = torch.nn.Parameter(torch.ones(2))
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        s = make(opt)
        for _ in range(3):
            opt.step()
            s.step()
        state = s.state_dict()
        assert not any(callable(v) for v in state.values()), state
        torch.save(state, tmp_path / "s.npz")
        opt2 = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        s2 = make(opt2)
        if isinstance(s2, sched.LambdaLR):
            s2.lr_lambdas[0].k = 99
        s2.load_state_dict(torch.load(tmp_path / "s.npz"))
        opt2.load_state_dict(opt.state_dict())
        for _ in range(3):
            opt.step(), s.step(), opt2.step(), s2.step()
            assert s2.get_last_lr() == pytest.approx(s.get_last_lr())
    assert s2.last_epoch == 6
    assert torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"] == \
        [None]


def test_resuming_a_scheduler_needs_initial_lr():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(2))], lr=0.1)
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in param_groups\[0\]"):
        torch.optim.lr_scheduler.StepLR(opt, 2, last_epoch=3)


def test_swa_averaged_model_ema_swalr_and_update_bn(device):
    swa_utils = torch.optim.swa_utils
    model = torch.nn.Linear(2, 1).to(device)
    snapshots = []
    swa = swa_utils.AveragedModel(model)
    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.9))
    for k in range(4):
        with torch.no_grad():
            model.weight.add_(k + 1.0)
        snapshots.append(host(model.weight).copy())
        swa.update_parameters(model)
        ema.update_parameters(model)
    np.testing.assert_allclose(host(swa.module.weight), np.mean(snapshots, 0), rtol=1e-6)
    want = snapshots[0]
    for s in snapshots[1:]:
        want = 0.9 * want + 0.1 * s
    np.testing.assert_allclose(host(ema.module.weight), want, rtol=1e-6)
    assert swa.n_averaged.item() == 4 and swa.module.weight is not model.weight
    x = torch.ones(3, 2, device=device)
    np.testing.assert_allclose(host(swa(x)), host(swa.module(x)))
    # update_bn: the cumulative average over the loader's batches, momentum restored
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)).to(device)
    batches = [torch.arange(8.0, device=device).reshape(4, 2) * (k + 1) for k in range(3)]
    net.eval()
    swa_utils.update_bn([(b, None) for b in batches], net)
    with torch.no_grad():
        means = [host(net[0](b)).mean(0) for b in batches]
    np.testing.assert_allclose(host(net[1].running_mean), np.mean(means, 0), rtol=1e-5)
    assert net[1].momentum == 0.1 and not net.training and net[1].num_batches_tracked.item() == 3
    # SWALR: cosine from the optimizer's lr to swa_lr over anneal_epochs steps, then flat
    w = torch.nn.Parameter(torch.ones(1))
    opt = torch.optim.SGD([w], lr=1.0)
    sched = swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=4)
    lrs = []
    for _ in range(6):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert lrs[-1] == pytest.approx(0.05) and lrs[-2] == pytest.approx(0.05)
    assert all(a > b for a, b in zip(lrs[:3], lrs[1:4]))  # decreasing while annealing
    with pytest.raises(ValueError, match="anneal_strategy must be one of"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_strategy="exp")


def test_adafactor_first_steps_follow_its_rule(device):
    # step 1: the second moment is g^2 itself, so a vector's update is sign(g) (RMS 1, not
    # clipped) scaled by max(eps2, RMS(w)) * min(lr, 1)
    w = torch.nn.Parameter(torch.zeros(3, device=device))
    opt = torch.optim.Adafactor([w])
    w.grad = torch.tensor([1.0, -2.0, 0.5], device=device)
    opt.step()
    np.testing.assert_allclose(host(w), -1e-3 * 1e-2 * np.sign([1.0, -2.0, 0.5]), rtol=1e-6)
    np.testing.assert_allclose(host(opt.state[w]["variance"]), [1.0, 4.0, 0.25])
    # a matrix keeps row and column means of g^2 (factored), and its first update is
    # g / sqrt(outer(row, col) / mean(row))
    m0 = np.arange(12.0).reshape(3, 4) / 10 - 0.3
    m = torch.nn.Parameter(torch.tensor(m0, dtype=torch.float64, device=device))
    opt = torch.optim.Adafactor([m], maximize=True)
    g = np.cos(m0)
    m.grad = torch.tensor(g, dtype=torch.float64, device=device)
    opt.step()
    row, col = (g ** 2).mean(1, keepdims=True), (g ** 2).mean(0, keepdims=True)
    np.testing.assert_allclose(host(opt.state[m]["row_var"]), row)
    np.testing.assert_allclose(host(opt.state[m]["col_var"]), col)
    update = g / np.sqrt(row @ col / row.mean())
    update /= max(1.0, np.sqrt((update ** 2).mean()))
    alpha = max(1e-3, np.sqrt((m0 ** 2).mean())) * 1e-2
    np.testing.assert_allclose(host(m), m0 + alpha * update, rtol=1e-12)  # maximize: ascent
    with pytest.raises(ValueError, match="beta2_decay should be <= 0"):
        torch.optim.Adafactor([m], beta2_decay=0.5)
