"""Benchmark workloads, written once for any PyTorch-like module (autograd_gpu or torch) and,
for each CPU workload, a floor: the same forward and a hand-derived backward in NumPy with no
autograd. Used by bench/ (pytest-benchmark) and by `autograd-gpu bench`."""
from __future__ import annotations

import numpy as np

OP_DEPTH = 50
SIZES = [2 ** k for k in range(4, 25, 2)]  # elements per array in the size sweep


def _init(shapes: dict, seed: int = 0) -> dict:
    """Deterministic float32 arrays shared by every library's version of a workload."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in shapes.items():
        fan_in = shape[1] if len(shape) > 1 else shape[0]
        if len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
        out[name] = (rng.uniform(-1, 1, shape) / np.sqrt(fan_in)).astype(np.float32)
    return out


# -- op_overhead -------------------------------------------------------------------------------
def op_overhead(lib, device: str, size: int = 32):
    """h = tanh(h * w + b) 50 times on 32x32; sum; backward; grads cleared (150 ops)."""
    a = _init({"h0": (size, size), "w": (size, size), "b": (size, size)})
    h0 = lib.tensor(a["h0"] * 8, device=device)
    w = lib.tensor(a["w"] * 8, device=device, requires_grad=True)
    b = lib.tensor(a["b"] * 8, device=device, requires_grad=True)

    def step():
        h = h0
        for _ in range(OP_DEPTH):
            h = lib.tanh(h * w + b)
        h.sum().backward()
        grads = (w.grad, b.grad)
        w.grad = None
        b.grad = None
        return grads

    return step


def op_overhead_floor(size: int = 32):
    a = _init({"h0": (size, size), "w": (size, size), "b": (size, size)})
    h0, w, b = a["h0"] * 8, a["w"] * 8, a["b"] * 8

    def step():
        hs = [h0]
        h = h0
        for _ in range(OP_DEPTH):
            h = np.tanh(h * w + b)
            hs.append(h)
        g = np.ones_like(h)
        gw = np.zeros_like(w)
        gb = np.zeros_like(b)
        for i in range(OP_DEPTH, 0, -1):
            gz = g * (1 - hs[i] * hs[i])
            gb += gz
            gw += gz * hs[i - 1]
            g = gz * w
        return gw, gb

    return step


# -- MLPs --------------------------------------------------------------------------------------
def _mlp_shapes(sizes):
    shapes = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        shapes[f"w{i}"], shapes[f"b{i}"] = (n_out, n_in), (n_out,)
    return shapes


def _data(batch: int, n_in: int, classes: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, n_in)).astype(np.float32),
            rng.integers(0, classes, batch).astype(np.int64))


def _mlp(lib, device, sizes, act: str, batch: int, lr: float = 0.01):
    a = _init(_mlp_shapes(sizes))
    nn = lib.nn
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(n_in, n_out)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(a[f"w{i}"]))
            lin.bias.copy_(lib.tensor(a[f"b{i}"]))
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU() if act == "relu" else nn.Tanh())
    model = nn.Sequential(*layers).to(device)
    opt = lib.optim.SGD(model.parameters(), lr=lr)
    x_np, y_np = _data(batch, sizes[0], sizes[-1])
    x, y = lib.tensor(x_np, device=device), lib.tensor(y_np, device=device)
    return _train_step(lib, model, opt, x, y)


def _train_step(lib, model, opt, x, y):
    """One SGD step on a classification loss; returns the gradients it used."""
    params = list(model.parameters())  # listed once: the floor has no module tree to walk

    def step():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        grads = [p.grad for p in params]
        opt.step()
        return grads

    step.model, step.batch = model, (x, y)
    return step


def _mlp_floor(sizes, act: str, batch: int, lr: float = 0.01):
    a = _init(_mlp_shapes(sizes))
    ws = [a[f"w{i}"] for i in range(len(sizes) - 1)]
    bs = [a[f"b{i}"] for i in range(len(sizes) - 1)]
    x, y = _data(batch, sizes[0], sizes[-1])
    rows = np.arange(batch)

    def step():
        hs, zs = [x], []
        for i, (w, b) in enumerate(zip(ws, bs)):
            z = hs[-1] @ w.T + b
            zs.append(z)
            if i < len(ws) - 1:
                hs.append(np.maximum(z, 0) if act == "relu" else np.tanh(z))
        z = zs[-1]
        e = np.exp(z - z.max(1, keepdims=True))
        g = e / e.sum(1, keepdims=True)
        g[rows, y] -= 1
        g /= batch
        grads = []
        for i in range(len(ws) - 1, -1, -1):
            grads.append((g.T @ hs[i], g.sum(0)))
            if i:
                g = g @ ws[i]
                g = g * (zs[i - 1] > 0) if act == "relu" else g * (1 - hs[i] * hs[i])
        flat = [t for pair in reversed(grads) for t in pair]
        for p, gp in zip([t for pair in zip(ws, bs) for t in pair], flat):
            p -= lr * gp
        return flat

    return step


MLP_SIZES = (784, 512, 512, 10)
TOY_SIZES = (2, 64, 64, 3)


def mlp_step(lib, device):
    """MLP 784-512-512-10, ReLU, batch 128, cross-entropy, backward, SGD step."""
    return _mlp(lib, device, MLP_SIZES, "relu", 128)


def mlp_step_floor():
    return _mlp_floor(MLP_SIZES, "relu", 128)


def toy_mlp_step(lib, device):
    """MLP 2-64-64-3, tanh, batch 96, cross-entropy, backward, SGD step."""
    return _mlp(lib, device, TOY_SIZES, "tanh", 96)


def toy_mlp_step_floor():
    return _mlp_floor(TOY_SIZES, "tanh", 96)


# -- conv_step ---------------------------------------------------------------------------------
CONV = {"cw": (8, 1, 3, 3), "cb": (8,), "lw": (10, 8 * 14 * 14), "lb": (10,)}


def conv_step(lib, device, lr: float = 0.01):
    """Batch 32 of 1x28x28: conv 1->8 3x3 pad 1, ReLU, 2x2 max-pool, flatten, linear to 10,
    cross-entropy, backward, SGD step."""
    a = _init(CONV)
    nn = lib.nn
    conv, lin = nn.Conv2d(1, 8, 3, padding=1), nn.Linear(8 * 14 * 14, 10)
    with lib.no_grad():
        for p, k in ((conv.weight, "cw"), (conv.bias, "cb"), (lin.weight, "lw"),
                     (lin.bias, "lb")):
            p.copy_(lib.tensor(a[k]))
    model = nn.Sequential(conv, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), lin).to(device)
    opt = lib.optim.SGD(model.parameters(), lr=lr)
    x_np, y_np = _data(32, 28 * 28, 10)
    x = lib.tensor(x_np.reshape(32, 1, 28, 28), device=device)
    y = lib.tensor(y_np, device=device)
    return _train_step(lib, model, opt, x, y)


def conv_step_floor(lr: float = 0.01):
    a = _init(CONV)
    cw, cb, lw, lb = a["cw"], a["cb"], a["lw"], a["lb"]
    x_np, y = _data(32, 28 * 28, 10)
    x = np.zeros((32, 1, 30, 30), np.float32)
    x[:, :, 1:29, 1:29] = x_np.reshape(32, 1, 28, 28)
    rows = np.arange(32)

    def step():
        # im2col as shifted views: cols[c*9 + k, n*784 + p]
        cols = np.empty((1, 3, 3, 32, 28, 28), np.float32)
        for i in range(3):
            for j in range(3):
                cols[:, i, j] = x[:, :, i:i + 28, j:j + 28].transpose(1, 0, 2, 3)
        cols = cols.reshape(9, -1)
        z = (cw.reshape(8, 9) @ cols).reshape(8, 32, 28, 28) + cb[:, None, None, None]
        r = np.maximum(z, 0)
        win = r.reshape(8, 32, 14, 2, 14, 2).transpose(1, 0, 2, 4, 3, 5).reshape(
            32, 8, 14, 14, 4)
        idx = win.argmax(-1)
        pooled = np.take_along_axis(win, idx[..., None], -1)[..., 0]
        flat = pooled.reshape(32, -1)
        logits = flat @ lw.T + lb
        e = np.exp(logits - logits.max(1, keepdims=True))
        g = e / e.sum(1, keepdims=True)
        g[rows, y] -= 1
        g /= 32
        glw, glb = g.T @ flat, g.sum(0)
        gpool = (g @ lw).reshape(32, 8, 14, 14)
        gwin = np.zeros((32, 8, 14, 14, 4), np.float32)
        np.put_along_axis(gwin, idx[..., None], gpool[..., None], -1)
        gr = gwin.reshape(32, 8, 14, 14, 2, 2).transpose(1, 0, 2, 4, 3, 5).reshape(
            8, 32, 28, 28)
        gz = gr * (z > 0)
        gzm = gz.reshape(8, -1)
        gcw = (gzm @ cols.T).reshape(8, 1, 3, 3)
        gcb = gzm.sum(1)
        grads = [gcw, gcb, glw, glb]
        for p, gp in zip((cw, cb, lw, lb), grads):
            p -= lr * gp
        return grads

    return step


# -- size_sweep --------------------------------------------------------------------------------
def elementwise(lib, device, n: int):
    """tanh(x * w + b).sum() forward and backward on n-element vectors."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal(n, dtype=np.float32), device=device)
    w = lib.tensor(rng.standard_normal(n, dtype=np.float32), device=device, requires_grad=True)
    b = lib.tensor(rng.standard_normal(n, dtype=np.float32), device=device, requires_grad=True)

    def step():
        lib.tanh(x * w + b).sum().backward()
        w.grad = None
        b.grad = None

    return step


def matmul(lib, device, n: int):
    """(a @ b).sum() forward and backward with square matrices of n elements each."""
    k = max(1, int(round(np.sqrt(n))))
    rng = np.random.default_rng(0)
    a = lib.tensor(rng.standard_normal((k, k), dtype=np.float32), device=device,
                   requires_grad=True)
    b = lib.tensor(rng.standard_normal((k, k), dtype=np.float32), device=device,
                   requires_grad=True)

    def step():
        (a @ b).sum().backward()
        a.grad = None
        b.grad = None

    return step


WORKLOADS = {"op_overhead": (op_overhead, op_overhead_floor),
             "mlp_step": (mlp_step, mlp_step_floor),
             "toy_mlp_step": (toy_mlp_step, toy_mlp_step_floor),
             "conv_step": (conv_step, conv_step_floor)}
SWEEPS = {"elementwise": elementwise, "matmul": matmul}
