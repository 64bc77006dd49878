"""Noise transforms (see gpuaug/functional/noise.py for the kernels)."""
from __future__ import annotations

__all__: list[str] = []
