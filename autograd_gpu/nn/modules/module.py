"""nn.Module: registration of parameters, buffers and submodules by attribute assignment,
traversal, train/eval, device and dtype moves, state dicts, and PyTorch's repr."""
from __future__ import annotations

import re
import types
from collections import OrderedDict, namedtuple

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor, _wrap
from ..parameter import Buffer, Parameter, UninitializedBuffer


def _forward_owner(name: str) -> str:
    """The class whose forward PyTorch's layer `name` runs (its own, mostly)."""
    name = name.removeprefix("Lazy")
    for pattern, owner in ((r"BatchNorm\dd", "_BatchNorm"), (r"InstanceNorm\dd", "_InstanceNorm"),
                           (r"(Zero|Constant)Pad\dd", "_ConstantPadNd"), (r"ReLU6", "Hardtanh"),
                           (r"(Reflection|Replication|Circular)Pad\dd", r"_\1PadNd"),
                           (r"NLLLoss2d", "NLLLoss"), (r"Upsampling\w+", "Upsample")):
        if re.fullmatch(pattern, name):
            return re.sub(pattern, owner, name)
    return name


def _lazy_owner(name: str) -> str:
    """The class whose initialize_parameters PyTorch's lazy layer `name` runs."""
    if name.startswith("LazyConv"):
        return "_LazyConvXdMixin"
    return "_LazyNormBase" if name.startswith(("LazyBatchNorm", "LazyInstanceNorm")) else name


