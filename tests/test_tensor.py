"""Tensor creation, dtypes and promotion, properties, conversions and printing."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch

from .conftest import host


def test_default_dtypes(device):
    assert torch.tensor([1.5, 2.0], device=device).dtype == torch.float32
    assert torch.tensor([1, 2], device=device).dtype == torch.int64
    assert torch.tensor([True], device=device).dtype == torch.bool
    assert torch.tensor(np.array([1.0, 2.0]), device=device).dtype == torch.float64
    assert torch.tensor(np.array([1, 2], np.int32), device=device).dtype == torch.int32
    assert torch.tensor([[1, 2.5]], device=device).dtype == torch.float32
    assert torch.tensor([], device=device).dtype == torch.float32
    assert torch.tensor(3, device=device).dtype == torch.int64


@pytest.mark.parametrize("make", [
    lambda d: torch.zeros(2, 3, device=d), lambda d: torch.ones((2, 3), device=d),
    lambda d: torch.empty([2, 3], device=d), lambda d: torch.rand(2, 3, device=d),
    lambda d: torch.randn(2, 3, device=d), lambda d: torch.full((2, 3), 1.5, device=d),
    lambda d: torch.zeros_like(torch.ones(2, 3, device=d)),
    lambda d: torch.randn_like(torch.ones(2, 3, device=d)),
    lambda d: torch.rand_like(torch.ones(2, 3, device=d)),
    lambda d: torch.full_like(torch.ones(2, 3, device=d), 7.0),
    lambda d: torch.ones_like(torch.ones(2, 3, device=d))])
def test_float_factories(make, device):
    t = make(device)
    assert t.shape == (2, 3) and t.dtype == torch.float32 and t.device.type == device


def test_factories_take_dtype_device_requires_grad(device):
    t = torch.zeros(3, dtype=torch.float64, device=device, requires_grad=True)
    assert t.dtype == torch.float64 and t.requires_grad and t.is_leaf
    assert torch.arange(5, device=device).dtype == torch.int64
    assert torch.arange(0, 1, 0.25, device=device).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert torch.linspace(0, 1, 5, device=device).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert torch.eye(2, 3, device=device).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert torch.full((2,), 3, device=device).dtype == torch.int64
    assert torch.full((2,), True, device=device).dtype == torch.bool
    r = torch.randint(0, 5, (100,), device=device)
    assert r.dtype == torch.int64 and 0 <= r.min().item() and r.max().item() < 5
    assert torch.randint(3, (2, 2), device=device).shape == (2, 2)
    with pytest.raises(RuntimeError, match="zeros: Dimension size must be non-negative"):
        torch.zeros(-1, 2, device=device)


def test_manual_seed_repeats_random_numbers(device):
    torch.manual_seed(7)
    a = torch.randn(5, device=device)
    torch.manual_seed(7)
    b = torch.randn(5, device=device)
    assert host(a).tolist() == host(b).tolist()
    g = torch.Generator(device).manual_seed(3)
    c = torch.rand(4, generator=g, device=device)
    g.manual_seed(3)
    assert host(c).tolist() == host(torch.rand(4, generator=g, device=device)).tolist()


def test_as_tensor_and_from_numpy_share_memory():
    a = np.arange(3.0)
    t = torch.from_numpy(a)
    a[0] = 10
    assert t[0].item() == 10 and t.dtype == torch.float64
    s = torch.as_tensor(a)
    s[1] = 20.0
    assert a[1] == 20
    c = torch.tensor(a)
    c[2] = 30.0
    assert a[2] == 2.0
    assert t.numpy() is a
    with pytest.raises(TypeError, match="expected np.ndarray"):
        torch.from_numpy([1, 2])


@pytest.mark.parametrize("a,b,expected", [
    ((torch.float32, 1), (torch.float64, 1), torch.float64),
    ((torch.float32, 1), (torch.int64, 1), torch.float32),
    ((torch.float16, 1), (torch.int64, 1), torch.float16),
    ((torch.int32, 1), (torch.int64, 1), torch.int64),
    ((torch.bool, 1), (torch.int32, 1), torch.int32),
    ((torch.float32, 1), (torch.float64, 0), torch.float32),
    ((torch.int64, 1), (torch.float64, 0), torch.float64),
    ((torch.int32, 1), (torch.int64, 0), torch.int32)])
def test_promotion_like_pytorch(a, b, expected, device):
    x = torch.ones((2,) * a[1], dtype=a[0], device=device)
    y = torch.ones((2,) * b[1], dtype=b[0], device=device)
    assert (x + y).dtype == expected and (y * x).dtype == expected
    assert torch.result_type(x, y) == expected


def test_python_scalars_do_not_promote(device):
    h = torch.ones(2, dtype=torch.float16, device=device)
    assert (h * 2.5).dtype == torch.float16 and (2.5 - h).dtype == torch.float16
    assert (torch.ones(2, dtype=torch.int32, device=device) + 2).dtype == torch.int32
    assert (torch.ones(2, dtype=torch.int32, device=device) * 2.5).dtype == torch.float32
    assert (torch.ones(2, dtype=torch.bool, device=device) + 1).dtype == torch.int64
    x = torch.ones(2, device=device, requires_grad=True)
    (x * 0.1).sum().backward()
    assert x.grad.dtype == torch.float32


def test_properties(device):
    t = torch.zeros(2, 3, 4, device=device)
    assert t.shape == torch.Size([2, 3, 4]) and t.size() == (2, 3, 4) and t.size(-1) == 4
    assert t.dim() == t.ndim == 3 and t.numel() == 24
    assert t.is_cuda == (device == "cuda")
    with pytest.warns(UserWarning, match="deprecated"):  # as PyTorch warns for ndim != 2
        assert t.T.shape == (4, 3, 2)
    assert t.permute(2, 1, 0).shape == (4, 3, 2)
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    assert m.T.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert m[1, 0].item() == 3.0 and isinstance(m.sum().item(), float)
    assert m.long().dtype == torch.int64 and m.double().dtype == torch.float64
    assert m.float().dtype == torch.float32 and m.half().dtype == torch.float16
    assert m.to(torch.float64).dtype == torch.float64 and m.to(device) is m
    assert m.to(m) is m and m.to("cpu").device.type == "cpu"
    c = m.clone()
    c[0, 0] = 9.0
    assert m[0, 0].item() == 1.0 and m.t().contiguous().is_contiguous()


def test_item_and_numpy_errors(device):
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to "
                                           "Scalar"):
        torch.ones(2, device=device).item()
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires "
                                           "grad"):
        torch.ones(2, requires_grad=True).numpy()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value"):
        bool(torch.ones(2, device=device))
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(torch.tensor(1.0, device=device))


def test_repr_matches_pytorch():
    assert repr(torch.tensor([[111.0, 1.0], [1.0, 2.0]])) == (
        "tensor([[111.,   1.],\n        [  1.,   2.]])")
    assert repr(torch.tensor([1.5, -2.25])) == "tensor([ 1.5000, -2.2500])"
    assert repr(torch.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(torch.tensor([1.0], dtype=torch.float64)) == (
        "tensor([1.], dtype=torch.float64)")
    assert repr(torch.tensor([1.0, 2.0], requires_grad=True)) == (
        "tensor([1., 2.], requires_grad=True)")
    assert repr(torch.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(torch.tensor(3.5)) == "tensor(3.5000)"
    assert repr(torch.tensor([True, False])) == "tensor([ True, False])"
    assert repr(torch.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(torch.arange(2000.0)) == (
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
        "        1.9990e+03])")
    assert f"{torch.tensor(2.0):.2f}" == "2.00"


def test_a_set_sci_mode_decides_the_column_width():
    """PyTorch 2.13 measures the widths in the notation it prints: sci_mode=False pads to the
    longest fixed-point value, not to the scientific width the values would have chosen."""
    try:
        torch.set_printoptions(sci_mode=False)
        assert repr(torch.tensor([1.0, 0.0, 1e-5], dtype=torch.float64)) == (
            "tensor([1.0000, 0.0000, 0.0000], dtype=torch.float64)")
        assert repr(torch.tensor([[-1.5, 7.0], [100.0, 1e10]])) == (
            "tensor([[         -1.5000,           7.0000],\n"
            "        [        100.0000, 10000000000.0000]])")
        assert repr(torch.tensor([99999.0, -2.0, 1e5])) == "tensor([ 99999.,     -2., 100000.])"
        torch.set_printoptions(sci_mode=True)
        assert repr(torch.tensor([1.5, 20.0])) == "tensor([1.5000e+00, 2.0000e+01])"
    finally:
        torch.set_printoptions(profile="default")


def test_dtype_and_device_objects():
    assert repr(torch.float32) == "torch.float32"  # (PyTorch's spelling)
    assert torch.float is torch.float32 and torch.double is torch.float64
    assert torch.long is torch.int64 and torch.half is torch.float16
    d = torch.device("cuda:1")
    assert (d.type, d.index) == ("cuda", 1) and str(d) == "cuda:1"
    assert repr(torch.device("cpu")) == "device(type='cpu')"
    assert torch.device("cuda", 0) == "cuda:0" and torch.device("cuda") != torch.device("cuda:0")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        torch.device("gpu")


def test_cuda_unavailable_is_clean():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert torch.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match=r"pip install 'autograd-gpu\[cuda12\]'"):
        torch.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        torch.ones(2).cuda()
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        torch.cuda.synchronize()


def test_indexing_views_and_copies(device):
    x = torch.arange(12.0, device=device).reshape(3, 4)
    v = x[1]
    v[0] = -1.0
    assert x[1, 0].item() == -1.0  # basic indexing is a view
    c = x[[0, 2]]
    c[0, 0] = 99.0
    assert x[0, 0].item() == 0.0  # advanced indexing copies
    assert x[x > 8].tolist() == [9.0, 10.0, 11.0]
    assert x[:, None, 1].shape == (3, 1) and x[..., -1].tolist() == [3.0, 7.0, 11.0]
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 0 with size 3"):
        x[3]
    s = x[0, 0]
    s += 5
    assert x[0, 0].item() == 5.0 and s.dim() == 0


def test_sort_topk_argsort(device):
    x = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], device=device, requires_grad=True)
    values, indices = x.sort(1, descending=True)
    assert host(values).tolist() == [[3.0, 2.0, 1.0], [5.0, 4.0, 0.0]]
    assert host(indices).tolist() == [[0, 2, 1], [1, 2, 0]]
    top, where = x.topk(2)
    assert host(top).tolist() == [[3.0, 2.0], [5.0, 4.0]] and host(where).tolist() == [[0, 2],
                                                                                       [1, 2]]
    (values[:, 0] * 2 + top.sum()).sum().backward()
    assert host(x.grad).tolist() == [[4.0, 0.0, 2.0], [0.0, 4.0, 2.0]]
    assert host(x.argsort(0)).tolist() == [[1, 0, 0], [0, 1, 1]]


def test_out_argument_writes_into_and_returns_out(device):
    """out= as PyTorch: the result lands in `out` (a view's base sees it), which is returned;
    dtypes cast upwards only; another shape is resized (with PyTorch's warning unless empty);
    index outputs must be int64; creation functions take out's dtype."""
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]], device=device)
    o = torch.empty(2, 2, device=device)
    assert torch.matmul(x, x, out=o) is o
    np.testing.assert_allclose(host(o), host(x) @ host(x))
    base = torch.zeros(3, 2, device=device)
    torch.mul(x[0], 2, out=base[1])
    assert host(base).tolist() == [[0, 0], [2, 10], [0, 0]]
    wide = torch.empty(2, 2, dtype=torch.float64, device=device)
    torch.add(x, 0.5, out=wide)
    assert wide.dtype == torch.float64 and host(wide)[0, 1] == 5.5
    assert host(torch.mul(torch.tensor([1, 2], device=device), 2,
                          out=torch.empty(2, device=device))).tolist() == [2.0, 4.0]
    with pytest.warns(UserWarning, match=r"resized since it had shape \[3\]"):
        r = torch.exp(x[0], out=torch.empty(3, device=device))
    assert r.shape == (2,)
    v, i = torch.empty(2, device=device), torch.empty(2, dtype=torch.long, device=device)
    res = torch.max(x, 1, out=(v, i))
    assert res.values is v and res.indices is i and host(i).tolist() == [1, 0]
    assert host(torch.arange(3, out=torch.empty(3, dtype=torch.float64, device=device))) \
        .dtype == np.float64
    assert host(torch.cat([x, x], out=torch.empty(0, device=device))).shape == (4, 2)


