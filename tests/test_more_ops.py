"""The functions added from PyTorch's wider API: linalg decompositions (values against NumPy,
derivatives against finite differences, first and second order), the arranging and
statistics functions that are not in the op table, in-place and view-in-place spellings,
sampling, and the exactness of float64 creation."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import autograd_gpu as ag
from autograd_gpu.autograd import gradcheck, gradgradcheck

from .conftest import host


def f64(a, device, requires_grad=True):
    return ag.tensor(np.asarray(a, np.float64), device=device, requires_grad=requires_grad)


def _spd(rng, n):
    a = rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


# -- linalg decompositions ---------------------------------------------------------------------
def test_cholesky_values_and_derivatives(device, rng):
    a = _spd(rng, 4)
    L = ag.linalg.cholesky(f64(a, device, False))
    np.testing.assert_allclose(host(L), np.linalg.cholesky(a), rtol=1e-12)
    np.testing.assert_allclose(host(ag.linalg.cholesky(f64(a, device, False), upper=True)),
                               np.linalg.cholesky(a).T, rtol=1e-12)
    x = f64(rng.standard_normal((3, 3)), device)

    def fn(x):  # a symmetric positive definite function of x
        return ag.linalg.cholesky(x @ x.mT + 3 * ag.eye(3, dtype=ag.float64, device=device))

    assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,), atol=1e-4)
    up = lambda x: ag.linalg.cholesky(x @ x.mT + 3 * ag.eye(  # noqa: E731
        3, dtype=ag.float64, device=device), upper=True)
    assert gradcheck(up, (x,))


def test_cholesky_not_positive_definite_names_the_minor(device):
    with pytest.raises(ag.linalg.LinAlgError, match="leading minor of order 2 is not "
                                                    "positive-definite"):
        ag.linalg.cholesky(ag.tensor([[1.0, 2.0], [2.0, 1.0]], device=device))
    assert issubclass(ag.linalg.LinAlgError, RuntimeError)


def test_eigh_values_and_derivatives(device, rng):
    a = _spd(rng, 4)
    w, V = ag.linalg.eigh(f64(a, device, False))
    wn, Vn = np.linalg.eigh(a)
    np.testing.assert_allclose(host(w), wn, rtol=1e-12)
    np.testing.assert_allclose(np.abs(host(V)), np.abs(Vn), atol=1e-10)
    np.testing.assert_allclose(host(ag.linalg.eigvalsh(f64(a, device, False))), wn, rtol=1e-12)
    x = f64(rng.standard_normal((3, 3)), device)

    def fn(x):  # eigenvectors enter through V * V: their signs do not matter
        w, V = ag.linalg.eigh(x + x.mT)
        return w, V * V

    assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,), atol=1e-4)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 4, 3)])
def test_svd_values_and_derivatives(device, rng, shape):
    a = rng.standard_normal(shape)
    U, S, Vh = ag.linalg.svd(f64(a, device, False), full_matrices=False)
    np.testing.assert_allclose(host(S), np.linalg.svd(a, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose(host(U @ (S.unsqueeze(-1) * Vh)), a, atol=1e-12)
    np.testing.assert_allclose(host(ag.linalg.svdvals(f64(a, device, False))), host(S))
    x = f64(a, device)

    def fn(x):
        U, S, Vh = ag.linalg.svd(x, full_matrices=False)
        return S, U * U, Vh * Vh  # sign-free functions of the singular vectors

    assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,), atol=1e-4)


def test_svd_full_matrices_backward_through_vectors_is_refused(device, rng):
    x = f64(rng.standard_normal((4, 2)), device)
    U, S, Vh = ag.linalg.svd(x)  # full_matrices=True by default, as PyTorch
    assert tuple(U.shape) == (4, 4)
    S.sum().backward(retain_graph=True)  # singular values alone are fine
    np.testing.assert_allclose(host(x.grad), host(U[:, :2] @ Vh), atol=1e-12)
    with pytest.raises(RuntimeError, match="full_matrices=True in backward is not supported"):
        U.sum().backward()


def test_qr_values_and_derivatives(device, rng):
    a = rng.standard_normal((4, 3))
    Q, R = ag.linalg.qr(f64(a, device, False))
    np.testing.assert_allclose(host(Q @ R), a, atol=1e-12)
    np.testing.assert_allclose(host(Q.mT @ Q), np.eye(3), atol=1e-12)
    assert np.allclose(np.tril(host(R), -1), 0)
    assert tuple(ag.linalg.qr(f64(a, device, False), mode="complete").Q.shape) == (4, 4)
    x = f64(a, device)
    assert gradcheck(lambda x: ag.linalg.qr(x), (x,))
    assert gradgradcheck(lambda x: ag.linalg.qr(x), (x,), atol=1e-4)
    wide = f64(rng.standard_normal((2, 3, 5)), device)  # (A = [X | Y], X square)
    assert gradcheck(lambda x: ag.linalg.qr(x), (wide,))
    assert gradgradcheck(lambda x: ag.linalg.qr(x, mode="complete").R, (wide,), atol=1e-4)
    with pytest.raises(RuntimeError, match="depends on Q, which is not computed when mode='r'"):
        ag.linalg.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and "
                                           "nrows > ncols"):
        ag.linalg.qr(x, mode="complete").R.sum().backward()


def test_slogdet_logdet_pinv_lstsq_rank(device, rng):
    a = rng.standard_normal((3, 3))
    sign, logabs = ag.linalg.slogdet(f64(a, device, False))
    ns, nl = np.linalg.slogdet(a)
    assert host(sign) == ns and np.isclose(host(logabs), nl)
    x = f64(a, device)
    assert gradcheck(lambda x: ag.linalg.slogdet(x).logabsdet, (x,))
    assert gradgradcheck(lambda x: ag.linalg.slogdet(x).logabsdet, (x,), atol=1e-4)
    pd = _spd(rng, 3)
    np.testing.assert_allclose(host(ag.logdet(f64(pd, device, False))), np.log(np.linalg.det(pd)))
    neg = np.diag([1.0, -1.0])
    assert np.isnan(host(ag.logdet(f64(neg, device, False))))
    assert host(ag.logdet(f64(np.zeros((2, 2)), device, False))) == -np.inf
    tall = rng.standard_normal((5, 3))
    np.testing.assert_allclose(host(ag.linalg.pinv(f64(tall, device, False))),
                               np.linalg.pinv(tall), atol=1e-12)
    t = f64(tall, device)
    assert gradcheck(ag.linalg.pinv, (t,)) and gradgradcheck(ag.linalg.pinv, (t,), atol=1e-4)
    b = rng.standard_normal((5, 2))
    sol = ag.linalg.lstsq(f64(tall, device, False), f64(b, device, False)).solution
    np.testing.assert_allclose(host(sol), np.linalg.lstsq(tall, b, rcond=None)[0], atol=1e-12)
    low_rank = np.outer([1.0, 2, 3], [1.0, 0, 1])
    assert int(host(ag.linalg.matrix_rank(f64(low_rank, device, False)))) == 1
    assert int(host(ag.linalg.matrix_rank(f64(tall, device, False)))) == 3


@pytest.mark.parametrize("n", [0, 1, 3, -2])
def test_matrix_power(device, rng, n):
    a = rng.standard_normal((2, 3, 3)) + 2 * np.eye(3)
    out = ag.linalg.matrix_power(f64(a, device, False), n)
    np.testing.assert_allclose(host(out), np.linalg.matrix_power(a, n), rtol=1e-10, atol=1e-12)
    if n:
        x = f64(a, device)
        assert gradcheck(lambda x: ag.linalg.matrix_power(x, n), (x,))


def test_matrix_exp_against_a_series_and_derivatives(device, rng):
    def series(m, terms=60):
        out, term = np.eye(m.shape[-1]), np.eye(m.shape[-1])
        for k in range(1, terms):
            term = term @ m / k
            out = out + term
        return out

    for scale in (0.1, 3.0):
        a = rng.standard_normal((3, 3)) * scale
        np.testing.assert_allclose(host(ag.linalg.matrix_exp(f64(a, device, False))),
                                   series(a), rtol=1e-10)
    rot = np.array([[0.0, -np.pi / 2], [np.pi / 2, 0.0]])  # e^rot rotates by 90 degrees
    np.testing.assert_allclose(host(ag.matrix_exp(f64(rot, device, False))), [[0, -1], [1, 0]],
                               atol=1e-12)
    x = f64(rng.standard_normal((3, 3)), device)
    assert gradcheck(ag.linalg.matrix_exp, (x,))


# -- functions outside the op table ------------------------------------------------------------
def test_mode_and_nanmedian(device):
    m = ag.mode(ag.tensor([[1, 2, 2, 1], [3, 3, 1, 1]], device=device))
    assert host(m.values).tolist() == [1, 1] and host(m.indices).tolist() == [3, 3]
    x = ag.tensor([5.0, 1.0, 5.0, 1.0, 2.0], device=device, requires_grad=True)
    v, i = ag.mode(x)
    v.backward()
    assert v.item() == 1 and i.item() == 3 and host(x.grad).tolist() == [0, 0, 0, 1, 0]
    k = ag.mode(ag.tensor([[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]], device=device), 0, keepdim=True)
    assert host(k.values).tolist() == [[1.0, 3.0]] and host(k.indices).tolist() == [[1, 2]]
    nan = float("nan")
    r = ag.nanmedian(ag.tensor([[1.0, nan, 3.0, 2.0], [nan, nan, nan, nan]], device=device), 1)
    assert host(r.values)[0] == 2.0 and np.isnan(host(r.values)[1])
    assert host(r.indices)[0] == 3
    assert ag.tensor([4.0, nan, 1.0, 3.0], device=device).nanmedian().item() == 3.0


def test_index_grids_and_combinations(device):
    assert host(ag.tril_indices(3, 4, 1, device=device)).tolist() == [
        list(a) for a in np.tril_indices(3, 1, 4)]
    assert host(ag.triu_indices(4, 3, -1)).tolist() == [list(a) for a in np.triu_indices(4, -1, 3)]
    x = ag.tensor([1, 2, 3, 4], device=device)
    assert host(ag.combinations(x, 3)).tolist() == [list(c) for c in itertools.combinations(
        [1, 2, 3, 4], 3)]
    assert host(ag.combinations(x[:2], with_replacement=True)).tolist() == [[1, 1], [1, 2], [2, 2]]
    assert host(ag.cartesian_prod(x[:2], x[2:])).tolist() == [[1, 3], [1, 4], [2, 3], [2, 4]]
    w = ag.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    (ag.combinations(w) ** 2).sum().backward()  # each element appears in two pairs
    np.testing.assert_allclose(host(w.grad), [4.0, 8.0, 12.0])


def test_block_diag_vander_rot90_flips(device):
    a = ag.ones(2, 2, device=device, requires_grad=True)
    out = ag.block_diag(a, ag.tensor([[5.0, 6.0]], device=device), ag.tensor(7.0, device=device))
    ref = np.zeros((4, 5))
    ref[:2, :2], ref[2, 2:4], ref[3, 4] = 1, [5, 6], 7
    np.testing.assert_array_equal(host(out), ref)
    (out * ag.arange(20.0, device=device).reshape(4, 5)).sum().backward()
    np.testing.assert_array_equal(host(a.grad), [[0, 1], [5, 6]])
    assert ag.block_diag(ag.ones(1, 1, dtype=ag.int64), ag.ones(1, 1)).dtype == ag.float32
    np.testing.assert_array_equal(host(ag.vander(ag.tensor([1, 2, 3]), N=4)),
                                  np.vander([1, 2, 3], 4))
    np.testing.assert_array_equal(host(ag.vander(ag.tensor([1.0, 2.0]), increasing=True)),
                                  np.vander([1.0, 2.0], increasing=True))
    m = np.arange(24).reshape(2, 3, 4)
    for k, dims in ((1, (0, 1)), (2, (1, 2)), (3, (0, 2)), (-1, (2, 0)), (4, (0, 1))):
        np.testing.assert_array_equal(host(ag.rot90(ag.tensor(m), k, dims)), np.rot90(m, k, dims))
    np.testing.assert_array_equal(host(ag.tensor(m[0]).fliplr()), np.fliplr(m[0]))
    np.testing.assert_array_equal(host(ag.tensor(m[0]).flipud()), np.flipud(m[0]))
    with pytest.raises(RuntimeError, match="Input must be >= 2-d"):
        ag.fliplr(ag.ones(3))


def test_logspace_isin_splits_take(device):
    np.testing.assert_allclose(host(ag.logspace(-1, 2, 4, device=device)),
                               np.logspace(-1, 2, 4), rtol=1e-6)
    assert host(ag.logspace(0, 3, 4, base=2, dtype=ag.int32)).tolist() == [1, 2, 4, 8]
    x = ag.tensor([[1, 2], [3, 4]], device=device)
    assert host(ag.isin(x, ag.tensor([2, 3], device=device))).tolist() == [[False, True],
                                                                            [True, False]]
    assert host(ag.isin(x, 2, invert=True)).tolist() == [[True, False], [True, True]]
    parts = ag.tensor_split(ag.arange(7), 3)
    assert [host(p).tolist() for p in parts] == [[0, 1, 2], [3, 4], [5, 6]]
    parts = ag.tensor_split(ag.arange(10), ag.tensor([2, 7]))
    assert [p.numel() for p in parts] == [2, 5, 3]
    m = ag.arange(12).reshape(3, 4)
    assert [tuple(p.shape) for p in ag.hsplit(m, 2)] == [(3, 2), (3, 2)]
    assert [tuple(p.shape) for p in ag.vsplit(m, [1])] == [(1, 4), (2, 4)]
    with pytest.raises(RuntimeError, match="not divisible by the split_size 3"):
        ag.hsplit(m, 3)
    with pytest.raises(IndexError, match="out of range: tried to access index 12"):
        ag.take(m, ag.tensor([12]))
    assert host(ag.ravel(m.t())).tolist() == np.arange(12).reshape(3, 4).T.ravel().tolist()
    assert host(ag.msort(ag.tensor([[3.0, 1.0], [1.0, 2.0]]))).tolist() == [[1, 1], [3, 2]]
    assert host(ag.argwhere(ag.tensor([[0, 1], [1, 0]]))).tolist() == [[0, 1], [1, 0]]


def test_index_put_accumulates_repeated_indices(device):
    x = ag.zeros(3, 2, device=device)
    x.index_put_((ag.tensor([0, 0, 2], device=device),), ag.tensor([1.0, 2.0], device=device),
                 accumulate=True)
    assert host(x).tolist() == [[2, 4], [0, 0], [1, 2]]
    y = ag.zeros(3, 2, device=device).index_put(
        (ag.tensor([0, 2], device=device), ag.tensor([1, 0], device=device)),
        ag.tensor(5.0, device=device))
    assert host(y).tolist() == [[0, 5], [0, 0], [5, 0]]


def test_elementwise_extras_without_derivatives(device):
    x = ag.tensor([-1.0, -0.0, 0.0, 2.0], device=device)
    assert host(ag.signbit(x)).tolist() == [True, True, False, False]
    h = ag.heaviside(x, ag.tensor([0.5], device=device))
    assert host(h).tolist() == [0.0, 0.5, 0.5, 1.0]
    g = ag.tensor([1.0, 0.0], device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        ag.heaviside(g, ag.tensor([0.5], device=device)).sum().backward()
    with pytest.raises(RuntimeError, match="different dtypes"):
        ag.heaviside(x, ag.tensor([1], device=device))
    fp = ag.float_power(ag.tensor([2, 3], device=device), 2)
    assert fp.dtype == ag.float64 and host(fp).tolist() == [4.0, 9.0]
    assert host(ag.positive(ag.tensor([1, -2]))).tolist() == [1, -2]
    assert host(ag.tensor([1, 2]) << 1).tolist() == [2, 4]
    assert host(ag.tensor([8, -8]) >> 2).tolist() == [2, -2]
    nan = float("nan")
    fm = ag.fmax(ag.tensor([1.0, nan, nan]), ag.tensor([nan, 2.0, nan]))
    assert host(fm)[:2].tolist() == [1.0, 2.0] and np.isnan(host(fm)[2])


def test_erfinv_and_erfc_edges(device):
    y = host(ag.erfinv(ag.tensor([-1.0, 1.0, 0.0, 2.0, 0.5], device=device, dtype=ag.float64)))
    assert y[0] == -np.inf and y[1] == np.inf and y[2] == 0 and np.isnan(y[3])
    assert math.isclose(math.erf(y[4]), 0.5, rel_tol=1e-14)
    assert host(ag.erfc(ag.tensor([5.0], dtype=ag.float64)))[0] == pytest.approx(math.erfc(5.0),
                                                                               rel=1e-12)


def test_inplace_spellings_write_and_record(device):
    x = ag.tensor([0.5, 2.0], device=device)
    assert x.cos_() is x
    np.testing.assert_allclose(host(x), np.cos([0.5, 2.0]), rtol=1e-6)
    y = ag.tensor([1.0, 3.0], device=device)
    y.eq_(ag.tensor([1.0, 2.0], device=device))
    assert y.dtype == ag.float32 and host(y).tolist() == [1.0, 0.0]
    w = ag.tensor([0.3, 0.6], device=device, requires_grad=True)
    z = w * 1
    z.sin_()
    z.sum().backward()
    np.testing.assert_allclose(host(w.grad), np.cos([0.3, 0.6]), rtol=1e-6)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.exp2_()
    v = w * 2
    v.unsqueeze_(0)
    assert tuple(v.shape) == (1, 2) and v.grad_fn is not None
    w.grad = None
    v.sum().backward()
    assert host(w.grad).tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.unsqueeze_(0)
    m = ag.ones(2, 3)
    m.t_()
    assert tuple(m.shape) == (3, 2)


def test_storage_offset_of_views():
    x = ag.arange(12.0).reshape(3, 4)
    assert [x.storage_offset(), x[1].storage_offset(), x[1:, 2:].storage_offset(),
            x.t()[1].storage_offset()] == [0, 4, 6, 1]


def test_special_namespace(device):
    x = ag.tensor([0.0, 0.5, -1.0], device=device, dtype=ag.float64)
    assert host(ag.special.expit(x)).tolist() == host(ag.sigmoid(x)).tolist()
    np.testing.assert_allclose(host(ag.special.ndtr(x)),
                               [0.5 * math.erfc(-v / math.sqrt(2)) for v in (0.0, 0.5, -1.0)])
    np.testing.assert_allclose(host(ag.special.ndtri(ag.special.ndtr(x))), host(x), atol=1e-12)
    e = host(ag.special.entr(x))
    assert e[0] == 0 and not np.signbit(e[0]) and e[2] == -np.inf
    assert e[1] == pytest.approx(-0.5 * math.log(0.5))


def test_float64_creation_keeps_python_values_exact():
    assert ag.tensor([0.1], dtype=ag.float64).item() == 0.1
    assert ag.tensor(0.1, dtype=ag.float64).item() == 0.1
    assert ag.tensor([[1.7, -1.7]], dtype=ag.int64).tolist() == [[1, -1]]
    assert ag.tensor([0.1]).dtype == ag.float32  # without a dtype: the default, as PyTorch


def test_linspace_ends_exact_and_symmetric():
    for lo, hi, n in ((-3.0, 5.0, 11), (0.0, 1.0, 100), (0.1, 0.7, 7)):
        for dt in (ag.float32, ag.float64):
            v = host(ag.linspace(lo, hi, n, dtype=dt))
            assert v[0] == np.asarray(lo, v.dtype) and v[-1] == np.asarray(hi, v.dtype)
            np.testing.assert_allclose(v, np.linspace(lo, hi, n), rtol=1e-6, atol=1e-6)


# -- sampling ----------------------------------------------------------------------------------
def test_normal_forms_and_gradients(device):
    ag.manual_seed(0)
    s = ag.normal(2.0, 3.0, (20000,), device=device)
    assert abs(s.mean().item() - 2.0) < 0.1 and abs(s.std().item() - 3.0) < 0.1
    mean = ag.zeros(3, device=device, requires_grad=True)
    std = ag.full((3,), 2.0, device=device, requires_grad=True)
    y = ag.normal(mean, std)
    y.sum().backward()
    assert host(mean.grad).tolist() == [1.0, 1.0, 1.0]
    np.testing.assert_allclose(host(std.grad), host(y.detach() / 2.0), rtol=1e-6)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        ag.normal(ag.zeros(2), -1.0)


def test_bernoulli_multinomial_poisson(device):
    g = ag.Generator(device).manual_seed(1)
    b = ag.bernoulli(ag.full((20000,), 0.3, device=device), generator=g)
    assert set(np.unique(host(b)).tolist()) <= {0.0, 1.0} and abs(b.mean().item() - 0.3) < 0.02
    with pytest.raises(RuntimeError, match="p_in >= 0 && p_in <= 1"):
        ag.bernoulli(ag.tensor([1.5]))
    draws = ag.multinomial(ag.tensor([0.1, 0.0, 0.9], device=device), 5000, True, generator=g)
    counts = np.bincount(host(draws), minlength=3)
    assert counts[1] == 0 and abs(counts[2] / 5000 - 0.9) < 0.03
    rows = ag.multinomial(ag.tensor([[1.0, 2.0, 3.0, 4.0]] * 3, device=device), 4, generator=g)
    assert all(sorted(r) == [0, 1, 2, 3] for r in host(rows).tolist())  # no repeats
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        ag.multinomial(ag.ones(3), 4)
    g.manual_seed(5)
    first = host(ag.multinomial(ag.ones(10, device=device), 5, generator=g))
    g.manual_seed(5)
    assert host(ag.multinomial(ag.ones(10, device=device), 5, generator=g)).tolist() == \
        first.tolist()
    p = ag.poisson(ag.full((20000,), 4.0, device=device), generator=g)
    assert abs(p.mean().item() - 4.0) < 0.1 and p.dtype == ag.float32
    e = ag.empty(20000, device=device).exponential_(2.0, generator=g)
    assert abs(e.mean().item() - 0.5) < 0.02 and e.min().item() >= 0
    r = ag.empty(1000, device=device).random_(3, 7, generator=g)
    assert set(np.unique(host(r)).tolist()) == {3.0, 4.0, 5.0, 6.0}


def test_binary_cross_entropy_checks_the_target_range():
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        ag.nn.functional.binary_cross_entropy(ag.tensor([0.5]), ag.tensor([2.0]))


def test_placement_ops_against_numpy(device, rng):
    x = rng.standard_normal((2, 4))
    src = rng.standard_normal((2, 3))
    idx = np.array([[0, 2, 0], [1, 1, 3]])
    got = host(ag.scatter_reduce(f64(x, device, False), 1, ag.tensor(idx, device=device),
                                 f64(src, device, False), "amax", include_self=False))
    ref = x.copy()
    ref[[0, 0, 1, 1], [0, 2, 1, 3]] = -np.inf
    np.maximum.at(ref, (np.indices(idx.shape)[0], idx), src)
    np.testing.assert_allclose(got, ref)
    prod = ag.scatter_reduce(f64(x, device), 1, ag.tensor(idx, device=device),
                             f64(src, device), "prod")
    ref = x.copy()
    np.multiply.at(ref, (np.indices(idx.shape)[0], idx), src)
    np.testing.assert_allclose(host(prod), ref)
    prod.sum().backward()  # (PyTorch's derivative: test_autograd_extras checks its numbers)
    m = np.array([[True, False, True], [False, True, False]])
    ms = ag.masked_scatter(ag.zeros(2, 3, device=device), ag.tensor(m, device=device),
                           ag.arange(1.0, 7.0, device=device))
    assert host(ms).tolist() == [[1, 0, 2], [0, 3, 0]]
    p = ag.zeros(2, 3, device=device).put(ag.tensor([0, -1, 0], device=device),
                                          ag.tensor([1.0, 2.0, 3.0], device=device), True)
    assert host(p).tolist() == [[4, 0, 0], [0, 0, 2]]
    d = ag.diagonal_scatter(ag.zeros(3, 4, device=device), ag.ones(3, device=device), 1)
    np.testing.assert_array_equal(host(d), np.eye(3, 4, 1))
    f = ag.zeros(7, 3, device=device).fill_diagonal_(5.0, wrap=True)
    ref = np.zeros((7, 3))
    ref[[0, 1, 2, 4, 5, 6], [0, 1, 2, 0, 1, 2]] = 5
    np.testing.assert_array_equal(host(f), ref)
    s = ag.slice_scatter(ag.zeros(4, 4, device=device), ag.ones(4, 2, device=device), 1, 0,
                         4, 2)
    assert host(s)[:, ::2].sum() == 8 and host(s)[:, 1::2].sum() == 0
    t = ag.ones(2, 3, 4, dtype=ag.float64, requires_grad=True)
    y = t.sum_to_size(3, 1)
    assert tuple(y.shape) == (3, 1) and host(y).tolist() == [[8.0]] * 3
    with pytest.raises(RuntimeError, match="is not expandable to size"):
        ag.ones(2, 3).sum_to_size(4)


def test_compile_returns_the_model_and_default_device():
    model = ag.nn.Linear(2, 1)
    assert ag.compile(model) is model
    assert ag.compile(mode="max-autotune")(abs) is abs
    assert str(ag.get_default_device()) == "cpu"
    ag.set_default_device("cpu")
    try:
        assert ag.zeros(1).device.type == "cpu"
    finally:
        ag.set_default_device(None)
    if not ag.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            ag.set_default_device("cuda")
        assert ag.ones(1).device.type == "cpu"  # the failed call changed nothing


def test_gamma_family_identities(device):
    x = ag.tensor([0.3, 1.0, 2.5, 7.2, -1.5], dtype=ag.float64, device=device)
    psi, psi1 = host(ag.digamma(x)), host(ag.digamma(x + 1))
    np.testing.assert_allclose(psi1, psi + 1 / host(x), rtol=1e-10)  # psi(x+1) = psi(x) + 1/x
    assert host(ag.digamma(ag.tensor([1.0], dtype=ag.float64)))[0] == pytest.approx(
        -0.5772156649015329, rel=1e-12)  # -Euler's gamma
    assert host(ag.polygamma(1, ag.tensor([1.0], dtype=ag.float64)))[0] == pytest.approx(
        math.pi ** 2 / 6, rel=1e-12)
    p2 = host(ag.polygamma(2, x[:4])) - host(ag.polygamma(2, x[:4] + 1))
    np.testing.assert_allclose(p2, -2 / host(x[:4]) ** 3, rtol=1e-9)  # recurrence
    assert np.isinf(host(ag.lgamma(ag.tensor([0.0, -2.0])))).all()
    with pytest.raises(RuntimeError, match="does not support negative n"):
        ag.polygamma(-1, x)


def test_gradient_matches_numpy_and_is_differentiable():
    f = np.array([[1.0, 4.0, 9.0, 16.0], [2.0, 3.0, 7.0, 20.0], [0.0, 1.0, 0.0, 1.0]])
    x = ag.tensor(f, requires_grad=True)
    for kw, np_kw in [({}, {}), ({"spacing": 2.0, "dim": 1, "edge_order": 2},
                                 {"axis": 1, "edge_order": 2})]:
        got = ag.gradient(x, **kw)
        want = np.gradient(f, *([2.0] if "spacing" in kw else []), **np_kw)
        want = list(want) if isinstance(want, (list, tuple)) else [want]
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.detach().numpy(), w)
    assert ag.autograd.gradcheck(lambda a: ag.gradient(a, dim=1, edge_order=2)[0], (x,))


def test_unique_consecutive_and_histogram_match_numpy():
    x = ag.tensor([1, 1, 2, 2, 3, 1, 1])
    values, inverse, counts = ag.unique_consecutive(x, return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3, 1] and counts.tolist() == [2, 2, 1, 2]
    assert inverse.tolist() == [0, 0, 1, 1, 2, 3, 3]
    data = np.array([0.5, 1.0, 1.0, 2.5, 3.9])
    hist, edges = ag.histogram(ag.tensor(data, dtype=ag.float64), bins=3, range=(0.0, 4.0))
    want_h, want_e = np.histogram(data, 3, range=(0.0, 4.0))
    np.testing.assert_array_equal(hist.numpy(), want_h)
    np.testing.assert_allclose(edges.numpy(), want_e)


def test_copy_forms_do_not_share_memory_and_angle_has_zero_gradient():
    x = ag.arange(6.0).reshape(2, 3)
    v = ag.view_copy(x, (3, 2))
    v[0, 0] = 100
    t = ag.transpose_copy(x, 0, 1)
    assert x[0, 0].item() == 0 and t.is_contiguous() and t.tolist() == x.t().tolist()
    a = ag.tensor([-1.0, 2.0, 0.0], requires_grad=True)
    y = ag.angle(a)
    y.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [np.pi, 0, 0])
    assert a.grad.tolist() == [0.0, 0.0, 0.0]


def test_median_ties_nan_and_descending_nan_order():
    y = ag.tensor([2.0, 2.0, 1.0, 1.0], requires_grad=True)
    m = y.median()
    m.backward()
    assert m.item() == 1.0 and y.grad.tolist() == [0.0, 0.0, 0.5, 0.5]  # ties share it
    v = ag.tensor([0.1, 0.1, 0.1, 5.0], dtype=ag.float64)
    assert v.median().item() == 0.1  # exactly the element, not a mean of ties
    n = ag.tensor([1.0, float("nan"), 3.0])
    assert np.isnan(n.median().item()) and np.isnan(n.median(0).values.item())
    assert n.median(0).indices.item() == 1
    assert np.isnan(n.topk(1).values.item()) and n.sort(descending=True).indices.tolist() == [
        1, 2, 0]
    assert ag.tensor([-2.0, float("nan"), 0.0]).sign().tolist() == [-1.0, 0.0, 0.0]


def test_numpy_spellings_axis_and_keepdims():
    x = ag.arange(12.0).reshape(3, 4)
    assert x.sum(axis=1, keepdims=True).tolist() == x.sum(1, keepdim=True).tolist()
    assert ag.cat([x, x], axis=1).shape == (3, 8) and x.max(axis=0).values.tolist() == [8, 9,
                                                                                       10, 11]
    assert ag.sum(x.int(), dtype=ag.int16).dtype == ag.int16  # the asked dtype, not int64


def test_apply_and_map_run_python_functions_in_place():
    x = ag.tensor([1.0, 2.0, 3.0])
    assert x.apply_(lambda v: v * 10) is x and x.tolist() == [10.0, 20.0, 30.0]
    x.map_(ag.tensor([1.0, 1.0, 2.0]), lambda a, b: a + b)
    assert x.tolist() == [11.0, 21.0, 32.0]
    with pytest.raises(RuntimeError, match="Can't call apply_"):
        ag.ones(2, requires_grad=True).apply_(lambda v: v)


def test_zero_dim_index_counts_as_one_dim_in_scatter_and_gather(device):
    """PyTorch's rule (the FashionMNIST one-hot target transform relies on it): a 0-d index
    or source acts as a 1-d one of one element; gradients flow as for the 1-d call."""
    one_hot = ag.zeros(10, device=device).scatter_(0, ag.tensor(3, device=device), value=1)
    assert host(one_hot).tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    x = ag.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y = ag.gather(x, 0, ag.tensor(1, device=device))
    assert y.shape == () and y.item() == 2.0
    y.backward()
    assert host(x.grad).tolist() == [0, 1, 0]
    s = ag.tensor(5.0, device=device)
    assert s.gather(0, ag.tensor([0, 0], device=device)).tolist() == [5.0, 5.0]
    assert s.scatter(0, ag.tensor(0, device=device), 2.0).item() == 2.0
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of "
                                           "dimensions as input tensor"):
        ag.zeros(2, 3, device=device).gather(1, ag.tensor(1, device=device))


def test_range_and_empty_list_index_like_lists(device):
    """x[range(n), target] (the "What is torch.nn really?" tutorial's nll) and x[[]]."""
    x = ag.arange(12.0, device=device).reshape(3, 4).requires_grad_()
    picked = x[range(3), [0, 1, 3]]
    assert host(picked).tolist() == [0.0, 5.0, 11.0]
    (-picked.mean()).backward()
    expected = np.zeros((3, 4), np.float32)
    expected[[0, 1, 2], [0, 1, 3]] = -1 / 3
    np.testing.assert_allclose(host(x.grad), expected, rtol=1e-6)
    assert x[[]].shape == (0, 4) and x[:, range(0)].shape == (3, 0)
    y = ag.zeros(3, 4, device=device)
    y[range(3), [0, 1, 2]] = -1.0
    assert host(y).trace() == -3.0


def test_bitwise_ops_on_floats_raise_as_pytorch(device):
    a = ag.tensor([1.5, 2.0], device=device)
    for op, kernel in ((lambda: a & a, "bitwise_and"), (lambda: a << 1, "lshift"),
                       (lambda: ag.bitwise_xor(a, 1), "bitwise_xor"),
                       (lambda: ag.bitwise_not(a.double()), "bitwise_not")):
        with pytest.raises(NotImplementedError, match=f'"{kernel}_cpu" not implemented for '):
            op()
    with pytest.raises(TypeError, match=r"~ \(operator.invert\) is only implemented on integer"):
        ~a
    i = ag.tensor([1, 2, 3], device=device)
    assert host(~i).tolist() == [-2, -3, -4] and host(i << 1).tolist() == [2, 4, 6]


@pytest.mark.parametrize("order", ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf])
def test_matrix_norms_match_numpy_and_gradcheck(device, order):
    """linalg.norm of a 2-D tensor with an ord is the matrix norm (NumPy's meaning), and every
    order differentiates (float64 finite differences, away from ties)."""
    a = np.array([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0], [0.2, 0.7, 2.5]])
    A = ag.tensor(a, device=device)
    np.testing.assert_allclose(ag.linalg.norm(A, order).item(), np.linalg.norm(a, order),
                               rtol=1e-10)
    batched = ag.stack([A, 2 * A]).movedim(0, 2)  # matrices over dims (0, 1)
    np.testing.assert_allclose(host(ag.linalg.matrix_norm(batched, order, dim=(0, 1))),
                               [np.linalg.norm(a, order), np.linalg.norm(2 * a, order)],
                               rtol=1e-10)
    x = ag.tensor(a, device=device, requires_grad=True)
    assert gradcheck(lambda t: ag.linalg.matrix_norm(t, order), (x,))


