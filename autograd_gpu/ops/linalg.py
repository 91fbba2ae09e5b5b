"""Matrix products: matmul (1-D, 2-D, batched with broadcasting) and mm."""
from __future__ import annotations

import numpy as np

from ..autograd.node import Node, new_node
from ..tensor import Tensor, _wrap
from .. import _dtypes, backends
from ._core import device_error, method, not_tensor, record, recording, register, same_device
from .fusable import column_sums


class MmBackward0(Node):
    """One formula for every matmul form: vectors are made matrices, batch dims summed."""

    __slots__ = ()
    _saved_names = ("self", "mat2")

    def grad(self, F, g, a, b):
        (fa, _), (fb, _) = self.next_functions
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        a2 = a if a.ndim > 1 else F.reshape(a, (1, a.shape[0]))
        b2 = b if b.ndim > 1 else F.reshape(b, (b.shape[0], 1))
        if a.ndim == 1:
            g = F.expand_dims(g, -2)
        if b.ndim == 1:
            g = F.expand_dims(g, -1)
        ga = gb = None
        if fa is not None and not F.tensors and a.ndim == 2 and b.ndim == 2 and \
                g.shape[1] > 4 * max(g.shape[0], b.shape[0]):
            # a long contraction into a small result (a convolution's weight gradient):
            # OpenBLAS runs (b g^T)^T about 30% faster than g b^T for these shapes
            ga = F.swapaxes(F.matmul(b2, F.swapaxes(g, 0, 1)), 0, 1)
        elif fa is not None:
            ga = F.sum_to(F.matmul(g, F.swapaxes(b2, -1, -2)), a2.shape)
            ga = ga if a.ndim > 1 else F.reshape(ga, a.shape)
        if fb is not None:
            gb = F.sum_to(F.matmul(F.swapaxes(a2, -1, -2), g), b2.shape)
            gb = gb if b.ndim > 1 else F.reshape(gb, b.shape)
        return ga, gb


def _named(name: str, saved_names: tuple = ("self", "mat2")) -> type:
    return type(name, (MmBackward0,), {"__slots__": (), "_saved_names": saved_names})


DotBackward0 = _named("DotBackward0", ("self", "tensor"))
MvBackward0 = _named("MvBackward0", ("self", "vec"))
UnsafeViewBackward0 = _named("UnsafeViewBackward0")
SqueezeBackward4 = _named("SqueezeBackward4")
BmmBackward0 = _named("BmmBackward0")


def _node_class(na: int, nb: int) -> type:
    if na == 2 and nb == 2:
        return MmBackward0
    if na == 1 and nb == 1:
        return DotBackward0
    if na == 2 and nb == 1:
        return MvBackward0
    if na == 1:
        return SqueezeBackward4
    return UnsafeViewBackward0


def _c_name(np_dtype) -> str:
    return _dtypes.C_NAMES.get(np_dtype.name, np_dtype.name)


def _shape_error(a, b) -> RuntimeError:
    """matmul's shape errors in PyTorch's words, which follow the product it dispatches to:
    dot, mv, mm (a stack of rows folded into one matrix) or a batched product."""
    sa, sb = tuple(a._data.shape), tuple(b._data.shape)
    if len(sa) == 1 and len(sb) == 1:
        return RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src "
                            f"[{sb[0]}] to have the same number of elements, but got {sa[0]} "
                            f"and {sb[0]} elements respectively")
    rows = int(np.prod(sa[:-1])) if len(sa) > 1 else 1
    if len(sb) == 1:
        return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec "
                            f"({sb[0]})")
    if len(sb) == 2:
        return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{sa[-1]} and "
                            f"{sb[0]}x{sb[1]})")
    ba, bb = sa[:-2], sb[:-2]
    try:
        batch = int(np.prod(np.broadcast_shapes(ba, bb)))
    except ValueError:
        from .pointwise import _broadcast_error

        return _broadcast_error(_wrap(np.empty(ba)), _wrap(np.empty(bb)))
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                        f"[{batch}, {sa[-1]}] but got: [{batch}, {sb[-2]}].")


def _dtype_error(a, b) -> RuntimeError:
    """matmul's mixed-dtype error as the kernel it dispatches to words it (checked after the
    shapes, except for two vectors)."""
    ad, bd = a._data, b._data
    if ad.ndim == bd.ndim == 1:
        return RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                            f"{_title(ad.dtype)} and {_title(bd.dtype)}")
    if bd.ndim == 1:
        return RuntimeError(f"addmv input tensors must have the same dtype, but got "
                            f"{_title(bd.dtype)}, {_title(ad.dtype)}, and {_title(bd.dtype)}")
    if bd.ndim > 2:
        return RuntimeError(f"expected scalar type {_title(ad.dtype)} but found "
                            f"{_title(bd.dtype)}")
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                        f"{_c_name(ad.dtype)} != {_c_name(bd.dtype)} (convert one with "
                        f".to({b.dtype if ad.dtype.kind != 'f' else a.dtype}))")


