"""torch.profiler / torch.autograd.profiler: time what a block of code spends in this library.

Every call from user code into an autograd_gpu function or tensor method is one event named
as PyTorch's ("aten::mul", "aten::linear", ...), the backward pass one event per graph node
("autograd::engine::evaluate_function: MulBackward0"), and record_function() ranges are
events too. Times are host wall-clock: on a GPU an event ends when its kernels are queued,
not finished (call torch.cuda.synchronize() inside a range to include them), as PyTorch's CPU
column also measures. key_averages().table() prints PyTorch's table; export_chrome_trace()
writes a trace chrome://tracing and Perfetto open."""
from __future__ import annotations

import enum
import json
import os
import sys
import threading
import time

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_SELF = os.path.abspath(__file__)
_active: list = []  # the running profilers (the innermost records)


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0):
    """The action for each step() number: skip_first, then cycles of wait / warmup /
    active steps (repeat of them; 0: forever)."""
    def action(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        at = step % cycle
        if at < wait:
            return ProfilerAction.NONE
        if at < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if at < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return action


class FunctionEvent:
    def __init__(self, name: str, start: float, depth: int, shapes=None):
        self.name, self.key, self.start, self.end = name, name, start, start
        self.depth, self.children_time, self.input_shapes = depth, 0.0, shapes or []
        self.count = 1

    @property
    def cpu_time_total(self) -> float:
        """Microseconds, as PyTorch reports them."""
        return (self.end - self.start) * 1e6

    @property
    def self_cpu_time_total(self) -> float:
        return max(self.cpu_time_total - self.children_time * 1e6, 0.0)

    def __repr__(self) -> str:
        return (f"<FunctionEvent name={self.name} cpu_time_total={self.cpu_time_total:.3f}us "
                f"self_cpu_time_total={self.self_cpu_time_total:.3f}us>")


class FunctionEventAvg:
    def __init__(self, key: str):
        self.key, self.count = key, 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.input_shapes = None

    def add(self, e: FunctionEvent) -> None:
        self.count += 1
        self.cpu_time_total += e.cpu_time_total
        self.self_cpu_time_total += e.self_cpu_time_total

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total:.3f}"
                f"us cpu_time={self.cpu_time:.3f}us count={self.count}>")


def _fmt(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    def table(self, sort_by: str | None = None, row_limit: int = 100, max_name_column_width=55,
              header=None, top_level_events_only: bool = False, **_ignored) -> str:
        rows = list(self)
        if sort_by:
            key = sort_by.replace("self_cpu_time_total", "self_cpu_time_total").replace(
                "cuda", "cpu").replace("device", "cpu")
            rows.sort(key=lambda e: getattr(e, key, 0.0), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        total_self = sum(e.self_cpu_time_total for e in self) or 1.0
        width = min(max([len(e.key) for e in rows] + [4]) + 2, max_name_column_width)
        cols = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                "# of Calls"]
        widths = [width] + [14] * 6
        line = "-" * (sum(widths) + 2 * (len(widths) - 1))
        out = [line, "  ".join(c.rjust(w) if i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(cols, widths))), line]
        for e in rows:
            cells = [e.key[:width - 2] + ("..." if len(e.key) > width - 2 else ""),
                     f"{100 * e.self_cpu_time_total / total_self:.2f}%",
                     _fmt(e.self_cpu_time_total),
                     f"{100 * e.cpu_time_total / total_self:.2f}%", _fmt(e.cpu_time_total),
                     _fmt(getattr(e, "cpu_time", e.cpu_time_total)), str(e.count)]
            out.append("  ".join(c.rjust(w) if i else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))))
        out += [line, f"Self CPU time total: {_fmt(total_self)}", ""]
        return "\n".join(out)

    def key_averages(self, group_by_input_shape: bool = False) -> "EventList":
        groups: dict = {}
        for e in self:
            key = (e.key, tuple(map(tuple, e.input_shapes))) if group_by_input_shape else e.key
            avg = groups.get(key)
            if avg is None:
                avg = groups[key] = FunctionEventAvg(e.key)
                avg.input_shapes = e.input_shapes if group_by_input_shape else None
            avg.add(e)
        return EventList(groups.values())

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)


