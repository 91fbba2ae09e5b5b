"""SGD, Adam, AdamW, RMSprop, Adagrad with PyTorch's update rules (same numbers for the same
inputs), written once against the parameter's array module."""
from __future__ import annotations

import math

from .. import backends
from ..backends import cuda_kernels
from ..tensor import Tensor
from .optimizer import Optimizer, _np_ndarray, zeros_state


def _check(name: str, value, low: float = 0.0) -> None:
    if name == "learning rate" and isinstance(value, Tensor) and value.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not value >= low:
        raise ValueError(f"Invalid {name}: {value}")


def _check_betas(betas) -> None:
    """Both betas in [0, 1), read by index as PyTorch reads them (a 1-tuple is its
    IndexError)."""
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def _check_fused(fused, foreach) -> None:
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _fused_kernels(p: Tensor, group: dict):
    """The CUDA kernels module when this group asked for fused=True and p is on a GPU (on the
    CPU a fused group runs the same update as the generic code)."""
    if not group.get("fused") or p._data.__class__ is _np_ndarray:
        return None
    return cuda_kernels


def _multi_tensor_groups(params: list, group: dict):
    """{(device, dtype): [params]} of the GPU parameters a multi-tensor kernel can update
    together, and the list of the others. Used when the group asked for foreach=True or
    fused=True, or (neither given) when `autograd_gpu.backends.cuda.fused_kernels` is on;
    parameters and gradients must be C-contiguous float32/float64 arrays of one dtype."""
    foreach, fused = group.get("foreach"), group.get("fused")
    if not (foreach or fused or (foreach is None and fused is None
                                 and backends.cuda.fused_kernels)):
        return {}, params
    together, rest = {}, []
    for p in params:
        data, g = p._data, p._grad._data
        if data.__class__ is _np_ndarray or g.dtype != data.dtype or not (
                data.dtype in cuda_kernels.MULTI_DTYPES and data.flags.c_contiguous
                and g.flags.c_contiguous):
            rest.append(p)
        else:
            together.setdefault((data.device.id, data.dtype), []).append(p)
    return together, rest


def _launch_multi(name: str, by_device: dict, per_tensor: dict, **shared) -> None:
    """One multi_tensor_step per device and dtype; per_tensor maps a parameter to its
    (arrays, scalars) entry."""
    for (dev, _), ps in by_device.items():
        entries = [per_tensor[p] for p in ps if p in per_tensor]
        if entries:
            backends.cuda_backend(dev).make_current()
            cuda_kernels.multi_tensor_step(name, [e[0] for e in entries],
                                           [e[1] for e in entries], **shared)


class SGD(Optimizer):
    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach=None, differentiable: bool = False, fused=None):
        for name, v in (("learning rate", lr), ("momentum value", momentum),
                        ("weight_decay value", weight_decay)):
            _check(name, v)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_fused(fused, foreach)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _multi_tensor_update(self, params: list, group: dict) -> list:
        together, rest = _multi_tensor_groups(params, group)
        if not together:
            return rest
        momentum = group["momentum"]
        entries = {}
        for ps in together.values():
            for p in ps:
                if not momentum:
                    entries[p] = ((p._data, p._grad._data), ())
                    continue
                buf = self._state(p, momentum_buffer=None)["momentum_buffer"]
                if buf is None or not buf._data.flags.c_contiguous:
                    rest.append(p)  # (the first step copies the gradient: _update does it)
                else:
                    entries[p] = ((p._data, p._grad._data, buf._data), ())
        shared = dict(sign=-1.0 if group["maximize"] else 1.0, l2=group["weight_decay"],
                      lr=group["lr"])
        if momentum:
            shared.update(momentum=momentum, dampening=group["dampening"],
                          nesterov=float(bool(group["nesterov"])))
        _launch_multi("sgd_momentum_step" if momentum else "sgd_step", together, entries,
                      **shared)
        return rest

    def _update(self, p: Tensor, g, group: dict) -> None:
        momentum = group["momentum"]
        kernels = _fused_kernels(p, group) if momentum else None
        if kernels is not None:
            st = self._state(p, momentum_buffer=None)
            if st["momentum_buffer"] is not None:  # (the first step copies the gradient)
                kernels.sgd_momentum_step(
                    p._data, g, st["momentum_buffer"]._data,
                    sign=-1.0 if group["maximize"] else 1.0, l2=group["weight_decay"],
                    momentum=momentum, dampening=group["dampening"],
                    nesterov=bool(group["nesterov"]), lr=group["lr"])
                return
        if group["maximize"]:
            g = -g
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p._data
        if momentum:
            st = self._state(p, momentum_buffer=None)
            buf = st["momentum_buffer"]
            if buf is None:
                buf = st["momentum_buffer"] = _wrap_copy(g)
            else:
                b = buf._data
                b *= momentum
                b += (1 - group["dampening"]) * g
            g = g + momentum * buf._data if group["nesterov"] else buf._data
        p._data -= group["lr"] * g


def _wrap_copy(a) -> Tensor:
    from ..tensor import _wrap

    return _wrap(a.copy())


