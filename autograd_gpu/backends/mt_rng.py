"""The CPU random stream, number for number PyTorch's: a Mersenne Twister (MT19937) seeded
as torch.manual_seed seeds it, read the way PyTorch's CPU kernels read it, so a seeded
program draws the same tensors here as under PyTorch:

- uniform floats: the low 24 bits of one 32-bit draw over 2^24 (float32; 11 bits for
  float16), or the low 53 bits of a 64-bit draw (two 32-bit ones, high first) over 2^53
  (float64); a uniform_(a, b) fill scales in double precision;
- normals: for fewer than 16 elements, one Box-Muller pair from two double uniforms per two
  elements (the second value kept for the next draw, as PyTorch's generator keeps it);
  for 16 or more, uniforms for the whole tensor, then Box-Muller on blocks of 16 (the last
  block redrawn when the size is not a multiple of 16), in float32 with the log and sincos
  approximations of PyTorch's AVX2 kernel;
- integers in [low, high): a 32-bit draw (64-bit when the range needs it) modulo the range;
- permutations: Fisher-Yates with a 32-bit draw modulo the remaining length;
- gamma draws: Marsaglia and Tsang's method on those normals and double uniforms, element
  by element (the gamma family's samplers use it up to 4096 draws at a time).

- Poisson draws: products of uniforms below rate 10, Hoermann's transformed rejection
  above (up to 4096 at a time).

- binomial draws: inversion or Hormann's BTRS (up to 4096 at a time).

Larger gamma, Poisson and binomial batches come from NumPy's Generator on the same bit
stream."""
from __future__ import annotations

import math
import struct

import numpy as np

_U64 = np.uint64
_STATE_SIZE = 5056  # sizeof(CPUGeneratorImplState)