_DUNDERS = {"__add__": "add", "__radd__": "add", "__iadd__": "add_", "__sub__": "sub",
            "__rsub__": "rsub", "__isub__": "sub_", "__mul__": "mul", "__rmul__": "mul",
            "__imul__": "mul_", "__truediv__": "div", "__rtruediv__": "div",
            "__itruediv__": "div_", "__matmul__": "matmul", "__rmatmul__": "matmul",
            "__pow__": "pow", "__rpow__": "pow", "__neg__": "neg", "__getitem__": "index",
            "__setitem__": "index_put_", "__call__": None}


_WRAPPERS = frozenset({"call", "op", "wrapper", "fn", "inner", "wrapped", "method", "f"})


def _wrapped_name(frame) -> str | None:
    """The op a generic wrapper frame stands for (its closure's `name`, or the __name__ of
    the function it wraps)."""
    local = frame.f_locals
    for key in ("fn", "func", "body", "target", "np_fn"):
        inner = local.get(key)
        if callable(inner) and isinstance(getattr(inner, "__name__", None), str):
            return inner.__name__
    return local["name"] if isinstance(local.get("name"), str) else None


def _event_name(frame) -> str | None:
    code = frame.f_code
    name = code.co_name
    if name in _WRAPPERS:
        name = _wrapped_name(frame) or name
    if name.startswith("_") and name not in _DUNDERS:
        return None
    name = _DUNDERS.get(name, name)
    if name is None:  # module.__call__: the module's class, as PyTorch's nn.Module events
        module = frame.f_locals.get("self")
        return f"nn.Module: {type(module).__name__}" if module is not None else None
    if name in ("backward", "grad") and "self" in frame.f_locals and hasattr(
            frame.f_locals["self"], "next_functions"):
        return None
    return f"aten::{name}"


