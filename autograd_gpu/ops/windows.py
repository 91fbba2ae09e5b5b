"""Window geometry shared by pooling and convolution (ops/nn_ops.py) and by their fusable
formulas (ops/fusable.py): kernel-offset slices, memory layouts, padded extents. geom is
nn_ops._geometry's (kh, kw, dh, dw, ph, pw, sh, sw, oh, ow)."""
from __future__ import annotations

from .. import backends


def _offsets(geom):
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    for i in range(kh):
        for j in range(kw):
            yield i, j, (slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                         slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))


def _axis_order(a) -> list:
    """a's axes from the slowest-varying in memory to the fastest."""
    return sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]))


def _laid_out_like(xp, ref, shape, dtype, fill=0, order=None):
    """A new array of `shape` filled with `fill` (None: uninitialised) whose memory runs in
    the same axis order as `ref`'s (NumPy's loops are only fast when the operands of an op
    share a layout); `order`, when given, is _axis_order(ref) already worked out."""
    if order is None:
        order = _axis_order(ref)
    shape = tuple(shape[a] for a in order)
    out = xp.empty(shape, dtype) if fill is None else xp.full(shape, fill, dtype)
    return out.transpose([order.index(a) for a in range(ref.ndim)])


def _spatial_first(x, ph: int, pw: int):
    """(N, C, H, W) -> padded (C, H+2ph, W+2pw, N): batch innermost, so that every kernel
    offset's window is a copy with long contiguous runs (a view when nothing needs doing)."""
    n, c, h, w = x.shape
    xt = x.transpose(1, 2, 3, 0)
    if not (ph or pw) and xt.strides[3] == xt.itemsize:
        return xt
    out = backends.of(x).xp.zeros((c, h + 2 * ph, w + 2 * pw, n), x.dtype)
    out[:, ph:ph + h, pw:pw + w] = xt
    return out


def _extent(geom, h: int, w: int) -> tuple[int, int]:
    """The padded input the windows read: padding on both sides, and as much again after as
    ceil_mode's last windows reach."""
    kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = geom
    return (max(h + 2 * ph, (oh - 1) * sh + dh * (kh - 1) + 1),
            max(w + 2 * pw, (ow - 1) * sw + dw * (kw - 1) + 1))
