"""Benchmark workloads, each written once for any PyTorch-like module (autograd_gpu or torch),
plus hand-written NumPy floors (forward and hand-derived backward, no autograd)."""
from __future__ import annotations

import numpy as np

OP_OVERHEAD_DEPTH = 50
OP_OVERHEAD_OPS = 3 * OP_OVERHEAD_DEPTH  # mul, add, tanh per layer


def op_overhead(lib, device: str, size: int = 32):
    """h = tanh(h * w + b), 50 times; sum; backward; grads cleared. Returns the step."""
    lib.manual_seed(0)
    h0 = lib.randn(size, size, device=device)
    w = lib.randn(size, size, device=device, requires_grad=True)
    b = lib.randn(size, size, device=device, requires_grad=True)

    def step():
        h = h0
        for _ in range(OP_OVERHEAD_DEPTH):
            h = lib.tanh(h * w + b)
        h.sum().backward()
        w.grad = None
        b.grad = None

    step.params = (w, b)
    return step


def op_overhead_numpy(size: int = 32, xp=np):
    """The same math by hand: forward, then the backward derived on paper."""
    rng = np.random.default_rng(0)
    h0, w, b = (xp.asarray(rng.standard_normal((size, size), dtype=np.float32))
                for _ in range(3))

    def step():
        hs = [h0]
        h = h0
        for _ in range(OP_OVERHEAD_DEPTH):
            h = xp.tanh(h * w + b)
            hs.append(h)
        g = xp.ones_like(h)
        gw = xp.zeros_like(w)
        gb = xp.zeros_like(b)
        for i in range(OP_OVERHEAD_DEPTH, 0, -1):
            gz = g * (1 - hs[i] * hs[i])
            gb += gz
            gw += gz * hs[i - 1]
            g = gz * w
        return gw, gb

    step.inputs = (h0, w, b)
    return step