def test_out_argument_refusals_leave_out_unchanged(device):
    x = torch.tensor([1.5, 2.0], device=device)
    o = torch.full((2,), 7, dtype=torch.long, device=device)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        torch.mul(x, x, out=o)
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype long int, but "
                                           "got float instead"):
        torch.argmax(x, out=torch.empty((), device=device))
    w = torch.ones(2, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"mul\(\): functions with out=\.\.\. arguments don't "
                                           "support automatic differentiation"):
        torch.mul(w, x, out=torch.empty(2, device=device))
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        torch.mul(x, x, out=w)
    assert host(o).tolist() == [7, 7] and host(w).tolist() == [1, 1] and w.grad is None
    with torch.no_grad():  # (no graph is wanted: allowed, as in PyTorch)
        torch.mul(w, x, out=o.float())
        torch.mul(x, 2, out=w)
    assert host(w).tolist() == [3.0, 4.0]


def test_legacy_typed_constructors():
    """torch.FloatTensor(...) and friends as older tutorials use them."""
    assert torch.FloatTensor([1, 2]).dtype == torch.float32
    assert torch.LongTensor(2, 3).shape == (2, 3) and torch.LongTensor(2).dtype == torch.int64
    assert torch.DoubleTensor(np.array([[1]])).dtype == torch.float64
    assert torch.BoolTensor([True]).dtype == torch.bool and torch.FloatTensor().shape == (0,)
    assert torch.Tensor().shape == (0,) and torch.Tensor(torch.Size([2, 3])).shape == (2, 3)
    x = torch.tensor([1.0])
    assert isinstance(x, torch.FloatTensor) and not isinstance(x, torch.LongTensor)
    assert not isinstance(x, torch.cuda.FloatTensor)
    assert isinstance(x.long(), torch.LongTensor)
    assert x.type(torch.DoubleTensor).dtype == torch.float64
    assert repr(torch.FloatTensor) == "<class 'torch.FloatTensor'>"
    with pytest.raises(TypeError, match=r"expected .*float32.* \(got .*int64\)"):
        torch.FloatTensor(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"new\(\): data must be a sequence \(got float\)"):
        torch.FloatTensor(2.5)
    alias = torch.Tensor(x)
    alias[0] = 5.0
    assert x.item() == 5.0


