"""PyTorch's beginner examples ("Learning PyTorch with Examples": fitting sin(x) with a
third-order polynomial), rewritten here and run unchanged with autograd_gpu as torch."""
from __future__ import annotations

import math
import random

import pytest

import autograd_gpu as torch


@pytest.fixture
def xy(device):
    torch.manual_seed(0)  # the examples' random starting points, fixed
    x = torch.linspace(-math.pi, math.pi, 2000, device=device)
    return x, torch.sin(x)


def test_polynomial_by_hand_with_autograd(device, xy):
    x, y = xy
    dtype = torch.float
    a, b, c, d = (torch.randn((), device=device, dtype=dtype, requires_grad=True)
                  for _ in range(4))
    learning_rate = 1e-6
    for t in range(2000):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t == 0:
            first = loss.item()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    assert loss.item() < min(first, 50.0)
    assert abs(b.item() - 0.85) < 0.1  # sin(x) ~ 0.85x - 0.09x^3 on [-pi, pi]


def test_nn_sequential_flatten_mse_sum(device, xy):
    x, y = xy
    p = torch.tensor([1, 2, 3], device=device)
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1)).to(device)
    loss_fn = torch.nn.MSELoss(reduction="sum")
    learning_rate = 1e-6
    for t in range(2000):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    assert loss.item() < 50.0
    assert linear_layer.weight.shape == (1, 3) and linear_layer.bias.shape == (1,)
    assert abs(linear_layer.weight[:, 2].item() + 0.09) < 0.02


@pytest.mark.parametrize("name,lr", [("SGD", 1e-6), ("RMSprop", 1e-3), ("Adam", 1e-3)])
def test_optimizers(device, xy, name, lr):
    x, y = xy
    p = torch.tensor([1, 2, 3], device=device)
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1)).to(device)
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = getattr(torch.optim, name)(model.parameters(), lr=lr)
    for t in range(2000):
        loss = loss_fn(model(xx), y)
        if t == 0:
            first = loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < first / 20  # from a random start, whatever the device's generator


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + "
                f"{self.d.item()} x^3")


def test_custom_module(device, xy):
    x, y = xy
    model = Polynomial3().to(device)
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(2000):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 50.0 and model.string().startswith("y = ")
    assert [n for n, _ in model.named_parameters()] == ["a", "b", "c", "d"]


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp  # the same parameter reused in a loop
        return y


def test_dynamic_net_reuses_a_parameter(device, xy):
    random.seed(0)
    x, y = xy
    model = DynamicNet().to(device)
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    first = None
    for t in range(3000):
        loss = criterion(model(x), y)
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < first / 10
