"""torch.random: the default generators' seeds and states, and fork_rng."""
from __future__ import annotations

import contextlib
import warnings

from . import backends, creation
from .creation import Generator, initial_seed, manual_seed, seed
from .runtime import get_rng_state, set_rng_state

__all__ = ["Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed",
           "manual_seed", "seed", "set_rng_state"]

default_generator = creation.default_generator(backends.numpy_backend)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str = "cuda"):
    """Inside, random numbers may be drawn freely: on exit the CPU generator and those of the
    given CUDA devices (all that were used, by default) are back in their earlier states."""
    if not enabled:
        yield
        return
    from . import cuda

    if devices is None:
        devices = list(range(cuda.device_count())) if cuda.is_available() else []
        if len(devices) > 1:
            warnings.warn(f"CUDA reports that you have {len(devices)} available devices, and "
                          f"you have used {_caller} without explicitly specifying which "
                          f"devices are being used. For safety, we initialize *every* CUDA "
                          f"device by default, which can be quite slow if you have a lot of "
                          f"CUDAs. If you know that you are only making use of a few CUDA "
                          f"devices, set the environment variable CUDA_VISIBLE_DEVICES or the "
                          f"'{_devices_kw}' keyword argument of {_caller} with the set of "
                          f"devices you are actually using.")
    cpu_state = get_rng_state()
    device_states = [(d, cuda.get_rng_state(d)) for d in devices]
    try:
        yield
    finally:
        set_rng_state(cpu_state)
        for d, state in device_states:
            cuda.set_rng_state(state, d)
