"""Fused CUDA kernels (CuPy ElementwiseKernels), each computing what a generic formula
computes in several launches: activation backwards, the cross-entropy forward (per row) and
backward (the formulas in ops/fusable.py), and optimizer updates (SGD with momentum, Adam/AdamW; the
formulas in optim/algorithms.py). Compiled on first use; CuPy caches the binaries on disk,
so later runs skip compilation. tests/test_fused.py checks each against its formula."""
from __future__ import annotations

import functools

import numpy as np

from ..ops import fusable
from ..ops.windows import _axis_order, _laid_out_like

# Scalars arrive as float64 and are cast to T first, so the arithmetic is T's, as in the
# generic formulas.
_ACTIVATIONS = {
    "tanh_backward": ("T g, T y", "out = g * (T(1) - y * y)"),
    "sigmoid_backward": ("T g, T y", "out = g * y * (T(1) - y)"),
    "relu_backward": ("T g, T y", "out = y > T(0) ? g : T(0)"),
    "gelu_backward": ("T g, T x", """
        T cdf = T(0.5) * (T(1) + erf(x * T(0.70710678118654752440)));
        T pdf = exp(T(-0.5) * (x * x)) * T(0.39894228040143267794);
        out = g * (cdf + x * pdf)"""),
    "silu_backward": ("T g, T x", """
        T s = T(1) / (T(1) + exp(-x));
        out = g * (s * (T(1) + x * (T(1) - s)))"""),
    # (i counts the (N, C) output in C order, so i % c is the column; t arrives as (N, 1))
    "cross_entropy_backward": ("T gw, T x, T row_max, T lse, int64 t, int64 c", """
        T hit = i % c == t ? T(1) : T(0);
        out = (exp((x - row_max) - lse) - hit) * gw + T(0)"""),
}

_ADAM = """
    T grad = T(sign) * g;
    if (l2 != 0) grad = grad + T(l2) * p;
    if (decay != 1) p = p * T(decay);
    m = m + (grad - m) * T(1 - beta1);
    v = v * T(beta2) + T(1 - beta2) * grad * grad;
    T denom = sqrt(v) / T(bc2_sqrt) + T(eps);
    p = p - T(step_size) * (m / denom);
"""

_SGD = """
    T grad = T(sign) * g;
    if (l2 != 0) grad = grad + T(l2) * p;
    buf = buf * T(momentum) + T(1 - dampening) * grad;
    T d = nesterov ? grad + T(momentum) * buf : buf;
    p = p - T(lr) * d;
"""


# cross_entropy_rows: one thread per row of C-contiguous (N, C) scores. A NaN score makes the
# row's maximum NaN (as x.max does); an index outside [0, C) that is not ignored gives a NaN
# loss rather than reading past the row (PyTorch stops with a device-side assert).
_CE_ROWS = """
    const ptrdiff_t row = i * c;
    T m = x[row];
    for (ptrdiff_t j = 1; j < c; j++) {
        T v = x[row + j];
        if (v > m || v != v) m = v;
        if (m != m) break;
    }
    T s = T(0);
    for (ptrdiff_t j = 0; j < c; j++) s += exp(x[row + j] - m);
    T l = log(s);
    row_max = m;
    lse = l;
    bool keep = t != ignore;
    valid = keep ? T(1) : T(0);
    if (!keep) loss = T(0);
    else if (t < 0 || t >= c) loss = s / T(0) * T(0);  // (inf * 0: NaN)
    else loss = l - (x[row + t] - m);
"""


# Pooling and convolution columns: one thread per output element; `raw` arrays are indexed by
# their logical (C-order) flat index, so any memory layout reads right. geom is ops/nn_ops.py's
# (kh, kw, dh, dw, ph, pw, sh, sw, oh, ow); the loops visit kernel offsets in the formulas'
# order (k = ki * kw + kj), so sums add in the same order.
_GEOM = ("int64 kh, int64 kw, int64 dh, int64 dw, int64 ph, int64 pw, int64 sh, int64 sw, "
         "int64 oh, int64 ow")
