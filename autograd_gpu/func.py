"""torch.func: function transforms (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian,
vmap) and functional_call / stack_module_state, built on this library's reverse-mode autograd.

How they map onto autograd:
- grad/vjp/jacrev differentiate with autograd.grad from fresh leaves made for the transform's
  inputs. They build a graph of the result only when the result depends on something outside
  the transform (an input that already requires grad, as in grad(grad(f)), or a tensor the
  function closes over), so grad(f)(x) returns a plain tensor as PyTorch's does, and nested
  transforms compose.
- jvp and jacfwd have no forward-mode engine under them: jvp is the double-vjp trick (the VJP
  is linear in its cotangent) and jacfwd builds the same matrix as jacrev.
- vmap runs the function once per index of the mapped dimension and stacks the results (not
  batched kernels: correct, differentiable, and as fast as a Python loop).
Arguments may be pytrees: tensors nested in tuples, lists and dicts."""
from __future__ import annotations

import functools

from . import creation
from .autograd.api import grad as _autograd_grad
from .autograd.grad_mode import enable_grad
from .autograd.node import AccumulateGrad
from .tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "functional_call", "stack_module_state", "linearize"]


# -- pytrees -----------------------------------------------------------------------------------
def _flatten(tree) -> tuple[list, object]:
    """The leaves of nested tuples/lists/dicts, and a spec to rebuild the structure."""
    if isinstance(tree, (tuple, list)) and not hasattr(tree, "_fields"):
        leaves, specs = [], []
        for item in tree:
            sub, spec = _flatten(item)
            leaves += sub
            specs.append((len(sub), spec))
        return leaves, (type(tree), specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for key, item in tree.items():
            sub, spec = _flatten(item)
            leaves += sub
            specs.append((key, len(sub), spec))
        return leaves, (dict, specs)
    return [tree], None


def _unflatten(leaves: list, spec):
    if spec is None:
        return leaves[0]
    kind, specs = spec
    out, at = [], 0
    if kind is dict:
        rebuilt = {}
        for key, n, sub in specs:
            rebuilt[key] = _unflatten(leaves[at:at + n], sub)
            at += n
        return rebuilt
    for n, sub in specs:
        out.append(_unflatten(leaves[at:at + n], sub))
        at += n
    return kind(out)


# -- differentiating within a transform ---------------------------------------------------------
def _track(leaf):
    """The transform's own differentiable stand-in for an input leaf: an alias that stays
    connected where the input already requires grad (an outer transform's input), a fresh
    leaf otherwise."""
    if not isinstance(leaf, Tensor):
        return leaf
    return leaf.view_as(leaf) if leaf.requires_grad else leaf.detach().requires_grad_()


def _reaches_outside(t: Tensor, local: set) -> bool:
    """Whether t's graph leads to a tensor requiring grad other than the transform's own
    fresh leaves (then t must keep its graph for the outer computation)."""
    seen, stack = set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is AccumulateGrad:
            if id(node.variable) not in local:
                return True
            continue
        stack.extend(fn for fn, _ in node.next_functions)
    return False


def _settle(results: list, local_leaves: list) -> list:
    """Detach results that depend only on the transform's own leaves."""
    local = {id(x) for x in local_leaves if isinstance(x, Tensor) and x.is_leaf}
    return [r.detach() if isinstance(r, Tensor) and r.requires_grad
            and not _reaches_outside(r, local) else r for r in results]


def _grads(outputs: list, inputs: list, cotangents: list | None = None) -> list:
    """d(outputs . cotangents)/d(inputs), zeros for inputs the outputs do not use; the graph
    is kept (create_graph) so that an outer transform can differentiate the result."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents or [None] * len(outputs))
             if isinstance(o, Tensor) and o.requires_grad]
    wanted = [i for i in inputs if isinstance(i, Tensor)]
    if not pairs or not wanted:
        got = [None] * len(wanted)
    else:
        got = list(_autograd_grad([o for o, _ in pairs], wanted,
                                  grad_outputs=[c for _, c in pairs], retain_graph=True,
                                  create_graph=True, allow_unused=True))
    it = iter(got)
    return [(next(it) if isinstance(i, Tensor) else None) for i in inputs]


def _zeros_for_none(grads: list, inputs: list) -> list:
    return [creation.zeros_like(x) if g is None and isinstance(x, Tensor) else g
            for g, x in zip(grads, inputs)]


class _Prepared:
    """The inputs at `argnums` replaced by tracked stand-ins (their pytree leaves)."""

    def __init__(self, args: tuple, argnums):
        self.single = isinstance(argnums, int)
        self.argnums = (argnums,) if self.single else tuple(argnums)
        self.args = list(args)
        self.parts = []  # (leaves, spec) per argnum
        for n in self.argnums:
            if not -len(args) <= n < len(args):
                raise RuntimeError(f"Got argnum={n}, but only {len(args)} positional inputs")
            leaves, spec = _flatten(args[n])
            tracked = [_track(x) for x in leaves]
            self.args[n] = _unflatten(tracked, spec)
            self.parts.append((tracked, spec))

    @property
    def leaves(self) -> list:
        return [x for tracked, _ in self.parts for x in tracked]

    def rebuild(self, flat: list):
        """Per-argnum pytrees from a flat list over all tracked leaves."""
        out, at = [], 0
        for tracked, spec in self.parts:
            out.append(_unflatten(flat[at:at + len(tracked)], spec))
            at += len(tracked)
        return out[0] if self.single else tuple(out)


def _split_aux(out, has_aux: bool, api: str):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}(f)(*args): output of function f should be a tuple: "
                           f"(output, aux) if has_aux is True")
    return out


# -- grad ---------------------------------------------------------------------------------------
def grad_and_value(func, argnums=0, has_aux: bool = False):
    """f -> (df/dargs, f(args)) for a function returning a scalar tensor."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with enable_grad():
            prep = _Prepared(args, argnums)
            out, aux = _split_aux(func(*prep.args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.dim()} dims. Maybe you "
                                   f"wanted to use the vjp or jacrev APIs instead?")
            leaves = prep.leaves
            grads = _zeros_for_none(_grads([out], leaves), leaves)
        settled = _settle([*grads, out, *_flatten(aux)[0]], leaves)
        grads, value = settled[:len(grads)], settled[len(grads)]
        if has_aux:
            aux = _unflatten(settled[len(grads) + 1:], _flatten(aux)[1])
            return prep.rebuild(grads), (value, aux)
        return prep.rebuild(grads), value

    return wrapper


def grad(func, argnums=0, has_aux: bool = False):
    """f -> df/dargs (argnums: which positional inputs; each may be a pytree)."""
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = both(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


# -- vjp and jvp --------------------------------------------------------------------------------
def vjp(func, *primals, has_aux: bool = False):
    """(func(*primals), vjp_fn[, aux]): vjp_fn(cotangents) gives the cotangents of primals."""
    with enable_grad():
        prep = _Prepared(primals, tuple(range(len(primals))))
        out, aux = _split_aux(func(*prep.args), has_aux, "vjp")
    out_leaves, out_spec = _flatten(out)
    for o in out_leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has only "
                               f"Tensors as output, got {type(o)}")
    leaves = prep.leaves

    def vjp_fn(cotangents):
        cots, _ = _flatten(cotangents)
        if len(cots) != len(out_leaves):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as "
                               f"pytree structure of outputs to the function ({len(out_leaves)} "
                               f"tensors, got {len(cots)})")
        for o, c in zip(out_leaves, cots):
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{c.shape} and output[0] has a shape of {o.shape}.")
        with enable_grad():
            grads = _zeros_for_none(_grads(out_leaves, leaves, cots), leaves)
        return tuple(_unflatten_parts(prep, _settle(grads, leaves)))

    settled = _settle(out_leaves, leaves)
    result = (_unflatten(settled, out_spec), vjp_fn)
    return (*result, aux) if has_aux else result


