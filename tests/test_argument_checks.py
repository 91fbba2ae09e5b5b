"""Bad arguments and edge shapes get PyTorch's errors, in PyTorch's order (argument kinds,
then shapes, then dtypes), and mixed dtypes give PyTorch's values and gradient dtypes. Checked
against NumPy and finite differences; no PyTorch needed."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_gpu as torch
from autograd_gpu.autograd import gradcheck

F = torch.nn.functional


# -- arguments that are not tensors -------------------------------------------------------------
@pytest.mark.parametrize("call, words", [
    (lambda t: torch.sin(2), "sin(): argument 'input' (position 1) must be Tensor, not int"),
    (lambda t: torch.relu(1.5), "relu(): argument 'input' (position 1) must be Tensor, not float"),
    (lambda t: torch.sum([1, 2]), "sum(): argument 'input' (position 1) must be Tensor, not list"),
    (lambda t: torch.lgamma(None), "lgamma(): argument 'input' (position 1) must be Tensor, not "
                                   "NoneType"),
    (lambda t: torch.atan2(t, 2), "atan2(): argument 'other' (position 2) must be Tensor, not int"),
    (lambda t: t.atan2(2), "atan2(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda t: torch.maximum(t, 2.0), "maximum(): argument 'other' (position 2) must be Tensor"),
    (lambda t: t.hypot(True), "hypot(): argument 'other' (position 1) must be Tensor, not bool"),
    (lambda t: torch.mm(t, 2), "mm(): argument 'mat2' (position 2) must be Tensor, not int"),
    (lambda t: torch.matmul(t, 2.5), "matmul(): argument 'other' (position 2) must be Tensor"),
    (lambda t: torch.cat([t, 2]), "expected Tensor as element 1 in argument 0, but got int"),
    (lambda t: torch.stack([None, t]), "expected Tensor as element 0 in argument 0, but got "
                                       "NoneType"),
    (lambda t: F.cross_entropy(t, True), "cross_entropy_loss(): argument 'target' (position 2) "
                                         "must be Tensor, not bool"),
    (lambda t: torch.where(1, t, t), "where() received an invalid combination of arguments - got "
                                     "(int, Tensor, Tensor)"),
    (lambda t: torch.lerp(t, 2.0, 0.5), "lerp() received an invalid combination of arguments - "
                                        "got (Tensor, float, float)"),
])
def test_a_number_where_a_tensor_must_be_is_a_type_error(call, words):
    t = torch.ones(2, 2)
    with pytest.raises(TypeError) as info:
        call(t)
    assert str(info.value).startswith(words)


def test_matrix_product_with_a_number_is_pythons_type_error():
    t = torch.ones(2, 2)
    for make in (lambda: t @ 2, lambda: 2 @ t):
        with pytest.raises(TypeError, match="unsupported operand type"):
            make()


# -- shapes before dtypes ---------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda a, b: torch.atan2(a, b), lambda a, b: torch.remainder(a, b),
    lambda a, b: torch.logical_and(a, b), lambda a, b: torch.copysign(a, b),
    lambda a, b: torch.xlogy(a, b), lambda a, b: torch.nextafter(a, b),
    lambda a, b: torch.fmax(a, b), lambda a, b: torch.hypot(a, b),
    lambda a, b: a.div(b, rounding_mode="floor"), lambda a, b: torch.ldexp(a, b),
])
def test_shapes_that_do_not_broadcast_are_named_as_pytorch_names_them(call):
    a, b = torch.ones(2, 3), torch.ones(3, 2)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of "
                                           r"tensor b \(2\) at non-singleton dimension 1"):
        call(a, b)


def test_a_kernel_missing_for_a_dtype_is_reported_after_the_shapes():
    ints, floats = torch.ones(2, 3, dtype=torch.int64), torch.ones(3, 2)
    with pytest.raises(RuntimeError, match="The size of tensor a"):
        torch.bitwise_and(floats, ints)  # (a float bitwise op, but the shapes come first)
    with pytest.raises(NotImplementedError, match="bitwise_and_cpu"):
        torch.bitwise_and(floats, torch.ones(3, 2, dtype=torch.int64))


@pytest.mark.parametrize("a_shape, b_shape, words", [
    ((2, 3), (2, 2), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x2)"),
    ((4, 2, 3), (4, 2, 2), "Expected size for first two dimensions of batch2 tensor"),
    ((3,), (3,), "dot : expected both vectors to have same dtype, but found Float and Long"),
    ((2, 3), (3, 2), "expected m1 and m2 to have the same dtype, but got: float != long int"),
    ((4, 2, 3), (4, 3, 2), "expected scalar type Float but found Long"),
])
def test_matmul_names_shapes_before_dtypes(a_shape, b_shape, words):
    with pytest.raises(RuntimeError) as info:
        torch.ones(a_shape) @ torch.ones(b_shape, dtype=torch.int64)
    assert str(info.value).startswith(words)


def test_in_place_ops_check_the_leaf_rule_then_the_shape_then_the_dtype():
    leaf = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.add_(torch.ones(2, 3))
    ints = torch.ones(3, dtype=torch.int64)
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the "
                                           r"broadcast shape \[2, 3\]"):
        ints.add_(torch.ones(2, 3))  # (float into int too, but the shape is named first)
    with pytest.raises(RuntimeError, match="result type Float can't be cast"):
        ints.add_(torch.ones(3))
    view_leaf = torch.ones(3).view(1, 3).requires_grad_()
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        view_leaf.mul_(2)


# -- integers: wrapping, overflow, alpha --------------------------------------------------------
def test_python_integers_wrap_into_small_integer_dtypes_in_arithmetic():
    u = torch.tensor([1, 2, 250], dtype=torch.uint8)
    base = np.array([1, 2, 250], dtype=np.int64)
    for got, want in ((u + 300, (base + 300) % 256), (u | -3, (base | -3) % 256),
                      (u * 1000, (base * 1000) % 256), (u - 1000, (base - 1000) % 256)):
        assert got.dtype == torch.uint8
        assert got.tolist() == want.tolist()
    i8 = torch.tensor([1, 2], dtype=torch.int8)
    assert (i8 + 200).tolist() == [int(v) for v in (np.array([1, 2]) + 200).astype(np.int8)]
    with pytest.raises(OverflowError):
        u + 2 ** 70


def test_stored_integers_out_of_range_are_refused_as_pytorch_refuses_them():
    u = torch.tensor([1, 2], dtype=torch.uint8)
    assert u.clone().fill_(-3).tolist() == [253, 253]  # (negatives wrap into unsigned types)
    assert torch.full((2,), -1, dtype=torch.uint8).tolist() == [255, 255]
    assert u.clamp(min=-3).tolist() == [253, 253]
    for call in (lambda: u.clone().fill_(300), lambda: u.masked_fill(u > 0, 300),
                 lambda: torch.full((2,), 200, dtype=torch.int8), lambda: u.clamp(max=300),
                 lambda: torch.where(u > 1, u, -300)):
        with pytest.raises(RuntimeError, match="value cannot be converted to type u?int8_t "
                                               "without overflow"):
            call()
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8 without "
                                           "overflow"):
        torch.tensor([300], dtype=torch.uint8)
    assert torch.tensor([-1, 5], dtype=torch.uint8).tolist() == [255, 5]


def test_alpha_follows_pytorchs_rules():
    u = torch.tensor([1, 2], dtype=torch.int64)
    f = torch.tensor([1.5, -2.0])
    assert torch.add(2, u, alpha=3).tolist() == [5, 8]  # a number plus alpha times a tensor
    assert torch.sub(2, u, alpha=3).tolist() == [-1, -4]
    assert torch.add(0.5, u, alpha=0.5).tolist() == [1.0, 1.5]
    assert torch.rsub(u, 2, alpha=2).tolist() == [0, -2]
    assert torch.add(u > 0, u > 0, alpha=2).dtype == torch.bool
    with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not "
                                           "be a floating point number."):
        torch.add(u, u, alpha=0.5)
    with pytest.raises(RuntimeError, match="For integral input tensors"):
        u.clone().sub_(1, alpha=1.0)
    with pytest.raises(RuntimeError, match="Boolean alpha only supported for Boolean results."):
        torch.add(f, f, alpha=True)
    with pytest.raises(RuntimeError, match="The size of tensor a"):
        torch.add(u, torch.ones(3, dtype=torch.int64), alpha=0.5)  # (shapes come first)


# -- dtypes of mixed-dtype results and gradients -------------------------------------------------
def test_a_gradient_has_its_tensors_dtype_whatever_it_was_multiplied_by():
    a = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
    ints = torch.tensor([1, 2, 3], dtype=torch.int32)
    (a * ints).sum().backward()
    assert a.grad.dtype == torch.float32
    assert a.grad.tolist() == [1.0, 2.0, 3.0]
    a.grad = None
    b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (a / b).sum().backward()
    assert (a.grad.dtype, b.grad.dtype) == (torch.float32, torch.float64)
    np.testing.assert_allclose(b.grad.item(), -np.sum([0.5, -1.5, 2.0]) / 4, rtol=1e-6)


def test_atan2_of_broadcast_mixed_dtype_operands_has_finite_difference_gradients():
    y = torch.tensor([[0.3, -1.2, 2.0]], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([[1.5], [-0.7]], dtype=torch.float64, requires_grad=True)
    assert gradcheck(torch.atan2, (y, x))
    y32 = torch.tensor([0.3, -1.2], requires_grad=True)
    torch.atan2(y32, torch.tensor(2.0, dtype=torch.float64)).sum().backward()
    assert y32.grad.dtype == torch.float32


@pytest.mark.parametrize("op", [torch.copysign, torch.xlogy, torch.logaddexp, torch.ldexp,
                                torch.nextafter])
def test_half_with_small_integers_stays_half_as_pytorch_promotes(op):
    h = torch.tensor([1.5, -0.5], dtype=torch.float16)
    i = torch.tensor([2, 3], dtype=torch.int16)
    assert op(h, i).dtype == torch.float16
    assert torch.copysign(torch.tensor([1, 2], dtype=torch.int8),
                          torch.tensor(-1, dtype=torch.int32)).dtype == torch.float32


def test_clamp_with_tensor_bounds_promotes_over_all_three():
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    lo = torch.tensor([0.25, 1.0, 3.0], dtype=torch.float16)
    out = torch.clamp(x, min=lo)
    assert out.dtype == torch.float16  # (a dimensioned float16 bound beats a 0-d float64)
    out.sum().backward()
    assert x.grad.dtype == torch.float64 and x.grad.item() == 2.0
    with pytest.raises(TypeError, match="clamp\\(\\) received an invalid combination"):
        torch.clamp(x, min=lo, max=2)


def test_cat_promotes_over_the_empty_tensors_it_skips():
    out = torch.cat([torch.tensor([1, 2], dtype=torch.int32), torch.zeros(0, dtype=torch.float16)])
    assert out.dtype == torch.float16 and out.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match=r"zero-dimensional tensor \(at position 0\) cannot be "
                                           r"concatenated"):
        torch.cat([torch.tensor(1.0), torch.tensor(2.0)])


# -- derivatives PyTorch does not define, and edge cases ----------------------------------------
def test_floor_divide_has_no_derivative_but_floor_division_has_zero_gradients():
    a = torch.tensor([[1.5, -2.5, 3.0]], requires_grad=True)
    b = torch.tensor([0.5, 2.0, -1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        (a // b).sum().backward()
    a.div(b, rounding_mode="floor").sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    assert not a.grad.any() and not b.grad.any()


def test_edge_gradients_match_the_formulas():
    one = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    one.var().backward()  # (no degrees of freedom: NaN, not an exception)
    assert np.isnan(one.grad.item())
    s = torch.tensor(0.5, requires_grad=True)
    s.cumsum(0).backward()
    assert s.grad.item() == 1.0
    s.grad = None
    s.cumprod(-1).backward()
    assert s.grad.item() == 1.0
    x = torch.tensor([[1.0, 3.0, 3.0]], requires_grad=True)
    (x.amax(-1) * float("nan")).sum().backward()
    assert np.isnan(x.grad.numpy()).all()  # (a NaN reaches every element, as PyTorch's product)
    v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda t: t.T * t, (v,))  # (1-d .T keeps the graph)
    with pytest.warns(UserWarning, match="deprecated on 0-D tensors"):
        assert gradcheck(lambda t: t.sum().T * t.sum().mT, (v,))


# -- 0-d tensors and dims -----------------------------------------------------------------------
@pytest.mark.parametrize("call, error, words", [
    (lambda z: z.sum(2), IndexError, "Dimension out of range (expected to be in range of [-1, 0],"
                                     " but got 2)"),
    (lambda z: z.squeeze(1), IndexError, "Dimension out of range"),
    (lambda z: z.transpose(1, 0), IndexError, "Dimension out of range"),
    (lambda z: z.select(0, 0), IndexError, "select() cannot be applied to a 0-dim tensor."),
    (lambda z: z.narrow(0, 0, 1), RuntimeError, "narrow() cannot be applied to a 0-dim tensor."),
    (lambda z: z.split(1), RuntimeError, "split expects at least a 1-dimensional tensor"),
    (lambda z: z.chunk(2), RuntimeError, "chunk expects at least a 1-dimensional tensor"),
    (lambda z: z.unbind(0), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda z: z.roll(1, 0), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda z: z[0], IndexError, "invalid index of a 0-dim tensor."),
    (lambda z: z[1:], IndexError, "slice() cannot be applied to a 0-dim tensor."),
    (lambda z: z[[0, 0]], IndexError, "too many indices for tensor of dimension 0"),
    (lambda z: z.cummax(1), IndexError, "cummax(): Expected reduction dim -1 or 0 for scalar"),
    (lambda z: z.renorm(2, 0, 1.0), RuntimeError, "renorm: input needs at least 2 dimensions"),
    (lambda z: z.sum((0, -1)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda z: z.permute(), TypeError, 'permute() missing 1 required positional arguments'),
])
def test_a_0d_tensor_takes_dims_0_and_minus_1_only(call, error, words):
    with pytest.raises(error) as info:
        call(torch.tensor(2.0))
    assert str(info.value).startswith(words)


def test_a_0d_tensor_reduced_over_its_own_dims_is_itself():
    z = torch.tensor(2.5)
    with pytest.warns(UserWarning, match="Tensor.mT is deprecated on 0-D tensors"):
        assert z.mT is z
    for out in (z.sum(0), z.amax(-1), z.norm(dim=0), z.movedim(-1, 0), z.flatten(0),
                z.index_select(0, torch.tensor([0]))):
        assert out.shape == () or out.shape == (1,)
        assert out.reshape(-1).tolist() == [2.5]


# -- losses -------------------------------------------------------------------------------------
@pytest.mark.parametrize("inp, target, error, words", [
    ((2, 3), torch.ones(3, dtype=torch.int64), ValueError,
     "Expected input batch_size (2) to match target batch_size (3)."),
    ((2, 3), torch.ones(2, dtype=torch.int32), RuntimeError,
     "expected target dtype to be Long or Byte, but got Int"),
    ((3,), torch.ones(2, dtype=torch.int64), ValueError,
     "For 1D input, 1D target must have size 1, but got target size: 2"),
    ((3, 1, 2), torch.ones(3, dtype=torch.int64), RuntimeError,
     "Expected target size [3, 2], got [3]"),
    ((2, 3), torch.ones(2, 2, dtype=torch.int64), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    ((2, 3), torch.ones(2, 3, dtype=torch.int64), RuntimeError,
     "Expected floating point type for target with class probabilities, got Long"),
    ((), torch.ones(2, dtype=torch.int64), IndexError, "Dimension out of range"),
])
def test_cross_entropy_checks_in_pytorchs_order(inp, target, error, words):
    with pytest.raises(error) as info:
        F.cross_entropy(torch.ones(inp), target)
    assert str(info.value).startswith(words)


def test_cross_entropy_of_nothing_is_nan_and_probability_targets_match_the_formula():
    assert np.isnan(F.cross_entropy(torch.zeros(0), torch.zeros(0)).item())
    x = torch.tensor([[1.0, -0.5, 2.0], [0.1, 0.2, -1.0]], dtype=torch.float64)
    p = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype=torch.float64)
    xn = x.numpy()
    logp = xn - np.log(np.exp(xn).sum(1, keepdims=True))
    np.testing.assert_allclose(F.cross_entropy(x, p).item(), -(logp * p.numpy()).sum() / 2)


def test_hinge_embedding_and_kl_div_follow_pytorchs_formulas_for_any_target():
    x = torch.tensor([0.3, -1.2, 2.0, 0.7], dtype=torch.float64)
    t = torch.tensor([1.0, -1.0, 0.0, 2.0], dtype=torch.float64)
    xn, tn = x.numpy(), t.numpy()
    want = np.where(tn != -1, xn, 0) + np.where(tn != 1, np.maximum(1 - xn, 0), 0)
    np.testing.assert_allclose(F.hinge_embedding_loss(x, t, reduction="none").numpy(), want)
    with np.errstate(invalid="ignore"):  # (the log of a negative target: NaN, as PyTorch's)
        assert np.isnan(F.kl_div(x, -t.abs() - 0.5, reduction="sum").item())


def test_elementwise_losses_broadcast_before_they_promote():
    a = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    target = torch.tensor(-1.0, dtype=torch.float64)
    for loss in (F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.huber_loss):
        with pytest.warns(UserWarning, match="target size"):
            out = loss(a, target) if loss is not F.huber_loss else loss(a, target)
        assert out.dtype == torch.float64  # (the 0-d target, broadcast, takes part)
    mask = torch.tensor([True, False])
    assert F.mse_loss(torch.tensor([0.5, 0.5]), mask, reduction="sum").item() == 0.5
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with a bool tensor"):
        F.l1_loss(torch.tensor([0.5, 0.5]), mask)


def test_linear_with_a_vector_weight_is_a_dot_product():
    x = torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.5, -2.0], dtype=torch.float64, requires_grad=True)
    np.testing.assert_allclose(F.linear(x, w).detach().numpy(), x.detach().numpy() @ [0.5, -2.0])
    assert gradcheck(F.linear, (x, w))
    with pytest.raises(RuntimeError, match="both arguments to linear need to be at least 1D"):
        F.linear(x, torch.tensor(1.0, dtype=torch.float64))


def test_a_convolution_whose_groups_do_not_divide_its_weight_is_refused_not_computed():
    for conv, x, w in ((F.conv1d, torch.ones(1, 4, 6), torch.ones(3, 2, 3)),
                       (F.conv2d, torch.ones(1, 4, 5, 5), torch.ones(3, 2, 3, 3)),
                       (F.conv3d, torch.ones(1, 4, 5, 5, 5), torch.ones(3, 2, 3, 3, 3))):
        with pytest.raises(RuntimeError, match="Given groups=2, expected weight to be divisible "
                                               "by 2 at dimension 0"):
            conv(x, w, groups=2)
    with pytest.raises(ValueError, match="^out_channels must be divisible by groups"):
        torch.nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="^in_channels must be divisible by groups"):
        torch.nn.Conv2d(3, 4, 3, groups=2)


def test_convolution_checks_come_in_pytorchs_order_and_words():
    x = torch.ones(1, 4, 5, 5)
    with pytest.raises(RuntimeError, match=r"^Given groups=2, expected weight to be at least 2 at "
                                           r"dimension 0, but got weight of size \[1, 2, 3, 3\]"):
        F.conv2d(x, torch.ones(1, 2, 3, 3), groups=2)
    with pytest.raises(RuntimeError, match=r"^Given weight of size \[2, 4, 3, 3\], expected bias "
                                           r"to be 1-dimensional with 2 elements, but got bias "
                                           r"of size \[3\]"):
        F.conv2d(x, torch.ones(2, 4, 3, 3), torch.ones(3))
    with pytest.raises(RuntimeError, match=r"^Given transposed=1, weight of size \[4, 1, 3, 3\], "
                                           r"expected bias to be 1-dimensional with 2 elements"):
        F.conv_transpose2d(x, torch.ones(4, 1, 3, 3), torch.ones(1), groups=2)
    with pytest.raises(RuntimeError, match=r"^Given input size per channel: \(1 x 1\). "
                                           r"Calculated output size per channel: \(-1 x -1\)"):
        F.conv_transpose2d(torch.ones(1, 1, 1, 1), torch.ones(1, 1, 1, 1), padding=1)
    for conv, inp, w, sizes in (
            (F.conv1d, torch.ones(1, 1, 2), torch.ones(1, 1, 3), r"\(2\). Kernel size: \(3\)"),
            (F.conv3d, torch.ones(1, 1, 4, 1, 4), torch.ones(1, 1, 2, 2, 2),
             r"\(4 x 1 x 4\). Kernel size: \(2 x 2 x 2\)")):
        with pytest.raises(RuntimeError, match="^Calculated padded input size per channel: " +
                                               sizes):
            conv(inp, w)


def test_pooling_and_resizing_errors_name_what_pytorch_names():
    x = torch.ones(1, 5, 5)
    with pytest.raises(RuntimeError, match="pad=1, kernel_size=1 and dilation=2"):
        F.max_pool2d(x, 1, padding=1, dilation=2)
    with pytest.raises(RuntimeError, match="padW = 2, padH = 2, kW = 3, kH = 3"):
        F.max_pool2d(x, 3, padding=2, dilation=2)  # (within the dilated kernel, not the kernel)
    with pytest.raises(RuntimeError, match=r"^Given input size: \(1x1x5\). Calculated output "
                                           r"size: \(1x0x2\)"):
        F.avg_pool2d(torch.ones(1, 1, 5), 2)
    with pytest.raises(RuntimeError, match="^non-empty 3D or 4D"):
        F.max_pool2d(torch.ones(4), 2)
    with pytest.raises(RuntimeError, match=r"output \(H: 0, W: 3\)"):
        F.interpolate(torch.ones(1, 2, 1, 6), scale_factor=0.5)
    with pytest.raises(ValueError, match="same number of spatial dimensions"):
        F.interpolate(torch.ones(1, 2, 3), size=(4, 3))
    with pytest.raises(NotImplementedError, match=r"\(got 3D\) for the modes: .* \(got bicubic\)"):
        F.interpolate(torch.ones(1, 2, 3), scale_factor=2, mode="bicubic")


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_xlogy_and_logit_gradients_at_their_edges():
    x = torch.tensor([0.0, 0.0, 0.0, 2.0, 0.5], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0.0, 8.0, -1.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
    torch.xlogy(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, np.log(8.0), 0.0, -np.inf, np.log(3.0)])
    with np.errstate(invalid="ignore", divide="ignore"):
        want_y = x.detach().numpy() / y.detach().numpy()
    np.testing.assert_allclose(y.grad.numpy(), want_y)  # (NaN at 0 / 0, inf at 2 / 0)
    inner_x = torch.tensor([0.3, 1.5], dtype=torch.float64, requires_grad=True)
    inner_y = torch.tensor([2.0, 0.7], dtype=torch.float64, requires_grad=True)
    assert gradcheck(torch.xlogy, (inner_x, inner_y))
    p = torch.tensor([-0.5, 0.25, 1.5], dtype=torch.float64, requires_grad=True)
    torch.logit(p).sum().backward()
    assert np.isnan(p.grad[0].item()) and np.isnan(p.grad[2].item())
    np.testing.assert_allclose(p.grad[1].item(), 1 / (0.25 * 0.75))
    q = torch.tensor([0.05, 0.5], dtype=torch.float64, requires_grad=True)
    torch.logit(q, eps=0.1).sum().backward()
    np.testing.assert_allclose(q.grad.numpy(), [0.0, 4.0])


def test_unique_has_no_derivative_and_says_so_at_backward():
    x = torch.tensor([1.0, 2.0, 1.0], requires_grad=True)
    u = torch.unique(x)
    assert u.requires_grad and u.grad_fn.name() == "Unique2Backward0"
    with pytest.raises(NotImplementedError, match="the derivative for '_unique2' is not "
                                                  "implemented."):
        u.sum().backward()


def test_median_of_an_empty_dim_is_an_index_error():
    for call in (lambda: torch.zeros(2, 0).median(1), lambda: torch.zeros(0).nanmedian(0)):
        with pytest.raises(IndexError, match="median\\(\\): Expected reduction dim"):
            call()


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch.randn(2, dtype=torch.int64), NotImplementedError,
     "\"normal_kernel_cpu\" not implemented for 'Long'"),
    (lambda: torch.rand(2, dtype=torch.bool), NotImplementedError,
     "\"check_uniform_bounds\" not implemented for 'Bool'"),
    (lambda: torch.arange(3, dtype=torch.bool), NotImplementedError,
     "\"arange_cpu\" not implemented for 'Bool'"),
    (lambda: torch.arange(float("inf")), RuntimeError, "unsupported range: 0 -> inf"),
    (lambda: torch.arange(1, 2.5, 0.5, dtype=torch.int64), ValueError, "step must be nonzero"),
    (lambda: torch.eye(-1), RuntimeError, "n must be greater or equal to 0, got -1"),
    (lambda: torch.randperm(-1), RuntimeError, "Trying to create tensor with negative dimension"),
    (lambda: torch.tensor(None), RuntimeError, "Could not infer dtype of NoneType"),
    (lambda: torch.tensor([1, None]), RuntimeError, "Could not infer dtype of NoneType"),
    (lambda: torch.tensor("abc"), TypeError, "new(): invalid data type 'str'"),
])
def test_creation_functions_refuse_what_pytorch_refuses(call, error, words):
    _raises_in_pytorchs_words(call, error, words)


def test_a_short_list_holding_sequences_indexes_as_a_tuple_as_in_pytorch():
    data = np.arange(6.0).reshape(2, 3)
    x = torch.tensor(data)
    np.testing.assert_array_equal(x[[[0], [1]]].numpy(), data[[0], [1]])  # x[[0], [1]]
    np.testing.assert_array_equal(x[[0, slice(None)]].numpy(), data[0, :])
    np.testing.assert_array_equal(x[[0, 1]].numpy(), data[[0, 1]])  # (plain ints: one index)
    z = x.clone()
    z[[[0], [1]]] = 7.5
    assert z.numpy()[0, 1] == 7.5 and (z.numpy() == 7.5).sum() == 1


def test_python_bools_index_as_a_new_dim_and_index_errors_read_as_pytorchs():
    x = torch.arange(18.0).reshape(3, 2, 3)
    assert x[False, 2].shape == (0, 2, 3) and x[True, 2].shape == (1, 2, 3)
    with pytest.raises(IndexError, match="^too many indices for tensor of dimension 2"):
        torch.ones(2, 3)[0, 0, torch.tensor([0.0])]  # (counted before the float index)
    with pytest.raises(IndexError, match=r"shape mismatch: indexing tensors could not be "
                                         r"broadcast together with shapes \[2\], \[3\]$"):
        torch.ones(2, 3)[[0, 1], [0, 1, 2]]


def test_copying_a_graph_into_an_integer_tensor_records_nothing():
    ints = torch.tensor([3, 1, 9], dtype=torch.uint8)
    source = torch.tensor([1.5, 0.0, -1.0], requires_grad=True)
    ints.copy_(source)
    assert not ints.requires_grad and ints.grad_fn is None
    assert ints.tolist() == [1, 0, 255]  # (float to uint8 as C casts: -1 wraps)
    floats = torch.zeros(3)
    floats.copy_(source * 3)
    floats.sum().backward()
    assert source.grad.tolist() == [3.0, 3.0, 3.0]


def test_an_empty_tensor_cat_skips_still_gets_its_empty_gradient():
    empty = torch.tensor([], dtype=torch.float64, requires_grad=True)
    rows = torch.tensor([[1.0, 2.0]], dtype=torch.float64, requires_grad=True)
    out = torch.cat([rows, empty, rows], 1)
    assert out.requires_grad and out.shape == (1, 4)
    (out * out).sum().backward()
    assert empty.grad.shape == (0,)
    assert rows.grad.tolist() == [[4.0, 8.0]]
    assert gradcheck(lambda r: torch.cat([r, empty.detach(), r * 3], 1), (rows,))


_X2, _W2 = torch.ones(1, 2, 5, 5), torch.ones(3, 2, 3, 3)
_CONV = torch.nn.functional


@pytest.mark.parametrize("call, words", [
    (lambda: _CONV.conv2d(_X2, _W2, padding=-1), "negative padding is not supported"),
    (lambda: _CONV.conv2d(_X2, _W2, stride=0), "non-positive stride is not supported"),
    (lambda: _CONV.conv2d(_X2, _W2, stride=0, padding=-1), "negative padding is not supported"),
    (lambda: _CONV.conv2d(_X2, _W2, groups=0), "non-positive groups is not supported"),
    (lambda: _CONV.conv2d(_X2, _W2, dilation=-1), "dilation should be greater than zero"),
    (lambda: _CONV.conv2d(_X2, _W2, dilation=0),
     "dilation should be greater than zero, but got [0, 0]"),
    (lambda: _CONV.conv2d(_X2, _W2, stride=(1, 2, 3)), "expected stride to be a single integer "
     "value or a list of 2 values to match the convolution dimensions, but got stride=[1, 2, 3]"),
    (lambda: _CONV.conv2d(_X2, _W2, padding="foo"), "Invalid padding string: 'foo'"),
    (lambda: _CONV.conv2d(_X2, _W2, padding="same", stride=2),
     "padding='same' is not supported for strided convolutions"),
    # the weight's dtype is its kernel's last check: parameters and shapes come first
    (lambda: _CONV.conv2d(_X2, _W2.double(), stride=0), "non-positive stride is not supported"),
    (lambda: _CONV.conv2d(torch.ones(1, 3, 5, 5), _W2.double()),
     "Given groups=1, weight of size [3, 2, 3, 3], expected input[1, 3, 5, 5] to have 2"),
    (lambda: _CONV.conv2d(_X2, _W2.double()), "expected scalar type Float but found Double"),
    (lambda: _CONV.conv2d(torch.ones(2, 5), _W2, torch.ones(3).double()),
     "Input type (float) and bias type (double) should be the same"),
    (lambda: _CONV.conv1d(torch.ones(1, 2, 5), torch.ones(3, 2, 3), dilation=0),
     "dilation should be greater than zero, but got [1, 0]"),
    (lambda: _CONV.conv1d(torch.ones(1, 2, 5), torch.ones(3, 2, 3), stride=(1, 2)),
     "expected stride to be a single integer value or a list of 1 values"),
    (lambda: _CONV.conv3d(torch.ones(1, 2, 5, 5, 5), torch.ones(3, 2, 3, 3, 3), dilation=0),
     "dilation should be greater than zero, but got [0, 0, 0]"),
    (lambda: _CONV.conv_transpose2d(_X2, torch.ones(2, 3, 3, 3), dilation=0),
     "dilation should be greater than zero, but got dilation_height: 0, dilation_width: 0"),
    (lambda: _CONV.conv_transpose1d(torch.ones(1, 2, 5), torch.ones(2, 3, 3), dilation=0),
     "dilation should be greater than zero, but got dilation_height: 1, dilation_width: 0"),
    (lambda: _CONV.conv_transpose3d(torch.ones(1, 2, 5, 5, 5), torch.ones(2, 3, 3, 3, 3),
                                    dilation=0),
     "dilation should be greater than zero, but got dilation_depth: 0, dilation_height: 0"),
    (lambda: _CONV.conv_transpose2d(_X2, torch.ones(2, 3, 3, 3), output_padding=-1),
     "negative output_padding is not supported"),
])
def test_convolution_parameters_are_checked_in_pytorchs_order(call, words):
    _raises_in_pytorchs_words(call, RuntimeError, words)


@pytest.mark.parametrize("conv, x, w", [
    (_CONV.conv1d, (1, 2, 7), (3, 2, 3)), (_CONV.conv2d, (1, 2, 7, 6), (3, 2, 3, 3)),
    (_CONV.conv3d, (1, 2, 5, 6, 5), (3, 2, 3, 3, 3))])
def test_convolution_parameters_of_one_value_repeat(conv, x, w):
    """padding=[2], stride=(2,): a list of one value stands for every spatial dimension."""
    x, w = torch.arange(float(np.prod(x))).reshape(x), torch.ones(w)
    dims = len(x.shape) - 2
    got = conv(x, w, padding=[2], stride=(2,), dilation=[1])
    want = conv(x, w, padding=(2,) * dims, stride=(2,) * dims, dilation=1)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("make, words", [
    (lambda: torch.nn.Conv2d(2, 3, 3, padding="foo"),
     "Invalid padding string 'foo', should be one of {'valid', 'same'}"),
    (lambda: torch.nn.Conv3d(2, 3, 3, padding="same", stride=2),
     "padding='same' is not supported for strided convolutions"),
    (lambda: torch.nn.Conv2d(2, 3, 3, groups=2, padding="foo"),
     "out_channels must be divisible by groups"),
])
def test_convolution_modules_check_their_padding_when_built(make, words):
    with pytest.raises(ValueError) as info:
        make()
    assert str(info.value) == words


_T = torch.ones(2, 3)


@pytest.mark.parametrize("call, error, words", [
    (lambda: _T.view_as(0.5), TypeError,
     "view_as(): argument 'other' (position 1) must be Tensor, not float"),
    (lambda: _T.reshape_as(2), TypeError,
     "reshape_as(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda: _T.expand_as(True), TypeError,
     "expand_as(): argument 'other' (position 1) must be Tensor, not bool"),
    (lambda: _T.type_as(1), TypeError,
     "type_as(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda: torch.equal(_T, 0.5), TypeError,
     "equal(): argument 'other' (position 2) must be Tensor, not float"),
    (lambda: torch.cdist(_T, 0.001), TypeError,
     "cdist(): argument 'x2' (position 2) must be Tensor, not float"),
    (lambda: torch.hstack([_T, 0.5]), TypeError,
     "expected Tensor as element 1 in argument 0, but got float"),
    (lambda: torch.column_stack([_T, 2]), TypeError,
     "expected Tensor as element 1 in argument 0, but got int"),
    (lambda: _T.clone().addcmul_(1.5, _T), TypeError,
     "addcmul_(): argument 'tensor1' (position 1) must be Tensor, not float"),
    (lambda: torch.addcdiv(_T, _T, 2), TypeError,
     "addcdiv(): argument 'tensor2' (position 3) must be Tensor, not int"),
    (lambda: _T.clone().hypot_(2), TypeError,
     "hypot_(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda: torch.tensordot(_T, torch.ones(3, 2, dtype=torch.int64), 1), RuntimeError,
     "both inputs should have same dtype"),
    (lambda: torch.tensordot(_T, torch.ones(2, 3, dtype=torch.int64), 1), RuntimeError,
     "both inputs should have same dtype"),
    (lambda: torch.cdist(_T, _T.double()), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda: torch.cross(torch.ones(1, 3, dtype=torch.int64), torch.ones(3, dtype=torch.int32)),
     RuntimeError, "linalg.cross: inputs must have the same number of dimensions."),
])
def test_argument_kinds_and_dtypes_checked_first(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


@pytest.mark.parametrize("conv, x, w", [
    (_CONV.conv1d, (1, 1, 1), (1, 1, 2)), (_CONV.conv2d, (1, 1, 1, 5), (1, 1, 4, 4)),
    (_CONV.conv3d, (1, 1, 1, 3, 2), (1, 1, 2, 2, 2))])
def test_same_padding_holds_an_even_kernel_on_a_one_wide_input(conv, x, w):
    """padding='same' pads d * (k - 1) in all (the odd remainder after, into the input
    first), so a 1-wide input takes a kernel of 2 or 4: window sums of the zero-padded input
    (a ones kernel), and each input's gradient counts the windows that read it."""
    data = np.arange(1.0, 1.0 + np.prod(x)).reshape(x)
    xt = torch.tensor(data, requires_grad=True)
    out = conv(xt, torch.ones(w, dtype=torch.float64), padding="same")
    k = w[2:]
    padded = np.pad(data[0, 0], [((n - 1) // 2, n - 1 - (n - 1) // 2) for n in k])
    windows = np.lib.stride_tricks.sliding_window_view(padded, k)
    want = windows.sum(axis=tuple(range(-len(k), 0)))
    np.testing.assert_allclose(out.detach().numpy()[0, 0], want)
    out.sum().backward()
    np.testing.assert_allclose(xt.grad.numpy()[0, 0], _window_counts(data.shape[2:], k))


def _window_counts(shape, k):
    """How many 'same' windows of size k read each element of an input of `shape`."""
    counts = np.zeros(shape)
    for out_index in np.ndindex(*shape):
        lo = [o - (n - 1) // 2 for o, n in zip(out_index, k)]
        region = tuple(slice(max(a, 0), max(a + n, 0)) for a, n in zip(lo, k))
        counts[region] += 1
    return counts


def test_assignment_drops_the_values_leading_ones_down_to_one_element():
    """z[0, 2] = tensor([1.5]) (or [[1.5]]) writes one element, as PyTorch drops a value's
    leading dims of size 1; the value's gradient comes back in its own shape."""
    x = torch.arange(9.0, dtype=torch.float64).reshape(3, 3).requires_grad_()
    v = torch.tensor([[2.0]], dtype=torch.float64, requires_grad=True)
    z = x * 1
    z[0, 2] = v
    z[1, 1] = torch.tensor([7.0], dtype=torch.float64)
    weights = torch.arange(9.0, dtype=torch.float64).reshape(3, 3)
    (z * weights).sum().backward()
    want = np.arange(9.0).reshape(3, 3)
    want[0, 2], want[1, 1] = 2.0, 7.0
    np.testing.assert_array_equal(z.detach().numpy(), want)
    grad = np.arange(9.0).reshape(3, 3)
    grad[0, 2] = grad[1, 1] = 0.0
    np.testing.assert_array_equal(x.grad.numpy(), grad)
    assert v.grad.shape == (1, 1) and v.grad.item() == 2.0
    with pytest.raises(RuntimeError, match=r"expand\(torch.FloatTensor\{\[2\]\}, size=\[\]\)"):
        torch.zeros(3, 3)[0, 2] = torch.tensor([1.5, 2.0])


def test_assigning_through_false_writes_and_checks_nothing():
    z = torch.zeros(2, 3)
    z[False] = torch.ones(5)  # (a shape that fits nothing: PyTorch does not look)
    leaf = torch.zeros(2, 3, requires_grad=True)
    leaf[False] = 1.0
    assert z._version == 0 and leaf._version == 0 and not z.any() and not leaf.any()


@pytest.mark.parametrize("call, words", [
    (lambda: torch.ones(3, 1, 2).t_(),
     "t_() expects a tensor with <= 2 dimensions, but self is 3D"),
    (lambda: torch.zeros(3, dtype=torch.float64).__irshift__(torch.ones(1, 3, dtype=torch.int8)),
     "output with shape [3] doesn't match the broadcast shape [1, 3]"),
    (lambda: torch.zeros(3, 1, 2, dtype=torch.bool).__irshift__(torch.ones(1, 3,
                                                                           dtype=torch.int64)),
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 2"),
])
def test_in_place_ops_check_shapes_first_and_name_themselves(call, words):
    _raises_in_pytorchs_words(call, RuntimeError, words)


@pytest.mark.parametrize("dtype, value", [
    (torch.uint8, -0.5), (torch.uint8, 255.5), (torch.int8, 127.9), (torch.int8, -129.0),
    (torch.int16, float("inf")), (torch.uint8, float("nan")), (torch.int32, 2.0 ** 40)])
def test_a_float_outside_an_integer_dtype_overflows(dtype, value):
    name = "int" if dtype == torch.int32 else str(dtype).split(".")[1] + "_t"
    for store in (lambda: torch.zeros(2, dtype=dtype).fill_(value),
                  lambda: torch.full((2,), value, dtype=dtype),
                  lambda: torch.zeros(2, dtype=dtype).masked_fill(torch.tensor([True, False]),
                                                                  value)):
        with pytest.raises(RuntimeError, match=f"converted to type {name} without overflow"):
            store()


def test_a_float_inside_an_integer_dtype_truncates():
    assert torch.zeros(2, dtype=torch.uint8).fill_(254.7).tolist() == [254, 254]
    assert torch.zeros(2, dtype=torch.int8).fill_(-127.5).tolist() == [-127, -127]


def test_in_place_floor_divide_names_itself_in_its_missing_derivative():
    w = torch.tensor([4.0, -3.0], requires_grad=True)
    a = w * 1
    a //= torch.tensor(1.5)
    assert a.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match=r"derivative for aten::floor_divide_ is not"):
        a.sum().backward()
    with pytest.raises(TypeError, match=r"lerp_\(\) received an invalid combination of "
                                        r"arguments - got \(bool, float\)"):
        (w * 1).lerp_(False, 0.5)


@pytest.mark.parametrize("call, error, words", [
    (lambda: _CONV.kl_div(torch.ones(2), 0.5), TypeError,
     "kl_div(): argument 'target' (position 2) must be Tensor, not float"),
    (lambda: _CONV.prelu(torch.ones(3), 0.25), TypeError,
     "prelu(): argument 'weight' (position 2) must be Tensor, not float"),
    (lambda: _CONV.prelu(torch.ones(2, 3), torch.ones(2, 2).double()), RuntimeError,
     "prelu: Type promoting not supported. Got Float and Double"),
    (lambda: _CONV.linear(torch.ones(2, 3), True), TypeError,
     "linear(): argument 'weight' (position 2) must be Tensor, not bool"),
    (lambda: _CONV.linear(torch.ones(2, 3), torch.ones(4, 3), 2), TypeError,
     "linear(): argument 'bias' (position 3) must be Tensor, not int"),
    (lambda: _CONV.cosine_embedding_loss(torch.ones(2, 3), 0.5, torch.ones(2)), TypeError,
     "cosine_embedding_loss(): argument 'input2' (position 2) must be Tensor, not float"),
    (lambda: _CONV.soft_margin_loss(torch.ones(3), torch.ones(3, requires_grad=True)),
     RuntimeError, "The function 'soft_margin_loss' is not differentiable with respect to "
     "argument 'target'. This input cannot have requires_grad True."),
    (lambda: _CONV.soft_margin_loss(torch.ones(2, 3), torch.ones(2)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
     "dimension 1"),
])
def test_nn_functional_argument_errors(call, error, words):
    _raises_in_pytorchs_words(call, error, words)


def test_soft_margin_loss_takes_a_target_requiring_grad_under_no_grad():
    with torch.no_grad():
        out = _CONV.soft_margin_loss(torch.zeros(3), torch.ones(3, requires_grad=True))
    assert abs(out.item() - math.log(2.0)) < 1e-6


@pytest.mark.parametrize("call, words", [
    (lambda: torch.zeros(0)[[0, 0]], "index is out of bounds for dimension with size 0"),
    (lambda: torch.zeros(2, 0)[:, torch.tensor([1])],
     "index is out of bounds for dimension with size 0"),
    (lambda: torch.zeros(0)[0], "index 0 is out of bounds for dimension 0 with size 0"),
    (lambda: torch.zeros(3)[[5]], "index 5 is out of bounds for dimension 0 with size 3"),
])
def test_index_errors_name_what_pytorch_names(call, words):
    _raises_in_pytorchs_words(call, IndexError, words, whole=True)


def _raises_in_pytorchs_words(call, error: type, words: str, whole: bool = False) -> None:
    """call() raises `error` whose message is PyTorch's `words` (or starts with them, where
    ours goes on to name shapes or a fix)."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message == words if whole else message.startswith(words), message


@pytest.mark.parametrize("call, words", [
    (lambda: torch.zeros(3, 3)[0, 5], "index 5 is out of bounds for dimension 1 with size 3"),
    (lambda: torch.zeros(3, 3)[None, 0, 5],
     "index 5 is out of bounds for dimension 2 with size 3"),
    (lambda: torch.zeros(2, 3, 4)[..., 7], "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda: torch.zeros(2, 3, 4)[1, ..., 5, 0],
     "index 5 is out of bounds for dimension 2 with size 3"),
    (lambda: torch.zeros(2, 3)[False, 2, 0],
     "index 2 is out of bounds for dimension 1 with size 2"),
    # integers select before a float index tensor is refused
    (lambda: torch.zeros(2, 3, 4)[3, torch.tensor([0.0])],
     "index 3 is out of bounds for dimension 0 with size 2"),
    (lambda: torch.zeros(2, 3)[0, torch.tensor([0.0])],
     "tensors used as indices must be long, int, byte or bool tensors"),
])
def test_integer_index_errors_name_the_index_position(call, words):
    """PyTorch's "dimension" in an integer's out-of-range error is its position in the index
    (None, Ellipsis and booleans counted); the size is that of the dim it selects from."""
    _raises_in_pytorchs_words(call, IndexError, words, whole=True)


def test_integer_assignment_errors_name_the_index_position():
    z = torch.zeros(2, 3)
    _raises_in_pytorchs_words(lambda: z.__setitem__((None, 1, 4), 1.0), IndexError,
                              "index 4 is out of bounds for dimension 2 with size 3", True)


def test_cross_finds_its_dim_in_the_input_and_tensordot_names_dims_as_given():
    a, b = torch.tensor([[1.0, 2.0, 3.0]]), torch.eye(3)
    np.testing.assert_array_equal(torch.cross(a, b).numpy(),
                                  np.cross(np.array([[1.0, 2.0, 3.0]]), np.eye(3), axis=1))
    _raises_in_pytorchs_words(lambda: torch.cross(torch.ones(2, 1), torch.ones(1, 3)),
                              RuntimeError, "no dimension of size 3 in input", True)
    _raises_in_pytorchs_words(
        lambda: torch.tensordot(torch.ones(2, 3), torch.ones(2, 3), 1), RuntimeError,
        "contracted dimensions need to match, but first has size 3 in dim -1 and second has "
        "size 2 in dim 0", True)
    _raises_in_pytorchs_words(
        lambda: torch.ones(1, 3, dtype=torch.int16).where(True, 1.5),
        TypeError, "where() received an invalid combination of arguments - got (bool, float)")


F = torch.nn.functional
_ROWS = [[0.5, -1.0, 2.0], [1.0, 3.0, -2.5]]


@pytest.mark.parametrize("call, error, words", [
    # the first parameter given sets the parameters' dtype; float64 input with float32 ones
    (lambda: F.layer_norm(torch.tensor(_ROWS, dtype=torch.float64), (3,), torch.ones(3)),
     RuntimeError, "mixed dtype (CPU): all inputs must share same datatype."),
    (lambda: F.layer_norm(torch.tensor(_ROWS), (3,), torch.ones(3, dtype=torch.float64)),
     RuntimeError, "mixed dtype (CPU): expect parameter to have scalar type of Float"),
    (lambda: F.layer_norm(torch.tensor(_ROWS, dtype=torch.float64), (3,),
                          torch.ones(3, dtype=torch.float64), torch.zeros(3)),
     RuntimeError, "expected scalar type Double but found Float"),
    (lambda: F.batch_norm(torch.tensor(_ROWS, dtype=torch.float64), torch.zeros(3),
                          torch.ones(3), training=True),
     RuntimeError, "mixed dtype (CPU): all inputs must share same datatype."),
    (lambda: F.batch_norm(torch.tensor(_ROWS, dtype=torch.float16), torch.zeros(3),
                          torch.ones(3), torch.ones(3, dtype=torch.float16), training=True),
     RuntimeError, "expected scalar type Half but found Float"),
    (lambda: torch.nn.GroupNorm(1, 3)(torch.tensor(_ROWS, dtype=torch.float64)),
     RuntimeError, "mixed dtype (CPU): all inputs must share same datatype."),
    (lambda: F.instance_norm(torch.ones(1, 2, 3, dtype=torch.float64), weight=torch.ones(2)),
     RuntimeError, "mixed dtype (CPU): all inputs must share same datatype."),
    # integer input: batch_norm's kernel refuses it first, layer_norm's after the parameters
    (lambda: F.batch_norm(torch.ones(2, 3, dtype=torch.int64), None, None, torch.ones(3),
                          training=True),
     NotImplementedError, "\"batch_norm\" not implemented for 'Long'"),
    (lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.int64), (3,)),
     NotImplementedError, "\"LayerNormKernelImpl\" not implemented for 'Long'"),
    (lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.int64), (3,), torch.ones(3)),
     RuntimeError, "mixed dtype (CPU): all inputs must share same datatype."),
    (lambda: F.group_norm(torch.ones(2, 3, dtype=torch.int32), 1),
     NotImplementedError, "\"GroupNormKernelImpl\" not implemented for 'Int'"),
    (lambda: F.group_norm(torch.ones(2, 3), 1, torch.ones(2)), RuntimeError,
     "Expected weight to be a vector of size equal to the number of channels in input, but got "
     "weight of shape [2] and input of shape [2, 3]"),
    (lambda: F.group_norm(torch.ones(3), 1), RuntimeError,
     "Expected at least 2 dimensions for input tensor but received 1"),
])
def test_normalisations_check_dtypes_as_pytorch_on_the_cpu(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


@pytest.mark.parametrize("norm", [
    lambda x, w, b: F.layer_norm(x, (3,), w, b),
    lambda x, w, b: F.group_norm(x, 1, w, b),
    lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
])
def test_float16_input_with_float32_parameters_is_computed_in_float32(norm):
    """The CPU's one allowed mix: the result is float16, the float32 result rounded once, and
    the gradients keep their tensors' dtypes."""
    x16 = torch.tensor(_ROWS, dtype=torch.float16, requires_grad=True)
    w = torch.tensor([1.5, 0.5, -1.0], requires_grad=True)
    b = torch.tensor([0.25, 0.0, 1.0])
    y = norm(x16, w, b)
    assert y.dtype == torch.float16
    expected = norm(x16.detach().float(), w.detach(), b).half()
    np.testing.assert_array_equal(y.detach().numpy(), expected.numpy())
    y.float().sum().backward()
    assert x16.grad.dtype == torch.float16 and w.grad.dtype == torch.float32


@pytest.mark.parametrize("dropout", [
    lambda x, p: F.dropout(x, p), lambda x, p: F.alpha_dropout(x, p, training=True),
    lambda x, p: F.dropout1d(x.reshape(1, 2, 2), p)])
def test_dropout_of_an_integer_tensor(dropout):
    """A mask scaled by 1 / (1 - p) cannot be stored in integers (PyTorch's cast error); p = 0
    and p = 1 keep the input's dtype."""
    x = torch.tensor([1, 2, 3, 4])
    _raises_in_pytorchs_words(lambda: dropout(x, 0.5), RuntimeError,
                              "result type Float can't be cast to the desired output type Long",
                              whole=True)
    for p, want in ((0.0, [1, 2, 3, 4]), (1.0, [0, 0, 0, 0])):
        y = dropout(x, p)
        assert y.dtype == torch.int64 and y.reshape(-1).tolist() == want


def test_module_lookups_and_calls_in_pytorchs_words():
    seq = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    plist = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2))])
    pdict = torch.nn.ParameterDict({"p": torch.nn.Parameter(torch.ones(2))})
    for call, error, words in [
        (lambda: seq.get_parameter("weight"), AttributeError,
         "Sequential has no attribute `weight`"),
        (lambda: seq.get_parameter("0.nothing"), AttributeError,
         "Linear has no attribute `nothing`"),
        (lambda: seq.get_buffer("0.weight"), AttributeError, "`weight` is not a buffer"),
        (lambda: plist.get_submodule("0"), AttributeError, "`0` is not an nn.Module"),
        (lambda: plist(torch.ones(2)), RuntimeError, "ParameterList should not be called."),
        (lambda: pdict(torch.ones(2)), RuntimeError, "ParameterDict should not be called."),
        (lambda: pdict[0], TypeError, "Index given to ParameterDict cannot be used as a key as it "
         "is not a string (type is 'int'). Open an issue on github if you need non-string "
         "keys."),
        (lambda: pdict["q"], AttributeError, "'ParameterDict' object has no attribute 'q'"),
        (lambda: torch.nn.Conv1d(3, 2, 1)(torch.ones(2, 3), 1), TypeError,
         "Conv1d.forward() takes 2 positional arguments but 3 were given"),
        (lambda: torch.nn.ReLU6()(torch.ones(2), 1), TypeError,
         "Hardtanh.forward() takes 2 positional arguments but 3 were given"),
        (lambda: torch.nn.ZeroPad2d(1)(torch.ones(1, 2, 2), 1), TypeError,
         "_ConstantPadNd.forward() takes 2 positional arguments but 3 were given"),
        (lambda: torch.nn.Tanh()(torch.ones(2), 1), TypeError,
         "Tanh.forward() takes 2 positional arguments but 3 were given"),
        (lambda: torch.nn.GRU(3, 2)(torch.ones(2, 3, dtype=torch.float64)), ValueError,
         "RNN input dtype (torch.float64) does not match weight dtype (torch.float32). Convert "
         "input: input.to(torch.float32), or convert model: model.to(torch.float64)"),
        (lambda: torch.nn.RNN(3, 2)(torch.ones(3)), ValueError,
         "RNN: Expected input to be 2D or 3D, got 1D tensor instead"),
    ]:
        _raises_in_pytorchs_words(call, error, words, whole=True)
    assert seq.get_parameter("0.weight") is seq[0].weight


@pytest.mark.parametrize("call, words", [
    (lambda: F.conv_transpose1d(torch.ones(3), torch.ones(3, 2, 1)),
     "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: "
     "[3]"),
    (lambda: F.conv_transpose2d(torch.ones(3, 2), torch.ones(3, 2, 1, 1)),
     "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: "
     "[3, 2]"),
    (lambda: F.conv1d(torch.ones(3), torch.ones(2, 3, 1)),
     "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [3]"),
    (lambda: F.conv2d(torch.ones(1, 3, 2, 2, dtype=torch.int64), torch.ones(2, 3, 1, 1),
                      torch.ones(2)),
     "Input type (long int) and bias type (float) should be the same"),
    # without a bias the matrix product checks shapes before dtypes; with one, dtypes first
    (lambda: F.linear(torch.ones(2, 4), torch.ones(2, 3, dtype=torch.float16)),
     "mat1 and mat2 shapes cannot be multiplied (2x4 and 3x2)"),
    (lambda: F.linear(torch.ones(2, 4), torch.ones(2, 3, dtype=torch.float16),
                      torch.ones(2, dtype=torch.float16)),
     "mat1 and mat2 must have the same dtype, but got Float and Half"),
])
def test_convolution_and_linear_input_errors(call, words):
    _raises_in_pytorchs_words(call, RuntimeError, words)


def test_state_dict_versions_and_parameter_lists_of_other_objects():
    bn = torch.nn.BatchNorm1d(3)
    sd = bn.state_dict()
    del sd["num_batches_tracked"]
    _raises_in_pytorchs_words(lambda: bn.load_state_dict(sd), RuntimeError,
                              'Error(s) in loading state_dict for BatchNorm1d:\n\tMissing key(s) '
                              'in state_dict: "num_batches_tracked".')
    # a hand-made (unversioned) dict may leave the count out, as checkpoints before 0.4.1 did
    keys = bn.load_state_dict({k: v for k, v in sd.items()})
    assert keys == ([], []) and keys.missing_keys == [] and keys._fields == (
        "missing_keys", "unexpected_keys") and repr(keys) == "<All keys matched successfully>"
    plist = torch.nn.ParameterList([torch.ones(2)])
    plist.append(torch.nn.ReLU()).append(3)
    assert len(plist) == 3 and plist[-1] == 3 and isinstance(plist[1], torch.nn.ReLU)
    assert list(plist.state_dict()) == ["0"] and isinstance(plist[0], torch.nn.Parameter)
    assert "(2): Object of type: int" in repr(plist)
    _raises_in_pytorchs_words(lambda: plist[3], IndexError, "index 3 is out of range", True)


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch.zeros(2.5), TypeError,
     "zeros(): argument 'size' (position 1) must be tuple of ints, not float"),
    (lambda: torch.ones(2, "a"), TypeError,
     "ones(): argument 'size' failed to unpack the object at pos 2 with error \"type must be "
     "tuple of ints,but got str\""),
    (lambda: torch.full(3, 1.0), TypeError,
     "full(): argument 'size' (position 1) must be tuple of ints, not int"),
    (lambda: torch.randn(True), TypeError,
     "randn(): argument 'size' (position 1) must be tuple of ints, not bool"),
    (lambda: torch.tensor([2 ** 63]), ValueError, "Overflow when unpacking long long"),
    (lambda: torch.tensor(["abc"]), ValueError, "too many dimensions 'str'"),
    (lambda: torch.tensor([1, "a"]), TypeError, "new(): invalid data type 'str'"),
    (lambda: torch.tensor([torch.ones(2), torch.ones(2)]), ValueError,
     "only one element tensors can be converted to Python scalars"),
    (lambda: torch.randint(0, 300, (2,), dtype=torch.uint8), RuntimeError,
     "to - 1 is out of bounds for unsigned char"),
    (lambda: torch.randint(-1, 3, (2,), dtype=torch.uint8), RuntimeError,
     "from is out of bounds for unsigned char"),
    (lambda: torch.randint(0, 5, (2,), dtype=torch.bool), RuntimeError,
     "to - 1 is out of bounds for bool"),
    (lambda: torch.linspace(0, 1, 3, dtype=torch.bool), NotImplementedError,
     "\"linspace_cpu\" not implemented for 'Bool'"),
    (lambda: torch.linspace(0, 1e10, 5, dtype=torch.int32), RuntimeError,
     "value cannot be converted to type int without overflow"),
    (lambda: torch.full((2,), 1e5, dtype=torch.float16), RuntimeError,
     "value cannot be converted to type c10::Half without overflow"),
    (lambda: torch.scalar_tensor(2 ** 40, dtype=torch.int32), RuntimeError,
     "value cannot be converted to type int without overflow"),
    (lambda: "a" in torch.tensor([1, 2]), RuntimeError,
     "Tensor.__contains__ only supports Tensor or scalar, but you passed in a <class 'str'>."),
    (lambda: bool(torch.tensor([])), RuntimeError,
     "Boolean value of Tensor with no values is ambiguous"),
])
def test_factory_arguments_in_pytorchs_words(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


def test_factories_take_what_pytorch_takes():
    """range objects; one-element tensors inside lists as numbers (their dtypes promoted with
    the Python numbers'); huge ints as floats when a float is asked for; integer aranges and
    linspaces from float arguments as PyTorch computes them."""
    assert torch.tensor(range(4)).tolist() == [0, 1, 2, 3]
    t = torch.tensor([torch.tensor([1]), 2.5])
    assert t.dtype == torch.float32 and t.tolist() == [1.0, 2.5]
    t = torch.tensor([torch.tensor(1.0, dtype=torch.float64), 2])
    assert t.dtype == torch.float64 and t.shape == (2,)
    assert torch.tensor([2 ** 64, 1.5]).tolist() == [2.0 ** 64, 1.5]
    assert torch.tensor(2 ** 64, dtype=torch.float64).item() == 2.0 ** 64
    assert torch.arange(1, 2.5, 0.5, dtype=torch.int32).tolist() == [1, 1, 1]  # int(step) = 0
    assert torch.arange(0, 3, 1.5, dtype=torch.int64).tolist() == [0, 1, 2]  # all truncated
    assert torch.arange(0, 3, 1.5, dtype=torch.int32).tolist() == [0, 1]  # counted in floats
    assert torch.linspace(0, -1, 5, dtype=torch.uint8).tolist() == [0, 63, 127, 191, 255]
    assert torch.linspace(0, 1, 1, dtype=torch.bool).tolist() == [False]
    assert 2 in torch.tensor([1, 2]) and torch.tensor([True, False]) in torch.tensor([1, 2])
    assert torch.tensor([[]]).stride() == (1, 1) and torch.zeros(2, 0, 3).stride() == (3, 3, 1)


def test_in_place_clamp_with_tensor_bounds_records_their_gradient():
    """A target that needs no grad still joins the graph when a tensor bound requires grad
    (PyTorch's in-place rule for every argument, keyword ones included)."""
    a = torch.tensor([-4.0, 5.0], dtype=torch.float64)
    lo = torch.tensor([3.0, 1.0], dtype=torch.float64, requires_grad=True)
    a.clamp_(min=lo)
    assert a.requires_grad and a.tolist() == [3.0, 5.0]
    a.sum().backward()
    assert lo.grad.tolist() == [1.0, 0.0]
    _raises_in_pytorchs_words(lambda: torch.tensor([1]).clamp_(min=2.5), RuntimeError,
                              "result type Float can't be cast to the desired output type long "
                              "int", True)
    _raises_in_pytorchs_words(lambda: torch.tensor([1]).clamp_(torch.tensor([0.5])),
                              RuntimeError, "result type Float can't be cast to the desired "
                              "output type Long", True)


@pytest.mark.parametrize("call, error, words", [
    # argument kinds are refused before the in-place rules and the broadcast
    (lambda: torch.ones(2, requires_grad=True).masked_fill_(True, 1.5), TypeError,
     "masked_fill_() received an invalid combination of arguments - got (bool, float), but "
     "expected one of:"),
    (lambda: torch.ones(2).masked_fill(torch.tensor([True, False]), None), TypeError,
     "masked_fill() received an invalid combination of arguments - got (Tensor, NoneType), "
     "but expected one of:"),
    (lambda: torch.ones(2, 1, requires_grad=True).addcdiv_(0.5, 0.5), TypeError,
     "addcdiv_(): argument 'tensor1' (position 1) must be Tensor, not float"),
    (lambda: torch.ones(3, 1, dtype=torch.int64).addcdiv_(torch.ones(4, dtype=torch.int64),
                                                          torch.ones(4, dtype=torch.int64)),
     RuntimeError, "Integer division with addcdiv is no longer supported"),
    (lambda: torch.ones(3, requires_grad=True).addcdiv_(torch.ones(2, 1, dtype=torch.bool),
                                                        torch.ones(2, 1, dtype=torch.bool)),
     RuntimeError, "a leaf Variable that requires grad is being used in an in-place"),
    # cross: the size-3 dim, the dims' count, their lengths, then the dtypes
    (lambda: torch.cross(torch.tensor(True), torch.ones(2, 3)), RuntimeError,
     "no dimension of size 3 in input"),
    (lambda: torch.cross(torch.ones(3, dtype=torch.uint8), torch.zeros(0)), RuntimeError,
     "linalg.cross: inputs dimension 0 must have length 3. Got 3 and 0"),
])
def test_argument_kinds_come_first(call, error, words):
    _raises_in_pytorchs_words(call, error, words)


@pytest.mark.parametrize("call, error, words", [
    # PyTorch's Python losses ask the target for its size (or dims) first
    (lambda: F.mse_loss(torch.ones(2), 2), AttributeError, "'int' object has no attribute 'size'"),
    (lambda: F.binary_cross_entropy_with_logits(torch.ones(2), 1.0), AttributeError,
     "'float' object has no attribute 'size'"),
    (lambda: F.margin_ranking_loss(torch.ones(2), torch.ones(2), 1), AttributeError,
     "'int' object has no attribute 'dim'"),
    (lambda: F.margin_ranking_loss(torch.ones(2), torch.ones(2), torch.ones(2, 1)), RuntimeError,
     "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
     "torch.Size([2]), input2: torch.Size([2]), target: torch.Size([2, 1]) "),
    # the ATen ones refuse a non-tensor argument by position
    (lambda: F.soft_margin_loss(torch.ones(2), 0), TypeError,
     "soft_margin_loss(): argument 'target' (position 2) must be Tensor, not int"),
    (lambda: F.pairwise_distance(torch.ones(2, 3), 0.5), TypeError,
     "pairwise_distance(): argument 'x2' (position 2) must be Tensor, not float"),
    (lambda: F.triplet_margin_loss(torch.ones(2, 3), torch.ones(2, 3), 1.0), TypeError,
     "triplet_margin_loss(): argument 'negative' (position 3) must be Tensor, not float"),
    (lambda: F.hinge_embedding_loss(torch.ones(2), 1), TypeError,
     "hinge_embedding_loss(): argument 'target' (position 2) must be Tensor, not int"),
    (lambda: F.poisson_nll_loss(torch.ones(2), 1), TypeError,
     "poisson_nll_loss(): argument 'target' (position 2) must be Tensor, not int"),
    (lambda: F.multi_margin_loss(torch.ones(2, 3), 1), TypeError,
     "multi_margin_loss(): argument 'target' (position 2) must be Tensor, not int"),
])
def test_losses_refuse_non_tensor_targets_as_pytorch(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


@pytest.mark.parametrize("shape, pad, words", [
    ((1, 1, 1, 6), (1, 2, 0, 1), "Argument #6: Padding size should be less than the "
     "corresponding input dimension, but got: padding (0, 1) at dimension 2 of input "
     "[1, 1, 1, 6]"),
    ((1, 1, 1, 2, 2), (0, 0, 0, 0, 1, 1), "Argument #8: Padding size should be less than the "
     "corresponding input dimension, but got: padding (1, 1) at dimension 2 of input "
     "[1, 1, 1, 2, 2]"),
    ((1, 1, 1, 1), (1, 1, 1, 1), "Argument #4: Padding size should be less than the "
     "corresponding input dimension, but got: padding (1, 1) at dimension 3 of input "
     "[1, 1, 1, 1]"),
])
def test_reflect_padding_names_the_kernel_argument_from_the_last_dim(shape, pad, words):
    _raises_in_pytorchs_words(lambda: F.pad(torch.ones(*shape), pad, mode="reflect"),
                              RuntimeError, words, whole=True)


@pytest.mark.parametrize("call, words", [
    # PyTorch moves the indexed dims to the front: the dimension counts the index tensors
    (lambda: torch.zeros(3, 4, 5)[:, :, torch.tensor([9])],
     "index 9 is out of bounds for dimension 0 with size 5"),
    (lambda: torch.zeros(3, 4, 5)[torch.tensor([0]), :, torch.tensor([9])],
     "index 9 is out of bounds for dimension 1 with size 5"),
    (lambda: torch.zeros(3, 4, 5)[1, :, [9]],
     "index 9 is out of bounds for dimension 0 with size 5"),
    (lambda: torch.zeros(3, 3).__setitem__((2, torch.tensor([5])), 1.0),
     "index 5 is out of bounds for dimension 0 with size 3"),
])
def test_index_tensor_errors_count_the_index_tensors(call, words):
    _raises_in_pytorchs_words(call, IndexError, words, whole=True)


def test_a_trailing_second_ellipsis_selects_nothing_more():
    x = torch.arange(24.0).reshape(2, 3, 4)
    assert x[0, ..., ...].shape == (3, 4) and x[..., 0, ...].shape == (2, 3)
    assert x[..., None, ...].shape == (2, 3, 4, 1)
    z = x.clone()
    z[::2, ..., ...] = 7.5
    assert z[0].sum().item() == 7.5 * 12 and torch.equal(z[1], x[1])


def test_attention_and_parametric_functions_refuse_bad_inputs_as_pytorch():
    mha = torch.nn.MultiheadAttention(4, 2)
    _raises_in_pytorchs_words(lambda: mha(torch.ones(4), torch.ones(4), torch.ones(4)),
                              AssertionError, "query should be unbatched 2D or batched 3D "
                              "tensor but received 1-D query tensor", True)
    _raises_in_pytorchs_words(lambda: F.prelu(torch.ones(2), None), TypeError,
                              "prelu(): argument 'weight' (position 2) must be Tensor, not "
                              "NoneType", True)
    _raises_in_pytorchs_words(lambda: F.kl_div(None, torch.ones(1)), TypeError,
                              "kl_div(): argument 'input' (position 1) must be Tensor, not "
                              "NoneType", True)


@pytest.mark.parametrize("call", [
    lambda: torch.ones(2, dtype=torch.float16).clamp(max=1e5),
    lambda: torch.ones(2, dtype=torch.float16).fill_(70000),
    lambda: torch.ones(2, dtype=torch.float16).index_fill(0, torch.tensor([0]), 1e5),
    lambda: F.threshold(torch.ones(2, dtype=torch.float16), 0.5, 1e5),
    lambda: torch.ones(2, dtype=torch.float16).pow(1e5),
])
def test_numbers_beyond_a_float_dtypes_range_overflow_as_pytorch(call):
    _raises_in_pytorchs_words(call, RuntimeError, "value cannot be converted to type c10::Half "
                              "without overflow", True)


def test_wheres_numbers_become_inf_and_lerps_weight_is_checked():
    out = torch.where(torch.tensor([True, False]), torch.ones(2, dtype=torch.float16), 1e5)
    assert out.tolist() == [1.0, float("inf")]
    _raises_in_pytorchs_words(lambda: torch.ones(2).lerp(torch.zeros(2), 1e39), RuntimeError,
                              "value cannot be converted to type float without overflow", True)


@pytest.mark.parametrize("x_dtype, t_dtype", [(torch.float64, torch.float32),
                                              (torch.float32, torch.float16),
                                              (torch.float16, torch.float32)])
def test_bce_with_logits_has_the_targets_dtype(x_dtype, t_dtype):
    """PyTorch computes the loss in place in (1 - target): the target's dtype, whatever the
    input's; the input's gradient keeps the input's dtype."""
    x = torch.tensor([1.5, -0.5], dtype=x_dtype, requires_grad=True)
    t = torch.tensor([0.25, 1.0], dtype=t_dtype)
    y = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    assert y.dtype == t_dtype
    xs, ts = np.array([1.5, -0.5]), np.array([0.25, 1.0])
    want = (1 - ts) * xs + np.log1p(np.exp(-xs))
    np.testing.assert_allclose(y.detach().double().numpy(), want, rtol=2e-3)
    y.sum().backward()
    assert x.grad.dtype == x_dtype


def test_zero_dim_tensors_have_no_dims_to_ask_about():
    t = torch.tensor(True)
    for call in (lambda: t.size(0), lambda: t.size(-1), lambda: t.stride(0),
                 lambda: F.multilabel_soft_margin_loss(torch.tensor(-0.5), torch.tensor(1.5))):
        with pytest.raises(IndexError, match=r"^Dimension specified as -?\d but tensor has no "
                                             r"dimensions$"):
            call()
    values, indices = t.cummin(0)  # (values keep the input's dtype)
    assert values.dtype == torch.bool and values.item() is True and indices.item() == 0


def test_selections_of_a_zero_dim_tensor():
    """A scalar's topk (k 0 or 1) and kthvalue give it back with index 0, whatever its dtype
    (no kernel runs); trapezoid has no dim to integrate along."""
    t = torch.tensor(2.5)
    for values, indices in (t.topk(0), t.topk(1), t.kthvalue(1),
                            torch.tensor(True).kthvalue(1)):
        assert values.dim() == 0 and indices.dim() == 0 and indices.item() == 0
    assert torch.tensor(True).kthvalue(1)[0].dtype == torch.bool
    with pytest.raises(IndexError, match="^Dimension specified as -1 but tensor has no "
                                         "dimensions$"):
        torch.trapezoid(t)


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch.nn.GroupNorm(2, 2)(torch.ones(1, 2, 1, 1)), ValueError,
     "Expected more than 1 value per channel when training, got input size [1, 2, 1, 1]"),
    (lambda: torch.nn.InstanceNorm1d(2)(torch.ones(2, 2, 1)), ValueError,
     "Expected more than 1 spatial element when training, got input size "
     "torch.Size([2, 2, 1])"),
    (lambda: torch.nn.RNNCell(4, 3)(torch.ones(2, 2)), RuntimeError,
     "input has inconsistent input_size: got 2 expected 4"),
    (lambda: torch.nn.LSTMCell(4, 3)(torch.ones(2, 4), (torch.ones(2, 3), torch.ones(2, 2))),
     RuntimeError, "hidden1 has inconsistent hidden_size: got 2, expected 3"),
    (lambda: torch.nn.GRUCell(4, 3)(torch.ones(2, 4), torch.ones(3, 3)), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
    (lambda: F.pixel_shuffle(torch.ones(2, 4), 2), RuntimeError,
     "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 "
     "dimension(s)"),
    (lambda: torch.nn.ChannelShuffle(2)(torch.ones(4)), RuntimeError,
     "channel_shuffle expects input with > 2 dims, but got input with sizes [4]"),
    (lambda: F.local_response_norm(torch.ones(2, 4), 2), ValueError,
     "Expected 3D or higher dimensionality                          input (got 2 dimensions)"),
])
def test_layers_refuse_inputs_as_pytorch(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


@pytest.mark.parametrize("call, words", [
    # layer_norm's mixed-dtype errors come before its shape checks; its kernel's after
    (lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.float64), (4,), torch.ones(4)),
     "mixed dtype (CPU): all inputs must share same datatype."),
    (lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.int64), (4,)),
     "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]"),
    (lambda: F.cosine_similarity(torch.ones(2, 3, dtype=torch.int64),
                                 torch.ones(3, 3, dtype=torch.int64)),
     "expected common dtype to be floating point, yet common dtype is Long"),
])
def test_dtype_checks_before_shapes_where_pytorch_has_them(call, words):
    _raises_in_pytorchs_words(call, RuntimeError, words, whole=True)