def test_more_linalg_functions(device):
    A = ag.tensor([[4.0, 1.0, 0.0], [2.0, 3.0, 1.0], [0.5, -1.0, 2.0]], dtype=ag.float64,
                  device=device, requires_grad=True)
    B = ag.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]], dtype=ag.float64, device=device,
                  requires_grad=True)
    a, b = host(A), host(B)
    X = ag.linalg.solve_triangular(A, B, upper=True)
    np.testing.assert_allclose(host(X), np.linalg.solve(np.triu(a), b), rtol=1e-10, atol=1e-14)
    assert gradcheck(lambda s, t: ag.linalg.solve_triangular(s, t, upper=False,
                                                             unitriangular=True), (A, B))
    np.testing.assert_allclose(host(ag.linalg.solve(A, B.mT, left=False)),
                               b.T @ np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(ag.linalg.cond(A).item(), np.linalg.cond(a), rtol=1e-10)
    np.testing.assert_allclose(ag.linalg.cond(A, 1).item(), np.linalg.cond(a, 1), rtol=1e-10)
    assert gradcheck(lambda s: ag.linalg.cond(s), (A,))
    v = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, device=device, requires_grad=True)
    np.testing.assert_allclose(host(ag.linalg.vander(v)), np.vander(host(v), increasing=True))
    assert gradcheck(lambda t: ag.linalg.vander(t, N=4), (v,))
    chain = ag.linalg.multi_dot([v, A, B])
    np.testing.assert_allclose(host(chain), host(v) @ a @ b, rtol=1e-10)
    inverse, info = ag.linalg.inv_ex(ag.zeros(2, 2, device=device))
    assert info.item() == 1 and info.dtype == ag.int32
    _, info = ag.linalg.cholesky_ex(ag.tensor([[1.0, 2.0], [2.0, 1.0]], device=device))
    assert info.item() == 2
    T = ag.tensor(np.random.default_rng(0).normal(size=(6, 2, 3)), device=device)
    rhs = ag.tensor(np.arange(6.0), device=device)
    sol = ag.linalg.tensorsolve(T, rhs)
    np.testing.assert_allclose(host(ag.tensordot(T, sol, 2)), host(rhs), atol=1e-10)
    with pytest.raises(RuntimeError, match="expected at least 2 tensors but got 1"):
        ag.linalg.multi_dot([v])


