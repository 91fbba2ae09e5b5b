"""Fused CUDA kernels against the formulas they replace (ops/fusable.py, optim/algorithms.py).
The kernels need a GPU; the CPU suite checks the dispatch and that every fusable formula has
a kernel, and that fused=True optimizers keep PyTorch's numbers where no kernel runs."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu import backends
from autograd_gpu.backends import cuda_kernels
from autograd_gpu.ops import fusable

from .conftest import host

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


def test_every_fusable_formula_has_a_kernel():
    assert set(cuda_kernels.KERNELS) == set(fusable.FORMULAS)


def test_fused_runs_the_kernel_when_the_backend_has_one():
    calls = []

    class Namespace:
        tensors = False
        fused_kernels = {"tanh_backward": lambda g, y: calls.append((g, y)) or "kernel"}

    assert fusable.fused(Namespace, "tanh_backward", 2.0, 0.5) == "kernel"
    assert calls == [(2.0, 0.5)]
    Namespace.fused_kernels = {}
    assert fusable.fused(Namespace, "tanh_backward", 2.0, 0.5) == 2.0 * (1 - 0.25)
    assert backends.numpy_backend.fused_kernels == {}  # the CPU always runs the formulas


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_fused_optimizers_keep_the_numbers(device, name):
    kwargs = {"SGD": dict(momentum=0.9, nesterov=True, weight_decay=0.1),
              "Adam": dict(weight_decay=0.1, maximize=True), "AdamW": dict()}[name]
    results = []
    for fused in (False, True):
        p = torch.ones(7, device=device, requires_grad=True)
        opt = getattr(torch.optim, name)([p], lr=0.05, fused=fused, **kwargs)
        assert opt.param_groups[0]["fused"] is fused
        for k in range(5):
            p.grad = torch.tensor(np.sin(np.arange(7) + k).astype(np.float32), device=device)
            opt.step()
        results.append(host(p))
    np.testing.assert_allclose(results[1], results[0], rtol=2e-6, atol=2e-7)
    assert not np.array_equal(results[0], np.ones(7, np.float32))


@pytest.fixture
def fused_on():
    before = backends.cuda.fused_kernels
    backends.cuda.fused_kernels = True
    yield
    backends.cuda.fused_kernels = before


def _special(rng, shape, dtype):
    x = rng.standard_normal(shape).astype(dtype) * 4
    x.flat[:6] = [0.0, -0.0, 30.0, -30.0, 1e-4, -1e-4]
    return x


_WINDOWED = {"max_pool2d_windows", "max_pool2d_backward", "im2col_batch_last",
             "col2im_batch_last"}
_REDUCTIONS = {"column_sums", "row_sums", "cross_entropy_mean"}


@needs_cuda
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(set(fusable.FORMULAS) - _WINDOWED - _REDUCTIONS))
def test_kernel_matches_its_formula(name, dtype, fused_on):
    import cupy

    backend = backends.cuda_backend(0)
    rng = np.random.default_rng(1)
    if name == "cross_entropy_backward":
        x = rng.standard_normal((5, 7)).astype(dtype)
        m = x.max(1, keepdims=True)
        lse = np.log(np.exp(x - m).sum(1, keepdims=True))
        gw = np.array([[0.2], [0.0], [0.2], [0.2], [0.4]], dtype)
        args = [gw, x, m, lse, np.array([0, -100, 6, 1, 2])]  # (row 1 ignored: gw 0)
    elif name == "cross_entropy_rows":  # big scores, a NaN row, an ignored row, a Fortran x
        x = np.asfortranarray(rng.standard_normal((6, 5)).astype(dtype) * 3)
        x[1, 2], x[3, 0], x[4, 4] = 30.0, -30.0, np.nan
        args = [x, np.array([0, 4, -100, 2, 1, 3])]
    elif name == "mul_backward":  # b broadcast along the rows, as x * w with w (17,)
        args = [rng.standard_normal((33, 17)).astype(dtype), _special(rng, (33, 17), dtype),
                rng.standard_normal(17).astype(dtype)]
    else:
        g = rng.standard_normal((33, 17)).astype(dtype)
        x = _special(rng, (33, 17), dtype)
        saved = {"tanh_backward": np.tanh(x), "sigmoid_backward": 1 / (1 + np.exp(-x)),
                 "relu_backward": np.maximum(x, 0)}.get(name, x)
        args = [g, saved.astype(dtype)]
    args = [cupy.asarray(a) for a in args] + ([-100] if name == "cross_entropy_rows" else [])
    got = backend.fused_kernels[name](*args)
    want = fusable.FORMULAS[name](backend, *args)
    tol = 2e-6 if dtype == np.float32 else 1e-13
    for g_, w_ in zip(*((got, want) if isinstance(got, tuple) else ((got,), (want,)))):
        assert g_.dtype == w_.dtype == dtype and g_.shape == w_.shape
        np.testing.assert_allclose(g_.get(), w_.get(), rtol=tol, atol=tol)
        zeros = w_.get() == 0
        np.testing.assert_array_equal(np.signbit(g_.get()[zeros]), np.signbit(w_.get()[zeros]))


@needs_cuda
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (64, 10), (33, 65), (0, 5), (4096, 40),
                                   (4097, 3), (300, 1)])
def test_column_sums_kernel_matches_its_formula(shape, dtype, fused_on):
    """Bias gradients in one launch: any row and column count around the 32 x 32 blocks, an
    empty gradient, and the sizes (over 4,096 rows, float16, not C-contiguous) that keep
    CuPy's sum."""
    import cupy

    backend = backends.cuda_backend(0)
    g = cupy.asarray(np.random.default_rng(2).standard_normal(shape).astype(dtype))
    for arr in (g, cupy.asfortranarray(g)):
        got = backend.fused_kernels["column_sums"](arr)
        want = fusable.column_sums(backend, arr)
        assert got.dtype == want.dtype == dtype and got.shape == want.shape == shape[1:]
        tol = {np.float16: 1e-2, np.float32: 2e-5, np.float64: 1e-12}[dtype]
        np.testing.assert_allclose(got.get(), want.get(), rtol=tol, atol=tol * 8)
        np.testing.assert_allclose(got.get(), g.get().astype(np.float64).sum(0),
                                   rtol=tol * 4, atol=tol * 64)


