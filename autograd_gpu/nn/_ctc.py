"""Connectionist temporal classification loss (F.ctc_loss, nn.CTCLoss).

The forward variable alpha runs over the blank-extended targets, one time step at a time,
vectorised over the batch, in log space with tensor ops: its gradient (and second derivative)
is autograd's. Impossible alignments are carried at -1e30 rather than -inf, so no gradient
meets inf - inf; their loss is reported as inf (or 0 with zero_infinity), as PyTorch does."""
from __future__ import annotations

import numpy as np

from .. import creation
from ..ops import cat, where
from ..ops.one_node import one_node
from ..tensor import Tensor
from .modules.module import Module

_FAR = -1e30  # log-probability of an impossible path


def _ints(values) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.numpy(force=True).astype(np.int64).reshape(-1)
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _target_rows(targets: Tensor, lengths: np.ndarray) -> list:
    t = targets.numpy(force=True).astype(np.int64)
    if t.ndim == 2:
        if lengths.size and lengths.max() > t.shape[1]:
            raise RuntimeError(f"Expected tensor to have size at least {lengths.max()} at "
                               f"dimension 1, but got size {t.shape[1]} for argument #2 "
                               f"'targets' (while checking arguments for "
                               f"ctc_loss_allocate_outputs)")
        return [t[n, :k] for n, k in enumerate(lengths)]
    starts = np.concatenate([[0], np.cumsum(lengths)])
    return [t[starts[n]:starts[n + 1]] for n in range(lengths.size)]


@one_node("CtcLossBackward0", "log_probs")
def _ctc_per_sample(log_probs: Tensor, rows: list, input_lengths: np.ndarray, blank: int,
                    zero_infinity: bool) -> Tensor:
    T, N, C = log_probs.shape
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    S = 2 * int(lengths.max(initial=0)) + 1
    ext = np.full((N, S), blank, dtype=np.int64)
    for n, r in enumerate(rows):
        ext[n, 1:2 * len(r) + 1:2] = r
    s = np.arange(S)
    valid = s[None, :] < (2 * lengths + 1)[:, None]
    skip = (ext != blank) & (s[None, :] >= 2) & (ext != np.roll(ext, 2, axis=1))
    dev, dt = log_probs.device, log_probs.dtype

    def const(a):
        return creation.tensor(a, device=dev)

    emit = log_probs.gather(2, const(ext)[None].expand(T, N, S))  # (T, N, S)
    far = creation.full((N, S), _FAR, dtype=dt, device=dev)
    start = (s[None, :] == 0) | ((s[None, :] == 1) & (lengths[:, None] > 0))
    alpha = where(const(start & valid), emit[0], far)
    valid_t, skip_t, far1 = const(valid), const(skip), far[:, :1]
    alive = const((np.arange(T)[:, None] < input_lengths[None, :])[:, :, None])  # (T, N, 1)
    for t in range(1, int(input_lengths.max(initial=0))):
        one = cat([far1, alpha[:, :-1]], 1)
        two = where(skip_t, cat([far1, far1, alpha[:, :-2]], 1), far) if S > 2 else far
        top = alpha.detach().maximum(one.detach()).maximum(two.detach())
        step = top + ((alpha - top).exp() + (one - top).exp() + (two - top).exp()).log()
        step = where(valid_t, step + emit[t], far)
        alpha = where(alive[t], step, alpha)
    last = const(2 * lengths)[:, None]
    end = alpha.gather(1, last).squeeze(1)
    before = where(const(lengths > 0), alpha.gather(1, (last - 1).clamp(min=0)).squeeze(1),
                   far[:, 0])
    top = end.detach().maximum(before.detach())
    loss = -(top + ((end - top).exp() + (before - top).exp()).log())
    impossible = loss.detach() > -_FAR / 10
    return where(impossible, 0.0 if zero_infinity else float("inf"), loss)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The negative log-likelihood of the targets summed over all their alignments to the
    inputs (log_probs: (T, N, C) log-softmax outputs, or (T, C) unbatched)."""
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    T, N, C = log_probs.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    inputs, lengths = _ints(input_lengths), _ints(target_lengths)
    if inputs.size != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if lengths.size != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    if inputs.size and inputs.max() > T:
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value "
                           f"{inputs.max()} (while checking arguments for "
                           f"ctc_loss_allocate_outputs)")
    rows = _target_rows(targets, lengths)
    losses = _ctc_per_sample(log_probs, rows, inputs, int(blank), bool(zero_infinity))
    if reduction == "mean":
        scale = creation.tensor(np.maximum(lengths, 1), dtype=losses.dtype,
                                device=losses.device)
        return (losses / scale).mean()
    if reduction == "sum":
        return losses.sum()
    if reduction != "none":
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return losses.squeeze(0) if unbatched else losses


class CTCLoss(Module):
    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False):
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths,
                target_lengths) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                        self.reduction, self.zero_infinity)
