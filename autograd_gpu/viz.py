"""Pictures of the graph, as the seed tutorial draws it: tensors as ellipses, Functions as
boxes. `to_dot` gives Graphviz DOT source with no dependency; `to_svg` and `render` run
Graphviz's `dot` program and say how to install it when it is missing."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .autograd.node import FREED, AccumulateGrad
from .tensor import Tensor

INSTALL_HINT = ("Graphviz's `dot` program was not found on PATH. Install Graphviz to render "
                "graphs (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
                "conda: conda install graphviz); autograd_gpu.viz.to_dot() gives the DOT source "
                "without it.")


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def _describe(t: Tensor, name: str | None) -> str:
    shape = "(" + ", ".join(map(str, t.shape)) + ("," if t.dim() == 1 else "") + ")"
    head = f"{name}\n" if name else ""
    return f"{head}{shape} {t.dtype.name} {t.device}"


def to_dot(tensor: Tensor, params: dict | None = None, name: str = "output",
           show_saved: bool = True) -> str:
    """DOT source of the graph that produced `tensor`. `params` maps names to leaf tensors
    (e.g. dict(model.named_parameters())) so leaves are labelled with their names."""
    names = {id(t): n for n, t in (params or {}).items()}
    lines = ["digraph autograd {", '  rankdir="BT";',
             '  node [fontname="Helvetica", fontsize=11];']
    ids: dict = {}

    def node_id(obj) -> str:
        return ids.setdefault(id(obj), f"n{len(ids)}")

    out_id = f"t{id(tensor)}"
    lines.append(f"  {out_id} [shape=ellipse, style=filled, fillcolor=darkolivegreen1, "
                 f"label={_quote(_describe(tensor, name))}];")
    root = tensor._edge[0]
    if root is None:
        lines.append("}")
        return "\n".join(lines)
    seen, stack = set(), [root]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        nid = node_id(fn)
        if isinstance(fn, AccumulateGrad):
            leaf = fn.variable
            label = _describe(leaf, names.get(id(leaf), "leaf")) if leaf is not None else "leaf"
            lines.append(f"  {nid} [shape=ellipse, style=filled, fillcolor=lightblue, "
                         f"label={_quote(label)}];")
            continue
        lines.append(f"  {nid} [shape=box, style=filled, fillcolor=lightgrey, "
                     f"label={_quote(fn.name())}];")
        if show_saved:
            lines.extend(_saved_lines(fn, nid, names))
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                lines.append(f"  {node_id(nxt)} -> {nid};")
                stack.append(nxt)
    lines.append(f"  {node_id(root)} -> {out_id};")
    lines.append("}")
    return "\n".join(lines)


def _saved_lines(fn, nid: str, names: dict) -> list:
    saved = fn._saved
    if saved is None or saved is FREED:
        return []
    out = []
    for i, t in enumerate(saved):
        if t is None:
            continue
        sid = f"{nid}s{i}"
        label = "saved " + _describe(t, names.get(id(t), ""))
        out.append(f"  {sid} [shape=ellipse, style=dashed, fontsize=9, color=orange, "
                   f"label={_quote(label)}];")
        out.append(f"  {sid} -> {nid} [style=dashed, color=orange, arrowhead=none];")
    if fn._out is not None:
        array = fn._out[0]
        out.append(f"  {nid}so [shape=ellipse, style=dashed, fontsize=9, color=orange, "
                   f"label={_quote('saved output ' + str(tuple(array.shape)))}];")
        out.append(f"  {nid}so -> {nid} [style=dashed, color=orange, arrowhead=none];")
    return out


def _dot(source: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(INSTALL_HINT)
    done = subprocess.run([exe, f"-T{fmt}"], input=source.encode(), capture_output=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def to_svg(tensor: Tensor, params: dict | None = None, name: str = "output") -> str:
    """The graph as SVG text (needs Graphviz's `dot`)."""
    return _dot(to_dot(tensor, params, name), "svg").decode()


def render(tensor: Tensor, path, params: dict | None = None, name: str = "output") -> Path:
    """Write the graph to `path`; the format (svg, png, pdf) comes from its suffix."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "svg"
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render(): unsupported format '{fmt}': use .svg, .png or .pdf")
    path.write_bytes(_dot(to_dot(tensor, params, name), fmt))
    return path
