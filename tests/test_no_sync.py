"""No host-device synchronisation in forward, backward or an optimizer step: a training step
must not read a value back (item, float, bool, int, tolist, numpy). On a GPU the step also
runs under CuPy's allow_synchronize(False)."""
from __future__ import annotations

import contextlib

import pytest

import autograd_gpu as torch
from autograd_gpu import benchmarks as B
from autograd_gpu.tensor import Tensor

READS = ("item", "tolist", "numpy", "__bool__", "__float__", "__int__", "__index__")


@contextlib.contextmanager
def no_reads(monkeypatch, device):
    def refuse(self, *args, **kwargs):
        raise AssertionError("the hot path read a tensor's value back to the host")

    for name in READS:
        monkeypatch.setattr(Tensor, name, refuse)
    if device == "cuda":
        import cupyx

        with cupyx.allow_synchronize(False):
            yield
    else:
        yield
    for name in READS:
        monkeypatch.undo()


def test_guard_catches_a_read(monkeypatch):
    t = torch.ones(2)
    with pytest.raises(AssertionError, match="read a tensor's value back"):
        with no_reads(monkeypatch, "cpu"):
            t.sum().item()


@pytest.mark.parametrize("name", sorted(B.WORKLOADS))
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_training_steps_never_read_back(monkeypatch, device, name, optimizer):
    step = B.WORKLOADS[name][0](torch, device)
    if optimizer == "Adam" and hasattr(step, "model"):
        step = B._train_step(torch, step.model, torch.optim.Adam(step.model.parameters()),
                             *step.batch)
    step()  # first step: state is created
    with no_reads(monkeypatch, device):
        step()
        step()