def _shapes_fit(sa: tuple, sb: tuple) -> bool:
    if sa[-1] != (sb[0] if len(sb) == 1 else sb[-2]):
        return False
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        return False
    return True


@method("__matmul__")
def _matmul_operator(self: Tensor, other) -> Tensor:
    if not isinstance(other, Tensor):
        return NotImplemented  # (Python's own TypeError, as PyTorch's @ gives)
    return matmul(self, other)


@register()
@method("matmul")
def matmul(input: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("matmul", "other", 2, other)
    ad, bd = input._data, other._data
    if ad.__class__ is not bd.__class__ or (ad.__class__.__module__ != "numpy"
                                           and ad.device != bd.device):
        raise device_error("matmul", (input, other))
    if ad.ndim == 0 or bd.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{ad.ndim}D and {bd.ndim}D")
    if ad.dtype != bd.dtype:
        if not (ad.ndim == bd.ndim == 1) and not _shapes_fit(ad.shape, bd.shape):
            raise _shape_error(input, other)
        raise _dtype_error(input, other)
    if ad.dtype == np.bool_:  # (PyTorch's CPU kernels, by the shapes' case)
        kernel = "dot" if ad.ndim == bd.ndim == 1 else "addmv_impl_cpu" if bd.ndim == 1 else \
            "bmm" if max(ad.ndim, bd.ndim) > 2 else "addmm_impl_cpu_"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    try:
        out = ad @ bd
    except ValueError:
        raise _shape_error(input, other) from None
    if recording(input, other):
        if ad.ndim == 1 and bd.ndim == 2:  # PyTorch's graph: unsqueeze, mm, squeeze_
            row = input.unsqueeze(0)
            m = record(MmBackward0, out[None], (row, other), (row, other))
            res = record(SqueezeBackward4_linear, out, (m,))
            res._edge[0].shape = out[None].shape
            return res
        return record(_node_class(ad.ndim, bd.ndim), out, (input, other), (input, other))
    return _wrap(out)


@register()
@method("mm")
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if not isinstance(mat2, Tensor):
        raise not_tensor("mm", "mat2", 2, mat2)
    if input._data.ndim != 2:
        raise RuntimeError(f"self must be a matrix, got {input._data.ndim}-D tensor")
    if mat2._data.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2._data.ndim}-D tensor")
    return matmul(input, mat2)


@method("__rmatmul__")
def _rmatmul(self: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


@method("bmm")
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    if not isinstance(mat2, Tensor):
        raise not_tensor("bmm", "mat2", 2, mat2)
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError(f"batch{1 if input._data.ndim != 3 else 2} must be a 3D tensor")
    (b, _, k), want = input._data.shape, mat2._data.shape[:2]
    if tuple(want) != (b, k):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {k}] but got: [{want[0]}, {want[1]}].")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"expected scalar type {_title(input._data.dtype)} but found "
                           f"{_title(mat2._data.dtype)}")
    out = matmul(input, mat2)
    if out._edge[0].__class__ is UnsafeViewBackward0:
        out._edge[0].__class__ = BmmBackward0  # (the same node: PyTorch's name for it)
    return out


@method("dot")
def dot(input: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise not_tensor("dot", "tensor", 2, other)
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and "
                           f"{other._data.ndim}D tensors")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_title(input._data.dtype)} and {_title(other._data.dtype)}")
    return matmul(input, other)


@method("mv")
def mv(input: Tensor, vec: Tensor) -> Tensor:
    if not isinstance(vec, Tensor):
        raise not_tensor("mv", "vec", 2, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, "
                           f"{vec._data.ndim}")
    return matmul(input, vec)


def _linear_grads(node, F, g, x, w, fx, fw) -> tuple:
    """linear's input and weight gradients for a 2-d x: g @ W and g.T @ x (one GEMM each)."""
    return (F.matmul(g, w) if fx is not None else None,
            F.matmul(F.swapaxes(g, 0, 1), x) if fw is not None else None)


class AddmmBackward0(Node):
    """linear on a 2-d x: out = b + x @ W.T as one node, its edges as PyTorch's (b, x, W.T)."""

    __slots__ = ()

    def grad(self, F, g, x, w):
        (fb, _), (fx, _), (fw, _) = self.next_functions
        gb = None
        if fb is not None:  # (fused() without its two calls: every linear layer's path)
            kernels = F.fused_kernels
            gb = kernels["column_sums"](g) if kernels else column_sums(F, g)
        return (gb, *_linear_grads(self, F, g, x, w, fx, fw))