class profile:  # noqa: N801 - PyTorch's spelling
    """with profile(...) as prof: ... ; print(prof.key_averages().table())."""

    def __init__(self, activities=None, *, schedule=None, on_trace_ready=None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False, with_modules: bool = False,
                 enabled: bool = True, use_cuda: bool = False, use_device=None,
                 experimental_config=None, acc_events: bool = False, **_ignored):
        self.enabled, self.record_shapes = enabled, record_shapes
        self.schedule, self.on_trace_ready = schedule, on_trace_ready
        self.step_num, self._events, self._stack = 0, [], []
        self._recording = enabled and schedule is None
        self._old = None
        self.function_events = EventList()

    # -- the hook ----------------------------------------------------------------------------
    def _hook(self, frame, event, arg):
        if event == "call":
            filename = frame.f_code.co_filename
            if not filename.startswith(_PACKAGE) or filename == _SELF:
                return
            caller = frame.f_back
            inside = caller is not None and caller.f_code.co_filename.startswith(_PACKAGE) \
                and caller.f_code.co_filename != _SELF
            if inside:
                name = self._node_name(frame)
                if name is None:
                    return
            else:
                name = _event_name(frame)
                if name is None:
                    return
            shapes = self._shapes(frame) if self.record_shapes else None
            self._stack.append((frame, FunctionEvent(name, time.perf_counter(),
                                                     len(self._stack), shapes)))
        elif event == "return" and self._stack and self._stack[-1][0] is frame:
            self._close(time.perf_counter())

    @staticmethod
    def _node_name(frame) -> str | None:
        if frame.f_code.co_name != "grad":
            return None
        node = frame.f_locals.get("self")
        if node is None or not hasattr(node, "next_functions"):
            return None
        return f"autograd::engine::evaluate_function: {type(node).__name__}"

    @staticmethod
    def _shapes(frame) -> list:
        from .tensor import Tensor

        code, local = frame.f_code, frame.f_locals
        args = [local.get(n) for n in code.co_varnames[:code.co_argcount]]
        if code.co_flags & 0x04:  # (CO_VARARGS: a wrapper's *args are the op's inputs)
            args += list(local.get(code.co_varnames[code.co_argcount
                                                   + code.co_kwonlyargcount], ()))
        return [list(a.shape) if isinstance(a, Tensor) else [] for a in args]

    def _close(self, now: float) -> None:
        _, ev = self._stack.pop()
        ev.end = now
        if self._stack:
            self._stack[-1][1].children_time += ev.end - ev.start
        if self._recording:
            self._events.append(ev)

    # -- context -----------------------------------------------------------------------------
    def __enter__(self):
        return self.start() or self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self) -> None:
        if not self.enabled:
            return
        if self.schedule is not None:
            self._recording = self.schedule(self.step_num) in (
                ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        self._old = sys.getprofile()
        _active.append(self)
        sys.setprofile(self._hook)
        threading.setprofile(self._hook)

    def stop(self) -> None:
        if not self.enabled or self not in _active:
            return
        now = time.perf_counter()
        while self._stack:
            self._close(now)
        _active.remove(self)
        sys.setprofile(self._old)
        threading.setprofile(None)
        self.function_events = EventList(self._events)
        if self.on_trace_ready is not None and self.schedule is None:
            self.on_trace_ready(self)

    def step(self) -> None:
        """The next step of a schedule: records in its active steps, hands the trace to
        on_trace_ready at the end of each cycle."""
        if self.schedule is None:
            return
        action = self.schedule(self.step_num)
        self.step_num += 1
        following = self.schedule(self.step_num)
        self.function_events = EventList(self._events)
        if action == ProfilerAction.RECORD_AND_SAVE and self.on_trace_ready is not None:
            self.on_trace_ready(self)
        if following in (ProfilerAction.NONE, ProfilerAction.WARMUP) and \
                action == ProfilerAction.RECORD_AND_SAVE:
            self._events = []
        self._recording = following in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)

    # -- results -----------------------------------------------------------------------------
    def events(self) -> EventList:
        return self.function_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     **_ignored) -> EventList:
        return self.function_events.key_averages(group_by_input_shape)

    def table(self, *args, **kwargs) -> str:
        return self.key_averages().table(*args, **kwargs)

    @property
    def self_cpu_time_total(self) -> float:
        return self.function_events.self_cpu_time_total

    def export_chrome_trace(self, path: str) -> None:
        """A Chrome trace (JSON "X" events, microseconds) of every recorded event."""
        t0 = min((e.start for e in self.function_events), default=0.0)
        trace = {"traceEvents": [
            {"name": e.name, "ph": "X", "cat": "cpu_op", "pid": os.getpid(), "tid": 0,
             "ts": (e.start - t0) * 1e6, "dur": e.cpu_time_total,
             "args": {"Input Dims": e.input_shapes} if e.input_shapes else {}}
            for e in self.function_events]}
        with open(path, "w") as f:
            json.dump(trace, f)


class record_function:  # noqa: N801
    """A named range in the profile (also usable as a decorator)."""

    def __init__(self, name: str, args=None):
        self.name = name

    def __enter__(self):
        if _active:
            prof = _active[-1]
            prof._stack.append((self, FunctionEvent(self.name, time.perf_counter(),
                                                    len(prof._stack))))
        return self

    def __exit__(self, *exc):
        if _active:
            prof = _active[-1]
            while prof._stack:
                owner = prof._stack[-1][0]
                prof._close(time.perf_counter())
                if owner is self:
                    break
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name):
                return fn(*args, **kwargs)

        return wrapper


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False):
    """An on_trace_ready that writes each trace as Chrome JSON under dir_name."""
    def handler(prof: profile) -> None:
        os.makedirs(dir_name, exist_ok=True)
        name = f"{worker_name or os.getpid()}.{int(time.time() * 1000)}.pt.trace.json"
        prof.export_chrome_trace(os.path.join(dir_name, name))

    return handler


__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule",
           "tensorboard_trace_handler", "EventList", "FunctionEvent", "FunctionEventAvg"]