def test_transposed_convolutions_name_the_inputs_dtype_as_expected():
    _raises_in_pytorchs_words(
        lambda: F.conv_transpose2d(torch.ones(1, 2, 3, 3, dtype=torch.int64),
                                   torch.ones(2, 1, 2, 2)),
        RuntimeError, "expected scalar type Long but found Float", True)
    bias = torch.ones(1, dtype=torch.float64, requires_grad=True)
    y = F.conv_transpose2d(torch.ones(1, 2, 3, 3), torch.ones(2, 1, 2, 2), bias)
    y.sum().backward()  # (a float64 bias is cast to the float32 output; its grad stays float64)
    assert y.dtype == torch.float32 and bias.grad.dtype == torch.float64
    assert bias.grad.item() == 16.0


@pytest.mark.parametrize("call, words", [
    (lambda: F.max_pool2d(torch.ones(2, 0, 4), 2), "Expected 3D or 4D (batch mode) tensor with "
     "optional 0 dim batch size for input, but got:[2, 0, 4]"),
    (lambda: F.avg_pool2d(torch.ones(1, 2, 0, 4), 2), "Expected 3D or 4D (batch mode) tensor "
     "with optional 0 dim batch size for input, but got:[1, 2, 0, 4]"),
    (lambda: F.max_pool1d(torch.ones(2, 0, 4), 2), "max_pool1d: Expected 2D or 3D (batch mode) "
     "tensor with optional 0 dim batch size for input, but got:[2, 0, 4]"),
    (lambda: F.adaptive_max_pool1d(torch.ones(1, 2, 3, 4), 2), "Expected 2 to 3 dimensions, "
     "but got 4-dimensional tensor for argument #1 'self' (while checking arguments for "
     "adaptive_max_pool1d)"),
    (lambda: F.adaptive_max_pool2d(torch.ones(4), 1),
     "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [4]"),
])
def test_pooling_refuses_ranks_and_empty_dims_as_pytorch(call, words):
    _raises_in_pytorchs_words(call, RuntimeError, words, whole=True)
    assert F.max_pool2d(torch.ones(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)  # (an empty batch)


_SINGULAR = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]]


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch.linalg.solve(torch.eye(2, dtype=torch.long), torch.ones(2)), RuntimeError,
     "linalg.solve: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: torch.linalg.solve(torch.eye(2), torch.ones(2, dtype=torch.float64)), RuntimeError,
     "linalg.solve: Expected A and B to have the same dtype, but found A of type Float and B "
     "of type Double instead"),
    (lambda: torch.linalg.solve(torch.ones(2), torch.ones(2)), RuntimeError,
     "linalg.solve: The input tensor A must have at least 2 dimensions."),
    (lambda: torch.linalg.solve(torch.ones(3, 2), torch.ones(3)), RuntimeError,
     "linalg.solve: A must be batches of square matrices, but they are 3 by 2 matrices"),
    (lambda: torch.linalg.solve(torch.eye(2), torch.tensor(1.0)), RuntimeError,
     "linalg.solve: The input tensor B must have at least 2 dimensions."),
    (lambda: torch.linalg.solve(torch.eye(2), torch.ones(3)), RuntimeError,
     "linalg.solve: Incompatible shapes of A and B for the equation AX = B (2x2 and 3x1)"),
    (lambda: torch.linalg.solve(torch.eye(2), torch.ones(2), left=False), RuntimeError,
     "linalg.solve: Incompatible shapes of A and B for the equation XA = B (2x2 and 2x1)"),
    (lambda: torch.linalg.solve(torch.eye(2).expand(3, 2, 2), torch.ones(4, 2, 3)),
     RuntimeError, "The size of tensor a (4) must match the size of tensor b (3) at "
     "non-singleton dimension 0"),
    (lambda: torch.linalg.solve(torch.stack([torch.eye(2), torch.zeros(2, 2)]), torch.ones(2)),
     torch.linalg.LinAlgError, "torch.linalg.solve: (Batch element 1): The solver failed "
     "because the input matrix is singular."),
    (lambda: torch.linalg.inv(torch.tensor(_SINGULAR)), torch.linalg.LinAlgError,
     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed "
     "because the input matrix is singular."),
    (lambda: torch.linalg.inv(torch.stack([torch.eye(3), torch.tensor(_SINGULAR)])),
     torch.linalg.LinAlgError, "linalg.inv: (Batch element 1): The diagonal element 2 is zero"),
    (lambda: torch.linalg.cholesky(torch.stack([torch.eye(2), -torch.eye(2)])),
     torch.linalg.LinAlgError, "linalg.cholesky: (Batch element 1): The factorization could "
     "not be completed because the input is not positive-definite (the leading minor of order "
     "1 is not positive-definite)."),
    (lambda: torch.linalg.inv(torch.ones(3)), RuntimeError,
     "linalg.inv: The input tensor A must have at least 2 dimensions."),
    (lambda: torch.linalg.det(torch.ones(2, 2, dtype=torch.long)), RuntimeError,
     "linalg.det: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: torch.linalg.svd(torch.ones(3, 2, dtype=torch.long)), RuntimeError,
     "linalg.svd: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: torch.linalg.qr(torch.ones(3, 2, dtype=torch.int32)), RuntimeError,
     "linalg.qr: Expected a floating point or complex tensor as input. Got Int"),
    (lambda: torch.linalg.pinv(torch.ones(3, 2, dtype=torch.long)), RuntimeError,
     "linalg.pinv(Long{[3, 2]}): expected a tensor with 2 or more dimensions of float, "
     "double, cfloat or cdouble types"),
    (lambda: torch.linalg.matrix_rank(torch.ones(3)), RuntimeError,
     "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions."),
    (lambda: torch.linalg.matrix_rank(torch.ones(3, 3, dtype=torch.long)), RuntimeError,
     "This function doesn't handle types other than float and double"),
    (lambda: torch.linalg.lu(torch.ones(3)), RuntimeError,
     "linalg.lu: Expected tensor with 2 or more dimensions. Got size: [3] instead"),
])
def test_linalg_refuses_bad_input_in_pytorchs_words(call, error, words):
    _raises_in_pytorchs_words(call, error, words)