def _scalar_step(p: Tensor):
    """The step count: a float32 0-d tensor on the CPU, as PyTorch keeps it."""
    import numpy as np

    from ..tensor import _wrap

    return lambda: _wrap(np.zeros((), np.float32))


class Adam(Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused=None, decoupled_weight_decay=False):
        _check("learning rate", lr)
        _check("epsilon value", eps)
        _check_betas(betas)
        _check("weight_decay value", weight_decay)
        _check_fused(fused, foreach)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable,
                                      fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _adam_state(self, p: Tensor, group: dict) -> tuple[dict, float]:
        return self._stepped_state(
            p, exp_avg=zeros_state(p), exp_avg_sq=zeros_state(p),
            **({"max_exp_avg_sq": zeros_state(p)} if group["amsgrad"] else {}))

    def _kernel_scalars(self, group: dict) -> dict:
        """The shared scalars of the fused Adam kernels (maximize and weight decay folded in)."""
        lr, wd = group["lr"], group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        return dict(sign=-1.0 if group["maximize"] else 1.0, l2=0.0 if decoupled else wd,
                    decay=1 - lr * wd if decoupled else 1.0, beta1=group["betas"][0],
                    beta2=group["betas"][1], eps=group["eps"])

    def _multi_tensor_update(self, params: list, group: dict) -> list:
        together, rest = _multi_tensor_groups(params, group) if not group["amsgrad"] \
            else ({}, params)
        if not together:
            return rest
        (beta1, beta2), lr = group["betas"], group["lr"]
        entries = {}
        for ps in together.values():
            for p in ps:
                st, step = self._adam_state(p, group)
                m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
                if m.flags.c_contiguous and v.flags.c_contiguous:
                    entries[p] = ((p._data, p._grad._data, m, v),
                                  (math.sqrt(1 - beta2 ** step), lr / (1 - beta1 ** step)))
                else:  # (its step is counted: update it here, one by one)
                    self._apply(p, p._grad._data, group, st, step)
        _launch_multi("adam_step", together, entries, **self._kernel_scalars(group))
        return rest

    def _update(self, p: Tensor, g, group: dict) -> None:
        st, step = self._adam_state(p, group)
        self._apply(p, g, group, st, step)

    def _apply(self, p: Tensor, g, group: dict, st: dict, step: float) -> None:
        xp = backends.of(p._data).xp
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], \
            group["weight_decay"]
        m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
        kernels = None if group["amsgrad"] else _fused_kernels(p, group)
        if kernels is not None:  # maximize, weight decay and the update in one launch
            kernels.adam_step(p._data, g, m, v, bc2_sqrt=math.sqrt(1 - beta2 ** step),
                              step_size=lr / (1 - beta1 ** step), **self._kernel_scalars(group))
            return
        if group["maximize"]:
            g = -g
        if wd:
            if group["decoupled_weight_decay"]:
                p._data *= 1 - lr * wd
            else:
                g = g + wd * p._data
        tmp = _moments(xp, m, v, g, beta1, beta2)
        bc1 = 1 - beta1 ** step
        bc2_sqrt = math.sqrt(1 - beta2 ** step)
        if group["amsgrad"]:
            vmax = st["max_exp_avg_sq"]._data
            xp.maximum(vmax, v, out=vmax)
            v = vmax
        xp.sqrt(v, out=tmp)
        tmp /= bc2_sqrt
        tmp += eps  # denom
        xp.divide(m, tmp, out=tmp)
        tmp *= lr / bc1
        p._data -= tmp  # p.addcdiv_(m, denom, value=-lr / bc1)


class AdamW(Adam):
    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach=None, capturable: bool = False, differentiable: bool = False,
                 fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


class RMSprop(Optimizer):
    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False):
        for name, v in (("learning rate", lr), ("epsilon value", eps),
                        ("momentum value", momentum), ("weight_decay value", weight_decay),
                        ("alpha value", alpha)):
            _check(name, v)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                                      centered=centered, weight_decay=weight_decay,
                                      capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        xp = backends.of(p._data).xp
        if group["maximize"]:
            g = -g
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p._data
        alpha = group["alpha"]
        init = dict(square_avg=zeros_state(p))
        if group["momentum"] > 0:
            init["momentum_buffer"] = zeros_state(p)
        if group["centered"]:
            init["grad_avg"] = zeros_state(p)
        st, _ = self._stepped_state(p, **init)
        sq = st["square_avg"]._data
        sq *= alpha
        sq += (1 - alpha) * g * g
        if group["centered"]:
            ga = st["grad_avg"]._data
            ga += (g - ga) * (1 - alpha)
            avg = xp.sqrt(sq - ga * ga) + group["eps"]
        else:
            avg = xp.sqrt(sq) + group["eps"]
        if group["momentum"] > 0:
            buf = st["momentum_buffer"]._data
            buf *= group["momentum"]
            buf += g / avg
            p._data -= group["lr"] * buf
        else:
            p._data -= group["lr"] * (g / avg)


