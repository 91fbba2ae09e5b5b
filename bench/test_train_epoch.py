"""One training epoch on the digits (MLP and CNN), against PyTorch on the same data, model,
batch size and optimizer when PyTorch is installed."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as ag

from .conftest import synchronized, torch_or_skip


def _epoch(lib, model_kind: str, device: str):
    images, labels = (t.numpy() for t in ag.datasets.digits(flatten=model_kind == "mlp")[0]
                      .tensors)
    lib.manual_seed(0)
    nn = lib.nn
    if model_kind == "mlp":
        model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                              nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                              nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(512, 64), nn.ReLU(), nn.Linear(64, 10))
    model = model.to(device)
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    x = lib.tensor(images, device=device)
    y = lib.tensor(labels, device=device)
    order = np.random.default_rng(0).permutation(len(labels))
    batches = [lib.tensor(order[i:i + 64], device=device) for i in range(0, len(order), 64)]

    def epoch():
        for idx in batches:
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return epoch


@pytest.mark.parametrize("model_kind", ["mlp", "cnn"])
def test_autograd_gpu(benchmark, device, model_kind):
    benchmark.group = f"train_epoch-{model_kind}-{device}"
    benchmark.extra_info.update(lib="autograd_gpu", device=device)
    step = synchronized(_epoch(ag, model_kind, device), device)
    step()
    benchmark.pedantic(step, rounds=5 if model_kind == "cnn" else 20, iterations=1)


@pytest.mark.parametrize("model_kind", ["mlp", "cnn"])
def test_torch(benchmark, device, model_kind):
    torch = torch_or_skip()
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("PyTorch has no CUDA here")
    benchmark.group = f"train_epoch-{model_kind}-{device}"
    benchmark.extra_info.update(lib="torch", device=device)
    step = synchronized(_epoch(torch, model_kind, device), device, torch)
    step()
    benchmark.pedantic(step, rounds=5 if model_kind == "cnn" else 20, iterations=1)
