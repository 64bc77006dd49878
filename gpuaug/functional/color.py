"""Color kernels: pure functions with explicit (B,) parameters, OpenCV / albumentations semantics."""
from __future__ import annotations

__all__: list[str] = []
