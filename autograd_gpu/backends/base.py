"""What every backend offers, written once against its array module `xp`.

A Backend doubles as the array namespace that derivative formulas use in a first-order
backward (`F.where`, `F.sum_to`, ...); autograd.tensor_math offers the same names on Tensors
for `create_graph=True`. Subclasses supply only what differs between NumPy and CuPy:
transfers, scatter-add, random generators and synchronisation.
"""
from __future__ import annotations

import contextlib

import numpy as np

DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed, so runs are repeatable by default


class Backend:
    name = "base"
    tensors = False  # formulas get arrays from a backend (tensor_math sets True)
    fused_kernels: dict = {}  # name -> kernel replacing a formula of ops/fusable.py
    xp = None
    device = None

    def __init__(self):
        xp = self.xp
        self.ndarray = xp.ndarray
        # The formula namespace: plain array-module functions under the names formulas use.
        for fn in ("exp", "log", "sin", "cos", "sinh", "cosh", "sqrt", "sign", "abs", "tanh",
                   "matmul",
                   "broadcast_to", "reshape", "swapaxes", "expand_dims", "zeros_like",
                   "ones_like", "maximum", "minimum", "concatenate", "isnan", "log1p",
                   "expm1", "cumsum", "cumprod", "flip", "tril", "triu", "floor", "trunc"):
            setattr(self, fn, getattr(xp, fn))
        self.permute = xp.transpose

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.device}>"

    # -- formula namespace (array mode) ---------------------------------------------------
    @staticmethod
    def sum_to(x, shape: tuple):
        """Sum a broadcast gradient back to `shape` (the inverse of broadcasting). Every
        result is a fresh array, never a view, so a leaf can take it as its .grad."""
        if x.shape == shape:
            return x
        lead = x.ndim - len(shape)
        if lead:
            x = x.sum(axis=tuple(range(lead)))
        axes = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
        return x.sum(axis=axes, keepdims=True) if axes else x

    def where(self, cond, a, b):
        return self.xp.where(cond, a, b)

    def einsum(self, equation: str, *arrays):
        return self.xp.einsum(equation, *arrays)

    def sigmoid(self, x):
        """1 / (1 + e^-x), as PyTorch computes it: e^-x overflowing to inf gives exactly 0."""
        import numpy as np

        with np.errstate(over="ignore"):
            return 1 / (1 + self.xp.exp(-x))

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def prod(x, axis=None, keepdims=False):
        return x.prod(axis=axis, keepdims=keepdims)

    @staticmethod
    def cast_like(x, ref):
        """x in ref's dtype (a count or mask joining a gradient keeps the gradient's dtype)."""
        return x.astype(ref.dtype, copy=False)

    def index_add(self, shape: tuple, index, values, accumulate: bool = True):
        """zeros(shape) with `values` put at `index` (added, when indices may repeat)."""
        out = self.xp.zeros(shape, values.dtype)
        if accumulate:
            self.scatter_add(out, index, values)
        else:
            out[index] = values
        return out

    @staticmethod
    def take(g, index_map):
        """g's elements at flat positions `index_map` (shaped like the result)."""
        return g.reshape(-1)[index_map]

    def index_map(self, view, base):
        """For a view of `base`'s memory: each view element's flat (C-order) index in base,
        or None when base is not dense (so strides cannot be read back as indices)."""
        xp = self.xp
        marker = xp.empty_like(base, dtype=xp.int64)
        scale = 8 // base.itemsize
        if 8 % base.itemsize or marker.strides != tuple(s * scale for s in base.strides):
            return None
        marker[...] = xp.arange(base.size).reshape(base.shape)
        offset = (self._address(view) - self._address(base)) * scale
        strides = tuple(s * scale for s in view.strides)
        return self._strided(marker, view.shape, strides, offset).copy()

    def cast(self, x, np_dtype):
        return x if x.dtype == np_dtype else x.astype(np_dtype)

    def to(self, x, backend: "Backend", np_dtype):
        """Move an array of this backend's kind to `backend` and cast it (ToCopy's backward)."""
        if backend is not self:
            x = backend.asarray(x)
        return backend.cast(x, np_dtype)

    # -- creation -------------------------------------------------------------------------
    def asarray(self, obj, dtype=None):
        raise NotImplementedError

    def to_host(self, array):
        raise NotImplementedError

    def scatter_add(self, target, index, values) -> None:
        raise NotImplementedError

    def scatter_reduce(self, target, index, values, reduce: str) -> None:
        """target[index] = reduce(target[index], values) in place, values at a repeated index
        all taken in ("prod", "amax", "amin"; numpy.ufunc.at's rule). Done in rounds, each
        taking one value per distinct place: exact in every dtype (CuPy's atomics-based
        scatter_max works in float32) and CuPy's multiply has no .at."""
        xp = self.xp
        ufunc = {"prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}[reduce]
        shape = np.broadcast_shapes(*(i.shape for i in index), values.shape)
        places = xp.ravel_multi_index(tuple(xp.broadcast_to(i, shape) for i in index),
                                      target.shape).ravel()
        values = xp.broadcast_to(values, shape).ravel()
        flat = xp.ascontiguousarray(target).reshape(-1)
        while places.size:
            unique, first = xp.unique(places, return_index=True)
            flat[unique] = ufunc(flat[unique], values[first])
            rest = xp.ones(places.size, dtype=bool)
            rest[first] = False
            places, values = places[rest], values[rest]
        if not xp.shares_memory(flat, target):
            target[...] = flat.reshape(target.shape)

    def running_extreme(self, data, axis: int, larger: bool = True):
        """numpy.maximum.accumulate (minimum with larger=False) along axis, NaN propagating,
        as a doubling scan: log2(n) elementwise steps (CuPy has no ufunc.accumulate)."""
        ufunc = self.xp.maximum if larger else self.xp.minimum
        out = self.xp.moveaxis(data.copy(), axis, -1)
        step, n = 1, out.shape[-1]
        while step < n:
            out[..., step:] = ufunc(out[..., step:], out[..., :-step])
            step *= 2
        return self.xp.moveaxis(out, -1, axis)

    def open_grid(self, shape: tuple) -> list:
        """numpy.indices(shape, sparse=True) on any backend: one arange per axis, shaped to
        broadcast against the others (CuPy's indices has no sparse form)."""
        n = len(shape)
        return [self.xp.arange(k).reshape((1,) * i + (k,) + (1,) * (n - i - 1))
                for i, k in enumerate(shape)]

    def synchronize(self) -> None:
        pass

    def linalg_errors(self):
        """A context in which a failed factorization (singular, not positive-definite) raises
        numpy.linalg.LinAlgError, as NumPy always does."""
        return contextlib.nullcontext()

    # -- random numbers -------------------------------------------------------------------
    def new_generator(self, seed: int):
        raise NotImplementedError

    def generator_state(self, gen) -> bytes:
        """A Generator's whole state as bytes (Generator.get_state)."""
        raise NotImplementedError

    def set_generator_state(self, gen, state: bytes) -> None:
        raise NotImplementedError

    def rand(self, gen, shape, np_dtype):
        raise NotImplementedError

    def randn(self, gen, shape, np_dtype):
        raise NotImplementedError

    def uniform_fill(self, gen, shape, np_dtype, low: float, high: float):
        """uniform_(low, high)'s values."""
        return self.rand(gen, shape, np_dtype) * (high - low) + low

    def normal_fill(self, gen, shape, np_dtype, mean: float, std: float):
        """normal_(mean, std)'s values."""
        return self.randn(gen, shape, np_dtype) * std + mean

    def randint(self, gen, low, high, shape, np_dtype):
        raise NotImplementedError

    def randperm(self, gen, n, np_dtype):
        raise NotImplementedError
