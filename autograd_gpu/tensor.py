"""Tensor: an array of a backend (NumPy or CuPy) plus its autograd state.

Invariants: `_data` is always an ndarray of the tensor's backend (never a NumPy scalar);
`_edge` is where gradients for this tensor go: (grad_fn, output_nr) for a computed tensor,
(AccumulateGrad, 0) for a leaf that requires grad, NO_EDGE otherwise, so `requires_grad` is
`_edge is not NO_EDGE`; `_vc` is the version counter [version, last in-place op], shared
with views and `detach()`; `.grad` has the tensor's device, dtype and shape.
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np

from . import _dtypes, backends
from ._device import device as _device_cls
from .autograd.grad_mode import state as _grad_state
from .autograd.node import DEAD_EDGE, NO_EDGE, AccumulateGrad

_object_new = object.__new__
_np_generic = np.generic
_np_asarray = np.asarray

LEAF_FLAG_ERROR = "you can only change requires_grad flags of leaf variables."
DETACH_HINT = (" If you want to use a computed variable in a subgraph that doesn't require "
               "differentiation use var_no_grad = var.detach().")
FLOAT_ONLY = "Only Tensors of floating point and complex dtype can require gradients"
NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more informations.")


class Size(tuple):
    """A shape, printed as PyTorch prints torch.Size. torch.Size(...) checks its items; the
    library's own shapes come from tuple.__new__ (unchecked: they are ints)."""

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for i, s in enumerate(sizes):
            if not isinstance(s, int):
                if hasattr(s, "__index__") and getattr(s, "ndim", 0) == 0:
                    sizes = sizes[:i] + (s.__index__(),) + sizes[i + 1:]
                    continue
                raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(s).__name__}')")
        return tuple.__new__(cls, sizes)

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    # slices, sums and repeats of a Size are Sizes, as in PyTorch
    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to "
                            f"torch.Size")
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple.__add__(other, self))

    def __mul__(self, times):
        return Size(tuple.__mul__(self, times))

    __rmul__ = __mul__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class Tensor:
    __slots__ = ("_data", "_edge", "_vc", "__dict__", "__weakref__")
    # Defaults for rarely-set state (kept in __dict__ when set, so creation stays cheap).
    _grad = None
    _view = None           # (base tensor, view step) for views that in-place ops must rebase
    _retains_grad = False
    _is_param = False
    __array_priority__ = 1000  # NumPy defers `ndarray * tensor` to Tensor.__rmul__

    def __new__(cls, *args, **kwargs):
        # Legacy torch.Tensor(data) / torch.Tensor(2, 3): float32, like PyTorch.
        from .creation import legacy_tensor

        return legacy_tensor(cls, *args, **kwargs)

    # -- autograd state ---------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._edge is not NO_EDGE

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not isinstance(flag, bool):
            raise RuntimeError("requires_grad must be a bool")
        if not self.is_leaf:
            raise RuntimeError(LEAF_FLAG_ERROR + ("" if flag else DETACH_HINT))
        self._set_requires_grad(bool(flag), "o" + FLOAT_ONLY[1:])  # (as PyTorch: lower-case)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if not isinstance(requires_grad, bool):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be "
                            f"bool, not {type(requires_grad).__name__}")
        if not self.is_leaf:
            if not requires_grad:
                raise RuntimeError(LEAF_FLAG_ERROR + DETACH_HINT)
            return self
        # (PyTorch words this path's error differently from the others)
        self._set_requires_grad(bool(requires_grad),
                                "only Tensors of floating point dtype can require gradients")
        return self

    def _set_requires_grad(self, flag: bool, message: str = FLOAT_ONLY) -> None:
        if flag == (self._edge is not NO_EDGE) or self._edge is DEAD_EDGE:
            return  # (a no_grad view requires grad through its base, whatever it is told)
        if flag:
            if self._data.dtype.kind != "f":
                raise RuntimeError(f"{message} (got a tensor of dtype {self.dtype})")
            self._edge = (AccumulateGrad(self), 0)
        else:
            self._edge = NO_EDGE

    @property
    def grad_fn(self):
        fn = self._refreshed_edge()[0]
        return None if fn is None or fn.__class__ is AccumulateGrad else fn

    def _refreshed_edge(self) -> tuple:
        """_edge, regenerated first for a view whose base was modified in place since (as
        PyTorch regenerates a view's grad_fn, an AsStridedBackward0, when it is next read)."""
        view = self._view
        if view is not None and view[1] != self._vc[0]:
            from .ops.views import refresh

            refresh(self)
        return self._edge

    @property
    def is_leaf(self) -> bool:
        fn = self._edge[0]
        return fn is None or fn.__class__ is AccumulateGrad

    @property
    def output_nr(self) -> int:
        return self._edge[1]

    @property
    def _version(self) -> int:
        return self._vc[0]

    @property
    def grad(self):
        if not self.is_leaf and not self._retains_grad and self.requires_grad:
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value.device != self.device:
                raise RuntimeError(f"attempting to assign a gradient located on device "
                                   f"'{value.device}' to a tensor located on device "
                                   f"'{self.device}'. Please ensure that the gradient and the "
                                   f"tensor are on the same device")
            if value.dtype != self.dtype:
                from .ops.linalg import _c_name, _title

                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_c_name(value._data.dtype)}' "
                    f"to a tensor with grad_dtype '{_title(self._data.dtype)}'. The gradient "
                    f"must match the tensor's grad_dtype (defaults to the tensor's dtype). You "
                    f"can set the tensor's grad_dtype attribute with a specific dtype, or None "
                    f"to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a "
                    f"tensor and its gradient may break downstream systems that assume they "
                    f"match.")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size "
                                   f"'{list(value.shape)}' to a tensor of size "
                                   f"'{list(self.shape)}'. Please ensure that the gradient and "
                                   f"the tensor are the same size")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def data(self) -> "Tensor":
        """A tensor sharing storage but not history or version counter with this one."""
        return _wrap(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self.requires_grad and value._data.dtype.kind not in "fc":
            raise RuntimeError("data set to a tensor that requires gradients must be floating "
                               "point or complex dtype")
        if self.is_leaf and self._edge is not NO_EDGE and (
                value._data.dtype != self._data.dtype or value.device != self.device):
            # another type: a new gradient accumulator, as PyTorch's set_data (graphs built
            # before still end at the old one)
            self._edge = (AccumulateGrad(self), 0)
        self._data = value._data

    def backward(self, gradient=None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs=None) -> None:
        """Accumulate the gradient of this tensor w.r.t. graph leaves into their .grad."""
        from .autograd.api import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; it may return a
        replacement. Returns a handle with remove()."""
        if self._edge is NO_EDGE:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        fn, nr = self._refreshed_edge()
        return fn._add_pre_hook(nr if not self.is_leaf else 0, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs after this leaf's gradient has been added into .grad (an
        optimizer step per parameter, for one); it must return None."""
        if not self.is_leaf:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._edge is NO_EDGE:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        from .autograd.node import _Handle

        return _Handle(self.__dict__.setdefault("_post_accumulate_hooks", []), hook)

    def retain_grad(self) -> None:
        """Populate .grad for this non-leaf tensor during backward (a no-op on leaves)."""
        if self._edge is NO_EDGE:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf or self._retains_grad:
            return
        import weakref

        ref = weakref.ref(self)

        def retain(grad):
            t = ref()
            if t is not None:
                from .autograd.engine import accumulate_into

                accumulate_into(t, grad if grad.requires_grad else grad._data,
                                grad.requires_grad)

        retain._retains_grad = True
        self._retains_grad = True
        fn, nr = self._edge
        fn._add_pre_hook(nr, retain)

    def detach(self) -> "Tensor":
        """A tensor sharing storage and version counter, outside the graph."""
        t = _wrap(self._data)
        if (self.__class__ is InferenceTensor) is not (t.__class__ is InferenceTensor):
            t.__class__ = self.__class__ if self.__class__ is InferenceTensor else Tensor
        t._vc = self._vc
        return t

    def detach_(self) -> "Tensor":
        if self._view is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._edge = NO_EDGE
        self._view = None
        return self

    # -- metadata ---------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return tuple.__new__(Size, self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        if self._data.ndim == 0:
            raise _no_dims(dim)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> _dtypes.dtype:
        return _dtypes.FROM_NUMPY[self._data.dtype]

    @property
    def device(self) -> _device_cls:
        return backends.of(self._data).device

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def stride(self, dim: int | None = None):
        if self._data.size:
            strides = tuple(s // self._data.itemsize for s in self._data.strides)
        else:  # an empty tensor has contiguous strides (sizes 0 counted as 1), as PyTorch's
            strides, step = [], 1
            for n in reversed(self._data.shape):
                strides.insert(0, step)
                step *= max(n, 1)
            strides = tuple(strides)
        if dim is not None and self._data.ndim == 0:
            raise _no_dims(dim)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim)]

    def get_device(self) -> int:
        return -1 if self.device.type == "cpu" else self.device.index

    # -- conversions ------------------------------------------------------------------------
    def item(self):
        return self._scalar()

    def tolist(self):
        return backends.of(self._data).to_host(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if force:
            return np.array(backends.of(self._data).to_host(self._data))
        if self.device.type != "cpu":
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                            f"Tensor.cpu() to copy the tensor to host memory first.")
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        data = self.numpy()  # (np.asarray(t) refuses what t.numpy() refuses, as PyTorch's)
        return data if dtype is None else data.astype(dtype)

    def _scalar(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               f"to Scalar")
        return self._data.item()

    def __float__(self) -> float:
        return float(self._python_number())

    def __int__(self) -> int:
        return int(self._python_number())

    def _python_number(self):
        if self._data.size != 1:  # (float() and int() word it so; item() as _scalar does)
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.item()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with "
                               f"{'no values' if self._data.size == 0 else 'more than one value'}"
                               f" is ambiguous")
        return bool(self._data.item())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __contains__(self, element) -> bool:
        """`element in t`: whether any element of t equals it (broadcast, as PyTorch)."""
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                               f"passed in a {type(element)}.")
        return bool((element == self).any().item())

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __hash__(self) -> int:
        return id(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        """Pickled as PyTorch pickles a tensor: its values, class and requires_grad (a
        leaf's copy, without .grad or history). autograd_gpu.save writes files that cannot
        run code on load; pickle, as always, must only read trusted data."""
        return _rebuild_tensor, (self._data.copy(), self.__class__, self.requires_grad)

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = _wrap(self._data.copy())
        new.__class__ = self.__class__
        if self.requires_grad:
            new._set_requires_grad(True)
        if self._grad is not None:
            new._grad = _wrap(self._grad._data.copy())
        memo[id(self)] = new
        return new


INFERENCE_SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors "
                   "created in inference mode in computation tracked by autograd. To work "
                   "around this, you can make a clone to get a normal tensor and use it in "
                   "autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")