def test_resize_flip_where_method_and_broadcast_shapes(device):
    x = torch.arange(6.0, device=device)
    assert x.resize_(2, 2) is x and host(x).tolist() == [[0, 1], [2, 3]]
    x.resize_(5)
    assert host(x)[:4].tolist() == [0, 1, 2, 3] and x.shape == (5,)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        torch.ones(2, device=device, requires_grad=True).resize_(3)
    t = torch.arange(24.0, device=device).reshape(2, 3, 4)
    assert torch.equal(t.flip(0, 2), torch.flip(t, (0, 2)))
    assert host(t.where(t > 20, -1.0)).reshape(-1).tolist() == [-1.0] * 21 + [21, 22, 23]
    assert torch.broadcast_shapes((2, 1), (1, 3), (4, 1, 1)) == (4, 2, 3)
    with pytest.raises(RuntimeError, match="Attempting to broadcast a dimension of length 3 at "
                                           "-1! Mismatching argument at index 1"):
        torch.broadcast_shapes((2, 2), (3,))
    with pytest.raises(RuntimeError, match="cannot reshape tensor of 0 elements into shape"):
        torch.empty(0, 3, device=device).reshape(0, -1)


def test_storage_is_shared_by_views_not_by_copies(device):
    x = torch.arange(6.0, device=device)
    view, tail, copy = x.view(2, 3).t(), x[2:], x.clone()
    s = x.storage()
    assert view.storage().data_ptr() == s.data_ptr() == tail.storage().data_ptr()
    assert copy.storage().data_ptr() != s.data_ptr()
    assert len(s) == 6 and s.element_size() == 4 and x.untyped_storage().nbytes() == 24
    s[1] = 9.0  # (writes reach every view)
    assert x[1].item() == 9.0 and view[1, 0].item() == 9.0 and s.tolist()[:2] == [0.0, 9.0]
    assert tail.storage_offset() == 2


