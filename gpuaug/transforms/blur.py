"""Blur transforms (see gpuaug/functional/blur.py for the kernels)."""
from __future__ import annotations

__all__: list[str] = []
