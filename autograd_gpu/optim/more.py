"""Rprop, ASGD and L-BFGS with PyTorch's update rules (the same operations in the same order,
so the same numbers for the same inputs)."""
from __future__ import annotations

from .. import backends
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor, _wrap
from .algorithms import _check, _decay, _wrap_copy
from .optimizer import Optimizer, zeros_state


class Rprop(Optimizer):
    """Resilient backpropagation: each weight's own step grows by etaplus while its gradient
    keeps its sign and shrinks by etaminus when it flips (that step is then skipped)."""

    def __init__(self, params, lr: float = 1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50),
                 *, capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False):
        _check("learning rate", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        xp = backends.of(p._data).xp
        if group["maximize"]:
            g = -g
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        st, _ = self._stepped_state(p, prev=zeros_state(p), step_size=lambda: _wrap_copy(
            p._data * 0 + group["lr"]))
        prev, size = st["prev"]._data, st["step_size"]._data
        sign = xp.sign(g * prev)
        factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, 1.0)).astype(
            p._data.dtype)
        size *= factor
        xp.clip(size, lo, hi, out=size)
        g = xp.where(factor == etaminus, 0, g).astype(p._data.dtype)
        p._data -= xp.sign(g) * size
        prev[...] = g


class ASGD(Optimizer):
    """Averaged SGD: SGD with a decaying rate, keeping the running average of the weights
    (state "ax") from step t0 on."""

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach=None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False):
        _check("learning rate", lr)
        _check("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, p: Tensor, g, group: dict) -> None:
        if group["maximize"]:
            g = -g
        g = _decay(p, g, group)
        lr, lambd = group["lr"], group["lambd"]
        st, step = self._stepped_state(
            p, eta=lambda: _wrap(backends.of(p._data).xp.asarray(lr, dtype=p._data.dtype)),
            mu=lambda: _wrap(backends.of(p._data).xp.asarray(1.0, dtype=p._data.dtype)),
            ax=zeros_state(p))
        eta, mu = float(st["eta"]._data), float(st["mu"]._data)
        p._data *= 1 - lambd * eta
        p._data -= eta * g
        ax = st["ax"]._data
        if mu != 1:
            ax += (p._data - ax) * mu
        else:
            ax[...] = p._data
        st["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** group["alpha"])
        st["mu"]._data[...] = 1 / max(1, step - group["t0"])


class Adafactor(Optimizer):
    """Adafactor (PyTorch's form): second moments kept factored, as a row and a column
    average, for matrices (a full one for vectors), a relative step size
    min(lr, 1/sqrt(step)) times the weight's RMS, and the update's RMS clipped at d."""

    def __init__(self, params, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps=(None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach=None, maximize: bool = False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    def _update(self, p: Tensor, g, group: dict) -> None:
        import numpy as np

        xp = backends.of(p._data).xp
        if group["maximize"]:
            g = -g
        data = p._data
        if g.ndim > 1:
            init = dict(row_var=lambda: _wrap(xp.zeros(g.shape[:-1] + (1,), data.dtype)),
                        col_var=lambda: _wrap(xp.zeros(g.shape[:-2] + (1, g.shape[-1]),
                                                       data.dtype)))
        else:
            init = dict(variance=zeros_state(p))
        st, step = self._stepped_state(p, **init)
        eps1, eps2 = group["eps"]
        eps1 = float(np.finfo(data.dtype).eps) if eps1 is None else eps1
        lr = group["lr"]
        one_minus_beta2 = step ** group["beta2_decay"]
        rho = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, float(xp.sqrt((data * data).sum())) / data.size ** 0.5) * rho
        if group["weight_decay"]:
            data *= 1 - lr * group["weight_decay"]
        if g.ndim > 1:
            row, col = st["row_var"]._data, st["col_var"]._data
            row += (xp.sqrt((g * g).sum(-1, keepdims=True)) ** 2 / g.shape[-1] - row) * \
                one_minus_beta2
            col += (xp.sqrt((g * g).sum(-2, keepdims=True)) ** 2 / g.shape[-2] - col) * \
                one_minus_beta2
            estimate = (row @ col) / xp.maximum(row.mean(-2, keepdims=True), eps1)
        else:
            var = st["variance"]._data
            var += (g * g - var) * one_minus_beta2
            estimate = var.copy()
        update = g / xp.sqrt(xp.maximum(estimate, eps1 * eps1))
        denom = max(1.0, float(xp.sqrt((update * update).sum())) /
                    (update.size ** 0.5 * group["d"]))
        data -= (alpha / denom) * update


class LBFGS(Optimizer):
    """Limited-memory BFGS over all parameters as one vector. step(closure) re-evaluates the
    loss (closure clears the gradients, computes the loss and calls backward) up to max_iter
    times; line_search_fn None (fixed step lr) or "strong_wolfe"."""

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval=None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9,
                 history_size: int = 100, line_search_fn=None):
        _check("learning rate", lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # the parameters as one flat vector ----------------------------------------------------
    def _xp(self):
        return backends.of(self._params[0]._data).xp

    def _gather_grad(self):
        xp = self._xp()
        return xp.concatenate([
            (p._grad._data if p._grad is not None else xp.zeros_like(p._data)).reshape(-1)
            for p in self._params])

    def _add(self, step_size: float, direction) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += step_size * direction[offset:offset + n].reshape(p._data.shape)
            p._vc[0] += 1
            offset += n

    def _snapshot(self):
        return [p._data.copy() for p in self._params]

    def _restore(self, values) -> None:
        for p, v in zip(self._params, values):
            p._data[...] = v
            p._vc[0] += 1

    def _evaluate(self, closure, x, t: float, d):
        """Loss and flat gradient at x + t d (the parameters are put back after)."""
        self._add(t, d)
        with enable_grad():
            loss = float(closure())
        grad = self._gather_grad()
        self._restore(x)
        return loss, grad

    def step(self, closure):
        if closure is None:
            raise RuntimeError("LBFGS requires a closure: optimizer.step(closure), the closure "
                               "clearing the gradients, computing the loss and calling "
                               "backward")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size, line_search = group["history_size"], group["line_search_fn"]
        xp = self._xp()
        state = self.state.setdefault(self._params[0], {"func_evals": 0, "n_iter": 0})

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_grad()
        if float(xp.abs(flat_grad).max()) <= tol_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps = state.get("old_dirs", []), state.get("old_stps", [])
        ro, al = state.get("ro", []), state.get("al", [None] * history_size)
        H_diag = state.get("H_diag", 1)
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            # the direction: -H g by the two-loop recursion over the stored pairs
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y @ s  # (0-d, in the parameters' dtype, as PyTorch's)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / (y @ y)
                num_old = len(old_dirs)
                if len(al) < history_size:
                    al = [None] * history_size
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = (old_stps[i] @ q) * ro[i]
                    q = q - al[i] * old_dirs[i]
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = (old_dirs[i] @ r) * ro[i]
                    r = r + old_stps[i] * (al[i] - be_i)
                d = r
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            # the step length
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(xp.abs(flat_grad).sum())) * lr
            else:
                t = lr
            gtd = float(flat_grad @ d)
            if gtd > -tol_change:
                break
            ls_func_evals = 0
            if line_search is None:
                self._add(t, d)
                if n_iter != max_iter:
                    with enable_grad():
                        loss = float(closure())
                    flat_grad = self._gather_grad()
                    ls_func_evals = 1
            else:
                if line_search != "strong_wolfe":  # (checked here, as PyTorch's step does)
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._snapshot()
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda x, step, direction: self._evaluate(closure, x, step, direction),
                    x_init, t, d, loss, flat_grad, gtd, xp)
                self._add(t, d)
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            # stop conditions
            if n_iter == max_iter or current_evals >= max_eval:
                break
            if float(xp.abs(flat_grad).max()) <= tol_grad:
                break
            if float(xp.abs(d * t).max()) <= tol_change:
                break
            if abs(loss - prev_loss) < tol_change:
                break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, al=al,
                     H_diag=H_diag, prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), within bounds."""
    xmin_bound, xmax_bound = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square ** 0.5
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, xp, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """A line search for a step t meeting the strong Wolfe conditions (as PyTorch's)."""
    d_norm = float(xp.abs(d).max())
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else \
                    min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new
    t = bracket[low_pos]
    return bracket_f[low_pos], bracket_g[low_pos], t, ls_func_evals