def test_scalar_promotion_and_bool_kernels_as_pytorch(device):
    i = ag.tensor([3, -2], device=device)
    r = 2.5 % i  # (a Python float with an int tensor: the default float dtype)
    assert r.dtype == ag.float32 and host(r).tolist() == [2.5, -1.5]
    assert host(2 ** i).tolist() == [8, 0] and (2 ** i).dtype == ag.int64
    assert host(ag.tensor([1, -1, 3], device=device) ** ag.tensor([-1, -3, -2], device=device)
                ).tolist() == [1, -1, 0]
    b = ag.tensor([True, False], device=device)
    assert (b ** True).dtype == ag.bool and host(b ** False).tolist() == [True, True]
    for op, kernel in ((lambda: b // b, "div_floor_cpu"), (lambda: b % b, "remainder_cpu"),
                       (lambda: b ** b, "pow"), (lambda: True ** b, "pow")):
        with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented for'):
            op()


def test_reductions_keep_pytorchs_dtypes_and_nan_rules(device):
    i = ag.tensor([[1, 3, 3], [2, -1, 0]], device=device)
    u = ag.tensor([[1, 3, 3], [2, 255, 0]], dtype=ag.uint8, device=device)
    b = ag.tensor([[True, False, True], [False, False, True]], device=device)
    assert i.median().dtype == ag.int64 and i.median().item() == 1
    assert u.cumsum(1).dtype == ag.int64 and host(u.cumsum(1))[1].tolist() == [2, 257, 257]
    assert i.nansum().dtype == ag.int64 and i.nansum().item() == 8
    assert u.all().dtype == ag.uint8 and b.all().dtype == ag.bool
    assert host(b.argsort(1, descending=True)).tolist() == [[0, 2, 1], [2, 0, 1]]  # stable
    assert host(ag.unique(ag.tensor([[1, 2], [0, 5], [1, 2]], device=device), dim=0)
                ).tolist() == [[0, 5], [1, 2]]
    n = ag.tensor([[1.0, float("nan"), 3.0], [2.0, -1.0, 0.5]], device=device)
    values, idx = n.cummax(1)
    assert np.isnan(host(values)[0, 1:]).all() and host(idx)[0].tolist() == [0, 1, 1]
    for call, err, message in (
            (lambda: i.norm(), RuntimeError, "Expected a floating point or complex tensor"),
            (lambda: ag.nanmean(i), RuntimeError, "expected input to have floating point"),
            (lambda: i.softmax(1), NotImplementedError, "not implemented for 'Long'"),
            (lambda: b.median(), NotImplementedError, '"median_cpu" not implemented'),
            (lambda: b.topk(1), RuntimeError, "topk does not support bool"),
            (lambda: ag.zeros(0, 3, device=device).argmax(), IndexError, "Expected reduction"),
            (lambda: ag.zeros(0, 3, device=device).quantile(0.5), RuntimeError, "non-empty")):
        with pytest.raises(err, match=message):
            call()


def test_cholesky_solve_inverse_and_mvlgamma(device):
    a = np.array([[4.0, 2.0, 0.4], [2.0, 3.0, 0.5], [0.4, 0.5, 2.0]])
    A = ag.tensor(a, device=device, requires_grad=True)
    b = ag.tensor([[1.0], [2.0], [-1.0]], dtype=ag.float64, device=device)
    L = ag.linalg.cholesky(A)
    np.testing.assert_allclose(host(ag.cholesky_solve(b, L)), np.linalg.solve(a, host(b)),
                               rtol=1e-10)
    np.testing.assert_allclose(host(ag.cholesky_solve(b, L.mT, upper=True)),
                               np.linalg.solve(a, host(b)), rtol=1e-10)
    np.testing.assert_allclose(host(ag.cholesky_inverse(L)), np.linalg.inv(a), rtol=1e-10)
    assert gradcheck(lambda m: ag.cholesky_inverse(ag.linalg.cholesky(m @ m.mT)), (A,))
    x = ag.tensor([2.5, 3.0], dtype=ag.float64, device=device, requires_grad=True)
    expected = [3 / 2 * math.log(math.pi) + sum(math.lgamma(v - j / 2) for j in range(3))
                for v in (2.5, 3.0)]
    np.testing.assert_allclose(host(ag.mvlgamma(x, 3)), expected, rtol=1e-12)
    assert gradcheck(lambda t: ag.mvlgamma(t, 3), (x,))
    assert ag.binary_cross_entropy_with_logits(x, x / 4).shape == (2,)  # (torch.*: unreduced)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2), (2, 3, 3)])
def test_lu_factorizations_reconstruct_and_differentiate(device, shape):
    rng = np.random.default_rng(11)
    a = rng.standard_normal(shape)
    A = ag.tensor(a, dtype=ag.float64, device=device, requires_grad=True)
    P, L, U = ag.linalg.lu(A)
    np.testing.assert_allclose(host(P @ L @ U), a, rtol=1e-12, atol=1e-12)
    k = min(shape[-2:])
    assert L.shape[-1] == U.shape[-2] == k
    np.testing.assert_array_equal(np.diagonal(host(L), axis1=-2, axis2=-1), 1.0)
    assert np.all(np.abs(host(L)) <= 1.0 + 1e-12)  # partial pivoting bounds L's entries
    LU, piv = ag.linalg.lu_factor(A)
    P2, L2, U2 = ag.lu_unpack(LU, piv)
    np.testing.assert_allclose(host(P2 @ L2 @ U2), a, rtol=1e-12, atol=1e-12)
    assert piv.dtype == ag.int32 and int(host(piv).min()) >= 1
    assert gradcheck(lambda t: ag.linalg.lu(t)[1:], (A,))
    assert gradcheck(lambda t: ag.linalg.lu_factor(t)[0], (A,))
    if shape[-1] == shape[-2]:
        assert gradgradcheck(lambda t: ag.linalg.lu(t)[1:], (A,))
        b = ag.tensor(rng.standard_normal(shape[:-1] + (2,)), dtype=ag.float64, device=device,
                      requires_grad=True)
        for left, adjoint in [(True, False), (True, True), (False, False), (False, True)]:
            rhs = b if left else b.mT
            X = ag.linalg.lu_solve(LU, piv, rhs, left=left, adjoint=adjoint)
            M = a.swapaxes(-1, -2) if adjoint else a
            want = np.linalg.solve(M, host(b)) if left else \
                np.linalg.solve(M.swapaxes(-1, -2), host(b)).swapaxes(-1, -2)
            np.testing.assert_allclose(host(X), want, rtol=1e-10, atol=1e-12)
        assert gradcheck(lambda t, r: ag.linalg.lu_solve(*ag.linalg.lu_factor(t), r), (A, b))


def test_lu_errors_and_singular_matrices():
    with pytest.raises(RuntimeError, match=r"U\[2,2\] is zero"):
        ag.linalg.lu_factor(ag.tensor([[1.0, 2.0], [2.0, 4.0]]))
    LU, piv, info = ag.linalg.lu_factor_ex(ag.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert info.item() == 2 and host(piv).tolist() == [2, 2]
    with pytest.raises(RuntimeError, match=r"\(Batch element 1\): U\[2,2\]"):
        ag.linalg.lu_factor(ag.tensor([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]]]))
    with pytest.raises(RuntimeError, match="Expected tensor with 2 or more dimensions"):
        ag.linalg.lu_factor(ag.tensor([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        ag.linalg.lu_factor(ag.tensor([[1, 2], [3, 4]]))
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        LU2, piv2 = ag.tensor([[4.0, 3.0], [6.0, 3.0]]).lu()
    assert host(piv2).tolist() == [2, 2]


def test_modified_bessel_functions_match_their_integrals_and_differentiate(device):
    # I_n(x) = (1/pi) * integral over [0, pi] of exp(x cos t) cos(n t): the trapezoid rule
    # is exact to rounding for this smooth periodic integrand
    t = np.linspace(0.0, np.pi, 4001)
    x = np.array([-12.0, -2.5, -0.3, 0.0, 0.7, 3.0, 19.5, 20.5, 40.0])

    def integral(order, scaled):
        scale = np.exp(-np.abs(x))[:, None] if scaled else 1.0
        f = np.exp(x[:, None] * np.cos(t)[None, :]) * np.cos(order * t)[None, :] * scale
        trapezoid = getattr(np, "trapezoid", None) or np.trapz  # (NumPy 1 names it trapz)
        return trapezoid(f, t, axis=1) / np.pi

    xt = ag.tensor(x, dtype=ag.float64, device=device, requires_grad=True)
    for fn, order, scaled in ((ag.special.i0, 0, False), (ag.special.i0e, 0, True),
                              (ag.special.i1, 1, False), (ag.special.i1e, 1, True)):
        np.testing.assert_allclose(host(fn(xt)), integral(order, scaled), rtol=1e-12,
                                   atol=1e-14)
        # (i0e = exp(-|x|) i0(x) has a kink at 0: its second derivative is checked off it)
        assert gradcheck(fn, (xt,)) and gradgradcheck(fn, (xt[x != 0].detach().requires_grad_(),))
    assert ag.i0(ag.tensor([1, 2], device=device)).dtype == ag.float32  # ints promote
    y = ag.tensor([0.7, 3.0], dtype=ag.float64, device=device)
    y.i0_()  # in place: the same values as out of place
    np.testing.assert_allclose(host(y), integral(0, False)[[4, 5]], rtol=1e-12)


def test_erfcx_spherical_j0_and_multigammaln(device):
    from math import erfc, exp, lgamma, pi, sin, sqrt

    x = np.array([-3.0, -0.5, 0.0, 0.5, 3.0, 9.9, 10.1, 26.0, 1e5])
    xt = ag.tensor(x, dtype=ag.float64, device=device, requires_grad=True)
    y = ag.special.erfcx(xt)
    # exp(x^2) erfc(x) directly where that is finite; 1/(x sqrt(pi)) to leading order beyond
    direct = [exp(v * v) * erfc(v) for v in x[:7]]
    np.testing.assert_allclose(host(y)[:7], direct, rtol=1e-13)
    np.testing.assert_allclose(host(y)[8], 1 / (1e5 * sqrt(pi)) * (1 - 0.5e-10), rtol=1e-14)
    assert gradcheck(ag.special.erfcx, (xt,)) and gradgradcheck(ag.special.erfcx, (xt,))
    j0 = ag.special.spherical_bessel_j0(ag.tensor(x, dtype=ag.float64, device=device))
    np.testing.assert_allclose(host(j0), [1.0 if v == 0 else sin(v) / v for v in x], rtol=1e-14)
    mv = ag.special.multigammaln(ag.tensor([2.5, 3.0], dtype=ag.float64, device=device), 2)
    np.testing.assert_allclose(host(mv), [0.5 * np.log(pi) + lgamma(a) + lgamma(a - 0.5)
                                          for a in (2.5, 3.0)], rtol=1e-13)


def _polynomial_reference(name: str, x: float, n: int) -> float:
    """Closed forms: Chebyshev via cos/sin of acos for |x| <= 1, the others by NumPy's
    polynomial classes (Hermite physicists' and probabilists', Laguerre, Legendre)."""
    from numpy.polynomial import hermite, hermite_e, laguerre, legendre

    if n < 0:
        return 0.0
    if name.startswith("shifted_"):
        name, x = name[len("shifted_"):], 2 * x - 1
    t = np.arccos(x)
    if name.startswith("chebyshev"):
        kind = name[-1]
        if kind == "t":
            return np.cos(n * t)
        if kind == "u":
            return np.sin((n + 1) * t) / np.sin(t)
        if kind == "v":
            return np.cos((n + 0.5) * t) / np.cos(t / 2)
        return np.sin((n + 0.5) * t) / np.sin(t / 2)
    value = {"hermite_polynomial_h": hermite.hermval, "hermite_polynomial_he": hermite_e.hermeval,
             "laguerre_polynomial_l": laguerre.lagval, "legendre_polynomial_p": legendre.legval}
    return value[name](x, [0] * n + [1])  # (the n-th basis polynomial of that family)


@pytest.mark.parametrize("name", ag.special._POLYNOMIALS)
def test_orthogonal_polynomials_match_their_closed_forms(device, name):
    xs = [-0.9, -0.35, 0.1, 0.45, 0.8] if not name.startswith("shifted") else \
        [0.05, 0.3, 0.55, 0.7, 0.95]
    x = ag.tensor(xs, dtype=ag.float64, device=device, requires_grad=True)
    for n in (-1, 0, 1, 2, 5, 11):
        got = getattr(ag.special, name)(x, n)
        want = [_polynomial_reference(name, v, n) for v in xs]
        np.testing.assert_allclose(host(got), want, rtol=1e-9, atol=1e-9)
        assert not got.requires_grad and got.dtype == ag.float64  # (not differentiable)
    ends = getattr(ag.special, name)(ag.tensor([1.0, -1.0, 0.0], device=device),
                                     ag.tensor([3, 3, 4], device=device))
    assert ends.dtype == ag.float32 and np.isfinite(host(ends)).all()


def test_empty_tensors_reduce_and_normalise_as_pytorch():
    x = ag.zeros(0, 3, requires_grad=True)
    y = x.softmax(1)
    assert y.shape == (0, 3) and x.log_softmax(0).shape == (0, 3)
    assert x.logcumsumexp(0).shape == (0, 3) and x.amax(1).shape == (0,)
    y.sum().backward()
    assert x.grad.shape == (0, 3)
    with pytest.raises(RuntimeError, match="amax\\(\\): Expected reduction dim to be specified"):
        x.amax()
    with pytest.raises(IndexError, match="amin\\(\\): Expected reduction dim 0 to have non-zero"):
        x.amin((0, 1))
    with pytest.raises(IndexError, match="kthvalue\\(\\): Expected reduction dim 0 to have"):
        x.kthvalue(1, 0)


@pytest.mark.parametrize("call,kernel", [
    (lambda x: x.frac(), "frac_cpu"), (lambda x: x.hypot(x), "hypot_cpu"),
    (lambda x: x.logaddexp(x), "logaddexp_cpu"), (lambda x: x.logcumsumexp(0),
                                                  "logcumsumexp_out_cpu"),
    (lambda x: x.histc(3), "histogram_cpu")])
def test_float_only_ops_refuse_integers_as_pytorch(call, kernel):
    with pytest.raises(NotImplementedError, match=f"\"{kernel}\" not implemented for 'Long'"):
        call(ag.tensor([3, -1, 2]))
    assert call(ag.tensor([3.0, -1.0, 2.0])).dtype == ag.float32
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral"):
        ag.tensor([3, -1, 2]).bincount()


def test_bool_tensors_have_no_matmul_gcd_or_bincount_kernels():
    b = ag.tensor([[True, False], [False, True]])
    for call, kernel in ((lambda: b @ b, "addmm_impl_cpu_"), (lambda: b @ b[0], "addmv_impl_cpu"),
                         (lambda: b[0] @ b[0], "dot"), (lambda: b[0].gcd(b[0]), "gcd_cpu"),
                         (lambda: b[0].bincount(), "bincount_cpu")):
        with pytest.raises(NotImplementedError, match=f"\"{kernel}\" not implemented for 'Bool'"):
            call()


def test_stl_selection_algorithms_keep_their_contracts():
    """ops/_stl_select.py's C++-library algorithms, by their contracts on tie-heavy lines:
    nth_element puts the nth element in place with nothing after it ranked before it and
    nothing before it ranked after it; partial_sort and sort order their range."""
    from autograd_gpu.ops import _stl_select as stl

    rng = np.random.default_rng(5)
    less = lambda x, y: x[0] < y[0]  # noqa: E731
    for _ in range(300):
        n = int(rng.integers(1, 90))
        line = [(int(v), j) for j, v in enumerate(rng.integers(0, 4, n))]
        nth = int(rng.integers(0, n))
        a = list(line)
        stl.nth_element(a, 0, nth, n, less)
        assert sorted(a) == sorted(line)
        assert all(v[0] <= a[nth][0] for v in a[:nth]) and all(
            v[0] >= a[nth][0] for v in a[nth + 1:])
        b = list(line)
        stl.partial_sort(b, 0, nth + 1, n, less)
        assert [v[0] for v in b[:nth + 1]] == sorted(v[0] for v in line)[:nth + 1]
        c = list(line)
        stl.sort(c, 0, n, less)
        assert [v[0] for v in c] == sorted(v[0] for v in line)


@pytest.mark.parametrize("sorted_", [True, False])
def test_topk_with_ties_picks_values_pytorch_would(sorted_):
    """Values are always the k largest (smallest); among ties and with sorted=False the
    indices come in the C++ library's order, checked against PyTorch when it is installed."""
    rng = np.random.default_rng(6)
    x = rng.integers(0, 3, (6, 40)).astype(np.float32)
    for k in (1, 5, 39):
        for largest in (True, False):
            got = ag.topk(ag.tensor(x), k, 1, largest, sorted_)
            want = np.sort(x, 1)[:, ::-1][:, :k] if largest else np.sort(x, 1)[:, :k]
            vals = host(got.values)
            np.testing.assert_array_equal(np.sort(vals, 1), np.sort(want, 1))
            np.testing.assert_array_equal(np.take_along_axis(x, host(got.indices), 1), vals)
            if sorted_:
                np.testing.assert_array_equal(vals, want)
    torch = pytest.importorskip("torch")
    for k in (1, 5, 39):
        for largest in (True, False):
            ours = ag.topk(ag.tensor(x), k, 1, largest, sorted_)
            theirs = torch.topk(torch.tensor(x), k, 1, largest, sorted_)
            np.testing.assert_array_equal(host(ours.indices), theirs.indices.numpy())


def test_kthvalue_mode_and_cummax_ties_pick_indices_pytorch_would():
    """Tied lines: kthvalue's index holds the k-th smallest value, mode's the smallest most
    frequent value, cummax's the latest maximum (a NaN: the latest NaN); the indices among
    ties are PyTorch's CPU kernels' (checked against PyTorch when it is installed)."""
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, (8, 13)).astype(np.float64)
    x[0, [2, 5]] = np.nan
    t = ag.tensor(x)
    for k in (1, 4, 13):
        got = ag.kthvalue(t, k, 1)
        want = np.sort(x, 1)[:, k - 1]
        np.testing.assert_array_equal(host(got.values), want)
        np.testing.assert_array_equal(np.take_along_axis(x, host(got.indices)[:, None], 1)[:, 0],
                                      want)
    m = ag.mode(t[1:], 1)
    for row, v, i in zip(x[1:], host(m.values), host(m.indices)):
        values, counts = np.unique(row, return_counts=True)
        assert v == values[np.argmax(counts)] and row[i] == v
    c = ag.cummax(ag.tensor([1.0, float("nan"), 2.0, float("nan"), 0.0]), 0)
    assert host(c.indices).tolist() == [0, 1, 1, 3, 3]
    torch = pytest.importorskip("torch")
    for k in (1, 4, 13):
        np.testing.assert_array_equal(host(ag.kthvalue(t, k, 1).indices),
                                      torch.kthvalue(torch.tensor(x), k, 1).indices.numpy())
    np.testing.assert_array_equal(host(ag.mode(t, 1).indices),
                                  torch.mode(torch.tensor(x), 1).indices.numpy())
