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


def constant(values: tuple, like: Tensor, dtype: torch.dtype | None = None) -> Tensor:
    """A small 1-D constant on ``like``'s device, in ``like``'s dtype unless ``dtype`` is given."""
    dtype = dtype or like.dtype
    values = tuple(float(v) for v in values) if dtype.is_floating_point else tuple(int(v) for v in values)
    return cached(("vector", values, like.device, dtype),
                  lambda: torch.tensor(values, dtype=dtype).to(like.device))


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
