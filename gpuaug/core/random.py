"""Per-sample random draws, on the data's device, without host syncs, and under torch.compile.

Two sources feed one interface:

* seeded (``seed=`` on a transform or container): a counter-based generator written in plain
  int64 tensor ops. Draw ``j`` of sample ``b`` in call ``c`` is ``hash(seed, c, b, j)``, so results
  are identical on CPU and CUDA, eager and compiled, and a sample's draws do not depend on the
  batch it sits in. The call counter is a buffer on the root module, incremented in place, so
  ``torch.compile`` sees no Python state change between calls.
* unseeded: ``torch.rand`` on the data's device, so ``torch.manual_seed`` governs.

Draws are taken from a per-call *bank*: a (B, n) block of uniforms produced by one pass (a few
kernels in eager mode, one fused kernel compiled) and handed out column by column, so the kernel
count of a call does not grow with the number of draws. Large noise fields (a value per pixel) use
their own stream instead of bank columns.
"""
from __future__ import annotations

import itertools
import math

import torch
from torch import Tensor

from . import constants, extern

MASK32 = 0xFFFFFFFF
_WEYL = 0x9E3779B9
_BLOCK = 64  # bank columns produced per pass
_INV24 = 1.0 / (1 << 24)


def hash32(x: Tensor) -> Tensor:
    """A 32-bit integer finaliser on int64 tensors holding values in [0, 2**32).

    Each multiplier is below 2**31, so every product stays inside int64 without overflow.
    """
    x = x ^ (x >> 16)
    x = (x * 0x7FEB352D) & MASK32
    x = x ^ (x >> 15)
    x = (x * 0x2C1B3C6D) & MASK32
    return x ^ (x >> 16)


def _to_unit(x: Tensor) -> Tensor:
    """int64 in [0, 2**32) -> float32 in [0, 1) with 24 random bits, exact on every device."""
    return (x >> 8).to(torch.float32) * _INV24


def _mix_host(x: int) -> int:
    """hash32 on a Python int (configuration only: seeds and stream numbers)."""
    x &= MASK32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & MASK32
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & MASK32
    return x ^ (x >> 16)


def seed_words(seed: int) -> tuple[int, int]:
    """Two well-mixed 32-bit words from a Python int seed (so seeds 0, 1, 2 ... are unrelated)."""
    seed = int(seed) & ((1 << 64) - 1)
    lo = _mix_host((seed & MASK32) ^ 0x243F6A88)
    hi = _mix_host(((seed >> 32) & MASK32) ^ _mix_host(lo ^ 0x85A308D3))
    return lo, hi


# the key moves along a Weyl sequence per call: two odd steps, one per key word
_STEPS = (0x9E3779B9, 0x7F4A7C15)


def seed_tensor(seed: int) -> Tensor:
    """``seed_words(seed)`` as a (2,) int64 tensor, for a module to keep as a buffer (under
    torch.compile a buffer is an input, where an int attribute may become a symbol)."""
    return torch.tensor(seed_words(seed), dtype=torch.int64)


def seeded_key(seed: int | Tensor, counter: Tensor) -> Tensor:
    """The (2,) int64 key of call ``counter`` (a 0-d int64 tensor) under ``seed`` (an int, or
    its ``seed_tensor`` on the counter's device): three small ops, no host copy.

    It is linear in the counter; the bank hashes twice after mixing it in, and the grid it is
    mixed into is itself pre-hashed, so keys of different calls give unrelated draws.
    """
    steps = _const((_STEPS[0], _STEPS[1]), counter.device)
    offsets = seed if isinstance(seed, Tensor) else _const(seed_words(seed), counter.device)
    return (counter * steps + offsets) & MASK32


def derive_key(key: Tensor, stream: int) -> Tensor:
    """A new (2,) key for an independent sub-stream (noise fields, repeated children)."""
    return (key ^ _const((_mix_host(stream * 2 + 1), _mix_host(stream * 2 + 2)), key.device))


def _const(values: tuple[int, ...], device) -> Tensor:
    """A small int64 constant on ``device``, made once per device (no per-call host copy)."""
    return constants.cached(("int64", values, torch.device(device)),
                            lambda: torch.tensor(values, dtype=torch.int64).to(device))


def _hashed_grid(rows: int, start: int, cols: int, device) -> Tensor:
    """hash32(hash32(row) + column) for a (rows, cols) block: a constant per shape, cached.

    Pre-hashing makes the grid values look random, so that no two (call key, cell) pairs line up
    by structure (a plain ``index ^ key`` would map whole rows of one call onto another's); the
    row is hashed before the column is added so that any batch size and column count stay
    distinct.
    """
    def make() -> Tensor:
        r = hash32(torch.arange(rows, device=device, dtype=torch.int64))[:, None]
        c = torch.arange(start, start + cols, device=device, dtype=torch.int64)[None, :]
        return hash32((r + c) & MASK32)

    return constants.cached(("grid", rows, start, cols, torch.device(device)), make)


