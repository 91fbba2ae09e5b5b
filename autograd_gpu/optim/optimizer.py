"""Optimizer base: parameter groups, per-parameter state on the parameter's device,
zero_grad, state_dict. Updates run on the arrays directly (no graph is recorded)."""
from __future__ import annotations

import copy

import numpy as np

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _wrap


_np_ndarray = np.ndarray


def _plain_hyperparameters(group: dict) -> dict:
    """The group itself, or, where the user gave lr (or Adam's betas) as tensors, as PyTorch
    allows, a copy holding their current Python values (every hyperparameter converted)."""
    lr, betas = group.get("lr"), group.get("betas")
    if not isinstance(lr, Tensor) and (
            betas is None or not any(isinstance(x, Tensor) for x in betas)):
        return group  # (the usual case, checked cheaply: every step passes here)

    def plain(v):
        if isinstance(v, Tensor):
            return v.item()
        return tuple(plain(x) for x in v) if isinstance(v, tuple) else v

    return {k: (v if k == "params" else plain(v)) for k, v in group.items()}


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    def __init__(self, params, defaults: dict):
        self.defaults = defaults
        self.state: dict = {}
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + params.type())
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: dict) -> None:
        if not isinstance(group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(group)}")
        group = dict(group)
        params = group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for k, v in self.defaults.items():
            if v is required and k not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {k}")
            group.setdefault(k, v)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    p._grad.detach_()
                    p._grad.zero_()

    def _stepped_state(self, p: Tensor, **init) -> tuple[dict, float]:
        """The state of an optimizer that counts steps ("step" first, then `init`), with this
        step counted; returns the state and the step number."""
        from .algorithms import _scalar_step

        st = self._state(p, step=_scalar_step(p), **init)
        st["step"]._data += 1
        return st, float(st["step"]._data)

    def _state(self, p: Tensor, **init) -> dict:
        """The parameter's state, created on first use on the parameter's device, and moved
        with it when the parameter has moved (model.to("cuda"), model.double())."""
        st = self.state.get(p)
        if st is None:
            st = self.state[p] = {k: (v() if callable(v) else v) for k, v in init.items()}
            return st
        data = p._data
        for k, v in st.items():
            if k != "step" and isinstance(v, Tensor) and (
                    v._data.__class__ is not data.__class__ or v._data.dtype != data.dtype
                    or (data.__class__ is not _np_ndarray and v._data.device != data.device)):
                st[k] = v.to(p.device, p.dtype)
        return st

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) before each step; may return new (args, kwargs)."""
        from ..nn.modules.module import _DictHandle

        return _DictHandle(self.__dict__.setdefault("_step_hooks", ({}, {}))[0], hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs) after each step."""
        from ..nn.modules.module import _DictHandle

        return _DictHandle(self.__dict__.setdefault("_step_hooks", ({}, {}))[1], hook)

    def __init_subclass__(cls, **kwargs):
        """Every optimizer's step runs the step hooks, as PyTorch wraps step()."""
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def step(self, closure=None):
        loss = None
        if closure is not None:
            from ..autograd.grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                hyper = _plain_hyperparameters(group)
                params = [p for p in group["params"] if p._grad is not None]
                rest = params if not params or params[0]._data.__class__ is _np_ndarray \
                    else self._multi_tensor_update(params, hyper)
                for p in rest:
                    self._update(p, p._grad._data, hyper)
                for p in params:
                    p._vc[0] += 1
        return loss

    def _update(self, p: Tensor, g, group: dict) -> None:
        raise NotImplementedError

    def _multi_tensor_update(self, params: list, group: dict) -> list:
        """Update GPU parameters several at a time where the optimizer has a multi-tensor
        kernel (optim/algorithms.py); returns those left to _update one by one."""
        return params

    def state_dict(self) -> dict:
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        by_index = {}
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
            for p, i in zip(mine["params"], theirs["params"]):
                by_index[i] = p
            mine.update({k: copy.deepcopy(v) for k, v in theirs.items() if k != "params"})
        self.state = {}
        for i, st in state_dict["state"].items():
            p = by_index[int(i)]
            self.state[p] = {k: (v.to(p.device, p.dtype) if isinstance(v, Tensor) and
                                 v.is_floating_point() and k != "step" else v)
                             for k, v in st.items()}

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in group if k != "params"):
                lines.append(f"    {k}: {group[k]}")
        return "\n".join(lines) + "\n)"


def _with_step_hooks(step):
    import functools

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        hooks = self.__dict__.get("_step_hooks")
        if hooks is None:  # (the common case: nothing registered)
            return step(self, *args, **kwargs)
        pre, post = hooks
        if pre:
            for hook in list(pre.values()):
                res = hook(self, args, kwargs)
                if res is not None:
                    args, kwargs = res
        out = step(self, *args, **kwargs)
        if post:
            for hook in list(post.values()):
                hook(self, args, kwargs)
        return out

    return wrapper


Optimizer.step = _with_step_hooks(Optimizer.step)


def zeros_state(p: Tensor):
    return lambda: _wrap(p._data * 0)
