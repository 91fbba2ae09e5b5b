"""Memory stays flat over a long training loop (tracemalloc on CPU, CuPy's pool on GPU)."""
from __future__ import annotations

import tracemalloc

import autograd_gpu as torch


def _mlp_step_factory(device):
    torch.manual_seed(0)
    x = torch.randn(64, 8, device=device)
    target = torch.randn(64, 1, device=device)
    params = [torch.randn(8, 32, device=device) * 0.3, torch.zeros(32, device=device),
              torch.randn(32, 1, device=device) * 0.3, torch.zeros(1, device=device)]
    for p in params:
        p.requires_grad_()
    w1, b1, w2, b2 = params

    def step():
        h = torch.tanh(x @ w1 + b1)
        loss = ((h @ w2 + b2 - target) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.05 * p.grad
                p.grad = None
        return loss

    return step


def _used(device) -> int:
    if device == "cuda":
        torch.cuda.synchronize()
        return torch.cuda.memory_allocated()
    return tracemalloc.get_traced_memory()[0]


def test_training_loop_memory_is_flat(device):
    step = _mlp_step_factory(device)
    if device == "cpu":
        tracemalloc.start()
    try:
        first_loss = step().item()
        for _ in range(999):  # warm-up: Python's free lists and NumPy's caches fill up
            step()
        baseline = _used(device)
        for _ in range(4_000):
            loss = step()
        grown = _used(device) - baseline
    finally:
        if device == "cpu":
            tracemalloc.stop()
    assert loss.item() < first_loss  # it trained
    # One leaked step would keep its graph (tens of KiB of arrays): 4,000 of them, over 100 MiB.
    # The bound leaves room only for Python's bounded free lists.
    assert grown < 256 * 1024, f"memory grew by {grown} bytes over 4,000 steps"