_WINDOWS = {
    # best/winner over (N, C, oh, ow); padding reads as ninf (-inf), as the formula pads
    "max_pool2d_windows": ("raw T x, int64 h, int64 w, T ninf, " + _GEOM, "T best, W winner", """
        const ptrdiff_t ox = i % ow;
        ptrdiff_t t = i / ow;
        const ptrdiff_t oy = t % oh;
        t /= oh;
        const ptrdiff_t base = t * h * w;
        T m = ninf;
        int win = 0;
        for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
                const int k = ki * kw + kj;
                const ptrdiff_t y = oy * sh - ph + ki * dh, xx = ox * sw - pw + kj * dw;
                const T v = (y < 0 || y >= h || xx < 0 || xx >= w) ? ninf : x[base + y * w + xx];
                if (k == 0) m = v;
                else if (v > m || v != v) { m = v; win = k; }
            }
        }
        best = m;
        winner = win;"""),
    # d input over (N, C, H, W): the windows covering each element, in offset order
    "max_pool2d_backward": ("raw T g, raw W winner, int64 h, int64 w, bool overlapping, "
                            + _GEOM, "T out", """
        const ptrdiff_t xx = i % w;
        ptrdiff_t t = i / w;
        const ptrdiff_t y = t % h;
        t /= h;
        const ptrdiff_t base = t * oh * ow;
        T acc = T(0);
        for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
                const ptrdiff_t ry = y + ph - ki * dh, rx = xx + pw - kj * dw;
                if (ry < 0 || rx < 0 || ry % sh || rx % sw) continue;
                const ptrdiff_t oy = ry / sh, ox = rx / sw;
                if (oy >= oh || ox >= ow) continue;
                const ptrdiff_t o = base + oy * ow + ox;
                const T v = winner[o] == ki * kw + kj ? g[o] : T(0);
                acc = overlapping ? acc + v : v;
            }
        }
        out = acc;"""),
    # columns (C, kh, kw, oh, ow, N) from x (N, C, H, W), zeros outside
    "im2col_batch_last": ("raw T x, int64 n, int64 c, int64 h, int64 w, " + _GEOM, "T cols", """
        ptrdiff_t t = i;
        const ptrdiff_t ni = t % n;
        t /= n;
        const ptrdiff_t ox = t % ow;
        t /= ow;
        const ptrdiff_t oy = t % oh;
        t /= oh;
        const ptrdiff_t kj = t % kw;
        t /= kw;
        const ptrdiff_t ki = t % kh;
        t /= kh;
        const ptrdiff_t y = oy * sh - ph + ki * dh, xx = ox * sw - pw + kj * dw;
        cols = (y < 0 || y >= h || xx < 0 || xx >= w) ? T(0)
            : x[((ni * c + t) * h + y) * w + xx];"""),
    # (C, H, W, N) sums of the columns (C*kh*kw, oh*ow*N) that read each element
    "col2im_batch_last": ("raw T cols, int64 n, int64 h, int64 w, " + _GEOM, "T out", """
        ptrdiff_t t = i;
        const ptrdiff_t ni = t % n;
        t /= n;
        const ptrdiff_t xx = t % w;
        t /= w;
        const ptrdiff_t y = t % h;
        t /= h;
        T acc = T(0);
        for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
                const ptrdiff_t ry = y + ph - ki * dh, rx = xx + pw - kj * dw;
                if (ry < 0 || rx < 0 || ry % sh || rx % sw) continue;
                const ptrdiff_t oy = ry / sh, ox = rx / sw;
                if (oy >= oh || ox >= ow) continue;
                acc = acc + cols[((((t * kh + ki) * kw + kj) * oh + oy) * ow + ox) * n + ni];
            }
        }
        out = acc;"""),
}