@needs_cuda
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("shape", [(1, 1), (8, 25088), (3, 255), (5, 257), (0, 5), (4, 0),
                                   (2, (1 << 20) + 1)])
def test_row_sums_kernel_matches_its_formula(shape, dtype, fused_on):
    """A convolution's bias gradient in one launch (a block a row): rows around the 256-lane
    block, empty gradients, and what keeps CuPy's sum (over 2**20 columns, float16, not
    C-contiguous)."""
    import cupy

    backend = backends.cuda_backend(0)
    g = cupy.asarray(np.random.default_rng(3).standard_normal(shape).astype(dtype))
    for arr in (g, cupy.asfortranarray(g)):
        got = backend.fused_kernels["row_sums"](arr)
        want = fusable.row_sums(backend, arr)
        assert got.dtype == want.dtype == dtype and got.shape == want.shape == shape[:1]
        tol = {np.float16: 1e-2, np.float32: 2e-5, np.float64: 1e-12}[dtype]
        exact = g.get().astype(np.float64).sum(1)
        np.testing.assert_allclose(got.get(), want.get(), rtol=tol, atol=tol * 64)
        np.testing.assert_allclose(got.get(), exact, rtol=tol * 4, atol=tol * 256)


@needs_cuda
@pytest.mark.parametrize("name", sorted(set(cuda_kernels._ACTIVATIONS) -
                                         {"cross_entropy_backward"}))
