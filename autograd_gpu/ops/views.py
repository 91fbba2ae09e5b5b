"""Views and in-place writes: keeping a base's history right when a view of it is modified.

A view (reshape, transpose, basic indexing, ...) shares its base's array. When an in-place op
writes through a view while gradients are recorded, the base's history is rewritten as
PyTorch's CopySlices does: the base's old value keeps the gradient outside the written
region, the new values get the gradient inside. Regions are described by an index map (the
base's flat index of every view element), read from the arrays' strides, so any view made
by any op works the same way.
"""
from __future__ import annotations

from .. import backends
from ..autograd.node import DEAD_EDGE, NO_EDGE, Node, new_node
from ..tensor import Tensor


class CopySlices(Node):
    """The base after a write through a view: old values outside the region, new inside."""

    __slots__ = ()

    def name(self) -> str:
        return "torch::autograd::CopySlices"  # (PyTorch's name() for it, namespace included)

    def grad(self, F, g):
        return F.where(self.mask, 0.0, g), F.take(g, self.index_map)


class AsStridedBackward0(Node):
    """A view regenerated from its base's new history: scatters back to the base's shape."""

    __slots__ = ()

    def grad(self, F, g):
        n = self.numel
        flat = F.index_add((n,), (F.reshape(self.index_map, (-1,)),), F.reshape(g, (-1,)),
                           False)
        return (F.reshape(flat, self.shape),)


def root_of(t: Tensor) -> Tensor:
    return t._view[0] if t._view is not None else t


def _index_map(view: Tensor, root: Tensor):
    backend = backends.of(root._data)
    fi = backend.index_map(view._data, root._data)
    if fi is None:
        raise RuntimeError("in-place write through a view whose base is not a dense array: "
                           "clone() the base first")
    return fi


def _as_strided_edge(view: Tensor, root: Tensor, fi) -> tuple:
    node = new_node(AsStridedBackward0, (root._edge,))
    node.index_map, node.shape, node.numel = fi, root._data.shape, root._data.size
    return (node, 0)


def rebase(view: Tensor, new_edge: tuple) -> None:
    """`view` now holds new values whose history is `new_edge`; rewrite its base's history
    and regenerate the view's own from it."""
    root = view._view[0]
    fi = _index_map(view, root)
    xp = backends.of(root._data).xp
    mask = xp.zeros(root._data.size, dtype=bool)
    mask[fi.reshape(-1)] = True
    node = new_node(CopySlices, (root._edge, new_edge))
    node.mask, node.index_map = mask.reshape(root._data.shape), fi
    root._edge = (node, 0)
    view._edge = _as_strided_edge(view, root, fi)
    view._view = (root, view._vc[0])


def refresh(view: Tensor) -> None:
    """A view used after its base changed in place takes its history from the base again."""
    root = view._view[0]
    if view._edge is DEAD_EDGE or view._edge is NO_EDGE and root._edge is not NO_EDGE:
        # taken under no_grad from a base that requires grad: which history it should have
        # is ambiguous, and PyTorch refuses it
        raise RuntimeError(
            "A view was created in no_grad mode and its base or another view of its base has "
            "been modified inplace with grad mode enabled. Given that this use case is "
            "ambiguous and error-prone, it is forbidden. You can clarify your code by moving "
            "both the view and the inplace either both inside the no_grad block (if you don't "
            "want the inplace to be tracked) or both outside (if you want the inplace to be "
            "tracked).")
    view._view = (root, view._vc[0])
    if view._edge is NO_EDGE:
        return  # a view of a base outside the graph: it stays out too
    view._edge = NO_EDGE if root._edge is NO_EDGE else _as_strided_edge(
        view, root, _index_map(view, root))