def _unflatten_parts(prep: _Prepared, flat: list) -> list:
    out, at = [], 0
    for tracked, spec in prep.parts:
        out.append(_unflatten(flat[at:at + len(tracked)], spec))
        at += len(tracked)
    return out


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """(func(*primals), J @ tangents[, aux]), by the double-vjp trick."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                           "should be valid to call f(*primals).")
    if not isinstance(tangents, tuple) or len(tangents) != len(primals):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same python structure. For example, if primals is a tuple of "
                           "3 tensors, tangents also must be.")
    for p, t in zip(_flatten(primals)[0], _flatten(tangents)[0]):
        if isinstance(p, Tensor) and isinstance(t, Tensor) and p.shape != t.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size "
                               f"than that of the original Tensor, this is not supported. "
                               f"Tensor is of size {list(p.shape)} while the given forward "
                               f"gradient is of size {list(t.shape)}.")
    with enable_grad():
        prep = _Prepared(primals, tuple(range(len(primals))))
        out, aux = _split_aux(func(*prep.args), has_aux, "jvp")
        out_leaves, out_spec = _flatten(out)
        leaves, tans = prep.leaves, _flatten(tangents)[0]
        dummies = [creation.zeros_like(o).requires_grad_() for o in out_leaves]
        pulled = _grads(out_leaves, leaves, dummies)  # u -> J^T u, linear in u
        pairs = [(p, t) for p, t in zip(pulled, tans) if p is not None]
        if pairs:
            pushed = _grads([p for p, _ in pairs], dummies, [t for _, t in pairs])
        else:
            pushed = [None] * len(dummies)
        pushed = _zeros_for_none(pushed, out_leaves)
    settled = _settle(out_leaves + pushed, leaves + dummies)
    n = len(out_leaves)
    result = (_unflatten(settled[:n], out_spec), _unflatten(settled[n:], out_spec))
    return (*result, aux) if has_aux else result


# -- Jacobians and Hessians ---------------------------------------------------------------------
def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None,
           _preallocate_and_copy: bool = False):
    """f -> the Jacobian of f at args: for each output leaf of shape S and input of shape T, a
    tensor of shape S + T (as nested as the outputs, then the inputs)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with enable_grad():
            prep = _Prepared(args, argnums)
            out, aux = _split_aux(func(*prep.args, **kwargs), has_aux, "jacrev")
            out_leaves, out_spec = _flatten(out)
            leaves = prep.leaves
            blocks = []  # per output leaf: per input leaf, the Jacobian block
            for o in out_leaves:
                rows = []
                basis = creation.zeros(o.numel(), dtype=o.dtype, device=o.device)
                for k in range(o.numel()):
                    e = basis.clone()
                    e[k] = 1.0
                    rows.append(_zeros_for_none(_grads([o], leaves, [e.reshape(o.shape)]),
                                                leaves))
                per_input = []
                for j, x in enumerate(leaves):
                    shape = tuple(o.shape) + tuple(x.shape)
                    if rows:
                        from .ops.shape import stack

                        per_input.append(stack([r[j] for r in rows]).reshape(shape))
                    else:
                        per_input.append(creation.zeros(shape, dtype=x.dtype, device=x.device))
                blocks.append(per_input)
        flat = _settle([b for per_input in blocks for b in per_input], leaves)
        n = len(leaves)
        jac = _unflatten([prep.rebuild(flat[i * n:(i + 1) * n]) for i in range(len(blocks))],
                         out_spec)
        if has_aux:
            return jac, _unflatten(_settle(_flatten(aux)[0], leaves), _flatten(aux)[1])
        return jac

    return wrapper


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """The Jacobian as jacrev gives it (this library has reverse mode only; the values are
    the same)."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """The Hessian of a scalar function: jacfwd(jacrev(f))."""
    return jacfwd(jacrev(func, argnums), argnums)


# -- vmap ---------------------------------------------------------------------------------------
def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """func mapped over a dimension of its inputs: one call per index, results stacked along
    out_dims. in_dims: one int/None for all inputs, or one per input (a pytree prefix)."""
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                             f"compatible with the structure of `inputs`. in_dims has "
                             f"structure {len(dims)} but inputs has structure {len(args)}.")
        flat, specs, flat_dims = [], [], []
        for arg, d in zip(args, dims):
            leaves, spec = _flatten(arg)
            ds = _flatten(d)[0] if isinstance(d, (tuple, list, dict)) else [d] * len(leaves)
            specs.append((len(leaves), spec))
            flat += leaves
            flat_dims += ds
        sizes = []
        for x, d in zip(flat, flat_dims):
            if d is None:
                continue
            if not isinstance(x, Tensor):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim="
                                 f"{d} for an input but the input is of type {type(x)}. We "
                                 f"cannot vmap over non-Tensor arguments, please use None as "
                                 f"the respective in_dim")
            if not -x.dim() <= d < x.dim():
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim="
                                 f"{d} for some input, but that input is a Tensor of "
                                 f"dimensionality {x.dim()} so expected in_dim to satisfy "
                                 f"-{x.dim()} <= in_dim < {x.dim()}.")
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got all inputs "
                             f"to be non-batched (in_dims all None); at least one must be "
                             f"batched")
        if len(set(sizes)) > 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped "
                             f"dimension, got sizes {sizes} for the mapped dimension")
        results = []
        for i in range(sizes[0]):
            sliced = [x if d is None else x.select(d, i) for x, d in zip(flat, flat_dims)]
            call_args, at = [], 0
            for n, spec in specs:
                call_args.append(_unflatten(sliced[at:at + n], spec))
                at += n
            results.append(func(*call_args, **kwargs))
        return _stack_results(results, out_dims, name)

    return wrapper


def _treespec(obj) -> str:
    """PyTorch's pytree TreeSpec repr of a (flat) structure: '*' for a leaf."""
    if isinstance(obj, (tuple, list)):
        children = ",\n  ".join(_treespec(o) for o in obj)
        return f"TreeSpec({type(obj).__name__}, None, [{children}])"
    return "*"