class Adagrad(Optimizer):
    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None):
        for name, v in (("learning rate", lr), ("lr_decay value", lr_decay),
                        ("weight_decay value", weight_decay), ("epsilon value", eps),
                        ("initial_accumulator_value value", initial_accumulator_value)):
            _check(name, v)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, fused=fused))

    def _update(self, p: Tensor, g, group: dict) -> None:
        xp = backends.of(p._data).xp
        if group["maximize"]:
            g = -g
        init_value = group["initial_accumulator_value"]
        st, step = self._stepped_state(p, sum=lambda: _wrap_copy(p._data * 0 + init_value))
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p._data
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        acc = st["sum"]._data
        acc += g * g
        p._data -= clr * (g / (xp.sqrt(acc) + group["eps"]))



def _moments(xp, m, v, g, beta1: float, beta2: float):
    """Adam's moment updates, operation for operation as PyTorch's single-tensor code (so the
    same float32 numbers), in place; returns the scratch array for the caller to reuse."""
    tmp = xp.subtract(g, m)
    tmp *= 1 - beta1
    m += tmp  # m.lerp_(g, 1 - beta1)
    v *= beta2
    xp.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    v += tmp  # v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
    return tmp


def _adam_like_init(params, lr, betas, eps, weight_decay, **extra):
    _check("learning rate", lr)
    _check("epsilon value", eps)
    _check_betas(betas)
    _check("weight_decay value", weight_decay)
    return dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, **extra)


def _decay(p: Tensor, g, group: dict):
    """maximize, then weight decay: decoupled (p shrinks) or L2 (added to the gradient)."""
    if group["maximize"]:
        g = -g
    wd = group["weight_decay"]
    if wd:
        if group.get("decoupled_weight_decay"):
            p._data *= 1 - group["lr"] * wd
        else:
            g = g + wd * p._data
    return g


class Adamax(Optimizer):
    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False):
        super().__init__(params, _adam_like_init(
            params, lr, betas, eps, weight_decay, foreach=foreach, maximize=maximize,
            differentiable=differentiable, capturable=capturable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        xp = backends.of(p._data).xp
        g = _decay(p, g, group)
        (beta1, beta2), eps = group["betas"], group["eps"]
        st, step = self._stepped_state(p, exp_avg=zeros_state(p), exp_inf=zeros_state(p))
        m, u = st["exp_avg"]._data, st["exp_inf"]._data
        m += (g - m) * (1 - beta1)
        u *= beta2
        xp.maximum(u, xp.abs(g) + eps, out=u)
        p._data -= (group["lr"] / (1 - beta1 ** step)) * (m / u)


class NAdam(Optimizer):
    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False):
        _check("momentum_decay value", momentum_decay)
        super().__init__(params, _adam_like_init(
            params, lr, betas, eps, weight_decay, momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
            capturable=capturable, differentiable=differentiable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        import numpy as np

        xp = backends.of(p._data).xp
        g = _decay(p, g, group)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        st, step = self._stepped_state(p, mu_product=lambda: _wrap_copy(
            np.ones((), np.float32)), exp_avg=zeros_state(p), exp_avg_sq=zeros_state(p))
        decay = group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        st["mu_product"]._data *= mu  # a float32 scalar, as PyTorch keeps it
        mu_product = float(st["mu_product"]._data)
        m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
        _moments(xp, m, v, g, beta1, beta2)
        denom = xp.sqrt(v / (1 - beta2 ** step))
        denom += eps
        p._data -= (lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p._data -= (lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)


class RAdam(Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False):
        super().__init__(params, _adam_like_init(
            params, lr, betas, eps, weight_decay, maximize=maximize, foreach=foreach,
            capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        xp = backends.of(p._data).xp
        g = _decay(p, g, group)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        st, step = self._stepped_state(p, exp_avg=zeros_state(p), exp_avg_sq=zeros_state(p))
        m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
        _moments(xp, m, v, g, beta1, beta2)
        bc1, bc2 = 1 - beta1 ** step, 1 - beta2 ** step
        corrected = m / bc1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
        if rho_t > 5.0:  # the variance is tractable: rectified adaptive step
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = (bc2 ** 0.5) / (xp.sqrt(v) + eps)
            p._data -= corrected * lr * adaptive * rect
        else:  # early steps: momentum SGD
            p._data -= corrected * lr


class Adadelta(Optimizer):
    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False):
        _check("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check("epsilon value", eps)
        _check("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, capturable=capturable,
                                      foreach=foreach, differentiable=differentiable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        xp = backends.of(p._data).xp
        g = _decay(p, g, group)
        rho, eps = group["rho"], group["eps"]
        st, _ = self._stepped_state(p, square_avg=zeros_state(p), acc_delta=zeros_state(p))
        sq, acc = st["square_avg"]._data, st["acc_delta"]._data
        sq *= rho
        sq += (1 - rho) * g * g
        delta = xp.sqrt(acc + eps) / xp.sqrt(sq + eps) * g
        acc *= rho
        acc += (1 - rho) * delta * delta
        p._data -= group["lr"] * delta