def test_testing_assert_close_tolerances_and_messages(device):
    close = torch.testing.assert_close
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    close(x, x + 5e-6)  # float32: atol 1e-5, rtol 1.3e-6
    with pytest.raises(AssertionError) as info:
        close(x, torch.tensor([1.0, 2.5, 3.0], device=device))
    assert str(info.value).splitlines() == [
        "Tensor-likes are not close!", "", "Mismatched elements: 1 / 3 (33.3%)",
        "Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)",
        "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 "
        "allowed)"]
    d = x.double()
    close(d, d + 1e-8)
    with pytest.raises(AssertionError,
                       match=r"Greatest absolute difference: 1\.0+\d*e-06 at index \(2,\)"):
        close(d, d + torch.tensor([0.0, 0.0, 1e-6], dtype=torch.float64, device=device))
    with pytest.raises(AssertionError, match="attribute 'dtype' do not match"):
        close(x, d)
    close(x, d, check_dtype=False)
    with pytest.raises(AssertionError, match="Tensor-likes are not equal!"):
        close(torch.tensor([1, 2], device=device), torch.tensor([1, 3], device=device))
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        close(x, x, rtol=0.1)
    with pytest.raises(AssertionError, match=r"item \[1\]\['w'\]"):
        close([x, {"w": x}], [x, {"w": x * 2}])
    with pytest.raises(AssertionError, match="^custom$"):
        close(x, x + 1, msg="custom")
    nan = torch.tensor([float("nan")], device=device)
    with pytest.raises(AssertionError):
        close(nan, nan)
    close(nan, nan, equal_nan=True)
    t = torch.testing.make_tensor((3, 4), dtype=torch.float64, device=device, low=-1, high=1,
                                  requires_grad=True)
    assert t.shape == (3, 4) and t.requires_grad and t.device.type == device
    assert bool(((t >= -1) & (t <= 1)).all())