class Module:
    training: bool

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() takes no arguments")
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_pre_hooks", OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  f'"forward" function')

    def __init_subclass__(cls, **kwargs):
        """Our layers share forward functions where PyTorch's do not: give each its own copy
        named as PyTorch's, so that a wrong call says "Conv1d.forward() takes 2 positional
        arguments" as there."""
        super().__init_subclass__(**kwargs)
        f = cls.forward
        if not cls.__module__.startswith("autograd_gpu.") or f is Module.forward:
            return
        # (a lazy module's first call runs PyTorch's initialize_parameters(input) hook first)
        qualname = f"{_lazy_owner(cls.__name__)}.initialize_parameters" if \
            cls.__name__.startswith("Lazy") else f"{_forward_owner(cls.__name__)}.forward"
        if f.__qualname__ != qualname:
            f = types.FunctionType(f.__code__, f.__globals__, "forward", f.__defaults__,
                                   f.__closure__)
            f.__qualname__, f.__kwdefaults__ = qualname, cls.forward.__kwdefaults__
            cls.forward = f

    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                if hook.__class__ is _Hook:
                    args, kwargs = hook.pre(self, args, kwargs)
                    continue
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        if self._backward_hooks or self._backward_pre_hooks:
            return self._call_with_backward_hooks(args, kwargs)
        if not self._forward_hooks:
            return self.forward(*args, **kwargs)
        return self._after_forward(args, kwargs, self._forward_guarded(args, kwargs))

    def _forward_guarded(self, args, kwargs):
        """forward, running the always_call forward hooks when it raises."""
        try:
            return self.forward(*args, **kwargs)
        except Exception:
            for hook in list(self._forward_hooks.values()):
                if hook.__class__ is _Hook and hook.always_call:
                    hook.post(self, args, kwargs, None)
            raise

    def _after_forward(self, args, kwargs, out):
        for hook in list(self._forward_hooks.values()):
            res = hook.post(self, args, kwargs, out) if hook.__class__ is _Hook else \
                hook(self, args, out)
            if res is not None:
                out = res
        return out

    def _call_with_backward_hooks(self, args, kwargs):
        """Inputs and outputs pass through identity nodes, so the module's own share of the
        gradient reaches its backward hooks (as PyTorch's BackwardHookFunction)."""
        from ..utils.hooks import wrap_inputs, wrap_outputs

        args, call = wrap_inputs(self, args)
        out = self._forward_guarded(args, kwargs) if self._forward_hooks else \
            self.forward(*args, **kwargs)
        return wrap_outputs(self, self._after_forward(args, kwargs, out), call)

    def register_forward_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False):
        """hook(module, args, output) (with_kwargs: hook(module, args, kwargs, output)) after
        forward; it may return a replacement output. always_call: also when forward raises."""
        if with_kwargs or always_call:
            hook = _Hook(hook, with_kwargs, always_call)
        return _DictHandle(self._forward_hooks, hook, prepend)

    def register_full_backward_hook(self, hook):
        """hook(module, grad_input, grad_output), after the gradients with respect to the
        module's inputs are computed; it may return replacement grad_input."""
        return _DictHandle(self._backward_hooks, hook)

    register_backward_hook = register_full_backward_hook

    def register_full_backward_pre_hook(self, hook):
        """hook(module, grad_output), before the module's gradients are computed; it may
        return replacement grad_output."""
        return _DictHandle(self._backward_pre_hooks, hook)

    def register_forward_pre_hook(self, hook, *, prepend: bool = False,
                                  with_kwargs: bool = False):
        """hook(module, args) before forward, returning None or replacement args (with_kwargs:
        hook(module, args, kwargs) returning None or (args, kwargs))."""
        return _DictHandle(self._forward_pre_hooks, _Hook(hook, True, False) if with_kwargs
                           else hook, prepend)

    # -- registration -----------------------------------------------------------------------
    def __setattr__(self, name: str, value) -> None:
        if "_parameters" not in self.__dict__ and isinstance(value, (Tensor, Module)):
            raise AttributeError("cannot assign parameters or modules before "
                                 "Module.__init__() call")
        params, buffers, modules = (self.__dict__.get(k) for k in
                                    ("_parameters", "_buffers", "_modules"))
        if isinstance(value, Parameter):
            _forget(name, self.__dict__, buffers, modules)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as parameter "
                                f"'{name}' (torch.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            _forget(name, self.__dict__, params, buffers)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as child module "
                                f"'{name}' (torch.nn.Module or None expected)")
            modules[name] = None
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, getattr(value, "_persistent", True))
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                f"(torch.nn.Buffer, torch.Tensor or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if key in d and name in d[key]:
                return d[key][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(key, {}):
                del self.__dict__[key][name]
                return
        object.__delattr__(self, name)

    def _check_new_name(self, kind: str, name, store: dict) -> None:
        """PyTorch's checks of a name given to register_parameter/buffer and add_module."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."' + (
                f", got: {name}" if kind == "module" else ""))
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in store:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self._check_new_name("parameter", name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            what = param.type() if isinstance(param, Tensor) else type(param).__name__
            raise TypeError(f"cannot assign '{what}' object to parameter "
                            f"'{name}' (torch.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        self._check_new_name("buffer", name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer "
                            f"'{name}' (torch Tensor or None required)")
        if isinstance(tensor, Buffer):
            tensor = _wrap(tensor._data)
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name("module", name, self._modules)
        self._modules[name] = module

    register_module = add_module

    # -- traversal --------------------------------------------------------------------------
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        memo = set() if memo is None else memo
        if self in memo and remove_duplicate:
            return
        memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                                remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and m not in seen:
                seen.add(m)
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named(self, attr: str, prefix: str, recurse: bool, remove_duplicate: bool = True):
        """Each tensor once, under its first name (every name without remove_duplicate: a
        shared layer's parameters then appear under each place that holds it)."""
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for name, t in getattr(mod, attr).items():
                if t is None or id(t) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(t))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), t

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True):
        yield from self._named("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True):
        yield from self._named("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> "Module":
        mod = self
        for part in target.split(".") if target else []:
            mod = mod._attribute(part)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{part}` is not an nn.Module")
        return mod

    def _attribute(self, name: str):
        """getattr, or PyTorch's error for a dotted path's missing step."""
        if not hasattr(self, name):
            raise AttributeError(f"{type(self).__name__} has no attribute `{name}`")
        return getattr(self, name)

    def get_parameter(self, target: str) -> Parameter:
        mod_path, _, name = target.rpartition(".")
        param = self.get_submodule(mod_path)._attribute(name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        mod_path, _, name = target.rpartition(".")
        buffer = (mod := self.get_submodule(mod_path))._attribute(name)
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return buffer

    def set_submodule(self, target: str, module: "Module", strict: bool = False) -> None:
        """Replace (or, unless strict, add) the submodule at dotted path `target`."""
        if not target:
            raise ValueError("Cannot set the submodule without a target name!")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and name not in parent._modules:
            raise AttributeError(f"{type(parent).__name__} has no attribute `{name}`")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        setattr(parent, name, module)

    def share_memory(self) -> "Module":
        return self  # one process here: nothing to share

    def compile(self, *args, **kwargs) -> None:
        """Module.compile: nothing to compile to here; the module runs as it is."""

    def type(self, dst_type) -> "Module":  # noqa: A003
        return self._cast(dst_type)

    def to_empty(self, *, device=None, recurse: bool = True) -> "Module":
        """Parameters and buffers replaced by uninitialised ones on `device`."""
        from ... import creation

        return self._apply(lambda t: creation.empty_like(t, device=device))

    # -- modes and moves --------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad.zero_()

    def apply(self, fn) -> "Module":
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _apply(self, fn) -> "Module":
        """Replace every parameter's and buffer's array by fn(tensor)'s, in place, so
        optimizers holding the Parameter objects see the move; grads move too."""
        for m in self.modules():
            for p in m._parameters.values():
                if p is None:
                    continue
                with no_grad():
                    new = fn(p)
                p._data = new._data
                if p._grad is not None:
                    with no_grad():
                        g = fn(p._grad)
                    p._grad = g if g is not p._grad else p._grad
            for name, b in list(m._buffers.items()):
                if b is not None:
                    with no_grad():
                        new = fn(b)
                    if isinstance(b, UninitializedBuffer) and new is not b:
                        new.__class__ = UninitializedBuffer  # (a lazy module's stays one)
                    m._buffers[name] = new
        return self

    def to(self, *args, **kwargs) -> "Module":
        from ...ops.conversion import _parse_to

        device, dtype, _ = _parse_to(args, dict(kwargs))
        if dtype is not None and not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")
        fmt = kwargs.get("memory_format")

        def convert(t: Tensor) -> Tensor:
            keep = dtype is None or not t.is_floating_point()
            t = t.to(device=device, dtype=None if keep else dtype)
            return t if fmt is None or t.dim() not in (4, 5) else \
                t.contiguous(memory_format=fmt if t.dim() == 4 else None)

        return self._apply(convert)

    def cuda(self, device=None) -> "Module":
        return self.to("cuda" if device is None else (f"cuda:{device}" if isinstance(
            device, int) else device))

    def cpu(self) -> "Module":
        return self.to("cpu")

    def _cast(self, dtype) -> "Module":
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self) -> "Module":
        from ... import float32

        return self._cast(float32)

    def double(self) -> "Module":
        from ... import float64

        return self._cast(float64)

    def half(self) -> "Module":
        from ... import float16

        return self._cast(float16)

    # -- state dicts --------------------------------------------------------------------------
    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False):
        out = OrderedDict() if destination is None else destination
        if destination is None:
            out._metadata = OrderedDict()  # (PyTorch's marker of a versioned state dict)
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        own = self.state_dict(keep_vars=True)
        # a batch norm's count of batches may be missing from an unversioned (hand-made)
        # state dict, as from PyTorch before 0.4.1: it keeps its value
        versioned = getattr(state_dict, "_metadata", None) is not None
        missing = [k for k in own if k not in state_dict and (
            versioned or not k.endswith("num_batches_tracked"))]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected torch.Tensor '
                              f'or Tensor-like object from checkpoint but received '
                              f'{type(value)}')
                continue
            if tuple(value.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{value.shape} from checkpoint, the shape in current model is "
                              f"{target.shape}.")
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(
                    f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(
                    f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for key, target in own.items():
                if key not in state_dict:
                    continue
                if assign:  # the checkpoint's tensors themselves become the module's
                    self._assign(key, target, state_dict[key])
                else:
                    target.copy_(state_dict[key])
        return _IncompatibleKeys(missing, unexpected)

    def _assign(self, key: str, target: Tensor, value: Tensor) -> None:
        path, _, name = key.rpartition(".")
        owner = self.get_submodule(path)
        if isinstance(target, Parameter):
            if isinstance(value, Parameter):
                value.requires_grad_(target.requires_grad)
            else:
                value = Parameter(value, requires_grad=target.requires_grad)
        setattr(owner, name, value)

    # -- printing -----------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [line for line in self.extra_repr().split("\n") if line]
        for name, m in self._modules.items():
            body = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        main = type(self).__name__ + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                return main + lines[0] + ")"
            main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))


def _forget(name: str, *places) -> None:
    for d in places:
        if d is not None:
            d.pop(name, None)


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self) -> str:
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]}, unexpected_keys={self[1]})"


class _DictHandle:
    """What register_*_hook returns (PyTorch's RemovableHandle): remove(), or a with block."""

    _next = 0

    def __init__(self, d, hook, prepend: bool = False):
        _DictHandle._next += 1
        self.d, self.key = d, _DictHandle._next
        self.id = self.key
        d[self.key] = hook
        if prepend:
            d.move_to_end(self.key, last=False)

    def remove(self) -> None:
        self.d.pop(self.key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class _Hook:
    """A forward (pre-)hook registered with with_kwargs or always_call."""

    __slots__ = ("fn", "with_kwargs", "always_call")

    def __init__(self, fn, with_kwargs: bool, always_call: bool):
        self.fn, self.with_kwargs, self.always_call = fn, with_kwargs, always_call

    def pre(self, module, args, kwargs):
        res = self.fn(module, args, kwargs)
        if res is None:
            return args, kwargs
        if not (isinstance(res, tuple) and len(res) == 2):
            raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, "
                               f"new_kwargs), but got {res}.")
        return res

    def post(self, module, args, kwargs, out):
        return self.fn(module, args, kwargs, out) if self.with_kwargs else \
            self.fn(module, args, out)


def _type_name(value) -> str:
    """How PyTorch names a wrongly assigned value: a tensor by its type(), others by class."""
    return value.type() if isinstance(value, Tensor) else type(value).__name__
