"""Color transforms (see gpuaug/functional/color.py for the kernels)."""
from __future__ import annotations

__all__: list[str] = []
