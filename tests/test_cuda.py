"""torch.cuda and torch.backends.cuda: device contexts, the TF32 switch, and their errors.
The GPU halves skip without CUDA; the switches' wiring to CuPy is checked on the CPU too."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import backends

from .conftest import host

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


# -- the CUDA generator: a counter-based stream whose state is (seed, offset) --------------
def test_counter_stream_is_splitmix64_and_its_draws_have_the_right_laws():
    from autograd_gpu.backends.counter_rng import CounterGenerator

    def splitmix64(seed, n):  # the published algorithm, in Python integers
        out, state, mask = [], seed, (1 << 64) - 1
        for _ in range(n):
            state = (state + 0x9E3779B97F4A7C15) & mask
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
            out.append(z ^ (z >> 31))
        return out

    g = CounterGenerator(np, 12345)
    assert [int(v) for v in g.bits(5)] + [int(v) for v in g.bits(3)] == splitmix64(12345, 8)
    assert g.offset == 8
    u = g.random_sample((200_000,), np.float32)
    assert u.dtype == np.float32 and 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    z = g.standard_normal((200_000,), np.float64)
    assert abs(z.mean()) < 0.01 and abs(z.var() - 1) < 0.01 and np.isfinite(z).all()
    assert abs(np.mean(z ** 3)) < 0.03 and abs(np.mean(z ** 4) - 3) < 0.06  # not just moments 1-2
    k = g.randint(-2, 3, (50_000,))
    assert set(np.unique(k)) == {-2, -1, 0, 1, 2} and abs(np.bincount(k + 2).std()) < 300
    assert sorted(g.permutation(50).tolist()) == list(range(50))
    state = g.get_state()
    assert len(state) == 16
    first = g.random_sample((4, 3))
    g.set_state(state)
    np.testing.assert_array_equal(g.random_sample((4, 3)), first)
    with pytest.raises(RuntimeError, match="wrong size"):
        g.set_state(b"\0" * 8)


def test_generator_state_round_trips_and_rejects_bad_states(device):
    gen = torch.Generator(device=device).manual_seed(3)
    state = gen.get_state()
    assert state.dtype == torch.uint8 and state.device.type == "cpu"
    a = torch.randn(5, generator=gen, device=device)
    gen.set_state(state)
    np.testing.assert_array_equal(host(torch.randn(5, generator=gen, device=device)), host(a))
    assert gen.initial_seed() == 3
    with pytest.raises(TypeError, match="expected a torch.ByteTensor"):
        gen.set_state(torch.zeros(3))
    with pytest.raises(RuntimeError):
        gen.set_state(torch.zeros(3, dtype=torch.uint8))


@needs_cuda
def test_cuda_stream_matches_its_numpy_reference_bit_for_bit():
    from autograd_gpu.backends.counter_rng import CounterGenerator

    gen = torch.Generator(device="cuda").manual_seed(99)
    ref = CounterGenerator(np, 99)
    for draw, expect in [(lambda: torch.rand(7, 3, generator=gen, device="cuda"),
                          lambda: ref.random_sample((7, 3), np.float32)),
                         (lambda: torch.randn(6, dtype=torch.float64, generator=gen,
                                              device="cuda"),
                          lambda: ref.standard_normal((6,), np.float64)),
                         (lambda: torch.randint(0, 10, (9,), generator=gen, device="cuda"),
                          lambda: ref.randint(0, 10, (9,))),
                         (lambda: torch.randperm(12, generator=gen, device="cuda"),
                          lambda: ref.permutation(12))]:
        got, want = host(draw()), expect()
        if got.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=1e-12)
        else:
            np.testing.assert_array_equal(got, want)


@needs_cuda
def test_cuda_rng_state_functions_replay_the_stream():
    torch.cuda.manual_seed(5)
    assert torch.cuda.initial_seed() == 5
    state = torch.cuda.get_rng_state()
    seed, offset = np.frombuffer(state.numpy().tobytes(), dtype="<u8")
    assert (seed, offset) == (5, 0)
    a = torch.rand(10, device="cuda")
    b = torch.nn.functional.dropout(torch.ones(100, device="cuda"), 0.5)
    torch.cuda.set_rng_state(state)
    np.testing.assert_array_equal(host(torch.rand(10, device="cuda")), host(a))
    np.testing.assert_array_equal(
        host(torch.nn.functional.dropout(torch.ones(100, device="cuda"), 0.5)), host(b))
    states = torch.cuda.get_rng_state_all()
    assert len(states) == torch.cuda.device_count()
    torch.cuda.set_rng_state_all(states)
    torch.cuda.seed()
    assert torch.cuda.initial_seed() != 5


def test_cuda_rng_state_without_cuda_says_how_to_install():
    if torch.cuda.is_available():
        pytest.skip("CUDA is available")
    with pytest.raises(RuntimeError, match="Install CuPy"):
        torch.cuda.get_rng_state()


# -- the generic forms CuPy runs, against NumPy's own ufunc.at / ufunc.accumulate ----------
class _GenericOnNumpy(backends.base.Backend):
    """The base Backend's generic code run with NumPy: what the CuPy backend executes."""
    xp = np