@functools.lru_cache(maxsize=None)
def _kernel(name: str):
    import cupy

    if name in _WINDOWS:
        params, outs, body = _WINDOWS[name]
        return cupy.ElementwiseKernel(params, outs, body, f"autograd_gpu_{name}")

    if name == "cross_entropy_rows":
        return cupy.ElementwiseKernel("raw T x, int64 t, int64 c, int64 ignore",
                                      "T row_max, T lse, T loss, T valid", _CE_ROWS,
                                      "autograd_gpu_cross_entropy_rows")

    if name == "mul_backward":
        return cupy.ElementwiseKernel("T g, T a, T b", "T ga, T gb", "ga = g * b; gb = g * a",
                                      "autograd_gpu_mul_backward")
    if name in _ACTIVATIONS:
        params, body = _ACTIVATIONS[name]
        return cupy.ElementwiseKernel(params, "T out", body, f"autograd_gpu_{name}")
    if name == "adam_step":
        return cupy.ElementwiseKernel(
            "T g, float64 sign, float64 l2, float64 decay, float64 beta1, float64 beta2, "
            "float64 eps, float64 bc2_sqrt, float64 step_size", "T p, T m, T v", _ADAM,
            "autograd_gpu_adam_step")
    if name == "sgd_momentum_step":
        return cupy.ElementwiseKernel(
            "T g, float64 sign, float64 l2, float64 momentum, float64 dampening, "
            "bool nesterov, float64 lr", "T p, T buf", _SGD, "autograd_gpu_sgd_momentum_step")
    raise KeyError(name)


class _Table(dict):
    """name -> callable running that kernel; only names with a kernel are present."""

    def __init__(self):
        super().__init__()
        for name in _ACTIVATIONS:  # (cross_entropy_backward's wrapper replaces its entry)
            self[name] = functools.partial(_activation_backward, name)
        self["mul_backward"] = mul_backward
        self["cross_entropy_rows"] = cross_entropy_rows
        self["cross_entropy_backward"] = cross_entropy_backward
        for fn in (max_pool2d_windows, max_pool2d_backward, im2col_batch_last,
                   col2im_batch_last, cross_entropy_mean, column_sums, row_sums):
            self[fn.__name__] = fn


def _activation_backward(name: str, g, saved):
    """An activation's backward in one launch, its result laid out in memory as the saved
    tensor is (an ElementwiseKernel's own output is C-ordered): after a convolution, whose
    output is (C, H, W, N) memory, the gradient reaches the convolution's backward as a view
    of the matrix it multiplies, not as a copy."""
    if saved.flags.c_contiguous or g.shape != saved.shape:
        return _kernel(name)(g, saved)
    import cupy

    out = _laid_out_like(cupy, saved, saved.shape, saved.dtype, None)
    return _kernel(name)(g, saved, out)


def mul_backward(g, a, b):
    """ops/fusable.py's mul_backward in one launch (two outputs) when g, a and b are CuPy
    arrays of one dtype (broadcasting as the formula does); the formula otherwise."""
    if g.__class__ is a.__class__ is b.__class__ and g.dtype == a.dtype == b.dtype:
        return _kernel("mul_backward")(g, a, b)
    return fusable.mul_backward(None, g, a, b)


def cross_entropy_rows(x, t, ignore_index: int):
    """ops/fusable.py's cross_entropy_rows in one launch (row maxima and log-sum-exps as
    (N, 1) columns, the loss and kept-row flags as (N,) rows)."""
    import cupy

    x = cupy.ascontiguousarray(x)
    m, lse, loss, valid = _kernel("cross_entropy_rows")(x, t.astype(cupy.int64, copy=False),
                                                        x.shape[1], int(ignore_index))
    return m.reshape(-1, 1), lse.reshape(-1, 1), loss, valid


def cross_entropy_backward(gw, x, row_max, lse, t):
    """ops/fusable.py's cross_entropy_backward in one launch."""
    import cupy

    return _kernel("cross_entropy_backward")(gw, x, row_max, lse,
                                             t.astype(cupy.int64, copy=False).reshape(-1, 1),
                                             x.shape[1])


