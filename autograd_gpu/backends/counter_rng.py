"""A counter-based random stream that runs on any array module: SplitMix64's output function
applied to (seed + counter * golden ratio). It is the CUDA generator: its whole state is
(seed, offset), as PyTorch's CUDA Philox state is, so a state can be saved, restored and
replayed (cuda.get_rng_state, checkpoint's RNG replay) at no cost. Run with NumPy it is the
reference the CuPy stream is tested against, bit for bit."""
from __future__ import annotations

import math

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK = (1 << 64) - 1


class CounterGenerator:
    """Random arrays from (seed, offset); each draw of n numbers moves the offset by n."""

    def __init__(self, xp, seed: int, offset: int = 0):
        self.xp, self.seed, self.offset = xp, int(seed) & _MASK, int(offset)

    # -- state: 16 bytes, the seed then the offset (little-endian uint64s, PyTorch's layout) --
    def get_state(self) -> bytes:
        return np.array([self.seed, self.offset], dtype="<u8").tobytes()

    def set_state(self, state: bytes) -> None:
        if len(state) != 16:
            raise RuntimeError(f"RNG state is wrong size: expected 16 bytes, got {len(state)}")
        self.seed, self.offset = (int(v) for v in np.frombuffer(state, dtype="<u8"))

    def bits(self, n: int):
        """n uniformly distributed uint64s, the next n of the stream."""
        xp, u = self.xp, self.xp.uint64
        z = xp.arange(1, n + 1, dtype=xp.uint64)
        z += u(self.offset)
        self.offset += n
        z *= u(_GOLDEN)
        z += u(self.seed)
        z ^= z >> u(30)
        z *= u(_MIX1)
        z ^= z >> u(27)
        z *= u(_MIX2)
        z ^= z >> u(31)
        return z

    def _unit(self, n: int, np_dtype, open_at_zero: bool = False):
        """n floats uniform on [0, 1) (on (0, 1] with open_at_zero)."""
        z = self.bits(n)
        if np_dtype == np.float32:
            out = (z >> self.xp.uint64(40)).astype(np.float32)
            scale = np.float32(2.0 ** -24)
        else:
            out = (z >> self.xp.uint64(11)).astype(np.float64)
            scale = 2.0 ** -53
        if open_at_zero:
            out += 1
        out *= scale
        return out

    # -- the draws the backends ask for ----------------------------------------------------
    def random_sample(self, shape, dtype=np.float64):
        return self._unit(math.prod(shape), np.dtype(dtype).type).reshape(shape)

    def standard_normal(self, shape, dtype=np.float64):
        """Box-Muller, in float64 whatever the dtype asked for."""
        n = math.prod(shape)
        radius = self.xp.sqrt(-2.0 * self.xp.log(self._unit(n, np.float64, open_at_zero=True)))
        angle = self._unit(n, np.float64) * (2.0 * math.pi)
        return (radius * self.xp.cos(angle)).astype(dtype, copy=False).reshape(shape)

    def randint(self, low: int, high: int, size=(), dtype=np.int64):
        n = math.prod(size)
        draws = (self.bits(n) % self.xp.uint64(int(high) - int(low))).astype(np.int64)
        return (draws + int(low)).astype(dtype, copy=False).reshape(size)

    def permutation(self, n: int):
        return self.xp.argsort(self.bits(int(n)))

    def poisson(self, rates):
        """(No counter form: drawn on the host from a stream keyed by the state, then moved.)"""
        host = rates.get() if hasattr(rates, "get") else np.asarray(rates)
        draws = np.random.default_rng([self.seed, self.offset]).poisson(host)
        self.offset += max(int(host.size), 1)
        return self.xp.asarray(draws)