@pytest.mark.filterwarnings("ignore:invalid value")  # (NumPy's own NaN comparisons)
@pytest.mark.parametrize("reduce", ["prod", "amax", "amin"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_generic_scatter_reduce_matches_ufunc_at(reduce, dtype):
    rng = np.random.default_rng(1)
    generic = _GenericOnNumpy()
    for shape, idx_shape in [((3, 5), (3, 4)), ((7,), (12,)), ((2, 3, 4), (2, 3, 6))]:
        target = rng.integers(-3, 4, shape).astype(dtype)
        values = rng.integers(-3, 4, idx_shape).astype(dtype)
        if dtype != np.int64:
            values.flat[1] = np.nan
        index = list(np.indices(idx_shape, sparse=True))
        index[-1] = rng.integers(0, shape[-1], idx_shape)  # repeated places, up to 12 deep
        want, got = target.copy(), target.copy()
        backends.numpy_backend.scatter_reduce(want, tuple(index), values, reduce)
        generic.scatter_reduce(got, tuple(index), values, reduce)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        t = np.asfortranarray(target)  # a target that is not C-contiguous is written back
        generic.scatter_reduce(t, tuple(index), values, reduce)
        np.testing.assert_array_equal(t, want)


def test_generic_running_extreme_matches_accumulate():
    rng = np.random.default_rng(2)
    generic = _GenericOnNumpy()
    for shape, axis in [((1,), 0), ((5,), 0), ((3, 7), 1), ((9, 2), 0), ((4, 9, 3), 1),
                        ((2, 0), 1)]:
        x = rng.standard_normal(shape)
        if x.size > 4:
            x.flat[4] = np.nan
        for larger in (True, False):
            want = (np.maximum if larger else np.minimum).accumulate(x, axis=axis)
            np.testing.assert_array_equal(generic.running_extreme(x, axis, larger), want)
        ints = rng.integers(-5, 5, shape)
        np.testing.assert_array_equal(generic.running_extreme(ints, axis),
                                      np.maximum.accumulate(ints, axis=axis))


def test_generic_open_grid_is_sparse_indices():
    for shape in [(), (4,), (2, 3), (2, 1, 5)]:
        got = _GenericOnNumpy().open_grid(shape)
        want = np.indices(shape, sparse=True)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
            assert g.shape == w.shape


# -- streams, events and device queries ----------------------------------------------------
@needs_cuda
def test_events_time_gpu_work_and_streams_order_it():
    a = torch.randn(512, 512, device="cuda")
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    b = a @ a
    end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) > 0.0
    with pytest.raises(RuntimeError, match="enable_timing=True"):
        torch.cuda.Event().elapsed_time(end)
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        assert torch.cuda.current_stream() == s
        c = b + 1
    assert torch.cuda.current_stream() != s
    torch.cuda.current_stream().wait_stream(s)
    s.synchronize()
    np.testing.assert_allclose(host(c), host(a) @ host(a) + 1, rtol=1e-4, atol=1e-3)
    assert torch.cuda.default_stream() == torch.cuda.default_stream(0)


@needs_cuda
def test_device_queries_describe_the_card():
    props = torch.cuda.get_device_properties(0)
    assert props.name == torch.cuda.get_device_name(0) and props.total_memory > 2 ** 30
    assert torch.cuda.get_device_capability() == (props.major, props.minor)
    free, total = torch.cuda.mem_get_info()
    assert 0 < free <= total == props.total_memory
    torch.cuda.init()
    x = torch.ones(1024, 1024, device="cuda")
    assert "Allocated memory" in torch.cuda.memory_summary()
    with pytest.warns(FutureWarning):
        assert torch.cuda.memory_cached() == torch.cuda.memory_reserved() >= x.numel() * 4


def test_stream_event_and_device_calls_without_cuda_say_how_to_install():
    if torch.cuda.is_available():
        pytest.skip("CUDA is available")
    for call in (torch.cuda.Event, torch.cuda.Stream, torch.cuda.current_stream,
                 torch.cuda.default_stream, torch.cuda.get_device_properties,
                 torch.cuda.get_device_capability, torch.cuda.mem_get_info, torch.cuda.init):
        with pytest.raises(RuntimeError, match="Install CuPy") as info:
            call()
        assert isinstance(info.value, AssertionError)  # (PyTorch raises AssertionError)
    assert torch.cuda.is_bf16_supported() is False and torch.cuda.get_arch_list() == []
    with torch.cuda.stream(None) as s:  # None: no stream change, as PyTorch allows
        assert s is None


@needs_cuda
@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: torch.where(a > 0, a, b),
    lambda a, b: torch.atan2(a, b), lambda a, b: a.clamp(min=b), lambda a, b: a.lerp(b, 0.5),
    lambda a, b: torch.maximum(a, b), lambda a, b: a.div(b, rounding_mode="floor")],
    ids=["add", "mul", "where", "atan2", "clamp", "lerp", "maximum", "div_floor"])