def max_pool2d_windows(x, geom):
    """ops/fusable.py's max_pool2d_windows in one launch."""
    import cupy

    n, c, h, w = x.shape
    kh, kw, oh, ow = geom[0], geom[1], geom[8], geom[9]
    order = _axis_order(x)
    best = _laid_out_like(cupy, x, (n, c, oh, ow), x.dtype, None, order)
    winner = _laid_out_like(cupy, x, (n, c, oh, ow),
                            cupy.uint8 if kh * kw < 256 else cupy.int32, None, order)
    _kernel("max_pool2d_windows")(x, h, w, x.dtype.type(-cupy.inf), *geom, best, winner)
    return best, winner


def max_pool2d_backward(g, winner, shape, geom):
    """ops/fusable.py's max_pool2d_backward in one launch."""
    import cupy

    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    overlapping = bool(sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1)
    out = _laid_out_like(cupy, winner, shape, g.dtype, None)
    _kernel("max_pool2d_backward")(g, winner, shape[2], shape[3], overlapping, *geom, out)
    return out


def im2col_batch_last(x, geom):
    """ops/fusable.py's im2col_batch_last in one launch."""
    import cupy

    n, c, h, w = x.shape
    kh, kw, oh, ow = geom[0], geom[1], geom[8], geom[9]
    cols = cupy.empty((c * kh * kw, oh * ow * n), x.dtype)
    _kernel("im2col_batch_last")(x, n, c, h, w, *geom, cols)
    return cols


def col2im_batch_last(cols, size, geom, n: int):
    """ops/fusable.py's col2im_batch_last in one launch."""
    import cupy

    h, w = size
    c = cols.shape[0] // (geom[0] * geom[1])
    out = cupy.empty((c, h, w, n), cols.dtype)
    _kernel("col2im_batch_last")(cols, n, h, w, *geom, out)
    return out.transpose(3, 0, 1, 2)


def adam_step(p, g, m, v, *, sign, l2, decay, beta1, beta2, eps, bc2_sqrt, step_size):
    """One Adam/AdamW update of p, m, v in place, in one launch."""
    _kernel("adam_step")(g, sign, l2, decay, beta1, beta2, eps, bc2_sqrt, step_size, p, m, v)


def sgd_momentum_step(p, g, buf, *, sign, l2, momentum, dampening, nesterov, lr):
    """One SGD-with-momentum update of p and its momentum buffer in place, in one launch."""
    _kernel("sgd_momentum_step")(g, sign, l2, momentum, dampening, nesterov, lr, p, buf)



# -- multi-tensor optimizer steps: one launch for a list of parameters ------------------------
# Each update is the per-element body of its ElementwiseKernel above, run by a kernel generated
# for n tensors: tensor k owns the blocks from start_k on, and its pointers, length and
# per-tensor scalars (Adam's bias corrections) are passed by value, so a launch needs no copy
# to the device. Lists longer than _CHUNK are split (kernel parameters are limited to 4 KB).
_PLAIN_SGD = """
    T grad = T(sign) * g;
    if (l2 != 0) grad = grad + T(l2) * p;
    p = p - T(lr) * grad;
"""
_MULTI = {  # name: (arrays, per-tensor scalars, shared scalars, body)
    "sgd_step": (("p", "g"), (), ("sign", "l2", "lr"), _PLAIN_SGD),
    "sgd_momentum_step": (("p", "g", "buf"), (),
                          ("sign", "l2", "momentum", "dampening", "nesterov", "lr"), _SGD),
    "adam_step": (("p", "g", "m", "v"), ("bc2_sqrt", "step_size"),
                  ("sign", "l2", "decay", "beta1", "beta2", "eps"), _ADAM),
}
_CHUNK = 24
_BLOCK = 256
# (keyed by dtype: NumPy's dtype.name is a Python property, ~4 us a read)
MULTI_DTYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}