def test_random_module_constants_version_and_cpu():
    torch.manual_seed(3)
    with torch.random.fork_rng():
        inside = torch.rand(3)
    assert torch.equal(inside, torch.rand(3))  # the stream was restored on exit
    state = torch.random.get_rng_state()
    a = torch.randn(2)
    torch.random.set_rng_state(state)
    assert torch.equal(a, torch.randn(2))
    torch.default_generator.manual_seed(11)
    assert torch.initial_seed() == torch.random.initial_seed() == 11
    assert (torch.pi, torch.e, torch.inf) == (np.pi, np.e, np.inf) and np.isnan(torch.nan)
    assert torch.arange(3.0)[torch.newaxis].shape == (1, 3)
    assert torch.version.__version__ == torch.__version__
    if torch.cuda.is_available():  # "major.minor" of CuPy's CUDA runtime
        assert torch.version.cuda.count(".") == 1
    else:
        import importlib.util

        if importlib.util.find_spec("cupy") is None:
            assert torch.version.cuda is None
    assert torch.cpu.is_available() and torch.cpu.device_count() == 1
    x = torch.tensor([0.5, 2.0, 3.5], requires_grad=True)
    y = x * 1
    y.lgamma_()
    y.sum().backward()
    from math import lgamma
    np.testing.assert_allclose(y.detach().numpy(), [lgamma(v) for v in (0.5, 2.0, 3.5)],
                               rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), torch.digamma(x.detach()).numpy(), rtol=1e-6)