def test_mixed_devices_raise_naming_both_and_leave_inputs_alone(op):
    a = torch.linspace(-1, 1, 6, device="cuda").requires_grad_()
    b = torch.linspace(2, 3, 6).requires_grad_()
    before = host(b).copy()
    for x, y in ((a, b), (b, a)):
        with pytest.raises(RuntimeError, match=r"Expected all tensors to be on the same device, "
                                               r"but found at least two devices, (cuda:0 and "
                                               r"cpu|cpu and cuda:0)!") as info:
            op(x, y)
        assert "shape (6,)" in str(info.value)
    assert a.grad is None and b.grad is None and np.array_equal(host(b), before)


@needs_cuda
def test_a_zero_dim_cpu_tensor_joins_cuda_operands_as_a_number():
    """PyTorch lets a 0-dim CPU tensor take part in elementwise ops on the GPU; its gradient
    comes back on the CPU."""
    x = torch.linspace(-1, 1, 5, device="cuda", dtype=torch.float64).requires_grad_()
    s = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    out = x * s + s / (x + 2) - torch.where(x > 0, s, x) + x.clamp(max=s * 0.1)
    assert out.device == torch.device("cuda:0")
    out.sum().backward()
    xs = host(x)
    expect_x = 3.0 - 3.0 / (xs + 2) ** 2 - (xs <= 0) + (xs < 0.3)
    expect_s = xs.sum() + (1 / (xs + 2)).sum() - (xs > 0).sum() + 0.1 * (xs > 0.3).sum()
    assert x.grad.device == torch.device("cuda:0") and s.grad.device == torch.device("cpu")
    np.testing.assert_allclose(host(x.grad), expect_x, rtol=1e-12)
    np.testing.assert_allclose(float(s.grad), expect_s, rtol=1e-12)
    # comparisons, logic and in-place updates of the GPU tensor take it as well
    y = torch.arange(4.0, device="cuda")
    assert (y > torch.tensor(1.5)).tolist() == [False, False, True, True]
    assert torch.logical_and(y > 0, torch.tensor(True)).tolist() == [False, True, True, True]
    y.mul_(torch.tensor(2.0)).add_(torch.tensor(1.0))
    assert y.device.type == "cuda" and y.tolist() == [1.0, 3.0, 5.0, 7.0]
    # ...but the CPU tensor cannot be written with a GPU operand, nor join non-elementwise ops
    c = torch.tensor(1.0)
    with pytest.raises(RuntimeError, match="same device"):
        c.add_(torch.ones((), device="cuda"))
    assert c.item() == 1.0
    with pytest.raises(RuntimeError, match="same device"):
        torch.ones(2, 2, device="cuda") @ torch.ones(2, 2)


@needs_cuda
def test_cpu_scalar_mixing_matches_pytorch_cuda():
    T = pytest.importorskip("torch")
    if not T.cuda.is_available():
        pytest.skip("PyTorch without CUDA")
    got, want = [], []
    for lib, sink in ((torch, got), (T, want)):
        x = lib.linspace(-1, 1, 5, device="cuda", dtype=lib.float64).requires_grad_()
        s = lib.tensor(0.5, dtype=lib.float64, requires_grad=True)
        (x.sigmoid() * s - lib.where(x < s, x * s, s) ** 2).sum().backward()
        sink += [x.grad.cpu().numpy() if lib is T else host(x.grad),
                 float(s.grad), str(s.grad.device)]
        try:
            x + lib.ones(5, device="cpu")
        except RuntimeError as exc:
            sink.append(str(exc).split("!")[0])
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    assert got[1] == pytest.approx(want[1], rel=1e-12) and got[2:] == want[2:]
