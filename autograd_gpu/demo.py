"""Run the seed tutorial's example and print what it prints: `python -m autograd_gpu.demo`.

Pass `--device cuda` to run it on a GPU.
"""
from __future__ import annotations

import argparse

import autograd_gpu as torch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    device = parser.parse_args(argv).device

    print("# the switch: outputs of tracked inputs are tracked; only leaves may stop")
    a = torch.ones((2, 2), requires_grad=True, device=device)
    b = torch.eye(2, device=device)
    c = a + b
    print(c.requires_grad)
    a.requires_grad_(False)
    print(a.requires_grad)
    try:
        c.requires_grad_(False)
    except RuntimeError as err:
        print(f"RuntimeError: {err}")

    print("# detach() shares storage")
    d = c.detach()
    d[0, 0] = 111
    print(c)

    print("# grad_fn, and backward() accumulating into .grad")
    x = torch.randn(3, 4, requires_grad=True, device=device)
    y = torch.randn(3, 4, device=device)
    z = torch.randn(3, 4, device=device)
    c = torch.sum(x * y + z)
    print(c.grad_fn)
    c.backward()
    print(x.grad)
    c = torch.sum(x * y + z)
    c.backward()
    print(x.grad)

    print("# zeroing the gradient")
    c = torch.sum(x * y + z)
    x.grad.data.zero_()
    c.backward()
    print(x.grad)

    print("# the graph is freed: a second backward raises")
    try:
        c.backward()
    except RuntimeError as err:
        print(f"RuntimeError: {err}")


if __name__ == "__main__":
    main()