class _InferenceVersion(list):
    """An inference tensor's [version, last op]: read outside inference_mode only where a
    tensor is saved for backward, which PyTorch refuses for inference tensors (so normal
    tensors pay nothing for the rule)."""

    __slots__ = ()

    def __getitem__(self, i):
        if not _grad_state.inference:
            raise RuntimeError(INFERENCE_SAVED)
        return list.__getitem__(self, i)


class InferenceTensor(Tensor):
    """A tensor made inside inference_mode (PyTorch's inference tensors): it never joins
    a graph outside inference_mode (no requires_grad, no in-place update, not saved for
    backward) and keeps no version counter."""

    __slots__ = ()

    @property
    def _vc(self):
        return self.__dict__["_inference_vc"]

    @_vc.setter
    def _vc(self, vc) -> None:
        self.__dict__["_inference_vc"] = vc if vc.__class__ is _InferenceVersion else \
            _InferenceVersion(vc)

    @property
    def _version(self) -> int:
        raise RuntimeError("Inference tensors do not track version counter.")

    def _set_requires_grad(self, flag: bool, message: str = FLOAT_ONLY) -> None:
        if flag and not _grad_state.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        Tensor._set_requires_grad(self, flag, message)


InferenceTensor.__name__ = InferenceTensor.__qualname__ = "Tensor"  # (type(t) prints so)
_new_class = Tensor  # what _wrap makes: InferenceTensor inside inference_mode