def test_cholesky_ex_reports_each_matrix():
    A = torch.stack([torch.eye(2), -torch.eye(2), torch.tensor([[4.0, 2.0], [2.0, 3.0]])])
    L, info = torch.linalg.cholesky_ex(A)
    assert info.tolist() == [0, 1, 0] and info.dtype == torch.int32
    assert torch.allclose(L[2] @ L[2].T, A[2]) and torch.equal(L[0], torch.eye(2))
    U = torch.linalg.cholesky_ex(A, upper=True).L
    assert torch.allclose(U[2].T @ U[2], A[2])


@pytest.mark.parametrize("call, words", [
    (lambda: torch.zeros(), 'zeros() missing 1 required positional arguments: "size"'),
    (lambda: torch.ones(dtype=torch.float64),
     'ones() missing 1 required positional arguments: "size"'),
    (lambda: torch.empty(), 'empty() missing 1 required positional arguments: "size"'),
    (lambda: torch.rand(), "rand() received an invalid combination of arguments - got (), but "
     "expected one of:"),
    (lambda: torch.randn(), "randn() received an invalid combination of arguments - got (), "
     "but expected one of:"),
    (lambda: torch.randint(5), "randint() received an invalid combination of arguments - got "
     "(int), but expected one of:"),
    (lambda: torch.ones(2).new_ones(), 'new_ones() missing 1 required positional arguments: '
     '"size"'),
    (lambda: torch.ones(2, 2).reshape(), 'reshape() missing 1 required positional arguments: '
     '"shape"'),
    (lambda: torch.ones(2, 2).expand(), 'expand() missing 1 required positional arguments: '
     '"size"'),
    (lambda: torch.ones(2, 2).view(), "view() received an invalid combination of arguments - "
     "got (), but expected one of:"),
    (lambda: torch.ones(2, 2).repeat(), 'repeat() missing 1 required positional arguments: '
     '"repeats"'),
    (lambda: torch.ones(2, 2).flip(), 'flip() missing 1 required positional arguments: "dims"'),
    (lambda: torch.softmax(torch.ones(2, 2)), 'softmax() missing 1 required positional '
     'arguments: "dim"'),
    (lambda: torch.ones(2, 2).log_softmax(), 'log_softmax() missing 1 required positional '
     'arguments: "dim"'),
    (lambda: torch.softmax(torch.ones(2, 2), None), "softmax(): argument 'dim' (position 2) "
     "must be int, not NoneType"),
])
def test_calls_pytorchs_parser_refuses(call, words):
    _raises_in_pytorchs_words(call, TypeError, words, whole=True)