def multi_tensor_source(name: str, ctype: str, n: int) -> str:
    """CUDA source of the `name` update over n tensors of element type ctype."""
    arrays, per, shared, body = _MULTI[name]
    params = []
    for k in range(n):
        params += [f"T* {a}{k}" for a in arrays]
        params += [f"double {s}{k}" for s in per] + [f"long long n{k}", f"long long start{k}"]
    params += [f"double {s}" for s in shared]
    elem_params = ", ".join([f"T& {a}" for a in arrays] + [f"double {s}" for s in per + shared])
    dispatch = []
    for k in reversed(range(n)):
        call = ", ".join([f"{a}{k}[i]" for a in arrays] + [f"{s}{k}" for s in per] + list(shared))
        dispatch.append(f"    if (b >= start{k}) {{\n"
                        f"        const long long i = (b - start{k}) * blockDim.x + threadIdx.x;\n"
                        f"        if (i < n{k}) elem({call});\n        return;\n    }}")
    return (f"typedef {ctype} T;\n"
            f"__device__ __forceinline__ void elem({elem_params}) {{{body}}}\n"
            f"extern \"C\" __global__ void autograd_gpu_multi_{name}({', '.join(params)}) {{\n"
            f"    const long long b = blockIdx.x;\n" + "\n".join(dispatch) + "\n}\n")


@functools.lru_cache(maxsize=None)
def _multi_kernel(name: str, ctype: str, n: int):
    import cupy

    return cupy.RawKernel(multi_tensor_source(name, ctype, n), f"autograd_gpu_multi_{name}")


