"""torch.optim.swa_utils: stochastic weight averaging and exponential moving averages of a
model's weights (AveragedModel), the SWA learning-rate schedule (SWALR), and update_bn to
recompute batch-norm statistics for the averaged weights."""
from __future__ import annotations

import copy
import itertools
import math

from .. import creation
from ..autograd.grad_mode import no_grad
from ..nn.modules.layers import _BatchNorm
from ..nn.modules.module import Module
from .lr_scheduler import LRScheduler, _per_group

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_avg_fn", "get_ema_multi_avg_fn",
           "get_swa_avg_fn", "get_swa_multi_avg_fn"]


def get_swa_avg_fn():
    """The running mean: averaged + (current - averaged) / (n + 1)."""
    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def get_ema_avg_fn(decay: float = 0.999):
    """The exponential moving average: decay * averaged + (1 - decay) * current."""
    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_multi_avg_fn():
    """The running mean over lists of tensors, in place."""
    @no_grad()
    def swa_update(averaged_params, current_params, num_averaged):
        for p, c in zip(averaged_params, current_params):
            p.copy_(p + (c - p) / (num_averaged + 1))

    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999):
    """The exponential moving average over lists of tensors, in place."""
    @no_grad()
    def ema_update(ema_params, current_params, num_averaged):
        for p, c in zip(ema_params, current_params):
            if p.is_floating_point():
                p.lerp_(c, 1 - decay)
            else:
                p.copy_(p * decay + c * (1 - decay))

    return ema_update


class AveragedModel(Module):
    """A copy of `model` whose weights are the average of those passed to
    update_parameters (the running mean by default; avg_fn / multi_avg_fn for others, such as
    get_ema_multi_avg_fn)."""

    def __init__(self, model: Module, device=None, avg_fn=None, multi_avg_fn=None,
                 use_buffers: bool = False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", creation.tensor(0, device=device))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _pairs(self, model: Module):
        if self.use_buffers:
            return (itertools.chain(self.module.parameters(), self.module.buffers()),
                    itertools.chain(model.parameters(), model.buffers()))
        return self.parameters(), model.parameters()

    @no_grad()
    def update_parameters(self, model: Module) -> None:
        mine, theirs = self._pairs(model)
        averaged, current = [], []
        first = int(self.n_averaged.item()) == 0
        for p_avg, p_model in zip(mine, theirs):
            p_new = p_model.detach().to(p_avg.device)
            averaged.append(p_avg.detach())
            current.append(p_new)
            if first:
                p_avg.detach().copy_(p_new)
        if not first:
            n = self.n_averaged
            if self.avg_fn is not None:
                for p_avg, p_new in zip(averaged, current):
                    p_avg.copy_(self.avg_fn(p_avg, p_new, n.to(p_avg.device)))
            else:  # per device, with the count on that device (as PyTorch groups them)
                groups = {}
                for p_avg, p_new in zip(averaged, current):
                    pair = groups.setdefault(str(p_avg.device), ([], []))
                    pair[0].append(p_avg)
                    pair[1].append(p_new)
                for dev, (avg_group, new_group) in groups.items():
                    (self.multi_avg_fn or get_swa_multi_avg_fn())(avg_group, new_group, n.to(dev))
        if not self.use_buffers:  # buffers follow the source model
            for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                b_avg.detach().copy_(b_model.detach().to(b_avg.device))
        self.n_averaged += 1


@no_grad()
def update_bn(loader, model: Module, device=None) -> None:
    """Recompute every batch norm's running statistics with one pass over `loader` (its
    batches, or their first items), as a cumulative average."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's learning rate to its swa_lr over anneal_epochs steps (cosine or
    linear), then holds it there."""

    def __init__(self, optimizer, swa_lr, anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1):
        for lr, group in zip(_per_group(swa_lr, optimizer.param_groups, "swa_lr"),
                             optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else \
            self._linear_anneal
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha)
                    for g in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha)
                for g, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}
