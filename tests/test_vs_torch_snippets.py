"""Side by side with PyTorch (skipped without it): each program in torch_snippets.txt runs
with `torch` bound to PyTorch and then to autograd_gpu; both must finish with the same `out`
(values, dtypes, shapes, requires_grad) or fail with the same error type and message."""
from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pytest

import autograd_gpu as ag

from .conftest import agrees_with_torch

torch = pytest.importorskip("torch")

SNIPPETS = [c.strip("\n") for c in (pathlib.Path(__file__).parent / "torch_snippets.txt")
            .read_text().split("\n---\n")[1:] if c.strip()]


def _run(lib, code):
    env = {"torch": lib, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(code, env)  # the test's own programs
        except Exception as exc:  # the error itself is compared
            return "error", type(exc).__name__.lstrip("_"), str(exc).split("\n")[0]
    return "ok", _plain(env.get("out"))


def _plain(v):
    if isinstance(v, (torch.Tensor, ag.Tensor)):
        return ("tensor", str(v.dtype).split(".")[-1], tuple(v.shape), v.requires_grad,
                v.detach().cpu().clone().numpy())  # (clone: a ZeroTensor has no numpy)
    if isinstance(v, (torch.Size, ag.Size)):
        return tuple(v)
    if isinstance(v, (list, tuple)):  # (named tuples and torch.return_types count as tuples)
        named = hasattr(v, "_fields") or type(v).__module__ == "torch.return_types"
        return "tuple" if named else type(v).__name__, [_plain(x) for x in v]
    if isinstance(v, dict):
        return "dict", [item for k, x in v.items() for item in (k, _plain(x))]
    if isinstance(v, (torch.dtype, ag.dtype)):
        return str(v).split(".")[-1]
    return v


def _same(a, b) -> bool:
    if isinstance(a, tuple) and a and a[0] == "tensor":
        return isinstance(b, tuple) and b and b[0] == "tensor" and a[1:4] == b[1:4] and \
            np.allclose(a[4], b[4], rtol=1e-4, atol=1e-5, equal_nan=True)
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], list):
        return isinstance(b, tuple) and len(b) == 2 and len(a[1]) == len(b[1]) and all(
            _same(x, y) for x, y in zip(a[1], b[1]))
    return a == b


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_same_result_as_pytorch(code):
    expected, got = _run(torch, code), _run(ag, code)
    if expected[0] == "error":  # the same error; ours may say more after PyTorch's words
        # (names print as torch.Size / torch.float32, as PyTorch's; a few messages still say
        # autograd_gpu where they name this library)
        message = got[2].replace("autograd_gpu.", "torch.") if got[0] == "error" else ""
        agrees_with_torch(torch, got[:2] == expected[:2] and message.startswith(
            expected[2].rstrip(".")), (code, expected, got))
    else:
        agrees_with_torch(torch, got[0] == "ok" and _same(expected[1], got[1]),
                          (code, expected, got))