class Random:
    """The draws of one call for a batch of ``batch_size`` samples.

    Every method returns a tensor with a leading batch dimension on ``device``. With
    ``same_on_batch`` the first sample's draws are repeated for the whole batch.
    """

    def __init__(self, batch_size: int, device: torch.device, key: Tensor | None = None,
                 same_on_batch: bool = False):
        self.batch_size = batch_size
        self.device = torch.device(device)
        self.key = key
        self.same_on_batch = same_on_batch
        self._block: Tensor | None = None
        self._pos = 0          # columns of the current block handed out
        self._next_start = 0   # global index of the next block's first column
        self._fields = 0       # noise fields produced

    def shared(self, same_on_batch: bool) -> "Random":
        """A view on the same bank that repeats sample 0's draws when ``same_on_batch``."""
        if same_on_batch == self.same_on_batch:
            return self
        view = Random.__new__(Random)
        view.__dict__ = self.__dict__.copy()
        view.same_on_batch = same_on_batch
        view._owner = self._root()
        return view

    # ---- the bank -------------------------------------------------------------------------
    def _root(self) -> "Random":
        return getattr(self, "_owner", self)

    def _produce(self, start: int, n: int) -> Tensor:
        b = self.batch_size
        if self.key is None:
            return torch.rand((b, n), device=self.device)
        grid = _hashed_grid(b, start, n, self.device)
        return _to_unit(hash32(hash32(grid ^ self.key[0]) ^ self.key[1]))

    def columns(self, n: int) -> Tensor:
        """The next ``n`` uniform columns, (B, n) float32 in [0, 1).

        Column j of the whole call always holds the same values for a given key, whatever the
        block boundaries, so draws depend only on (key, sample, position in program order).
        """
        root = self._root()
        if root._block is None or root._pos + n > root._block.shape[1]:
            width = max(_BLOCK, n)
            root._block = root._produce(root._next_start, width)
            root._next_start += width
            root._pos = 0
        out = root._block[:, root._pos:root._pos + n]
        root._pos += n
        if self.same_on_batch:
            out = out[:1].expand(self.batch_size, n)
        return out

    # ---- draws ----------------------------------------------------------------------------
    def _unit(self, shape: tuple[int, ...]) -> Tensor:
        n = math.prod(shape)
        return self.columns(n).reshape((self.batch_size, *shape))

    def uniform(self, low: float | Tensor = 0.0, high: float | Tensor = 1.0,
                shape: tuple[int, ...] = ()) -> Tensor:
        """Uniform in [low, high); low/high may be floats or (B, ...) tensors."""
        u = self._unit(tuple(shape))
        if isinstance(low, (int, float)) and isinstance(high, (int, float)):
            if (low, high) == (0, 1):
                return u
            # one fused multiply-add on cached constants (a kernel, not two)
            return torch.addcmul(constants.constant((float(low),), u, shape=()), u,
                                 constants.constant((float(high - low),), u, shape=()))
        return low + u * (high - low)

    def log_uniform(self, low: float, high: float, shape: tuple[int, ...] = ()) -> Tensor:
        return torch.exp(self.uniform(math.log(low), math.log(high), shape))

    def integers(self, low: int, high: int, shape: tuple[int, ...] = ()) -> Tensor:
        """Integers in [low, high] (both ends included, as random.randint), int64."""
        u = self._unit(tuple(shape))
        span = high - low + 1
        return (u * span).to(torch.int64).clamp_(max=span - 1) + low

    def bernoulli(self, p: float | Tensor, shape: tuple[int, ...] = ()) -> Tensor:
        return self._unit(tuple(shape)) < p

    def normal(self, mean: float = 0.0, std: float = 1.0, shape: tuple[int, ...] = ()) -> Tensor:
        """Gaussian draws by Box-Muller (two columns per value)."""
        shape = tuple(shape)
        u = self._unit((2, *shape))
        radius = torch.sqrt(-2.0 * torch.log1p(-u[:, 0]))
        return mean + std * radius * torch.cos(2.0 * math.pi * u[:, 1])

    def choice(self, weights, shape: tuple[int, ...] = ()) -> Tensor:
        """Indices drawn with the given (unnormalised) weights, int64."""
        weights = [float(w) for w in weights]
        total = sum(weights)
        cdf = list(itertools.accumulate(w / total for w in weights))[:-1]
        u = self._unit(tuple(shape))
        out = torch.zeros_like(u, dtype=torch.int64)
        for edge in cdf:
            out = out + (u >= edge).to(torch.int64)
        return out

    def permutation(self, n: int) -> Tensor:
        """A random permutation of range(n) per sample, (B, n) int64."""
        return torch.argsort(self._unit((n,)), dim=1)

    def field(self, shape: tuple[int, ...], kind: str = "uniform") -> Tensor:
        """A large noise field of ``shape`` (its first dimension the batch): uniform [0, 1) or normal.

        Seeded: hashed per element from its own sub-stream, so it uses no bank columns and does
        not depend on the batch size. Unseeded: ``torch.rand`` / ``torch.randn``.
        """
        root = self._root()
        root._fields += 1
        if self.key is None:
            size = (1, *shape[1:]) if self.same_on_batch else tuple(shape)
            field = extern.noise_field(size, kind == "normal", self.device, root._fields)
            return field.expand(shape) if self.same_on_batch else field
        key = derive_key(self.key, root._fields)
        per_sample = math.prod(shape[1:])
        n_values = per_sample * (2 if kind == "normal" else 1)
        b = 1 if self.same_on_batch else shape[0]
        grid = _hashed_grid(b, 0, n_values, self.device)
        u = _to_unit(hash32(hash32(grid ^ key[0]) ^ key[1]))
        if kind == "normal":
            u1, u2 = u[:, :per_sample], u[:, per_sample:]
            u = torch.sqrt(-2.0 * torch.log1p(-u1)) * torch.cos(2.0 * math.pi * u2)
        u = u.reshape((b, *shape[1:]))
        return u.expand(shape) if self.same_on_batch else u