def test_what_pytorchs_parser_allows_without_those_arguments():
    x = torch.ones(2, 2)
    assert torch.zeros(()).shape == () and x.new_zeros(()).shape == ()
    assert x.view(dtype=torch.int32).dtype == torch.int32
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        assert torch.allclose(F.softmax(x), torch.full((2, 2), 0.5))
    assert torch.nn.Softmax(dim=1)(x).shape == (2, 2)
    assert torch.distributions.Normal(0.0, 1.0).sample().shape == ()  # (internal empty shapes)


@pytest.mark.parametrize("make, strides", [
    (lambda m, b: torch.linalg.cholesky(m), (1, 3)),
    (lambda m, b: torch.linalg.cholesky(m, upper=True), (1, 3)),
    (lambda m, b: torch.linalg.inv(b), (9, 1, 3)),
    (lambda m, b: torch.linalg.solve(m, m), (1, 3)),
    (lambda m, b: torch.linalg.solve(m, m[:2], left=False), (3, 1)),
    (lambda m, b: torch.linalg.solve(m, m[0]), (1,)),
    (lambda m, b: torch.linalg.svd(m[:2], full_matrices=False).Vh, (1, 2)),
    (lambda m, b: torch.svd(m).V, (3, 1)),
    (lambda m, b: torch.linalg.qr(m[:, :2]).Q, (1, 3)),
    (lambda m, b: torch.linalg.eigh(b).eigenvectors, (9, 1, 3)),
    (lambda m, b: torch.linalg.lu_factor(m).LU, (1, 3)),
    (lambda m, b: torch.linalg.lu(m).L, (3, 1)),
    (lambda m, b: torch.linalg.lstsq(m, m).solution, (1, 3)),
    (lambda m, b: torch.linalg.pinv(m), (3, 1)),
])
def test_factorisations_and_solves_are_laid_out_as_lapack_gives_them(make, strides):
    """PyTorch returns LAPACK's column-major matrices: not contiguous, and .view refuses them."""
    m = torch.tensor([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
    out = make(m, m.expand(2, 3, 3))
    assert out.stride() == strides
    if out.dim() == 2 and strides[0] == 1:
        assert not out.is_contiguous()
        with pytest.raises(RuntimeError, match="^view size is not compatible"):
            out.view(-1)
        assert torch.equal(out.reshape(-1), out.contiguous().view(-1))


def test_python_argument_errors_name_the_function_called():
    """Functions made by factories take their public names: a missing argument names the
    function the user called, never an internal one."""
    import types

    x = torch.ones(2)
    for call, name in ((lambda: x.add_(), "add_"), (lambda: x.unfold(), "unfold"),
                       (lambda: torch.amax(), "amax"), (lambda: torch.std_mean(), "std_mean"),
                       (lambda: x.vsplit(), "vsplit"), (lambda: F.relu_(), "relu_")):
        with pytest.raises(TypeError, match=f"^{name}\\(\\) missing"):
            call()
    for owner in (torch.Tensor, torch, torch.linalg, torch.special, F):
        for key, fn in vars(owner).items():
            while not key.startswith("_") and isinstance(fn, types.FunctionType):
                assert "<" not in fn.__qualname__, (owner, key, fn.__qualname__)
                fn = getattr(fn, "__wrapped__", None)


def test_small_parity_fixes_of_the_twelfth_session():
    with pytest.raises(TypeError, match="^must be real number, not NoneType"):
        torch.tensor([1.0, None], dtype=torch.float64)
    with pytest.raises(TypeError, match="^'NoneType' object cannot be interpreted as an "
                                        "integer"):
        torch.tensor([1, None], dtype=torch.int64)
    with pytest.raises(RuntimeError, match="^Could not infer dtype of NoneType"):
        torch.tensor([1, None])
    with pytest.raises(TypeError, match=r"^clamp\(\) received an invalid combination of "
                                        r"arguments - got \(float, int, int\)"):
        torch.clamp(2.0, 0, 1)
    # adaptive average pooling to one value is a mean first, as PyTorch's: any rank of 2 dims
    assert F.adaptive_avg_pool2d(torch.ones(2, 3), 1).shape == (1, 1)
    with pytest.raises(IndexError, match="^Dimension out of range"):
        F.adaptive_avg_pool2d(torch.ones(3), 1)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = torch.nextafter(x, torch.tensor([3.0, 0.0]))
    with torch.no_grad():
        x.add_(0.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_lstm_hidden_states_as_pytorch_takes_them():
    torch.manual_seed(0)
    m = torch.nn.LSTM(3, 4)
    x = torch.randn(5, 1, 3)
    h = [torch.zeros(1, 1, 4), torch.zeros(1, 1, 4)]
    assert torch.equal(m(x, h)[0], m(x, tuple(h))[0])  # (a list is a pair too)
    with pytest.raises(IndexError, match="^index 1 is out of bounds for dimension 0 with size 1"):
        m(x, torch.zeros(1, 1, 4))  # (one tensor is unpacked as hx[0], hx[1])
    with pytest.raises(RuntimeError, match=r"^For batched 3-D input, hx and cx should also be "
                                           r"3-D but got \(2-D, 3-D\) tensors"):
        m(x, (torch.zeros(1, 4), torch.zeros(1, 1, 4)))


@pytest.mark.parametrize("make, owner", [
    (lambda: torch.nn.LazyLinear(3), "LazyLinear"),
    (lambda: torch.nn.LazyConv2d(3, 2), "_LazyConvXdMixin"),
    (lambda: torch.nn.LazyBatchNorm1d(), "_LazyNormBase"),
])
def test_a_lazy_module_called_without_input_names_initialize_parameters(make, owner):
    with pytest.raises(TypeError, match=f"^{owner}.initialize_parameters\\(\\) missing 1 "
                                        f"required positional argument: 'input'"):
        make()()


def test_numpy_conversion_refuses_what_numpy_refuses():
    t = torch.ones(2, requires_grad=True)
    _raises_in_pytorchs_words(lambda: np.asarray(t), RuntimeError,
                              "Can't call numpy() on Tensor that requires grad. Use "
                              "tensor.detach().numpy() instead.")
    assert np.asarray(t.detach()).tolist() == [1.0, 1.0]
    _raises_in_pytorchs_words(lambda: torch.from_numpy(np.array(["a"])), TypeError,
                              "can't convert np.ndarray of type numpy.str_. The only supported "
                              "types are: float64, float32, float16, complex64, complex128, "
                              "int64, int32, int16, int8, uint64, uint32, uint16, uint8, and "
                              "bool.")
    with pytest.raises(TypeError, match="^can't convert np.ndarray of type numpy.uint16: "):
        torch.from_numpy(np.array([1], dtype=np.uint16))


def test_operators_leave_other_types_to_python():
    """`t == None` is False and `t != "a"` True (PyTorch's operators return NotImplemented
    there); ordering and arithmetic with them fail in Python's words, the operands in the
    order written; torch.eq(t, None) itself still refuses."""
    t = torch.tensor([1, 2])
    assert (t == None) is False and (t != None) is True and (t == [1, 2]) is False  # noqa: E711
    assert (None == t) is False  # noqa: E711
    for call, words in ((lambda: t < None, "'<' not supported between instances of 'Tensor' "
                                           "and 'NoneType'"),
                        (lambda: t + None, "unsupported operand type(s) for +: 'Tensor' and "
                                           "'NoneType'"),
                        (lambda: t - None, "unsupported operand type(s) for -: 'Tensor' and "
                                           "'NoneType'"),
                        (lambda: t ** None, "unsupported operand type(s) for ** or pow(): "
                                            "'Tensor' and 'NoneType'"),
                        (lambda: None * t, "unsupported operand type(s) for *: 'NoneType' and "
                                           "'Tensor'")):
        _raises_in_pytorchs_words(call, TypeError, words, whole=True)
    with pytest.raises(TypeError):
        torch.eq(t, None)
    assert (t == 1.0).tolist() == [True, False] and (2 - t).tolist() == [1, 0]


@pytest.mark.parametrize("kwargs, reduction", [({"reduce": False}, "none"),
                                               ({"size_average": False}, "sum"),
                                               ({"size_average": True, "reduce": True}, "mean"),
                                               ({"reduce": False, "reduction": "sum"}, "none")])
def test_losses_honour_the_deprecated_size_average_and_reduce(kwargs, reduction):
    """size_average/reduce pick the reduction, with PyTorch's warning (they were accepted and
    ignored: a silently different loss)."""
    x, t = torch.arange(6.0).reshape(2, 3), torch.tensor([0, 2])
    want = F.cross_entropy(x, t, reduction=reduction)
    for loss in (lambda: F.cross_entropy(x, t, **kwargs),
                 lambda: F.nll_loss(x.log_softmax(1), t, **kwargs),
                 lambda: torch.nn.CrossEntropyLoss(**kwargs)(x, t),
                 lambda: torch.nn.NLLLoss(**kwargs)(x.log_softmax(1), t)):
        with pytest.warns(UserWarning, match=f"please use reduction='{reduction}' instead"):
            got = loss()
        np.testing.assert_allclose(got.tolist(), want.tolist(), rtol=1e-6)
    y = torch.tensor([0.5, -1.0, 2.0])
    with pytest.warns(UserWarning):
        assert torch.nn.MSELoss(**kwargs).reduction == reduction
        assert torch.nn.HingeEmbeddingLoss(1.0, **kwargs)(y, torch.ones(3)).shape == \
            F.hinge_embedding_loss(y, torch.ones(3), reduction=reduction).shape


def test_a_wrong_reduction_fails_in_forward_as_pytorchs():
    m = torch.nn.MSELoss(reduction="foo")
    _raises_in_pytorchs_words(lambda: m(torch.ones(2), torch.ones(2)), ValueError,
                              "foo is not a valid value for reduction")


def test_options_that_were_accepted_and_ignored_now_act():
    """Each of these was accepted and silently ignored (a different value or gradient)."""
    w = torch.arange(12.0).reshape(4, 3).requires_grad_()
    F.embedding(torch.tensor([[0, 1, 1], [2, 1, 0]]), w, scale_grad_by_freq=True).sum().backward()
    assert w.grad[:, 0].tolist() == [1.0, 1.0, 1.0, 0.0]  # (3 uses of row 1, each / 3)
    m = torch.nn.Embedding(4, 3, scale_grad_by_freq=True)
    m(torch.tensor([3, 3, 0])).sum().backward()
    assert m.weight.grad[:, 0].tolist() == [1.0, 0.0, 0.0, 1.0]
    found = torch.searchsorted(torch.tensor([5, 1, 7, 3]), torch.tensor([4, 6]),
                               sorter=torch.tensor([1, 3, 0, 2]))
    assert found.tolist() == [2, 3]  # (positions in the sorted order 1 3 5 7)
    assert torch.nanmean(torch.tensor([1.0, float("nan")]), dtype=torch.float64).dtype == \
        torch.float64
    q, k = torch.randn(1, 4, 3, 2), torch.randn(1, 2, 3, 2)
    grouped = F.scaled_dot_product_attention(q, k, k, enable_gqa=True)
    np.testing.assert_allclose(grouped.tolist(), F.scaled_dot_product_attention(
        q, k.repeat_interleave(2, 1), k.repeat_interleave(2, 1)).tolist())
    shared = torch.nn.Linear(2, 2)
    seq = torch.nn.Sequential(shared, shared)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert [n for n, _ in seq.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "1.weight", "1.bias"]
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    y = F.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True)
    # each output averages 3 inputs per axis with the widened triangle's weights 3/7 3/7 1/7
    np.testing.assert_allclose(y[0, 0, 0, 0].item(), 25 / 7, rtol=1e-6)
    _raises_in_pytorchs_words(
        lambda: F.interpolate(x, scale_factor=0.5, antialias=True), ValueError,
        "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes")
    lin = torch.nn.Linear(2, 2)
    w = torch.ones(2, 2)
    lin.load_state_dict({"weight": w, "bias": torch.zeros(2)}, assign=True)
    assert isinstance(lin.weight, torch.nn.Parameter) and lin.weight.requires_grad
    w[0, 0] = 5.0  # (assigned: the module's weight is the checkpoint's tensor)
    assert lin.weight[0, 0].item() == 5.0


def test_option_values_are_checked_as_pytorch_checks_them():
    x = torch.tensor([1, 2])
    _raises_in_pytorchs_words(lambda: x.repeat_interleave(2, output_size=5), RuntimeError,
                              "repeat_interleave: Invalid output_size, expected 4 but got 5")
    assert x.repeat_interleave(2, output_size=4).tolist() == [1, 1, 2, 2]
    _raises_in_pytorchs_words(lambda: torch.linalg.lstsq(torch.eye(2), torch.ones(2, 1),
                                                         driver="foo"), RuntimeError,
                              "torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                              "gelsy, gelsd, gelss)")
    _raises_in_pytorchs_words(lambda: torch.cdist(torch.ones(2, 3), torch.ones(1, 3),
                                                  compute_mode="foo"), ValueError,
                              "foo is not a valid value for compute_mode")
    upper = torch.tensor([[2.0, 1.0], [0.0, 3.0]])  # (hermitian: only the lower triangle read)
    np.testing.assert_allclose(torch.linalg.pinv(upper, hermitian=True).tolist(),
                               [[0.5, 0.0], [0.0, 1 / 3]], rtol=1e-6)
    assert torch.linalg.matrix_rank(torch.tensor([[2.0, 5.0], [0.0, 0.0]]),
                                    hermitian=True).item() == 1


def test_reductions_check_keepdim_dim_and_dtype_as_pytorchs_parser():
    x = torch.ones(2, 2)
    _raises_in_pytorchs_words(lambda: x.sum(keepdim=True), TypeError,
                              "sum() received an invalid combination of arguments - got "
                              "(keepdim=bool, ), but expected one of:")
    _raises_in_pytorchs_words(lambda: torch.mean(x, keepdim=False), TypeError,
                              "mean() received an invalid combination of arguments - got "
                              "(Tensor, keepdim=bool), but expected one of:")
    _raises_in_pytorchs_words(lambda: x.median(keepdim=True), TypeError,
                              'median() missing 1 required positional arguments: "dim"')
    assert x.sum(0, keepdim=True).shape == (1, 2) and x.max(1, True).values.shape == (2, 1)
    for call, op in ((lambda: x.argmax(dim=(0,)), "argmax"), (lambda: x.cumsum((0, 1)), "cumsum"),
                     (lambda: x.logcumsumexp([0]), "logcumsumexp"), (lambda: x.mode((0,)), "mode")):
        with pytest.raises(TypeError, match=f"^{op}\\(\\): argument 'dim' must be int, not "):
            call()
    with pytest.raises(TypeError, match="^max\\(\\) received an invalid combination"):
        x.max(dim=(0, 1))
    _raises_in_pytorchs_words(lambda: torch.linalg.vector_norm(x.double(), dtype=torch.float32),
                              RuntimeError, "linalg.vector_norm: the dtype of the input (Double) "
                              "should be convertible without narrowing to the specified dtype "
                              "(Float)")
    _raises_in_pytorchs_words(lambda: x.norm(dtype=torch.int64), RuntimeError,
                              "linalg.vector_norm: dtype should be floating point or complex, but "
                              "got Long")
    assert torch.norm(x, dtype=torch.float64).dtype == torch.float64
    assert torch.norm(x, dim=()).item() == 2.0  # (dim=(): every dim)
    _raises_in_pytorchs_words(lambda: x.nanmean(dtype=torch.uint8), RuntimeError,
                              "nanmean(): could not infer output dtype. Optional dtype must be "
                              "either a floating point or complex dtype. Got: Byte")
    small = torch.tensor([3, 2, -1], dtype=torch.int8)
    assert small.cumprod(0, dtype=torch.uint8).dtype == torch.uint8  # (NumPy widened it)
    assert small.prod(dtype=torch.int32).dtype == torch.int32
    scalar = torch.tensor(2.0)
    assert scalar.median(0, keepdim=True).values.shape == () == \
        scalar.kthvalue(1, 0, True).values.shape


def test_shape_ops_check_in_pytorchs_order():
    x = torch.arange(24.0).reshape(2, 3, 4)
    _raises_in_pytorchs_words(lambda: x.narrow(6, 3, -2), RuntimeError,
                              "narrow(): length must be non-negative.")
    _raises_in_pytorchs_words(lambda: x.repeat(1, -2, 1), RuntimeError,
                              "Trying to create tensor with negative dimension -6: [2, -6, 4]")
    _raises_in_pytorchs_words(lambda: x.permute(1, -2, 4), RuntimeError,
                              "permute(): duplicate dims are not allowed.")
    with pytest.raises(IndexError, match="^Dimension out of range"):
        x.permute(4, 1, 1)
    _raises_in_pytorchs_words(lambda: x.split(-1, 4), RuntimeError,
                              "split expects split_size be non-negative, but got split_size=-1")
    _raises_in_pytorchs_words(lambda: torch.tensor(1.0).tensor_split(2, 5), RuntimeError,
                              "tensor_split expected at least a 1-dimensional tensor, but got a "
                              "tensor with 0 dims")
    _raises_in_pytorchs_words(lambda: torch.ones(1, 3).expand(-2, 3), RuntimeError,
                              "numel: integer multiplication overflow")
    _raises_in_pytorchs_words(lambda: x.unfold(-1, -4, 4), RuntimeError,
                              "size is -4 but must be >= 0")
    idx = torch.zeros(3, 1, 1, dtype=torch.int64)
    _raises_in_pytorchs_words(lambda: x.gather(2, idx), RuntimeError,
                              "Size does not match at dimension 0 expected index [3, 1, 1] to be "
                              "no larger than self [2, 3, 4] apart from dimension 2")
    with pytest.raises(IndexError, match="^Dimension out of range"):
        x[0, 0].gather(2, idx)  # (the dim is checked before the index's rank)
    _raises_in_pytorchs_words(lambda: torch.take_along_dim(x[0], idx, 0), RuntimeError,
                              "torch.take_along_dim(): input and indices should have the same "
                              "number of dimensions, but got 2 dimensions for input, and 3 "
                              "dimensions for indices")


def test_layer_arguments_are_checked_in_pytorchs_words():
    with pytest.raises(AssertionError, match="^Padding_idx must be within num_embeddings$"):
        torch.nn.Embedding(10, 3, padding_idx=10)
    with pytest.raises(AssertionError, match="^Padding_idx must be within num_embeddings$"):
        F.embedding(torch.tensor([1]), torch.ones(3, 2), padding_idx=-4)
    assert torch.nn.Embedding(10, 3, padding_idx=-1).padding_idx == 9
    _raises_in_pytorchs_words(lambda: torch.nn.GroupNorm(4, 6), ValueError,
                              "num_channels (6) must be divisible by num_groups (4)")
    m = torch.nn.Bilinear(2, 3, 4)
    _raises_in_pytorchs_words(lambda: m(torch.ones(5, 2), torch.ones(4, 3)), RuntimeError,
                              "bilinear(): input batch dimensions do not match at dim 0: got 5 "
                              "and 4")
    _raises_in_pytorchs_words(lambda: m(torch.ones(5, 3), torch.ones(5, 3)), RuntimeError,
                              "bilinear(): input1 size does not match weight size: got 3 but "
                              "expected 2")


def test_schedulers_refuse_what_is_not_an_optimizer():
    for make in (lambda o: torch.optim.lr_scheduler.StepLR(o, 2),
                 lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o)):
        _raises_in_pytorchs_words(lambda: make(None), TypeError, "NoneType is not an Optimizer")
        _raises_in_pytorchs_words(lambda: make(torch.nn.Linear(1, 1)), TypeError,
                                  "Linear is not an Optimizer")


def test_index_assignment_checks_as_pytorchs():
    x = torch.zeros(3, 3, dtype=torch.int64)
    _raises_in_pytorchs_words(lambda: x.__setitem__([0, 2], torch.ones(2, 3)), RuntimeError,
                              "Index put requires the source and destination dtypes match, got "
                              "Long for the destination and Float for the source.")
    x[0] = torch.tensor([1.5, 2.5, 3.5])  # (basic indexing copies, casting)
    x[torch.tensor([True, False, True])] = torch.tensor(2.0)  # (a mask fills, casting)
    assert x.tolist() == [[2, 2, 2], [0, 0, 0], [2, 2, 2]]
    for value, name in (([1, 2, 3], "list"), (None, "NoneType"),
                        (np.array([1.0, 2.0, 3.0]), "numpy.ndarray")):
        _raises_in_pytorchs_words(lambda: x.__setitem__(1, value), TypeError,
                                  f"can't assign a {name} to a torch.LongTensor")
    assert x[1].tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match="^shape mismatch: value tensor of shape \\[2, 3\\] "
                                           "cannot be broadcast to indexing result of shape "
                                           "\\[2\\]"):
        torch.zeros(3)[torch.tensor([True, False, True])] = torch.ones(2, 3)


