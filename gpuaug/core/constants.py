"""Small constant tensors (matrix entries, per-channel values, hashed grids) made once per device.

In eager mode a cached tensor costs no kernel and no host-to-device copy per call; under
torch.compile the value is created inside the graph and becomes a graph constant.
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

_CACHE: dict = {}
_LIMIT = 4096


def cached(key: tuple, make: Callable[[], Tensor]) -> Tensor:
    """``make()`` once per ``key`` (which must include the device), then the same tensor."""
    if torch.compiler.is_compiling():
        return make()
    out = _CACHE.get(key)
    if out is None:
        if len(_CACHE) >= _LIMIT:
            _CACHE.clear()
        out = _CACHE[key] = make()
    return out


_BY_IDENTITY: dict = {}


def constant(values, like: Tensor, dtype: torch.dtype | None = None, shape=None) -> Tensor:
    """A constant tensor of ``values`` on ``like``'s device (``like``'s dtype unless ``dtype``),
    optionally reshaped. Long tables (more than 64 values: module-level lookup tables) are found
    by identity, so their values are not hashed on every call."""
    dtype = dtype or like.dtype
    device = like.device
    if torch.compiler.is_compiling():
        out = torch.tensor(tuple(values), dtype=dtype, device=device)
        return out if shape is None else out.reshape(shape)
    long = len(values) > 64
    if long:
        hit = _BY_IDENTITY.get((id(values), device, dtype, shape))
        if hit is not None and hit[0] is values:
            return hit[1]

    def make() -> Tensor:
        out = torch.tensor(tuple(values), dtype=dtype)
        return (out if shape is None else out.reshape(shape)).to(device)

    out = cached(("constant", tuple(values), device, dtype, shape), make)
    if long:  # keeps ``values`` alive, so that its id stays its own
        _BY_IDENTITY[(id(values), device, dtype, shape)] = (values, out)
    return out


def scalar(value: float, device, dtype: torch.dtype = torch.float64) -> Tensor:
    """A 0-d constant on ``device``: broadcast it instead of filling a batch."""
    device = torch.device(device)
    return cached(("scalar", float(value), device, dtype),
                  lambda: torch.tensor(float(value), dtype=dtype).to(device))


def arange(start: int, end: int, device, dtype: torch.dtype = torch.int64) -> Tensor:
    """``torch.arange(start, end)`` on ``device``, made once per (range, device, dtype)."""
    device = torch.device(device)
    return cached(("arange", start, end, device, dtype),
                  lambda: torch.arange(start, end, dtype=dtype).to(device))