def set_inference_tensors(on: bool) -> None:
    """Tensors made from now on are inference tensors (inference_mode's switch)."""
    global _new_class
    _new_class = InferenceTensor if on else Tensor


def _wrap(data, edge=NO_EDGE) -> Tensor:
    """A new tensor around a backend array (turns NumPy scalars into 0-d arrays)."""
    if isinstance(data, _np_generic):
        data = _np_asarray(data)
    t = _object_new(_new_class)
    t._data = data
    t._edge = edge
    t._vc = [0, None]
    return t


def _no_dims(dim: int) -> IndexError:
    return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def grad_enabled() -> bool:
    return _grad_state.enabled


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    if self.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    return self._data.__dlpack__() if stream is None else self._data.__dlpack__(stream=stream)


def _dlpack_device(self):
    return self._data.__dlpack_device__()


def _rebuild_tensor(data, cls: type, requires_grad: bool) -> Tensor:
    # an unpickled array's dtype is an equal but new object: the ops compare dtypes by
    # identity, so take the canonical one
    from .creation import canonical

    t = _wrap(canonical(data))
    t.__class__ = cls
    if requires_grad:
        t._set_requires_grad(True)
    return t


def _root_array(a):
    """The array whose memory `a` views (itself if it owns its memory)."""
    root = a
    while True:
        b = getattr(root, "base", None)
        if b is not None and not hasattr(b, "dtype"):  # an array interface (a strided view)
            b = getattr(b, "base", None)
        if b is None or not hasattr(b, "dtype"):
            return root
        root = b


def _storage_offset(self) -> int:
    """How many elements into its storage (the array it views, at the root) this starts."""
    a = self._data
    root = _root_array(a)
    if root is a:
        return 0
    from . import backends

    address = backends.of(a)._address
    return (address(a) - address(root)) // a.itemsize


Tensor.storage_offset = _storage_offset
Tensor._base = property(lambda self: None if self._view is None else self._view[0],
                        doc="The tensor this one is a view of (None if it is not a view).")
Tensor.__dlpack__ = _dlpack
Tensor.__dlpack_device__ = _dlpack_device


def from_dlpack(ext) -> Tensor:
    """A tensor sharing memory with a DLPack-capable array (NumPy, CuPy, PyTorch, ...)."""
    kind, _ = ext.__dlpack_device__()
    if int(kind) == 1:  # kDLCPU
        return _wrap(np.from_dlpack(ext))
    if int(kind) in (2, 3):  # kDLCUDA, kDLCUDAHost
        from .backends.cupy_backend import require_cupy

        return _wrap(require_cupy().from_dlpack(ext))
    raise RuntimeError(f"from_dlpack: unsupported DLPack device type {kind}")