def test_in_place_inverse_hyperbolics_have_no_derivative_as_in_pytorch():
    for name, forward in (("acosh_", "acosh"), ("arccosh_", "acosh"), ("asinh_", "asinh"),
                          ("atanh_", "atanh")):
        x = torch.tensor([1.5, 2.0] if forward == "acosh" else [0.25, 0.5], requires_grad=True)
        y = x * 1
        getattr(y, name)()  # (the value is written and recorded)
        expected = getattr(np, "arc" + forward[1:])(x.detach().numpy())
        np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-6)
        assert y.grad_fn.name() == forward.capitalize() + "Backward1"
        _raises_in_pytorchs_words(lambda: y.sum().backward(), NotImplementedError,
                                  f"the derivative for 'inplace version of {forward}' is not "
                                  f"implemented.", whole=True)
        assert x.grad is None
    x = torch.tensor([1.5, 2.0], requires_grad=True)
    y = x * 1
    w = y * 2  # (a graph that does not reach the in-place op differentiates)
    y.acosh_()
    w.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_out_arguments_checked_as_pytorch_checks_them():
    x = torch.tensor([0.3, 0.6])
    for name in ("abs", "ceil", "floor", "neg", "round", "sign", "trunc", "frac", "fix"):
        out = torch.zeros(2, dtype=torch.float64)
        _raises_in_pytorchs_words(lambda: getattr(torch, name)(x, out=out), RuntimeError,
                                  "Found dtype Double but expected Float", whole=True)
        assert out.tolist() == [0.0, 0.0]
    _raises_in_pytorchs_words(lambda: torch.abs(torch.tensor([1, 2]), out=torch.empty(2)),
                              RuntimeError, "Found dtype Float but expected Long")
    _raises_in_pytorchs_words(lambda: torch.nan_to_num(x, out=torch.empty(2, dtype=torch.int64)),
                              RuntimeError, "nan_to_num: dtype of out: Long should be same as "
                                            "input: Float")
    assert torch.exp(x, out=torch.empty(2, dtype=torch.float64)).dtype == torch.float64
    # no out= at all, in the parser's two wordings
    _raises_in_pytorchs_words(lambda: torch.relu(x, out=torch.empty(2)), TypeError,
                              "relu() got an unexpected keyword argument 'out'")
    _raises_in_pytorchs_words(lambda: torch.count_nonzero(x, out=torch.empty(())), TypeError,
                              "count_nonzero() received an invalid combination of arguments - "
                              "got (Tensor, out=Tensor), but expected one of:")
    _raises_in_pytorchs_words(lambda: torch.repeat_interleave(x, 2, out=torch.empty(4)),
                              TypeError, "repeat_interleave() received an invalid combination "
                                         "of arguments - got (Tensor, int, out=Tensor)")
    # the autograd refusal names the op an alias runs; missing arguments come first
    w = torch.tensor([0.3, 0.6], requires_grad=True)
    for alias, runs in (("clip", "clamp"), ("negative", "neg"), ("square", "pow"),
                        ("arccos", "acos"), ("absolute", "abs")):
        _raises_in_pytorchs_words(lambda: getattr(torch, alias)(w, out=torch.empty(2)),
                                  RuntimeError, f"{runs}(): functions with out=... arguments "
                                                f"don't support automatic differentiation")
    with pytest.raises(TypeError, match="output_size"):
        torch.adaptive_avg_pool1d(w, out=torch.empty(2))
    # ops without a derivative take inputs that require grad
    out = torch.empty(2, dtype=torch.bool)
    assert torch.lt(w, 0.5, out=out) is out and out.tolist() == [True, False]
    assert not out.requires_grad
    assert torch.logical_not(w, out=torch.empty(2)).tolist() == [0.0, 0.0]