def test_as_strided_scatter_new_empty_strided_and_conv_weight_formats(device):
    x = torch.zeros(3, 3, dtype=torch.float64, device=device, requires_grad=True)
    src = torch.tensor([5.0, 6.0], dtype=torch.float64, device=device, requires_grad=True)
    y = torch.as_strided_scatter(x, src, (2,), (4,))  # the diagonal's first two places
    assert host(y).tolist() == [[5, 0, 0], [0, 6, 0], [0, 0, 0]]
    weights = torch.arange(9.0, dtype=torch.float64, device=device).reshape(3, 3)
    (y * weights).sum().backward()
    assert host(src.grad).tolist() == [0.0, 4.0]
    assert host(x.grad).tolist() == [[0, 1, 2], [3, 0, 5], [6, 7, 8]]  # overwritten: none
    e = x.new_empty_strided((2, 3), (1, 2))
    assert e.shape == (2, 3) and e.stride() == (1, 2) and not e.requires_grad
    m = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.Linear(2, 2)).to(device)
    assert torch.nn.utils.convert_conv2d_weight_memory_format(m, torch.channels_last) is m
    assert m[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert isinstance(m[0].weight, torch.nn.Parameter)


def test_frombuffer_unsafe_split_and_autocast_query():
    buffer = bytearray(np.array([1.0, 2.0], dtype=np.float32).tobytes())
    t = torch.frombuffer(buffer, dtype=torch.float32)
    t[0] = 5.0  # shares the buffer's memory
    assert np.frombuffer(bytes(buffer), dtype=np.float32).tolist() == [5.0, 2.0]
    assert torch.frombuffer(buffer, dtype=torch.float32, count=1, offset=4).tolist() == [2.0]
    x = torch.ones(4, requires_grad=True)
    a, b = torch.unsafe_split(x * 1, 2)
    a.mul_(3)  # allowed, unlike split's pieces
    (a.sum() + b.sum()).backward()
    assert x.grad.tolist() == [3.0, 3.0, 1.0, 1.0]
    with torch.autocast("cpu"):
        assert torch.is_autocast_enabled("cpu") and not torch.is_autocast_enabled()


def test_deprecated_and_removed_top_level_spellings():
    """Older tutorials' calls: set_default_tensor_type (deprecated: works, warns once),
    triangular_solve and lu_solve (old argument orders), and the functions PyTorch removed,
    which raise its RuntimeError saying what replaces them."""
    import warnings

    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            torch.set_default_tensor_type(torch.DoubleTensor)
            assert torch.ones(1).dtype == torch.float64
            torch.set_default_tensor_type("torch.FloatTensor")
            assert torch.ones(1).dtype == torch.float32
        with pytest.raises(TypeError, match="only floating-point types"):
            torch.set_default_tensor_type(torch.LongTensor)
    finally:
        torch.set_default_dtype(torch.float32)
    A = torch.tensor([[2.0, 1.0], [0.0, 4.0]], dtype=torch.float64)
    b = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    with pytest.warns(UserWarning, match="triangular_solve is deprecated"):
        sol, coef = torch.triangular_solve(b, A)
    np.testing.assert_allclose(host(A @ sol), host(b))
    assert np.array_equal(host(coef), host(A)) and coef is not A
    with pytest.warns(UserWarning):
        sol_t = torch.triangular_solve(b, A, transpose=True).solution
    np.testing.assert_allclose(host(A.T @ sol_t), host(b))
    LU, piv = torch.linalg.lu_factor(A)
    np.testing.assert_allclose(host(A @ torch.lu_solve(b, LU, piv)), host(b))
    for name in ("solve", "lstsq", "eig", "symeig", "matrix_rank"):
        with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
            getattr(torch, name)(A, A) if name in ("solve", "lstsq") else getattr(torch, name)(A)
    draws = torch.binomial(torch.tensor([10.0, 5.0, 0.0]), torch.tensor([1.0, 0.0, 0.5]))
    assert draws.tolist() == [10.0, 0.0, 0.0] and draws.dtype == torch.float32
    assert (torch.sym_max(2, 3), torch.sym_int(2.7), torch.sym_ite(False, 1, 2)) == (3, 2, 2)


def test_zero_dim_tensors_sort_flip_and_take_their_sign():
    """A 0-dim tensor is its own one-element line for sort/argsort/topk/msort/flip (dims 0
    and -1), and its sign is a 0-dim tensor (NaN's sign is 0, as PyTorch's)."""
    x = torch.tensor(-0.5, requires_grad=True)
    values, indices = x.sort(descending=True)
    top, where = x.topk(1)
    assert values.shape == indices.shape == top.shape == where.shape == ()
    assert float(values) == -0.5 and int(indices) == 0 and int(x.argsort()) == 0
    (values * 2 + top * 3 + x.flip(0) + x.msort()).backward()
    assert float(x.grad) == 7.0
    assert float(torch.tensor(-2.0).sign()) == -1.0 and float(torch.tensor(math.nan).sign()) == 0
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.sort(dim=1)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(2)
