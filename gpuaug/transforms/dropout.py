"""Dropout transforms (see gpuaug/functional/dropout.py for the kernels)."""
from __future__ import annotations

__all__: list[str] = []