def test_view_copies_write_out_exactly_and_record_a_missing_derivative():
    x = torch.ones(2, 2, requires_grad=True)
    _raises_in_pytorchs_words(
        lambda: torch.squeeze_copy(x, out=torch.empty(2, 2, dtype=torch.float64)), RuntimeError,
        "Expected out tensor to have dtype float, but got double instead", whole=True)
    out = torch.empty(2, 2)
    assert torch.alias_copy(x, out=out) is out and out.requires_grad
    assert out.grad_fn.name() == "torch::autograd::NotImplemented"
    _raises_in_pytorchs_words(lambda: out.sum().backward(), RuntimeError,
                              "derivative for aten::alias_copy is not implemented")
    _raises_in_pytorchs_words(lambda: torch.narrow_copy(x, 0, 0, 1, out=torch.empty(1, 2)),
                              RuntimeError, "narrow_copy(): functions with out=... arguments")


def test_matrix_chains_and_stacks_check_as_pytorch():
    _raises_in_pytorchs_words(lambda: torch.chain_matmul(torch.ones(2, 2), torch.ones(2)),
                              RuntimeError, "Tensor dimension is 1, expected 2 instead.", True)
    _raises_in_pytorchs_words(lambda: torch.chain_matmul(), RuntimeError,
                              "chain_matmul(): Expected one or more matrices")
    m = torch.rand(2, 3, requires_grad=True)
    assert torch.chain_matmul(m).grad_fn.name() == "CloneBackward0"
    a, b, c = torch.rand(2, 3), torch.rand(3, 4), torch.rand(4, 2)
    np.testing.assert_allclose(torch.chain_matmul(a, b, c).numpy(),
                               a.numpy() @ b.numpy() @ c.numpy(), rtol=1e-5)
    _raises_in_pytorchs_words(lambda: torch.linalg.multi_dot([a, b, torch.ones(5, 2)]),
                              RuntimeError, "multi_dot(): tensors 1 and 2 with shapes [3, 4] and "
                                            "[5, 2] cannot be multiplied", True)
    _raises_in_pytorchs_words(lambda: torch.linalg.multi_dot([a.double(), b]), RuntimeError,
                              "multi_dot(): all tensors must have be the same dtype but tensor 0 "
                              "is double and tensor 1 float", True)
    _raises_in_pytorchs_words(lambda: torch.linalg.multi_dot(a), TypeError,
                              "linalg_multi_dot(): argument 'tensors' (position 1) must be tuple "
                              "of Tensors, not Tensor")
    for name in ("hstack", "vstack", "row_stack", "dstack", "column_stack", "concat",
                 "concatenate"):
        _raises_in_pytorchs_words(lambda: getattr(torch, name)(torch.ones(2)), TypeError,
                                  f"{name}(): argument 'tensors' (position 1) must be tuple of "
                                  f"Tensors, not Tensor")
    for name, words in (("hstack", "hstack"), ("row_stack", "vstack"),
                        ("column_stack", "column_stack")):
        _raises_in_pytorchs_words(lambda: getattr(torch, name)([]), RuntimeError,
                                  f"{words} expects a non-empty TensorList")
    assert torch.concatenate([a, a], axis=1).shape == (2, 6)


