"""Compression transforms (see gpuaug/functional/compression.py for the kernels)."""
from __future__ import annotations

__all__: list[str] = []