class TorchCPUGenerator:
    """PyTorch's CPU generator on NumPy's MT19937 bit generator."""

    def __init__(self, seed: int):
        self.bit_generator = np.random.MT19937(0)
        self.bit_generator._legacy_seeding(int(seed) & 0xFFFFFFFF)  # (mt19937's init_genrand)
        self._seeded_key = self.bit_generator.state["state"]["key"].copy()
        self._numpy = np.random.Generator(self.bit_generator)
        self.next_normal = None  # the second value of the last double Box-Muller pair

    def __getattr__(self, name):  # (NumPy's samplers for the rest, on the same stream)
        return getattr(self._numpy, name)

    # -- raw draws -----------------------------------------------------------------------
    def _u32(self, n: int) -> np.ndarray:
        return self.bit_generator.random_raw(n)

    def _u64(self, n: int) -> np.ndarray:
        raw = self.bit_generator.random_raw(2 * n)
        return (raw[0::2] << _U64(32)) | raw[1::2]

    def _uniform(self, n: int, np_dtype) -> np.ndarray:
        """n uniforms in [0, 1) as PyTorch draws them for np_dtype (exact in float64)."""
        if np.dtype(np_dtype) == np.float64:
            return (self._u64(n) & _U64((1 << 53) - 1)).astype(np.float64) * 2.0 ** -53
        bits = 11 if np.dtype(np_dtype) == np.float16 else 24
        return (self._u32(n) & _U64((1 << bits) - 1)).astype(np.float64) * 2.0 ** -bits

    def _double(self) -> float:
        """One double uniform in [0, 1) (the draw PyTorch's samplers make per step)."""
        return float(self._uniform(1, np.float64)[0])

    # -- what the backend asks for ------------------------------------------------------
    def random(self, size=None, dtype=np.float64) -> np.ndarray:
        shape = _shape(size)
        return self._uniform(math.prod(shape), dtype).astype(dtype).reshape(shape)

    def uniform_fill(self, shape, np_dtype, low: float, high: float) -> np.ndarray:
        """uniform_(low, high): the uniform scaled in double precision, then rounded."""
        u = self._uniform(math.prod(shape), np_dtype)
        return (u * (high - low) + low).astype(np_dtype).reshape(shape)

    def standard_normal(self, size=None, dtype=np.float64) -> np.ndarray:
        return self.normal_fill(_shape(size), dtype, 0.0, 1.0)

    def normal_fill(self, shape, np_dtype, mean: float, std: float) -> np.ndarray:
        n = math.prod(shape)
        if n >= 16:
            single = np.dtype(np_dtype) == np.float32
            blocks = _box_muller_16_float32 if single else _box_muller_16
            u = self._uniform(n, np_dtype)
            whole = n - n % 16
            out = np.empty(n, np.float32 if single else np.float64)
            out[:whole] = blocks(u[:whole].reshape(-1, 16)).reshape(-1)
            out[whole:] = u[whole:]
            if n % 16:
                out[n - 16:] = blocks(self._uniform(16, np_dtype).reshape(1, 16))[0]
            out = _fma(out, np.float32(std), np.float32(mean)) if single else out * std + mean
        else:
            out = np.array([self._one_normal() for _ in range(n)]) * std + mean
        return out.astype(np_dtype).reshape(shape)

    def _one_normal(self) -> float:
        if self.next_normal is not None:
            value, self.next_normal = self.next_normal, None
            return value
        u1, u2 = self._uniform(2, np.float64)
        radius, theta = math.sqrt(-2.0 * math.log1p(-u2)), 2.0 * math.pi * u1
        self.next_normal = radius * math.sin(theta)
        return radius * math.cos(theta)

    def integers(self, low, high=None, size=None, dtype=np.int64) -> np.ndarray:
        if high is None:
            low, high = 0, low
        return self.integers_like_pytorch(low, high, _shape(size)).astype(dtype)

    def integers_like_pytorch(self, low: int, high: int, shape) -> np.ndarray:
        """Integers in [low, high) (int64): a draw modulo the range, plus low."""
        n, span = math.prod(shape), int(high) - int(low)
        draws = self._u64(n) if span >= 1 << 32 else self._u32(n)
        return ((draws % _U64(span)).astype(np.int64) + int(low)).reshape(shape)

    def permutation(self, n) -> np.ndarray:
        if not isinstance(n, (int, np.integer)):
            return self._numpy.permutation(n)
        out = np.arange(int(n), dtype=np.int64)
        if n > 1:
            draws = self._u32(int(n) - 1)
            for i in range(int(n) - 1):
                j = i + int(draws[i]) % (int(n) - i)
                out[i], out[j] = out[j], out[i]
        return out

    def standard_gamma(self, alpha: np.ndarray) -> np.ndarray:
        """Gamma(alpha, 1) draws one element after another as PyTorch's CPU kernel makes them:
        Marsaglia and Tsang's method on this stream's double normals and uniforms (alpha < 1
        boosted to alpha + 1 and scaled by u^(1/alpha), that uniform drawn first)."""
        flat = np.asarray(alpha, np.float64).reshape(-1)
        out = np.empty(flat.shape)
        for i, a in enumerate(flat):
            out[i] = self._one_gamma(float(a))
        return out.reshape(np.shape(alpha))

    def _one_gamma(self, alpha: float) -> float:
        scale = 1.0
        if alpha < 1.0:
            if alpha == 0.0:
                return 0.0
            scale = (1.0 - self._double()) ** (1.0 / alpha)
            alpha += 1.0
        d = alpha - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            while True:
                x = self._one_normal()
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            u = 1.0 - self._double()
            xx = x * x
            if u < 1.0 - 0.0331 * xx * xx or \
                    math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
                return scale * d * v

    def poisson(self, lam, size=None) -> np.ndarray:
        """Poisson draws; up to 4096 rates one after another as PyTorch's CPU kernel draws
        them (products of uniforms below rate 10, Hoermann's transformed rejection from 10),
        NumPy's sampler on this stream beyond."""
        rates = np.asarray(lam, np.float64)
        if size is not None or rates.size > 4096:
            return self._numpy.poisson(lam, size)
        flat = [self._one_poisson(float(r)) for r in rates.reshape(-1)]
        return np.asarray(flat, np.int64).reshape(rates.shape)

    def _one_poisson(self, lam: float) -> int:
        if lam >= 10:
            root, log_lam = math.sqrt(lam), math.log(lam)
            b = 0.931 + 2.53 * root
            a = -0.059 + 0.02483 * b
            inv_alpha, vr = 1.1239 + 1.1328 / (b - 3.4), 0.9277 - 3.6224 / (b - 2)
            while True:
                u, v = self._uniform(2, np.float64)
                u -= 0.5
                us = 0.5 - abs(u)
                k = math.floor((2 * a / us + b) * u + lam + 0.43)
                if us >= 0.07 and v <= vr:
                    return k
                if k < 0 or (us < 0.013 and v > us):
                    continue
                if math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b) <= \
                        -lam + k * log_lam - math.lgamma(k + 1):
                    return k
        if lam == 0:
            return 0
        count, product, limit = 0, 1.0, math.exp(-lam)
        while True:
            product *= self._double()
            if product <= limit:
                return count
            count += 1

    def binomial_like_pytorch(self, count: np.ndarray, prob: np.ndarray):
        """Binomial draws one element after another as PyTorch's CPU kernel draws them
        (inversion below a mean of 10, Hormann's BTRS above, on the smaller of prob and
        1 - prob), in count's floating dtype; None beyond 4096 elements."""
        count, prob = np.broadcast_arrays(count, prob)
        if count.size > 4096:
            return None
        dtype = count.dtype if count.dtype.kind == "f" else np.dtype(np.float64)
        out = [self._one_binomial(dtype.type(n), dtype.type(p)) for n, p in
               zip(count.reshape(-1), prob.reshape(-1))]
        return np.asarray(out, dtype).reshape(count.shape)

    def _one_binomial(self, count, prob) -> float:
        """(count and prob: NumPy scalars of the tensor's dtype, whose arithmetic PyTorch's
        kernel does in that dtype where it does.)"""
        if count <= 0 or prob <= 0:
            return 0.0
        if prob >= 1:
            return float(count)
        flip = prob > 0.5
        p = type(prob)(1) - prob if flip else prob
        k = self._btrs(float(count), float(p)) if count * p >= 10 else \
            self._inversion(float(count), float(p))
        return float(count) - k if flip else k

    def _inversion(self, count: float, prob: float) -> float:
        total, successes, log_q = 0.0, 0, math.log1p(-prob)
        while True:
            total += math.ceil(math.log(self._double()) / log_q)
            if total > count:
                return successes
            successes += 1

    def _btrs(self, n: float, p: float) -> float:
        spq = math.sqrt(n * p * (1 - p))
        b = 1.15 + 2.53 * spq
        a = -0.0873 + 0.0248 * b + 0.01 * p
        c, v_r, r = n * p + 0.5, 0.92 - 4.2 / b, p / (1 - p)
        alpha, m = (2.83 + 5.1 / b) * spq, math.floor((n + 1) * p)
        while True:
            u, v = self._uniform(2, np.float64)
            u -= 0.5
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + c)
            if k < 0 or k > n:
                continue
            if us >= 0.07 and v <= v_r:
                return k
            v = math.log(v * alpha / (a / (us * us) + b))
            bound = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
                     + (n + 1) * math.log((n - m + 1) / (n - k + 1))
                     + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1))
                     + _stirling_tail(m) + _stirling_tail(n - m) - _stirling_tail(k)
                     - _stirling_tail(n - k))
            if v <= bound:
                return k

    # -- state ---------------------------------------------------------------------------
    def pytorch_state(self, seed: int) -> bytes:
        """The state in PyTorch's CPU layout (CPUGeneratorImplState, 5,056 bytes): seed,
        mt19937's left/seeded/next counters and 624 words, and the kept normal."""
        inner = self.bit_generator.state["state"]
        key, pos = inner["key"], int(inner["pos"])
        fresh = pos == 624 and np.array_equal(key, self._seeded_key)
        left, next_ = (1, 0) if fresh else (1 if pos == 624 else 625 - pos, pos)
        kept = self.next_normal
        head = struct.pack("<QiiQ", seed & (2 ** 64 - 1), left, 1, next_)
        tail = struct.pack("<dddi4xf?3x", 0.0, 0.0 if kept is None else kept, 0.0,
                           kept is not None, 0.0, False)
        return head + key.astype("<u8").tobytes() + tail

    def set_pytorch_state(self, raw: bytes) -> int:
        """Restore a state in PyTorch's layout; returns its initial seed."""
        if len(raw) != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but "
                               f"found the input RNG state size to be {len(raw)}")
        seed, left, _, next_ = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, dtype="<u8", count=624, offset=24).astype(np.uint32)
        _, kept, _, valid = struct.unpack_from("<dddi", raw, 24 + 624 * 8)
        self.bit_generator.state = {"bit_generator": "MT19937",
                                    "state": {"key": key, "pos": 624 if left == 1 else next_}}
        self.next_normal = kept if valid else None
        return seed