def test_activations_without_integer_kernels_refuse_them():
    i = torch.tensor([1, -2, 3, 4])
    for call, kernel in ((F.hardshrink, "hardshrink_cpu"), (F.softshrink, "softshrink_check"),
                         (lambda t: F.glu(t, 0), "glu_cpu")):
        _raises_in_pytorchs_words(lambda: call(i), NotImplementedError,
                                  f"\"{kernel}\" not implemented for 'Long'")
    _raises_in_pytorchs_words(lambda: F.threshold(torch.tensor([True]), 0.5, 0.0),
                              NotImplementedError, "\"threshold_cpu\" not implemented for 'Bool'")
    for call in (F.hardtanh, F.relu6):
        _raises_in_pytorchs_words(lambda: call(torch.tensor([True, False])), RuntimeError,
                                  "Bool inputs not supported for hardtanh")
    t = F.threshold(i.int(), 0.5, 0.0)  # (integers stay integers)
    assert t.dtype == torch.int32 and t.tolist() == [1, 0, 3, 4]


def test_data_grad_type_and_size_assignments_checked_as_pytorch():
    x = torch.ones(2, requires_grad=True)
    _raises_in_pytorchs_words(lambda: setattr(x, "grad", x), RuntimeError,
                              "can't assign Variable as its own grad", whole=True)
    _raises_in_pytorchs_words(lambda: setattr(x, "data", torch.zeros(2, dtype=torch.int64)),
                              RuntimeError, "data set to a tensor that requires gradients must "
                                            "be floating point or complex dtype")
    _raises_in_pytorchs_words(lambda: setattr(x, "data", [1.0, 2.0]), TypeError,
                              "Variable data has to be a tensor, but got list")
    assert x.tolist() == [1.0, 1.0] and x.grad is None
    for bad in ("float", "FloatTensor", "torch.float64"):
        _raises_in_pytorchs_words(lambda: x.type(bad), ValueError, f"invalid type: '{bad}'")
    _raises_in_pytorchs_words(lambda: x.type(5), TypeError,
                              "dtype must be a type, str, or dtype object")
    assert x.type("torch.IntTensor").dtype == torch.int32
    assert x.type("torch.Tensor").dtype == torch.float32
    _raises_in_pytorchs_words(lambda: torch.Size([2, 2.5]), TypeError,
                              "torch.Size() takes an iterable of 'int' (item 1 is 'float')")
    assert torch.Size([torch.tensor(3), np.int64(2)]) == (3, 2)


def test_optimizer_and_composite_scheduler_checks_as_pytorchs():
    w = torch.ones(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    _raises_in_pytorchs_words(lambda: opt.add_param_group([torch.ones(1, requires_grad=True)]),
                              TypeError, "param_group must be a dict, but got <class 'list'>")
    _raises_in_pytorchs_words(
        lambda: opt.add_param_group({"params": {torch.ones(1, requires_grad=True)}}), TypeError,
        "optimizer parameters need to be organized in ordered collections")
    assert len(opt.param_groups) == 1
    _raises_in_pytorchs_words(lambda: torch.optim.SGD([w], lr=torch.tensor([0.1, 0.2])),
                              ValueError, "Tensor lr must be 1-element")
    with pytest.raises(IndexError):  # (PyTorch reads betas[1])
        torch.optim.Adam([w], betas=(0.9,))
    sched = torch.optim.lr_scheduler
    for make, name in ((lambda parts: sched.SequentialLR(opt, parts, milestones=[2]),
                        "SequentialLR"),
                       (lambda parts: sched.ChainedScheduler(parts), "ChainedScheduler")):
        _raises_in_pytorchs_words(lambda: make([sched.ConstantLR(opt), 3]), TypeError,
                                  f"{name} at index 1 should have `optimizer` as its attribute.")
        _raises_in_pytorchs_words(lambda: make([sched.ConstantLR(opt),
                                                sched.ReduceLROnPlateau(opt)]), ValueError,
                                  f"{name} does not support `ReduceLROnPlateau` scheduler")
    other = torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match=r"(?s)at index 1 has SGD \(.*\), which is different from "
                                         r"SGD\.$") as info:
        sched.SequentialLR(opt, [sched.ConstantLR(opt), sched.ExponentialLR(other, 0.9)],
                           milestones=[2])
    assert "expects all schedulers to belong to the same optimizer" in str(info.value)
    x = torch.tensor([1.5, -0.5], dtype=torch.float64, requires_grad=True)
    lbfgs = torch.optim.LBFGS([x], line_search_fn="wolfe")  # (refused at the step)

    def closure():
        lbfgs.zero_grad()
        loss = (x ** 2).sum()
        loss.backward()
        return loss

    _raises_in_pytorchs_words(lambda: lbfgs.step(closure), RuntimeError,
                              "only 'strong_wolfe' is supported")


def test_python_floats_into_integer_dtypes_overflow_as_in_pytorch():
    for data, dtype in (([float("nan")], torch.int64), (float("inf"), torch.int32),
                        (-1.0, torch.uint8), (256.0, torch.uint8), ([1e30], torch.int64)):
        _raises_in_pytorchs_words(lambda: torch.tensor(data, dtype=dtype), RuntimeError,
                                  f"value cannot be converted to type {str(dtype)[6:]} "
                                  f"without overflow", whole=True)
    assert torch.tensor([255.9, -2.7], dtype=torch.int16).tolist() == [255, -2]  # (truncated)
    assert torch.tensor(float("nan"), dtype=torch.bool).item() is True
    _raises_in_pytorchs_words(lambda: torch.asarray([1, 2], requires_grad=True), RuntimeError,
                              "Only Tensors of floating point and complex dtype can require "
                              "gradients")


def test_p_norms_pass_pytorchs_zero_gradient_at_zeros():
    from autograd_gpu.autograd import gradcheck

    for p in (3.0, 0.5, 1.5, -1.0):
        x = torch.tensor([[3.0, 4.0], [0.0, 0.0], [0.0, 2.0]], dtype=torch.float64,
                         requires_grad=True)
        y = torch.linalg.vector_norm(x, p, dim=1)
        y.sum().backward()
        rows = x.grad.numpy()
        assert np.isfinite(rows).all() and (rows[1] == 0).all(), (p, rows)
        if p < 0:  # (a zero element makes the norm 0, and nothing flows back)
            assert y[2].item() == 0 and (rows[2] == 0).all()
        else:
            np.testing.assert_allclose(y[2].item(), 2.0)
            np.testing.assert_allclose(rows[2], [0.0, 1.0])
        away = torch.tensor([[3.0, -4.0], [0.5, 2.0]], dtype=torch.float64, requires_grad=True)
        assert gradcheck(lambda t: torch.linalg.vector_norm(t, p, dim=1), (away,))
    z = torch.zeros(2, 2, dtype=torch.float64, requires_grad=True)
    F.normalize(z, p=3).sum().backward()  # x / max(norm, eps): 1 / eps, as in PyTorch
    np.testing.assert_allclose(z.grad.numpy(), np.full((2, 2), 1e12))


def test_softmin_implicit_dim_and_one_hot_negative_classes():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        out = F.softmin(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(out.numpy()[0], [0.7310586, 0.2689414], rtol=1e-6)
    _raises_in_pytorchs_words(lambda: F.one_hot(torch.tensor([-1, 5]), 3), RuntimeError,
                              "Class values must be non-negative.", whole=True)


def test_size_arguments_by_keyword_and_scatter_with_reduce():
    x = torch.arange(6.0).reshape(2, 3)
    assert x.reshape(shape=(3, 2)).shape == (3, 2) and x.view(size=(3, 2)).shape == (3, 2)
    assert x.permute(dims=(1, 0)).shape == (3, 2) and x.repeat(repeats=(2, 1)).shape == (4, 3)
    assert x.expand(size=(2, 2, 3)).shape == (2, 2, 3) and x.new_ones(size=(2,)).tolist() == \
        [1.0, 1.0]
    assert [t.shape for t in x.split(split_size=[1, 2], dim=1)] == [(2, 1), (2, 2)]
    _raises_in_pytorchs_words(lambda: x.reshape(size=(3, 2)), TypeError,
                              'reshape() missing 1 required positional arguments: "shape"')
    _raises_in_pytorchs_words(lambda: x.permute((1, 0), dims=(1, 0)), TypeError,
                              "permute() got multiple values for argument 'dims'")
    ones = torch.ones(3, 4)
    index = torch.tensor([[0, 0], [1, 1], [2, 2]])
    added = ones.scatter(1, index, 3.0, reduce="add")  # (each index twice: 1 + 3 + 3)
    assert added.diagonal().tolist() == [7.0, 7.0, 7.0] and added.sum().item() == 12 + 18
    with pytest.warns(UserWarning, match="The reduce argument of torch.scatter with Tensor src "
                                         "is deprecated"):
        product = ones.scatter(1, index, torch.full((3, 2), 2.0), reduce="multiply")
    assert product.diagonal().tolist() == [4.0, 4.0, 4.0]
    _raises_in_pytorchs_words(lambda: ones.scatter(1, index, 3.0, reduce="sum"), RuntimeError,
                              "reduce argument must be either add or multiply.")
    w = torch.ones(3, 4, requires_grad=True)
    y = w.scatter(1, index, 3.0, reduce="add")
    _raises_in_pytorchs_words(lambda: y.sum().backward(), RuntimeError,
                              "derivative for aten::scatter is not implemented")
    _raises_in_pytorchs_words(lambda: torch.tensor([1.0, 2.0]).bincount(), NotImplementedError,
                              "\"bincount_cpu\" not implemented for 'Float'")
    _raises_in_pytorchs_words(lambda: x.mean(dim=1, dtype=torch.int64), RuntimeError,
                              "mean(): could not infer output dtype. Optional dtype must be "
                              "either a floating point or complex dtype. Got: Long")


def test_random_fills_check_their_arguments_as_pytorch():
    _raises_in_pytorchs_words(lambda: torch.empty(3).uniform_(3, -2), RuntimeError,
                              "uniform_ expects to return a [from, to) range, but found from=3 "
                              "> to=-2", whole=True)
    _raises_in_pytorchs_words(lambda: torch.empty(3).uniform_(0.5, 1e-7), RuntimeError,
                              "uniform_ expects to return a [from, to) range, but found "
                              "from=0.5 > to=1e-07", whole=True)
    _raises_in_pytorchs_words(lambda: torch.empty(3).normal_(0, -0.25), RuntimeError,
                              "normal expects std >= 0.0, but found std -0.25", whole=True)
    _raises_in_pytorchs_words(lambda: torch.empty(3, dtype=torch.int64).uniform_(),
                              NotImplementedError,
                              "\"check_uniform_bounds\" not implemented for 'Long'")
    _raises_in_pytorchs_words(lambda: torch.empty(3, dtype=torch.int64).normal_(),
                              NotImplementedError,
                              "\"normal_kernel_cpu\" not implemented for 'Long'")
    _raises_in_pytorchs_words(lambda: torch.nn.init.trunc_normal_(torch.empty(3), a=2.0, b=1.0),
                              RuntimeError, "uniform_ expects to return a [from, to) range")
    _raises_in_pytorchs_words(lambda: torch.nn.init.calculate_gain("leaky_relu", True),
                              ValueError, "negative_slope True not a valid number")
    torch.manual_seed(0)
    u = torch.empty(1000).uniform_(to=5)
    assert 0 <= u.min().item() and u.max().item() < 5
    assert torch.empty(3).normal_(mean=3, std=0).tolist() == [3.0, 3.0, 3.0]
    _raises_in_pytorchs_words(lambda: torch.empty(3).normal_(1.0, mean=2.0), TypeError,
                              "normal_() got multiple values for argument 'mean'")


def test_factories_take_pytorchs_keywords_and_check_as_it_does():
    assert torch.zeros(size=(2, 3)).shape == (2, 3) and torch.ones(size=[2]).tolist() == [1, 1]
    assert torch.rand(size=(4,), generator=torch.Generator().manual_seed(0)).shape == (4,)
    _raises_in_pytorchs_words(lambda: torch.zeros((2,), size=(2,)), TypeError,
                              "zeros() got multiple values for argument 'size'")
    assert torch.arange(end=4).tolist() == [0, 1, 2, 3]
    assert torch.arange(end=5, start=1, step=2).tolist() == [1, 3]
    _raises_in_pytorchs_words(lambda: torch.arange(start=2), TypeError,
                              'arange() missing 1 required positional arguments: "end"')
    _raises_in_pytorchs_words(lambda: torch.arange(5, step=2), TypeError,
                              "arange() received an invalid combination of arguments - got "
                              "(int, step=int), but expected one of:")
    _raises_in_pytorchs_words(lambda: torch.randint(3.5, (2,)), TypeError,
                              "randint(): argument 'high' (position 1) must be int, not float")
    _raises_in_pytorchs_words(lambda: torch.randint(2 ** 63, (2,)), ValueError,
                              "Overflow when unpacking long long")
    _raises_in_pytorchs_words(lambda: torch.tril_indices(3, -1), RuntimeError,
                              "col must be non-negative, got-1")
    _raises_in_pytorchs_words(lambda: torch.triu_indices(3, 3, dtype=torch.float32),
                              NotImplementedError, "\"triu_indices\" not implemented for 'Float'")
    assert torch.tril_indices(3, 3, dtype=torch.int32).dtype == torch.int32
    _raises_in_pytorchs_words(lambda: torch.normal(torch.zeros(2), torch.ones(3)), RuntimeError,
                              "The size of tensor a (2) must match the size of tensor b (3) at "
                              "non-singleton dimension 0")


def test_linspace_and_logspace_without_steps_in_the_parsers_words():
    for name in ("linspace", "logspace"):
        _raises_in_pytorchs_words(lambda: getattr(torch, name)(0, 1), TypeError,
                                  f"{name}() received an invalid combination of arguments - "
                                  f"got (int, int), but expected one of:")
    assert torch.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]


_X53 = torch.ones(5, 3)


