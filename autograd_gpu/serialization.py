"""save / load: nested dicts, lists and tuples of tensors and plain values, in a format that
cannot run code on load (a NumPy .npz archive plus a JSON manifest; no pickle anywhere).

A checkpoint saved on a GPU loads on a CPU with map_location="cpu" and vice versa."""
from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np

from . import backends
from ._device import device as Device
from ._dtypes import FROM_NUMPY
from .tensor import Tensor, _wrap

FORMAT = "autograd_gpu.save/1"
_MANIFEST = "__manifest__"


def _encode(obj, arrays: dict):
    if isinstance(obj, Tensor):
        name = f"t{len(arrays)}"
        arrays[name] = backends.of(obj._data).to_host(obj._data)
        return {"__tensor__": name, "device": str(obj.device),
                "requires_grad": obj.requires_grad and obj.is_leaf}
    if isinstance(obj, dict):
        return {"__dict__": [[_key(k), _encode(v, arrays)] for k, v in obj.items()]}
    if isinstance(obj, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in obj]}
    if isinstance(obj, list):
        return [_encode(v, arrays) for v in obj]
    if isinstance(obj, (np.generic,)):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    hint = ""
    if hasattr(obj, "state_dict") and hasattr(obj, "load_state_dict"):
        hint = (f". Save its state_dict() instead, and load that into a new "
                f"{type(obj).__name__} with load_state_dict(): checkpoints hold data, never "
                f"pickled objects, so loading one cannot run code")
    raise TypeError(f"autograd_gpu.save can store tensors, numbers, strings, None and "
                    f"dicts/lists/tuples of them; got {type(obj).__name__}{hint}")


def _key(k):
    if k is None or isinstance(k, (bool, int, float, str)):
        return k
    raise TypeError(f"autograd_gpu.save: dict keys must be strings or numbers, got "
                    f"{type(k).__name__}")


def save(obj, f) -> None:
    """Write `obj` to a path or binary file object."""
    arrays: dict = {}
    manifest = {"format": FORMAT, "root": _encode(obj, arrays)}
    arrays[_MANIFEST] = np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def _target(saved: str, map_location):
    if map_location is None:
        return saved
    if isinstance(map_location, dict):
        return map_location.get(saved, saved)
    if callable(map_location):
        return map_location(saved)
    return str(Device(map_location))


def _decode(node, arrays, map_location):
    if isinstance(node, list):
        return [_decode(v, arrays, map_location) for v in node]
    if not isinstance(node, dict):
        return node
    if "__tensor__" in node:
        host = arrays[node["__tensor__"]]
        FROM_NUMPY.get(host.dtype) or _foreign(f"unsupported dtype {host.dtype}")
        dev = _target(node["device"], map_location)
        try:
            data = backends.get(dev).asarray(host)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc} This checkpoint holds tensors saved on '{node['device']}'"
                               f"; load it with map_location='cpu' to put them on the CPU.") \
                from None
        t = _wrap(data if data is not host else host.copy())
        if node.get("requires_grad"):
            t.requires_grad_(True)
        return t
    if "__dict__" in node:
        return {k: _decode(v, arrays, map_location) for k, v in node["__dict__"]}
    if "__tuple__" in node:
        return tuple(_decode(v, arrays, map_location) for v in node["__tuple__"])
    return {k: _decode(v, arrays, map_location) for k, v in node.items()}


def _foreign(why: str):
    raise RuntimeError(f"not an autograd_gpu checkpoint, or a truncated one: {why}. Files "
                       f"written by autograd_gpu.save are .npz archives with a manifest.")


def load(f, map_location=None, weights_only: bool = True, **_ignored):
    """Read what save() wrote. Never unpickles: foreign or truncated files raise."""
    try:
        if not isinstance(f, (str, os.PathLike)):
            f = io.BytesIO(f.read())
        with np.load(f, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        _foreign(f"{type(exc).__name__}: {exc}")
    if _MANIFEST not in arrays:
        _foreign("no manifest in the archive")
    try:
        manifest = json.loads(arrays.pop(_MANIFEST).tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _foreign(f"unreadable manifest ({exc})")
    if manifest.get("format") != FORMAT:
        _foreign(f"unknown format {manifest.get('format')!r}")
    return _decode(manifest["root"], arrays, map_location)