class LinearMmBackward0(Node):
    """linear without a bias: out = x @ W.T, edges (x, W.T)."""

    __slots__ = ()

    def grad(self, F, g, x, w):
        (fx, _), (fw, _) = self.next_functions
        return _linear_grads(self, F, g, x, w, fx, fw)


LinearMmBackward0.__name__ = LinearMmBackward0.__qualname__ = "MmBackward0"


class SqueezeBackward4_linear(Node):  # noqa: N801 - a PyTorch name, for linear's vector case
    __slots__ = ()

    def grad(self, F, g):
        return (F.reshape(g, self.shape),)


SqueezeBackward4_linear.__name__ = SqueezeBackward4_linear.__qualname__ = "SqueezeBackward4"


class WeightTBackward0(Node):
    """W.T's node in linear's graph (PyTorch draws one there). linear computes W's gradient
    in W's own layout, so that no transposed copy is made, and this node passes it on."""

    __slots__ = ()

    def grad(self, F, g):
        return (g,)


WeightTBackward0.__name__ = WeightTBackward0.__qualname__ = "TBackward0"


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ W.T (+ b): one AddmmBackward0 (MmBackward0 without a bias) for a 2-d x; other
    shapes go through a 2-d view as in PyTorch."""
    xd, wd = input._data, weight._data
    bd = wd if bias is None else bias._data
    tensors = (input, weight) if bias is None else (input, weight, bias)
    if wd.__class__ is not xd.__class__ or bd.__class__ is not xd.__class__ or (
            xd.__class__ is not np.ndarray and (wd.device != xd.device
                                                or bd.device != xd.device)):
        raise device_error("linear", tensors)
    if wd.ndim != 2 or xd.ndim == 0:  # (PyTorch's path for these: x @ W.t() + b)
        if xd.ndim == 0 or wd.ndim == 0:
            raise RuntimeError(f"both arguments to linear need to be at least 1D, but they "
                               f"are {xd.ndim}D and {wd.ndim}D")
        if wd.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{wd.ndim}D")
        out = matmul(input, weight)
        return out if bias is None else out + bias
    # (addmm, with a bias, checks dtypes before shapes; mm, without, shapes first)
    if bias is not None and (wd.dtype is not xd.dtype or bd.dtype is not xd.dtype):
        raise _linear_dtype_error(input, weight, bias)
    if xd.shape[-1] != wd.shape[-1]:
        rows = xd.size // xd.shape[-1] if xd.ndim else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({rows}x{xd.shape[-1] if xd.ndim else 1} and "
                           f"{wd.shape[-1]}x{wd.shape[0]})")
    if wd.dtype is not xd.dtype:
        raise _linear_dtype_error(input, weight, bias)
    if xd.ndim != 2:
        return _linear_nd(input, weight, bias)
    out = xd @ wd.T
    if bias is not None:
        try:
            out += bias._data
        except ValueError:
            from .inplace import _expand_error

            raise _expand_error(bias._data.shape, out.shape, bias.type()) from None
    if recording(*tensors):
        w_t = (new_node(WeightTBackward0, (weight._edge,)), 0) if weight._edge[0] is not None \
            else weight._edge
        if bias is None:
            res = record(LinearMmBackward0, out, (input, weight), (input, weight))
            res._edge[0].next_functions = (input._edge, w_t)
            return res
        res = record(AddmmBackward0, out, (bias, input, weight), (input, weight))
        node = res._edge[0]
        node.next_functions = (bias._edge, input._edge, w_t)
        if bias._data.shape != (wd.shape[0],):
            node._reduce = ((bias._data.shape, bias._data.dtype), None, None)
        return res
    return _wrap(out)


def _linear_dtype_error(input: Tensor, weight: Tensor, bias: Tensor | None) -> RuntimeError:
    """PyTorch's words: its matrix product without a bias, its addmm (b, x, W.T) with one."""
    x, w = input._data.dtype, weight._data.dtype
    hint = f" (convert with .to({weight.dtype}))"
    if bias is None:
        return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                            f"{_c_name(x)} != {_c_name(w)}{hint}")
    if x != w:
        return RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                            f"{_title(x)} and {_title(w)}{hint}")
    return RuntimeError(f"self and mat2 must have the same dtype, but got "
                        f"{_title(bias._data.dtype)} and {_title(w)}{hint}")


def _title(np_dtype) -> str:
    return _dtypes.LEGACY_NAMES.get(np_dtype.name, np_dtype.name)