@pytest.mark.parametrize("call, error, words", [
    (lambda: _X53.index_add(0, torch.tensor([0, 5]), torch.ones(2, 3)), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 5"),
    (lambda: _X53.index_add(0, torch.tensor([-1]), torch.ones(1, 3)), RuntimeError,
     "index -1 is out of bounds for dimension 0 with size 5"),
    (lambda: _X53.index_add(0, torch.tensor([0.0, 1.0]), torch.ones(2, 3).double()),
     RuntimeError, "index_add_(): Expected dtype int32/int64 for index but got: Float"),
    (lambda: _X53.index_add(0, torch.tensor([[0, 1]]), torch.ones(2, 3)), IndexError,
     "index_add_(): Index is supposed to be a vector, but got dim: 2 with type: Long and "
     "size: [1, 2]"),
    (lambda: _X53.index_copy(0, torch.tensor([[0, 1]]), torch.ones(2, 3)), IndexError,
     "index_copy_(): Index should have dimension 1 or 0 (got 2)"),
    (lambda: _X53.index_copy(0, torch.tensor([0, 1], dtype=torch.int32), torch.ones(2, 3)),
     RuntimeError, "index_copy_(): Expected a long tensor for index, but got Int"),
    (lambda: _X53.index_copy(0, torch.tensor([-6]), torch.ones(1, 3)), IndexError,
     "index_copy_(): index -6 is out of bounds for dimension 0 with size 5"),
    (lambda: _X53.index_fill(0, torch.tensor([0, 1]), torch.tensor([1.0])), RuntimeError,
     "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
     "dimension(s)."),
    (lambda: _X53.index_fill(0, torch.tensor([0, 1], dtype=torch.int32), 2.0), IndexError,
     "index_fill_(): Expected dtype int64 for index."),
    (lambda: torch.ones(3).index_reduce(0, torch.tensor([0, 3]), torch.ones(2), "prod"),
     IndexError, "index out of range in self"),
    (lambda: torch.ones(3, 2).index_reduce(0, torch.tensor([0, 1]), torch.ones(3, 2), "prod"),
     RuntimeError, "index_reduce_(): Number of indices (2) should be equal to "
     "source.size(dim): (3), for dim: 0"),
    (lambda: torch.ones(3).index_reduce(0, torch.tensor([0]), torch.ones(1).double(), "prod"),
     RuntimeError, "index_reduce_(): self (Float) and source (Double) must have the same "
     "scalar type"),
    (lambda: torch.zeros(3).scatter_reduce(0, torch.tensor([0.0]), torch.ones(1), "sum"),
     RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    (lambda: torch.zeros(3).scatter_reduce(0, torch.tensor([0]), torch.ones(1).long(), "sum"),
     RuntimeError, "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda: torch.zeros(2, 3).masked_scatter(torch.ones(2, 3, dtype=torch.bool),
                                              torch.arange(10)), RuntimeError,
     "masked_scatter: expected self and source to have same dtypes but gotFloat and Long"),
    (lambda: torch.zeros(2, 3).masked_scatter(torch.tensor([1, 0, 1]), torch.arange(10.0)),
     RuntimeError, "masked_scatter_ only supports boolean masks, but got mask with dtype Long"),
    (lambda: torch.zeros(2, 3).masked_scatter(torch.ones(2, 3, dtype=torch.bool),
                                              torch.ones(5)), RuntimeError,
     "Number of elements of source < number of ones in mask"),
    (lambda: torch.zeros(2, 3).masked_scatter_(torch.ones(2, 2, 3, dtype=torch.bool),
                                               torch.ones(12)), RuntimeError,
     "expand(CPUBoolType{[2, 2, 3]}, size=[2, 3]): the number of sizes provided (2) must be "
     "greater or equal to the number of dimensions in the tensor (3)"),
    (lambda: torch.histc(torch.tensor([1.0, 2.0]), bins=0), RuntimeError,
     "torch.histogram(): bins must be > 0, but got 0 for dimension 0"),
    (lambda: torch.histc(torch.tensor([1.0, 2.0]), bins=3, min=3, max=1), RuntimeError,
     "torch.histc: max must be larger than min"),
    (lambda: torch.histc(torch.tensor([1.0, float("inf")]), bins=3), RuntimeError,
     "torch.histc: range of [1, inf] is not finite"),
    (lambda: torch.histogram(torch.tensor([1, 2]), bins=3), NotImplementedError,
     "\"histogramdd\" not implemented for 'Long'"),
    (lambda: torch.histogram(torch.tensor([1.0, 2.0]), bins=torch.tensor([0, 1])),
     RuntimeError, "torch.histogramdd: input tensor and bins tensors should have the same "
     "dtype, but got input with dtype float and bins for dimension 0 with dtype long int"),
    (lambda: torch.histogram(torch.tensor([1.0, 2.0]), bins=2, range=(3.0, 1.0)),
     RuntimeError, "torch.histogramdd: min should not exceed max, but got min 3 max 1 for "
     "dimension 0"),
    (lambda: torch.histogram(torch.tensor([1.0, float("nan")]), bins=2), RuntimeError,
     "torch.histogramdd: dimension 0's range [nan, nan] is not finite"),
    (lambda: torch.histogram(torch.tensor([1.0, 2.0]), bins=2, weight=torch.ones(3)),
     RuntimeError, "torch.histogramdd: if weight tensor is provided it should have the same "
     "shape as the input tensor excluding its innermost dimension, but got input with shape "
     "[2, 1] and weight with shape [3]"),
    (lambda: torch.bucketize(torch.tensor([1, 5]), torch.tensor([[1, 3], [5, 7]])),
     RuntimeError, "boundaries tensor must be 1 dimension, but got dim(2)"),
])
def test_index_writes_and_histograms_check_in_pytorchs_words(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


def test_index_writes_and_histograms_compute_pytorchs_numbers():
    # index_fill counts a negative index from the end; index_add and index_copy refuse it
    assert torch.ones(5).index_fill(0, torch.tensor([-1]), 2.0).tolist() == [1, 1, 1, 1, 2]
    # a histc range of no width takes the data's range (not only for 0, 0)
    assert torch.histc(torch.tensor([1.0, 2, 3]), bins=2, min=5, max=5).tolist() == [1, 2]
    assert torch.histc(torch.tensor([2.0, 2.0]), bins=2).tolist() == [0, 2]
    # masked_scatter out of place broadcasts self with the mask
    y = torch.zeros(2, 3).masked_scatter(torch.ones(2, 2, 3, dtype=torch.bool),
                                         torch.arange(12.0))
    assert y.shape == (2, 2, 3) and y.reshape(-1).tolist() == list(range(12))
    # histogram: weights of any shape with the input's element count; 'max' names amax
    h = torch.histogram(torch.tensor([[1.0, 2], [3, 4]]), bins=2,
                        weight=torch.tensor([[1.0, 2], [3, 4]]))
    assert h.hist.tolist() == [3, 7] and h.bin_edges.tolist() == [1, 2.5, 4]
    got = torch.zeros(3).scatter_reduce(0, torch.tensor([0, 0, 2]),
                                        torch.tensor([5.0, 3.0, 2.0]), "max")
    assert got.tolist() == [5, 0, 2]


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch.iinfo(torch.float32), TypeError,
     "torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'"),
    (lambda: torch.finfo(torch.int32), TypeError, "torch.finfo() requires a floating point "
     "input type. Use torch.iinfo to handle 'torch.finfo'"),
    (lambda: torch.finfo("float32"), TypeError,
     "finfo(): argument 'type' (position 1) must be torch.dtype, not str"),
    (lambda: torch.can_cast(torch.float32, "int"), TypeError,
     "can_cast(): argument 'to' (position 2) must be torch.dtype, not str"),
    (lambda: torch.promote_types(1, torch.float32), TypeError,
     "promote_types(): argument 'type1' (position 1) must be torch.dtype, not int"),
    (lambda: torch.arange(12).unflatten(0, ()), RuntimeError,
     "unflatten: sizes must be non-empty"),
    (lambda: torch.arange(12).unflatten(0, (-1, -1)), RuntimeError,
     "unflatten got an unexpected error:\nonly one dimension can be inferred"),
    (lambda: torch.cov(torch.tensor([[0.0, 1, 2]]), fweights=torch.tensor([1.0, 2, 1])),
     RuntimeError, "cov(): expected fweights to have integral dtype but got fweights with "
     "Float dtype"),
    (lambda: torch.cov(torch.tensor([[0.0, 1, 2]]), aweights=torch.tensor([1, 2, 1])),
     RuntimeError, "cov(): expected aweights to have floating point dtype but got aweights "
     "with Long dtype"),
    (lambda: torch.cov(torch.tensor([[0.0, 1, 2]]), fweights=torch.tensor([1, -2, 1])),
     RuntimeError, "cov(): fweights cannot be negative"),
    (lambda: torch.cov(torch.tensor([[0.0, 1, 2]]), aweights=torch.tensor([1.0, 2])),
     RuntimeError, "cov(): expected aweights to have the same numel as there are observations "
     "in the input but got 2 != 3"),
    (lambda: torch.cov(torch.tensor([[0.0, 1, 2]]), aweights=torch.zeros(3)), RuntimeError,
     "cov(): weights sum to zero, can't be normalized"),
    (lambda: torch.cov(torch.tensor([[True, False]])), RuntimeError,
     "cov(): bool dtype is not supported for input"),
])
def test_dtype_info_unflatten_and_cov_check_in_pytorchs_words(call, error, words):
    _raises_in_pytorchs_words(call, error, words, whole=True)


def test_dtype_info_and_cov_numbers():
    assert torch.finfo(torch.float32).resolution == 1e-06
    assert torch.finfo(torch.float16).resolution == 0.001
    assert torch.finfo(torch.float32) == torch.finfo(torch.float32)
    assert torch.finfo(torch.float32) != torch.finfo(torch.float64)
    with pytest.raises(TypeError, match="unhashable"):
        hash(torch.finfo(torch.float32))
    # cov squeezes its result (one variable: a 0-d tensor); no degrees of freedom divides by 0
    assert torch.cov(torch.tensor([[1.0, 2.0, 4.0]])).shape == ()
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        c = torch.cov(torch.tensor([[0.0, 1, 2]]), correction=3)
    assert c.item() == float("inf")
    x = np.array([[0.0, 1, 2], [2, 1, 0.5]])
    fw, aw = np.array([1, 2, 1]), np.array([0.5, 2.0, 1.0])
    got = torch.cov(torch.tensor(x), fweights=torch.tensor(fw), aweights=torch.tensor(aw))
    np.testing.assert_allclose(got.numpy(), np.cov(x, fweights=fw, aweights=aw), rtol=1e-12)


def test_binary_math_promotes_before_computing_and_refuses_what_pytorch_refuses():
    # hypot squares in the result's dtype (uint8 200 squared wrapped to 8 before)
    got = torch.hypot(torch.tensor([3, 0, 200], dtype=torch.uint8), torch.tensor([4.0, 0.5, 0.0]))
    np.testing.assert_allclose(got.numpy(), [5.0, 0.5, 200.0])
    # ldexp scales as std::ldexp: a zero stays zero however large the exponent
    got = torch.ldexp(torch.tensor([0.0, 1.5], dtype=torch.float16),
                      torch.tensor([200, 3], dtype=torch.uint8))
    assert got.tolist() == [0.0, 12.0] and got.dtype == torch.float16
    # the regularized incomplete gamma of (0, 0) is undefined
    assert np.isnan(torch.igamma(torch.tensor([0.0]), torch.tensor([0.0])).item())
    assert torch.igamma(torch.tensor([0.0]), torch.tensor([2.0])).item() == 1.0
    got = torch.logaddexp2(torch.tensor([3], dtype=torch.int8), torch.tensor([1.5],
                                                                             dtype=torch.float16))
    assert got.dtype == torch.float16
    for call, words in [
        (lambda: torch.logaddexp2(torch.tensor([1, 2]), torch.tensor([3, 4])),
         "\"logaddexp2_cpu\" not implemented for 'Long'"),
        (lambda: torch.igamma(torch.tensor([1, 2]), torch.tensor([True, False])),
         "\"igamma_cpu\" not implemented for 'Long'"),
        (lambda: torch.ldexp(torch.tensor([1.0]), torch.tensor([True])),
         "\"ldexp_cpu_exp\" not implemented for 'Bool'"),
        (lambda: torch.linalg.cross(torch.tensor([True, False, True]), torch.ones(3)),
         "\"cross\" not implemented for 'Bool'"),
        (lambda: torch.inner(torch.tensor([True]), torch.tensor([True])),
         "\"dot\" not implemented for 'Bool'"),
    ]:
        _raises_in_pytorchs_words(call, NotImplementedError, words, whole=True)
    _raises_in_pytorchs_words(lambda: torch.linalg.cross(torch.ones(3), torch.ones(3).double()),
                              RuntimeError, "expected scalar type Float but found Double",
                              whole=True)


def test_in_place_and_dtype_arguments_follow_pytorchs_kernels():
    x = torch.tensor([1, 2], dtype=torch.int16)
    y = torch.tensor([200, 2], dtype=torch.uint8)
    got = torch.addcmul(x, y, y, value=2)  # (the product in int16, not wrapped in uint8)
    assert got.dtype == torch.int16 and got.tolist() == [(1 + 2 * 40000 + 2 ** 15) % 2 ** 16
                                                         - 2 ** 15, 10]
    assert torch.addcmul(torch.tensor([1, 2]), torch.tensor([1, 2]), torch.tensor([1, 2]),
                         value=0.5).tolist() == [1, 2]  # (value in the result's dtype: 0)
    b = torch.tensor([True, False, True])
    filled = b.clone().index_fill_(0, torch.tensor([1]), torch.tensor(3, dtype=torch.uint8))
    assert filled.dtype == torch.bool and filled.tolist() == [True, True, True]
    for call, error, words in [
        (lambda: torch.addcmul(b, b, b), NotImplementedError,
         "\"addcmul_cpu_out\" not implemented for 'Bool'"),
        (lambda: torch.ones(2, dtype=torch.int32).float_power_(2), RuntimeError,
         "the base given to float_power_ has dtype Int but the operation's result requires "
         "dtype Double"),
        (lambda: b.clone().hypot_(torch.tensor([3, 0, 2], dtype=torch.uint8)), RuntimeError,
         "result type Byte can't be cast to the desired output type Bool"),
        (lambda: torch.cumsum(torch.tensor([1, 2]), 0, dtype=torch.bool), NotImplementedError,
         "\"cumsum_out_cpu\" not implemented for 'Bool'"),
        (lambda: torch.softmax(torch.tensor([1, 2]), 0, dtype=torch.int32), NotImplementedError,
         "\"softmax_lastdim_kernel_impl\" not implemented for 'Int'"),
    ]:
        _raises_in_pytorchs_words(call, error, words, whole=True)


@pytest.mark.parametrize("call, words", [
    (lambda: torch.cumsum(torch.ones(2)), 'cumsum() missing 1 required positional arguments: '
                                          '"dim"'),
    (lambda: torch.gather(torch.ones(2)), 'gather() missing 2 required positional argument: '
                                          '"dim", "index"'),
    (lambda: torch.gather(torch.ones(2), dim=0), 'gather() missing 1 required positional '
                                                 'arguments: "index"'),
    (lambda: torch.gcd(torch.ones(2, dtype=torch.int64)), 'gcd() missing 1 required positional '
                                                          'arguments: "other"'),
    (lambda: torch.zeros(), 'zeros() missing 1 required positional arguments: "size"'),
    (lambda: torch.full(), 'full() missing 2 required positional argument: "size", '
                           '"fill_value"'),
])
def test_missing_arguments_in_pytorchs_parser_words(call, words):
    """PyTorch's parser lists the required arguments from the first missing one on, and its
    'argument%s' reads 'arguments' for exactly one (and 'argument' otherwise)."""
    _raises_in_pytorchs_words(call, TypeError, words, whole=True)


def test_empty_tensor_lists():
    assert torch.broadcast_tensors() == ()
    for call in (torch.meshgrid, torch.cartesian_prod):
        _raises_in_pytorchs_words(call, RuntimeError, "meshgrid expects a non-empty TensorList",
                                  whole=True)
    assert torch.zeros(()).shape == () and torch.cumsum(torch.ones(3), 0).tolist() == [1, 2, 3]


def test_igamma_in_place_and_to_dense():
    y = torch.tensor([1.0, 2.0])
    assert y.igamma_(torch.tensor([0.5, 1.0])) is y
    np.testing.assert_allclose(y.numpy(), [1 - np.exp(-0.5), 1 - 2 * np.exp(-1.0)], rtol=1e-6)
    z = torch.tensor([1.0, 2.0])
    z.igammac_(torch.tensor([0.5, 1.0]))
    np.testing.assert_allclose(z.numpy(), [np.exp(-0.5), 2 * np.exp(-1.0)], rtol=1e-6)
    _raises_in_pytorchs_words(lambda: torch.tensor([1, 2]).igamma_(torch.tensor([0.5, 1.0])),
                              RuntimeError, "result type Float can't be cast to the desired "
                              "output type Long", whole=True)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.to_dense() is x and x.to_dense(torch.float64).dtype == torch.float64


def test_reductions_take_an_explicit_none_dim_and_empty_dims():
    x = torch.arange(24.0).reshape(2, 3, 4) - 11
    for f in (torch.sum, torch.mean, torch.nansum, torch.nanmean):
        got = f(x, None, keepdim=True)
        assert got.shape == (1, 1, 1) and got.item() == f(x).item()
    _raises_in_pytorchs_words(lambda: torch.sum(x, keepdim=True), TypeError,
                              "sum() received an invalid combination of arguments - got "
                              "(Tensor, keepdim=bool), but expected one of:")
    # all/any over no dims reduce nothing (sum over () sums everything: PyTorch's legacy)
    assert torch.all(x, ()).shape == (2, 3, 4) and torch.any(x, ()).tolist() == (x != 0).tolist()
    assert torch.sum(x, ()).item() == 12.0
    assert torch.norm(x, None).item() == torch.norm(x).item()
