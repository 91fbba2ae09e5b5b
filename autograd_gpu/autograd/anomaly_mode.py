"""Anomaly detection: a NaN produced in backward raises, naming the backward function and
showing the user's source line where its forward op ran (check_nan=False: the lines are kept,
the check is off)."""
from __future__ import annotations

import functools

from .grad_mode import state


def is_anomaly_enabled() -> bool:
    return state.anomaly


class detect_anomaly:  # noqa: N801 - PyTorch's spelling
    """Context manager and decorator that turns anomaly detection on."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = state.anomaly, state.anomaly_check_nan
        state.anomaly, state.anomaly_check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        state.anomaly, state.anomaly_check_nan = self._prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:  # noqa: N801
    """Sets anomaly detection at once; as a `with`, restores the previous setting on exit."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self._prev = state.anomaly, state.anomaly_check_nan
        state.anomaly, state.anomaly_check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc) -> None:
        state.anomaly, state.anomaly_check_nan = self._prev