def test_activation_backward_is_laid_out_as_its_input(name, fused_on):
    """After a convolution (whose output is (C, H, W, N) memory) an activation's gradient
    comes out in that layout, so the convolution's backward multiplies a view of it; a
    C-ordered input keeps a C-ordered result. Values as the formula's either way."""
    import cupy

    backend = backends.cuda_backend(0)
    rng = np.random.default_rng(4)
    memory = cupy.asarray(rng.standard_normal((3, 4, 5, 2)))
    g = cupy.asarray(rng.standard_normal((2, 3, 4, 5)))
    for saved in (memory.transpose(3, 0, 1, 2), cupy.ascontiguousarray(
            memory.transpose(3, 0, 1, 2))):
        got = backend.fused_kernels[name](g, saved)
        want = fusable.FORMULAS[name](backend, g, saved)
        assert got.strides == saved.strides and got.shape == want.shape
        np.testing.assert_allclose(got.get(), want.get(), rtol=1e-13, atol=1e-13)
    got = backend.fused_kernels[name](g, memory.transpose(3, 0, 1, 2))
    matrix = got.transpose(1, 2, 3, 0).reshape(3, -1)  # the conv backward's: a view
    assert matrix.data.ptr == got.data.ptr and matrix.flags.c_contiguous


@needs_cuda
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 5, 255, 256, 257, 3000, (1 << 16) + 1])
def test_cross_entropy_mean_kernel_matches_its_formula(n, dtype, fused_on):
    """The cross-entropy mean and row weights in one launch, some rows ignored; all rows
    ignored gives NaN (0 / 0) as the formula and PyTorch do."""
    import cupy

    backend = backends.cuda_backend(0)
    rng = np.random.default_rng(3)
    valid = (rng.random(n) > 0.3).astype(dtype)
    valid[0] = 1
    loss = (rng.random(n) * 5).astype(dtype) * valid
    for v in (valid, np.zeros_like(valid)):
        args = cupy.asarray(loss * v), cupy.asarray(v)
        got = backend.fused_kernels["cross_entropy_mean"](*args)
        want = fusable.cross_entropy_mean(backend, *args)
        for g_, w_ in zip(got, want):
            assert g_.dtype == w_.dtype == dtype and g_.shape == w_.shape
            np.testing.assert_allclose(g_.get(), w_.get(), rtol=1e-5 if dtype == np.float32
                                       else 1e-13, equal_nan=True)
        if v.any():
            np.testing.assert_allclose(float(got[0]), (loss * v).sum() / v.sum(), rtol=1e-5)
        else:
            assert np.isnan(float(got[0])) and np.isnan(got[1].get()).all()


def _check_same(got, want, exact: bool, tol: float = 0.0):
    import cupy

    for g_, w_ in zip(*((got, want) if isinstance(got, tuple) else ((got,), (want,)))):
        assert isinstance(g_, cupy.ndarray) and g_.dtype == w_.dtype and g_.shape == w_.shape
        if exact:  # the same additions in the same order: the same bits, NaNs included
            np.testing.assert_array_equal(g_.get(), w_.get())
        else:
            np.testing.assert_allclose(g_.get(), w_.get(), rtol=tol, atol=tol)