_STIRLING = [0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
             0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
             0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
             0.008330563433362871]  # log k! minus Stirling's approximation, k = 0..9


def _stirling_tail(k: float) -> float:
    if k <= 9:
        return _STIRLING[int(k)]
    square = (k + 1) ** 2
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / square) / square) / (k + 1)


def _shape(size) -> tuple:
    if size is None:
        return ()
    return (size,) if isinstance(size, (int, np.integer)) else tuple(size)


_F32 = np.float32
_LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
          3.3333331174e-1]  # (Cephes' logf polynomial)


def _fma(a, b, c) -> np.ndarray:
    """a * b + c rounded once to float32 (the product of two float32s is exact in float64)."""
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)
            ).astype(_F32)


def _avx_log(x: np.ndarray) -> np.ndarray:
    """logf as PyTorch's AVX2 normal fill computes it (avx_mathfun's log256_ps, with the
    compiler's fused multiply-adds), for x in (0, 1]."""
    bits = np.maximum(x, _F32(1.17549435e-38)).view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_F32) + _F32(1)
    x = ((bits & ~0x7F800000) | _F32(0.5).view(np.int32)).view(_F32)
    small = x < _F32(0.707106781186547524)
    x = (x - _F32(1)) + np.where(small, x, _F32(0))
    e = e - np.where(small, _F32(1), _F32(0))
    z = x * x
    y = np.full_like(x, _F32(_LOG_P[0]))
    for p in _LOG_P[1:]:
        y = _fma(y, x, _F32(p))
    y = _fma(y * x, z, e * _F32(-2.12194440e-4))
    y = _fma(-z, _F32(0.5), y)
    return _fma(e, _F32(0.693359375), x + y)


