"""torch.cuda and torch.backends.cuda: device contexts, the TF32 switch, and their errors.
The GPU halves skip without CUDA; the switches' wiring to CuPy is checked on the CPU too."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import backends

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


@pytest.fixture
def tf32_restored():
    before = torch.backends.cuda.matmul.allow_tf32
    yield
    torch.backends.cuda.matmul.allow_tf32 = before


class _FakeLinalg:
    """Stands in for cupy._core._routines_linalg: records the compute types set."""
    COMPUTE_TYPE_DEFAULT, COMPUTE_TYPE_TF32 = 1, 7

    def __init__(self):
        self.calls = []

    def set_compute_type(self, dtype, compute_type):
        self.calls.append((np.dtype(dtype), compute_type))


def test_tf32_is_off_by_default_and_the_switches_agree(tf32_restored):
    assert torch.backends.cuda.matmul.allow_tf32 is False
    assert torch.get_float32_matmul_precision() == "highest"
    linalg = _FakeLinalg()
    assert backends.apply_tf32(linalg) == linalg.COMPUTE_TYPE_DEFAULT
    torch.set_float32_matmul_precision("medium")
    assert torch.backends.cuda.matmul.allow_tf32 is True
    assert torch.get_float32_matmul_precision() == "medium"
    assert backends.apply_tf32(linalg) == linalg.COMPUTE_TYPE_TF32
    assert linalg.calls == [(np.dtype(np.float32), 1), (np.dtype(np.float32), 7)]
    torch.backends.cuda.matmul.allow_tf32 = False
    assert torch.get_float32_matmul_precision() == "highest"
    with pytest.warns(UserWarning, match="has no effect"):
        torch.set_float32_matmul_precision("low")
    assert torch.get_float32_matmul_precision() == "highest"


def test_cuda_device_context_errors():
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        torch.cuda.device("cpu")
    with torch.cuda.device(None) as ctx:  # None (or -1) leaves the current device alone
        assert ctx.idx == -1
    assert torch.cuda.device_of(torch.ones(1)).idx == -1
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available.*pip install"):
            with torch.cuda.device(0):
                pass


@needs_cuda
def test_cuda_device_context_and_bad_index():
    count = torch.cuda.device_count()
    with torch.cuda.device(0):
        assert torch.cuda.current_device() == 0
        t = torch.ones(2, device="cuda")
    assert t.device == torch.device("cuda:0")
    with pytest.raises(RuntimeError, match=f"invalid device ordinal.*has {count} GPU"):
        torch.ones(1, device=f"cuda:{count}")


@needs_cuda
def test_tf32_switch_changes_float32_matmul_precision(tf32_restored):
    import cupy

    if int(cupy.cuda.Device(0).compute_capability) < 80:
        pytest.skip("TF32 needs compute capability 8.0")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 512, 512))
    exact = a @ b

    def error():
        out = torch.tensor(a, device="cuda", dtype=torch.float32) @ torch.tensor(
            b, device="cuda", dtype=torch.float32)
        return np.abs(out.cpu().numpy() - exact).max() / np.abs(exact).max()

    torch.backends.cuda.matmul.allow_tf32 = False
    strict = error()
    torch.backends.cuda.matmul.allow_tf32 = True
    loose = error()
    assert strict < 1e-5 and loose > 1e-4, (strict, loose)


def test_accelerator_api_picks_cuda_or_says_there_is_none():
    """torch.accelerator as PyTorch's quickstart uses it: the device string it picks is one
    tensors can be made on; without a GPU every device call raises PyTorch's error."""
    A = torch.accelerator
    assert A.is_available() == torch.cuda.is_available()
    assert A.device_count() == torch.cuda.device_count()
    picked = A.current_accelerator().type if A.is_available() else "cpu"
    assert torch.ones(2, device=picked).device.type == picked
    if not A.is_available():
        assert A.current_accelerator(check_available=True) is None
        for call in (A.current_device_index, A.synchronize, A.memory_allocated, A.empty_cache,
                     lambda: A.set_device_index(0)):
            with pytest.raises(RuntimeError, match="Cannot access accelerator device when none"):
                call()
    with A.device_index(None):  # (None: no change, on any machine)
        pass


@needs_cuda
def test_accelerator_device_calls_on_a_gpu():
    A = torch.accelerator
    assert A.current_accelerator(check_available=True) == torch.device("cuda")
    assert A.current_device_index() == torch.cuda.current_device()
    x = torch.ones(1024, 1024, device="cuda")
    A.synchronize()
    assert A.memory_allocated() >= x.numel() * 4
    assert A.max_memory_reserved() >= A.memory_reserved() >= A.memory_allocated()
    assert A.memory_stats()["allocated_bytes.all.current"] == A.memory_allocated()
    with A.device_index(0):
        assert A.current_device_index() == 0
    with pytest.raises(ValueError, match="cpu doesn't match the current accelerator"):
        A.set_device_index("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the machine without CUDA")
def test_without_cuda_errors_are_pytorchs_types_and_stats_are_zero():
    """PyTorch raises AssertionError (CPU build) or RuntimeError (no driver) here: the error
    is both, and says how to install CuPy. Memory figures are 0, as PyTorch reports them."""
    for call in (lambda: torch.ones(2).cuda(), lambda: torch.ones(2, device="cuda"),
                 lambda: torch.nn.Linear(2, 2).to("cuda"), torch.cuda.synchronize,
                 torch.cuda.current_device):
        with pytest.raises(AssertionError, match="pip install 'autograd-gpu\\[cuda1"):
            call()
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            call()
    assert torch.cuda.memory_allocated() == torch.cuda.max_memory_reserved() == 0
    assert torch.cuda.memory_stats() == {} and not torch.cuda.is_initialized()
    with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
        torch.ones(2).pin_memory()