@needs_cuda
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geometry", [
    ((3, 3), 1, 1, 2, True),   # overlapping windows, padding, ceil_mode's extra window
    ((2, 2), 1, 0, 2, False),  # tiled
    ((2, 3), 2, (1, 0), (1, 2), False),  # dilated, uneven
    ((3, 3), 1, 1, 1, False),  # a convolution's 3x3 / padding 1
])
def test_window_kernels_match_their_formulas(geometry, dtype, fused_on):
    """max-pooling forward/backward and the convolution's columns and their adjoint, on an
    input in a conv's (C, H, W, N) memory layout, with NaNs, ties and -inf in it."""
    import cupy

    from autograd_gpu.ops.nn_ops import _geometry

    backend = backends.cuda_backend(0)
    kernel, dilation, padding, stride, ceil = geometry
    rng = np.random.default_rng(2)
    x = np.round(rng.standard_normal((3, 7, 6, 2)) * 2).astype(dtype)  # (rounded: ties)
    x[0, 1, 1, 0], x[2, 3, 4, 1], x[1, 0, 0, 0] = np.nan, np.nan, -np.inf
    x = cupy.asarray(x).transpose(3, 0, 1, 2)  # (N, C, H, W) over (C, H, W, N) memory
    geom = _geometry(7, 6, kernel, dilation, padding, stride, ceil)
    for name in ("max_pool2d_windows", "im2col_batch_last")[:1 if ceil else 2]:
        got = backend.fused_kernels[name](x, geom)
        _check_same(got, fusable.FORMULAS[name](backend, x, geom), exact=True)
    best, winner = fusable.FORMULAS["max_pool2d_windows"](backend, x, geom)
    oh, ow = geom[8:]
    g = cupy.asarray(rng.standard_normal((2, 3, ow, oh)).astype(dtype)).transpose(0, 1, 3, 2)
    args = (g, winner, x.shape, geom)
    got = backend.fused_kernels["max_pool2d_backward"](*args)
    _check_same(got, fusable.FORMULAS["max_pool2d_backward"](backend, *args), exact=True)
    if ceil:  # (a pooling geometry only: convolutions have no ceil_mode)
        return
    c, kh, kw = 3, geom[0], geom[1]
    cols = cupy.asarray(rng.standard_normal((oh * ow * 2, c * kh * kw)).astype(dtype)).T
    args = (cols, (7, 6), geom, 2)
    got = backend.fused_kernels["col2im_batch_last"](*args)
    _check_same(got, fusable.FORMULAS["col2im_batch_last"](backend, *args), exact=True)


@needs_cuda
@pytest.mark.parametrize("workload", ["toy_mlp_step", "conv_step"])
def test_training_step_with_fused_kernels_matches_and_does_not_sync(workload, fused_on):
    """Fused activations, cross-entropy, pooling, columns and the multi-tensor SGD step give
    the generic step's numbers, and nothing in the step waits for the GPU."""
    import cupyx

    from autograd_gpu import benchmarks as B

    grads = []
    for on in (False, True):
        backends.cuda.fused_kernels = on
        step = B.WORKLOADS[workload][0](torch, "cuda")
        with cupyx.allow_synchronize(False):
            step()
            step()  # (the second step updates with the multi-tensor kernel when fused)
        grads.append([host(t) for p in step.model.parameters() for t in (p, p.grad)])
    for a, b in zip(*grads):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


_MULTI_CASES = [("SGD", dict()), ("SGD", dict(weight_decay=0.1, maximize=True)),
                ("SGD", dict(momentum=0.9, dampening=0.2)),
                ("SGD", dict(momentum=0.9, nesterov=True, weight_decay=0.05)),
                ("Adam", dict()), ("Adam", dict(weight_decay=0.1, maximize=True)),
                ("AdamW", dict(betas=(0.8, 0.9))), ("Adam", dict(amsgrad=True))]


def _multi_tensor_run(device, name, kwargs, dtype, **flags):
    """Four steps of optimizer `name` on 40 parameters of mixed shapes (8 empty, one whose
    gradient is a transposed view, one without a gradient at step 2); returns the parameters
    and the optimizer's state tensors."""
    rng = np.random.default_rng(3)
    shapes = [(3, 4), (5,), (0,), (2, 3, 4), (1,)] * 8
    params = [torch.tensor(rng.standard_normal(s).astype(dtype), device=device,
                           requires_grad=True) for s in shapes]
    opt = getattr(torch.optim, name)(params, lr=0.05, **kwargs, **flags)
    for k in range(4):
        for i, p in enumerate(params):
            shape = (2, 4, 3) if i == 3 else tuple(p.shape)
            g = rng.standard_normal(shape).astype(dtype)
            g = torch.tensor(g, device=device)
            p.grad = None if (k == 2 and i == 6) else (g.mT if i == 3 else g)
        opt.step()
    state = [host(v) for p in params for v in opt.state.get(p, {}).values()
             if isinstance(v, torch.Tensor) and v.dim()]
    return [host(p) for p in params] + state