def _stack_results(results: list, out_dims, name: str):
    from .ops.shape import stack

    leaves0, spec = _flatten(results[0])
    if isinstance(out_dims, tuple) and len(out_dims) == 1 and not isinstance(
            results[0], (tuple, list)):
        out_dims = out_dims[0]  # (a one-element tuple for one output: PyTorch unwraps it)
    if isinstance(out_dims, (tuple, list)) and (
            type(results[0]) is not type(out_dims) or len(results[0]) != len(out_dims)):
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         f"compatible with the structure of `outputs`. out_dims has structure "
                         f"{_treespec(out_dims)} but outputs has structure "
                         f"{_treespec(results[0])}.")
    dims = _flatten(out_dims)[0] if isinstance(out_dims, (tuple, list)) else \
        [out_dims] * len(leaves0)
    per_call = [_flatten(r)[0] for r in results]
    stacked = []
    for j, d in enumerate(dims):
        column = [leaves[j] for leaves in per_call]
        if d is None:
            stacked.append(column[0])
            continue
        if not isinstance(column[0], Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(column[0])}. Did you mean to set out_dims= to None for "
                             f"output?")
        stacked.append(stack(column, d))
    return _unflatten(stacked, spec)


# -- modules as functions -----------------------------------------------------------------------
def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """module(*args, **kwargs) with some parameters and buffers replaced by the given
    tensors (dotted names), the module itself left as it was."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        merged = dict(dicts)
    else:
        merged = {}
        for d in dicts:
            for key, value in d.items():
                if key in merged:
                    raise ValueError(f"{[key]} appeared in multiple dictionaries; behavior of "
                                     f"functional call is ambiguous")
                merged[key] = value
    names = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers()}
    if strict:
        missing, unexpected = sorted(names - set(merged)), sorted(set(merged) - names)
        if missing or unexpected:
            lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
            if unexpected:
                lines.append("\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected)
                             + ".")
            if missing:
                lines.append("\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
            raise RuntimeError("\n".join(lines))
    saved = []
    try:
        for key, value in merged.items():
            owner, _, attr = key.rpartition(".")
            sub = module.get_submodule(owner) if owner else module
            store = sub._parameters if attr in sub._parameters else (
                sub._buffers if attr in sub._buffers else None)
            if store is None:
                continue  # (PyTorch, not strict: a name the module lacks is ignored)
            saved.append((store, attr, store[attr]))
            store[attr] = value
        args = args if isinstance(args, tuple) else (() if args is None else (args,))
        return module(*args, **(kwargs or {}))
    finally:
        for store, attr, old in reversed(saved):
            store[attr] = old


def stack_module_state(models) -> tuple[dict, dict]:
    """The parameters and buffers of same-shaped models stacked along a new first dimension
    (new leaves; parameters require grad), for vmap over functional_call."""
    from .ops.shape import stack

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    params = {name: stack([dict(m.named_parameters())[name].detach() for m in models])
              .requires_grad_(p.requires_grad)
              for name, p in models[0].named_parameters()}
    buffers = {name: stack([dict(m.named_buffers())[name] for m in models])
               for name, _ in models[0].named_buffers()}
    return params, buffers


def linearize(func, *primals):
    """(func(*primals), jvp_fn): jvp_fn(*tangents) is the Jacobian-vector product at the
    primals (torch.func.linearize)."""
    output = func(*primals)
    shapes = [p.shape for p in _flatten(primals)[0]]

    def jvp_fn(*tangents):
        for i, (t, shape) in enumerate(zip(_flatten(tangents)[0], shapes)):
            if t.shape != shape:
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree "
                                   f"doesn't match the shape {shape} of the corresponding "
                                   f"primal.")
        return jvp(func, primals, tangents)[1]

    return output, jvp_fn