def _linear_nd(input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    from .shape import UnsafeViewBackward0 as unsafe_view

    lead = tuple(input._data.shape[:-1])
    x2 = input.unsqueeze(0) if not lead and bias is None else \
        input.reshape(-1, input._data.shape[-1])
    out = linear(x2, weight, bias)
    shape = lead + (weight._data.shape[0],)
    if bias is not None or out._edge[0] is None:
        return out.view(shape)
    # (without a bias PyTorch multiplies by matmul: a vector's product ends in a squeeze)
    res = record(unsafe_view if lead else SqueezeBackward4_linear, out._data.reshape(shape),
                 (out,))
    res._edge[0].shape = out._data.shape
    return res


# -- einsum ----------------------------------------------------------------------------------
class EinsumBackward0(Node):
    """Each operand's gradient is itself an einsum: the output's gradient contracted with the
    other operands, onto that operand's letters (broadcast over letters only it has)."""

    __slots__ = ()

    def grad(self, F, g, *ops):
        subs, out = self.subs, self.out
        grads = []
        for k, (sub, fn) in enumerate(zip(subs, self.next_functions)):
            if fn[0] is None:
                grads.append(None)
                continue
            others = [s for i, s in enumerate(subs) if i != k]
            seen = set(out).union(*others) if others else set(out)
            keep = "".join(c for c in sub if c in seen)
            eq = ",".join([out, *others]) + "->" + keep
            part = F.einsum(eq, g, *[o for i, o in enumerate(ops) if i != k])
            if keep != sub:  # letters summed within this operand alone: broadcast back
                shape = tuple(ops[k].shape[i] if c in seen else 1 for i, c in enumerate(sub))
                part = F.broadcast_to(F.reshape(part, shape), tuple(ops[k].shape))
                if not F.tensors:
                    part = part.copy()
            grads.append(part)
        return tuple(grads)


def _einsum_parse(equation: str, operands) -> tuple[list[str], str]:
    """Subscripts with '...' replaced by letters, and the output (implicit: the letters seen
    once, in order), as torch.einsum reads them."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                         "equation" if len(operands) > len(subs) else
                         "einsum(): fewer operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba" if c not in used]
    ell_rank = 0
    for s, t in zip(subs, operands):
        if "..." in s:
            ell_rank = max(ell_rank, t.dim() - len(s.replace("...", "")))
    ell = "".join(spare[:ell_rank])[::-1]
    subs = [s.replace("...", ell[len(ell) - (t.dim() - len(s.replace("...", ""))):]
                      if "..." in s else "") for s, t in zip(subs, operands)]
    for s, t in zip(subs, operands):
        if len(s) != t.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(s)}) does not match the number of dimensions "
                               f"({t.dim()}) for operand {subs.index(s)}" + (
                                   "" if "..." in equation else " and no ellipsis was given"))
    sizes = {}
    for k, (s, t) in enumerate(zip(subs, operands)):
        for c, n in zip(s, t.shape):
            seen = sizes.setdefault(c, n)
            if n != seen and 1 not in (n, seen):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} "
                                   f"which does not broadcast with previously seen size {seen}")
            sizes[c] = max(seen, n) if 1 in (n, seen) else n
    if arrow:
        out = rhs.replace("...", ell)
        for c in out:
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   f"equation for any input operand")
    else:
        counts = {c: "".join(subs).count(c) for c in "".join(subs)}
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    return subs, out


@register()
def einsum(equation: str, *operands) -> Tensor:
    """torch.einsum: explicit or implicit output, '...' broadcasting, repeated letters
    within an operand (its diagonal); differentiable to any order (the gradient is an
    einsum)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    subs, out = _einsum_parse(equation, operands)
    fixed = []
    for s, t in zip(subs, operands):  # a letter twice in one operand: take that diagonal
        while len(set(s)) != len(s):
            c = next(c for c in s if s.count(c) > 1)
            i = s.index(c)
            j = s.index(c, i + 1)
            t = t.diagonal(0, i, j)
            s = s[:i] + s[i + 1:j] + s[j + 1:] + c
        fixed.append((s, t))
    subs, operands = [s for s, _ in fixed], [t for _, t in fixed]
    same_device("einsum", operands)
    arrays = [t._data for t in operands]
    mixed = next((a.dtype for a in arrays if a.dtype != arrays[0].dtype), None)
    if mixed is not None and any(c not in out and sum(c in s for s in subs) > 1
                                 for c in set("".join(subs))):
        # (a contraction is a batched product, which takes one dtype; products alone promote)
        raise RuntimeError(f"expected scalar type {_title(arrays[0].dtype)} but found "
                           f"{_title(mixed)}")
    out_data = backends.of(arrays[0]).einsum(",".join(subs) + "->" + out, *arrays)
    if recording(*operands):
        res = record(EinsumBackward0, out_data, tuple(operands), tuple(operands))
        node = res._edge[0]
        node.subs, node.out = subs, out
        if mixed is not None:  # each gradient in its operand's dtype
            node._reduce = tuple((a.shape, a.dtype) for a in arrays)
        return res
    return _wrap(out_data)
