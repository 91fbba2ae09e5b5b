"""Spatial transformers' sampling: affine_grid (normalised coordinates moved by a batch of
affine maps) and grid_sample (input read at those coordinates, bilinear or nearest, with
zeros, border or reflection padding). Built from gathers and weighted sums, so the gradient
reaches both the input and the grid (and through the grid, theta)."""
from __future__ import annotations

from .. import creation
from ..autograd.grad_mode import no_grad
from ..autograd.node import Node
from ..ops import floor, stack, where
from ..ops._core import record, recording, register
from ..ops.one_node import one_node
from ..tensor import Tensor, _wrap


def _base(n: int, align_corners: bool, like: Tensor) -> Tensor:
    """The n normalised coordinates of pixel centres (or of the corner pixels)."""
    steps = creation.arange(n, dtype=like.dtype, device=like.device)
    if align_corners:
        return steps * (2.0 / (n - 1)) - 1 if n > 1 else steps * 0
    return (steps * 2 + 1) / n - 1


@register()
def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """(N, H, W, 2) sampling coordinates theta @ (x, y, 1) for a 2-d size (N, C, H, W), or
    (N, D, H, W, 3) for a 3-d one; theta is (N, 2, 3) or (N, 3, 4)."""
    align = bool(align_corners)
    size = tuple(size)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    spatial = len(size) - 2
    if spatial not in (2, 3):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {list(size)}.")
    want = (2, 3) if spatial == 2 else (3, 4)
    if theta.dim() != 3 or tuple(theta.shape[1:]) != want:
        raise ValueError(f"Expected a batch of {spatial}D affine matrices of shape Nx{want[0]}x"
                         f"{want[1]} for size {size}. Got {theta.shape}.")
    if theta.shape[0] != size[0]:
        raise ValueError(f"Expected theta batch size {theta.shape[0]} to match size batch "
                         f"{size[0]}")
    with no_grad():
        axes = [_base(n, align, theta) for n in reversed(size[2:])]  # x (width) first
        grids = _meshgrid_last(axes)
        base = stack(grids + [grids[0] * 0 + 1], -1).reshape(1, -1, spatial + 1)._data
    out = (base @ theta._data.swapaxes(1, 2)).reshape(size[0], *size[2:], spatial)
    if recording(theta):
        res = record(AffineGridGeneratorBackward0, out, (theta,))
        res._edge[0].base, res._edge[0].points = base, (size[0], base.shape[1], spatial)
        return res
    return _wrap(out)


class AffineGridGeneratorBackward0(Node):
    """The grid is base @ theta^T with a constant base: theta's gradient is g^T @ base (no
    saved tensors, so backward may run through it again, as in PyTorch)."""

    __slots__ = ()

    def grad(self, F, g):
        base = _wrap(self.base) if F.tensors else self.base
        return (F.matmul(F.swapaxes(F.reshape(g, self.points), 1, 2), base),)


def _meshgrid_last(axes: list) -> list:
    """Coordinate arrays over (D,) H, W for axes given x first (width, height, depth)."""
    dims = len(axes)
    shape = [a.shape[0] for a in reversed(axes)]
    out = []
    for k, a in enumerate(axes):  # axis k varies along dimension dims-1-k
        view = [1] * dims
        view[dims - 1 - k] = a.shape[0]
        out.append(a.reshape(view).expand(*shape))
    return out


@register()
def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """input (N, C, H, W) read at grid (N, Ho, Wo, 2) (x, y in [-1, 1])."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if mode == "bicubic" or input.dim() != 4:
        raise NotImplementedError("grid_sample: bicubic mode and 5-d input are not supported "
                                  "(bilinear and nearest on 4-d input are)")
    if grid.dim() != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension "
                           f"and the same batch size as input, but got grid with sizes "
                           f"{list(grid.shape)}")
    return _grid_sample(input, grid, mode, padding_mode, bool(align_corners))


@one_node("GridSampler2DBackward0", "input", "grid")
def _grid_sample(input: Tensor, grid: Tensor, mode: str, padding_mode: str,
                 align: bool) -> Tensor:
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    x = _source(grid[..., 0], w, padding_mode, align)
    y = _source(grid[..., 1], h, padding_mode, align)
    flat = input.reshape(n, c, h * w)

    def tap(xi: Tensor, yi: Tensor) -> Tensor:
        """input at integer (xi, yi) (float tensors), 0 outside."""
        inside = (xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1)
        index = (where(inside, yi, 0.0) * w + where(inside, xi, 0.0)).long()
        got = flat.gather(2, index.reshape(n, 1, ho * wo).expand(n, c, ho * wo))
        return got.reshape(n, c, ho, wo) * inside.to(input.dtype).unsqueeze(1)

    if mode == "nearest":  # round half to even, as PyTorch (nearbyint)
        return tap(x.detach().round(), y.detach().round())
    x0, y0 = floor(x.detach()), floor(y.detach())
    wx, wy = (x - x0).unsqueeze(1), (y - y0).unsqueeze(1)
    return (tap(x0, y0) * (1 - wx) * (1 - wy) + tap(x0 + 1, y0) * wx * (1 - wy) +
            tap(x0, y0 + 1) * (1 - wx) * wy + tap(x0 + 1, y0 + 1) * wx * wy)


def _source(coord: Tensor, size: int, padding_mode: str, align: bool) -> Tensor:
    """Normalised coordinates as pixel coordinates, folded by the padding mode."""
    x = (coord + 1) / 2 * (size - 1) if align else ((coord + 1) * size - 1) / 2
    if padding_mode == "border":
        return _clip(x, size)
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align else _reflect(x, -1, 2 * size - 1)
        return _clip(x, size)
    return x


def _clip(x: Tensor, size: int) -> Tensor:
    """x clamped to [0, size - 1]; its gradient is 0 at the bounds too (as PyTorch's)."""
    inside = (x > 0) & (x < size - 1)
    return where(inside, x, x.detach().clamp(0, size - 1))


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """x mirrored back into [low, high] as often as it takes (PyTorch's reflect_coordinates)."""
    if twice_low == twice_high:
        return x * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    d = (x - low).abs()
    flips = floor(d.detach() / span)
    extra = d - flips * span
    return where(flips.remainder(2) == 0, extra + low, span - extra + low)


__all__ = ["affine_grid", "grid_sample"]