@pytest.mark.parametrize("name,kwargs", _MULTI_CASES)
def test_foreach_and_fused_flags_keep_the_numbers(device, name, kwargs):
    """foreach=True (the multi-tensor kernels on a GPU) gives the one-by-one updates' numbers
    for every dtype, shape and option; on the CPU the flags change nothing."""
    for dtype, tol in ((np.float32, 2e-6), (np.float64, 1e-13)):
        want = _multi_tensor_run(device, name, kwargs, dtype, foreach=False)
        for flags in (dict(foreach=True), dict(fused=True)):
            got = _multi_tensor_run(device, name, kwargs, dtype, **flags)
            assert len(got) == len(want)
            for a, b in zip(got, want):
                assert a.dtype == b.dtype == dtype
                np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@needs_cuda
def test_multi_tensor_kernels_run_once_per_chunk_of_parameters(monkeypatch):
    calls = []
    real = cuda_kernels.multi_tensor_step
    monkeypatch.setattr(cuda_kernels, "multi_tensor_step",
                        lambda name, ts, per, **kw: calls.append((name, len(ts))) or
                        real(name, ts, per, **kw))
    launches = []
    real_kernel = cuda_kernels._multi_kernel
    monkeypatch.setattr(cuda_kernels, "_multi_kernel",
                        lambda *key: launches.append(key) or real_kernel(*key))
    _multi_tensor_run("cuda", "Adam", {}, np.float32, foreach=True)
    # 40 parameters: one without a gradient at step 3, one with a transposed gradient (updated
    # one by one); of the rest, the 8 empty ones are not passed: 31 = 24 + 7 (30 = 24 + 6)
    assert [c[1] for c in calls] == [39, 39, 38, 39] and {c[0] for c in calls} == {"adam_step"}
    assert sorted({k[2] for k in launches}) == [6, 7, 24] and len(launches) == 8


def test_multi_tensor_source_dispatches_every_block_once():
    """The generated kernel's block -> (tensor, index) map, run in Python: every element of
    every tensor is visited exactly once."""
    import re

    src = cuda_kernels.multi_tensor_source("sgd_step", "float", 3)
    assert "typedef float T;" in src and src.count("elem(") == 4
    order = [int(k) for k in re.findall(r"if \(b >= start(\d+)\)", src)]
    assert order == [2, 1, 0]  # the last tensor first: each block takes the highest start
    sizes = [300, 1, 513]
    starts = np.cumsum([0] + [-(-n // cuda_kernels._BLOCK) for n in sizes])
    seen = [np.zeros(n, int) for n in sizes]
    for b in range(starts[-1]):
        k = next(k for k in order if b >= starts[k])
        i = (b - starts[k]) * cuda_kernels._BLOCK + np.arange(cuda_kernels._BLOCK)
        seen[k][i[i < sizes[k]]] += 1
    assert all((s == 1).all() for s in seen)


@pytest.mark.parametrize("op", ["mul", "div"])
def test_products_compute_only_the_gradients_their_inputs_need(device, op):
    """x * w (x data): the backward forms w's gradient alone, not x's product too; the
    values are the formula's either way."""
    x = torch.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=torch.float64, device=device)
    w = torch.tensor([0.5, 4.0], dtype=torch.float64, device=device, requires_grad=True)
    fn = getattr(torch, op)
    for a, b, needs in ((x, w, (False, True)), (w, x, (True, False))):
        out = fn(a, b)
        g = backends.of(out._data).xp.ones_like(out._data)
        grads = out.grad_fn.grad(backends.of(g), g, a._data, b._data)
        assert tuple(gi is not None for gi in grads) == needs
        wanted = {"mul": (g * b._data, g * a._data),
                  "div": (g / b._data, -g * a._data / (b._data * b._data))}[op]
        for gi, want in zip(grads, wanted):
            if gi is not None:
                np.testing.assert_allclose(host(torch.as_tensor(gi)), host(torch.as_tensor(want)))