def multi_tensor_step(name: str, tensors, per_tensor, **shared) -> None:
    """The `name` update (sgd_step, sgd_momentum_step, adam_step) of every tensor tuple in
    `tensors` (arrays in the order _MULTI lists them, all of one MULTI_DTYPES dtype on the
    current device, C contiguous) with its per-tensor scalars, in one launch per _CHUNK
    tensors."""
    shared_names = _MULTI[name][2]
    tail = [np.float64(shared[s]) for s in shared_names]
    ctype = MULTI_DTYPES[tensors[0][0].dtype]
    kept = [k for k, arrs in enumerate(tensors) if arrs[0].size]  # (no blocks: not passed)
    if len(kept) < len(tensors):
        tensors, per_tensor = [tensors[k] for k in kept], [per_tensor[k] for k in kept]
    for lo in range(0, len(tensors), _CHUNK):
        chunk = tensors[lo:lo + _CHUNK]
        args, start = [], 0
        for arrs, scalars in zip(chunk, per_tensor[lo:lo + _CHUNK]):
            size = arrs[0].size
            args += [*arrs, *(np.float64(x) for x in scalars), np.int64(size), np.int64(start)]
            start += -(-size // _BLOCK)
        if start:
            _multi_kernel(name, ctype, len(chunk))((start,), (_BLOCK,), (*args, *tail))


# -- small reductions in one launch -----------------------------------------------------------
# CuPy's reductions cost ~20 us of host time a call; a toy model's bias gradients and its
# cross-entropy mean are small enough for one block of one RawKernel (a few us), each thread
# summing a strided share in a fixed order and the block adding the shares as a tree, so the
# result is the same on every run. Larger inputs keep CuPy's reduction (the formula).
_REDUCE_SOURCES = {
    # (rows, cols) C-contiguous -> (cols,): 32 columns per block, 32 row lanes per column
    "column_sums": """
extern "C" __global__ void autograd_gpu_column_sums(const T* g, T* out, long long rows,
                                                   long long cols) {
    __shared__ T part[32][33];
    const long long col = (long long)blockIdx.x * 32 + threadIdx.x;
    T acc = T(0);
    if (col < cols)
        for (long long r = threadIdx.y; r < rows; r += 32) acc += g[r * cols + col];
    part[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    for (int s = 16; s > 0; s >>= 1) {
        if (threadIdx.y < s) part[threadIdx.y][threadIdx.x] += part[threadIdx.y + s][threadIdx.x];
        __syncthreads();
    }
    if (threadIdx.y == 0 && col < cols) out[col] = part[0][threadIdx.x];
}""",
    # (rows, cols) C-contiguous -> (rows,): one block of 256 lanes per row
    "row_sums": """
extern "C" __global__ void autograd_gpu_row_sums(const T* g, T* out, long long cols) {
    __shared__ T part[256];
    const T* row = g + (long long)blockIdx.x * cols;
    T acc = T(0);
    for (long long j = threadIdx.x; j < cols; j += 256) acc += row[j];
    part[threadIdx.x] = acc;
    __syncthreads();
    for (int s = 128; s > 0; s >>= 1) {
        if (threadIdx.x < s) part[threadIdx.x] += part[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[blockIdx.x] = part[0];
}""",
    # (n,) losses and kept-row flags -> the mean loss and the (n, 1) row weights; one block
    "cross_entropy_mean": """
extern "C" __global__ void autograd_gpu_cross_entropy_mean(const T* loss, const T* valid,
                                                          long long n, T* out, T* weight) {
    __shared__ T sums[256], counts[256];
    const int k = threadIdx.x;
    T a = T(0), b = T(0);
    for (long long i = k; i < n; i += 256) { a += loss[i]; b += valid[i]; }
    sums[k] = a;
    counts[k] = b;
    __syncthreads();
    for (int s = 128; s > 0; s >>= 1) {
        if (k < s) { sums[k] += sums[k + s]; counts[k] += counts[k + s]; }
        __syncthreads();
    }
    const T count = counts[0];
    if (k == 0) out[0] = sums[0] / count;
    for (long long i = k; i < n; i += 256) weight[i] = valid[i] / count;
}""",
}
_COLUMN_SUM_ROWS = 4096  # at most this many rows (128 a thread) for the one-block kernels
_ROW_SUM_COLS = 1 << 20  # at most this many columns (4,096 a lane) a block for row_sums
_MEAN_ROWS = 1 << 16


@functools.lru_cache(maxsize=None)
def _reduce_kernel(name: str, ctype: str):
    import cupy

    return cupy.RawKernel(f"typedef {ctype} T;\n" + _REDUCE_SOURCES[name],
                          f"autograd_gpu_{name}")


def column_sums(g):
    """ops/fusable.py's column_sums: one launch for a C-contiguous float32/float64 (rows,
    cols) gradient of at most _COLUMN_SUM_ROWS rows, CuPy's sum otherwise."""
    return _sum_in_one_launch(g, 0)


def row_sums(g):
    """ops/fusable.py's row_sums: one launch (a block a row) for a C-contiguous float32/float64
    (rows, cols) gradient of at most _ROW_SUM_COLS columns, CuPy's sum otherwise."""
    return _sum_in_one_launch(g, 1)


def _sum_in_one_launch(g, axis: int):
    ctype = MULTI_DTYPES.get(g.dtype)
    limit = _COLUMN_SUM_ROWS if axis == 0 else _ROW_SUM_COLS
    if ctype is None or g.ndim != 2 or not g.size or g.shape[axis] > limit \
            or not g.flags.c_contiguous:
        return g.sum(axis)
    import cupy

    rows, cols = g.shape
    out = cupy.empty(g.shape[1 - axis], g.dtype)
    if axis == 0:
        _reduce_kernel("column_sums", ctype)((-(-cols // 32),), (32, 32),
                                             (g, out, np.int64(rows), np.int64(cols)))
    else:
        _reduce_kernel("row_sums", ctype)((rows,), (256,), (g, out, np.int64(cols)))
    return out


def cross_entropy_mean(loss, valid):
    """ops/fusable.py's cross_entropy_mean in one launch (float32/float64, at most
    _MEAN_ROWS rows; loss and valid are cross_entropy_rows' fresh outputs)."""
    ctype = MULTI_DTYPES.get(loss.dtype)
    n = loss.size
    if ctype is None or not n or n > _MEAN_ROWS or not (loss.flags.c_contiguous
                                                       and valid.flags.c_contiguous):
        return fusable.cross_entropy_mean(None, loss, valid)
    import cupy

    out = cupy.empty((), loss.dtype)
    weight = cupy.empty((n, 1), loss.dtype)
    _reduce_kernel("cross_entropy_mean", ctype)((1,), (256,),
                                                (loss, valid, np.int64(n), out, weight))
    return out, weight


KERNELS = _Table()