def _avx_sincos(x: np.ndarray):
    """(sinf, cosf) of x >= 0 as avx_mathfun's sincos256_ps computes them (Cephes' range
    reduction by pi/4 and its two polynomials, with fused multiply-adds)."""
    j = (x * _F32(1.27323954473516)).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(_F32)
    for step in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma(y, _F32(step), x)
    z = x * x
    c = np.full_like(x, _F32(2.443315711809948e-5))
    c = _fma(_fma(c, z, _F32(-1.388731625493765e-3)), z, _F32(4.166664568298827e-2))
    c = _fma(c * z, z, -(z * _F32(0.5))) + _F32(1)
    s = np.full_like(x, _F32(-1.9515295891e-4))
    s = _fma(_fma(s, z, _F32(8.3321608736e-3)), z, _F32(-1.6666654611e-1))
    s = _fma(s * z, x, x)
    first = (j & 2) == 0
    sin, cos = np.where(first, s, c), np.where(first, c, s)
    return np.where((j & 4) != 0, -sin, sin), np.where(((~(j - 2)) & 4) != 0, -cos, cos)


def _box_muller_16_float32(u: np.ndarray) -> np.ndarray:
    """_box_muller_16 in float32 as PyTorch's AVX2 kernel computes it (bit for bit)."""
    u = u.astype(_F32)
    radius = np.sqrt(_F32(-2) * _avx_log(_F32(1) - u[:, :8]))
    sin, cos = _avx_sincos(_F32(2 * math.pi) * u[:, 8:])
    return np.concatenate([radius * cos, radius * sin], axis=1)


def _box_muller_16(u: np.ndarray) -> np.ndarray:
    """PyTorch's normal_fill_16 on each row of 16 uniforms: the first 8 give radii, the
    last 8 angles; the cosines fill the first half, the sines the second."""
    radius = np.sqrt(-2.0 * np.log(1.0 - u[:, :8]))
    theta = 2.0 * math.pi * u[:, 8:]
    return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], axis=1)
